//! Charts (SVG and PNG) with plotters, using the bundled DejaVu Sans so that
//! no system font or graphics library is needed.

use super::views::thousands;
use capplan::report::compare::CompareReport;
use capplan::report::sweep::{ForecastReport, SweepReport};
use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

const FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// Layer and line colours (Tableau 10, then two darks) so a dozen stacks
/// stay apart.
const PALETTE: [RGBColor; 12] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(0, 0, 0),
    RGBColor(0, 0, 128),
];

/// One stack's line on the comparison chart.
struct StackLine {
    label: String,
    points: Vec<(f64, f64)>,
    /// The last point, marked with a cross, when the stack stops serving
    /// the app inside the range drawn.
    stop: Option<(f64, f64)>,
}

/// The image format, from the output file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Svg,
    Png,
}

fn register_font() -> Result<(), String> {
    plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
        .map_err(|_| "the bundled font could not be loaded".to_string())
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(rgb).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// How many usage items get a layer of their own; the rest share "other usage".
const USAGE_LAYERS: usize = 4;

/// Everything the stacked cost chart draws.
struct CostChart {
    title: String,
    x: (f64, f64),
    y_max: f64,
    log_x: bool,
    bands: Vec<(f64, f64, String)>,
    names: Vec<String>,
    steps: Vec<(f64, Vec<f64>)>,
    fan: Vec<(f64, f64, f64, f64)>,
    fan_label: Option<String>,
    /// The first user count with no feasible plan, and why.
    cut: Option<(f64, String)>,
}

/// The stacked cost chart: monthly cost against users (log axis unless
/// `log_x` is false), stacked by component, then the largest usage items
/// and the rest as "other usage", stage bands shaded and labelled. Where
/// the range runs into user counts no mix serves, the chart shades them
/// and says from where and why; that sentence is also returned as a note.
pub fn cost_chart(
    report: &SweepReport,
    format: ImageFormat,
    width: u32,
    height: u32,
    log_x: bool,
) -> Result<(Vec<u8>, Vec<String>), String> {
    let rows: Vec<_> = report.rows.iter().filter(|r| r.feasible).collect();
    if rows.len() < 2 {
        let why = report
            .rows
            .iter()
            .find_map(|r| r.error.as_deref())
            .map_or(String::new(), |e| format!(" ({e})"));
        return Err(format!(
            "fewer than two user counts have a feasible plan: nothing to draw (widen --from/--to){why}"
        ));
    }
    // The usage items that cost most over the range get their own layer.
    let mut usage_totals: Vec<(String, f64)> = Vec::new();
    for row in &rows {
        for item in &row.usage {
            let usd = item.monthly_usd.unwrap_or(0.0);
            match usage_totals.iter_mut().find(|(n, _)| *n == item.name) {
                Some(entry) => entry.1 += usd,
                None => usage_totals.push((item.name.clone(), usd)),
            }
        }
    }
    usage_totals.sort_by(|a, b| b.1.total_cmp(&a.1));
    usage_totals.retain(|(_, total)| *total > 0.0);
    let own_layer = if usage_totals.len() <= USAGE_LAYERS + 1 {
        usage_totals.len()
    } else {
        USAGE_LAYERS
    };
    let top: Vec<String> = usage_totals[..own_layer]
        .iter()
        .map(|(n, _)| n.clone())
        .collect();
    let with_other = usage_totals.len() > own_layer;
    let with_environments = rows.iter().any(|r| r.environments_usd > 0.0);
    let names: Vec<String> = rows[0]
        .components
        .iter()
        .map(|c| c.name.clone())
        .chain(top.iter().cloned())
        .chain(with_other.then(|| "other usage".to_string()))
        .chain(with_environments.then(|| "other environments".to_string()))
        .collect();
    // Cumulative layers per row; a step before each new point makes upgrades visible as jumps.
    let mut steps: Vec<(f64, Vec<f64>)> = Vec::new();
    for row in &rows {
        let mut cumulative = Vec::with_capacity(names.len());
        let mut sum = 0.0;
        for cell in &row.components {
            sum += cell.total_monthly_usd.or(cell.monthly_usd).unwrap_or(0.0);
            cumulative.push(sum);
        }
        let mut in_layers = 0.0;
        for name in &top {
            let usd: f64 = row
                .usage
                .iter()
                .filter(|u| &u.name == name)
                .filter_map(|u| u.monthly_usd)
                .sum();
            in_layers += usd;
            sum += usd;
            cumulative.push(sum);
        }
        if with_other {
            sum += (row.usage_usd - in_layers).max(0.0);
            cumulative.push(sum);
        }
        if with_environments {
            sum += row.environments_usd;
            cumulative.push(sum);
        }
        if let Some((_, previous)) = steps.last() {
            let previous = previous.clone();
            steps.push((row.users, previous));
        }
        steps.push((row.users, cumulative));
    }
    let last_feasible = rows[rows.len() - 1].users;
    let cut = report
        .rows
        .iter()
        .find(|r| !r.feasible && r.users > rows[0].users)
        .map(|r| (r.users, r.error.clone().unwrap_or_default()));
    // The axis covers the whole range asked for, served or not.
    let requested_end = report.rows.last().map_or(last_feasible, |r| r.users);
    let (x0, x1) = (rows[0].users.max(1.0), requested_end.max(2.0));
    // With sampled worlds: the cheapest plan's P5–P95 band and its P50.
    let fan: Vec<(f64, f64, f64, f64)> = report
        .rows
        .iter()
        .filter_map(|r| {
            let p = r.band.as_ref()?.monthly_usd?;
            Some((r.users.max(1.0), p.p5, p.p50, p.p95))
        })
        .filter(|(u, ..)| (x0..=x1).contains(u))
        .collect();
    let fan_label = report
        .sampling
        .map(|s| format!("P5–P95 over {} worlds", thousands(s.samples as f64)));
    let y_max = steps
        .iter()
        .map(|(_, c)| c.last().copied().unwrap_or(0.0))
        .chain(fan.iter().map(|f| f.3))
        .fold(1.0, f64::max)
        * 1.12;
    let title = format!(
        "{} — monthly cost by users (catalogs as of {})",
        report.scenario,
        report.catalog_as_of.as_deref().unwrap_or("unknown")
    );
    // Bands from the rows' own stage labels (the rule every command uses),
    // each from its first user count to the next band's.
    let mut bands: Vec<(f64, f64, String)> = Vec::new();
    for row in &rows {
        let Some(stage) = &row.stage else { continue };
        match bands.last_mut() {
            Some(band) if &band.2 == stage => band.1 = row.users.min(last_feasible),
            _ => {
                if let Some(band) = bands.last_mut() {
                    band.1 = row.users;
                }
                bands.push((
                    row.users.max(x0),
                    row.users.min(last_feasible),
                    stage.clone(),
                ));
            }
        }
    }
    if let Some(band) = bands.last_mut() {
        band.1 = last_feasible;
    }
    bands.retain(|(lo, hi, _)| lo < hi);
    let notes = cut
        .iter()
        .map(|(users, why)| {
            format!(
                "the chart stops at {} users: no mix serves {} users or more ({why})",
                thousands(last_feasible),
                thousands(*users)
            )
        })
        .collect();
    let chart = CostChart {
        title,
        x: (x0, x1),
        y_max,
        log_x,
        bands,
        names,
        steps,
        fan,
        fan_label,
        cut,
    };
    let bytes = render_with(format, width, height, |root: &dyn DrawArea| {
        root.draw_cost(&chart)
    })?;
    Ok((bytes, notes))
}

/// The comparison chart: monthly cost against users (both axes log), one
/// line per stack, each ending in a cross where the stack stops serving the
/// app inside the range; the legend says where and names stacks that serve
/// none of it.
pub fn compare_chart(
    report: &CompareReport,
    format: ImageFormat,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    let (Some(&x0), Some(&x1)) = (report.users.first(), report.users.last()) else {
        return Err("no user counts to draw".into());
    };
    let (x0, x1) = (x0.max(1.0), x1.max(x0.max(1.0) * 2.0));
    let lines: Vec<StackLine> = report
        .stacks
        .iter()
        .map(|stack| {
            let points: Vec<(f64, f64)> = stack
                .points
                .iter()
                .filter_map(|p| Some((p.users, p.monthly_usd?)))
                .collect();
            let name = &stack.id;
            let stops_inside = stack.stops_below(x1);
            let label = match (points.last(), stops_inside) {
                (None, _) => format!("{name}: serves none of this range"),
                (Some(_), Some(up_to)) => format!("{name}: stops at {} users", thousands(up_to)),
                (Some(_), None) => name.clone(),
            };
            StackLine {
                label,
                stop: stops_inside.and(points.last().copied()),
                points,
            }
        })
        .collect();
    let costs = lines.iter().flat_map(|l| l.points.iter().map(|p| p.1));
    let y_max = costs.clone().fold(1.0, f64::max) * 1.5;
    // A free tier costs $0, which a log axis cannot show: such points sit on
    // the axis floor, a little below the cheapest bill that is not free.
    let y_min = (costs
        .filter(|&c| c > 0.0)
        .fold(f64::INFINITY, f64::min)
        .min(y_max)
        / 1.5)
        .max(0.01);
    if lines.iter().all(|l| l.points.len() < 2) {
        return Err(
            "no stack has a feasible plan at two user counts: nothing to draw (widen --from/--to)"
                .into(),
        );
    }
    let title = format!(
        "{} — monthly cost by platform (catalogs as of {})",
        report.scenario,
        report.catalog_as_of.as_deref().unwrap_or("unknown")
    );
    let draw = |root: &dyn DrawArea| -> Result<(), String> {
        root.draw_compare(&title, (x0, x1), (y_min, y_max), &lines)
    };
    render_with(format, width, height, draw)
}

/// Forecast chart: months on the x axis, monthly cost (left) and users (right).
pub fn forecast_chart(
    report: &ForecastReport,
    format: ImageFormat,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    let points: Vec<(u32, f64, f64)> = report
        .months
        .iter()
        .filter_map(|m| Some((m.month, m.row.monthly_usd?, m.row.users)))
        .collect();
    if points.len() < 2 {
        return Err("fewer than two months have a feasible plan: nothing to draw".into());
    }
    let title = format!(
        "{} — forecast (catalogs as of {})",
        report.scenario,
        report.catalog_as_of.as_deref().unwrap_or("unknown")
    );
    let upgrades: Vec<u32> = report
        .events
        .iter()
        .filter(|e| e.kind == "upgrade")
        .map(|e| e.month)
        .collect();
    let draw = |root: &dyn DrawArea| -> Result<(), String> {
        root.draw_forecast(&title, &points, &upgrades)
    };
    render_with(format, width, height, draw)
}

/// Both backends behind one object so each chart is written once.
trait DrawArea {
    fn draw_cost(&self, chart: &CostChart) -> Result<(), String>;
    fn draw_forecast(
        &self,
        title: &str,
        points: &[(u32, f64, f64)],
        upgrades: &[u32],
    ) -> Result<(), String>;
    fn draw_compare(
        &self,
        title: &str,
        x: (f64, f64),
        y: (f64, f64),
        lines: &[StackLine],
    ) -> Result<(), String>;
}

impl<DB: DrawingBackend> DrawArea for DrawingArea<DB, Shift> {
    fn draw_cost(&self, data: &CostChart) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        self.fill(&WHITE).map_err(e)?;
        let (x0, x1) = data.x;
        if let Some((from, why)) = &data.cut {
            // Under the users axis: where the range stops and why.
            let (width, height) = self.dim_in_pixel();
            let room = (width as f64 / (12.0 * 0.6)) as usize;
            let mut text = format!("No feasible plan from {} users: {why}", thousands(*from));
            if text.chars().count() > room {
                text = text
                    .chars()
                    .take(room.saturating_sub(1))
                    .collect::<String>()
                    + "…";
            }
            let centered = plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Bottom,
            );
            // In the bottom margin, below the axis title.
            self.draw_text(
                &text,
                &("sans-serif", 12)
                    .into_font()
                    .color(&RGBColor(200, 30, 30))
                    .pos(centered),
                (width as i32 / 2, height as i32 - 3),
            )
            .map_err(e)?;
        }
        let mut builder = ChartBuilder::on(self);
        builder
            .caption(&data.title, ("sans-serif", 18))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(80);
        let labels = label_counts(self.dim_in_pixel());
        if data.log_x {
            let chart = builder
                .build_cartesian_2d((x0..x1).log_scale(), 0.0..data.y_max)
                .map_err(e)?;
            paint_cost(chart, data, labels, "users (log scale)")
        } else {
            let chart = builder
                .build_cartesian_2d(x0..x1, 0.0..data.y_max)
                .map_err(e)?;
            paint_cost(chart, data, labels, "users")
        }
    }

    fn draw_forecast(
        &self,
        title: &str,
        points: &[(u32, f64, f64)],
        upgrades: &[u32],
    ) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        self.fill(&WHITE).map_err(e)?;
        let labels = label_counts(self.dim_in_pixel());
        let months = points.last().map_or(1, |p| p.0).max(1);
        let cost_max = points.iter().map(|p| p.1).fold(1.0, f64::max) * 1.12;
        let users_max = points.iter().map(|p| p.2).fold(1.0, f64::max) * 1.12;
        let mut chart = ChartBuilder::on(self)
            .caption(title, ("sans-serif", 18))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .right_y_label_area_size(80)
            .build_cartesian_2d(0u32..months, 0.0..cost_max)
            .map_err(e)?
            .set_secondary_coord(0u32..months, 0.0..users_max);
        chart
            .configure_mesh()
            .x_desc("month")
            .y_desc("USD per month")
            .x_labels(labels.0)
            .y_labels(labels.1)
            .y_label_formatter(&|y| usd_label(*y))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(e)?;
        chart
            .configure_secondary_axes()
            .y_desc("users")
            .y_labels(labels.1)
            .y_label_formatter(&|y| axis_number(*y))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(e)?;
        let cost_color = PALETTE[0];
        let users_color = PALETTE[3];
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|p| (p.0, p.1)),
                cost_color.stroke_width(2),
            ))
            .map_err(e)?
            .label("monthly cost (USD)")
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 14, y)], cost_color.stroke_width(2))
            });
        chart
            .draw_series(
                points
                    .iter()
                    .filter(|p| upgrades.contains(&p.0))
                    .map(|p| Circle::new((p.0, p.1), 4, cost_color.filled())),
            )
            .map_err(e)?
            .label("upgrade")
            .legend(move |(x, y)| Circle::new((x + 7, y), 4, cost_color.filled()));
        chart
            .draw_secondary_series(LineSeries::new(
                points.iter().map(|p| (p.0, p.2)),
                users_color.stroke_width(2),
            ))
            .map_err(e)?
            .label("users")
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 14, y)], users_color.stroke_width(2))
            });
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .margin(24)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(e)?;
        Ok(())
    }
    fn draw_compare(
        &self,
        title: &str,
        (x0, x1): (f64, f64),
        (y0, y1): (f64, f64),
        lines: &[StackLine],
    ) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        self.fill(&WHITE).map_err(e)?;
        let labels = label_counts(self.dim_in_pixel());
        let mut chart = ChartBuilder::on(self)
            .caption(title, ("sans-serif", 18))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc("users (log scale)")
            .y_desc("USD per month (log scale)")
            .x_labels(labels.0)
            .y_labels(labels.1)
            .x_label_formatter(&|x| axis_number(*x))
            .y_label_formatter(&|y| usd_label(*y))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(e)?;
        for (i, line) in lines.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            let on_axis = |(x, y): (f64, f64)| (x, y.max(y0));
            chart
                .draw_series(LineSeries::new(
                    line.points.iter().copied().map(on_axis),
                    color.stroke_width(2),
                ))
                .map_err(e)?
                .label(line.label.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(2))
                });
            if let Some(stop) = line.stop {
                chart
                    .draw_series(std::iter::once(Cross::new(
                        on_axis(stop),
                        6,
                        color.stroke_width(2),
                    )))
                    .map_err(e)?;
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .margin(16)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(e)?;
        Ok(())
    }
}

/// Axis label counts for a plot of `(width, height)` pixels: one label per
/// ~130 px across (a label like "1,000,000" is ~60 px at 13 px type, so
/// neighbours never touch) and per ~60 px up.
fn label_counts((width, height): (u32, u32)) -> (usize, usize) {
    (
        (width as usize / 130).clamp(2, 12),
        (height as usize / 60).clamp(2, 12),
    )
}

/// One number format on every axis: 950, 1.5k, 20k, 1M (no separators,
/// which small type turns into look-alike dots and commas), cents below 10.
fn axis_number(value: f64) -> String {
    let trim = |v: f64| {
        let text = format!("{v:.1}");
        text.trim_end_matches(".0").to_string()
    };
    let magnitude = value.abs();
    if magnitude >= 1e6 {
        format!("{}M", trim(value / 1e6))
    } else if magnitude >= 1e3 {
        format!("{}k", trim(value / 1e3))
    } else if magnitude != 0.0 && magnitude < 10.0 && value.fract() != 0.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.0}")
    }
}

fn usd_label(y: f64) -> String {
    format!("${}", axis_number(y))
}

/// The stacked cost chart on either users axis (log or linear).
fn paint_cost<'a, DB: DrawingBackend + 'a, X>(
    mut chart: ChartContext<'a, DB, Cartesian2d<X, RangedCoordf64>>,
    data: &CostChart,
    (x_labels, y_labels): (usize, usize),
    x_desc: &str,
) -> Result<(), String>
where
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let y_max = data.y_max;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc("USD per month")
        .x_labels(x_labels)
        .y_labels(y_labels)
        .x_label_formatter(&|x| axis_number(*x))
        .y_label_formatter(&|y| usd_label(*y))
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(e)?;
    let middle = |lo: f64, hi: f64| {
        if data.log_x {
            (lo.ln() + (hi.ln() - lo.ln()) / 2.0).exp()
        } else {
            lo + (hi - lo) / 2.0
        }
    };
    let centered_top = plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Top,
    );
    for (i, (lo, hi, name)) in data.bands.iter().enumerate() {
        let shade = if i % 2 == 0 {
            RGBColor(235, 240, 250)
        } else {
            RGBColor(250, 245, 230)
        };
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(*lo, 0.0), (*hi, y_max)],
                shade.filled(),
            )))
            .map_err(e)?;
        // The label that fits the band's width (at ~0.6 em a character),
        // else none: labels never run into their neighbours.
        let band_px = (chart.backend_coord(&(*hi, 0.0)).0 - chart.backend_coord(&(*lo, 0.0)).0)
            .unsigned_abs() as f64;
        let fits = |text: &str| text.chars().count() as f64 * 14.0 * 0.6 + 8.0 <= band_px;
        let label = [format!("stage: {name}"), name.clone()]
            .into_iter()
            .find(|text| fits(text));
        if let Some(label) = label {
            chart
                .draw_series(std::iter::once(Text::new(
                    label,
                    (middle(*lo, *hi), y_max * 0.97),
                    ("sans-serif", 14)
                        .into_font()
                        .color(&BLACK)
                        .pos(centered_top),
                )))
                .map_err(e)?;
        }
    }
    if let Some((from, _)) = &data.cut {
        // Users no mix serves: shaded, and said in words on the image.
        let red = RGBColor(200, 30, 30);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(*from, 0.0), (data.x.1, y_max)],
                red.mix(0.08).filled(),
            )))
            .map_err(e)?;
    }
    for layer in (0..data.names.len()).rev() {
        let color = PALETTE[layer % PALETTE.len()];
        chart
            .draw_series(
                AreaSeries::new(
                    data.steps.iter().map(|(x, c)| (*x, c[layer])),
                    0.0,
                    color.mix(0.75),
                )
                .border_style(color),
            )
            .map_err(e)?
            .label(data.names[layer].clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
    }
    if let (Some(label), false) = (&data.fan_label, data.fan.is_empty()) {
        // The band: P5 left to right, then P95 back.
        let outline: Vec<(f64, f64)> = data
            .fan
            .iter()
            .map(|f| (f.0, f.1))
            .chain(data.fan.iter().rev().map(|f| (f.0, f.3)))
            .collect();
        let shade = RGBColor(40, 40, 40);
        chart
            .draw_series(std::iter::once(Polygon::new(
                outline,
                shade.mix(0.18).filled(),
            )))
            .map_err(e)?
            .label(label.clone())
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 5), (x + 12, y + 5)], shade.mix(0.18).filled())
            });
        chart
            .draw_series(LineSeries::new(
                data.fan.iter().map(|f| (f.0, f.2)),
                shade.stroke_width(2),
            ))
            .map_err(e)?
            .label("P50 of the worlds")
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 12, y)], shade.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::MiddleLeft)
        .margin(24)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(e)?;
    Ok(())
}

fn render_with(
    format: ImageFormat,
    width: u32,
    height: u32,
    draw: impl Fn(&dyn DrawArea) -> Result<(), String>,
) -> Result<Vec<u8>, String> {
    register_font()?;
    match format {
        ImageFormat::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
                draw(&root)?;
                root.present().map_err(|e| e.to_string())?;
            }
            Ok(svg.into_bytes())
        }
        ImageFormat::Png => {
            let mut pixels = vec![0u8; width as usize * height as usize * 3];
            {
                let root =
                    BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
                draw(&root)?;
                root.present().map_err(|e| e.to_string())?;
            }
            encode_png(&pixels, width, height)
        }
    }
}

//! Charts (SVG and PNG) with plotters, using the bundled DejaVu Sans so that
//! no system font or graphics library is needed.

use super::views::thousands;
use capplan::compare::CompareReport;
use capplan::sweep::{ForecastReport, SweepReport};
use plotters::coord::Shift;
use plotters::prelude::*;

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

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

/// The stacked cost chart: monthly cost against users (log axis), stacked
/// by component with usage on top, stage bands shaded and labelled.
pub fn cost_chart(
    report: &SweepReport,
    format: ImageFormat,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    let rows: Vec<_> = report.rows.iter().filter(|r| r.feasible).collect();
    if rows.len() < 2 {
        return Err(
            "fewer than two user counts have a feasible plan: nothing to draw (widen --from/--to)"
                .into(),
        );
    }
    let names: Vec<String> = rows[0]
        .components
        .iter()
        .map(|c| c.name.clone())
        .chain(std::iter::once("usage".to_string()))
        .chain(
            rows.iter()
                .any(|r| r.environments_usd > 0.0)
                .then(|| "other environments".to_string()),
        )
        .collect();
    let with_environments = names.last().is_some_and(|n| n == "other environments");
    // Cumulative layers per row; a step before each new point makes upgrades visible as jumps.
    let mut steps: Vec<(f64, Vec<f64>)> = Vec::new();
    for row in &rows {
        let mut cumulative = Vec::with_capacity(names.len());
        let mut sum = 0.0;
        for cell in &row.components {
            sum += cell.total_monthly_usd.or(cell.monthly_usd).unwrap_or(0.0);
            cumulative.push(sum);
        }
        sum += row.usage_usd;
        cumulative.push(sum);
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
    let (x0, x1) = (rows[0].users.max(1.0), rows[rows.len() - 1].users.max(2.0));
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
            Some(band) if &band.2 == stage => band.1 = row.users.min(x1),
            _ => {
                if let Some(band) = bands.last_mut() {
                    band.1 = row.users;
                }
                bands.push((row.users.max(x0), row.users.min(x1), stage.clone()));
            }
        }
    }
    if let Some(band) = bands.last_mut() {
        band.1 = x1;
    }
    bands.retain(|(lo, hi, _)| lo < hi);
    let draw = |root: &dyn DrawArea| -> Result<(), String> {
        root.draw_cost(
            &title,
            x0,
            x1,
            y_max,
            &bands,
            &names,
            &steps,
            &fan,
            fan_label.as_deref(),
        )
    };
    render_with(format, width, height, draw)
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
    #[allow(clippy::too_many_arguments)]
    fn draw_cost(
        &self,
        title: &str,
        x0: f64,
        x1: f64,
        y_max: f64,
        bands: &[(f64, f64, String)],
        names: &[String],
        steps: &[(f64, Vec<f64>)],
        fan: &[(f64, f64, f64, f64)],
        fan_label: Option<&str>,
    ) -> Result<(), String>;
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
    fn draw_cost(
        &self,
        title: &str,
        x0: f64,
        x1: f64,
        y_max: f64,
        bands: &[(f64, f64, String)],
        names: &[String],
        steps: &[(f64, Vec<f64>)],
        fan: &[(f64, f64, f64, f64)],
        fan_label: Option<&str>,
    ) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        self.fill(&WHITE).map_err(e)?;
        let mut chart = ChartBuilder::on(self)
            .caption(title, ("sans-serif", 18))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d((x0..x1).log_scale(), 0.0..y_max)
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc("users (log scale)")
            .y_desc("USD per month")
            .x_label_formatter(&|x| thousands(*x))
            .y_label_formatter(&|y| format!("${}", thousands(*y)))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(e)?;
        for (i, (lo, hi, name)) in bands.iter().enumerate() {
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
            let middle = (lo.ln() + (hi.ln() - lo.ln()) / 2.0).exp();
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("stage: {name}"),
                    (middle, y_max * 0.97),
                    ("sans-serif", 14).into_font().color(&BLACK).pos(
                        plotters::style::text_anchor::Pos::new(
                            plotters::style::text_anchor::HPos::Center,
                            plotters::style::text_anchor::VPos::Top,
                        ),
                    ),
                )))
                .map_err(e)?;
        }
        for layer in (0..names.len()).rev() {
            let color = PALETTE[layer % PALETTE.len()];
            chart
                .draw_series(
                    AreaSeries::new(
                        steps.iter().map(|(x, c)| (*x, c[layer])),
                        0.0,
                        color.mix(0.75),
                    )
                    .border_style(color),
                )
                .map_err(e)?
                .label(names[layer].clone())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled())
                });
        }
        if let (Some(label), false) = (fan_label, fan.is_empty()) {
            // The band: P5 left to right, then P95 back.
            let outline: Vec<(f64, f64)> = fan
                .iter()
                .map(|f| (f.0, f.1))
                .chain(fan.iter().rev().map(|f| (f.0, f.3)))
                .collect();
            let shade = RGBColor(40, 40, 40);
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outline,
                    shade.mix(0.18).filled(),
                )))
                .map_err(e)?
                .label(label.to_string())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 12, y + 5)], shade.mix(0.18).filled())
                });
            chart
                .draw_series(LineSeries::new(
                    fan.iter().map(|f| (f.0, f.2)),
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

    fn draw_forecast(
        &self,
        title: &str,
        points: &[(u32, f64, f64)],
        upgrades: &[u32],
    ) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        self.fill(&WHITE).map_err(e)?;
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
            .y_label_formatter(&|y| format!("${}", thousands(*y)))
            .label_style(("sans-serif", 13))
            .draw()
            .map_err(e)?;
        chart
            .configure_secondary_axes()
            .y_desc("users")
            .y_label_formatter(&|y| thousands(*y))
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
            .x_label_formatter(&|x| thousands(*x))
            .y_label_formatter(&|y| {
                if *y < 10.0 {
                    format!("${y:.2}")
                } else {
                    format!("${}", thousands(*y))
                }
            })
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

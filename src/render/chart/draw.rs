//! Drawing: one routine per chart for both backends (SVG and PNG) through
//! the `DrawArea` object, and the stacked cost layers on either users axis.

use super::axis::{PALETTE, axis_number, label_counts, usd_label};
use super::data::{CostChart, StackLine};
use crate::render::views::thousands;
use capplan::calibrate::CalibrationChart;
use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// Both backends behind one object so each chart is written once.
pub(super) trait DrawArea {
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
    fn draw_calibrate(&self, title: &str, data: &CalibrationChart) -> Result<(), String>;
}

impl<DB: DrawingBackend> DrawArea for DrawingArea<DB, Shift> {
    fn draw_calibrate(&self, title: &str, data: &CalibrationChart) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        self.fill(&WHITE).map_err(e)?;
        let panels = self.titled(title, ("sans-serif", 18)).map_err(e)?.split_evenly((3, 1));
        super::calibrate::throughput(&panels[0], data)?;
        super::calibrate::latency(&panels[1], data)?;
        super::calibrate::cpu(&panels[2], data)
    }

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
                text = text.chars().take(room.saturating_sub(1)).collect::<String>() + "…";
            }
            let centered = plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Bottom,
            );
            // In the bottom margin, below the axis title.
            self.draw_text(
                &text,
                &("sans-serif", 12).into_font().color(&RGBColor(200, 30, 30)).pos(centered),
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
            let chart =
                builder.build_cartesian_2d((x0..x1).log_scale(), 0.0..data.y_max).map_err(e)?;
            paint_cost(chart, data, labels, "users (log scale)")
        } else {
            let chart = builder.build_cartesian_2d(x0..x1, 0.0..data.y_max).map_err(e)?;
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
        if data.log_x { (lo.ln() + (hi.ln() - lo.ln()) / 2.0).exp() } else { lo + (hi - lo) / 2.0 }
    };
    let centered_top = plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Top,
    );
    for (i, (lo, hi, name)) in data.bands.iter().enumerate() {
        let shade = if i % 2 == 0 { RGBColor(235, 240, 250) } else { RGBColor(250, 245, 230) };
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
        let label = [format!("stage: {name}"), name.clone()].into_iter().find(|text| fits(text));
        if let Some(label) = label {
            chart
                .draw_series(std::iter::once(Text::new(
                    label,
                    (middle(*lo, *hi), y_max * 0.97),
                    ("sans-serif", 14).into_font().color(&BLACK).pos(centered_top),
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
            .draw_series(std::iter::once(Polygon::new(outline, shade.mix(0.18).filled())))
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

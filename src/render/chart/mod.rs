//! Charts (SVG and PNG) with plotters, using the bundled DejaVu Sans so that
//! no system font or graphics library is needed: `data` turns reports into
//! what is drawn, `draw` draws it on either backend, `axis` formats the
//! labels and holds the palette, `backend` holds the font and the SVG and PNG encoders;
//! `calibrate` draws the panels of `calibrate --chart`.

mod axis;
mod backend;
mod calibrate;
mod data;
mod draw;

use super::views::thousands;
use backend::render_with;
use capplan::report::compare::CompareReport;
use capplan::report::sweep::{ForecastReport, SweepReport};
use data::StackLine;
use draw::DrawArea;

/// The image format, from the output file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Svg,
    Png,
}

impl ImageFormat {
    /// The format a file name's extension names (`.svg`, `.png`, any case).
    pub fn from_path(path: &std::path::Path) -> Option<ImageFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "svg" => Some(ImageFormat::Svg),
            "png" => Some(ImageFormat::Png),
            _ => None,
        }
    }
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
    let (chart, notes) = data::cost_data(report, log_x)?;
    let bytes = render_with(format, width, height, |root: &dyn DrawArea| root.draw_cost(&chart))?;
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
            let points: Vec<(f64, f64)> =
                stack.points.iter().filter_map(|p| Some((p.users, p.monthly_usd?))).collect();
            let name = &stack.id;
            let stops_inside = stack.stops_below(x1);
            let label = match (points.last(), stops_inside) {
                (None, _) => format!("{name}: serves none of this range"),
                (Some(_), Some(up_to)) => format!("{name}: stops at {} users", thousands(up_to)),
                (Some(_), None) => name.clone(),
            };
            StackLine { label, stop: stops_inside.and(points.last().copied()), points }
        })
        .collect();
    let costs = lines.iter().flat_map(|l| l.points.iter().map(|p| p.1));
    let y_max = costs.clone().fold(1.0, f64::max) * 1.5;
    // A free tier costs $0, which a log axis cannot show: such points sit on
    // the axis floor, a little below the cheapest bill that is not free.
    let y_min =
        (costs.filter(|&c| c > 0.0).fold(f64::INFINITY, f64::min).min(y_max) / 1.5).max(0.01);
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

/// Size of `calibrate --chart`'s image: three panels stacked.
pub const CALIBRATE_CHART_SIZE: (u32, u32) = (1100, 1200);

/// `calibrate --chart`: throughput, latency and CPU against the ramp's
/// clients, with the fits, the plateau and the slots (data from
/// `capplan::calibrate::chart_data`).
pub fn calibrate_chart(
    data: &capplan::calibrate::CalibrationChart,
    component: &str,
    format: ImageFormat,
) -> Result<Vec<u8>, String> {
    let title = format!("capplan calibrate — {component}: throughput, latency and CPU by load");
    let (width, height) = CALIBRATE_CHART_SIZE;
    render_with(format, width, height, |root: &dyn DrawArea| root.draw_calibrate(&title, data))
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
    let upgrades: Vec<u32> =
        report.events.iter().filter(|e| e.kind == "upgrade").map(|e| e.month).collect();
    let draw = |root: &dyn DrawArea| -> Result<(), String> {
        root.draw_forecast(&title, &points, &upgrades)
    };
    render_with(format, width, height, draw)
}

//! `calibrate --chart`: three panels over the ramp's clients — throughput
//! (measured, the USL fit, the plateau and the capacity of the slots the
//! patch carries), latency (mean, p95, the holding time) and CPU (measured,
//! the CPU per request × throughput line the fit used, the vCPUs) — with
//! the plateau's first level marked in each.

use super::axis::{PALETTE, axis_number, label_counts};
use capplan::calibrate::chart::{CalibrationChart, ChartLevel};
use capplan::scenario::Concurrency;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

type Panel<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

const MEASURED: RGBColor = PALETTE[0];
const FIT: RGBColor = PALETTE[1];
const PLATEAU: RGBColor = PALETTE[3];
const SLOTS: RGBColor = PALETTE[2];
const GREY: RGBColor = PALETTE[7];

/// The clients axis with a little room at both ends.
fn x_range(d: &CalibrationChart) -> (f64, f64) {
    let (x0, x1) = d.clients;
    let pad = (x1 - x0) * 0.04;
    ((x0 - pad).max(0.0), x1 + pad)
}

/// The top of a panel's y axis: room above its highest value.
fn y_top(values: impl Iterator<Item = f64>) -> f64 {
    let most = values.filter(|v| v.is_finite()).fold(0.0, f64::max);
    if most > 0.0 { most * 1.18 } else { 1.0 }
}

/// A panel: its caption, axes and mesh.
fn panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    caption: &str,
    x: (f64, f64),
    y_max: f64,
    y_desc: &str,
) -> Result<Panel<'a, DB>, String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 15))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(72)
        .build_cartesian_2d(x.0..x.1, 0.0..y_max)
        .map_err(e)?;
    let (x_labels, y_labels) = label_counts(area.dim_in_pixel());
    chart
        .configure_mesh()
        .x_desc("clients (load level)")
        .y_desc(y_desc)
        .x_labels(x_labels)
        .y_labels(y_labels.min(6))
        .x_label_formatter(&|x| axis_number(*x))
        .y_label_formatter(&|y| axis_number(*y))
        .label_style(("sans-serif", 12))
        .draw()
        .map_err(e)?;
    Ok(chart)
}

/// A measured series: the line through the levels that have it and a dot
/// at each.
fn measured<'a, DB: DrawingBackend + 'a>(
    chart: &mut Panel<'a, DB>,
    levels: &[ChartLevel],
    value: impl Fn(&ChartLevel) -> Option<f64>,
    color: RGBColor,
    label: &str,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let points: Vec<(f64, f64)> =
        levels.iter().filter_map(|l| Some((l.clients, value(l)?))).collect();
    chart
        .draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(2)))
        .map_err(e)?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2)));
    chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled()))).map_err(e)?;
    Ok(())
}

/// Rings around the levels `pick` chooses, with a legend entry.
fn marked<'a, DB: DrawingBackend + 'a>(
    chart: &mut Panel<'a, DB>,
    levels: &[ChartLevel],
    value: impl Fn(&ChartLevel) -> Option<f64>,
    pick: impl Fn(&ChartLevel) -> bool,
    label: &str,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let dots: Vec<(f64, f64)> =
        levels.iter().filter(|l| pick(l)).filter_map(|l| Some((l.clients, value(l)?))).collect();
    if dots.is_empty() {
        return Ok(());
    }
    chart
        .draw_series(dots.into_iter().map(|p| Circle::new(p, 6, PLATEAU.stroke_width(2))))
        .map_err(e)?
        .label(label)
        .legend(|(x, y)| Circle::new((x + 8, y), 5, PLATEAU.stroke_width(2)));
    Ok(())
}

/// A dashed horizontal line across the panel, with a legend entry.
fn level_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut Panel<'a, DB>,
    (x0, x1): (f64, f64),
    y: f64,
    color: RGBColor,
    label: String,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let style = color.stroke_width(2);
    chart
        .draw_series(DashedLineSeries::new([(x0, y), (x1, y)], 8, 5, style))
        .map_err(e)?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], style));
    Ok(())
}

/// The plateau's first level: a thin dashed vertical line.
fn plateau_start<'a, DB: DrawingBackend + 'a>(
    chart: &mut Panel<'a, DB>,
    d: &CalibrationChart,
    y_max: f64,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    if let Some(s) = &d.saturation {
        let x = s.from_clients;
        chart
            .draw_series(DashedLineSeries::new(
                [(x, 0.0), (x, y_max)],
                4,
                4,
                PLATEAU.mix(0.6).stroke_width(1),
            ))
            .map_err(e)?;
    }
    Ok(())
}

fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Panel<'a, DB>,
    position: SeriesLabelPosition,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    chart
        .configure_series_labels()
        .position(position)
        .margin(10)
        .background_style(WHITE.mix(0.85))
        .border_style(GREY)
        .label_font(("sans-serif", 12))
        .draw()
        .map_err(e)
}

/// Throughput: measured, the USL fit over clients, the plateau and the
/// capacity of the slots the patch carries.
pub(super) fn throughput<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &CalibrationChart,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let x = x_range(d);
    let y_max = y_top(
        d.levels
            .iter()
            .filter_map(|l| l.requests_per_s)
            .chain(d.usl.iter().flat_map(|u| u.points.iter().map(|p| p.1)))
            .chain(d.saturation.iter().map(|s| s.requests_per_s))
            .chain(d.slots.iter().map(|s| s.requests_per_s)),
    );
    let mut chart = panel(area, "Throughput by load level", x, y_max, "requests/s")?;
    plateau_start(&mut chart, d, y_max)?;
    measured(&mut chart, &d.levels, |l| l.requests_per_s, MEASURED, "measured throughput")?;
    if let Some(u) = &d.usl {
        let peak = match u.peak {
            Some((n, rps)) => format!("peak {rps:.1} req/s at N* = {n:.1}"),
            None => "no peak (κ = 0: it levels off without falling)".to_string(),
        };
        let label = format!(
            "USL fit over clients (σ {:.4}, κ {:.5}, R² {:.3}): {peak}",
            u.sigma, u.kappa, u.r2
        );
        chart
            .draw_series(LineSeries::new(u.points.iter().copied(), FIT.stroke_width(2)))
            .map_err(e)?
            .label(label)
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], FIT.stroke_width(2)));
        if let Some(p) = u.peak.filter(|p| p.0 >= x.0 && p.0 <= x.1) {
            chart.draw_series(std::iter::once(Cross::new(p, 7, FIT.stroke_width(2)))).map_err(e)?;
        }
    }
    if let Some(s) = &d.saturation {
        let label = format!(
            "saturation {:.1} req/s from {} client(s): the plateau (±{:.0}%), {:.2} in service per instance",
            s.requests_per_s,
            axis_number(s.from_clients),
            s.tolerance * 100.0,
            s.in_service
        );
        level_line(&mut chart, x, s.requests_per_s, PLATEAU, label)?;
        marked(&mut chart, &d.levels, |l| l.requests_per_s, |l| l.on_plateau, "on the plateau")?;
    }
    if let Some(s) = &d.slots {
        let label = match (s.concurrency, s.workers, s.vcpus) {
            (Concurrency::Blocking, Some(w), _) => format!(
                "slots: {w} worker(s) ÷ {:.1} ms holding = {:.1} req/s (blocking, as patched)",
                s.per_request_ms, s.requests_per_s
            ),
            (_, _, Some(v)) => format!(
                "slots: {} vCPU(s) ÷ {:.2} ms CPU = {:.1} req/s (async, as patched)",
                axis_number(v),
                s.per_request_ms,
                s.requests_per_s
            ),
            _ => format!("slots: {:.1} req/s", s.requests_per_s),
        };
        level_line(&mut chart, x, s.requests_per_s, SLOTS, label)?;
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight)
}

/// Latency: mean and p95 per level, and the holding time.
pub(super) fn latency<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &CalibrationChart,
) -> Result<(), String> {
    let x = x_range(d);
    let y_max =
        y_top(d.levels.iter().flat_map(|l| [l.mean_ms, l.p95_ms]).flatten().chain(d.holding_ms));
    let mut chart = panel(area, "Latency by load level", x, y_max, "ms")?;
    plateau_start(&mut chart, d, y_max)?;
    measured(&mut chart, &d.levels, |l| l.mean_ms, MEASURED, "mean")?;
    if d.levels.iter().any(|l| l.p95_ms.is_some()) {
        measured(&mut chart, &d.levels, |l| l.p95_ms, PALETTE[4], "p95")?;
    }
    if let Some(h) = d.holding_ms {
        let label = format!("holding time {h:.1} ms (mean latency at the lowest load)");
        level_line(&mut chart, x, h, GREY, label)?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft)
}

/// CPU: measured per level (saturated levels marked), the line the CPU
/// fit implies with its range, and the vCPUs.
pub(super) fn cpu<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &CalibrationChart,
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let x = x_range(d);
    let y_max = y_top(
        d.levels
            .iter()
            .filter_map(|l| l.cpu_cores)
            .chain(d.cpu_line.iter().flat_map(|c| c.points.iter().map(|p| p.3)))
            .chain(d.cpu_capacity),
    );
    let caption = if d.levels.iter().any(|l| l.cpu_cores.is_some()) {
        "CPU by load level"
    } else {
        "CPU by load level: not measured (add a CPU series, and --vcpu with cpu_percent)"
    };
    let mut chart = panel(area, caption, x, y_max, "CPU cores")?;
    plateau_start(&mut chart, d, y_max)?;
    if let Some(line) = &d.cpu_line {
        let band: Vec<(f64, f64)> = line
            .points
            .iter()
            .map(|p| (p.0, p.2))
            .chain(line.points.iter().rev().map(|p| (p.0, p.3)))
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(band, FIT.mix(0.15).filled())))
            .map_err(e)?;
        let label = format!(
            "the fit: idle {:.3} cores + cpu_ms {:.2} ms × throughput (band: its range)",
            line.idle_cores, line.cpu_ms
        );
        chart
            .draw_series(LineSeries::new(
                line.points.iter().map(|p| (p.0, p.1)),
                FIT.stroke_width(2),
            ))
            .map_err(e)?
            .label(label)
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], FIT.stroke_width(2)));
    }
    measured(&mut chart, &d.levels, |l| l.cpu_cores, MEASURED, "measured CPU")?;
    marked(
        &mut chart,
        &d.levels,
        |l| l.cpu_cores,
        |l| l.cpu_saturated,
        "CPU-saturated (≥ 95% of the vCPUs)",
    )?;
    if let Some(v) = d.cpu_capacity {
        level_line(&mut chart, x, v, GREY, format!("{} vCPU(s)", axis_number(v)))?;
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight)
}

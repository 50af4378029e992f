//! Putting the rows of several files together: a series (CPU from a
//! metrics query or a sampler) joins the load levels of a load test by
//! time span, or another series by nearest timestamp.

use super::{METRICS, Metric, Row, Source};

/// Seconds before the first level's span (its settling time and the
/// users' start) and after the last one (the requests draining) that a
/// CPU sample must lie outside to count as idle.
const IDLE_MARGIN_BEFORE_S: f64 = 8.0;
const IDLE_MARGIN_AFTER_S: f64 = 3.0;

/// What the fits read: the rows, and the CPU samples taken while no load
/// ran (outside a load test's levels, or at zero requests/s), which give
/// the idle CPU.
pub struct Joined {
    pub rows: Vec<Row>,
    pub idle: Vec<Row>,
}

/// Joins the rows, and sets apart the idle CPU samples.
pub fn join(sources: &[Source]) -> Joined {
    let rows = join_rows(sources);
    let has_cpu =
        |r: &Row| r.get(Metric::CpuCores).is_some() || r.get(Metric::CpuPercent).is_some();
    let spans: Vec<(f64, f64)> = rows.iter().filter_map(|r| r.span).collect();
    let first = spans.iter().map(|s| s.0).fold(f64::INFINITY, f64::min);
    let last = spans.iter().map(|s| s.1).fold(f64::NEG_INFINITY, f64::max);
    let mut idle: Vec<Row> = Vec::new();
    for r in sources.iter().flat_map(|s| s.rows.iter()).filter(|r| has_cpu(r)) {
        let zero_rate = r.get(Metric::RequestsPerS) == Some(0.0);
        let outside = !spans.is_empty()
            && r.span.is_none()
            && r.get(Metric::RequestsPerS).is_none()
            && r.t.is_some_and(|t| {
                t < first - IDLE_MARGIN_BEFORE_S || t > last + IDLE_MARGIN_AFTER_S
            });
        if zero_rate || outside {
            idle.push(r.clone());
        }
    }
    Joined { rows, idle }
}

/// The rows the fits use: load levels (with what other files measured
/// during each), else the time series with a request rate (with the
/// nearest values of other series), else every row; whole-run summaries
/// always.
fn join_rows(sources: &[Source]) -> Vec<Row> {
    let all = || sources.iter().flat_map(|s| s.rows.iter());
    let summaries: Vec<Row> = all().filter(|r| r.t.is_none()).cloned().collect();
    let levels: Vec<Row> = all().filter(|r| r.span.is_some()).cloned().collect();
    let points: Vec<&Row> = {
        let mut p: Vec<&Row> = all().filter(|r| r.t.is_some() && r.span.is_none()).collect();
        p.sort_by(|a, b| a.t.unwrap_or(0.0).total_cmp(&b.t.unwrap_or(0.0)));
        p
    };
    let mut out = if !levels.is_empty() {
        levels
            .into_iter()
            .map(|mut level| {
                let Some((t0, t1)) = level.span else {
                    return level;
                };
                let start = points.partition_point(|p| p.t.unwrap_or(0.0) < t0);
                let inside = points[start..].iter().take_while(|p| p.t.unwrap_or(0.0) <= t1);
                let mut sums = [(0.0, 0usize); METRICS.len()];
                for p in inside {
                    for (slot, m) in sums.iter_mut().zip(METRICS) {
                        if let Some(v) = p.get(m) {
                            slot.0 += v;
                            slot.1 += 1;
                        }
                    }
                }
                for ((sum, n), m) in sums.into_iter().zip(METRICS) {
                    if level.get(m).is_none() && n > 0 {
                        level.set(m, sum / n as f64);
                    }
                }
                level
            })
            .collect()
    } else {
        nearest(&points)
    };
    out.extend(summaries);
    out
}

/// Rows with a request rate, each given the nearest value (within half
/// the typical step) of every metric it lacks from rows of other files.
fn nearest(points: &[&Row]) -> Vec<Row> {
    let primary: Vec<&Row> =
        points.iter().copied().filter(|r| r.get(super::Metric::RequestsPerS).is_some()).collect();
    if primary.is_empty() {
        return points.iter().map(|r| (*r).clone()).collect();
    }
    let mut steps: Vec<f64> = primary
        .windows(2)
        .map(|w| w[1].t.unwrap_or(0.0) - w[0].t.unwrap_or(0.0))
        .filter(|d| *d > 0.0)
        .collect();
    steps.sort_by(f64::total_cmp);
    let tolerance = steps.get(steps.len() / 2).map_or(1.0, |s| (s / 2.0).max(0.5));
    let file = primary[0].file;
    primary
        .iter()
        .map(|row| {
            let mut row = (*row).clone();
            let t = row.t.unwrap_or(0.0);
            let start = points.partition_point(|p| p.t.unwrap_or(0.0) < t - tolerance);
            for m in METRICS {
                if row.get(m).is_some() {
                    continue;
                }
                let best = points[start..]
                    .iter()
                    .take_while(|p| p.t.unwrap_or(0.0) <= t + tolerance)
                    .filter(|p| p.file != file || p.t != row.t)
                    .filter_map(|p| p.get(m).map(|v| ((p.t.unwrap_or(0.0) - t).abs(), v)))
                    .min_by(|a, b| a.0.total_cmp(&b.0));
                if let Some((_, v)) = best {
                    row.set(m, v);
                }
            }
            row
        })
        .collect()
}

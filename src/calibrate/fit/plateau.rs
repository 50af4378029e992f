//! The plateau of a ramp, found within its own noise: the levels where
//! latency or CPU shows queueing, whose throughput stays within the
//! level-to-level scatter measured there. Little's law on the plateau
//! (requests in service = throughput × holding time) gives the slots;
//! slots against vCPUs and the CPU busy there say whether workers or CPU
//! bound it.

use super::*;

/// Latency over the holding time at which a level is queueing.
const QUEUED_STRETCH: f64 = 1.5;
/// Bounds of the plateau's tolerance: the measured scatter, doubled.
const MIN_TOLERANCE: f64 = 0.05;
const MAX_TOLERANCE: f64 = 0.25;

struct Level {
    users: f64,
    rps: f64,
    latency: Option<f64>,
    cores: Option<f64>,
    saturated: bool,
}

/// Where the throughput stops growing at the top when latency and CPU do
/// not show it (clean data, or a latency column missing): the top levels
/// within [`MIN_TOLERANCE`] of one another over ≥ 10% more clients.
fn flat_top(levels: &[Level]) -> Option<usize> {
    let top = levels.last()?;
    let mut first = levels.len() - 1;
    while first > 0
        && levels[first - 1].rps >= (1.0 - MIN_TOLERANCE) * top.rps.max(levels[first - 1].rps)
    {
        first -= 1;
    }
    (first + 1 < levels.len() && top.users >= 1.1 * levels[first].users).then_some(first)
}

/// The queueing levels' throughput: its median, its scatter (standard
/// deviation ÷ mean) and the band around the median the plateau lies in.
fn band(region: &[&Level]) -> (f64, f64, f64) {
    let mut xs: Vec<f64> = region.iter().map(|l| l.rps).collect();
    xs.sort_by(f64::total_cmp);
    let reference = xs[xs.len() / 2];
    let scatter = if xs.len() >= 2 {
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt() / mean
    } else {
        0.0
    };
    (reference, scatter, (2.0 * scatter).clamp(MIN_TOLERANCE, MAX_TOLERANCE))
}

/// Still rising: a line through the queueing levels' throughput grows,
/// beyond its noise, by more than the band and a third of the clients'
/// growth.
fn still_rising(region: &[&Level], reference: f64, tolerance: f64) -> bool {
    let (lo, hi) = (region[0], region[region.len() - 1]);
    let enough = tolerance.max(0.3 * (hi.users / lo.users - 1.0));
    match line(&region.iter().map(|l| (l.users, l.rps)).collect::<Vec<_>>()) {
        Some(l) => {
            l.slope > l.slope_half_width && l.slope * (hi.users - lo.users) / reference > enough
        }
        None => hi.rps / lo.rps - 1.0 > enough,
    }
}

/// The plateau of a ramp and the model it implies; `usl` cross-checks it.
pub(super) fn fit_slots(c: &mut Calibration, rows: &[Row], setup: &Setup, cpu: &CpuFit) {
    let mut levels: Vec<Level> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            Some(Level {
                users: r.get(Metric::Concurrency)?,
                rps: r.get(Metric::RequestsPerS)?,
                latency: r.get(Metric::MeanMs).or(r.get(Metric::P50Ms)),
                cores: cores(r, setup),
                saturated: cpu.saturated.get(i).copied().unwrap_or(false),
            })
        })
        .collect();
    levels.sort_by(|a, b| a.users.total_cmp(&b.users));
    let n = levels.len();
    if n < 3 {
        return c.skip(
            "workers",
            format!("{n} load level(s) with concurrency and throughput; a ramped test with at least 3 is needed"),
        );
    }
    let Some(holding) = c.holding_ms.as_ref().map(|h| h.value) else {
        return c.skip(
            "workers",
            "no latency at low load to turn throughput into requests in service".into(),
        );
    };
    let queued =
        |l: &Level| l.saturated || l.latency.is_some_and(|r| r >= QUEUED_STRETCH * holding);
    let by_latency = levels.iter().position(queued);
    let Some(first) = by_latency.or_else(|| flat_top(&levels)) else {
        return c.skip(
            "workers",
            format!(
                "the throughput was still rising at the highest load: no plateau (latency at most {:.1}× the holding time, CPU below saturation); ramp the test further",
                levels.iter().filter_map(|l| l.latency).fold(0.0, f64::max) / holding
            ),
        );
    };
    let region: Vec<&Level> = levels[first..].iter().collect();
    let (reference, scatter, tolerance) = band(&region);
    // The knee (the level before queueing shows) may already be on it.
    let plateau: Vec<&Level> = levels[first.saturating_sub(1)..]
        .iter()
        .filter(|l| l.rps >= (1.0 - tolerance) * reference)
        .collect();
    let cpu_bound = region.iter().any(|l| l.saturated);
    let (lo, hi) = (region[0], region[region.len() - 1]);
    // CPU at the ceiling is the plateau whatever the throughput does.
    let rising = !cpu_bound && still_rising(&region, reference, tolerance);
    if !rising && plateau.len() < 2 && !cpu_bound {
        return c.skip(
            "workers",
            format!(
                "only the highest level ({} clients, {:.1} req/s) shows queueing: a plateau needs two levels; add one past it",
                hi.users, hi.rps
            ),
        );
    }
    if rising {
        return c.skip(
            "workers",
            format!(
                "latency rises from {} client(s) but the throughput still grows ({:.1} to {:.1} req/s, beyond the ±{:.0}% scatter of those levels): no plateau yet; ramp the test further",
                lo.users,
                lo.rps,
                hi.rps,
                tolerance * 100.0
            ),
        );
    }
    let peak = plateau.iter().map(|l| l.rps).sum::<f64>() / plateau.len() as f64;
    let instances = setup
        .instances
        .or_else(|| rows.iter().find_map(|r| r.get(Metric::Instances)))
        .unwrap_or(1.0);
    // Little's law on the servers: requests in service = X × holding time.
    let per_instance = peak * holding / 1000.0 / instances;
    let busy: Vec<f64> = plateau.iter().filter_map(|l| l.cores).collect();
    let cpu_at_peak = if busy.is_empty() {
        cpu.value.map(|ms| peak * ms / 1000.0 / instances)
    } else {
        Some(busy.iter().sum::<f64>() / busy.len() as f64 / instances)
    };
    let shown_by = if cpu_bound {
        "CPU saturated"
    } else if by_latency.is_some() {
        "latency rising while the throughput stays flat"
    } else {
        "the throughput flat over more clients"
    };
    c.slots = Some(Slots {
        saturation_rps: peak,
        plateau_levels: plateau.len(),
        per_instance,
        instances,
        cpu_cores_at_peak: cpu_at_peak,
        tolerance,
        shown_by: format!(
            "{shown_by} from {} client(s): {} level(s) within ±{:.0}% (twice the measured scatter, {:.1}%) of {reference:.1} req/s{}",
            lo.users,
            plateau.len(),
            tolerance * 100.0,
            scatter * 100.0,
            c.usl
                .as_ref()
                .and_then(|u| u.peak_rps)
                .map_or(String::new(), |p| format!("; the USL over clients peaks at {p:.1} req/s"))
        ),
    });
    c.model = infer_model(per_instance, cpu_at_peak, setup);
    if c.model.is_none() {
        c.skip(
            "workers",
            "whether workers or CPU bound the plateau needs CPU figures and the instance's vCPUs (--vcpu or --tier), or --workers".into(),
        );
    }
}

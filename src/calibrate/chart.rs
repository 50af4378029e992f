//! What `calibrate --chart` draws, computed from a [`Calibration`] alone
//! (the renderer only draws it): throughput, latency and CPU at each load
//! level against the clients of the ramp; the USL curve fitted over those
//! clients; the CPU line the CPU fit implies (idle CPU + cpu_ms ×
//! throughput); the plateau (the saturation point) and the capacity the
//! chosen slots give (workers ÷ holding time, or vCPUs ÷ cpu_ms).

use super::{Calibration, Estimate};
use crate::scenario::Concurrency;

/// Points a fitted curve is drawn with.
const CURVE_POINTS: usize = 120;

/// One load level, in the order of its clients.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartLevel {
    /// The load test's clients at this level (the x axis).
    pub clients: f64,
    pub requests_per_s: Option<f64>,
    pub mean_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    /// CPU busy, cores.
    pub cpu_cores: Option<f64>,
    /// CPU at ≥ 95% of the vCPUs.
    pub cpu_saturated: bool,
    /// On the plateau: from its first level on, within its tolerance of
    /// the saturation throughput.
    pub on_plateau: bool,
}

/// The plateau: where the ramp saturates.
#[derive(Debug, Clone, PartialEq)]
pub struct Saturation {
    /// The plateau's throughput (what calibrate reports), requests/s.
    pub requests_per_s: f64,
    /// The clients of the plateau's first level.
    pub from_clients: f64,
    /// The relative band around `requests_per_s` its levels lie in.
    pub tolerance: f64,
    /// Requests in service per instance there (Little's law).
    pub in_service: f64,
}

/// What the slots the patch carries serve, as a throughput.
#[derive(Debug, Clone, PartialEq)]
pub struct SlotsCapacity {
    /// Requests/s the slots serve (all instances).
    pub requests_per_s: f64,
    pub concurrency: Concurrency,
    /// Blocking: the workers (× threads) per instance; async: none.
    pub workers: Option<u32>,
    /// Blocking: the holding time the workers are divided by, ms; async:
    /// the CPU per request the vCPUs are divided by, ms.
    pub per_request_ms: f64,
    /// Async: the vCPUs (all instances) that bound it.
    pub vcpus: Option<f64>,
}

/// The Universal Scalability Law over the ramp's clients.
#[derive(Debug, Clone, PartialEq)]
pub struct UslCurve {
    pub points: Vec<(f64, f64)>,
    pub sigma: f64,
    pub kappa: f64,
    pub r2: f64,
    /// (N*, peak requests/s), when the fit has a peak.
    pub peak: Option<(f64, f64)>,
}

/// The CPU the fit implies at each level: idle + cpu_ms × throughput, with
/// the ends of cpu_ms's range.
#[derive(Debug, Clone, PartialEq)]
pub struct CpuLine {
    /// (clients, cores at cpu_ms, at its low end, at its high end).
    pub points: Vec<(f64, f64, f64, f64)>,
    pub cpu_ms: f64,
    /// Idle CPU the per-level figures took out, cores.
    pub idle_cores: f64,
}

/// Everything `calibrate --chart` draws.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationChart {
    pub levels: Vec<ChartLevel>,
    /// The clients axis, lowest to highest level (wider to show a USL peak
    /// just past the ramp).
    pub clients: (f64, f64),
    pub usl: Option<UslCurve>,
    pub saturation: Option<Saturation>,
    pub slots: Option<SlotsCapacity>,
    /// Latency at the lowest load: what a request holds, ms.
    pub holding_ms: Option<f64>,
    pub cpu_line: Option<CpuLine>,
    /// The vCPUs the levels ran on (all instances), when known.
    pub cpu_capacity: Option<f64>,
}

/// The chart's data. `vcpus` is one instance's (`--vcpu` or `--tier`'s),
/// when known. Fails when the levels have no client counts to draw
/// against (a time series, or one summary).
pub fn chart_data(c: &Calibration, vcpus: Option<f64>) -> Result<CalibrationChart, String> {
    let mut levels: Vec<ChartLevel> = c
        .levels
        .iter()
        .filter_map(|l| {
            Some(ChartLevel {
                clients: l.concurrency?,
                requests_per_s: l.requests_per_s,
                mean_ms: l.mean_ms,
                p95_ms: l.p95_ms,
                cpu_cores: l.cpu_cores,
                cpu_saturated: l.cpu_saturated,
                on_plateau: false,
            })
        })
        .collect();
    levels.sort_by(|a, b| a.clients.total_cmp(&b.clients));
    let (Some(first), Some(last)) = (levels.first(), levels.last()) else {
        return Err(
            "--chart draws the load levels of a ramped load test against its clients (users or VUs); these files give no levels with a client count"
                .into(),
        );
    };
    let (x0, mut x1) = (first.clients, last.clients);
    if x1 <= x0 {
        return Err(format!(
            "--chart needs at least two load levels with different client counts; every level has {x0} client(s)"
        ));
    }
    let instances = c
        .slots
        .as_ref()
        .map(|s| s.instances)
        .or_else(|| c.levels.iter().find_map(|l| l.instances))
        .unwrap_or(1.0);
    let saturation = c.slots.as_ref().map(|s| {
        // The plateau: the top levels, down from the highest, within its band.
        let within = |l: &ChartLevel| {
            l.requests_per_s.is_some_and(|x| x >= (1.0 - s.tolerance) * s.saturation_rps)
        };
        let start = levels.iter().rposition(|l| !within(l)).map_or(0, |i| i + 1);
        let start = start.min(levels.len() - 1);
        for l in &mut levels[start..] {
            l.on_plateau = within(l);
        }
        Saturation {
            requests_per_s: s.saturation_rps,
            from_clients: levels[start].clients,
            tolerance: s.tolerance,
            in_service: s.per_instance,
        }
    });
    let usl = c.usl.as_ref().filter(|u| u.over == "clients").map(|u| {
        if let Some(n) = u.peak_n.filter(|n| *n > x1 && *n <= 1.5 * x1) {
            x1 = n;
        }
        let x = |n: f64| u.lambda1 * n / (1.0 + u.sigma * (n - 1.0) + u.kappa * n * (n - 1.0));
        let from = x0.max(1.0);
        let points = (0..=CURVE_POINTS)
            .map(|i| from + (x1 - from) * i as f64 / CURVE_POINTS as f64)
            .map(|n| (n, x(n)))
            .collect();
        UslCurve {
            points,
            sigma: u.sigma,
            kappa: u.kappa,
            r2: u.r2,
            peak: u.peak_n.zip(u.peak_rps),
        }
    });
    let cpu_capacity = vcpus.map(|v| v * instances);
    Ok(CalibrationChart {
        cpu_line: c.cpu_ms.as_ref().and_then(|e| cpu_line(c, e)),
        slots: slots_capacity(c, cpu_capacity),
        holding_ms: c.holding_ms.as_ref().map(|h| h.value),
        levels,
        clients: (x0, x1),
        usl,
        saturation,
        cpu_capacity,
    })
}

/// The CPU the fit implies at each level with a throughput. The idle CPU
/// is what the per-level figures took out: CPU − CPU per request ×
/// throughput (the median over the levels).
fn cpu_line(c: &Calibration, cpu_ms: &Estimate) -> Option<CpuLine> {
    let mut idle: Vec<f64> = c
        .levels
        .iter()
        .filter_map(|l| {
            let per_request = l.cpu_ms_per_request.filter(|ms| *ms > 0.0)?;
            Some(l.cpu_cores? - per_request * l.requests_per_s? / 1000.0)
        })
        .collect();
    idle.sort_by(f64::total_cmp);
    let idle_cores = idle.get(idle.len() / 2).copied().unwrap_or(0.0).max(0.0);
    let at = |ms: f64, rps: f64| idle_cores + ms * rps / 1000.0;
    let (low, high) = (cpu_ms.low.unwrap_or(cpu_ms.value), cpu_ms.high.unwrap_or(cpu_ms.value));
    let mut points: Vec<(f64, f64, f64, f64)> = c
        .levels
        .iter()
        .filter_map(|l| {
            let rps = l.requests_per_s?;
            Some((l.concurrency?, at(cpu_ms.value, rps), at(low, rps), at(high, rps)))
        })
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    (!points.is_empty()).then_some(CpuLine { points, cpu_ms: cpu_ms.value, idle_cores })
}

/// The throughput the patch's slots serve: blocking workers (× threads)
/// over the holding time, or, async, the vCPUs over the CPU per request.
fn slots_capacity(c: &Calibration, cpu_capacity: Option<f64>) -> Option<SlotsCapacity> {
    let model = c.model.as_ref()?;
    let instances = c.slots.as_ref().map_or(1.0, |s| s.instances);
    match model.concurrency {
        Concurrency::Blocking => {
            let holding = c.holding_ms.as_ref()?.value;
            let workers = model.workers? * model.threads.unwrap_or(1);
            (holding > 0.0).then(|| SlotsCapacity {
                requests_per_s: workers as f64 * instances * 1000.0 / holding,
                concurrency: Concurrency::Blocking,
                workers: Some(workers),
                per_request_ms: holding,
                vcpus: None,
            })
        }
        Concurrency::Async => {
            let (vcpus, cpu_ms) = (cpu_capacity?, c.cpu_ms.as_ref()?.value);
            (cpu_ms > 0.0).then(|| SlotsCapacity {
                requests_per_s: vcpus * 1000.0 / cpu_ms,
                concurrency: Concurrency::Async,
                workers: None,
                per_request_ms: cpu_ms,
                vcpus: Some(vcpus),
            })
        }
    }
}

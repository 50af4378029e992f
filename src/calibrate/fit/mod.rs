#![warn(missing_docs)]
//! What calibrate estimates from the joined rows, each estimate with the
//! samples it rests on and its uncertainty, and the reason for each field
//! it could not estimate.

use super::join::Joined;
use super::stats::{Line, gamma_cv, line, ratio, t95, three};
use super::{CalibrateError, InputFormat, Metric, Row, Setup, Source};
use crate::scenario::{Concurrency, UslScope};
use serde::Serialize;

mod cpu;
mod io;
mod model;
mod plateau;
mod profile;
mod scheduling;
mod usl;
use cpu::{CpuFit, fit_cpu_ms};
use io::fit_io;
use model::infer_model;
use plateau::fit_slots;
use profile::profile;
pub use scheduling::SchedulingFit;
use scheduling::fit_scheduling;
use usl::usl;
/// Fewest load levels a USL fit needs (three parameters, three to spare).
pub const USL_MIN_LEVELS: usize = 6;

/// A fitted value with its interval, the rows behind it and how it was found.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Estimate {
    /// The estimate, in its field's unit (ms for `cpu_ms`, `io_ms` and
    /// `holding_ms`; a ratio for `cv`; requests per online user per minute).
    pub value: f64,
    /// 95% interval (or the range of the estimates behind the value).
    pub low: Option<f64>,
    /// Upper end of that interval or range; null when there is none.
    pub high: Option<f64>,
    /// Rows (levels, samples or summaries) the estimate rests on.
    pub samples: usize,
    /// How it was found, and the fit statistic.
    pub method: String,
}

/// The throughput plateau: where it levels off, and the requests in service
/// there.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Slots {
    /// Throughput of the plateau (all instances), requests/s.
    pub saturation_rps: f64,
    /// Load levels on the plateau (within `tolerance` of its throughput).
    pub plateau_levels: usize,
    /// Requests in service at the plateau per instance: saturation × holding time / instances.
    pub per_instance: f64,
    /// Instances serving the traffic (`--instances`, else the data's, else 1).
    pub instances: f64,
    /// CPU cores busy at the plateau per instance, when known.
    pub cpu_cores_at_peak: Option<f64>,
    /// Relative band around the plateau's throughput its levels lie in
    /// (twice the level-to-level scatter measured there, 5–25%).
    pub tolerance: f64,
    /// What showed the plateau, and where it starts.
    pub shown_by: String,
}

/// Which server model the data supports.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Model {
    /// `blocking` (requests wait for a worker) or `async` (CPU is what
    /// saturates).
    pub concurrency: Concurrency,
    /// Workers per instance (blocking), and threads per worker when the
    /// worker count was given.
    pub workers: Option<u32>,
    /// Threads per worker, when `--workers` was given; null otherwise.
    pub threads: Option<u32>,
    /// What in the data shows the model.
    pub reason: String,
}

/// The Universal Scalability Law X(N) = λN / (1 + σ(N−1) + κN(N−1)) fitted to
/// throughput over N.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct UslFit {
    /// σ, the contention coefficient (0 = none).
    pub sigma: f64,
    /// κ, the coherency coefficient (0 = none).
    pub kappa: f64,
    /// Throughput of one (instance, worker or client), requests/s.
    pub lambda1: f64,
    /// What N counted: instances, or the load test's clients.
    pub over: String,
    /// Distinct N levels with throughput the fit used.
    pub levels: usize,
    /// R² of the fitted throughput against the measured (1 = exact).
    pub r2: f64,
    /// N at which the fitted throughput peaks; null when κ is 0 (no peak).
    pub peak_n: Option<f64>,
    /// The fitted throughput at `peak_n`, requests/s; null when there is no
    /// peak.
    pub peak_rps: Option<f64>,
    /// Where the plan can use it (`usl.across`); none for client counts.
    pub across: Option<UslScope>,
}

/// The daily load profile from a request-rate time series.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Profile {
    /// Relative load per UTC hour, the peak hour 1.
    pub hours: Vec<f64>,
    /// The peak hour's request rate over the day's average.
    pub peak_to_average: f64,
    /// Days the time series spans.
    pub days: f64,
    /// Time-series samples the profile rests on.
    pub samples: usize,
}

/// A field calibrate could not estimate, and why.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct NotFitted {
    /// The field (`cpu_ms`, `io_ms`, `cv`, `workers`, `usl`, `load_profile`,
    /// `requests_per_online_user_per_min`).
    pub field: String,
    /// Why it was not fitted, and what data would fit it.
    pub reason: String,
}

/// One load level as the fits saw it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LevelPoint {
    /// The load test's clients at this level; null when the data has none.
    pub concurrency: Option<f64>,
    /// Instances serving at this level; null when the data has none.
    pub instances: Option<f64>,
    /// Throughput, requests/s; null when the data has none.
    pub requests_per_s: Option<f64>,
    /// Mean latency, ms; null when the data has none.
    pub mean_ms: Option<f64>,
    /// 95th-percentile latency, ms; null when the data has none.
    pub p95_ms: Option<f64>,
    /// CPU busy, cores (measured, or CPU % × vCPUs × instances); null when
    /// unknown.
    pub cpu_cores: Option<f64>,
    /// CPU ÷ throughput at this level, idle CPU taken out, ms.
    pub cpu_ms_per_request: Option<f64>,
    /// CPU at ≥ 95% of the vCPUs.
    pub cpu_saturated: bool,
}

/// One input file as read.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SourceSummary {
    /// The file's path.
    pub file: String,
    /// The format it was read as.
    pub format: InputFormat,
    /// Rows (or samples) read, before aggregation into levels.
    pub samples: usize,
    /// Rows it gave after aggregation.
    pub rows: usize,
}

/// Everything calibrate estimated from the measurements, and why each
/// field it could not estimate was left out.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Calibration {
    /// Each file read, with its format and counts.
    pub sources: Vec<SourceSummary>,
    /// Each load level as the fits saw it (the first 200).
    pub levels: Vec<LevelPoint>,
    /// CPU time per request, ms (idle CPU taken out); null when not fitted (see
    /// `not_fitted`).
    pub cpu_ms: Option<Estimate>,
    /// Latency at the lowest load: what a request holds (CPU + I/O).
    pub holding_ms: Option<Estimate>,
    /// Time per request off CPU (waiting on I/O), ms: holding time − CPU −
    /// client overhead; null when not fitted.
    pub io_ms: Option<Estimate>,
    /// Coefficient of variation of the service time (a gamma fitted to the
    /// latency percentiles at the lowest load); null when not fitted.
    pub cv: Option<Estimate>,
    /// The throughput plateau and the requests in service there; null when none
    /// is found.
    pub slots: Option<Slots>,
    /// The server model (async, or blocking workers) the plateau supports; null
    /// when not fitted.
    pub model: Option<Model>,
    /// Whether requests queue for the CPU (FCFS) or share it (processor
    /// sharing), from how the p95 rises with load; null when not fitted.
    pub scheduling: Option<SchedulingFit>,
    /// The Universal Scalability Law fitted to throughput over instances or
    /// clients; null when not fitted.
    pub usl: Option<UslFit>,
    /// The daily load profile; null when not fitted.
    pub load_profile: Option<Profile>,
    /// Requests per online user per minute (requests/s against online users);
    /// null when not fitted.
    pub requests_per_online_user_per_min: Option<Estimate>,
    /// Each field not estimated, with the reason.
    pub not_fitted: Vec<NotFitted>,
    /// The CPU time io_ms was split with when the data has none.
    pub cpu_ms_from_scenario: Option<f64>,
    /// What in the data is weak or misleading, and what was done about it.
    pub warnings: Vec<String>,
}

/// Fields `--fit` accepts.
/// `workers` is the server model (`concurrency` and `workers_per_instance`);
/// those two may be asked for apart.
pub const FIELDS: [&str; 10] = [
    "cpu_ms",
    "io_ms",
    "cv",
    "concurrency",
    "workers_per_instance",
    "workers",
    "scheduling",
    "usl",
    "load_profile",
    "requests_per_online_user_per_min",
];

/// Fits every field the joined rows support; a field asked for with
/// `--fit` that cannot be fitted is an error, with the reason.
pub fn fit(
    sources: &[Source],
    joined: Joined,
    setup: &Setup,
) -> Result<Calibration, CalibrateError> {
    let Joined { rows, idle } = joined;
    let mut c = Calibration {
        sources: sources
            .iter()
            .map(|s| SourceSummary {
                file: s.name.clone(),
                format: s.format,
                samples: s.samples,
                rows: s.rows.len(),
            })
            .collect(),
        levels: rows
            .iter()
            .map(|r| LevelPoint {
                concurrency: r.get(Metric::Concurrency),
                instances: r.get(Metric::Instances),
                requests_per_s: r.get(Metric::RequestsPerS),
                mean_ms: r.get(Metric::MeanMs),
                p95_ms: r.get(Metric::P95Ms),
                cpu_cores: cores(r, setup),
                cpu_ms_per_request: None,
                cpu_saturated: false,
            })
            .take(200)
            .collect(),
        cpu_ms: None,
        holding_ms: None,
        io_ms: None,
        cv: None,
        slots: None,
        model: None,
        scheduling: None,
        usl: None,
        load_profile: None,
        requests_per_online_user_per_min: None,
        not_fitted: Vec::new(),
        cpu_ms_from_scenario: None,
        warnings: Vec::new(),
    };
    let cpu = fit_cpu_ms(&mut c, &rows, &idle, setup);
    for (level, (ms, saturated)) in c.levels.iter_mut().zip(cpu.per_row.iter().zip(&cpu.saturated))
    {
        level.cpu_ms_per_request = *ms;
        level.cpu_saturated = *saturated;
    }
    fit_low_load(&mut c, &rows, setup, &cpu);
    let mut skipped = Vec::new();
    let mut skip =
        |field: &str, reason: String| skipped.push(NotFitted { field: field.to_string(), reason });
    c.usl = usl(&rows, &mut skip);
    c.load_profile = profile(&rows, &mut skip);
    c.not_fitted.extend(skipped);
    fit_slots(&mut c, &rows, setup, &cpu);
    fit_scheduling(&mut c, &rows, setup, &cpu);
    fit_requests_per_user(&mut c, &rows);
    check_wanted(&c, setup)?;
    Ok(c)
}

impl Calibration {
    /// Records why `field` was not fitted.
    fn skip(&mut self, field: &str, reason: String) {
        self.not_fitted.push(NotFitted { field: field.to_string(), reason });
    }
}

/// Latency at the lowest load (no queueing, so it is what a request
/// holds): the service-time cv, the holding time and the I/O part of it.
fn fit_low_load(c: &mut Calibration, rows: &[Row], setup: &Setup, cpu: &CpuFit) {
    let at = lowest_load(rows);
    let low: Vec<&Row> = at.iter().map(|&i| &rows[i]).collect();
    if low.is_empty() {
        c.skip("io_ms", "no rows with latency (mean_ms or p50_ms)".into());
        c.skip("cv", "no rows with latency percentiles".into());
    } else {
        let avg = |m: Metric| {
            let v: Vec<f64> = low.iter().filter_map(|r| r.get(m)).collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        let (mean, p50, p95, p99) =
            (avg(Metric::MeanMs), avg(Metric::P50Ms), avg(Metric::P95Ms), avg(Metric::P99Ms));
        // The load generator's own time (given) is no part of the service
        // time's shape: a constant added to every latency narrows it.
        let off = setup.client_overhead_ms.filter(|o| p50.is_some_and(|p| *o < p)).unwrap_or(0.0);
        let less = |v: Option<f64>| v.map(|v| (v - off).max(0.0));
        let mut estimates = Vec::new();
        if let Some(p50) = less(p50).filter(|v| *v > 0.0) {
            let (mean, p95, p99) = (less(mean), less(p95), less(p99));
            if let Some(p95) = p95 {
                estimates.push(("p95/p50", gamma_cv(p95 / p50, Some(0.95))));
            }
            if let Some(mean) = mean {
                estimates.push(("mean/p50", gamma_cv(mean / p50, None)));
            }
            if let Some(p99) = p99 {
                estimates.push(("p99/p50", gamma_cv(p99 / p50, Some(0.99))));
            }
        }
        let cv = estimates.first().map(|e| e.1);
        match cv {
            Some(value) => {
                let lo = estimates.iter().map(|e| e.1).fold(f64::INFINITY, f64::min);
                let hi = estimates.iter().map(|e| e.1).fold(0.0, f64::max);
                c.cv = Some(Estimate {
                    value,
                    low: Some(lo),
                    high: Some(hi),
                    samples: low.len(),
                    method: format!(
                        "gamma fitted to the latency percentiles at the lowest load ({}{}); range over {}",
                        estimates[0].0,
                        if off > 0.0 {
                            format!(", the load generator's {off} ms taken out")
                        } else {
                            String::new()
                        },
                        estimates
                            .iter()
                            .map(|e| format!("{} {:.2}", e.0, e.1))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
            None => c.skip("cv", "needs p50_ms with p95_ms, p99_ms or mean_ms at low load".into()),
        }
        // The mean: measured, or from the median under the fitted shape.
        let holding = mean.or_else(|| {
            let p50 = p50?;
            let s = crate::queueing::ServiceTime::new(1.0, cv.unwrap_or(1.0));
            Some(p50 / s.percentile(0.5))
        });
        if let Some(h) = holding {
            let means: Vec<f64> = low.iter().filter_map(|r| r.get(Metric::MeanMs)).collect();
            c.holding_ms = Some(Estimate {
                value: h,
                low: means.iter().copied().reduce(f64::min),
                high: means.iter().copied().reduce(f64::max),
                samples: low.len(),
                method: format!(
                    "{} latency at the lowest load ({})",
                    if mean.is_some() { "mean" } else { "median-derived mean" },
                    low_label(&low)
                ),
            });
            // The CPU at the same load as the latency (it may change with load).
            let how = if cpu.upper_bound {
                "CPU ÷ throughput at that load, idle CPU left in: an upper bound"
            } else {
                "CPU ÷ throughput at that load"
            };
            let cpu_low = cpu.at(&at).or(cpu.value).map(|v| (v, how));
            fit_io(c, &low, h, cpu_low, setup);
        }
    }
}

/// Requests per online user: requests/s against online users through the
/// origin.
fn fit_requests_per_user(c: &mut Calibration, rows: &[Row]) {
    let per_user: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|r| {
            Some((r.get(Metric::OnlineUsers).filter(|u| *u > 0.0)?, r.get(Metric::RequestsPerS)?))
        })
        .collect();
    match ratio(&per_user) {
        Some((slope, half)) if per_user.len() >= 3 && slope > 0.0 => {
            c.requests_per_online_user_per_min = Some(Estimate {
                value: slope * 60.0,
                low: Some((slope - half) * 60.0),
                high: Some((slope + half) * 60.0),
                samples: per_user.len(),
                method: format!(
                    "requests/s against online users through the origin, {} rows",
                    per_user.len()
                ),
            });
        }
        _ => c.skip(
            "requests_per_online_user_per_min",
            format!(
                "{} row(s) with online_users and requests_per_s; at least 3 are needed",
                per_user.len()
            ),
        ),
    }
}

/// CPU cores of a row: measured, or CPU % of the instances' vCPUs.
fn cores(r: &Row, setup: &Setup) -> Option<f64> {
    r.get(Metric::CpuCores).or_else(|| {
        let instances = r.get(Metric::Instances).or(setup.instances).unwrap_or(1.0);
        Some(r.get(Metric::CpuPercent)? / 100.0 * setup.vcpus? * instances)
    })
}

/// The rows at the lowest load that have a latency: the lowest concurrency
/// level, else the quarter of rows with the lowest request rate, else all.
fn lowest_load(rows: &[Row]) -> Vec<usize> {
    let with_latency: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].get(Metric::MeanMs).is_some() || rows[i].get(Metric::P50Ms).is_some())
        .collect();
    let least = |m: Metric| {
        with_latency.iter().filter_map(|&i| rows[i].get(m)).fold(f64::INFINITY, f64::min)
    };
    let c = least(Metric::Concurrency);
    if c.is_finite() {
        return with_latency
            .into_iter()
            .filter(|&i| rows[i].get(Metric::Concurrency) == Some(c))
            .collect();
    }
    let mut rates: Vec<f64> =
        with_latency.iter().filter_map(|&i| rows[i].get(Metric::RequestsPerS)).collect();
    if rates.len() >= 4 {
        rates.sort_by(f64::total_cmp);
        let cut = rates[rates.len() / 4];
        return with_latency
            .into_iter()
            .filter(|&i| rows[i].get(Metric::RequestsPerS).is_some_and(|v| v <= cut))
            .collect();
    }
    with_latency
}

fn low_label(low: &[&Row]) -> String {
    match low.first().and_then(|r| r.get(Metric::Concurrency)) {
        Some(c) => format!("{} client(s), {} row(s)", c, low.len()),
        None => format!("{} row(s)", low.len()),
    }
}

/// Every field asked for with `--fit` must have been fitted.
fn check_wanted(c: &Calibration, setup: &Setup) -> Result<(), CalibrateError> {
    let fitted = |field: &str| match field {
        "cpu_ms" => c.cpu_ms.is_some(),
        "io_ms" => c.io_ms.is_some(),
        "cv" => c.cv.is_some(),
        "workers" | "concurrency" => c.model.is_some(),
        "workers_per_instance" => c.model.as_ref().is_some_and(|m| m.workers.is_some()),
        "usl" => c.usl.is_some(),
        "scheduling" => c.scheduling.is_some(),
        "load_profile" => c.load_profile.is_some(),
        _ => c.requests_per_online_user_per_min.is_some(),
    };
    let files = c.sources.iter().map(|s| s.file.as_str()).collect::<Vec<_>>().join(", ");
    let problems: Vec<crate::input::problem::Problem> = setup
        .wanted
        .iter()
        .filter(|f| !fitted(f))
        .map(|f| {
            // The server model's parts are not fitted under `workers`.
            let key = if matches!(f.as_str(), "concurrency" | "workers_per_instance") {
                "workers"
            } else {
                f.as_str()
            };
            let reason = c.not_fitted.iter().find(|n| n.field == key).map_or_else(
                || match &c.model {
                    Some(m) if m.concurrency == Concurrency::Async => {
                        "the data shows an async server (CPU saturates, not workers): no worker count".to_string()
                    }
                    _ => "not fitted".to_string(),
                },
                |n| n.reason.clone(),
            );
            crate::input::problem::Problem::error(
                &files,
                None,
                None,
                f,
                &format!("cannot fit: {reason}"),
            )
        })
        .collect();
    let nothing = c.cpu_ms.is_none()
        && c.io_ms.is_none()
        && c.cv.is_none()
        && c.model.is_none()
        && c.usl.is_none()
        && c.load_profile.is_none()
        && c.requests_per_online_user_per_min.is_none();
    if !problems.is_empty() {
        return Err(CalibrateError { problems });
    }
    if nothing {
        let reasons = c
            .not_fitted
            .iter()
            .map(|n| format!("{}: {}", n.field, n.reason))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(CalibrateError::at(&files, "", format!("nothing could be fitted: {reasons}")));
    }
    Ok(())
}

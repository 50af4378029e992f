//! The server's scheduling from the ramp: whether the p95 latency rises
//! with load as requests queueing for the CPU in arrival order (FCFS) or
//! sharing it (processor sharing) predict.
//!
//! A blocking server's requests wait for a worker: FCFS, without a test
//! (unless its workers run threads). For an async server, each level below saturation with its CPU per request
//! and throughput is a utilization ρ; the rise of its p95 over the lowest
//! level's is predicted by M/G/c (`queueing::Queue`) and by M/G/c-PS
//! (`queueing::PsQueue`) at the fitted cv, and compared with the rise
//! measured (the rise, so that the client's and the network's constant
//! time cancel). The discipline whose mean |log error| is at most
//! `MARGIN` of the other's is chosen; otherwise the data cannot tell them
//! apart, which is said.

use super::*;
use crate::queueing::{Evaluation, PsQueue, PsService, Station};
use crate::scenario::Scheduling;

/// Utilizations whose p95 is compared: below the lower end queueing hardly
/// shows; above the upper end a closed-loop test no longer sees open
/// arrivals.
const RHO_RANGE: (f64, f64) = (0.2, 0.9);
/// The chosen discipline's error is at most this share of the other's.
const MARGIN: f64 = 0.75;
/// Levels above the reference needed to decide.
const MIN_LEVELS: usize = 2;

/// The scheduling the data supports, and how well each discipline fitted.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SchedulingFit {
    /// `fcfs` (requests queue for the CPU or a worker) or `ps` (they share it).
    pub scheduling: Scheduling,
    /// Mean |log error| of the p95 rise FCFS predicts over the levels
    /// compared; null when nothing was compared (a blocking server).
    pub fcfs_error: Option<f64>,
    /// The same for processor sharing; null when nothing was compared.
    pub ps_error: Option<f64>,
    /// Load levels compared (besides the lowest, the reference).
    pub levels: usize,
    /// What in the data shows it.
    pub reason: String,
}

/// One level compared: its utilization and the p95 rise measured, s.
struct Level {
    rho: f64,
    rate: f64,
    p95_s: f64,
}

/// Fits `scheduling`, or records why it cannot be told.
pub(super) fn fit_scheduling(c: &mut Calibration, rows: &[Row], setup: &Setup, cpu: &CpuFit) {
    // One request per worker: it waits for a free one. Threaded workers
    // (gthread, Puma) share theirs: the data decides, as for async.
    let single = |m: &Model| m.concurrency == Concurrency::Blocking && m.threads.unwrap_or(1) <= 1;
    if c.model.as_ref().is_some_and(single) {
        c.scheduling = Some(SchedulingFit {
            scheduling: Scheduling::Fcfs,
            fcfs_error: None,
            ps_error: None,
            levels: 0,
            reason: "blocking workers: a request waits for a free worker, then runs on it".into(),
        });
        return;
    }
    let (Some(vcpu), Some(cpu_ms)) = (setup.vcpus.filter(|v| *v >= 1.0), cpu.value) else {
        return c.skip(
            "scheduling",
            "needs the CPU per request and whole vCPUs (--vcpu or --tier) to place each level's utilization".into(),
        );
    };
    let servers = setup.workers.map_or(vcpu.floor(), f64::from).max(1.0) as u64;
    let instances = setup.instances.unwrap_or(1.0).max(1.0);
    let levels: Vec<Level> = rows
        .iter()
        .enumerate()
        .filter(|(i, _)| !cpu.saturated.get(*i).copied().unwrap_or(false))
        .filter_map(|(i, r)| {
            let rate = r.get(Metric::RequestsPerS).filter(|x| *x > 0.0)? / instances;
            let p95 = r.get(Metric::P95Ms)?;
            let ms = cpu.per_row.get(i).copied().flatten().unwrap_or(cpu_ms);
            Some(Level { rho: rate * ms / 1000.0 / servers as f64, rate, p95_s: p95 / 1000.0 })
        })
        .filter(|l| l.rho < RHO_RANGE.1)
        .collect();
    let Some(reference) = levels.iter().min_by(|a, b| a.rho.total_cmp(&b.rho)) else {
        return c.skip("scheduling", "no unsaturated level with throughput and p95_ms".into());
    };
    let compared: Vec<&Level> =
        levels.iter().filter(|l| l.rho >= RHO_RANGE.0.max(reference.rho + 0.1)).collect();
    if compared.len() < MIN_LEVELS {
        return c.skip(
            "scheduling",
            format!(
                "{} level(s) at {:.0}–{:.0}% CPU above the lowest load; {MIN_LEVELS} are needed: ramp through that range with pacing (an open-like load)",
                compared.len(),
                RHO_RANGE.0 * 100.0,
                RHO_RANGE.1 * 100.0
            ),
        );
    }
    let (cv, cv_how) = match &c.cv {
        Some(e) => (e.value.clamp(0.05, 10.0), format!("cv {:.2} (fitted)", e.value)),
        None => (1.0, "cv 1 (not fitted: assumed)".to_string()),
    };
    let s = cpu_ms / 1000.0;
    let ps = PsService::new(cv);
    let p95 = |rate: f64, shared: bool| -> Option<f64> {
        let station = Station::new(rate, s, cv).ok()?;
        if shared {
            PsQueue::new(station, servers, &ps).map(|q| q.response_percentile(0.95))
        } else {
            match station.with_servers(servers).ok()? {
                Evaluation::Stable(q) => Some(q.response_percentile(0.95)),
                Evaluation::Unstable(_) => None,
            }
        }
    };
    let error = |shared: bool| -> Option<f64> {
        let base = p95(reference.rate, shared)?;
        let errors: Option<Vec<f64>> = compared
            .iter()
            .map(|l| {
                let predicted = p95(l.rate, shared)? - base;
                let measured = (l.p95_s - reference.p95_s).max(0.0);
                Some(((predicted.max(0.0) + s) / (measured + s)).ln().abs())
            })
            .collect();
        errors.map(|e| e.iter().sum::<f64>() / e.len() as f64)
    };
    let (Some(fcfs), Some(shared)) = (error(false), error(true)) else {
        return c.skip(
            "scheduling",
            "a compared level is unstable at the fitted CPU per request".into(),
        );
    };
    let rho_span = format!(
        "{} level(s) at {:.0}–{:.0}% CPU against the lowest ({:.0}%), {cv_how}",
        compared.len(),
        compared.iter().map(|l| l.rho).fold(f64::INFINITY, f64::min) * 100.0,
        compared.iter().map(|l| l.rho).fold(0.0, f64::max) * 100.0,
        reference.rho * 100.0
    );
    let chosen = if shared <= MARGIN * fcfs {
        Scheduling::Ps
    } else if fcfs <= MARGIN * shared {
        Scheduling::Fcfs
    } else {
        return c.skip(
            "scheduling",
            format!(
                "the p95 rise fits FCFS (mean |log error| {fcfs:.2}) and processor sharing ({shared:.2}) alike over {rho_span}: the data cannot tell them apart"
            ),
        );
    };
    c.scheduling = Some(SchedulingFit {
        scheduling: chosen,
        fcfs_error: Some(fcfs),
        ps_error: Some(shared),
        levels: compared.len(),
        reason: format!(
            "the p95 rise over {rho_span} fits {} (mean |log error| {:.2} against {:.2} for {})",
            if chosen == Scheduling::Ps { "processor sharing" } else { "FCFS" },
            fcfs.min(shared),
            fcfs.max(shared),
            if chosen == Scheduling::Ps { "FCFS" } else { "processor sharing" }
        ),
    });
}

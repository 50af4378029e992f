//! What a compute sizing means in words and figures: the shortfall of a
//! failing count and the `--explain` arithmetic of a chosen one.

use super::{Check, ComputeModel};
use crate::input::units::{format_duration, trim_float};
use crate::planner::{Binding, Sized, percentile_name};
use crate::queueing::Slo;
use crate::scenario::{Balancing, ComponentRole, UslScope};

impl ComputeModel<'_> {
    /// What a failing check falls short of, in figures: "slots 512.3% busy",
    /// "CPU 92.1% > the 70% cap", "memory 560 MB > 85% of 512 MB".
    pub(super) fn shortfall(&self, check: &Check, failing: Binding) -> String {
        match failing {
            Binding::Occupancy => format!(
                "slots {:.1}% busy (the queue grows without bound)",
                check.occupancy.unwrap_or(f64::INFINITY) * 100.0
            ),
            Binding::Utilization => format!(
                "CPU {:.1}% > the {:.0}% cap",
                check.utilization * 100.0,
                self.max_utilization * 100.0
            ),
            Binding::Memory => format!(
                "memory {} MB > {:.0}% of {} MB",
                trim_float(check.memory_mb, 1),
                self.max_memory / self.memory_mb * 100.0,
                trim_float(self.memory_mb, 0)
            ),
            Binding::P95 if !self.classes.is_empty() => self
                .class_shortfall(check)
                .unwrap_or_else(|| "a request class's latency target is missed".into()),
            Binding::P95 => match (check.slo_latency_s(self), self.slos.first()) {
                (Some(latency), Some(slo)) => format!(
                    "{} {} misses {slo}",
                    percentile_name(self.percentile),
                    format_duration(latency)
                ),
                _ => "the latency target is missed".into(),
            },
            other => other.as_str().to_string(),
        }
    }

    /// The report for a fixed count (stages and capacity searches use it too).
    pub(crate) fn sized(&self, count: u32, binding: Binding, explain_it: bool) -> Sized {
        let check = self.check(count);
        let latency_s = check.slo_latency_s(self);
        let c = self.component;
        let name = percentile_name(self.percentile);
        let sized = |explain| Sized {
            count,
            utilization: Some(check.utilization),
            occupancy: check.occupancy,
            p95_ms: check.latency_s(self, 95.0).map(|s| s * 1e3),
            latency_ms: latency_s.map(|s| s * 1e3),
            latency_percentile: Some(self.percentile),
            binding,
            feasible: check.failing.is_none(),
            explain,
            baseline: None,
            limits: Vec::new(),
            classes: if self.classes.is_empty() {
                Vec::new()
            } else {
                self.class_rows(&check, binding, count)
            },
        };
        let mut explain = Vec::new();
        if !explain_it {
            return sized(explain);
        }
        explain.extend(self.station_lines(count));
        explain.push(format!(
            "CPU {} vCPU-s/s over {} × {} vCPU = {:.1}% (cap {:.0}%); memory {} MB of {} MB per instance",
            trim_float(self.cpu_load, 3),
            count,
            trim_float(self.vcpu, 2),
            check.utilization * 100.0,
            self.max_utilization * 100.0,
            trim_float(check.memory_mb, 1),
            trim_float(self.memory_mb, 0)
        ));
        explain.extend(self.run_lines(count));
        if let (Some(station), Some(occupancy)) = (self.station_at(count), check.occupancy) {
            let waits = check.queue.as_ref().map_or(String::new(), |q| {
                format!("; {:.1}% of arrivals wait", q.wait_probability() * 100.0)
            });
            explain.push(match &self.shared {
                Some(shared) => format!(
                    "slots: {} arrivals/s against {} × {} req/s the full slots complete = {:.1}% of capacity{waits}",
                    trim_float(station.arrival_rate, 4),
                    count,
                    trim_float(shared.max_throughput() / self.slowdown(count), 2),
                    occupancy * 100.0,
                ),
                None => format!(
                    "slots: {} arrivals/s × {} in a slot over {} × {} slots = {:.1}% busy{waits}",
                    trim_float(station.arrival_rate, 4),
                    format_duration(station.service_time),
                    count,
                    self.per_instance,
                    occupancy * 100.0,
                ),
            });
        }
        if let (Some(latency), Some(slo)) = (latency_s, self.slos.first()) {
            let what = match (c.role, self.blocking) {
                (ComponentRole::Web, true) => "response (queue + CPU + io, io holding the worker)",
                (ComponentRole::Web, false) => "response (queue + io)",
                _ => "wait",
            };
            let target = match slo {
                Slo::Percentile { limit, .. } if c.role == ComponentRole::Web => {
                    format_duration(limit + self.io_after_service())
                }
                Slo::Percentile { limit, .. } => format_duration(*limit),
                _ => slo.to_string(),
            };
            explain.push(format!(
                "{name} {what} {} against the target {target}",
                format_duration(latency)
            ));
        }
        if count > self.lo {
            let fewer = self.check(count - 1);
            explain.push(format!(
                "{} instance(s) would fail {} (CPU {:.1}%, slots {}, {name} {})",
                count - 1,
                fewer.failing.map_or(
                    if binding == Binding::Baseline { "baseline" } else { "nothing" }.into(),
                    |b| b.label(Some(self.percentile))
                ),
                fewer.utilization * 100.0,
                fewer.occupancy.map_or("—".to_string(), |o| format!("{:.1}% busy", o * 100.0)),
                fewer.slo_latency_s(self).map_or("unstable".to_string(), format_duration)
            ));
        } else {
            explain.push(if self.lo_binding == Binding::HighAvailability {
                format!("{count} is the fewest instances high availability allows")
            } else {
                format!("{count} is the minimum instance count")
            });
        }
        sized(explain)
    }

    /// The arithmetic of the station: what one request holds and how the
    /// instances share the load.
    /// A scheduled class's window sizing: "reports: 300 jobs a run (02:00
    /// daily) × 20 s = 6000 job-s within 60 min → 1.67 slots busy; 3 × 1 slots".
    fn run_lines(&self, count: u32) -> Vec<String> {
        self.runs
            .iter()
            .map(|(run, duration_s)| {
                let work = run.jobs_per_run * duration_s;
                format!(
                    "{}: {} jobs a run ({}) × {} s = {} job-s within {} min → {} slots busy through the window; {count} × {} slots",
                    run.class,
                    trim_float(run.jobs_per_run, 2),
                    run.when,
                    trim_float(*duration_s, 3),
                    trim_float(work, 1),
                    trim_float(run.window_s / 60.0, 2),
                    trim_float(work / run.window_s, 2),
                    self.per_instance
                )
            })
            .collect()
    }

    fn station_lines(&self, count: u32) -> Vec<String> {
        let c = self.component;
        let mut explain = Vec::new();
        match (c.role, self.station) {
            (ComponentRole::Web, Some(station)) => {
                let speed = self.vcpu.min(1.0);
                let cpu = format_duration(c.cpu_ms.unwrap_or(0.0) / 1000.0 / speed);
                explain.push(if self.blocking {
                    format!(
                        "{}: peak {} req/s; blocking: {} worker(s) × {} thread(s) per instance, each held for CPU {cpu} (at {} vCPU) + I/O {} → service {} (cv {})",
                        self.tier.reference(),
                        trim_float(station.arrival_rate, 3),
                        self.processes,
                        self.per_instance / self.processes.max(1),
                        trim_float(speed, 2),
                        format_duration(self.io_s),
                        format_duration(station.service_time),
                        trim_float(station.cv, 2)
                    )
                } else {
                    format!(
                        "{}: peak {} req/s; {} worker(s) per instance at {} vCPU each → service {} (cv {})",
                        self.tier.reference(),
                        trim_float(station.arrival_rate, 3),
                        self.per_instance,
                        trim_float(speed, 2),
                        format_duration(station.service_time),
                        trim_float(station.cv, 2)
                    )
                });
                if let Some(period) = self.shared.as_ref().and_then(|s| s.quota_period()) {
                    explain.push(format!(
                        "{} vCPU is a CFS quota of {} of CPU per {} period (Linux's default; the catalog gives none): a request runs at full speed until the period's budget is spent, then waits for the next period; that service is the quota's average rate, the queue the quota model (docs/scenarios.md)",
                        trim_float(self.vcpu, 2),
                        format_duration(self.vcpu * period),
                        format_duration(period),
                    ));
                } else if let Some(shared) = &self.shared {
                    explain.push(format!(
                        "the {} slots share {} vCPU: that service is a request's time alone; it slows only while more than {} requests are on the CPU (flow-equivalent server): one instance completes {} req/s with 1 in service, at most {} req/s with all {}",
                        self.per_instance,
                        trim_float(self.vcpu, 2),
                        trim_float(self.vcpu, 2),
                        trim_float(shared.throughput(1), 2),
                        trim_float(shared.max_throughput(), 2),
                        self.per_instance
                    ));
                }
            }
            (ComponentRole::Worker, Some(station)) => {
                explain.push(format!(
                    "{}: peak {} jobs/s, mixed duration mean {} (cv {}); {} × {} slots = {} servers (shared queue)",
                    self.tier.reference(),
                    trim_float(station.arrival_rate, 4),
                    format_duration(station.service_time),
                    trim_float(station.cv, 2),
                    count,
                    self.per_instance,
                    count * self.per_instance
                ));
            }
            _ => explain.push(format!("{}: no load at peak", self.tier.reference())),
        }
        if let (ComponentRole::Web, Some(station)) = (c.role, self.station) {
            let queue = |slots: u32| {
                if self.shared.is_some() {
                    format!("flow-equivalent server of {slots} slots")
                } else if self.ps.is_some() {
                    format!("M/G/{slots}-PS queue (processor sharing)")
                } else {
                    format!("M/G/{slots} queue")
                }
            };
            let mode = match c.balancing.unwrap_or_default() {
                Balancing::RoundRobin => format!(
                    "round-robin: each instance {} {} at {} req/s",
                    if self.shared.is_some() { "a" } else { "an" },
                    queue(self.per_instance),
                    trim_float(station.arrival_rate / count as f64, 3)
                ),
                Balancing::Pooled => format!("pooled: one {}", queue(count * self.per_instance)),
            };
            explain.push(format!("{count} instance(s), {mode}"));
            if let Some(usl) = self.usl {
                let n = match usl.across {
                    UslScope::Instances => count,
                    UslScope::Workers => self.per_instance,
                };
                explain.push(format!(
                    "contention (USL σ {}, κ {}) across {n} {}: each request holds its server {}× as long{}",
                    trim_float(usl.sigma, 4),
                    trim_float(usl.kappa, 6),
                    if usl.across == UslScope::Instances { "instances" } else { "workers" },
                    trim_float(self.slowdown(count), 4),
                    self.usl_peak().map_or(String::new(), |(n, rps)| format!(
                        "; the most instances deliver is {} req/s at N* = {n}",
                        trim_float(rps, 2)
                    ))
                ));
            }
        }
        explain
    }
}

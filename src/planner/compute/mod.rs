//! Web and worker components: instances of a compute tier sized with the
//! queueing engine against the component's SLOs, CPU and memory.

mod build;
mod classes;
mod explain;

use super::{Binding, fits};
use crate::catalog::TierRef;
use crate::demand::Demand;
use crate::input::units::trim_float;
use crate::queueing::{
    Evaluation, PsQueue, PsService, SharedCpu, SharedQueue, Slo, Station, TimeMetric,
};
use crate::scenario::{
    Balancing, Component, ComponentRole, Concurrency, Scheduling, Usl, UslScope,
};

use super::defaults::{
    DEFAULT_MAX_MEMORY_UTILIZATION, DEFAULT_MAX_UTILIZATION, DEFAULT_PERCENTILE,
    DEFAULT_RESPONSE_MS, DEFAULT_WAIT_S,
};
/// Used where neither the scenario nor the catalog caps instances.
const DEFAULT_INSTANCE_CAP: u32 = 1000;

/// The most instances of a tier the component may run: the tier's or
/// offering's limit, within the component's `max_instances` or
/// `autoscale.max`.
pub fn instance_limit(component: &Component, tier: &TierRef<'_>) -> u32 {
    let tier_cap = tier
        .tier
        .capacity
        .max_instances
        .or(tier.offering.max_instances)
        .unwrap_or(DEFAULT_INSTANCE_CAP);
    let max = match component.autoscale {
        Some(a) => Some(a.max),
        None => component.max_instances,
    };
    max.map_or(tier_cap, |m| m.min(tier_cap))
}

/// A tier this component cannot use at this load, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub tier: String,
    pub binding: Binding,
    pub reason: String,
}

/// The per-tier model of a compute component, independent of the count.
pub(crate) struct ComputeModel<'a> {
    component: &'a Component,
    tier: TierRef<'a>,
    vcpu: f64,
    memory_mb: f64,
    /// Servers per instance: worker processes (web), their threads too
    /// when blocking, or job slots (worker).
    per_instance: u32,
    /// Worker processes per instance (web), each holding its memory.
    processes: u32,
    /// Web: requests hold their worker for I/O too (blocking servers), so
    /// `io_s` is inside the service time rather than added after it.
    blocking: bool,
    /// Web: contention across instances or workers.
    usl: Option<Usl>,
    station: Option<Station>,
    /// Web: workers that outnumber the vCPUs share them, each request
    /// slowed only by the requests on the CPU with it (a flow-equivalent
    /// server); `None` where every request runs at one speed (M/G/c).
    shared: Option<SharedCpu>,
    /// Web, `scheduling: ps` at fixed speed: the requests in progress share
    /// the servers (M/G/c-PS, `queueing/ps.rs`); the service distribution's
    /// nodes, built once.
    ps: Option<PsService>,
    slos: Vec<Slo>,
    /// The percentile the SLO names, in percent: what is checked and printed.
    percentile: f64,
    /// CPU seconds per second across the component (worker CPU fit).
    cpu_load: f64,
    /// Worker: the scheduled classes it runs, each run's jobs, job
    /// duration (s) and window (s), for `--explain`.
    runs: Vec<(crate::demand::ScheduledRun, f64)>,
    max_utilization: f64,
    max_memory: f64,
    io_s: f64,
    /// Web: the request classes whose mixture `station` is (none in the
    /// single-class form).
    classes: Vec<classes::ClassModel>,
    /// Web: memory one request in flight holds (the classes' weighted by
    /// rate × time in flight).
    memory_per_request_mb: f64,
    lo: u32,
    /// What sets `lo`: `min_instances` or high availability.
    lo_binding: Binding,
    hi: u32,
}

/// What the model says about one instance count.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    queue: Option<InstanceQueue>,
    pub utilization: f64,
    /// Slots busy at the peak (may exceed 1: the queue is then unstable).
    pub occupancy: Option<f64>,
    pub memory_mb: f64,
    pub failing: Option<Binding>,
}

/// The queue of a count: the engine's answer at the load each instance
/// (or the pool) sees, in time stretched by USL contention.
#[derive(Debug, Clone)]
struct InstanceQueue {
    queue: SharedQueue,
    /// Contention's slowdown: every time is this many times longer.
    stretch: f64,
}

impl InstanceQueue {
    fn response_percentile(&self, p: f64) -> f64 {
        self.queue.response_percentile(p) * self.stretch
    }

    fn wait_percentile(&self, p: f64) -> f64 {
        self.queue.wait_percentile(p) * self.stretch
    }

    fn mean_response(&self) -> f64 {
        self.queue.mean_response() * self.stretch
    }

    fn wait_probability(&self) -> f64 {
        self.queue.wait_probability()
    }

    fn meets(&self, slo: &Slo) -> bool {
        let stretch = self.stretch;
        match *slo {
            Slo::Percentile { metric, percentile, limit } => {
                let tail = match metric {
                    TimeMetric::Wait => self.queue.wait_tail(limit / stretch),
                    TimeMetric::Response => self.queue.response_tail(limit / stretch),
                };
                fits(tail, 1.0 - percentile / 100.0)
            }
            Slo::Mean { metric, limit } => fits(
                match metric {
                    TimeMetric::Wait => self.queue.mean_wait() * stretch,
                    TimeMetric::Response => self.mean_response(),
                },
                limit,
            ),
            Slo::Utilization { max } => fits(self.queue.slot_occupancy(), max),
        }
    }
}

impl Check {
    /// The reported latency at `percentile` (in percent): response
    /// including I/O (web) or queue wait (worker). Computed on demand:
    /// sizing probes only need tails.
    fn latency_s(&self, model: &ComputeModel<'_>, percentile: f64) -> Option<f64> {
        let p = percentile / 100.0;
        self.queue.as_ref().map(|q| match model.component.role {
            ComponentRole::Web if !model.classes.is_empty() => model.mixture_percentile(q, p),
            ComponentRole::Web => q.response_percentile(p) + model.io_after_service(),
            _ => q.wait_percentile(p),
        })
    }

    /// The latency at the percentile the SLO names.
    fn slo_latency_s(&self, model: &ComputeModel<'_>) -> Option<f64> {
        self.latency_s(model, model.percentile)
    }
}

impl<'a> ComputeModel<'a> {
    /// I/O added to the queue's response: an async server's (a blocking
    /// server's I/O is in the service time already).
    fn io_after_service(&self) -> f64 {
        if self.blocking { 0.0 } else { self.io_s }
    }

    /// How much longer a request holds its server at `n` instances under
    /// the component's USL contention (1 without it).
    fn slowdown(&self, n: u32) -> f64 {
        match self.usl {
            None => 1.0,
            Some(usl) => usl.slowdown(match usl.across {
                UslScope::Instances => n,
                UslScope::Workers => self.per_instance,
            }),
        }
    }

    /// The station at `n` instances: the peak load at the service time
    /// contention stretches it to.
    fn station_at(&self, n: u32) -> Option<Station> {
        let s = self.station?;
        let slowdown = self.slowdown(n);
        if slowdown == 1.0 {
            return Some(s);
        }
        Station::new(s.arrival_rate, s.service_time * slowdown, s.cv).ok()
    }

    /// Where USL contention caps what instances can deliver: the count
    /// beyond which more instances deliver less, and the most requests per
    /// second any count in reach can serve.
    fn usl_peak(&self) -> Option<(u32, f64)> {
        let usl = self.usl.filter(|u| u.across == UslScope::Instances)?;
        let station = self.station?;
        let per_instance = self
            .shared
            .as_ref()
            .map_or(self.per_instance as f64 / station.service_time, SharedCpu::max_throughput);
        let peak = usl.peak_n()?;
        let candidates = [peak.floor().max(1.0) as u32, peak.ceil().max(1.0) as u32];
        candidates
            .into_iter()
            .map(|n| n.min(self.hi))
            .map(|n| (n, per_instance * n as f64 / usl.slowdown(n)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// CPU seconds per second at the peak, across the component.
    pub(crate) fn cpu_load(&self) -> f64 {
        self.cpu_load
    }

    pub(crate) fn vcpu(&self) -> f64 {
        self.vcpu
    }

    /// Requests or jobs in flight across the component at `share` of the
    /// peak (Little's law: arrivals × the time each holds, CPU and I/O;
    /// queueing waits left out).
    pub(crate) fn in_flight(&self, share: f64) -> f64 {
        self.station
            .map_or(0.0, |s| s.arrival_rate * share * (s.service_time + self.io_after_service()))
    }

    /// Memory the processes of `n` instances hold with `in_flight` requests
    /// or jobs running: each instance's worker processes plus what each
    /// request or job holds.
    pub(crate) fn memory_used_mb(&self, n: u32, in_flight: f64) -> f64 {
        let per_worker = self.component.memory_mb_per_worker.unwrap_or(0.0);
        let per_item = match self.component.role {
            ComponentRole::Web => self.memory_per_request_mb,
            _ => self.component.memory_mb_per_job.unwrap_or(0.0),
        };
        let workers = match self.component.role {
            ComponentRole::Web => self.processes as f64,
            _ => 1.0,
        };
        n as f64 * workers * per_worker + in_flight * per_item
    }

    pub(crate) fn memory_mb(&self) -> f64 {
        self.memory_mb
    }

    /// The most instances the scenario and the tier allow, and that help:
    /// under USL contention, none beyond the peak N*.
    pub(crate) fn max_count(&self) -> u32 {
        self.usl_peak().map_or(self.hi, |(peak_n, _)| peak_n.max(self.lo).min(self.hi))
    }

    /// The fewest instances the CPU cap allows at `share` of the peak load
    /// (at least the minimum): a lower bound on any feasible count.
    pub(crate) fn cpu_floor(&self, share: f64) -> u32 {
        let needed = (self.cpu_load * share / (self.vcpu * self.max_utilization) - 1e-9).ceil();
        (needed.max(0.0) as u32).clamp(self.lo, self.hi)
    }

    /// The queue at `n` instances, `None` when it is unstable.
    fn queue_at(&self, n: u32, station: &Station) -> Option<InstanceQueue> {
        let n_f = n as f64;
        let balancing = self.component.balancing.unwrap_or_default();
        if let Some(shared) = &self.shared {
            // Contention stretches every demand by one factor: the shared
            // instance at λ·s, its times × s.
            let stretch = self.slowdown(n);
            let rate = station.arrival_rate * stretch;
            let queue = match balancing {
                Balancing::RoundRobin => shared.at_rate(rate / n_f),
                Balancing::Pooled => shared.pooled(n, rate),
            }?;
            return Some(InstanceQueue { queue, stretch });
        }
        if let Some(ps) = &self.ps {
            let (rate, servers) = match balancing {
                Balancing::RoundRobin => (station.arrival_rate / n_f, self.per_instance as u64),
                Balancing::Pooled => (station.arrival_rate, n as u64 * self.per_instance as u64),
            };
            let station = Station::new(rate, station.service_time, station.cv).ok()?;
            let queue = PsQueue::new(station, servers, ps)?;
            return Some(InstanceQueue { queue: SharedQueue::Ps(queue), stretch: 1.0 });
        }
        let evaluation = match (self.component.role, balancing) {
            (ComponentRole::Web, Balancing::RoundRobin) => {
                Station::new(station.arrival_rate / n_f, station.service_time, station.cv)
                    .ok()
                    .and_then(|s| s.with_servers(self.per_instance as u64).ok())
            }
            _ => station.with_servers(n as u64 * self.per_instance as u64).ok(),
        };
        match evaluation {
            Some(Evaluation::Stable(q)) => {
                Some(InstanceQueue { queue: SharedQueue::Erlang(q), stretch: 1.0 })
            }
            _ => None,
        }
    }

    /// Slots busy at `n` instances: offered load over the slots, or for
    /// shared vCPUs the arrivals over what the slots can complete (above 1
    /// the queue grows without bound).
    fn occupancy_at(&self, n: u32) -> Option<f64> {
        let station = self.station_at(n)?;
        let n_f = n as f64;
        Some(match &self.shared {
            Some(shared) => {
                station.arrival_rate * self.slowdown(n) / (n_f * shared.max_throughput())
            }
            None => station.arrival_rate * station.service_time / (n_f * self.per_instance as f64),
        })
    }

    /// Evaluates `n` instances.
    pub(crate) fn check(&self, n: u32) -> Check {
        let n_f = n as f64;
        let utilization = self.cpu_load / (n_f * self.vcpu);
        let (queue, stable) = match &self.station_at(n) {
            None => (None, true),
            Some(station) => match self.queue_at(n, station) {
                Some(q) => (Some(q), true),
                None => (None, false),
            },
        };
        let per_instance_rate = self.station.map_or(0.0, |s| s.arrival_rate / n_f);
        let memory_mb = match self.component.role {
            ComponentRole::Web => {
                let in_flight = queue.as_ref().map_or(0.0, |q| {
                    per_instance_rate * (q.mean_response() + self.io_after_service())
                });
                self.processes as f64 * self.component.memory_mb_per_worker.unwrap_or(0.0)
                    + in_flight * self.memory_per_request_mb
            }
            _ => self.per_instance as f64 * self.component.memory_mb_per_job.unwrap_or(0.0),
        };
        let occupancy = self.occupancy_at(n);
        let failing = if !stable {
            Some(Binding::Occupancy)
        } else if !fits(utilization, self.max_utilization) {
            Some(Binding::Utilization)
        } else if queue.as_ref().is_some_and(|q| {
            !self.slos.iter().all(|s| q.meets(s)) || self.failing_class(q).is_some()
        }) {
            Some(Binding::P95)
        } else if !fits(memory_mb, self.max_memory) {
            Some(Binding::Memory)
        } else {
            None
        };
        Check { queue, utilization, occupancy, memory_mb, failing }
    }

    /// The smallest feasible count and the constraint that set it:
    /// exponential then binary search.
    pub(crate) fn size(&self) -> Result<(u32, Binding), Rejection> {
        if let Some((peak_n, peak_rps)) = self.usl_peak() {
            return self.size_under_contention(peak_n, peak_rps);
        }
        let feasible = |n: u32| self.check(n).failing.is_none();
        let (mut bad, mut good) = (self.lo - 1, None);
        if feasible(self.lo) {
            good = Some(self.lo);
        } else {
            let mut step = 1u32;
            loop {
                let candidate = self.lo.saturating_add(step).min(self.hi);
                if feasible(candidate) {
                    good = Some(candidate);
                    break;
                }
                bad = candidate;
                if candidate == self.hi {
                    break;
                }
                step = step.saturating_mul(2);
            }
        }
        let Some(mut good) = good else {
            let at_limit = self.check(self.hi);
            let failing = at_limit.failing.unwrap_or(Binding::Utilization);
            return Err(Rejection {
                tier: self.tier.reference(),
                binding: failing,
                reason: format!(
                    "{} at {} instance(s), the limit ({})",
                    self.shortfall(&at_limit, failing),
                    self.hi,
                    if self.component.autoscale.is_some_and(|a| a.max == self.hi) {
                        "autoscale.max"
                    } else if self.component.max_instances.is_some_and(|m| m == self.hi) {
                        "max_instances"
                    } else {
                        "the catalog's instance limit"
                    }
                ),
            });
        };
        while good - bad > 1 {
            let mid = bad + (good - bad) / 2;
            if feasible(mid) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        Ok((good, self.binding_at(good)))
    }

    /// What sets a count that holds: the constraint one instance fewer
    /// fails. At the floor (`min_instances`, high availability) the floor,
    /// unless the load alone would need as many (one fewer fails a
    /// constraint of its own): then that constraint, as the one a
    /// founder must watch.
    fn binding_at(&self, count: u32) -> Binding {
        if count <= 1 {
            return self.lo_binding;
        }
        match self.check(count - 1).failing {
            Some(binding) => binding,
            None => self.lo_binding,
        }
    }

    /// Sizing when instances contend: past the USL peak more instances
    /// deliver less, so feasibility is not monotone in the count. The
    /// counts up to the peak are scanned in order; a load above what the
    /// peak delivers is infeasible, named with the peak.
    fn size_under_contention(
        &self,
        peak_n: u32,
        peak_rps: f64,
    ) -> Result<(u32, Binding), Rejection> {
        let arrivals = self.station.map_or(0.0, |s| s.arrival_rate);
        let usl = self.usl.unwrap_or(Usl { sigma: 0.0, kappa: 0.0, across: UslScope::Instances });
        let reject = |binding: Binding, reason: String| Rejection {
            tier: self.tier.reference(),
            binding,
            reason,
        };
        if arrivals >= peak_rps {
            return Err(reject(
                Binding::Occupancy,
                format!(
                    "the load of {} req/s exceeds the most this tier delivers under contention: {} req/s at N* = {peak_n} instance(s) (USL σ {}, κ {}); more instances deliver less",
                    trim_float(arrivals, 2),
                    trim_float(peak_rps, 2),
                    trim_float(usl.sigma, 4),
                    trim_float(usl.kappa, 6)
                ),
            ));
        }
        let last = peak_n.max(self.lo);
        for n in self.lo..=last {
            if self.check(n).failing.is_none() {
                return Ok((n, self.binding_at(n)));
            }
        }
        let (n, check) = (last, self.check(last));
        let failing = check.failing.unwrap_or(Binding::Occupancy);
        Err(reject(
            failing,
            format!(
                "{} at {n} instance(s), the USL peak N* (σ {}, κ {}): more instances deliver less",
                self.shortfall(&check, failing),
                trim_float(usl.sigma, 4),
                trim_float(usl.kappa, 6)
            ),
        ))
    }
}

//! Workers sharing an instance's vCPUs: a flow-equivalent server
//! (Lazowska et al., *Quantitative System Performance*, ch. 8–9, the
//! "memory-constrained" open system).
//!
//! An instance has `W` worker slots taken in arrival order. A request in a
//! slot needs `cpu_s` of CPU, served by processor sharing over the
//! instance's `V` vCPUs (each request runs on at most one core, so `j`
//! requests on the CPU progress at `min(j, V)/j` each), then holds its slot
//! for `held_io_s` of I/O (a blocking worker; 0 for an event loop, whose
//! I/O holds nothing). The inner network of `k` requests in slots (CPU and
//! I/O delay) is product form; its throughput `X(k)` comes from the
//! normalising constants `G(k)` of that closed network. The slots are then
//! one birth–death queue: arrivals λ, departures `X(min(n, W))` in state `n`.
//!
//! When the rate grows linearly with the requests in service (one slot, or
//! no more slots than vCPUs, or no CPU at all) every request runs at a
//! fixed speed and the system *is* M/G/W: that case is handed to the exact
//! Erlang model unchanged.
//!
//! Response-time percentiles: a request that finds `n < W` slots busy gets
//! a slot at once and shares the instance with `n` others, so its time in
//! the slot is gamma with mean `(n + 1)/X(n + 1)`; one that finds all slots
//! busy waits an exponential time of rate `X(W) − λ` (the geometric tail of
//! the birth–death chain) and then holds a slot for `W/X(W)` on average.
//! The in-slot means are scaled together so that the mean response equals
//! Little's law on the chain (`E[N]/λ`), which is exact for the
//! flow-equivalent server.

use super::model::{Evaluation, ParamError, Queue, Station, solve_decreasing};
use super::quota;
use super::service::ServiceTime;

/// Worker slots beyond which an instance's throughput is taken as
/// saturated once it stops changing (hostile worker counts stay cheap).
const MAX_EXACT_SLOTS: u32 = 4096;
/// States of the slots' chain evaluated at most; a larger pool is taken as
/// instances each at its share (round robin: slower, so never optimistic).
const MAX_CHAIN_STATES: u64 = 1 << 18;
/// In-slot times whose means are within this ratio are one mixture part.
const MERGE_RATIO: f64 = 1.25;

/// One instance's workers, vCPUs and per-request demand.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedCpu {
    workers: u32,
    vcpu: f64,
    cpu_s: f64,
    held_io_s: f64,
    /// cv of a lone request's in-slot time (the fixed-speed M/G/c case).
    cv: f64,
    /// cv of a request's CPU demand and of its held I/O.
    cpu_cv: f64,
    io_cv: f64,
    /// `X(1..=W)`, requests per second.
    throughput: Vec<f64>,
    /// The CFS period when the vCPUs (below one core) are a quota: a
    /// budget of `vcpu × period` per period (`quota.rs`).
    quota_period_s: Option<f64>,
}

impl SharedCpu {
    /// `cv` is the variability of each phase's demand (CPU and held I/O).
    pub fn new(
        workers: u32,
        vcpu: f64,
        cpu_s: f64,
        held_io_s: f64,
        cv: f64,
    ) -> Result<SharedCpu, ParamError> {
        Self::with_phases(workers, vcpu, (cpu_s, cv), (held_io_s, cv))
    }

    /// Each phase as `(mean seconds, cv)`: the CPU demand and the held I/O.
    pub fn with_phases(
        workers: u32,
        vcpu: f64,
        (cpu_s, cpu_cv): (f64, f64),
        (held_io_s, io_cv): (f64, f64),
    ) -> Result<SharedCpu, ParamError> {
        if workers == 0 {
            return Err(ParamError::Servers(0));
        }
        if !(vcpu.is_finite() && vcpu > 0.0) {
            return Err(ParamError::ServiceTime(vcpu));
        }
        if !(cpu_s.is_finite() && cpu_s >= 0.0 && held_io_s.is_finite() && held_io_s >= 0.0)
            || cpu_s + held_io_s <= 0.0
        {
            return Err(ParamError::ServiceTime(cpu_s + held_io_s));
        }
        for cv in [cpu_cv, io_cv] {
            if !(cv.is_finite() && (0.0..=10.0).contains(&cv)) {
                return Err(ParamError::Cv(cv));
            }
        }
        let throughput = inner_throughput(workers, vcpu, cpu_s, held_io_s);
        // The fixed-speed case sees one in-slot time: CPU then I/O.
        let cpu = cpu_s / vcpu.min(1.0);
        let cv = ((cpu * cpu_cv).powi(2) + (held_io_s * io_cv).powi(2)).sqrt() / (cpu + held_io_s);
        Ok(SharedCpu {
            workers,
            vcpu,
            cpu_s,
            held_io_s,
            cv,
            cpu_cv,
            io_cv,
            throughput,
            quota_period_s: None,
        })
    }

    /// The vCPUs as a CFS quota with `period_s` (`DEFAULT_PERIOD_S` where the
    /// platform does not say): below one core a request that finds budget
    /// runs at full speed and the cgroup pauses when the period's budget is
    /// spent, instead of always running at `vcpu`. Whole cores never
    /// throttle a single-core burst and are left as they are.
    pub fn with_quota(mut self, period_s: f64) -> Result<SharedCpu, ParamError> {
        if !(period_s.is_finite() && period_s > 0.0) {
            return Err(ParamError::ServiceTime(period_s));
        }
        if self.vcpu < 1.0 && self.cpu_s > 0.0 {
            self.quota_period_s = Some(period_s);
        }
        Ok(self)
    }

    /// The CFS period when the quota model applies.
    pub fn quota_period(&self) -> Option<f64> {
        self.quota_period_s
    }

    /// cv of a request's time in its slot when it is the k-th in service.
    /// Its CPU residence `k/X(k) − I/O` is its demand (cv of the demand)
    /// stretched by sharing; the stretch follows the others' comings and
    /// goings, so it varies like an exponential (cv 1) would. The held I/O
    /// adds its own variance.
    fn in_slot_cv(&self, k: u32) -> f64 {
        let alone = self.cpu_s / self.vcpu.min(1.0);
        let residence = (k as f64 / self.throughput(k) - self.held_io_s).max(alone);
        if residence + self.held_io_s <= 0.0 {
            return self.cpu_cv;
        }
        let stretched = if residence > 0.0 {
            1.0 - alone / residence
        } else {
            0.0
        };
        let cpu_cv = self.cpu_cv + (1.0 - self.cpu_cv) * stretched.powi(3);
        ((residence * cpu_cv).powi(2) + (self.held_io_s * self.io_cv).powi(2)).sqrt()
            / (residence + self.held_io_s)
    }

    /// Squared cv of the time between departures with every slot busy:
    /// the CPU's demand where it is the bottleneck, the I/O's elsewhere.
    fn departure_cv2(&self) -> f64 {
        if self.cpu_s == 0.0 {
            return self.io_cv.powi(2);
        }
        let busy = (self.max_throughput() * self.cpu_s / self.vcpu).clamp(0.0, 1.0);
        busy * self.cpu_cv.powi(2) + (1.0 - busy) * self.io_cv.powi(2)
    }

    pub fn workers(&self) -> u32 {
        self.workers
    }

    /// `X(k)`: requests per second the instance completes with `k` requests
    /// in its slots (k from 1 to W; larger k is W).
    pub fn throughput(&self, k: u32) -> f64 {
        if k == 0 {
            return 0.0;
        }
        let i = (k.min(self.workers) as usize).min(self.throughput.len()) - 1;
        self.throughput[i]
    }

    /// `X(W)`: the most requests per second one instance serves.
    pub fn max_throughput(&self) -> f64 {
        self.throughput(self.workers)
    }

    /// A request's time in its slot with no other request on the instance.
    pub fn unshared_service_time(&self) -> f64 {
        self.cpu_s / self.vcpu.min(1.0) + self.held_io_s
    }

    /// Whether every request runs at one fixed speed whatever the load: one
    /// slot, no more slots than vCPUs, or no CPU. Then the instance is an
    /// M/G/W queue exactly.
    /// A quota's speed changes with the load, so it is never linear.
    pub fn is_linear(&self) -> bool {
        self.quota_period_s.is_none()
            && (self.workers == 1 || self.workers as f64 <= self.vcpu || self.cpu_s == 0.0)
    }

    /// The instance at `arrival_rate`, or `None` when it is at or past its
    /// capacity `X(W)`.
    pub fn at_rate(&self, arrival_rate: f64) -> Option<SharedQueue> {
        self.pooled(1, arrival_rate)
    }

    /// `instances` of these instances behind a least-connections balancer
    /// (each new request goes to the instance with the fewest in service),
    /// at `arrival_rate` in all.
    pub fn pooled(&self, instances: u32, arrival_rate: f64) -> Option<SharedQueue> {
        if instances == 0 || !(arrival_rate.is_finite() && arrival_rate > 0.0) {
            return None;
        }
        // At or past what the slots complete the queue grows without bound
        // (checked here so that rounding in ρ cannot call λ = X(W) stable).
        if arrival_rate >= instances as f64 * self.max_throughput() {
            return None;
        }
        if let Some(period_s) = self.quota_period_s {
            // Each instance has its own budget at its share of the load;
            // then the same model at the speed the quota leaves, with the
            // pauses in the CPU phase's variability.
            let per_instance = arrival_rate / instances as f64;
            let t = quota::throttling(period_s, self.vcpu, per_instance, self.cpu_s, self.cpu_cv)?;
            let at_speed = SharedCpu::with_phases(
                self.workers,
                t.speed,
                (self.cpu_s, t.cpu_cv),
                (self.held_io_s, self.io_cv),
            )
            .ok()?;
            return at_speed.pooled(instances, arrival_rate);
        }
        if self.is_linear() {
            let station = Station::new(arrival_rate, self.unshared_service_time(), self.cv).ok()?;
            let servers = instances as u64 * self.workers as u64;
            return match station.with_servers(servers).ok()? {
                Evaluation::Stable(q) => Some(SharedQueue::Erlang(q)),
                Evaluation::Unstable(_) => None,
            };
        }
        let slots = self.workers.min(MAX_EXACT_SLOTS);
        if instances > 1 && slots as u64 * instances as u64 > MAX_CHAIN_STATES {
            return FlowQueue::new(self, slots, 1, arrival_rate / instances as f64)
                .map(SharedQueue::Flow);
        }
        FlowQueue::new(self, slots, instances, arrival_rate).map(SharedQueue::Flow)
    }
}

/// `X(1..=W)` of the closed inner network, from its normalising constants
/// in log space (the terms overflow for a few hundred slots otherwise).
fn inner_throughput(workers: u32, vcpu: f64, cpu_s: f64, io_s: f64) -> Vec<f64> {
    let slots = workers.min(MAX_EXACT_SLOTS) as usize;
    if cpu_s == 0.0 {
        return (1..=slots).map(|k| k as f64 / io_s).collect();
    }
    if io_s == 0.0 {
        return (1..=slots).map(|k| (k as f64).min(vcpu) / cpu_s).collect();
    }
    // f(j) = D_c^j / Π min(i, V): j requests at the CPU; g(m) = D_io^m / m!.
    let (ln_c, ln_io) = (cpu_s.ln(), io_s.ln());
    let mut ln_f = Vec::with_capacity(slots + 1);
    let mut ln_g = Vec::with_capacity(slots + 1);
    ln_f.push(0.0);
    ln_g.push(0.0);
    for j in 1..=slots {
        ln_f.push(ln_f[j - 1] + ln_c - (j as f64).min(vcpu).ln());
        ln_g.push(ln_g[j - 1] + ln_io - (j as f64).ln());
    }
    let ceiling = vcpu / cpu_s;
    let mut out = Vec::with_capacity(slots);
    let mut ln_g_prev = 0.0; // ln G(0)
    let mut terms = Vec::with_capacity(slots + 1);
    for k in 1..=slots {
        terms.clear();
        terms.extend((0..=k).map(|j| ln_f[j] + ln_g[k - j]));
        let ln_g_k = log_sum_exp(&terms);
        let x = (ln_g_prev - ln_g_k).exp().min(ceiling);
        out.push(x);
        ln_g_prev = ln_g_k;
        // Saturated: the CPU is never idle any more; later k add nothing.
        if x >= ceiling * (1.0 - 1e-13) {
            break;
        }
    }
    out
}

fn log_sum_exp(terms: &[f64]) -> f64 {
    let max = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    max + terms.iter().map(|t| (t - max).exp()).sum::<f64>().ln()
}

/// A stable instance (or least-connections pool of instances) of shared
/// vCPUs at one arrival rate.
#[derive(Debug, Clone, PartialEq)]
pub enum SharedQueue {
    /// Fixed-speed requests: the exact M/G/c model.
    Erlang(Queue),
    /// Load-dependent speed: the flow-equivalent server.
    Flow(FlowQueue),
}

impl SharedQueue {
    pub fn mean_response(&self) -> f64 {
        match self {
            SharedQueue::Erlang(q) => q.mean_response(),
            SharedQueue::Flow(f) => f.mean_response,
        }
    }

    /// Mean time before a slot is free.
    pub fn mean_wait(&self) -> f64 {
        match self {
            SharedQueue::Erlang(q) => q.mean_wait(),
            SharedQueue::Flow(f) => f.wait_probability / f.wait_decay,
        }
    }

    /// Probability an arrival finds every slot busy.
    pub fn wait_probability(&self) -> f64 {
        match self {
            SharedQueue::Erlang(q) => q.wait_probability,
            SharedQueue::Flow(f) => f.wait_probability,
        }
    }

    /// Mean time a request holds its slot.
    pub fn mean_in_slot(&self) -> f64 {
        self.mean_response() - self.mean_wait()
    }

    /// Mean share of the slots in use.
    pub fn slot_occupancy(&self) -> f64 {
        match self {
            SharedQueue::Erlang(q) => q.utilization(),
            SharedQueue::Flow(f) => f.slot_occupancy,
        }
    }

    pub fn wait_tail(&self, t: f64) -> f64 {
        match self {
            SharedQueue::Erlang(q) => q.wait_tail(t),
            SharedQueue::Flow(f) => {
                if t < 0.0 {
                    1.0
                } else {
                    f.wait_probability * (-f.wait_decay * t).exp()
                }
            }
        }
    }

    pub fn response_tail(&self, t: f64) -> f64 {
        match self {
            SharedQueue::Erlang(q) => q.response_tail(t),
            SharedQueue::Flow(f) => f.response_tail(t),
        }
    }

    pub fn wait_percentile(&self, p: f64) -> f64 {
        match self {
            SharedQueue::Erlang(q) => q.wait_percentile(p),
            SharedQueue::Flow(f) => {
                let tail = 1.0 - p;
                if tail >= f.wait_probability {
                    0.0
                } else {
                    (f.wait_probability / tail).ln() / f.wait_decay
                }
            }
        }
    }

    pub fn response_percentile(&self, p: f64) -> f64 {
        match self {
            SharedQueue::Erlang(q) => q.response_percentile(p),
            SharedQueue::Flow(f) => {
                let target = 1.0 - p;
                solve_decreasing(|t| f.response_tail(t) - target, f.mean_response)
            }
        }
    }
}

/// The birth–death chain of the slots and the response-time mixture.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowQueue {
    /// `(probability, in-slot time)` of an arrival that gets a slot at once
    /// and becomes the k-th request in service on its instance.
    immediate: Vec<(f64, ServiceTime)>,
    /// In-slot time of an arrival that has to wait.
    after_wait: ServiceTime,
    wait_probability: f64,
    /// Rate of the conditional (exponential) wait: all slots' departures
    /// minus arrivals.
    wait_decay: f64,
    mean_response: f64,
    slot_occupancy: f64,
}

impl FlowQueue {
    /// The chain of `instances` × `slots` (the workers, capped for hostile
    /// counts: past saturation more slots change nothing but the queue's
    /// discipline).
    fn new(model: &SharedCpu, slots: u32, instances: u32, arrival_rate: f64) -> Option<FlowQueue> {
        let w = slots as u64;
        let n_inst = instances as u64;
        let full = w * n_inst;
        let full_rate = n_inst as f64 * model.max_throughput();
        if arrival_rate >= full_rate {
            return None;
        }
        // Departures with `n` in service, spread evenly over the instances.
        let rate = |n: u64| {
            let (q, r) = (n / n_inst, n % n_inst);
            r as f64 * model.throughput((q + 1) as u32)
                + (n_inst - r) as f64 * model.throughput(q as u32)
        };
        // ln p(n) up to the full state, then the geometric tail.
        let mut ln_p = Vec::with_capacity(full as usize + 1);
        ln_p.push(0.0);
        let ln_lambda = arrival_rate.ln();
        for n in 1..=full {
            let prev = ln_p[n as usize - 1];
            ln_p.push(prev + ln_lambda - rate(n).ln());
        }
        let rho = arrival_rate / full_rate;
        let max = ln_p.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let p: Vec<f64> = ln_p.iter().map(|l| (l - max).exp()).collect();
        let p_full = p[full as usize];
        let tail_mass = p_full / (1.0 - rho); // Σ_{n ≥ full}
        let below: f64 = p[..full as usize].iter().sum();
        let total = below + tail_mass;
        let wait_probability = tail_mass / total;
        // E[min(N, full)] over the chain: the requests in service.
        let in_service = (p[..full as usize]
            .iter()
            .enumerate()
            .map(|(n, &pn)| n as f64 * pn)
            .sum::<f64>()
            + full as f64 * tail_mass)
            / total;
        // The chain's queue is the M/M one; less variable departures thin
        // it by the Allen–Cunneen factor (c_a² + c_d²)/2 with Poisson
        // arrivals (c_a = 1), as the M/G/c model does. 1 when exponential.
        let variability = (1.0 + model.departure_cv2()) / 2.0;
        let wait_decay = (full_rate - arrival_rate) / variability;
        let mean_wait = wait_probability / wait_decay;
        // Little on the slots: E[min(N, full)] / λ is the mean time in one.
        let mean_in_slot = in_service / arrival_rate;
        let mean_response = mean_in_slot + mean_wait;
        // Arrivals that find n < full busy join an instance with
        // floor(n / instances) in service: they become request k on it.
        let mut by_k = vec![0.0; w as usize + 1];
        for (n, &pn) in p[..full as usize].iter().enumerate() {
            by_k[(n as u64 / n_inst) as usize + 1] += pn / total;
        }
        let slot_mean = |k: u32| k as f64 / model.throughput(k);
        let raw_mean: f64 = (1..=slots)
            .map(|k| by_k[k as usize] * slot_mean(k))
            .sum::<f64>()
            + wait_probability * slot_mean(slots);
        let scale = mean_in_slot / raw_mean;
        // The arrivals served at once hold their slot for a mixture of
        // gammas, one per k. Neighbours whose means differ by less than
        // MERGE_RATIO become one gamma with their first two moments (the
        // simulation test bounds the error), so a percentile costs a few
        // gamma tails per step instead of W.
        let mut immediate: Vec<(f64, ServiceTime)> = Vec::new();
        let mut group = (0.0, 0.0, 0.0, 0.0); // mass, Σp·m, Σp·m²(1+cv²), first mean
        let flush = |g: (f64, f64, f64, f64), out: &mut Vec<(f64, ServiceTime)>| {
            if g.0 > 0.0 {
                let mean = g.1 / g.0;
                let cv = (g.2 / g.0 / (mean * mean) - 1.0).max(0.0).sqrt().min(10.0);
                out.push((g.0, ServiceTime::new(mean, cv)));
            }
        };
        for k in (1..=slots).filter(|&k| by_k[k as usize] > 0.0) {
            let (p, mean, cv) = (by_k[k as usize], slot_mean(k) * scale, model.in_slot_cv(k));
            if group.0 > 0.0 && mean > group.3 * MERGE_RATIO {
                flush(group, &mut immediate);
                group = (0.0, 0.0, 0.0, 0.0);
            }
            if group.0 == 0.0 {
                group.3 = mean;
            }
            group.0 += p;
            group.1 += p * mean;
            group.2 += p * mean * mean * (1.0 + cv * cv);
        }
        flush(group, &mut immediate);
        Some(FlowQueue {
            immediate,
            after_wait: ServiceTime::new(slot_mean(slots) * scale, model.in_slot_cv(slots)),
            wait_probability,
            wait_decay,
            mean_response,
            slot_occupancy: in_service / full as f64,
        })
    }

    fn response_tail(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 1.0;
        }
        self.immediate
            .iter()
            .map(|(p, s)| p * s.survival(t))
            .sum::<f64>()
            + self.wait_probability
                * self
                    .after_wait
                    .survival_plus_exponential(self.wait_decay, t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_instances_are_the_erlang_model() {
        // Two workers on two vCPUs, 40 ms CPU + 10 ms held I/O.
        let shared = SharedCpu::new(2, 2.0, 0.04, 0.01, 1.0).unwrap();
        assert!(shared.is_linear());
        let q = shared.at_rate(30.0).unwrap();
        // CPU then I/O, each exponential: cv √(0.04² + 0.01²)/0.05.
        let cv = (0.04f64.powi(2) + 0.01f64.powi(2)).sqrt() / 0.05;
        let Evaluation::Stable(erlang) = Station::new(30.0, 0.05, cv)
            .unwrap()
            .with_servers(2)
            .unwrap()
        else {
            panic!("stable")
        };
        assert_eq!(q.mean_response(), erlang.mean_response());
        assert_eq!(
            q.response_percentile(0.95),
            erlang.response_percentile(0.95)
        );
    }

    #[test]
    fn one_core_shared_by_many_workers_is_processor_sharing() {
        // V = 1, no I/O: X(k) = 1/D for every k, so the chain is M/M/1 and
        // the mean response D/(1 − ρ) whatever the worker count.
        let shared = SharedCpu::new(8, 1.0, 0.01, 0.0, 1.0).unwrap();
        assert!(!shared.is_linear());
        for k in 1..=8 {
            assert!((shared.throughput(k) - 100.0).abs() < 1e-9);
        }
        let q = shared.at_rate(60.0).unwrap();
        assert!((q.mean_response() - 0.01 / 0.4).abs() < 1e-12);
        assert!(shared.at_rate(100.0).is_none());
    }

    #[test]
    fn inner_throughput_matches_a_two_customer_closed_form() {
        // k = 2, V = 1: states (2 at CPU, 0), (1, 1), (0, 2) with weights
        // D², D·Z, Z²/2 (CPU rate 1/D whatever j since V = 1).
        let (d, z) = (0.02, 0.03);
        let shared = SharedCpu::new(4, 1.0, d, z, 1.0).unwrap();
        let g1 = d + z;
        let g2 = d * d + d * z + z * z / 2.0;
        assert!((shared.throughput(1) - 1.0 / g1).abs() < 1e-9);
        assert!((shared.throughput(2) - g1 / g2).abs() < 1e-9);
        // Throughput rises to the CPU ceiling 1/D and never beyond.
        assert!(shared.max_throughput() < 1.0 / d);
        assert!(shared.throughput(3) > shared.throughput(2));
    }

    #[test]
    fn an_idle_instance_runs_a_request_at_full_speed() {
        // 4 workers on 2 vCPUs, 45 ms CPU + 30 ms I/O: at a trickle a request
        // takes 75 ms, not the 4/2 × 45 + 30 of a static split.
        let shared = SharedCpu::new(4, 2.0, 0.045, 0.03, 1.0).unwrap();
        let q = shared.at_rate(0.01).unwrap();
        assert!(
            (q.mean_response() - 0.075).abs() < 1e-3,
            "{}",
            q.mean_response()
        );
    }

    #[test]
    fn the_response_percentile_inverts_the_tail_and_rises_with_load() {
        let shared = SharedCpu::new(8, 2.0, 0.02, 0.02, 1.0).unwrap();
        let mut last = 0.0;
        for share in [0.3, 0.6, 0.85] {
            let q = shared.at_rate(share * shared.max_throughput()).unwrap();
            let p95 = q.response_percentile(0.95);
            assert!((q.response_tail(p95) - 0.05).abs() < 1e-9);
            assert!(p95 > last);
            last = p95;
        }
    }

    #[test]
    fn pooled_instances_beat_one_instance_at_a_share() {
        let shared = SharedCpu::new(4, 1.0, 0.02, 0.02, 1.0).unwrap();
        let rate = 0.8 * shared.max_throughput();
        let alone = shared.at_rate(rate).unwrap().mean_response();
        let pooled = shared.pooled(3, 3.0 * rate).unwrap().mean_response();
        assert!(pooled < alone, "{pooled} vs {alone}");
        assert_eq!(shared.pooled(1, rate).unwrap().mean_response(), alone);
    }

    #[test]
    fn bad_parameters_are_errors() {
        assert!(SharedCpu::new(0, 1.0, 0.01, 0.0, 1.0).is_err());
        assert!(SharedCpu::new(1, 0.0, 0.01, 0.0, 1.0).is_err());
        assert!(SharedCpu::new(1, 1.0, 0.0, 0.0, 1.0).is_err());
        assert!(SharedCpu::new(1, 1.0, -1.0, 0.5, 1.0).is_err());
        assert!(SharedCpu::new(1, 1.0, 0.01, 0.0, f64::NAN).is_err());
        // A hostile worker count stays cheap: the table stops at saturation.
        let huge = SharedCpu::new(u32::MAX, 0.5, 0.01, 0.01, 1.0).unwrap();
        assert!((huge.max_throughput() - 50.0).abs() < 1e-6);
    }
}

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

use super::flow::{FlowQueue, Pauses, SharedQueue, Slots};
use super::model::{Evaluation, ParamError, Station};
use super::quota;

/// Worker slots beyond which an instance's throughput is taken as
/// saturated once it stops changing (hostile worker counts stay cheap).
const MAX_EXACT_SLOTS: u32 = 4096;
/// States of the slots' chain evaluated at most; a larger pool is taken as
/// instances each at its share (round robin: slower, so never optimistic).
const MAX_CHAIN_STATES: u64 = 1 << 18;

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
    /// The pauses in the CPU phase of a quota at one load (set on the model
    /// at the speed the quota leaves).
    pauses: Option<Pauses>,
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
            pauses: None,
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
        let stretched = if residence > 0.0 { 1.0 - alone / residence } else { 0.0 };
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
            // then the same model at the speed the quota leaves, its pauses
            // falling into the CPU phases.
            let per_instance = arrival_rate / instances as f64;
            let t = quota::throttling(period_s, self.vcpu, per_instance, self.cpu_s, self.cpu_cv)?;
            let mut at_speed = SharedCpu::with_phases(
                self.workers,
                t.speed,
                (self.cpu_s, self.cpu_cv),
                (self.held_io_s, self.io_cv),
            )
            .ok()?;
            at_speed.pauses = Some(Pauses {
                share: 1.0 - t.speed,
                mean_s: t.mean_pause_s,
                second_s2: t.mean_pause_s.powi(2) + t.pause_var_s2,
                behind_s: t.excess_carry_s / self.vcpu,
                behind_second_s2: 2.0 * (t.excess_carry_s / self.vcpu).powi(2)
                    / t.carry_probability.max(1e-9),
            });
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

impl Slots for SharedCpu {
    fn throughput(&self, k: u32) -> f64 {
        SharedCpu::throughput(self, k)
    }

    fn max_throughput(&self) -> f64 {
        SharedCpu::max_throughput(self)
    }

    fn departure_cv2(&self) -> f64 {
        SharedCpu::departure_cv2(self)
    }

    fn in_slot_cv(&self, k: u32) -> f64 {
        SharedCpu::in_slot_cv(self, k)
    }

    fn held_io_s(&self) -> f64 {
        self.held_io_s
    }

    fn pauses(&self) -> Option<Pauses> {
        self.pauses
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

#[cfg(test)]
mod tests {
    use super::super::quota::DEFAULT_PERIOD_S;
    use super::*;

    #[test]
    fn linear_instances_are_the_erlang_model() {
        // Two workers on two vCPUs, 40 ms CPU + 10 ms held I/O.
        let shared = SharedCpu::new(2, 2.0, 0.04, 0.01, 1.0).unwrap();
        assert!(shared.is_linear());
        let q = shared.at_rate(30.0).unwrap();
        // CPU then I/O, each exponential: cv √(0.04² + 0.01²)/0.05.
        let cv = (0.04f64.powi(2) + 0.01f64.powi(2)).sqrt() / 0.05;
        let Evaluation::Stable(erlang) =
            Station::new(30.0, 0.05, cv).unwrap().with_servers(2).unwrap()
        else {
            panic!("stable")
        };
        assert_eq!(q.mean_response(), erlang.mean_response());
        assert_eq!(q.response_percentile(0.95), erlang.response_percentile(0.95));
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
        assert!((q.mean_response() - 0.075).abs() < 1e-3, "{}", q.mean_response());
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
    fn a_quota_on_whole_cores_changes_nothing() {
        let fluid = SharedCpu::new(4, 1.0, 0.011, 0.02, 0.1).unwrap();
        let quota = fluid.clone().with_quota(DEFAULT_PERIOD_S).unwrap();
        assert_eq!(quota.quota_period(), None);
        assert_eq!(quota.at_rate(50.0), fluid.at_rate(50.0));
        assert!(fluid.clone().with_quota(0.0).is_err());
    }

    #[test]
    fn under_a_long_period_a_trickle_runs_at_full_speed() {
        // Half a core, 100 ms period: a lone 11 ms request finds the 50 ms
        // budget and takes 11 + 20 ms, not the 22 + 20 of a half-speed CPU.
        let quota = SharedCpu::new(4, 0.5, 0.011, 0.02, 0.1)
            .and_then(|s| s.with_quota(DEFAULT_PERIOD_S))
            .unwrap();
        let q = quota.at_rate(0.5).unwrap();
        assert!((q.mean_response() - 0.031).abs() < 1e-3, "{q:?}");
        // At the budget (λ × 11 ms = 0.5) the load is not served; below the
        // fluid model's X(W) it is.
        assert!(quota.at_rate(0.5 / 0.011).is_none());
        assert!(quota.max_throughput() < 0.5 / 0.011);
        assert!(quota.at_rate(0.99 * quota.max_throughput()).is_some());
    }

    #[test]
    fn a_short_period_is_a_cpu_of_rate_v() {
        // A 1 ms period under 11 ms requests: the pauses are many and short,
        // so the instance is the fluid model at V (within a few percent).
        let fluid = SharedCpu::new(4, 0.5, 0.011, 0.02, 0.1).unwrap();
        let quota = fluid.clone().with_quota(0.001).unwrap();
        for share in [0.3, 0.6, 0.85] {
            let rate = share * fluid.max_throughput();
            let (f, q) = (fluid.at_rate(rate).unwrap(), quota.at_rate(rate).unwrap());
            let (pf, pq) = (f.response_percentile(0.95), q.response_percentile(0.95));
            assert!((pq / pf - 1.0).abs() < 0.1, "{share}: {pq} vs {pf}");
        }
    }

    #[test]
    fn a_longer_period_helps_a_light_load_and_hurts_a_heavy_one() {
        // The budget lets a burst run at full speed; at high load the long
        // pauses hold everything waiting behind them.
        let at = |period: f64, share: f64| {
            SharedCpu::new(4, 0.5, 0.011, 0.02, 0.1)
                .and_then(|s| s.with_quota(period))
                .unwrap()
                .at_rate(share * 40.0)
                .unwrap()
                .response_percentile(0.95)
        };
        assert!(at(0.1, 0.3) < at(0.01, 0.3));
        assert!(at(0.1, 0.3) < at(0.1, 0.85));
        assert!(at(0.1, 0.85) > 2.0 * at(0.1, 0.3));
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

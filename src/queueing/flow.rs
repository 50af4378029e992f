//! The slots of a shared-CPU instance as a birth–death chain, and the
//! response-time mixture it gives (`shared.rs` builds the inner network).

use super::model::{Queue, solve_decreasing};
use super::ps::{PsQueue, PsService};
use super::service::ServiceTime;

/// In-slot times whose means are within this ratio are one mixture part.
const MERGE_RATIO: f64 = 1.25;

/// A stable instance (or least-connections pool of instances) of shared
/// vCPUs at one arrival rate.
#[derive(Debug, Clone, PartialEq)]
pub enum SharedQueue {
    /// Fixed-speed requests: the exact M/G/c model.
    Erlang(Queue),
    /// Load-dependent speed: the flow-equivalent server.
    Flow(FlowQueue),
    /// Fixed-speed servers shared by every request in progress (M/G/c-PS).
    Ps(PsQueue),
}

impl SharedQueue {
    pub fn mean_response(&self) -> f64 {
        match self {
            SharedQueue::Erlang(q) => q.mean_response(),
            SharedQueue::Flow(f) => f.mean_response,
            SharedQueue::Ps(q) => q.mean_response(),
        }
    }

    /// Mean time before a slot is free.
    pub fn mean_wait(&self) -> f64 {
        match self {
            SharedQueue::Erlang(q) => q.mean_wait(),
            SharedQueue::Flow(f) => f.wait_probability / f.wait_decay,
            SharedQueue::Ps(q) => q.mean_wait(),
        }
    }

    /// Probability an arrival finds every slot busy.
    pub fn wait_probability(&self) -> f64 {
        match self {
            SharedQueue::Erlang(q) => q.wait_probability,
            SharedQueue::Flow(f) => f.wait_probability,
            SharedQueue::Ps(q) => q.wait_probability,
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
            SharedQueue::Ps(q) => q.utilization(),
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
            SharedQueue::Ps(q) => q.wait_tail(t),
        }
    }

    pub fn response_tail(&self, t: f64) -> f64 {
        match self {
            SharedQueue::Erlang(q) => q.response_tail(t),
            SharedQueue::Flow(f) => f.response_tail(t),
            SharedQueue::Ps(q) => q.response_tail(t),
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
            SharedQueue::Ps(q) => q.wait_percentile(p),
        }
    }

    /// P(R > t) of one class of the mixture this queue serves, whose own
    /// time in a slot is `service`. FCFS (the M/G/c and flow-equivalent
    /// queues): the wait is common to every class, so R = S_class + W with
    /// W the mixture's wait (0 with probability 1 − C, else exponential).
    /// PS: the class's sizes through the slowdown the mixture sets (`ps`,
    /// the class's unit-mean nodes).
    pub fn class_response_tail(
        &self,
        service: &ServiceTime,
        ps: Option<&PsService>,
        t: f64,
    ) -> f64 {
        if t <= 0.0 {
            return 1.0;
        }
        let after_wait = |c: f64, decay: f64| {
            (1.0 - c) * service.survival(t) + c * service.survival_plus_exponential(decay, t)
        };
        match self {
            SharedQueue::Erlang(q) => after_wait(q.wait_probability, q.wait_decay()),
            SharedQueue::Flow(f) => after_wait(f.wait_probability, f.wait_decay),
            SharedQueue::Ps(q) => match ps {
                Some(ps) => q.class_response_tail(ps, service.mean(), t),
                None => q.response_tail(t),
            },
        }
    }

    /// The p-quantile of `class_response_tail`, seconds.
    pub fn class_response_percentile(
        &self,
        service: &ServiceTime,
        ps: Option<&PsService>,
        p: f64,
    ) -> f64 {
        let target = 1.0 - p;
        let hint = service.mean() + self.mean_wait();
        solve_decreasing(|t| self.class_response_tail(service, ps, t) - target, hint)
    }

    pub fn response_percentile(&self, p: f64) -> f64 {
        match self {
            SharedQueue::Erlang(q) => q.response_percentile(p),
            SharedQueue::Flow(f) => {
                let target = 1.0 - p;
                solve_decreasing(|t| f.response_tail(t) - target, f.mean_response)
            }
            SharedQueue::Ps(q) => q.response_percentile(p),
        }
    }
}

/// The birth–death chain of the slots and the response-time mixture.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowQueue {
    /// `(probability, in-slot time)` of an arrival that gets a slot at once
    /// and becomes the k-th request in service on its instance.
    immediate: Vec<(f64, ServiceTime)>,
    /// `(share, in-slot time)` of an arrival that has to wait.
    after_wait: Vec<(f64, ServiceTime)>,
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
    pub(super) fn new(
        model: &impl Slots,
        slots: u32,
        instances: u32,
        arrival_rate: f64,
    ) -> Option<FlowQueue> {
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
        let in_service =
            (p[..full as usize].iter().enumerate().map(|(n, &pn)| n as f64 * pn).sum::<f64>()
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
        let raw_mean: f64 = (1..=slots).map(|k| by_k[k as usize] * slot_mean(k)).sum::<f64>()
            + wait_probability * slot_mean(slots);
        let scale = mean_in_slot / raw_mean;
        // The arrivals served at once hold their slot for a mixture of
        // gammas, one per k (two under a quota: met by no pause or by some).
        let pauses = model.pauses();
        let held_io = model.held_io_s();
        let parts = |k: u32| {
            let mean = slot_mean(k) * scale;
            split(mean, model.in_slot_cv(k), (mean - held_io).max(0.0), pauses)
        };
        let (mut clear, mut paused) = (Vec::new(), Vec::new());
        for k in (1..=slots).filter(|&k| by_k[k as usize] > 0.0) {
            let [a, b] = parts(k);
            clear.push((by_k[k as usize] * a.0, a.1, a.2));
            paused.push((by_k[k as usize] * b.0, b.1, b.2));
        }
        let mut immediate = merge(&clear);
        immediate.extend(merge(&paused));
        let after_wait = parts(slots)
            .into_iter()
            .filter(|part| part.0 > 0.0)
            .map(|(w, mean, cv)| (w, ServiceTime::new(mean, cv)))
            .collect();
        Some(FlowQueue {
            immediate,
            after_wait,
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
        self.immediate.iter().map(|(p, s)| p * s.survival(t)).sum::<f64>()
            + self.wait_probability
                * self
                    .after_wait
                    .iter()
                    .map(|(w, s)| w * s.survival_plus_exponential(self.wait_decay, t))
                    .sum::<f64>()
    }
}

/// `(mass, mean, cv)` parts in order of mean: neighbours whose means differ
/// by less than MERGE_RATIO become one gamma with their first two moments
/// (the simulation test bounds the error), so a percentile costs a few
/// gamma tails per step instead of W.
fn merge(parts: &[(f64, f64, f64)]) -> Vec<(f64, ServiceTime)> {
    let mut out = Vec::new();
    let mut group = (0.0, 0.0, 0.0, 0.0); // mass, Σp·m, Σp·m²(1+cv²), first mean
    let flush = |g: (f64, f64, f64, f64), out: &mut Vec<(f64, ServiceTime)>| {
        if g.0 > 0.0 {
            let mean = g.1 / g.0;
            let cv = (g.2 / g.0 / (mean * mean) - 1.0).max(0.0).sqrt().min(10.0);
            out.push((g.0, ServiceTime::new(mean, cv)));
        }
    };
    for &(p, mean, cv) in parts.iter().filter(|part| part.0 > 0.0) {
        if group.0 > 0.0 && mean > group.3 * MERGE_RATIO {
            flush(group, &mut out);
            group = (0.0, 0.0, 0.0, 0.0);
        }
        if group.0 == 0.0 {
            group.3 = mean;
        }
        group.0 += p;
        group.1 += p * mean;
        group.2 += p * mean * mean * (1.0 + cv * cv);
    }
    flush(group, &mut out);
    out
}

/// A quota's pauses in a request's time in its slot (`quota.rs`): the
/// pauses it meets come at a rate along its CPU residence, so their count
/// is Poisson; with none it holds the slot for its work alone, with some
/// for its work plus their sum (their mean, `share × residence`, is in the
/// slot's mean already) plus the backlog the pause leaves behind it, which
/// the time change does not see. `[(weight, mean, cv); 2]`, the unpaused
/// first.
fn split(mean: f64, cv: f64, residence: f64, pauses: Option<Pauses>) -> [(f64, f64, f64); 2] {
    let none = [(1.0, mean, cv), (0.0, mean, cv)];
    let Some(pauses) = pauses else { return none };
    let paused = residence * pauses.share;
    if !(paused > 0.0 && pauses.mean_s > 0.0) {
        return none;
    }
    let count = paused / pauses.mean_s;
    let met = -(-count).exp_m1();
    let work = mean - paused;
    // The pauses a request meets grow with its work: its variability
    // stretched with the slot time, the count's own on top.
    let work_var = (cv * mean).powi(2);
    // The pauses' sum given at least one: a compound Poisson's moments
    // over P(N ≥ 1).
    let sum_mean = paused / met;
    let sum_second = (count * pauses.second_s2 + paused * paused) / met;
    let sum_var = (sum_second - sum_mean * sum_mean).max(0.0)
        + (pauses.behind_second_s2 - pauses.behind_s.powi(2));
    let sum_mean = sum_mean + pauses.behind_s;
    let with = work + sum_mean;
    [
        (1.0 - met, work, (work_var.sqrt() / work).min(10.0)),
        (met, with, ((work_var + sum_var).sqrt() / with).min(10.0)),
    ]
}

/// What the slots' chain needs of an instance (`shared.rs` implements it).
pub(super) trait Slots {
    /// `X(k)`, requests per second with `k` in service.
    fn throughput(&self, k: u32) -> f64;
    fn max_throughput(&self) -> f64;
    /// Squared cv of the departures with every slot busy.
    fn departure_cv2(&self) -> f64;
    /// cv of the time in a slot as the k-th in service.
    fn in_slot_cv(&self, k: u32) -> f64;
    fn held_io_s(&self) -> f64;
    fn pauses(&self) -> Option<Pauses>;
}

/// What a quota's pauses look like from inside a request (`quota.rs`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Pauses {
    /// Share of a request's CPU residence spent paused (`1 − α`).
    pub share: f64,
    /// Mean and second moment of one pause.
    pub mean_s: f64,
    pub second_s2: f64,
    /// Mean and second moment of the time a paused request then waits for
    /// the work carried into the next period, drained at the quota's rate.
    pub behind_s: f64,
    pub behind_second_s2: f64,
}

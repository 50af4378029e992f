//! Processor sharing: M/G/1-PS and M/G/c-PS, the requests in progress
//! sharing the servers (an event loop's or a thread pool's CPU) instead of
//! queueing for one in arrival order.
//!
//! With `n` requests in progress on `c` servers each progresses at
//! `min(1, c/n)` of full speed. The number in the system is that of M/M/c
//! whatever the service distribution (processor sharing is insensitive:
//! Kelly, *Reversibility and Stochastic Networks*, 1979, §3.3), so the mean
//! response is M/M/c's: `E[T] = E[S]/(1 − ρ)` for one server,
//! `E[S] + C(c, a)/(cμ − λ)` for `c` (Erlang C).
//!
//! Percentiles: a request of size `x` is delayed `D(x) = T(x) − x`. For
//! M/G/1-PS, `E[T(x)] = x/(1 − ρ)` exactly (Kleinrock, *Queueing Systems*
//! vol. 2, 1976, §4.4), and for exponential service the conditional
//! variance is (Coffman, Muntz and Trotter, "Waiting time distributions for
//! processor-sharing systems", JACM 17(1), 1970):
//!
//! `Var T(x) = 2ρx / ((1 − ρ)³μ) − 2ρ(1 − e^(−(1−ρ)μx)) / ((1 − ρ)⁴μ²)`.
//!
//! `D(x)` is taken as gamma with that mean and variance (a two-moment fit
//! of the conditional sojourn time, the approach of Brandt and Brandt,
//! "Approximations for the second moments of sojourn times in M/GI systems
//! under state-dependent processor sharing", ZIB-Report 09-25, 2009, here
//! with the M/M/1 moments for every service distribution), and the
//! response tail is the mixture over the service distribution:
//! `P(T > t) = ∫ P(x + D(x) > t) dF_S(x)`. For `c` servers the same form is
//! used at the mean slowdown `f = E[T]/E[S]` of M/M/c: `E[D(x)] = (f − 1)x`
//! and the variance of a single server at `ρ₁ = 1 − 1/f` and rate `cμ`
//! (exact for `c = 1`; for `c > 1` a heuristic). The mean response is
//! exact in every case; `tests/integration/ps_simulation.rs` holds the
//! percentiles to a discrete-event simulation (p95 within 6 %, p99 within
//! 15 %, cv 0.5–2, 1–4 servers, ρ 0.4–0.85).

use super::erlang::{erlang_b, erlang_c_from_b};
use super::model::{Station, solve_decreasing};
use super::service::{GAUSS_16, ServiceTime};
use statrs::function::gamma::{checked_gamma_lr, checked_gamma_ur, ln_gamma};
use std::sync::Arc;

/// Tail mass of the service distribution left out of the mixture.
const SERVICE_TAIL_CUT: f64 = 1e-9;

/// The service distribution as quadrature nodes, for a unit mean: sizes
/// and probabilities summing to 1. Built once per cv and shared.
#[derive(Debug, Clone, PartialEq)]
pub struct PsService {
    cv: f64,
    unit: ServiceTime,
    nodes: Arc<[(f64, f64)]>,
}

impl PsService {
    /// Nodes of a unit-mean service time with coefficient of variation `cv`
    /// (constant, exponential or gamma, as `ServiceTime`).
    pub fn new(cv: f64) -> PsService {
        let unit = ServiceTime::new(1.0, cv);
        let nodes: Vec<(f64, f64)> = match unit {
            ServiceTime::Constant { .. } => vec![(1.0, 1.0)],
            ServiceTime::Exponential { .. } => gamma_nodes(1.0),
            ServiceTime::Gamma { shape, .. } => gamma_nodes(shape),
        };
        PsService { cv, unit, nodes: nodes.into() }
    }

    pub fn cv(&self) -> f64 {
        self.cv
    }
}

/// Gauss–Legendre nodes of a unit-mean gamma density over panels doubling
/// from 1/8 of the mean (1/1024 for a density singular at 0, shape < 1)
/// to the 1 − 10⁻⁹ quantile, each panel's weights scaled to its exact
/// probability.
fn gamma_nodes(shape: f64) -> Vec<(f64, f64)> {
    let rate = shape;
    let top = ServiceTime::Gamma { shape, rate }.percentile(1.0 - SERVICE_TAIL_CUT);
    let mut edges = vec![0.0];
    let mut edge = if shape < 1.0 { 1.0 / 1024.0 } else { 0.125 };
    while edge < top {
        edges.push(edge);
        edge *= 2.0;
    }
    edges.push(top);
    let cdf =
        |x: f64| if x <= 0.0 { 0.0 } else { checked_gamma_lr(shape, rate * x).unwrap_or(1.0) };
    let log_norm = shape * rate.ln() - ln_gamma(shape);
    let density = |x: f64| (log_norm + (shape - 1.0) * x.ln() - rate * x).exp();
    let mut nodes = Vec::with_capacity(edges.len() * 16);
    for pair in edges.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let mass = cdf(b) - cdf(a);
        if mass <= 0.0 {
            continue;
        }
        let (mid, half) = (0.5 * (a + b), 0.5 * (b - a));
        let mut panel: Vec<(f64, f64)> = GAUSS_16
            .iter()
            .flat_map(|&(x, w)| [(mid - half * x, w), (mid + half * x, w)])
            .map(|(x, w)| (x, w * half * density(x)))
            .collect();
        let sum: f64 = panel.iter().map(|n| n.1).sum();
        if sum > 0.0 && sum.is_finite() {
            panel.iter_mut().for_each(|n| n.1 *= mass / sum);
            nodes.extend(panel);
        }
    }
    let total: f64 = nodes.iter().map(|n| n.1).sum();
    if !(total > 0.0 && total.is_finite()) {
        // A density too narrow for the panels' nodes: the mean stands for it.
        return vec![(1.0, 1.0)];
    }
    nodes.iter_mut().for_each(|n| n.1 /= total);
    nodes
}

/// A stable M/G/c-PS queue.
#[derive(Debug, Clone, PartialEq)]
pub struct PsQueue {
    pub station: Station,
    pub servers: u64,
    /// Erlang C: the share of arrivals that find every server busy and are
    /// slowed at once.
    pub wait_probability: f64,
    mean_response: f64,
    /// ρ₁ and μ₁ of the single-server PS whose conditional variance is used.
    rho1: f64,
    mu1: f64,
    service: PsService,
}

impl PsQueue {
    /// The station on `servers` shared servers; `None` when ρ ≥ 1.
    pub fn new(station: Station, servers: u64, service: &PsService) -> Option<PsQueue> {
        let c = servers as f64;
        let a = station.offered_load();
        let rho = a / c;
        if servers == 0 || rho >= 1.0 {
            return None;
        }
        let s = station.service_time;
        let wait_probability = erlang_c_from_b(erlang_b(a, servers), rho);
        let mean_response = s + wait_probability / (c / s - station.arrival_rate);
        let slowdown = mean_response / s;
        Some(PsQueue {
            station,
            servers,
            wait_probability,
            mean_response,
            rho1: (1.0 - 1.0 / slowdown).clamp(0.0, 1.0 - 1e-12),
            mu1: c / s,
            service: service.clone(),
        })
    }

    pub fn utilization(&self) -> f64 {
        self.station.offered_load() / self.servers as f64
    }

    /// Mean response time, seconds (exact: insensitive to the service
    /// distribution).
    pub fn mean_response(&self) -> f64 {
        self.mean_response
    }

    /// Mean delay beyond the request's own service, seconds.
    pub fn mean_wait(&self) -> f64 {
        self.mean_response - self.station.service_time
    }

    /// Mean and variance of the delay `D(x)` of a request of size `x` s.
    fn delay_moments(&self, x: f64) -> (f64, f64) {
        let (rho, mu) = (self.rho1, self.mu1);
        let mean = rho / (1.0 - rho) * x;
        // Var = 2ρ·h(y) / ((1 − ρ)⁴μ²), h(y) = y − (1 − e^(−y)), y = (1 − ρ)μx.
        let y = (1.0 - rho) * mu * x;
        let h = if y < 1e-4 { y * y / 2.0 - y * y * y / 6.0 } else { y + (-y).exp_m1() };
        (mean, 2.0 * rho * h / ((1.0 - rho).powi(4) * mu * mu))
    }

    /// P(D(x) > u).
    fn delay_tail(&self, x: f64, u: f64) -> f64 {
        if u < 0.0 {
            return 1.0;
        }
        let (mean, var) = self.delay_moments(x);
        if mean <= 0.0 || var <= 0.0 {
            return if u < mean { 1.0 } else { 0.0 };
        }
        checked_gamma_ur(mean * mean / var, mean / var * u).unwrap_or(0.0)
    }

    /// Σ over the service nodes of `f(size)` weighted by their probability.
    fn mix(&self, f: impl Fn(f64) -> f64) -> f64 {
        let s = self.station.service_time;
        self.service.nodes.iter().map(|&(x, w)| w * f(x * s)).sum::<f64>().min(1.0)
    }

    /// P(T > t) = P(S > t) + P(S ≤ t, S + D(S) > t): the first part
    /// exact, the second over the nodes (so that at light load, where D is
    /// small, the tail is the service time's and not the nodes' steps).
    pub fn response_tail(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 1.0;
        }
        let s = self.station.service_time;
        let beyond = self.service.unit.survival(t / s);
        let within = self.mix(|x| if x <= t { self.delay_tail(x, t - x) } else { 0.0 });
        (beyond + within).min(1.0)
    }

    /// P(T > t) of one class of the mixture this queue serves: a request
    /// of size x is delayed as any other of that size (D(x) grows with x
    /// through the slowdown the whole mixture sets), its sizes drawn from
    /// the class's own distribution (`class`, unit mean) scaled to `mean_s`.
    pub fn class_response_tail(&self, class: &PsService, mean_s: f64, t: f64) -> f64 {
        if t <= 0.0 {
            return 1.0;
        }
        let beyond = class.unit.survival(t / mean_s);
        let within: f64 = class
            .nodes
            .iter()
            .map(|&(x, w)| {
                let x = x * mean_s;
                if x <= t { w * self.delay_tail(x, t - x) } else { 0.0 }
            })
            .sum();
        (beyond + within.min(1.0)).min(1.0)
    }

    /// P(D > t): the delay beyond a request's own service.
    pub fn wait_tail(&self, t: f64) -> f64 {
        if t < 0.0 {
            return 1.0;
        }
        self.mix(|x| self.delay_tail(x, t))
    }

    pub fn response_percentile(&self, p: f64) -> f64 {
        let target = 1.0 - p;
        solve_decreasing(|t| self.response_tail(t) - target, self.mean_response)
    }

    pub fn wait_percentile(&self, p: f64) -> f64 {
        let target = 1.0 - p;
        solve_decreasing(|t| self.wait_tail(t) - target, self.mean_wait().max(1e-9))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(rate: f64, s: f64, cv: f64, c: u64) -> PsQueue {
        let station = Station::new(rate, s, cv).unwrap();
        PsQueue::new(station, c, &PsService::new(cv)).unwrap()
    }

    #[test]
    fn nodes_are_a_unit_mean_distribution() {
        for cv in [0.3, 0.5, 1.0, 1.5, 3.0] {
            let service = PsService::new(cv);
            let mass: f64 = service.nodes.iter().map(|n| n.1).sum();
            let mean: f64 = service.nodes.iter().map(|n| n.0 * n.1).sum();
            let second: f64 = service.nodes.iter().map(|n| n.0 * n.0 * n.1).sum();
            assert!((mass - 1.0).abs() < 1e-12, "cv {cv}: mass {mass}");
            assert!((mean - 1.0).abs() < 2e-3, "cv {cv}: mean {mean}");
            let scv = second - mean * mean;
            assert!((scv - cv * cv).abs() < 0.02 * cv * cv + 1e-3, "cv {cv}: scv {scv}");
        }
    }

    #[test]
    fn one_server_mean_is_s_over_one_minus_rho() {
        let q = queue(60.0, 0.01, 1.7, 1);
        assert!((q.mean_response() - 0.01 / 0.4).abs() < 1e-12);
        // The mixture's mean, from the tail, agrees.
        let step = 2.5e-4;
        let from_tail: f64 =
            (0..4_000).map(|i| q.response_tail((i as f64 + 0.5) * step) * step).sum();
        assert!((from_tail - q.mean_response()).abs() / q.mean_response() < 0.01, "{from_tail}");
    }

    #[test]
    fn the_tail_is_one_at_zero_decreasing_and_inverted_by_the_percentile() {
        let q = queue(300.0, 0.01, 1.0, 4);
        assert_eq!(q.response_tail(0.0), 1.0);
        let mut last = 1.0;
        for i in 1..200 {
            let v = q.response_tail(i as f64 * 0.001);
            assert!(v <= last + 1e-12);
            last = v;
        }
        for p in [0.5, 0.95, 0.99] {
            let t = q.response_percentile(p);
            assert!((q.response_tail(t) - (1.0 - p)).abs() < 1e-9, "p {p}");
        }
    }

    #[test]
    fn no_sharing_at_light_load_is_the_service_time() {
        let q = queue(0.01, 0.01, 1.0, 8);
        let p95 = q.response_percentile(0.95);
        assert!((p95 - 0.01 * 20f64.ln()).abs() / p95 < 1e-3, "{p95}");
    }

    #[test]
    fn extreme_cvs_give_finite_percentiles() {
        for cv in [0.001, 0.01, 0.05, 5.0, 10.0] {
            let q = queue(50.0, 0.01, cv, 1);
            let p95 = q.response_percentile(0.95);
            assert!(p95.is_finite() && p95 > 0.0, "cv {cv}: {p95}");
            assert!((q.response_tail(p95) - 0.05).abs() < 1e-6, "cv {cv}");
        }
    }

    #[test]
    fn unstable_is_none() {
        let station = Station::new(100.0, 0.01, 1.0).unwrap();
        assert!(PsQueue::new(station, 1, &PsService::new(1.0)).is_none());
    }
}

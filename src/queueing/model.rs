//! M/M/c exact and M/G/c approximate metrics for one queueing station.

use super::erlang::{erlang_b, erlang_c_from_b};
use super::service::ServiceTime;
use std::fmt;

/// Largest server count the engine evaluates or sizes to.
///
/// The Erlang recursion is O(c) in time and the sizing table O(c) in memory;
/// ten million servers is far beyond any deployment capplan plans.
pub const MAX_SERVERS: u64 = 10_000_000;

/// Invalid queue parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamError {
    ArrivalRate(f64),
    ServiceTime(f64),
    Cv(f64),
    Servers(u64),
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::ArrivalRate(v) => {
                write!(f, "arrival rate must be a positive finite number per second, got {v}")
            }
            ParamError::ServiceTime(v) => {
                write!(f, "service time must be a positive finite number of seconds, got {v}")
            }
            ParamError::Cv(v) => {
                write!(f, "service-time coefficient of variation must be between 0 and 10, got {v}")
            }
            ParamError::Servers(v) => {
                write!(f, "server count must be between 1 and {MAX_SERVERS}, got {v}")
            }
        }
    }
}

impl std::error::Error for ParamError {}

/// Arrivals and service of one station, independent of the server count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Station {
    /// λ, arrivals per second.
    pub arrival_rate: f64,
    /// Mean service time, seconds.
    pub service_time: f64,
    /// Coefficient of variation of the service time (1 = exponential).
    pub cv: f64,
}

impl Station {
    pub fn new(arrival_rate: f64, service_time: f64, cv: f64) -> Result<Self, ParamError> {
        if !(arrival_rate.is_finite() && arrival_rate > 0.0) {
            return Err(ParamError::ArrivalRate(arrival_rate));
        }
        if !(service_time.is_finite() && service_time > 0.0) {
            return Err(ParamError::ServiceTime(service_time));
        }
        if !(cv.is_finite() && (0.0..=10.0).contains(&cv)) {
            return Err(ParamError::Cv(cv));
        }
        Ok(Station { arrival_rate, service_time, cv })
    }

    /// Offered load a = λ·s in Erlangs.
    pub fn offered_load(&self) -> f64 {
        self.arrival_rate * self.service_time
    }

    /// The smallest server count with ρ < 1.
    pub fn min_stable_servers(&self) -> u64 {
        self.offered_load().floor() as u64 + 1
    }

    /// "M/M/c" for exponential service, "M/G/c" otherwise.
    pub fn model_name(&self) -> &'static str {
        if self.cv == 1.0 { "M/M/c" } else { "M/G/c" }
    }

    pub fn service(&self) -> ServiceTime {
        ServiceTime::new(self.service_time, self.cv)
    }

    /// The station with `servers` servers, or the reason it cannot be evaluated.
    pub fn with_servers(&self, servers: u64) -> Result<Evaluation, ParamError> {
        if servers == 0 || servers > MAX_SERVERS {
            return Err(ParamError::Servers(servers));
        }
        let rho = self.offered_load() / servers as f64;
        if rho >= 1.0 {
            return Ok(Evaluation::Unstable(Unstable {
                servers,
                utilization: rho,
                min_stable_servers: self.min_stable_servers(),
            }));
        }
        let b = erlang_b(self.offered_load(), servers);
        Ok(Evaluation::Stable(Queue::from_erlang_b(*self, servers, b)))
    }
}

/// Either the metrics of a stable queue or the facts of an unstable one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Evaluation {
    Stable(Queue),
    Unstable(Unstable),
}

/// ρ ≥ 1: the queue grows without bound. No metric is defined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unstable {
    pub servers: u64,
    pub utilization: f64,
    pub min_stable_servers: u64,
}

/// A stable M/G/c queue and everything derived from it.
///
/// Wait model: P(W > 0) = C (Erlang C) and, given a wait, W is exponential
/// with mean Wq / C. For cv = 1 this is the exact M/M/c distribution; for
/// other cv the mean wait Wq comes from a two-moment approximation:
/// Allen–Cunneen ((1 + cv²)/2 × the M/M/c wait) for cv ≥ 1, and for cv < 1
/// the Cosmetatos M/D/c correction blended with M/M/c as
/// cv²·Wq(M/M/c) + (1 − cv²)·Wq(M/D/c).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Queue {
    pub station: Station,
    pub servers: u64,
    /// Erlang C: probability an arrival waits.
    pub wait_probability: f64,
    /// Decay rate of the conditional wait, 1/s (cμ − λ for M/M/c).
    wait_decay: f64,
}

impl Queue {
    pub(crate) fn from_erlang_b(station: Station, servers: u64, erlang_b: f64) -> Queue {
        let c = servers as f64;
        let rho = station.offered_load() / c;
        let wait_probability = erlang_c_from_b(erlang_b, rho);
        let mmc_decay = c / station.service_time - station.arrival_rate;
        let factor = mean_wait_factor(station.cv, rho, c);
        Queue { station, servers, wait_probability, wait_decay: mmc_decay / factor }
    }

    pub fn utilization(&self) -> f64 {
        self.station.offered_load() / self.servers as f64
    }

    /// Decay rate of the conditional wait, 1/s.
    pub fn wait_decay(&self) -> f64 {
        self.wait_decay
    }

    /// Mean time in queue Wq, seconds.
    pub fn mean_wait(&self) -> f64 {
        self.wait_probability / self.wait_decay
    }

    /// Mean response time R = Wq + s, seconds.
    pub fn mean_response(&self) -> f64 {
        self.mean_wait() + self.station.service_time
    }

    /// Lq = λ·Wq (Little's law).
    pub fn mean_queue_length(&self) -> f64 {
        self.station.arrival_rate * self.mean_wait()
    }

    /// L = λ·R (Little's law).
    pub fn mean_in_system(&self) -> f64 {
        self.station.arrival_rate * self.mean_response()
    }

    /// P(W > t).
    pub fn wait_tail(&self, t: f64) -> f64 {
        if t < 0.0 {
            return 1.0;
        }
        self.wait_probability * (-self.wait_decay * t).exp()
    }

    /// P(R > t) = (1 − C)·P(S > t) + C·P(S + W′ > t).
    pub fn response_tail(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 1.0;
        }
        let service = self.station.service();
        (1.0 - self.wait_probability) * service.survival(t)
            + self.wait_probability * service.survival_plus_exponential(self.wait_decay, t)
    }

    /// The p-quantile of the wait (p in (0, 1)), seconds; closed form.
    pub fn wait_percentile(&self, p: f64) -> f64 {
        let tail = 1.0 - p;
        if tail >= self.wait_probability {
            0.0
        } else {
            (self.wait_probability / tail).ln() / self.wait_decay
        }
    }

    /// The p-quantile of the response time (p in (0, 1)), seconds, found by
    /// bracketing and Illinois false position to 1e-12 relative width.
    pub fn response_percentile(&self, p: f64) -> f64 {
        let target = 1.0 - p;
        solve_decreasing(|t| self.response_tail(t) - target, self.mean_response())
    }
}

/// Scale of the M/M/c mean wait that gives the M/G/c mean wait.
fn mean_wait_factor(cv: f64, rho: f64, c: f64) -> f64 {
    let scv = cv * cv;
    if cv >= 1.0 {
        (1.0 + scv) / 2.0
    } else {
        let cosmetatos =
            1.0 + (1.0 - rho) * (c - 1.0) * ((4.0 + 5.0 * c).sqrt() - 2.0) / (16.0 * rho * c);
        scv + (1.0 - scv) * 0.5 * cosmetatos
    }
}

/// Root of a decreasing function f with f(0) > 0, starting from a scale hint.
pub(crate) fn solve_decreasing(f: impl Fn(f64) -> f64, hint: f64) -> f64 {
    let mut lo = 0.0;
    let mut f_lo = f(lo);
    if f_lo <= 0.0 {
        return 0.0;
    }
    let mut hi = hint.max(f64::MIN_POSITIVE);
    let mut f_hi = f(hi);
    let mut guard = 0;
    while f_hi > 0.0 {
        lo = hi;
        f_lo = f_hi;
        hi *= 2.0;
        f_hi = f(hi);
        guard += 1;
        if guard > 2000 || !hi.is_finite() {
            return f64::INFINITY;
        }
    }
    // Illinois variant of false position: superlinear and always bracketed.
    let mut side = 0i8;
    for _ in 0..300 {
        if hi - lo <= 1e-12 * hi {
            break;
        }
        let mut x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
        if !(x > lo && x < hi) {
            x = 0.5 * (lo + hi);
        }
        let fx = f(x);
        if fx == 0.0 {
            return x;
        }
        if fx > 0.0 {
            lo = x;
            f_lo = fx;
            if side == 1 {
                f_hi *= 0.5;
            }
            side = 1;
        } else {
            hi = x;
            f_hi = fx;
            if side == -1 {
                f_lo *= 0.5;
            }
            side = -1;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stable(station: Station, c: u64) -> Queue {
        match station.with_servers(c).unwrap() {
            Evaluation::Stable(q) => q,
            Evaluation::Unstable(u) => panic!("unstable: {u:?}"),
        }
    }

    #[test]
    fn call_centre_10_erlangs_14_agents() {
        // 100 calls per 30 min, 180 s each.
        let station = Station::new(100.0 / 1800.0, 180.0, 1.0).unwrap();
        let q = stable(station, 14);
        assert!((q.wait_probability - 0.1741319).abs() < 5e-8);
        assert!((q.utilization() - 0.7142857).abs() < 5e-8);
        assert!((q.mean_wait() - 7.836).abs() < 5e-4);
        let service_level = 1.0 - q.wait_tail(20.0);
        assert!((service_level - 0.88835).abs() < 5e-6, "{service_level}");
    }

    #[test]
    fn call_centre_48_erlangs_55_agents() {
        let station = Station::new(360.0 / 1800.0, 240.0, 1.0).unwrap();
        let q = stable(station, 55);
        assert!((q.wait_probability - 0.2387).abs() < 5e-5);
        assert!((1.0 - q.wait_tail(20.0) - 0.867).abs() < 5e-4);
        assert!((q.mean_wait() - 8.18).abs() < 5e-3);
    }

    #[test]
    fn mm4_textbook_example() {
        // λ = 0.35/min, s = 10 min.
        let station = Station::new(0.35, 10.0, 1.0).unwrap();
        let q = stable(station, 4);
        assert!((q.utilization() - 0.875).abs() < 1e-12);
        assert!((q.wait_probability - 0.73786).abs() < 5e-6);
        assert!((q.mean_wait() - 14.7572).abs() < 5e-5);
        assert!((q.mean_response() - 24.7572).abs() < 5e-5);
        assert!((q.mean_in_system() - 8.6650).abs() < 5e-5);
        assert!((q.mean_queue_length() - 5.1650).abs() < 5e-5);
    }

    #[test]
    fn mm1_closed_forms() {
        let station = Station::new(0.75, 1.0, 1.0).unwrap();
        let q = stable(station, 1);
        assert!((q.utilization() - 0.75).abs() < 1e-15);
        assert!((q.mean_response() - 4.0).abs() < 1e-12);
        // M/M/1 response is Exp(μ − λ): p95 = ln(20)/(μ − λ).
        let p95 = q.response_percentile(0.95);
        let exact = 20f64.ln() / 0.25;
        assert!(((p95 - exact) / exact).abs() < 1e-9, "{p95} vs {exact}");
    }

    #[test]
    fn ten_erlangs_on_three_servers_is_unstable() {
        let station = Station::new(10.0, 1.0, 1.0).unwrap();
        match station.with_servers(3).unwrap() {
            Evaluation::Unstable(u) => {
                assert_eq!(u.min_stable_servers, 11);
                assert!((u.utilization - 10.0 / 3.0).abs() < 1e-12);
            }
            Evaluation::Stable(_) => panic!("10 Erlangs on 3 servers must be unstable"),
        }
    }

    #[test]
    fn response_percentile_inverts_the_tail() {
        for cv in [0.0, 0.5, 1.0, 2.0] {
            let station = Station::new(80.0, 0.05, cv).unwrap();
            let q = stable(station, 5);
            for p in [0.5, 0.9, 0.95, 0.99, 0.999] {
                let t = q.response_percentile(p);
                if cv == 0.0 && t <= 0.05 {
                    continue; // the constant-service tail jumps at s
                }
                let tail = q.response_tail(t);
                assert!((tail - (1.0 - p)).abs() < 1e-9, "cv {cv} p {p}: {tail}");
            }
        }
    }

    #[test]
    fn parameters_are_validated() {
        assert!(Station::new(0.0, 1.0, 1.0).is_err());
        assert!(Station::new(f64::NAN, 1.0, 1.0).is_err());
        assert!(Station::new(1.0, f64::INFINITY, 1.0).is_err());
        assert!(Station::new(1.0, 1.0, -0.1).is_err());
        let station = Station::new(1.0, 1.0, 1.0).unwrap();
        assert!(station.with_servers(0).is_err());
        assert!(station.with_servers(MAX_SERVERS + 1).is_err());
    }
}

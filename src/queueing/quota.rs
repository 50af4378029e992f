//! A CFS CPU quota (`cpu.max`, `cpu.cfs_quota_us`): a budget of `V × P`
//! CPU-seconds per period `P`, not a slower CPU. A request that finds
//! budget runs at full core speed; when the period's budget is spent the
//! cgroup pauses until the period ends.
//!
//! The mechanism, in two time scales:
//! - Period level: the CPU work carried from one period into the next is
//!   the stationary Lindley recursion `Q' = max(0, Q + A − b)` (`A` the
//!   work arriving in a period, `b` the budget), in closed form as an atom
//!   at 0 plus an exponential: the decay is the Lundberg root, the atom
//!   comes from budget conservation (`E[min(b, Q + A)] = λPD`, exact in the
//!   mean). From it, the share of wall time the cgroup is paused with work
//!   waiting (`θ`), the share of periods that throttle, and so the mean
//!   pause.
//! - Request level: the cgroup runs at full speed for a share `α = busy /
//!   (busy + θ)` of the time it has work, so a request's CPU phase is its
//!   demand plus the pauses that fall into it: mean `D/α`, and a variance
//!   that adds the pauses' (a server with interruptions). The shared-CPU
//!   model then runs at speed `α` with that variability.
//!
//! Limits: a lone request at a trickle with a long period runs at full speed
//! (`θ → 0`, `α → 1`); as `P → 0` the pauses become many and short and the
//! CPU is a fluid of rate `V`; at saturation every period is spent
//! (`θ → 1 − V`, `α → V`).
//!
//! Scope: a quota below one core, served on one core (a single-threaded
//! burst); the period where a platform does not publish it is Linux's
//! default, 100 ms (`DEFAULT_PERIOD_S`).

use statrs::function::gamma::{checked_gamma_lr, ln_gamma};

/// Linux's default CFS period (`cpu.cfs_period_us` = 100 000), which
/// Docker and Kubernetes keep: the period of a platform that sells a
/// fractional CPU and does not say otherwise.
pub const DEFAULT_PERIOD_S: f64 = 0.1;

/// Demand cv below which a request's CPU is taken as constant (the gamma
/// forms lose precision as the shape grows without bound).
const CONSTANT_CV: f64 = 1e-3;
/// Poisson mass left out of the period sums.
const POISSON_TAIL: f64 = 1e-10;

/// What the quota does to one instance at one arrival rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Throttling {
    /// `α`: the share of the time the cgroup has work in which it may run.
    pub speed: f64,
    /// Share of wall time paused with work waiting.
    pub paused: f64,
    /// Share of periods in which the budget runs out.
    pub throttled_periods: f64,
    /// Mean length of one pause, seconds, and its variance.
    pub mean_pause_s: f64,
    pub pause_var_s2: f64,
    /// Share of periods that start with work carried from the last.
    pub carry_probability: f64,
    /// Mean work carried into a period beyond what a CPU running at `α`
    /// all the time would carry, CPU-seconds.
    pub excess_carry_s: f64,
    /// cv of a request's CPU phase at speed `α`, its pauses included.
    pub cpu_cv: f64,
}

/// The quota's effect at `arrival_rate` (one instance), `None` at or past
/// the budget (`λ·D ≥ V`). `vcpu` is the quota's share of one core (< 1).
pub fn throttling(
    period_s: f64,
    vcpu: f64,
    arrival_rate: f64,
    cpu_s: f64,
    cpu_cv: f64,
) -> Option<Throttling> {
    let busy = arrival_rate * cpu_s;
    // NaN-safe: any NaN input fails one of these.
    let valid = busy < vcpu && period_s > 0.0 && cpu_s > 0.0;
    if !valid {
        return None;
    }
    let budget = vcpu * period_s;
    let work = Work::new(cpu_s, cpu_cv);
    let per_period = arrival_rate * period_s;
    let Carry { gamma, carried, terms, below } = Carry::new(&work, arrival_rate, period_s, budget);
    // P(Q + G_n > b): the budget is gone and work is waiting.
    let (mut paused, mut throttled_periods) = (0.0, 0.0);
    for (&(p, between), &(_, f, m)) in terms.weights.iter().zip(&below) {
        let over = (1.0 - f + carried * m).clamp(0.0, 1.0);
        // ∫_b^P p_n(λu) du / P: the period's share past the budget's end
        // in which exactly n have arrived.
        paused += over * between / per_period;
        throttled_periods += p * over;
    }
    let paused = paused.clamp(0.0, 1.0 - vcpu);
    let speed = (busy / (busy + paused)).clamp(vcpu, 1.0);
    let longest = (1.0 - vcpu) * period_s;
    let mean_pause_s = if throttled_periods > 0.0 {
        (paused * period_s / throttled_periods).min(longest)
    } else {
        0.0
    };
    // A pause ends at the period's end and starts when the budget runs
    // out: uniform up to the longest pause, narrowed to its mean.
    let pause_var = if mean_pause_s >= longest / 2.0 {
        (2.0 * (longest - mean_pause_s)).powi(2) / 12.0
    } else {
        mean_pause_s * mean_pause_s / 3.0
    };
    let pause_second_over_first =
        if mean_pause_s > 0.0 { mean_pause_s + pause_var / mean_pause_s } else { 0.0 };
    // A server that ran at α all the time would carry work from period to
    // period too: what the budget carries beyond that is the backlog the
    // time change leaves out (none as P → 0, where α → V).
    let at_speed = Carry::new(&work, arrival_rate, period_s, speed * period_s);
    let excess_carry_s = (carried / gamma - at_speed.carried / at_speed.gamma).max(0.0);
    // The pauses met while a request's own work runs: (1/α − 1)·D of pause
    // time, each pause adding its length's second moment over its mean.
    let phase_mean = cpu_s / speed;
    let phase_var =
        (cpu_cv * cpu_s).powi(2) + cpu_s * (1.0 / speed - 1.0) * pause_second_over_first;
    Some(Throttling {
        speed,
        paused,
        throttled_periods,
        mean_pause_s,
        pause_var_s2: pause_var,
        carry_probability: carried,
        excess_carry_s,
        cpu_cv: (phase_var.sqrt() / phase_mean).min(10.0),
    })
}

/// The work carried from one period into the next: the stationary
/// `Q' = max(0, Q + A − b)` as an atom at 0 and an exponential tail
/// `carried · e^{−γx}`, with the Poisson terms it was summed over.
struct Carry {
    gamma: f64,
    carried: f64,
    terms: PoissonTerms,
    /// Per count n of a period's arrivals: E[(b − G)+], P(G ≤ b) and
    /// E[e^{−γ(b − G)}; G ≤ b] of their work G.
    below: Vec<(f64, f64, f64)>,
}

impl Carry {
    fn new(work: &Work, arrival_rate: f64, period_s: f64, budget: f64) -> Carry {
        let per_period = arrival_rate * period_s;
        let gamma = lundberg_root(work, per_period, budget);
        let terms = PoissonTerms::new(per_period, arrival_rate * budget);
        let below: Vec<(f64, f64, f64)> =
            terms.counts().map(|n| work.below(n, budget, gamma)).collect();
        let (mut e0, mut e1) = (0.0, 0.0);
        for (&(p, _), &(e, f, m)) in terms.weights.iter().zip(&below) {
            e0 += p * e;
            e1 += p * (e - (f - m) / gamma);
        }
        // Budget conservation: the carry's atom makes the budget served
        // per period equal the work arriving.
        let carried = if e0 - e1 > 0.0 {
            ((e0 - (budget - per_period * work.mean)) / (e0 - e1)).clamp(0.0, 1.0)
        } else {
            1.0
        };
        Carry { gamma, carried, terms, below }
    }
}

/// One request's CPU demand: constant or gamma (mean, cv).
struct Work {
    mean: f64,
    /// 1/cv² and mean·cv² (shape and scale), `None` when constant.
    gamma: Option<(f64, f64)>,
}

impl Work {
    fn new(mean: f64, cv: f64) -> Work {
        let gamma = (cv >= CONSTANT_CV).then(|| (1.0 / (cv * cv), mean * cv * cv));
        Work { mean, gamma }
    }

    /// ln E[e^{gD}] of one request's demand (+∞ past the gamma's pole).
    fn ln_mgf(&self, g: f64) -> f64 {
        match self.gamma {
            None => g * self.mean,
            Some((shape, scale)) => {
                let x = 1.0 - g * scale;
                if x <= 0.0 { f64::INFINITY } else { -shape * x.ln() }
            }
        }
    }

    /// For the work `G` of `n` requests: `E[(b − G)+]`, `P(G ≤ b)` and
    /// `E[e^{−γ(b − G)}; G ≤ b]`.
    fn below(&self, n: u64, b: f64, gamma: f64) -> (f64, f64, f64) {
        if n == 0 {
            return (b, 1.0, (-gamma * b).exp());
        }
        let n_f = n as f64;
        match self.gamma {
            None => {
                let g = n_f * self.mean;
                if g <= b { (b - g, 1.0, (-gamma * (b - g)).exp()) } else { (0.0, 0.0, 0.0) }
            }
            Some((shape, scale)) => {
                let a = n_f * shape;
                let x = b / scale;
                let f = checked_gamma_lr(a, x).unwrap_or(if x > a { 1.0 } else { 0.0 });
                let f1 = checked_gamma_lr(a + 1.0, x).unwrap_or(f);
                let e = (b * f - n_f * self.mean * f1).max(0.0);
                // E[e^{γG}; G ≤ b] tilts the gamma's rate to 1/scale − γ.
                let tilt = 1.0 - gamma * scale;
                let m = if tilt > 0.0 {
                    let ln = -gamma * b - a * tilt.ln();
                    let lr = checked_gamma_lr(a, x * tilt).unwrap_or(0.0);
                    (ln.exp() * lr).min(f)
                } else {
                    0.0
                };
                (e, f, m)
            }
        }
    }
}

/// The decay γ > 0 of the carried work's tail: `λP(E[e^{γD}] − 1) = γb`,
/// which has a root when the budget exceeds the work (`λPD < b`). Solved
/// as `ln E[e^{γD}] = ln(1 + γb/λP)`: the difference is convex (a cumulant
/// minus a concave log) and zero at 0, so Newton from the right of the root
/// falls to it monotonically, and nearly linearly far from it; bisection
/// guards the steps.
fn lundberg_root(work: &Work, per_period: f64, budget: f64) -> f64 {
    let ratio = budget / per_period;
    let psi = |g: f64| work.ln_mgf(g) - (g * ratio).ln_1p();
    let slope = |g: f64| {
        let own = match work.gamma {
            None => work.mean,
            Some((shape, scale)) => shape * scale / (1.0 - g * scale),
        };
        own - ratio / (1.0 + g * ratio)
    };
    // A point right of the root.
    let mut hi = match work.gamma {
        None => 1.0 / work.mean,
        Some((_, scale)) => 0.5 / scale,
    };
    let mut lo = 0.0;
    for _ in 0..200 {
        if psi(hi) > 0.0 {
            break;
        }
        lo = hi;
        hi = match work.gamma {
            None => hi * 2.0,
            Some((_, scale)) => (hi + 1.0 / scale) / 2.0,
        };
    }
    let mut g = hi;
    for _ in 0..200 {
        let value = psi(g);
        if value.is_finite() && value <= 0.0 {
            lo = g;
        } else {
            hi = g;
        }
        let d = slope(g);
        let mut next = if value.is_finite() && d > 0.0 { g - value / d } else { f64::NAN };
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        if (next - g).abs() <= 1e-13 * g {
            return next;
        }
        g = next;
    }
    g
}

/// The Poisson counts of a period's arrivals, each with its probability
/// and `∫_b^P p_n(λu) du · λ` (= CDF(n; λb) − CDF(n; λP)).
struct PoissonTerms {
    first: u64,
    /// `(p_n(λP), CDF(n; λb) − CDF(n; λP))` from `first` on.
    weights: Vec<(f64, f64)>,
}

impl PoissonTerms {
    fn new(per_period: f64, per_budget: f64) -> PoissonTerms {
        // Counts far below the budget's share carry no mass in either sum:
        // start 9 sd below it.
        let sd = per_period.sqrt();
        let first = (per_budget - 9.0 * per_budget.sqrt() - 5.0).max(0.0).floor() as u64;
        let pmf_at = |x: f64, n: u64| {
            if x <= 0.0 {
                return if n == 0 { 1.0 } else { 0.0 };
            }
            let n_f = n as f64;
            (n_f * x.ln() - x - ln_gamma(n_f + 1.0)).exp()
        };
        // CDF(first − 1; x): the mass below the first count, from the
        // regularised gamma (P(N ≤ k) = Q(k + 1, x)).
        let cdf_below = |x: f64| {
            if first == 0 || x <= 0.0 {
                0.0
            } else {
                1.0 - checked_gamma_lr(first as f64, x).unwrap_or(1.0)
            }
        };
        let (mut p, mut q) = (pmf_at(per_period, first), pmf_at(per_budget, first));
        let (mut cdf_p, mut cdf_b) = (cdf_below(per_period), cdf_below(per_budget));
        let mut weights = Vec::new();
        let mut n = first;
        loop {
            cdf_p += p;
            cdf_b += q;
            weights.push((p, (cdf_b - cdf_p).max(0.0)));
            if (1.0 - cdf_p) < POISSON_TAIL && n as f64 > per_period + 6.0 * sd + 5.0 {
                break;
            }
            n += 1;
            p *= per_period / n as f64;
            q *= per_budget / n as f64;
        }
        PoissonTerms { first, weights }
    }

    fn counts(&self) -> impl Iterator<Item = u64> + '_ {
        (0..self.weights.len() as u64).map(move |i| self.first + i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trickle_with_a_long_period_runs_at_full_speed() {
        // 11 ms requests at 1 req/s under half a core, 100 ms period: the
        // budget (50 ms) is almost never spent.
        let t = throttling(0.1, 0.5, 1.0, 0.011, 0.08).unwrap();
        assert!(t.speed > 0.99, "{t:?}");
        assert!(t.throttled_periods < 0.01, "{t:?}");
    }

    #[test]
    fn a_short_period_is_a_fluid_cpu_of_rate_v() {
        // A 1 ms period under 11 ms requests: every request spans many
        // periods, so it runs at about V with little added variance.
        let t = throttling(0.001, 0.5, 20.0, 0.011, 0.0).unwrap();
        assert!((t.speed - 0.5).abs() < 0.05, "{t:?}");
        assert!(t.cpu_cv < 0.25, "{t:?}");
    }

    #[test]
    fn near_the_budget_every_period_is_spent() {
        let t = throttling(0.1, 0.5, 0.5 / 0.011 * 0.995, 0.011, 0.08).unwrap();
        assert!(t.speed < 0.52, "{t:?}");
        assert!(t.paused > 0.45, "{t:?}");
        assert!(t.throttled_periods > 0.95, "{t:?}");
        assert!(throttling(0.1, 0.5, 0.5 / 0.011, 0.011, 0.08).is_none());
    }

    #[test]
    fn the_lundberg_root_solves_its_equation() {
        for cv in [0.0, 0.3, 1.0] {
            let work = Work::new(0.011, cv);
            let (per_period, budget) = (3.0, 0.05);
            let g = lundberg_root(&work, per_period, budget);
            let lhs = per_period * work.ln_mgf(g).exp_m1();
            assert!((lhs - g * budget).abs() < 1e-9 * g * budget, "cv {cv}: {g}");
            assert!(g > 1.0, "cv {cv}: {g}");
        }
    }

    #[test]
    fn poisson_terms_sum_to_one_and_to_the_window() {
        for (per_period, per_budget) in [(0.4, 0.2), (3.7, 1.9), (400.0, 200.0)] {
            let terms = PoissonTerms::new(per_period, per_budget);
            let mass: f64 = terms.weights.iter().map(|w| w.0).sum();
            assert!((mass - 1.0).abs() < 1e-8, "{per_period}: {mass}");
            // Σ_n (CDF(n; λb) − CDF(n; λP)) = λP − λb.
            let window: f64 = terms.weights.iter().map(|w| w.1).sum();
            assert!(
                (window - (per_period - per_budget)).abs() < 1e-6 * per_period,
                "{per_period}: {window}"
            );
        }
    }
}

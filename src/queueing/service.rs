//! Service-time distributions: constant (cv = 0), exponential (cv = 1) and
//! gamma for any other coefficient of variation, all with the same mean.

use statrs::function::gamma::{checked_gamma_lr, checked_gamma_ur};

/// A service-time distribution with a given mean (seconds) and cv.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ServiceTime {
    Constant {
        mean: f64,
    },
    Exponential {
        mean: f64,
    },
    /// Gamma with shape k = 1/cv² and rate β = k/mean.
    Gamma {
        shape: f64,
        rate: f64,
    },
}

impl ServiceTime {
    pub fn new(mean: f64, cv: f64) -> Self {
        if cv == 0.0 {
            ServiceTime::Constant { mean }
        } else if cv == 1.0 {
            ServiceTime::Exponential { mean }
        } else {
            let shape = 1.0 / (cv * cv);
            ServiceTime::Gamma { shape, rate: shape / mean }
        }
    }

    pub fn mean(&self) -> f64 {
        match *self {
            ServiceTime::Constant { mean } | ServiceTime::Exponential { mean } => mean,
            ServiceTime::Gamma { shape, rate } => shape / rate,
        }
    }

    /// The time by which a share `p` (0.95) of services finish, by
    /// bisection on the survival function (relative accuracy 1e-9).
    pub fn percentile(&self, p: f64) -> f64 {
        let mean = self.mean();
        if mean <= 0.0 {
            return 0.0;
        }
        let (mut lo, mut hi) = (0.0, mean);
        while self.survival(hi) > 1.0 - p {
            hi *= 2.0;
        }
        while hi - lo > 1e-9 * hi {
            let mid = 0.5 * (lo + hi);
            if self.survival(mid) > 1.0 - p {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        hi
    }

    /// P(S > t).
    pub fn survival(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 1.0;
        }
        match *self {
            ServiceTime::Constant { mean } => {
                if t < mean {
                    1.0
                } else {
                    0.0
                }
            }
            ServiceTime::Exponential { mean } => (-t / mean).exp(),
            ServiceTime::Gamma { shape, rate } => checked_gamma_ur(shape, rate * t).unwrap_or(0.0),
        }
    }

    /// P(S + W > t) where W ~ Exp(θ) is independent of S.
    ///
    /// This is the response-time tail of a job that has to wait.
    pub fn survival_plus_exponential(&self, theta: f64, t: f64) -> f64 {
        if t <= 0.0 {
            return 1.0;
        }
        match *self {
            ServiceTime::Constant { mean } => {
                if t < mean {
                    1.0
                } else {
                    (-theta * (t - mean)).exp()
                }
            }
            ServiceTime::Exponential { mean } => hypoexponential_survival(1.0 / mean, theta, t),
            ServiceTime::Gamma { shape, rate } => {
                gamma_plus_exponential_survival(shape, rate, theta, t)
            }
        }
    }
}

/// P(X + Y > t) for X ~ Exp(μ), Y ~ Exp(θ):
/// (θe^(−μt) − μe^(−θt)) / (θ − μ), with the limit (1 + μt)e^(−μt) at θ = μ.
///
/// Written as e^(−μt)·(1 + μt·g((θ − μ)t)) with g(x) = (1 − e^(−x))/x so that
/// θ close to μ loses no precision.
fn hypoexponential_survival(mu: f64, theta: f64, t: f64) -> f64 {
    let x = (theta - mu) * t;
    if x < -1.0 {
        // θ well below μ: the direct form is well conditioned and cannot overflow.
        return (mu * (-theta * t).exp() - theta * (-mu * t).exp()) / (mu - theta);
    }
    let g = if x == 0.0 { 1.0 } else { -(-x).exp_m1() / x };
    (-mu * t).exp() * (1.0 + mu * t * g)
}

/// P(S + W > t) for S ~ Gamma(k, β), W ~ Exp(θ).
///
/// = P(S > t) + ∫₀ᵗ f_S(x) e^(−θ(t−x)) dx. For β > θ the integral is
/// e^(−θt) (β/(β−θ))ᵏ P(k, (β−θ)t); otherwise it is a series of positive
/// terms, or (past its terms) a quadrature.
fn gamma_plus_exponential_survival(shape: f64, rate: f64, theta: f64, t: f64) -> f64 {
    if rate > theta * (1.0 + 1e-6) {
        let diff = rate - theta;
        let lower = checked_gamma_lr(shape, diff * t).unwrap_or(1.0);
        let log_factor = -theta * t + shape * (rate / diff).ln();
        let tail = checked_gamma_ur(shape, rate * t).unwrap_or(0.0);
        return (tail + log_factor.exp() * lower).min(1.0);
    }
    if let Some(value) = gamma_plus_exponential_series(shape, rate, theta, t) {
        return value;
    }
    gamma_plus_exponential_quadrature(shape, rate, theta, t)
}

/// The same for θ ≥ β as a series: with d = θ − β,
/// ∫₀ᵗ f_S(x) e^(−θ(t−x)) dx = βᵏ e^(−θt)/Γ(k) · Σₙ dⁿ t^(k+n) / (n! (k+n)),
/// every term positive (so no cancellation), each from the last by one
/// multiplication, and the sum carried with a log scale so that neither
/// e^(−θt) nor the growing terms leave the range of f64. 64 incomplete
/// gamma evaluations become one; `None` past the terms it allows.
fn gamma_plus_exponential_series(shape: f64, rate: f64, theta: f64, t: f64) -> Option<f64> {
    /// Terms peak near n = d·t; past that they fall faster than geometric.
    const MAX_TERMS: usize = 2_000;
    let dt = (theta - rate).max(0.0) * t;
    let mut log_scale =
        shape * (rate * t).ln() - statrs::function::gamma::ln_gamma(shape) - theta * t - shape.ln();
    let (mut term, mut sum) = (1.0_f64, 1.0_f64);
    let mut n = 0usize;
    loop {
        n += 1;
        if n > MAX_TERMS {
            return None;
        }
        let k = n as f64;
        term *= dt / k * (shape + k - 1.0) / (shape + k);
        sum += term;
        if sum > 1e280 {
            // Rescale: the scale keeps the true value.
            term /= 1e280;
            sum /= 1e280;
            log_scale += 1e280_f64.ln();
        }
        if k > dt && term <= sum * 1e-17 {
            break;
        }
    }
    let integral = (log_scale + sum.ln()).exp();
    let tail = checked_gamma_ur(shape, rate * t).unwrap_or(0.0);
    Some((tail + integral).min(1.0))
}

/// The same by quadrature: P(W > t) + ∫₀ᵗ θe^(−θw) P(S > t − w) dw.
fn gamma_plus_exponential_quadrature(shape: f64, rate: f64, theta: f64, t: f64) -> f64 {
    // Beyond 40/θ the exponential weight is below e^-40: nothing to integrate.
    let upper = t.min(40.0 / theta);
    let integral = gauss_legendre(0.0, upper, 4, |w| {
        theta * (-theta * w).exp() * checked_gamma_ur(shape, rate * (t - w)).unwrap_or(0.0)
    });
    ((-theta * t).exp() + integral).min(1.0)
}

/// The 16-point Gauss–Legendre rule on [−1, 1]: `(±x, weight)` pairs.
pub(super) const GAUSS_16: [(f64, f64); 8] = [
    (0.0950125098376374, 0.1894506104550685),
    (0.2816035507792589, 0.1826034150449236),
    (0.4580167776572274, 0.1691565193950025),
    (0.6178762444026438, 0.1495959888165767),
    (0.755404408355003, 0.1246289712555339),
    (0.8656312023878318, 0.0951585116824928),
    (0.9445750230732326, 0.0622535239386479),
    (0.9894009349916499, 0.0271524594117541),
];

/// Composite 16-point Gauss–Legendre quadrature over `panels` equal panels.
fn gauss_legendre(a: f64, b: f64, panels: usize, f: impl Fn(f64) -> f64) -> f64 {
    let width = (b - a) / panels as f64;
    let mut sum = 0.0;
    for p in 0..panels {
        let mid = a + width * (p as f64 + 0.5);
        let half = width / 2.0;
        for &(x, w) in &GAUSS_16 {
            sum += w * (f(mid - half * x) + f(mid + half * x));
        }
    }
    sum * width / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_percentiles_match_closed_forms() {
        let exp = ServiceTime::new(0.1, 1.0).percentile(0.95);
        assert!((exp - 0.1 * 20f64.ln()).abs() < 1e-9, "{exp}");
        let constant = ServiceTime::new(0.1, 0.0).percentile(0.95);
        assert!((constant - 0.1).abs() < 1e-9, "{constant}");
        // Gamma with shape 2 (cv = 1/√2): P(S > t) = e^{-βt}(1 + βt).
        let gamma = ServiceTime::new(1.0, 0.5f64.sqrt());
        let t = gamma.percentile(0.95);
        let beta = 2.0;
        assert!(((-beta * t).exp() * (1.0 + beta * t) - 0.05).abs() < 1e-8);
    }

    #[test]
    fn hypoexponential_matches_closed_form_and_limit() {
        let (mu, theta, t): (f64, f64, f64) = (2.0, 5.0, 0.7);
        let direct = (theta * (-mu * t).exp() - mu * (-theta * t).exp()) / (theta - mu);
        assert!((hypoexponential_survival(mu, theta, t) - direct).abs() < 1e-15);
        let (mu, theta, t): (f64, f64, f64) = (5.0, 2.0, 0.7);
        let direct = (theta * (-mu * t).exp() - mu * (-theta * t).exp()) / (theta - mu);
        assert!((hypoexponential_survival(mu, theta, t) - direct).abs() < 1e-15);
        let limit = (1.0 + 3.0 * 0.4) * (-3.0f64 * 0.4).exp();
        assert!((hypoexponential_survival(3.0, 3.0, 0.4) - limit).abs() < 1e-15);
        assert!((hypoexponential_survival(3.0, 3.0 + 1e-9, 0.4) - limit).abs() < 1e-9);
    }

    #[test]
    fn gamma_with_shape_one_is_exponential() {
        // Both branches of the gamma formula against the exponential closed form.
        for &(theta, t) in &[(0.5, 1.3), (4.0, 0.2), (40.0, 0.9)] {
            let exact = hypoexponential_survival(2.0, theta, t);
            let gamma = gamma_plus_exponential_survival(1.0, 2.0, theta, t);
            assert!((exact - gamma).abs() < 1e-9, "θ={theta} t={t}: {exact} vs {gamma}");
        }
    }

    #[test]
    fn the_series_matches_exact_values_and_the_quadrature() {
        // Exact values: the same series summed to 40 digits (mpmath nsum,
        // with mpmath's regularized upper incomplete gamma for the tail).
        for &(shape, rate, theta, t, exact) in &[
            (0.11, 2.2, 2.222, 0.05, 0.921_788_658_793_808),
            (1.5, 30.0, 90.0, 0.1, 0.155_712_278_934_162_5),
            (4.0, 80.0, 4000.0, 0.02, 0.923_894_406_994_528_3),
            (25.0, 500.0, 750.0, 0.06, 0.189_489_429_252_918_7),
        ] {
            let series = gamma_plus_exponential_series(shape, rate, theta, t).unwrap();
            assert!((series - exact).abs() < 1e-12 * exact, "k={shape}: {series} vs {exact}");
        }
        // Shapes from cv 3 to cv 0.2, θ from just above β to 50 × β, t
        // from a tenth of the mean to 20 means: the 64-point quadrature
        // agrees to 1e-4 (it is the less exact one where a shape below 1
        // makes the density singular at 0; 1e-6 above shape 1).
        for &shape in &[0.11, 0.5, 0.9, 1.5, 4.0, 25.0] {
            let rate = shape / 0.05;
            for &ratio in &[1.01, 1.5, 3.0, 10.0, 50.0] {
                let theta = rate * ratio;
                for &means in &[0.1, 0.5, 1.0, 2.0, 5.0, 20.0] {
                    let t = means * 0.05;
                    // Past its terms the series leaves it to the quadrature.
                    let Some(series) = gamma_plus_exponential_series(shape, rate, theta, t) else {
                        assert!((theta - rate) * t > 1000.0, "k={shape} θ/β={ratio} t={t}");
                        continue;
                    };
                    let quadrature = gamma_plus_exponential_quadrature(shape, rate, theta, t);
                    let error = (series - quadrature).abs() / quadrature.max(1e-12);
                    let tolerance = if shape < 1.0 { 1e-4 } else { 1e-6 };
                    assert!(
                        error < tolerance,
                        "k={shape} θ/β={ratio} t={t}: {series} vs {quadrature}"
                    );
                }
            }
        }
    }

    #[test]
    fn both_gamma_branches_agree_near_the_switch() {
        let (shape, rate, t) = (0.25, 0.5, 3.0);
        let closed = gamma_plus_exponential_survival(shape, rate, rate * 0.999, t);
        let numeric = gamma_plus_exponential_survival(shape, rate, rate * 1.001, t);
        assert!((closed - numeric).abs() < 1e-3, "{closed} vs {numeric}");
    }

    #[test]
    fn survival_is_one_at_zero_and_decreasing() {
        for dist in [
            ServiceTime::new(0.05, 0.0),
            ServiceTime::new(0.05, 0.5),
            ServiceTime::new(0.05, 1.0),
            ServiceTime::new(0.05, 2.0),
        ] {
            assert_eq!(dist.survival(0.0), 1.0);
            let mut last = 1.0;
            for i in 1..200 {
                let value = dist.survival_plus_exponential(30.0, i as f64 * 0.002);
                assert!(value <= last + 1e-12, "{dist:?} at {i}");
                last = value;
            }
        }
    }
}

//! The statistics calibrate needs: least squares with confidence
//! intervals, and the coefficient of variation of a gamma service time from
//! the ratio of two of its percentiles.

use crate::queueing::ServiceTime;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A straight-line fit y = intercept + slope·x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    pub slope: f64,
    pub intercept: f64,
    /// Half-width of the slope's 95% confidence interval.
    pub slope_half_width: f64,
    pub r2: f64,
    pub n: usize,
}

/// The two-sided 95% Student t quantile with `df` degrees of freedom.
pub fn t95(df: usize) -> f64 {
    StudentsT::new(0.0, 1.0, df.max(1) as f64).map(|t| t.inverse_cdf(0.975)).unwrap_or(1.96)
}

/// Ordinary least squares over (x, y); `None` with fewer than 3 points or
/// no spread in x.
pub fn line(points: &[(f64, f64)]) -> Option<Line> {
    let n = points.len();
    if n < 3 {
        return None;
    }
    let nf = n as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / nf;
    let my = points.iter().map(|p| p.1).sum::<f64>() / nf;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let syy: f64 = points.iter().map(|p| (p.1 - my).powi(2)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let residual: f64 = points.iter().map(|p| (p.1 - intercept - slope * p.0).powi(2)).sum();
    let se = (residual / (nf - 2.0) / sxx).sqrt();
    Some(Line {
        slope,
        intercept,
        slope_half_width: t95(n - 2) * se,
        r2: if syy > 0.0 { 1.0 - residual / syy } else { 1.0 },
        n,
    })
}

/// Least squares y = slope·x through the origin, with the slope's 95%
/// half-width.
pub fn ratio(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len();
    let sxx: f64 = points.iter().map(|p| p.0 * p.0).sum();
    if n < 2 || sxx <= 0.0 {
        return None;
    }
    let slope = points.iter().map(|p| p.0 * p.1).sum::<f64>() / sxx;
    let residual: f64 = points.iter().map(|p| (p.1 - slope * p.0).powi(2)).sum();
    let se = (residual / (n as f64 - 1.0) / sxx).sqrt();
    Some((slope, t95(n - 1) * se))
}

/// Least squares for y = Σ coefficients·features with three features, by
/// the normal equations (Cramer's rule); `None` when singular.
pub fn three(rows: &[([f64; 3], f64)]) -> Option<[f64; 3]> {
    let mut a = [[0.0; 3]; 3];
    let mut b = [0.0; 3];
    for (x, y) in rows {
        for i in 0..3 {
            b[i] += x[i] * y;
            for j in 0..3 {
                a[i][j] += x[i] * x[j];
            }
        }
    }
    let det = |m: &[[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(&a);
    let scale: f64 = a.iter().flatten().map(|v| v.abs()).fold(0.0, f64::max);
    if d.abs() <= 1e-12 * scale.powi(3) {
        return None;
    }
    let mut out = [0.0; 3];
    for (k, slot) in out.iter_mut().enumerate() {
        let mut m = a;
        for i in 0..3 {
            m[i][k] = b[i];
        }
        *slot = det(&m) / d;
    }
    Some(out)
}

/// The cv of a gamma distribution (capplan's service-time model) whose
/// `q` percentile is `ratio` times its median (q > 0.5), or whose mean is
/// `ratio` times its median (q = None). Clamped to [0, 4].
pub fn gamma_cv(ratio: f64, q: Option<f64>) -> f64 {
    let shape = |cv: f64| {
        let s = ServiceTime::new(1.0, cv);
        let median = s.percentile(0.5);
        match q {
            Some(q) => s.percentile(q) / median,
            None => 1.0 / median,
        }
    };
    let (mut lo, mut hi) = (1e-3, 4.0);
    if ratio <= shape(lo) {
        return 0.0;
    }
    if ratio >= shape(hi) {
        return hi;
    }
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if shape(mid) < ratio {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_percentile_ratios_give_cv_one() {
        // Exponential: p95/p50 = ln 20 / ln 2, mean/p50 = 1 / ln 2.
        assert!((gamma_cv(20f64.ln() / 2f64.ln(), Some(0.95)) - 1.0).abs() < 1e-3);
        assert!((gamma_cv(1.0 / 2f64.ln(), None) - 1.0).abs() < 1e-3);
        assert_eq!(gamma_cv(1.0, Some(0.95)), 0.0);
    }

    #[test]
    fn least_squares() {
        let pts: Vec<(f64, f64)> = (1..=10).map(|x| (x as f64, 2.0 + 3.0 * x as f64)).collect();
        let l = line(&pts).unwrap();
        assert!(
            (l.slope - 3.0).abs() < 1e-12 && (l.intercept - 2.0).abs() < 1e-12 && l.r2 > 0.999_999
        );
        let rows: Vec<([f64; 3], f64)> = (1..=8)
            .map(|n| {
                let n = n as f64;
                ([1.0, n - 1.0, n * (n - 1.0)], 0.5 + 0.1 * (n - 1.0) + 0.01 * n * (n - 1.0))
            })
            .collect();
        let c = three(&rows).unwrap();
        assert!(
            (c[0] - 0.5).abs() < 1e-9 && (c[1] - 0.1).abs() < 1e-9 && (c[2] - 0.01).abs() < 1e-9
        );
        assert!((t95(10) - 2.228).abs() < 1e-3);
    }
}

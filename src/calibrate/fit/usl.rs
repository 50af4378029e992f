//! The Universal Scalability Law fitted to throughput across load levels.

use super::*;

/// USL over instances (rows whose instance count varies) or the load
/// test's clients (concurrency levels).
pub(super) fn usl(rows: &[Row], skip: &mut impl FnMut(&str, String)) -> Option<UslFit> {
    let distinct = |m: Metric| {
        let mut v: Vec<f64> = rows
            .iter()
            .filter(|r| r.get(Metric::RequestsPerS).is_some())
            .filter_map(|r| r.get(m))
            .collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        v.len()
    };
    let (metric, over, across) = if distinct(Metric::Instances) >= 2 {
        (Metric::Instances, "instances", Some(UslScope::Instances))
    } else {
        (Metric::Concurrency, "clients", None)
    };
    let points: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|r| Some((r.get(metric)?, r.get(Metric::RequestsPerS)?)))
        .filter(|p| p.0 >= 1.0 && p.1 > 0.0)
        .collect();
    let levels = distinct(metric);
    if levels < USL_MIN_LEVELS {
        skip(
            "usl",
            format!(
                "{levels} distinct {over} level(s) with throughput; the Universal Scalability Law needs at least {USL_MIN_LEVELS}"
            ),
        );
        return None;
    }
    // N/X = 1/λ + (σ/λ)(N−1) + (κ/λ)N(N−1): linear in its coefficients.
    let solve = |use_sigma: bool, use_kappa: bool| -> Option<(f64, f64, f64)> {
        let rows: Vec<([f64; 3], f64)> = points
            .iter()
            .map(|&(n, x)| {
                (
                    [
                        1.0,
                        if use_sigma { n - 1.0 } else { 0.0 },
                        if use_kappa { n * (n - 1.0) } else { 0.0 },
                    ],
                    n / x,
                )
            })
            .collect();
        let c = match (use_sigma, use_kappa) {
            (true, true) => three(&rows)?,
            _ => {
                // One slope: a straight line in the feature that is used.
                let k = if use_sigma { 1 } else { 2 };
                let pts: Vec<(f64, f64)> = rows.iter().map(|(f, y)| (f[k], *y)).collect();
                let l = if use_sigma || use_kappa {
                    line(&pts)?
                } else {
                    return None;
                };
                let mut c = [l.intercept, 0.0, 0.0];
                c[k] = l.slope;
                c
            }
        };
        (c[0] > 0.0).then(|| (1.0 / c[0], c[1] / c[0], c[2] / c[0]))
    };
    let mut fit = solve(true, true);
    if let Some((_, s, k)) = fit
        && (s < 0.0 || k < 0.0)
    {
        fit = if s < 0.0 { solve(false, true) } else { solve(true, false) };
    }
    let Some((lambda, sigma, kappa)) = fit.filter(|f| f.1 >= 0.0 && f.2 >= 0.0) else {
        skip(
            "usl",
            format!(
                "the throughput over {levels} {over} levels does not follow the Universal Scalability Law"
            ),
        );
        return None;
    };
    let x = |n: f64| lambda * n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0));
    let mean = points.iter().map(|p| p.1).sum::<f64>() / points.len() as f64;
    let total: f64 = points.iter().map(|p| (p.1 - mean).powi(2)).sum();
    let residual: f64 = points.iter().map(|p| (p.1 - x(p.0)).powi(2)).sum();
    let peak_n = (kappa > 0.0).then(|| ((1.0 - sigma) / kappa).sqrt());
    Some(UslFit {
        sigma,
        kappa,
        lambda1: lambda,
        over: over.to_string(),
        levels,
        r2: if total > 0.0 { 1.0 - residual / total } else { 1.0 },
        peak_n,
        peak_rps: peak_n.map(x),
        across,
    })
}

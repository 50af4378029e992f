//! The least-regret mix at one load. Every world is planned exactly; the
//! candidate mixes (the worlds' most frequent cheapest mixes, per-component
//! hedges and the mix of the plan at the medians) are then priced in every
//! world as fixed mixes.
//! A mix's regret in a world is what choosing it costs against that
//! world's own optimum:
//!
//! - it holds every SLO: `over × (its cost − the optimum)`, money spent on
//!   capacity the world did not need;
//! - it misses one: `under × the optimum`, as if a month of the right bill
//!   bought a service that missed its targets. With `under` above `over`
//!   (defaults 4 and 1), a miss weighs as much as paying five times over.
//!
//! The least-regret mix has the smallest mean regret over the worlds.

use super::report::{
    FailureCount, InputReport, MixPart, MixReport, RegretWeights, UncertaintyReport,
};
use super::worlds::Worlds;
use super::{Percentiles, UncertainInput};
use crate::catalog::Catalog;
use crate::planner::{Planner, USER_LIMIT, instance_limit, repin_counts};
use crate::scenario::Scenario;
use crate::support::error::Error;

#[derive(Debug, Clone, Copy)]
pub struct UncertaintyOptions {
    /// Worlds to sample; `None`: [`DEFAULT_SAMPLES`].
    pub samples: Option<usize>,
    pub seed: u64,
    pub weights: RegretWeights,
    /// Also find the recommended mix's capacity in every world.
    pub capacity: bool,
}

impl Default for UncertaintyOptions {
    fn default() -> Self {
        UncertaintyOptions {
            samples: None,
            seed: super::DEFAULT_SEED,
            weights: RegretWeights::default(),
            capacity: true,
        }
    }
}

/// Worlds sampled when no count is given: the least-regret mix's cost
/// percentiles then vary by about 1% from seed to seed (docs/uncertainty.md).
pub const DEFAULT_SAMPLES: usize = 2000;
/// Candidates priced in every world: this many of the most frequent world
/// optima, and one hedge per quantile (each component at that quantile,
/// by its cost, of what the worlds chose for it).
const CANDIDATES: usize = 6;
const HEDGES: [f64; 5] = [0.5, 0.75, 0.9, 0.95, 0.99];

type Mix = Vec<(String, Option<u32>)>;
/// A mix in one world: its monthly cost, or the component and
/// constraint that failed first.
type Outcome = Result<f64, (String, String)>;

struct WorldOptimum {
    /// The world, kept for pricing the candidates and the capacity search.
    scenario: Scenario,
    values: Vec<f64>,
    optimum: Outcome,
    mix: Option<Mix>,
    /// What each component of the optimum costs (instances and charges).
    component_usd: Vec<f64>,
}

/// Each component at the `q` quantile, by its cost, of the world optima.
fn hedge(optima: &[WorldOptimum], q: f64) -> Option<Mix> {
    let plans: Vec<(&Mix, &Vec<f64>)> =
        optima.iter().filter_map(|w| Some((w.mix.as_ref()?, &w.component_usd))).collect();
    let components = plans.first()?.0.len();
    (0..components)
        .map(|c| {
            let mut choices: Vec<(f64, &(String, Option<u32>))> =
                plans.iter().map(|(mix, usd)| (usd[c], &mix[c])).collect();
            choices.sort_by(|a, b| a.0.total_cmp(&b.0));
            let at = ((choices.len() as f64 - 1.0) * q).round() as usize;
            choices.get(at).map(|(_, part)| (*part).clone())
        })
        .collect()
}

fn optimum_of(
    worlds: &Worlds<'_>,
    catalog: &Catalog,
    users: f64,
    index: usize,
) -> Result<WorldOptimum, Error> {
    let (scenario, values) = worlds.world(index)?;
    let plan = Planner::new(&scenario, catalog).plan(users);
    Ok(match plan {
        Ok(plan) => WorldOptimum {
            scenario,
            values,
            optimum: Ok(plan.monthly_usd),
            mix: Some(plan.managed_mix()),
            component_usd: plan
                .components
                .iter()
                // Priced parts only: an unpriced backup line must not
                // make every database look alike.
                .map(|c| {
                    c.monthly_usd.unwrap_or(0.0)
                        + c.charges.iter().filter_map(|l| l.monthly_usd).sum::<f64>()
                })
                .collect(),
        },
        Err(e) => WorldOptimum {
            scenario,
            values,
            optimum: Err((e.component, e.constraint.label(e.percentile))),
            mix: None,
            component_usd: Vec::new(),
        },
    })
}

/// A fixed mix in one world (`pinned`: a copy of the world to pin it in).
fn outcome(
    pinned: &mut Scenario,
    world: &Scenario,
    catalog: &Catalog,
    mix: &Mix,
    users: f64,
) -> Outcome {
    let counts: Vec<Option<u32>> = mix.iter().map(|(_, c)| *c).collect();
    let tiers: Vec<String> = mix.iter().map(|(t, _)| t.clone()).collect();
    repin_counts(pinned, world, &counts);
    Planner::pinned(pinned, catalog, tiers)
        .plan(users)
        .map(|p| p.monthly_usd)
        .map_err(|e| (e.component, e.constraint.label(e.percentile)))
}

/// The widest 95% interval of the P5, P50 and P95 of `sorted`, from the
/// order statistics around each, as a percentage of the figure.
fn precision_pct(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n < 2 {
        return 100.0;
    }
    [0.05, 0.5, 0.95]
        .iter()
        .map(|&p| {
            let centre = super::percentile(sorted, p).unwrap_or(0.0);
            let spread = 1.96 * (n as f64 * p * (1.0 - p)).sqrt();
            let at = |k: f64| sorted[(k.max(0.0) as usize).min(n - 1)];
            let (lo, hi) =
                (at((n as f64 * p - spread).floor()), at((n as f64 * p + spread).ceil()));
            if centre > 0.0 { (hi - lo) / 2.0 / centre * 100.0 } else { 0.0 }
        })
        .fold(0.0, f64::max)
}

/// Samples the worlds, plans each, and ranks the candidate mixes by regret.
pub fn analyse(
    scenario: &Scenario,
    catalog: &Catalog,
    inputs: &[UncertainInput],
    users: f64,
    options: UncertaintyOptions,
) -> Result<UncertaintyReport, Error> {
    // Stage templates and assertions play no part in a plan: worlds
    // without them are cheaper to copy.
    let mut base = scenario.clone();
    base.stages.clear();
    base.assertions.clear();
    let worlds = Worlds { base: &base, inputs, seed: options.seed };
    let samples = options.samples.unwrap_or(DEFAULT_SAMPLES).max(1);
    let optima: Vec<WorldOptimum> =
        crate::support::parallel::map(samples, |i| optimum_of(&worlds, catalog, users, i))
            .into_iter()
            .collect::<Result<_, _>>()?;
    let n = optima.len();
    let point_mix = Planner::new(scenario, catalog).plan(users).ok().map(|p| p.managed_mix());
    let candidates = candidate_mixes(&optima, point_mix.as_ref());
    if candidates.is_empty() {
        let (component, constraint) =
            optima.iter().find_map(|w| w.optimum.clone().err()).unwrap_or_default();
        return Err(Error::infeasible(format!(
            "no mix serves {users} users in any of the {n} sampled worlds (first failure: {component} {constraint})"
        )));
    }
    // Every candidate in every world (the world's own optimum is known).
    let outcomes: Vec<Vec<Outcome>> = crate::support::parallel::map(n, |i| {
        let world = &optima[i];
        let mut pinned = world.scenario.clone();
        candidates
            .iter()
            .map(|(mix, _)| match world {
                WorldOptimum { optimum: Ok(cost), mix: Some(m), .. } if m == mix => Ok(*cost),
                _ => outcome(&mut pinned, &world.scenario, catalog, mix, users),
            })
            .collect()
    });
    let weights = options.weights;
    let (mut reports, regrets) =
        mix_reports(scenario, &candidates, &optima, &outcomes, weights, point_mix.as_ref());
    // Least regret first; ties to the cheaper median, then to frequency.
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by(|&a, &b| {
        let key =
            |r: &MixReport| (r.mean_regret_usd, r.monthly_usd.map_or(f64::INFINITY, |p| p.p50));
        let (ka, kb) = (key(&reports[a]), key(&reports[b]));
        ka.0.total_cmp(&kb.0).then(ka.1.total_cmp(&kb.1)).then(a.cmp(&b))
    });
    let best = order[0];
    let mut best_costs: Vec<f64> =
        outcomes.iter().filter_map(|row| row[best].clone().ok()).collect();
    best_costs.sort_by(f64::total_cmp);
    let precision = precision_pct(&best_costs);
    if options.capacity {
        reports[best].max_users = capacity(&optima, catalog, &candidates[best].0, users);
    }
    let alternatives: Vec<MixReport> = order
        .iter()
        .skip(1)
        .take(3)
        .map(|&c| {
            let mut alternative = reports[c].clone();
            alternative.lost_because =
                lost_because(&outcomes, best, c, &reports[best], &reports[c]);
            if let Some(last) = alternative.lost_because.last_mut() {
                let noise = paired_noise(&regrets[c], &regrets[best]);
                if reports[c].mean_regret_usd - reports[best].mean_regret_usd < noise {
                    last.push_str(&format!(
                        " (within sampling noise, ±${noise:.2}: the two are about as good)"
                    ));
                }
            }
            alternative
        })
        .collect();
    let mut optimum_costs: Vec<f64> =
        optima.iter().filter_map(|w| w.optimum.clone().ok()).collect();
    Ok(UncertaintyReport {
        samples: n,
        seed: options.seed,
        users,
        weights,
        inputs: inputs
            .iter()
            .enumerate()
            .map(|(k, input)| {
                let mut values: Vec<f64> = optima.iter().map(|w| w.values[k]).collect();
                InputReport {
                    field: input.field.clone(),
                    file: input.file.clone(),
                    line: input.line,
                    low: input.interval.low,
                    mid: input.interval.mid,
                    high: input.interval.high,
                    confidence: input.interval.confidence,
                    distribution: input.interval.shape,
                    sampled: Percentiles::of(&mut values).unwrap_or(Percentiles {
                        p5: input.interval.mid,
                        p50: input.interval.mid,
                        p95: input.interval.mid,
                    }),
                }
            })
            .collect(),
        feasible_share: optimum_costs.len() as f64 / n as f64,
        optimum_monthly_usd: Percentiles::of(&mut optimum_costs),
        precision_pct: precision,
        least_regret: reports[best].clone(),
        alternatives,
    })
}

/// The largest user count the mix serves in each world (autoscaled and
/// serverless counts at their limits, the rule `recommend` uses).
fn capacity(
    optima: &[WorldOptimum],
    catalog: &Catalog,
    mix: &Mix,
    users: f64,
) -> Option<Percentiles> {
    let mut capacities: Vec<f64> = crate::support::parallel::map(optima.len(), |i| {
        let scenario = &optima[i].scenario;
        let planner = Planner::new(scenario, catalog);
        let fixed: Vec<(String, u32)> = scenario
            .components
            .iter()
            .zip(mix)
            .map(|(spec, (tier, count))| {
                let count = count
                    .unwrap_or_else(|| catalog.tier(tier).map_or(1, |t| instance_limit(spec, &t)));
                (tier.clone(), count)
            })
            .collect();
        let holds = |u: f64| planner.mix_holds(&fixed, u);
        if holds(users) {
            planner.capacity(&fixed, users).unwrap_or(USER_LIMIT)
        } else if !holds(1.0) {
            0.0
        } else {
            let (mut good, mut bad) = (1.0, users);
            while bad - good > 1.0 {
                let mid = ((good + bad) / 2.0_f64).floor();
                if holds(mid) { good = mid } else { bad = mid }
            }
            good
        }
    });
    Percentiles::of(&mut capacities)
}

/// The 95% half-width of the mean of `a − b` over the worlds (paired:
/// both mixes were priced in the same worlds).
fn paired_noise(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let diffs: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let mean = diffs.iter().sum::<f64>() / n;
    let variance = diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0);
    1.96 * (variance / n).sqrt()
}

/// Why an alternative lost to the least-regret mix, counted over worlds.
fn lost_because(
    outcomes: &[Vec<Outcome>],
    best: usize,
    other: usize,
    best_report: &MixReport,
    report: &MixReport,
) -> Vec<String> {
    let n = outcomes.len();
    let mut reasons = Vec::new();
    let misses = outcomes.iter().filter(|row| row[other].is_err()).count();
    let best_misses = outcomes.iter().filter(|row| row[best].is_err()).count();
    if misses > best_misses {
        let first: Vec<String> = report
            .failures
            .iter()
            .take(3)
            .map(|f| format!("{} {} ×{}", f.component, f.constraint, f.worlds))
            .collect();
        reasons.push(format!(
            "misses an SLO or limit in {misses} of {n} worlds ({}), against {best_misses}",
            first.join(", ")
        ));
    }
    let (mut dearer, mut extra) = (0usize, Vec::new());
    for row in outcomes {
        if let (Ok(a), Ok(b)) = (&row[best], &row[other])
            && b > a
        {
            dearer += 1;
            extra.push(b - a);
        }
    }
    if dearer > 0 {
        let median = Percentiles::of(&mut extra).map_or(0.0, |p| p.p50);
        reasons.push(format!(
            "costs more in {dearer} of {n} worlds where both hold (median +${median:.2}/month)"
        ));
    }
    reasons.push(format!(
        "mean regret ${:.2}/month against ${:.2}",
        report.mean_regret_usd, best_report.mean_regret_usd
    ));
    reasons
}

/// `api 2×standard, worker auto×starter, db M10`.
fn describe(scenario: &Scenario, mix: &Mix) -> String {
    scenario
        .components
        .iter()
        .zip(mix)
        .map(|(component, (tier, count))| {
            let short = tier.rsplit('/').next().unwrap_or(tier);
            match (component.role.is_compute(), count) {
                (true, Some(n)) => format!("{} {n}×{short}", component.name),
                (true, None) => format!("{} auto×{short}", component.name),
                (false, _) => format!("{} {short}", component.name),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each candidate's report over the worlds, and its regret in each world: its regret against each
/// world's optimum (0 where no mix serves; a world it fails costs
/// `weights.under` × the optimum), the share of worlds it serves, its cost
/// percentiles and why it failed.
fn mix_reports(
    scenario: &Scenario,
    candidates: &[(Mix, usize)],
    optima: &[WorldOptimum],
    outcomes: &[Vec<Outcome>],
    weights: RegretWeights,
    point_mix: Option<&Mix>,
) -> (Vec<MixReport>, Vec<Vec<f64>>) {
    let n = optima.len();
    // Regret of each candidate in each world (0 where no mix serves).
    let regrets: Vec<Vec<f64>> = (0..candidates.len())
        .map(|c| {
            optima
                .iter()
                .zip(outcomes)
                .map(|(world, row)| match (&world.optimum, &row[c]) {
                    (Err(_), _) => 0.0,
                    (Ok(best), Ok(cost)) => weights.over * (cost - best).max(0.0),
                    (Ok(best), Err(_)) => weights.under * best,
                })
                .collect()
        })
        .collect();
    let regret = |c: usize| regrets[c].iter().sum::<f64>() / n as f64;
    let reports = candidates
        .iter()
        .enumerate()
        .map(|(c, (mix, count))| {
            let mut held: Vec<f64> =
                outcomes.iter().filter_map(|row| row[c].clone().ok()).collect();
            let failures = failure_counts(outcomes, c, n);
            MixReport {
                mix: scenario
                    .components
                    .iter()
                    .zip(mix)
                    .map(|(component, (tier, count))| MixPart {
                        component: component.name.clone(),
                        tier: tier.clone(),
                        count: *count,
                    })
                    .collect(),
                description: describe(scenario, mix),
                point_plan: point_mix == Some(mix),
                optimal_share: *count as f64 / n as f64,
                mean_regret_usd: regret(c),
                slo_probability: held.len() as f64 / n as f64,
                monthly_usd: Percentiles::of(&mut held),
                max_users: None,
                failures,
                lost_because: Vec::new(),
            }
        })
        .collect();
    (reports, regrets)
}

/// The mixes every world is priced with: the world optima by frequency
/// (first seen breaks ties), hedges at the quantiles of what the worlds
/// chose per component, and the plan at the medians; each with the number
/// of worlds whose optimum it is.
fn candidate_mixes(optima: &[WorldOptimum], point_mix: Option<&Mix>) -> Vec<(Mix, usize)> {
    let mut counted: Vec<(Mix, usize)> = Vec::new();
    for mix in optima.iter().filter_map(|w| w.mix.as_ref()) {
        match counted.iter_mut().find(|(m, _)| m == mix) {
            Some((_, count)) => *count += 1,
            None => counted.push((mix.clone(), 1)),
        }
    }
    counted.sort_by_key(|c| std::cmp::Reverse(c.1));
    let mut candidates: Vec<(Mix, usize)> = counted.iter().take(CANDIDATES).cloned().collect();
    // Hedges: each component at the q-quantile (by its cost) of what the
    // worlds chose for it. The worlds' own optima are sized for one world
    // each; these are sized for most of them at once.
    for q in HEDGES {
        let Some(hedge) = hedge(optima, q) else {
            continue;
        };
        if !candidates.iter().any(|(m, _)| *m == hedge) {
            let count = counted.iter().find(|(m, _)| *m == hedge).map_or(0, |c| c.1);
            candidates.push((hedge, count));
        }
    }
    if let Some(point) = point_mix
        && !candidates.iter().any(|(m, _)| m == point)
    {
        let count = counted.iter().find(|(m, _)| m == point).map_or(0, |c| c.1);
        candidates.push((point.clone(), count));
    }
    candidates
}

/// Why a candidate failed in the worlds it did not serve: each component
/// and constraint with its number and share of worlds, most frequent first.
fn failure_counts(outcomes: &[Vec<Outcome>], c: usize, n: usize) -> Vec<FailureCount> {
    let mut failures: Vec<FailureCount> = Vec::new();
    for (component, constraint) in outcomes.iter().filter_map(|row| row[c].clone().err()) {
        match failures.iter_mut().find(|f| f.component == component && f.constraint == constraint) {
            Some(f) => f.worlds += 1,
            None => failures.push(FailureCount { component, constraint, worlds: 1, share: 0.0 }),
        }
    }
    for f in &mut failures {
        f.share = f.worlds as f64 / n as f64;
    }
    failures.sort_by_key(|f| std::cmp::Reverse(f.worlds));
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_from_order_statistics() {
        // 0 … 999: at P5 the 95% interval spans ranks 36 to 64 (±1.96
        // √(np(1−p)) = ±13.5 around 50), 14 either side of 49.95: 28.0%.
        let sorted: Vec<f64> = (0..1000).map(f64::from).collect();
        assert!((precision_pct(&sorted) - 14.0 / 49.95 * 100.0).abs() < 1e-9);
        assert_eq!(precision_pct(&[5.0; 100]), 0.0);
    }

    #[test]
    fn paired_noise_is_the_half_width_of_the_mean_difference() {
        // Differences 1, 2, 3, 4: variance 5/3, standard error √(5/12).
        let noise = paired_noise(&[1.0, 2.0, 3.0, 4.0], &[0.0; 4]);
        assert!((noise - 1.96 * (5.0f64 / 12.0).sqrt()).abs() < 1e-12);
        assert_eq!(paired_noise(&[3.0, 4.0], &[1.0, 2.0]), 0.0);
    }
}

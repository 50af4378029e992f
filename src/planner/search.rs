//! The joint search: one option per compute component and the cheapest
//! database and cache tiers that accept the connections they open
//! together, at the least total cost (fewer instances on a tie).
//!
//! Exact and polynomial: components are merged one at a time into a
//! frontier of partial sums (cost, database connections, cache
//! connections, instances, plans). A partial sum is dropped when another
//! is no dearer (counting the plan fees it may still have to pay) with no
//! more connections or instances: every completion of the dropped one is
//! matched by the same completion of the other. It is also dropped when
//! even its cheapest completion, plus the datastores its connections
//! already need (their cost only grows with connections), cannot beat a
//! known mix, or when its connections exceed every datastore tier.
//! Connections are whole numbers below the largest datastore limit, so
//! the frontier is bounded independently of the number of components.

use super::fits;

/// One option of one compute component, as the search sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Item {
    pub cost: f64,
    pub db: f64,
    pub cache: f64,
    pub instances: u32,
    /// Required plans, one bit each (fees in `Problem::fees`).
    pub plans: u64,
}

/// A datastore's tiers that hold the demand apart from connections,
/// cheapest first: (connection limit, `None` when unpublished; cost).
pub(crate) type Steps = [(Option<f64>, f64)];

/// What the search is given.
pub(crate) struct Problem<'p> {
    /// The options of each compute component.
    pub components: &'p [Vec<Item>],
    /// The fee of each plan bit.
    pub fees: &'p [f64],
    pub database: Option<&'p Steps>,
    pub cache: Option<&'p Steps>,
}

/// The cheapest mix: an option per component, the datastore tiers (index
/// into their steps) and the total.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Solution {
    pub choice: Vec<usize>,
    pub database: Option<usize>,
    pub cache: Option<usize>,
    pub total: f64,
    pub instances: u32,
}

const EPSILON: f64 = 1e-9;

/// The cheapest step that accepts `connections`: (index, cost).
fn step_for(steps: Option<&Steps>, connections: f64) -> Option<(Option<usize>, f64)> {
    match steps {
        None => Some((None, 0.0)),
        Some(steps) => steps
            .iter()
            .position(|(limit, _)| limit.is_none_or(|l| fits(connections, l)))
            .map(|i| (Some(i), steps[i].1)),
    }
}

fn fee_of(fees: &[f64], bits: u64) -> f64 {
    let mut total = 0.0;
    let mut rest = bits;
    while rest != 0 {
        let bit = rest.trailing_zeros() as usize;
        total += fees.get(bit).copied().unwrap_or(f64::INFINITY);
        rest &= rest - 1;
    }
    total
}

#[derive(Debug, Clone, Copy)]
struct State {
    cost: f64,
    db: f64,
    cache: f64,
    instances: u32,
    plans: u64,
    /// Index of the state it extends in the previous layer, and the option.
    parent: usize,
    option: usize,
}

impl State {
    /// Whether every completion of `other` is matched or beaten by the
    /// same completion of `self`.
    fn dominates(&self, other: &State, fees: &[f64]) -> bool {
        if self.db > other.db || self.cache > other.cache {
            return false;
        }
        let cost = self.cost + fee_of(fees, other.plans & !self.plans);
        cost < other.cost - EPSILON
            || (cost <= other.cost + EPSILON && self.instances <= other.instances)
    }
}

/// The cheapest feasible mix, or `None` when no combination fits.
pub(crate) fn cheapest(problem: &Problem<'_>) -> Option<Solution> {
    let n = problem.components.len();
    // The cheapest completion of components k.. (no connections counted).
    let mut rest_min = vec![0.0; n + 1];
    for k in (0..n).rev() {
        let min = problem.components[k].iter().map(|o| o.cost).fold(f64::INFINITY, f64::min);
        rest_min[k] = rest_min[k + 1] + min;
    }
    let mut bound = greedy_bound(problem);
    let mut layers: Vec<Vec<State>> = vec![vec![State {
        cost: 0.0,
        db: 0.0,
        cache: 0.0,
        instances: 0,
        plans: 0,
        parent: 0,
        option: 0,
    }]];
    for (k, options) in problem.components.iter().enumerate() {
        let previous = &layers[k];
        let mut next: Vec<State> = Vec::new();
        for (parent, state) in previous.iter().enumerate() {
            for (index, option) in options.iter().enumerate() {
                let new_plans = option.plans & !state.plans;
                let extended = State {
                    cost: state.cost + option.cost + fee_of(problem.fees, new_plans),
                    db: state.db + option.db,
                    cache: state.cache + option.cache,
                    instances: state.instances + option.instances,
                    plans: state.plans | option.plans,
                    parent,
                    option: index,
                };
                if !extended.cost.is_finite() {
                    continue;
                }
                // Connections only grow: the datastores they need now are
                // a lower bound on what the mix will pay for them.
                let Some((_, db_cost)) = step_for(problem.database, extended.db) else {
                    continue;
                };
                let Some((_, cache_cost)) = step_for(problem.cache, extended.cache) else {
                    continue;
                };
                let lower = extended.cost + rest_min[k + 1] + db_cost + cache_cost;
                if lower > bound + EPSILON {
                    continue;
                }
                if k + 1 == n {
                    bound = bound.min(lower);
                }
                next.push(extended);
            }
        }
        next.sort_by(|a, b| {
            a.cost
                .total_cmp(&b.cost)
                .then(a.instances.cmp(&b.instances))
                .then(a.db.total_cmp(&b.db))
                .then(a.cache.total_cmp(&b.cache))
        });
        let mut kept: Vec<State> = Vec::with_capacity(next.len());
        for state in next {
            // Only a cheaper (or as cheap) kept state can dominate, but
            // plan fees may let a dearer one: check all kept.
            if !kept.iter().any(|k| k.dominates(&state, problem.fees)) {
                kept.push(state);
            }
        }
        if kept.is_empty() {
            return None;
        }
        layers.push(kept);
    }
    // The best complete state, then its options back through the layers.
    let last = layers.last()?;
    // (state index, its solution with an empty choice) of the best.
    let mut best: Option<(usize, Solution)> = None;
    for (i, state) in last.iter().enumerate() {
        let (Some((database, db_cost)), Some((cache, cache_cost))) =
            (step_for(problem.database, state.db), step_for(problem.cache, state.cache))
        else {
            continue;
        };
        let total = state.cost + db_cost + cache_cost;
        let better = best.as_ref().is_none_or(|(_, b)| {
            total < b.total - EPSILON
                || (total <= b.total + EPSILON && state.instances < b.instances)
        });
        if better {
            best = Some((
                i,
                Solution { choice: Vec::new(), database, cache, total, instances: state.instances },
            ));
        }
    }
    let (mut at, mut solution) = best?;
    let mut choice = vec![0; n];
    for k in (0..n).rev() {
        let state = layers[k + 1][at];
        choice[k] = state.option;
        at = state.parent;
    }
    solution.choice = choice;
    Some(solution)
}

/// A known mix's total to prune against: the best of taking every
/// component's cheapest option, or its fewest database or cache
/// connections (whichever are feasible); infinity when none is.
fn greedy_bound(problem: &Problem<'_>) -> f64 {
    let pick = |key: &dyn Fn(&Item) -> (f64, f64)| -> Vec<usize> {
        problem
            .components
            .iter()
            .map(|options| {
                (0..options.len())
                    .min_by(|&a, &b| {
                        let (a1, a2) = key(&options[a]);
                        let (b1, b2) = key(&options[b]);
                        a1.total_cmp(&b1).then(a2.total_cmp(&b2))
                    })
                    .unwrap_or(0)
            })
            .collect()
    };
    let candidates = [
        pick(&|o| (o.cost, o.db + o.cache)),
        pick(&|o| (o.db, o.cost)),
        pick(&|o| (o.cache, o.cost)),
        pick(&|o| (o.db + o.cache, o.cost)),
    ];
    candidates.iter().filter_map(|choice| total_of(problem, choice)).fold(f64::INFINITY, f64::min)
}

/// The total of one combination, `None` when a datastore cannot take it.
pub(crate) fn total_of(problem: &Problem<'_>, choice: &[usize]) -> Option<f64> {
    let (mut cost, mut db, mut cache, mut plans) = (0.0, 0.0, 0.0, 0u64);
    for (options, &i) in problem.components.iter().zip(choice) {
        let option = options.get(i)?;
        cost += option.cost;
        db += option.db;
        cache += option.cache;
        plans |= option.plans;
    }
    cost += fee_of(problem.fees, plans);
    let (_, db_cost) = step_for(problem.database, db)?;
    let (_, cache_cost) = step_for(problem.cache, cache)?;
    let total = cost + db_cost + cache_cost;
    total.is_finite().then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(cost: f64, db: f64) -> Item {
        Item { cost, db, cache: 0.0, instances: 1, plans: 0 }
    }

    #[test]
    fn a_binding_connection_limit_moves_one_component_to_fewer_connections() {
        // Two components, each: $10 with 60 connections or $15 with 20.
        // Database: $5 up to 100 connections, $100 beyond. Both cheap: 120
        // connections → $20 + $100; one frugal: 80 → $25 + $5 = $30.
        let components = vec![
            vec![item(10.0, 60.0), item(15.0, 20.0)],
            vec![item(10.0, 60.0), item(15.0, 20.0)],
        ];
        let db = [(Some(100.0), 5.0), (None, 100.0)];
        let problem =
            Problem { components: &components, fees: &[], database: Some(&db), cache: None };
        let solution = cheapest(&problem).unwrap();
        assert_eq!(solution.total, 30.0);
        assert_eq!(solution.database, Some(0));
        let mut choice = solution.choice.clone();
        choice.sort();
        assert_eq!(choice, vec![0, 1]);
    }

    #[test]
    fn a_plan_fee_is_paid_once_and_weighed_in_dominance() {
        // Option A $10 needs plan 0 ($25); option B $30 needs none. One
        // component alone: B ($30 < $35). Two components: A + A = $45 <
        // B + B = $60.
        let a = Item { plans: 1, ..item(10.0, 0.0) };
        let b = item(30.0, 0.0);
        for (n, expected) in [(1usize, 30.0), (2, 45.0)] {
            let components = vec![vec![a, b]; n];
            let problem =
                Problem { components: &components, fees: &[25.0], database: None, cache: None };
            assert_eq!(cheapest(&problem).unwrap().total, expected);
        }
    }

    #[test]
    fn an_exact_fit_at_the_limit_is_accepted() {
        let components = vec![vec![item(1.0, 70.0)]];
        let db = [(Some(70.0 * (1.0 + 1e-12)), 5.0)];
        let problem =
            Problem { components: &components, fees: &[], database: Some(&db), cache: None };
        assert_eq!(cheapest(&problem).unwrap().total, 6.0);
    }

    /// Every combination, for comparison.
    fn brute_force(problem: &Problem<'_>) -> Option<(f64, u32)> {
        let n = problem.components.len();
        let mut choice = vec![0usize; n];
        let mut best: Option<(f64, u32)> = None;
        loop {
            if let Some(total) = total_of(problem, &choice) {
                let instances: u32 =
                    problem.components.iter().zip(&choice).map(|(o, &i)| o[i].instances).sum();
                let better = best.is_none_or(|(t, k)| {
                    total < t - EPSILON || (total <= t + EPSILON && instances < k)
                });
                if better {
                    best = Some((total, instances));
                }
            }
            let mut slot = 0;
            while slot < n {
                choice[slot] += 1;
                if choice[slot] < problem.components[slot].len() {
                    break;
                }
                choice[slot] = 0;
                slot += 1;
            }
            if slot == n {
                return best;
            }
        }
    }

    use proptest::prelude::*;

    fn item_strategy() -> impl Strategy<Value = Item> {
        // Whole-dollar costs and whole connections make ties (and the
        // instance tie-break) common; pools of 0-40 bind against limits
        // of 20-200.
        (1u32..40, 0u32..40, 0u32..30, 1u32..6, 0u64..4).prop_map(
            |(cost, db, cache, instances, plans)| Item {
                cost: cost as f64,
                db: db as f64,
                cache: cache as f64,
                instances,
                plans,
            },
        )
    }

    fn steps_strategy() -> impl Strategy<Value = Vec<(Option<f64>, f64)>> {
        prop::collection::vec((20u32..200, 0u32..60, prop::bool::weighted(0.1)), 1..5).prop_map(
            |mut tiers| {
                // Cheapest first, as the planner gives them.
                tiers.sort_by_key(|t| t.1);
                tiers
                    .into_iter()
                    .map(|(limit, cost, open)| ((!open).then_some(limit as f64), cost as f64))
                    .collect()
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn the_search_finds_the_brute_force_optimum(
            components in prop::collection::vec(prop::collection::vec(item_strategy(), 1..5), 1..7),
            fees in prop::collection::vec(0u32..30, 2),
            database in prop::option::of(steps_strategy()),
            cache in prop::option::of(steps_strategy()),
        ) {
            let fees: Vec<f64> = fees.into_iter().map(f64::from).collect();
            let problem = Problem {
                components: &components,
                fees: &fees,
                database: database.as_deref(),
                cache: cache.as_deref(),
            };
            let expected = brute_force(&problem);
            let found = cheapest(&problem);
            match (expected, &found) {
                (None, None) => {}
                (Some((total, instances)), Some(solution)) => {
                    prop_assert!((solution.total - total).abs() < 1e-6, "{} vs {}", solution.total, total);
                    prop_assert_eq!(solution.instances, instances);
                    // The choice it reports prices at what it says.
                    let again = total_of(&problem, &solution.choice).unwrap();
                    prop_assert!((again - solution.total).abs() < 1e-6);
                }
                _ => prop_assert!(false, "brute force {:?}, search {:?}", expected, found),
            }
        }
    }
}

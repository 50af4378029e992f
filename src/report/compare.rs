//! `capplan compare`: the same application planned on several stacks
//! (`crate::scenario::stacks`). The scenario's components keep everything
//! else (work per request, targets, pools), so the stacks differ only in
//! what they sell and how they bill. `CompareReport` is the JSON contract.

use crate::catalog::Catalog;
use crate::planner::{Planner, USER_LIMIT};
use crate::scenario::Scenario;
use crate::scenario::stacks::Stack;
use serde::Serialize;
/// The comparison: every stack at every user count.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CompareReport {
    /// The scenario's name.
    pub scenario: String,
    /// The user counts asked about, users, in the order given.
    pub users: Vec<f64>,
    /// Each stack's plans, in the stacks file's order.
    pub stacks: Vec<StackResult>,
    /// The oldest `as_of` among the tiers the plans use.
    pub catalog_as_of: Option<String>,
}

/// One stack planned at every user count.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StackResult {
    /// The stack's id in the stacks file.
    pub id: String,
    /// The stack's display name; null when the stacks file gives none.
    pub name: Option<String>,
    /// The plan at each user count, in the order of `users`.
    pub points: Vec<StackPoint>,
    /// The largest user count the stack serves (bisected to 0.1%); null
    /// when it serves none of the counts, or still serves
    /// `searched_up_to` (then `stops_because` is null too).
    pub feasible_up_to: Option<f64>,
    /// How far the search looked: 1,000 times the largest count given.
    pub searched_up_to: f64,
    /// Why the stack stops there (or why it cannot serve the app at all).
    pub stops_because: Option<String>,
}

impl StackResult {
    /// The last user count served, when the stack stops below `to`.
    pub fn stops_below(&self, to: f64) -> Option<f64> {
        self.feasible_up_to.filter(|&u| u < to)
    }
}

/// One stack at one user count.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StackPoint {
    /// The registered user count planned for, users.
    pub users: f64,
    /// Whether some mix of the stack's tiers serves the load.
    pub feasible: bool,
    /// The whole bill: instances, charges, usage items and plan fees.
    pub monthly_usd: Option<f64>,
    /// The lines no component carries (the scenario's usage items, plan
    /// fees and credits), USD per month: `monthly_usd` is the components'
    /// `total_monthly_usd`, this and `environments_usd`.
    pub usage_usd: Option<f64>,
    /// Environments besides production (in `monthly_usd`), USD per month.
    pub environments_usd: Option<f64>,
    /// `monthly_usd` per registered user (at least 1), USD per user per month; null when
    /// infeasible.
    pub usd_per_user: Option<f64>,
    /// The chosen tier of each component; empty when infeasible.
    pub components: Vec<StackComponent>,
    /// Items the catalog cannot price at this volume (not in the total).
    pub unpriced: Vec<String>,
    /// Why no mix serves the load; null when feasible.
    pub error: Option<String>,
}

/// One component's tier in a stack's plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StackComponent {
    /// The component's scenario name.
    pub name: String,
    /// `provider/offering/tier`.
    pub tier: String,
    /// Instances of the tier (the peak for autoscaled groups).
    pub count: u32,
    /// The instances alone, USD per month (as `recommend` and `sweep`
    /// report a component's `monthly_usd`).
    pub monthly_usd: Option<f64>,
    /// The instances and the lines the component brings (storage add-ons,
    /// egress, usage-billed compute), USD per month; null when any is
    /// unpriced.
    pub total_monthly_usd: Option<f64>,
    /// What set its size.
    pub binding: String,
}

/// Plans the scenario on each stack at each user count, the stacks in
/// parallel.
pub fn compare(
    scenario: &Scenario,
    catalog: &Catalog,
    stacks: &[Stack],
    users: &[f64],
) -> CompareReport {
    let results: Vec<StackResult> = std::thread::scope(|scope| {
        let handles: Vec<_> = stacks
            .iter()
            .map(|stack| scope.spawn(move || stack_result(scenario, catalog, stack, users)))
            .collect();
        handles
            .into_iter()
            .zip(stacks)
            .map(|(handle, stack)| {
                handle.join().unwrap_or_else(|_| StackResult {
                    id: stack.id.clone(),
                    name: stack.name.clone(),
                    points: Vec::new(),
                    feasible_up_to: None,
                    searched_up_to: search_limit(users),
                    stops_because: Some("internal error while planning".into()),
                })
            })
            .collect()
    });
    let catalog_as_of = catalog.oldest_tier_as_of(
        results.iter().flat_map(|s| &s.points).flat_map(|p| &p.components).map(|c| c.tier.as_str()),
    );
    CompareReport {
        scenario: scenario.name.clone(),
        users: users.to_vec(),
        stacks: results,
        catalog_as_of,
    }
}

fn stack_result(
    scenario: &Scenario,
    catalog: &Catalog,
    stack: &Stack,
    users: &[f64],
) -> StackResult {
    let applied = match stack.apply(scenario) {
        Ok(s) => s,
        Err(why) => {
            return StackResult {
                id: stack.id.clone(),
                name: stack.name.clone(),
                points: users.iter().map(|&u| infeasible_point(u, why.clone())).collect(),
                feasible_up_to: None,
                searched_up_to: search_limit(users),
                stops_because: Some(why),
            };
        }
    };
    let planner = Planner::new(&applied, catalog);
    let points: Vec<StackPoint> = users.iter().map(|&u| point(&planner, u)).collect();
    let (feasible_up_to, stops_because) = reach(&planner, users);
    StackResult {
        id: stack.id.clone(),
        name: stack.name.clone(),
        points,
        feasible_up_to,
        searched_up_to: search_limit(users),
        stops_because,
    }
}

/// How far `reach` looks: far enough for a decision (three orders of
/// magnitude past the largest count asked about), bounded so a stack that
/// scales without limit does not plan at absurd loads.
fn search_limit(users: &[f64]) -> f64 {
    (users.iter().copied().fold(1.0, f64::max) * 1000.0).min(USER_LIMIT)
}

fn infeasible_point(users: f64, error: String) -> StackPoint {
    StackPoint {
        users,
        feasible: false,
        monthly_usd: None,
        usage_usd: None,
        environments_usd: None,
        usd_per_user: None,
        components: Vec::new(),
        unpriced: Vec::new(),
        error: Some(error),
    }
}

fn point(planner: &Planner<'_>, users: f64) -> StackPoint {
    match planner.plan(users) {
        Err(e) => infeasible_point(users, e.to_string()),
        Ok(plan) => StackPoint {
            users: plan.demand.users,
            feasible: true,
            monthly_usd: Some(plan.monthly_usd),
            usage_usd: Some(plan.usage.iter().filter_map(|u| u.monthly_usd).sum::<f64>() + 0.0),
            environments_usd: Some(
                plan.environments.iter().map(|e| e.monthly_usd).sum::<f64>() + 0.0,
            ),
            usd_per_user: Some(plan.monthly_usd / plan.demand.users.max(1.0)),
            components: plan
                .components
                .iter()
                .map(|c| StackComponent {
                    name: c.name.clone(),
                    tier: c.tier_ref.clone(),
                    count: c.count,
                    monthly_usd: c.monthly_usd,
                    total_monthly_usd: c.total_monthly_usd(),
                    binding: c.sized.binding.label(c.sized.latency_percentile),
                })
                .collect(),
            unpriced: plan.unpriced.clone(),
            error: None,
        },
    }
}

/// How far the stack goes: from the largest count it serves among those
/// given, doubling then bisecting to 0.1% (feasibility only grows harder
/// with users); the reason is the planner's error just beyond.
fn reach(planner: &Planner<'_>, users: &[f64]) -> (Option<f64>, Option<String>) {
    let feasible = |u: f64| planner.plan(u).is_ok();
    let error_at = |u: f64| planner.plan(u).err().map(|e| e.to_string());
    let mut sorted: Vec<f64> = users.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (mut good, mut bad) = match sorted.iter().rev().find(|&&u| feasible(u)) {
        // From the largest count served, double until a count fails.
        Some(&served) => {
            let limit = search_limit(users);
            let mut good = served;
            loop {
                let probe = (good * 2.0).min(limit);
                if !feasible(probe) {
                    break (good, probe);
                }
                if probe >= limit {
                    return (None, None);
                }
                good = probe;
            }
        }
        // None of the counts: the largest below the smallest, if any.
        None => {
            let smallest = sorted.first().copied().unwrap_or(1.0);
            if !feasible(1.0) {
                return (None, error_at(smallest));
            }
            (1.0, smallest)
        }
    };
    while bad - good > (good * 0.001).max(1.0) {
        let mid = ((good + bad) / 2.0).floor();
        if feasible(mid) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    (Some(good), error_at(bad))
}

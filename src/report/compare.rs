//! `capplan compare`: the same application planned on several stacks. A
//! stack maps each component role to one platform's offerings; the
//! scenario's components keep everything else (work per request, targets,
//! pools), so the stacks differ only in what they sell and how they bill.
//! `CompareReport` is the JSON contract.

use crate::catalog::Catalog;
use crate::planner::{Planner, USER_LIMIT};
use crate::scenario::{ComponentRole, Scenario, UnverifiedLimit, UsageDriver};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The stacks shipped with capplan (documented in docs/compare.md).
pub const SHIPPED_STACKS: &str = include_str!("../../stacks/stacks.yaml");

/// A stacks file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StackFile {
    pub version: u32,
    pub stacks: Vec<Stack>,
}

/// One platform choice per component role.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stack {
    pub id: String,
    pub name: Option<String>,
    #[serde(default)]
    pub web: Vec<String>,
    #[serde(default)]
    pub worker: Vec<String>,
    #[serde(default)]
    pub database: Vec<String>,
    #[serde(default)]
    pub cache: Vec<String>,
    /// Limits the stack's catalogs leave unpublished that the comparison
    /// accepts, by role (`database: [connections]`).
    #[serde(default)]
    pub accept_unverified_limits: BTreeMap<ComponentRole, Vec<UnverifiedLimit>>,
    pub note: Option<String>,
}

impl Stack {
    /// The offerings of a role; `None` where the stack does not say (media
    /// components keep their own).
    pub fn offerings(&self, role: ComponentRole) -> Option<&[String]> {
        match role {
            ComponentRole::Web => Some(&self.web),
            ComponentRole::Worker => Some(&self.worker),
            ComponentRole::Database => Some(&self.database),
            ComponentRole::Cache => Some(&self.cache),
            ComponentRole::Media => None,
        }
    }

    /// The scenario with every component on this stack's offerings, its
    /// accepted limits added, and outbound data priced by the platform
    /// that serves the web component (the scenario's own egress price
    /// belongs to its platform). Stage templates, fixed-mix environments
    /// and assertions name the scenario's own tiers and are left out.
    pub fn apply(&self, scenario: &Scenario) -> Result<Scenario, String> {
        let mut out = scenario.clone();
        for component in &mut out.components {
            let Some(offerings) = self.offerings(component.role) else {
                continue;
            };
            if offerings.is_empty() {
                return Err(format!(
                    "the stack has no {} offering for component '{}'",
                    component.role.as_str(),
                    component.name
                ));
            }
            component.candidates = offerings.to_vec();
            if let Some(limits) = self.accept_unverified_limits.get(&component.role) {
                for limit in limits {
                    if !component.accept_unverified_limits.contains(limit) {
                        component.accept_unverified_limits.push(*limit);
                    }
                }
            }
            // Purchase options are a platform's own (AWS reservations).
            component.purchase_option = None;
        }
        let web = out
            .components
            .iter()
            .find(|c| c.role == ComponentRole::Web)
            .map(|c| c.name.clone());
        if let Some(web) = web {
            for item in &mut out.usage {
                if item.driver == UsageDriver::EgressGb && item.price.is_some() {
                    item.price = None;
                    item.served_by = Some(web.clone());
                }
            }
        }
        out.stages.clear();
        out.assertions.clear();
        out.environments.retain(|e| e.mix.is_empty());
        Ok(out)
    }
}

/// Parses a stacks file (YAML), naming the line of a problem.
pub fn parse_stacks(text: &str, file: &str) -> Result<Vec<Stack>, String> {
    let parsed: StackFile = serde_yaml_ng::from_str(text).map_err(|e| match e.location() {
        Some(at) => format!("{file}:{}:{}: {e}", at.line(), at.column()),
        None => format!("{file}: {e}"),
    })?;
    if parsed.version != 1 {
        return Err(format!(
            "{file}: expected version 1, found {}",
            parsed.version
        ));
    }
    Ok(parsed.stacks)
}

/// Every problem of stacks against the catalog: duplicate ids, unknown
/// offerings, offerings of the wrong role.
pub fn check_stacks(stacks: &[Stack], catalog: &Catalog) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for stack in stacks {
        if !seen.insert(stack.id.as_str()) {
            problems.push(format!("duplicate stack id '{}'", stack.id));
        }
        for role in [
            ComponentRole::Web,
            ComponentRole::Worker,
            ComponentRole::Database,
            ComponentRole::Cache,
        ] {
            for reference in stack.offerings(role).unwrap_or(&[]) {
                match catalog.candidate(reference).map(|c| c.offering) {
                    Err(_) => problems.push(format!(
                        "stack '{}': unknown offering '{reference}' for {}: expected provider/offering or provider/offering/tier as listed by `capplan tiers`",
                        stack.id,
                        role.as_str()
                    )),
                    Ok(offering) => {
                        if !offering
                            .role
                            .is_some_and(|r| role.offering_roles().contains(&r))
                        {
                            problems.push(format!(
                                "stack '{}': '{reference}' is not a {} offering",
                                stack.id,
                                role.as_str()
                            ));
                        }
                    }
                }
            }
        }
    }
    problems
}

/// The comparison: every stack at every user count.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CompareReport {
    pub scenario: String,
    pub users: Vec<f64>,
    pub stacks: Vec<StackResult>,
    /// The oldest `as_of` among the tiers the plans use.
    pub catalog_as_of: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StackResult {
    pub id: String,
    pub name: Option<String>,
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

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StackPoint {
    pub users: f64,
    pub feasible: bool,
    /// The whole bill: instances, charges, usage items and plan fees.
    pub monthly_usd: Option<f64>,
    pub usd_per_user: Option<f64>,
    pub components: Vec<StackComponent>,
    /// Items the catalog cannot price at this volume (not in the total).
    pub unpriced: Vec<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StackComponent {
    pub name: String,
    /// `provider/offering/tier`.
    pub tier: String,
    pub count: u32,
    /// Instances and charges of the component.
    pub monthly_usd: Option<f64>,
    /// What set its size.
    pub binding: &'static str,
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
        results
            .iter()
            .flat_map(|s| &s.points)
            .flat_map(|p| &p.components)
            .map(|c| c.tier.as_str()),
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
                points: users
                    .iter()
                    .map(|&u| infeasible_point(u, why.clone()))
                    .collect(),
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
            usd_per_user: Some(plan.monthly_usd / plan.demand.users.max(1.0)),
            components: plan
                .components
                .iter()
                .map(|c| StackComponent {
                    name: c.name.clone(),
                    tier: c.tier_ref.clone(),
                    count: c.count,
                    monthly_usd: c.total_monthly_usd(),
                    binding: c.sized.binding.as_str(),
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

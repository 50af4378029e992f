//! The mix that runs today (`current:` in a scenario): what it costs at the
//! load with every line the recommendation carries, whether it holds and
//! which constraint fails, how far it goes, and what the recommendation
//! would change.

use super::{Plan, Planner};
use crate::scenario::{Autoscale, CurrentTier, Scenario};
use serde::Serialize;

/// One component of the current mix.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CurrentComponent {
    /// The scenario component's name.
    pub name: String,
    /// `provider/offering/tier`.
    pub tier: String,
    /// Instances at the load's peak (autoscaled: what the autoscaler
    /// runs then; the floor when the mix does not hold).
    pub count: u32,
    /// Autoscaled: the autoscaler's range; null for a fixed count.
    pub min: Option<u32>,
    /// Autoscaled: the autoscaler's maximum; null for a fixed count.
    pub max: Option<u32>,
    /// A database's provisioned storage, GB; null when not given.
    pub storage_gb: Option<f64>,
    /// Its lines the catalog cannot price (left out of `monthly_usd`).
    pub unpriced: Vec<String>,
    /// Its instances and charges at the load (instances only when the mix
    /// does not hold); null when unpriced.
    pub monthly_usd: Option<f64>,
}

/// What the recommendation changes in one component.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CurrentChange {
    /// The component that changes.
    pub component: String,
    /// `count × provider/offering/tier` today.
    pub from: String,
    /// `count × provider/offering/tier` recommended.
    pub to: String,
    /// Recommended minus current for this component, USD per month
    /// (negative: a saving); null when either side is unpriced.
    pub delta_usd: Option<f64>,
}

/// The recommendation beside the current mix.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct VsRecommended {
    /// Recommended total minus current total (negative: a saving); null
    /// when the current total is not comparable (the mix does not hold).
    pub delta_usd: Option<f64>,
    /// Each component whose tier or count the recommendation changes.
    pub changes: Vec<CurrentChange>,
}

/// The current mix at the requested load.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CurrentMix {
    /// Every line (instances, charges, usage, plan fees) when it holds;
    /// instances only when it does not (its usage at a load it cannot
    /// serve means nothing). Unpriced items are left out.
    pub monthly_usd: f64,
    /// Of `monthly_usd`, the lines of no one component: plan fees
    /// (Render's Pro for autoscaling) and the scenario's usage.
    pub shared_usd: f64,
    /// `all lines` or `instances only`.
    pub cost_basis: String,
    /// Whether the current mix serves the load within every SLO and limit.
    pub holds: bool,
    /// `component: constraint` that fails at the load; null when it holds.
    pub failing: Option<String>,
    /// What the failing component needs and what its tier has.
    pub failing_detail: Option<String>,
    /// Largest user count it holds (0: none; null: beyond 10¹²).
    pub max_users: Option<f64>,
    /// `component: constraint` that fails one user beyond `max_users`.
    pub binding: Option<String>,
    /// Each component of the current mix, in scenario order.
    pub components: Vec<CurrentComponent>,
    /// What the recommendation would change, and what that saves or costs.
    pub vs_recommended: VsRecommended,
}

impl<'a> Planner<'a> {
    /// The scenario's current mix at `users` beside `recommended`; `None`
    /// when the scenario gives none.
    pub fn current(&self, users: f64, recommended: &Plan) -> Option<CurrentMix> {
        let current = self.scenario.current.as_ref()?;
        let entries: Vec<Option<&CurrentTier>> =
            self.scenario.components.iter().map(|c| current.get(&c.name)).collect();
        // The fixed-mix checks see each component at the most instances it
        // may run: its count, or its autoscaler's max.
        let mix: Vec<(String, u32)> = entries
            .iter()
            .map(|e| e.map_or((String::new(), 0), |t| (t.tier.clone(), t.range().1)))
            .collect();
        let pinned = pin_current(self.scenario, &entries);
        let held = Planner::new(&pinned, self.catalog);
        let tiers: Vec<String> = mix.iter().map(|(t, _)| t.clone()).collect();
        // The mix holds when the planner, held to it, plans it; what fails
        // is the fixed-mix check's answer, else the planner's.
        let planned = Planner::pinned(&pinned, self.catalog, tiers).plan(users);
        let failing = match &planned {
            Ok(_) => None,
            Err(e) => {
                held.mix_failure(&mix, users).or_else(|| Some((e.component.clone(), e.constraint)))
            }
        };
        // The numbers behind the failure, where the planner's refusal is
        // about the same component.
        let failing_detail = match (&planned, &failing) {
            (Err(e), Some((component, _))) if &e.component == component => Some(e.detail.clone()),
            _ => None,
        };
        let plan = planned.ok();
        let demand = crate::demand::demand(self.scenario, users);
        let components: Vec<CurrentComponent> = pinned
            .components
            .iter()
            .zip(&mix)
            .zip(&entries)
            .enumerate()
            .map(|(i, ((component, (tier, max)), entry))| {
                let (min, _) = entry.map_or((0, 0), |e| e.range());
                let autoscaled = entry.is_some_and(|e| e.is_autoscaled());
                // Autoscaled without a plan: priced at its floor, the
                // instances it always runs.
                let count = match &plan {
                    Some(p) => p.components[i].count,
                    None if autoscaled => min,
                    None => *max,
                };
                CurrentComponent {
                    name: component.name.clone(),
                    tier: tier.clone(),
                    count,
                    min: autoscaled.then_some(min),
                    max: autoscaled.then_some(*max),
                    storage_gb: entry.and_then(|e| e.storage_gb),
                    unpriced: plan.as_ref().map_or_else(Vec::new, |p| {
                        p.components[i]
                            .charges
                            .iter()
                            .filter(|l| l.monthly_usd.is_none())
                            .map(|l| l.name.clone())
                            .collect()
                    }),
                    monthly_usd: match &plan {
                        // The priced lines; the unpriced are named apart.
                        Some(p) => p.components[i].priced_monthly_usd(),
                        None => self
                            .catalog
                            .tier(tier)
                            .and_then(|t| held.unit_price(component, &t, &demand))
                            .map(|unit| unit * count as f64),
                    },
                }
            })
            .collect();
        let components_usd: f64 = components.iter().filter_map(|c| c.monthly_usd).sum();
        let monthly_usd = match &plan {
            Some(p) => p.monthly_usd,
            None => components_usd,
        };
        let max_users =
            if held.mix_holds(&mix, 1.0) { held.capacity(&mix, 1.0) } else { Some(0.0) };
        let binding = max_users.and_then(|u| held.mix_failure(&mix, u + 1.0));
        let name = |f: Option<(String, super::Binding)>| f.map(|f| held.failure_name(&f));
        let changes = recommended
            .components
            .iter()
            .zip(&components)
            .filter(|(r, c)| r.tier_ref != c.tier || r.count != c.count)
            .map(|(r, c)| CurrentChange {
                component: c.name.clone(),
                from: match (c.min, c.max) {
                    (Some(lo), Some(hi)) => format!("{lo}–{hi} × {}", c.tier),
                    _ => format!("{} × {}", c.count, c.tier),
                },
                to: format!("{} × {}", r.count, r.tier_ref),
                delta_usd: r.priced_monthly_usd().zip(c.monthly_usd).map(|(r, c)| r - c),
            })
            .collect();
        Some(CurrentMix {
            monthly_usd,
            cost_basis: if plan.is_some() { "all lines" } else { "instances only" }.into(),
            holds: plan.is_some(),
            failing: name(failing),
            failing_detail,
            // Plan fees and the scenario's usage (tokens, egress): the
            // total's lines that belong to no one component.
            shared_usd: if plan.is_some() { monthly_usd - components_usd } else { 0.0 },
            max_users,
            binding: name(binding),
            components,
            vs_recommended: VsRecommended {
                delta_usd: plan.as_ref().map(|p| recommended.monthly_usd - p.monthly_usd),
                changes,
            },
        })
    }
}

/// The scenario held to what runs today: each compute component at its
/// count, or autoscaled in its range at its own autoscale target (else
/// its utilization cap); each database at the storage it was given.
fn pin_current(scenario: &Scenario, entries: &[Option<&CurrentTier>]) -> Scenario {
    let mut pinned = scenario.clone();
    for (component, entry) in pinned.components.iter_mut().zip(entries) {
        let Some(entry) = entry else { continue };
        if entry.storage_gb.is_some() {
            component.storage_gb = entry.storage_gb;
        }
        if !component.role.is_compute() {
            continue;
        }
        let (min, max) = entry.range();
        if entry.is_autoscaled() {
            let target_utilization = component.autoscale.map_or_else(
                || {
                    component
                        .slo
                        .max_utilization
                        .unwrap_or(super::defaults::DEFAULT_MAX_UTILIZATION)
                },
                |a| a.target_utilization,
            );
            component.autoscale = Some(Autoscale { min, max, target_utilization });
            component.min_instances = None;
            component.max_instances = None;
        } else {
            component.autoscale = None;
            component.min_instances = Some(min);
            component.max_instances = Some(max);
        }
    }
    pinned
}

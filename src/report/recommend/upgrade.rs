//! The advice beyond today's mix: the next upgrade (what changes and what
//! it costs on its own) and a tier switch worth making.

use crate::planner::Plan;
use serde::Serialize;

/// The next change of mix as the load grows.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct NextUpgrade {
    /// The user count at which the mix changes, users.
    pub at_users: f64,
    /// The components that change, comma-separated.
    pub component: String,
    /// What changes, e.g. "api 2 → 3 × standard"; "usage-priced items only" when no tier or count
    /// does.
    pub change: String,
    /// The next plan's total minus this plan's total (never negative: the
    /// cheapest plan costs no less at a larger load).
    pub delta_usd: f64,
    /// The change in instances alone (tiers and counts), USD per month.
    pub instances_delta_usd: f64,
    /// The upgrade's own cost, apart from usage growth: what the components that change cost
    /// (instances and their charges) one user beyond `max_users` against one user before it,
    /// USD per month; in a forecast, the instances' change.
    pub components_delta_usd: f64,
}

/// A switch of tiers worth making: where, what, and what it saves.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TierSwitch {
    /// The first user count (within 0.5%) at which it saves more than the threshold, users.
    pub at_users: f64,
    /// The components that switch, comma-separated.
    pub component: String,
    /// What changes against the plan that keeps the tiers, e.g. "api 3 × t4g.micro → 5 × t4g.nano".
    pub change: String,
    /// The plan keeping the tiers minus the switched plan there, USD per month.
    pub saving_usd: f64,
    /// `saving_usd` as a share of the plan keeping the tiers (0.1 = 10%).
    pub saving_share: f64,
    /// The threshold share it passed (0.1 = 10%).
    pub threshold_share: f64,
}

/// "api 2 → 3 × render/web/standard" for every component that changes.
pub fn describe_upgrade(current: &Plan, next: &Plan, at_users: f64) -> NextUpgrade {
    let mut names = Vec::new();
    let mut changes = Vec::new();
    for (a, b) in current.components.iter().zip(&next.components) {
        // An autoscaled group or a function changing its count is not an upgrade.
        if !component_changes(a, b) {
            continue;
        }
        names.push(a.name.clone());
        let short = |r: &str| r.rsplit('/').next().unwrap_or(r).to_string();
        changes.push(if a.tier_ref == b.tier_ref {
            format!("{} {} → {} × {}", a.name, a.count, b.count, short(&b.tier_ref))
        } else if a.count == 1 && b.count == 1 {
            format!("{} {} → {}", a.name, short(&a.tier_ref), short(&b.tier_ref))
        } else {
            format!(
                "{} {} × {} → {} × {}",
                a.name,
                a.count,
                short(&a.tier_ref),
                b.count,
                short(&b.tier_ref)
            )
        });
    }
    if changes.is_empty() {
        changes.push("usage-priced items only".into());
    }
    let upgrade = NextUpgrade {
        at_users,
        component: names.join(", "),
        change: changes.join("; "),
        delta_usd: next.monthly_usd - current.monthly_usd,
        instances_delta_usd: current
            .components
            .iter()
            .zip(&next.components)
            .map(|(a, b)| b.monthly_usd.unwrap_or(0.0) - a.monthly_usd.unwrap_or(0.0))
            .sum(),
        components_delta_usd: 0.0,
    };
    NextUpgrade { components_delta_usd: upgrade.instances_delta_usd, ..upgrade }
}

/// Whether a component changes between two plans: its tier, or the count
/// an operator sets (an autoscaled group's or a function's count follows
/// the load by itself).
fn component_changes(a: &crate::planner::ComponentPlan, b: &crate::planner::ComponentPlan) -> bool {
    a.tier_ref != b.tier_ref || a.managed_count() != b.managed_count()
}

/// What the components that change cost after an upgrade minus before it
/// (instances and charges; an unpriced total counts its instances).
pub(super) fn own_cost(before: &Plan, next: &Plan) -> f64 {
    before
        .components
        .iter()
        .zip(&next.components)
        .filter(|(a, b)| component_changes(a, b))
        .map(|(a, b)| {
            let total = |c: &crate::planner::ComponentPlan| {
                c.total_monthly_usd().or(c.monthly_usd).unwrap_or(0.0)
            };
            total(b) - total(a)
        })
        .sum()
}

/// A switch worth making, against the plan that keeps the tiers there.
pub(super) fn describe_switch(switch: &crate::planner::Switch, threshold: f64) -> TierSwitch {
    let change = describe_upgrade(&switch.kept, &switch.switched, switch.at_users);
    let saving = switch.kept.monthly_usd - switch.switched.monthly_usd;
    TierSwitch {
        at_users: switch.at_users,
        component: change.component,
        change: change.change,
        saving_usd: saving,
        saving_share: saving / switch.kept.monthly_usd,
        threshold_share: threshold,
    }
}

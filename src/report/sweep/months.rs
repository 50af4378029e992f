//! `capplan forecast`: the plan month by month under growth, as a person
//! runs it. Month 0 is the cheapest plan; each later month keeps the mix
//! of the month before while it holds, then its tiers where they still
//! hold (its counts grow), and
//! switches tiers only where the switch saves more than the threshold share
//! of the bill: the upgrades a founder would make, not the cheapest mix
//! re-chosen every month.

use super::{Growth, SweepRow, infeasible_row, oldest_date, row_from_plan};
use crate::catalog::Catalog;
use crate::input::units::{money, signed_money};
use crate::planner::{DEFAULT_SWITCH_SAVING, Infeasible, Plan, Planner, switch_pays};
use crate::report::recommend::describe_upgrade;
use crate::scenario::Scenario;
use serde::Serialize;

/// Something that changes between two months.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ForecastEvent {
    /// The month (0 is the start) at which the change is first seen.
    pub month: u32,
    /// Registered users that month, users.
    pub users: f64,
    /// `upgrade` (tier or count change, keeping the tiers that hold), `switch` (a change of tiers
    /// that saves more than 10% of the bill), `stage` (ladder change) or `infeasible`.
    pub kind: &'static str,
    /// The event in one line, with its month and, for an upgrade, its cost.
    pub description: String,
    /// What changes, without the month and cost (`api 1 → 2 × starter`,
    /// `Free → Starter`): the same event in another sampled world.
    pub change: String,
    /// For an upgrade, the whole bill's change from the month before, USD per month; null for stage
    /// and infeasible events.
    pub delta_usd: Option<f64>,
}

/// The plan in one month of the forecast.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ForecastMonth {
    /// Months since the start (0 is the start).
    pub month: u32,
    /// The plan at that month's users, its fields flattened.
    #[serde(flatten)]
    pub row: SweepRow,
}

/// The report behind `capplan forecast` (its JSON contract).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ForecastReport {
    /// The scenario's name.
    pub scenario: String,
    /// The oldest `as_of` date (YYYY-MM-DD) of the tiers the months use; null when none is dated.
    pub catalog_as_of: Option<String>,
    /// A given peak rate at month 0 and the per-user request rate it set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_rate: Option<crate::demand::RateNote>,
    /// How users grow each month (the median when the growth is a range).
    pub growth: Growth,
    /// The plan at each month, from month 0 to the last: the cheapest at month 0, then the plan
    /// that keeps the month before's tiers where they hold, switched where a switch saves more
    /// than 10% of the bill.
    pub months: Vec<ForecastMonth>,
    /// Upgrades, stage changes and loads no mix serves, in month order.
    pub events: Vec<ForecastEvent>,
    /// With intervals or an uncertain growth: the month of each event over
    /// the sampled worlds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<super::bands::ForecastUncertainty>,
}

/// Month 0 to `months`: users, plan and the events between months.
pub fn forecast(
    scenario: &Scenario,
    catalog: &Catalog,
    start: f64,
    growth: Growth,
    months: u32,
) -> ForecastReport {
    let planner = Planner::new(scenario, catalog);
    let mut events = Vec::new();
    let mut rows: Vec<SweepRow> = Vec::new();
    let mut previous: Option<Plan> = None;
    let mut was_feasible = true;
    for month in 0..=months {
        let users = growth.users_at(start, month);
        let (planned, switched_from) = month_plan(&planner, users, previous.as_ref());
        let row = match &planned {
            Ok(plan) => row_from_plan(&planner, plan),
            Err(e) => infeasible_row(&planner, users, e),
        };
        match (&previous, &planned) {
            (Some(before), Ok(after)) if before.managed_mix() != after.managed_mix() => {
                events.push(match &switched_from {
                    Some(kept) => switch_event(month, kept, after),
                    None => upgrade_event(month, before, after),
                });
            }
            (_, Err(_)) if was_feasible => events.push(ForecastEvent {
                month,
                users,
                kind: "infeasible",
                description: format!(
                    "month {month}: {}",
                    row.error.as_deref().unwrap_or("no mix serves the load")
                ),
                change: "no mix serves the load".into(),
                delta_usd: None,
            }),
            _ => {}
        }
        let both_served = previous.is_some() && planned.is_ok();
        if let Some(before_row) = rows.last().filter(|r| both_served && r.stage != row.stage) {
            let change = format!(
                "{} → {}",
                before_row.stage.as_deref().unwrap_or("—"),
                row.stage.as_deref().unwrap_or("—")
            );
            events.push(ForecastEvent {
                month,
                users,
                kind: "stage",
                description: format!("month {month}: {change}"),
                change,
                delta_usd: None,
            });
        }
        was_feasible = planned.is_ok();
        // After a month no mix serves, the next starts afresh.
        previous = planned.ok();
        rows.push(row);
    }
    ForecastReport {
        scenario: scenario.name.clone(),
        catalog_as_of: oldest_date(catalog, &rows),
        given_rate: None,
        growth,
        months: rows
            .into_iter()
            .enumerate()
            .map(|(m, row)| ForecastMonth { month: m as u32, row })
            .collect(),
        events,
        uncertainty: None,
    }
}

/// The month's plan: the cheapest at month 0 (or after a month no mix
/// served), else the month before's mix while it holds and then the plan
/// keeping its tiers, unless a switch saves more than the threshold; with
/// the kept plan it replaced.
fn month_plan(
    planner: &Planner<'_>,
    users: f64,
    previous: Option<&Plan>,
) -> (Result<Plan, Infeasible>, Option<Plan>) {
    let Some(previous) = previous else {
        return (planner.plan(users), None);
    };
    // The same mix while it holds; where it fails, its tiers where they hold.
    let kept = match planner.priced_at(previous, users) {
        Some(same) => same,
        None => match planner.plan_keeping(users, previous) {
            Ok(kept) => kept,
            Err(e) => return (Err(e), None),
        },
    };
    match planner.plan(users) {
        Ok(cheapest) if switch_pays(&kept, &cheapest, DEFAULT_SWITCH_SAVING) => {
            (Ok(cheapest), Some(kept))
        }
        _ => (Ok(kept), None),
    }
}

/// A change the growth forces: the step's own cost (the instances that
/// change) apart from the whole bill's growth since the month before.
fn upgrade_event(month: u32, before: &Plan, after: &Plan) -> ForecastEvent {
    let upgrade = describe_upgrade(before, after, after.demand.users);
    ForecastEvent {
        month,
        users: after.demand.users,
        kind: "upgrade",
        description: format!(
            "month {month}: {}, {}/month in instances (the whole bill {}/month since month {})",
            upgrade.change,
            signed_money(upgrade.instances_delta_usd),
            signed_money(upgrade.delta_usd),
            month.saturating_sub(1)
        ),
        change: upgrade.change,
        delta_usd: Some(upgrade.delta_usd),
    }
}

/// A switch of tiers worth making this month, against keeping them.
fn switch_event(month: u32, kept: &Plan, switched: &Plan) -> ForecastEvent {
    let change = describe_upgrade(kept, switched, switched.demand.users).change;
    let saving = kept.monthly_usd - switched.monthly_usd;
    ForecastEvent {
        month,
        users: switched.demand.users,
        kind: "switch",
        description: format!(
            "month {month}: switch {change}, saves {}/month ({:.0}% of the bill keeping the tiers)",
            money(saving),
            saving / kept.monthly_usd * 100.0
        ),
        change,
        delta_usd: Some(-saving),
    }
}

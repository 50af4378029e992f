//! `capplan stages`: what each stage template of a scenario really holds
//! and costs, its binding constraint, and each claim its authors made beside
//! the computed value (flagged when off by more than 25%, or outside a
//! claimed range).

use crate::catalog::Catalog;
use crate::demand::demand;
use crate::planner::Planner;
use crate::planner::stages::{mix_capacity, stage_mix};
use crate::scenario::{ClaimValue, Scenario};
use serde::Serialize;

/// How far a single-value claim may be from the computed value.
pub const CLAIM_TOLERANCE: f64 = 0.25;

/// One claim a stage's authors made, beside the computed value.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ClaimCheck {
    /// `users`, `rpm`, `jobs_per_day.<class>`, `monthly_usd`.
    pub what: String,
    /// The claimed value: a number or a `[low, high]` range, in the unit of `what` (users,
    /// req/min, jobs per day, USD per month).
    pub claimed: ClaimValue,
    /// The value computed from the template, in the same unit as `claimed`.
    pub computed: f64,
    /// Whether the claim holds: within 25% of a single value (exactly 0 for a claim of 0), or
    /// inside a range.
    pub ok: bool,
}

/// One stage template: what it holds and costs, and its claims checked.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StageRow {
    /// The stage's name.
    pub name: String,
    /// 1-based position on the ladder.
    pub index: usize,
    /// The template's instances per month; null when a tier is unpriced.
    pub monthly_usd: Option<f64>,
    /// Largest user count served within every constraint (0: none; null:
    /// beyond 10¹²).
    pub max_users: Option<f64>,
    /// Peak requests per minute at `max_users`.
    pub max_rpm: Option<f64>,
    /// `component: constraint` that fails one user beyond `max_users`.
    pub binding: Option<String>,
    /// The template's mix, one "count × provider/offering/tier" entry per component.
    pub mix: Vec<String>,
    /// The stage's claims checked against the computed values; empty when it makes none.
    pub claims: Vec<ClaimCheck>,
}

/// The report behind `capplan stages` (its JSON contract).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StagesReport {
    /// The scenario's name.
    pub scenario: String,
    /// Each stage with a template, in ladder order (stages without a mix are left out).
    pub stages: Vec<StageRow>,
}

fn check_claim(what: String, claimed: ClaimValue, computed: f64) -> ClaimCheck {
    let ok = match claimed {
        ClaimValue::Range([low, high]) => computed >= low - 1e-9 && computed <= high + 1e-9,
        ClaimValue::One(0.0) => computed.abs() < 1e-9,
        ClaimValue::One(value) => ((computed - value) / value).abs() <= CLAIM_TOLERANCE,
    };
    ClaimCheck { what, claimed, computed, ok }
}

/// Checks every stage template of `scenario` against the catalog.
pub fn stages(scenario: &Scenario, catalog: &Catalog) -> StagesReport {
    let planner = Planner::new(scenario, catalog);
    let rows = scenario
        .stages
        .iter()
        .enumerate()
        .filter_map(|(i, stage)| {
            let mix = stage_mix(scenario, stage)?;
            let max_users = mix_capacity(&planner, &mix);
            let at = max_users.map(|u| u.max(1.0));
            let demand_at_max = at.map(|u| demand(scenario, u));
            let binding = max_users.and_then(|u| planner.mix_failure(&mix, u + 1.0));
            let monthly_usd = planner.mix_cost(&mix, at.unwrap_or(1.0));
            let mut claims = Vec::new();
            let computed_users = max_users.unwrap_or(f64::INFINITY);
            if let Some(users) = stage.claims.users {
                // A range's upper end is the capacity the guide claims.
                let capacity = match users {
                    ClaimValue::One(v) => v,
                    ClaimValue::Range([_, high]) => high,
                };
                claims.push(check_claim("users".into(), ClaimValue::One(capacity), computed_users));
            }
            if let (Some(rpm), Some(d)) = (stage.claims.rpm, &demand_at_max) {
                claims.push(check_claim(
                    "rpm".into(),
                    ClaimValue::One(rpm),
                    if max_users == Some(0.0) { 0.0 } else { d.peak_rpm },
                ));
            }
            for (class, per_day) in &stage.claims.jobs_per_day {
                if let Some(d) = &demand_at_max {
                    let rate = d.monthly_jobs(class) / (crate::catalog::HOURS_PER_MONTH / 24.0);
                    let computed = if max_users == Some(0.0) { 0.0 } else { rate };
                    claims.push(check_claim(
                        format!("jobs_per_day.{class}"),
                        ClaimValue::One(*per_day),
                        computed,
                    ));
                }
            }
            if let (Some(cost), Some(computed)) = (stage.claims.monthly_usd, monthly_usd) {
                claims.push(check_claim("monthly_usd".into(), cost, computed));
            }
            Some(StageRow {
                name: stage.name.clone(),
                index: i + 1,
                monthly_usd,
                max_users,
                max_rpm: if max_users == Some(0.0) {
                    Some(0.0)
                } else {
                    demand_at_max.as_ref().map(|d| d.peak_rpm)
                },
                binding: binding.map(|f| planner.failure_name(&f)),
                mix: mix.iter().map(|(t, n)| format!("{n} × {t}")).collect(),
                claims,
            })
        })
        .collect();
    StagesReport { scenario: scenario.name.clone(), stages: rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_within_tolerance_or_range() {
        assert!(check_claim("x".into(), ClaimValue::One(100.0), 124.0).ok);
        assert!(!check_claim("x".into(), ClaimValue::One(100.0), 126.0).ok);
        assert!(check_claim("x".into(), ClaimValue::Range([50.0, 70.0]), 70.0).ok);
        assert!(!check_claim("x".into(), ClaimValue::Range([50.0, 70.0]), 161.94).ok);
        assert!(check_claim("x".into(), ClaimValue::One(0.0), 0.0).ok);
        assert!(!check_claim("x".into(), ClaimValue::One(0.0), 7.0).ok);
    }
}

//! Cost curves: the plan at many user counts (`capplan sweep`, charts) and
//! month by month under growth (`capplan forecast`), with the upgrade
//! events between consecutive points.

use crate::catalog::Catalog;
use crate::planner::stages::stage_at;
use crate::planner::{Plan, Planner};
use crate::scenario::Scenario;
use serde::Serialize;

pub mod bands;
mod months;

pub use months::{ForecastEvent, ForecastMonth, ForecastReport, forecast};

/// One component at one point.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SweepCell {
    /// The component's scenario name.
    pub name: String,
    /// `provider/offering/tier`.
    pub tier: String,
    /// Instances of the tier (the peak for autoscaled groups).
    pub count: u32,
    /// The instances.
    pub monthly_usd: Option<f64>,
    /// Instances and the charges their tier brings (storage add-ons,
    /// egress, a load balancer); `None` when any is unpriced.
    pub total_monthly_usd: Option<f64>,
    /// The constraint that set the size (p95 or the SLO's own percentile, utilization, memory, connections, storage...).
    pub binding: String,
}

/// One usage-priced item of a plan: its name and monthly cost.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct UsageCost {
    /// The usage item's scenario name.
    pub name: String,
    /// Its cost, USD per month; null when the catalog cannot price it.
    pub monthly_usd: Option<f64>,
}

/// The plan at one user count.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SweepRow {
    /// The registered user count, users.
    pub users: f64,
    /// Peak requests per minute at that count, req/min.
    pub peak_rpm: f64,
    /// The ladder stage at that count; null when the scenario has no stages or no stage
    /// template holds the load.
    pub stage: Option<String>,
    /// Whether some mix of the catalog serves the load.
    pub feasible: bool,
    /// Why no mix serves this point (when not feasible).
    pub error: Option<String>,
    /// The chosen tier of each component; empty when infeasible.
    pub components: Vec<SweepCell>,
    /// The lines no component carries (the scenario's usage items, plan
    /// fees and credits), USD per month (0 when infeasible). A component's
    /// own lines (egress, storage, usage-billed compute) are in its
    /// `total_monthly_usd`, as in `recommend` and `compare`.
    pub usage_usd: f64,
    /// The usage-priced items making up `usage_usd`, each priced (null when
    /// unpriced and so not in the sum).
    pub usage: Vec<UsageCost>,
    /// Environments besides production (in `monthly_usd`).
    pub environments_usd: f64,
    /// The whole bill (instances, charges, usage, environments), USD per month; null when
    /// infeasible.
    pub monthly_usd: Option<f64>,
    /// `monthly_usd` per registered user (at least 1), USD per user per month; null when
    /// infeasible.
    pub usd_per_user: Option<f64>,
    /// With intervals: the cheapest plan's cost over the sampled worlds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<bands::CostBand>,
}

/// The report behind `capplan sweep` (its JSON contract).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SweepReport {
    /// The scenario's name.
    pub scenario: String,
    /// The oldest `as_of` date (YYYY-MM-DD) of the tiers the rows use; null when none is dated.
    pub catalog_as_of: Option<String>,
    /// A given peak rate and the per-user request rate it set for the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_rate: Option<crate::demand::RateNote>,
    /// With intervals: how the rows' bands were sampled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sampling: Option<bands::SampleInfo>,
    /// The plan at each user count, in the order planned.
    pub rows: Vec<SweepRow>,
}

/// `points` user counts from `from` to `to`, evenly or (with `log`)
/// geometrically spaced, rounded to whole users, without repeats.
pub fn user_points(from: f64, to: f64, points: usize, log: bool) -> Vec<f64> {
    let points = points.max(1);
    let mut out: Vec<f64> = (0..points)
        .map(|i| {
            let t = if points == 1 { 0.0 } else { i as f64 / (points - 1) as f64 };
            if log {
                (from.ln() + t * (to.ln() - from.ln())).exp().round()
            } else {
                (from + t * (to - from)).round()
            }
        })
        .collect();
    out.dedup();
    out
}

/// Plans every user count, in parallel where there are several cores.
pub fn sweep(scenario: &Scenario, catalog: &Catalog, users: &[f64]) -> SweepReport {
    let planner = Planner::new(scenario, catalog);
    let rows: Vec<SweepRow> =
        crate::support::parallel::map(users.len(), |i| row(&planner, users[i]));
    SweepReport {
        scenario: scenario.name.clone(),
        catalog_as_of: oldest_date(catalog, &rows),
        given_rate: None,
        sampling: None,
        rows,
    }
}

fn row(planner: &Planner<'_>, users: f64) -> SweepRow {
    match planner.plan(users) {
        Ok(plan) => row_from_plan(planner, &plan),
        Err(e) => infeasible_row(planner, users, &e),
    }
}

/// A point no mix serves, with the reason.
pub(crate) fn infeasible_row(
    planner: &Planner<'_>,
    users: f64,
    e: &crate::planner::Infeasible,
) -> SweepRow {
    SweepRow {
        users,
        peak_rpm: crate::demand::demand(planner.scenario, users).peak_rpm,
        stage: stage_at(planner, users).map(|(_, name)| name),
        feasible: false,
        error: Some(e.to_string()),
        components: Vec::new(),
        usage_usd: 0.0,
        usage: Vec::new(),
        environments_usd: 0.0,
        monthly_usd: None,
        usd_per_user: None,
        band: None,
    }
}

pub(crate) fn row_from_plan(planner: &Planner<'_>, plan: &Plan) -> SweepRow {
    let users = plan.demand.users;
    SweepRow {
        users,
        peak_rpm: plan.demand.peak_rpm,
        stage: stage_at(planner, users).map(|(_, name)| name),
        feasible: true,
        error: None,
        components: plan
            .components
            .iter()
            .map(|c| SweepCell {
                name: c.name.clone(),
                tier: c.tier_ref.clone(),
                count: c.count,
                monthly_usd: c.monthly_usd,
                total_monthly_usd: c.total_monthly_usd(),
                binding: c.sized.binding.label(c.sized.latency_percentile),
            })
            .collect(),
        usage_usd: plan.usage.iter().filter_map(|u| u.monthly_usd).sum::<f64>() + 0.0,
        usage: plan
            .usage
            .iter()
            .map(|u| UsageCost { name: u.name.clone(), monthly_usd: u.monthly_usd })
            .collect(),
        // `+ 0.0`: an empty f64 sum is -0.0, which would print as "-0.0".
        environments_usd: plan.environments.iter().map(|e| e.monthly_usd).sum::<f64>() + 0.0,
        monthly_usd: Some(plan.monthly_usd),
        usd_per_user: Some(plan.monthly_usd / users.max(1.0)),
        band: None,
    }
}

/// The oldest `as_of` of the tiers the rows use.
pub(crate) fn oldest_date(catalog: &Catalog, rows: &[SweepRow]) -> Option<String> {
    catalog.oldest_tier_as_of(
        rows.iter().flat_map(|row| &row.components).map(|cell| cell.tier.as_str()),
    )
}

/// How users grow.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Growth {
    /// `15%/month`: users × (1 + rate) each month.
    Compound {
        /// Monthly growth as a fraction (0.15 = 15% a month).
        rate: f64,
    },
    /// `+500/month`: users + amount each month.
    Linear {
        /// Users added each month (negative: users lost), users per month.
        per_month: f64,
    },
}

impl Growth {
    /// Parses `15%/month`, `15%` or `+500/month`, `+500`.
    pub fn parse(text: &str) -> Result<Growth, String> {
        let t = text.trim();
        let body = t.strip_suffix("/month").or_else(|| t.strip_suffix("/mo")).unwrap_or(t).trim();
        let fail = || {
            format!(
                "--growth: expected a monthly growth such as 15%/month (compound) or +500/month (linear), got '{text}'"
            )
        };
        if let Some(pct) = body.strip_suffix('%') {
            let rate: f64 = pct.trim().parse().map_err(|_| fail())?;
            if !(rate.is_finite() && rate > -100.0 && rate <= 1000.0) {
                return Err(fail());
            }
            return Ok(Growth::Compound { rate: rate / 100.0 });
        }
        let amount: f64 = body.strip_prefix('+').unwrap_or(body).parse().map_err(|_| fail())?;
        if !amount.is_finite() || !body.starts_with(['+', '-']) {
            return Err(fail());
        }
        Ok(Growth::Linear { per_month: amount })
    }

    /// Parses a growth that may be uncertain: `15%/month`, or a range
    /// `5%..20%/month` (low..high) or `5%..10%..20%/month` (low..mid..high),
    /// read like a scenario interval (low and high the 5th and 95th
    /// percentiles). Returns the point growth (the median) and the interval.
    pub fn parse_range(
        text: &str,
    ) -> Result<(Growth, Option<crate::input::interval::Interval>), String> {
        if !text.contains("..") {
            return Growth::parse(text).map(|g| (g, None));
        }
        let t = text.trim();
        let (body, suffix) = match t.strip_suffix("/month").or_else(|| t.strip_suffix("/mo")) {
            Some(body) => (body, "/month"),
            None => (t, ""),
        };
        let parts: Vec<Growth> = body
            .split("..")
            .map(|p| Growth::parse(&format!("{}{suffix}", p.trim())))
            .collect::<Result<_, _>>()?;
        let values: Vec<f64> = parts
            .iter()
            .map(|g| match g {
                Growth::Compound { rate } => *rate,
                Growth::Linear { per_month } => *per_month,
            })
            .collect();
        let same_kind =
            parts.iter().all(|g| std::mem::discriminant(g) == std::mem::discriminant(&parts[0]));
        let fail = |why: String| {
            format!(
                "--growth: {why}; expected a range such as 5%..20%/month or +200..+800/month, got '{text}'"
            )
        };
        if !same_kind || !(2..=3).contains(&values.len()) {
            return Err(fail("both ends must be rates (%) or both amounts (+N)".into()));
        }
        let (low, high) = (values[0], values[values.len() - 1]);
        let mid = (values.len() == 3).then(|| values[1]);
        let interval =
            crate::input::interval::Interval::new(low, mid, high, None, false).map_err(fail)?;
        let point = match parts[0] {
            Growth::Compound { .. } => Growth::Compound { rate: interval.mid },
            Growth::Linear { .. } => Growth::Linear { per_month: interval.mid },
        };
        Ok((point, Some(interval)))
    }

    /// Users after `month` months from `start` users, rounded to whole users (linear growth: at
    /// least 1).
    pub fn users_at(&self, start: f64, month: u32) -> f64 {
        match *self {
            Growth::Compound { rate } => (start * (1.0 + rate).powi(month as i32)).round(),
            Growth::Linear { per_month } => (start + per_month * month as f64).round().max(1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_and_growth() {
        assert_eq!(user_points(10.0, 1000.0, 3, true), vec![10.0, 100.0, 1000.0]);
        assert_eq!(user_points(0.0, 100.0, 3, false), vec![0.0, 50.0, 100.0]);
        assert_eq!(Growth::parse("15%/month"), Ok(Growth::Compound { rate: 0.15 }));
        assert_eq!(Growth::parse("+500/month"), Ok(Growth::Linear { per_month: 500.0 }));
        assert!(Growth::parse("fast").is_err());
        let (point, interval) = Growth::parse_range("5%..20%/month").unwrap();
        assert_eq!(point, Growth::Compound { rate: 0.1 });
        assert_eq!(interval.unwrap().high, 0.2);
        let (point, _) = Growth::parse_range("+200..+400..+800/month").unwrap();
        assert_eq!(point, Growth::Linear { per_month: 400.0 });
        assert!(Growth::parse_range("5%..+300/month").is_err());
        assert!(Growth::parse_range("20%..5%/month").is_err());
        assert!(Growth::parse("500").is_err());
        assert_eq!(Growth::Compound { rate: 0.1 }.users_at(1000.0, 2), 1210.0);
        assert_eq!(Growth::Linear { per_month: 500.0 }.users_at(1000.0, 3), 2500.0);
    }
}

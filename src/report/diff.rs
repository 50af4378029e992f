//! `capplan diff`: the cost impact of a change to a scenario or its prices,
//! per component and in total, at one or more user counts.

use crate::catalog::Catalog;
use crate::report::recommend::{RecommendOptions, RecommendReport, recommend};
use crate::scenario::Scenario;
use serde::Serialize;

/// One component on both sides.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ComponentDiff {
    /// The component's scenario name.
    pub name: String,
    /// `2 × render/web/starter`, or null when the side lacks the component.
    pub base: Option<String>,
    /// The head side's `count × provider/offering/tier`; null when the head lacks the component or
    /// has no feasible plan.
    pub head: Option<String>,
    /// The base's instances, USD per month (charges are in `usage`); null when absent, infeasible
    /// or unpriced.
    pub base_usd: Option<f64>,
    /// The head's instances, USD per month (charges are in `usage`); null when absent, infeasible
    /// or unpriced.
    pub head_usd: Option<f64>,
    /// `head_usd` minus `base_usd`, USD per month (a missing side counts as 0).
    pub delta_usd: f64,
    /// Whether the tier, the count or the cost differs.
    pub changed: bool,
}

/// One usage-priced line (tokens, egress, storage add-ons, plan fees) on
/// both sides: component charges are named `component: charge`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LineDiff {
    /// The line's name (`component: charge` for a component charge).
    pub item: String,
    /// `provider/usage-id` of the price (the head's when both have one).
    pub price: String,
    /// The catalog's unit of the quantity (e.g. "1M tokens").
    pub unit: String,
    /// The base's monthly quantity in `unit`; null when the base lacks the line.
    pub base_quantity: Option<f64>,
    /// The head's monthly quantity in `unit`; null when the head lacks the line.
    pub head_quantity: Option<f64>,
    /// The base's cost, USD per month; null when the base lacks the line or it is unpriced.
    pub base_usd: Option<f64>,
    /// The head's cost, USD per month; null when the head lacks the line or it is unpriced.
    pub head_usd: Option<f64>,
    /// Head minus base (a missing or unpriced side counts as 0).
    pub delta_usd: f64,
    /// Whether the price, the quantity or the cost differs.
    pub changed: bool,
}

/// Both sides at one user count.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DiffPoint {
    /// The registered user count, users.
    pub users: f64,
    /// The base's ladder stage; null when it has none or is infeasible.
    pub base_stage: Option<String>,
    /// The head's ladder stage; null when it has none or is infeasible.
    pub head_stage: Option<String>,
    /// The base's total, USD per month; null when it has no feasible plan.
    pub base_usd: Option<f64>,
    /// The head's total, USD per month; null when it has no feasible plan.
    pub head_usd: Option<f64>,
    /// Null when either side has no feasible plan.
    pub delta_usd: Option<f64>,
    /// Null when the base costs $0 or either side is infeasible.
    pub delta_pct: Option<f64>,
    /// Why the base has no feasible plan; null when it has one.
    pub base_error: Option<String>,
    /// Why the head has no feasible plan; null when it has one.
    pub head_error: Option<String>,
    /// Every component of either side, matched by name.
    pub components: Vec<ComponentDiff>,
    /// Usage-priced lines and component charges; with the components'
    /// instance costs they add up to the totals.
    pub usage: Vec<LineDiff>,
}

/// The report behind `capplan diff` (its JSON contract).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DiffReport {
    /// The base side: its scenario path, then ` + ` and each `--tiers-base` overlay.
    pub base: String,
    /// The head side: its scenario path, then ` + ` and each patch and `--tiers-head` overlay.
    pub head: String,
    /// A given peak rate and the per-user request rate it set on each side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_rate: Option<crate::demand::RateNote>,
    /// A given peak rate and the per-user request rate it set on the head side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head_rate: Option<crate::demand::RateNote>,
    /// Both sides at each user count, in the order given.
    pub points: Vec<DiffPoint>,
}

/// A `--fail-above` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub enum Threshold {
    /// An increase in percent of the base's monthly total.
    Percent(f64),
    /// An increase in USD per month.
    Usd(f64),
}

impl Threshold {
    /// `10%`, `50usd`, `$50`, `50 USD`.
    pub fn parse(text: &str) -> Result<Threshold, String> {
        let t = text.trim().to_ascii_lowercase();
        let fail = || {
            format!("--fail-above: expected a monthly increase such as 10% or 50usd, got '{text}'")
        };
        let (number, percent) = if let Some(p) = t.strip_suffix('%') {
            (p.trim().to_string(), true)
        } else if let Some(u) = t.strip_suffix("usd") {
            (u.trim().to_string(), false)
        } else if let Some(u) = t.strip_prefix('$') {
            (u.trim().to_string(), false)
        } else {
            return Err(fail());
        };
        let value: f64 = number.parse().map_err(|_| fail())?;
        if !(value.is_finite() && value >= 0.0) {
            return Err(fail());
        }
        Ok(if percent { Threshold::Percent(value) } else { Threshold::Usd(value) })
    }

    /// Whether a point's increase exceeds the threshold; an infeasible head
    /// (where the base was feasible) always does.
    pub fn exceeded_by(&self, point: &DiffPoint) -> bool {
        match (point.base_usd, point.head_usd) {
            (Some(_), None) => true,
            (Some(base), Some(head)) => match *self {
                Threshold::Usd(max) => head - base > max + 1e-9,
                Threshold::Percent(max) => {
                    if base <= 0.0 {
                        head > 0.0
                    } else {
                        (head - base) / base * 100.0 > max + 1e-9
                    }
                }
            },
            _ => false,
        }
    }
}

/// Plans both sides at every user count.
pub fn diff(
    base: (&Scenario, &Catalog, &str),
    head: (&Scenario, &Catalog, &str),
    users: &[f64],
) -> DiffReport {
    let points = users
        .iter()
        .map(|&u| {
            let plan = |scenario: &Scenario, catalog: &Catalog| {
                recommend(scenario, catalog, u, RecommendOptions::default())
            };
            point(u, plan(base.0, base.1), plan(head.0, head.1))
        })
        .collect();
    DiffReport {
        base: base.2.to_string(),
        head: head.2.to_string(),
        base_rate: None,
        head_rate: None,
        points,
    }
}

fn describe(c: &crate::report::recommend::ComponentRow) -> String {
    format!("{} × {}/{}/{}", c.count, c.provider, c.offering, c.tier)
}

fn point<E: std::fmt::Display>(
    users: f64,
    base: Result<RecommendReport, E>,
    head: Result<RecommendReport, E>,
) -> DiffPoint {
    let (b, h) = (base.as_ref().ok(), head.as_ref().ok());
    let mut names: Vec<String> = Vec::new();
    for report in [b, h].into_iter().flatten() {
        for c in &report.components {
            if !names.contains(&c.name) {
                names.push(c.name.clone());
            }
        }
    }
    let components = names
        .into_iter()
        .map(|name| {
            let find = |r: Option<&RecommendReport>| {
                r.and_then(|r| r.components.iter().find(|c| c.name == name)).cloned()
            };
            let (bc, hc) = (find(b), find(h));
            let (bd, hd) = (bc.as_ref().map(describe), hc.as_ref().map(describe));
            let (bu, hu) =
                (bc.as_ref().and_then(|c| c.monthly_usd), hc.as_ref().and_then(|c| c.monthly_usd));
            ComponentDiff {
                changed: bd != hd || (bu.unwrap_or(0.0) - hu.unwrap_or(0.0)).abs() > 1e-9,
                name,
                base: bd,
                head: hd,
                base_usd: bu,
                head_usd: hu,
                delta_usd: hu.unwrap_or(0.0) - bu.unwrap_or(0.0),
            }
        })
        .collect();
    let usage = line_diffs(b, h);
    let (base_usd, head_usd) = (b.map(|r| r.monthly_usd), h.map(|r| r.monthly_usd));
    let delta = base_usd.zip(head_usd).map(|(x, y)| y - x);
    DiffPoint {
        users,
        base_stage: b.and_then(|r| r.stage.as_ref().map(|s| s.name.clone())),
        head_stage: h.and_then(|r| r.stage.as_ref().map(|s| s.name.clone())),
        base_usd,
        head_usd,
        delta_usd: delta,
        delta_pct: delta.zip(base_usd).filter(|(_, x)| *x > 0.0).map(|(d, x)| d / x * 100.0),
        base_error: base.err().map(|e| e.to_string()),
        head_error: head.err().map(|e| e.to_string()),
        components,
        usage,
    }
}

/// Every usage line and component charge of either side, matched by name.
fn line_diffs(b: Option<&RecommendReport>, h: Option<&RecommendReport>) -> Vec<LineDiff> {
    fn lines(report: Option<&RecommendReport>) -> Vec<(String, &crate::planner::UsageLine)> {
        let Some(report) = report else {
            return Vec::new();
        };
        report
            .components
            .iter()
            .flat_map(|c| c.charges.iter().map(move |l| (format!("{}: {}", c.name, l.name), l)))
            .chain(report.usage.iter().map(|l| (l.name.clone(), l)))
            .collect()
    }
    let (base, head) = (lines(b), lines(h));
    let mut items: Vec<&str> = Vec::new();
    for (item, _) in base.iter().chain(&head) {
        if !items.contains(&item.as_str()) {
            items.push(item);
        }
    }
    items
        .into_iter()
        .map(|item| {
            fn find<'a>(
                side: &[(String, &'a crate::planner::UsageLine)],
                item: &str,
            ) -> Option<&'a crate::planner::UsageLine> {
                side.iter().find(|(name, _)| name == item).map(|(_, l)| *l)
            }
            let (bl, hl) = (find(&base, item), find(&head, item));
            let (base_usd, head_usd) =
                (bl.and_then(|l| l.monthly_usd), hl.and_then(|l| l.monthly_usd));
            let (base_quantity, head_quantity) = (bl.map(|l| l.quantity), hl.map(|l| l.quantity));
            let either = hl.or(bl);
            LineDiff {
                item: item.to_string(),
                price: either.map_or(String::new(), |l| l.price.clone()),
                unit: either.map_or(String::new(), |l| l.unit.clone()),
                changed: bl.map(|l| &l.price) != hl.map(|l| &l.price)
                    || base_quantity != head_quantity
                    || base_usd != head_usd,
                delta_usd: head_usd.unwrap_or(0.0) - base_usd.unwrap_or(0.0),
                base_quantity,
                head_quantity,
                base_usd,
                head_usd,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        assert_eq!(Threshold::parse("10%"), Ok(Threshold::Percent(10.0)));
        assert_eq!(Threshold::parse("50usd"), Ok(Threshold::Usd(50.0)));
        assert_eq!(Threshold::parse("$50"), Ok(Threshold::Usd(50.0)));
        assert!(Threshold::parse("lots").is_err());
        assert!(Threshold::parse("-5%").is_err());
    }
}

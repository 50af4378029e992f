//! `capplan report`: everything a founder sends a co-founder or investor in
//! one struct: the recommendation at each user count asked for, the cost
//! curve around them, the stage ladder with its audit, and the source and
//! date of every price those plans use. The HTML page renders this.

use crate::catalog::Catalog;
use crate::report::recommend::{RecommendOptions, RecommendReport, recommend};
use crate::report::stages::StagesReport;
use crate::report::sweep::SweepReport;
use crate::scenario::Scenario;
use serde::Serialize;

/// Where one price used in the report comes from.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PriceSource {
    /// `provider/offering/tier` or `provider/usage-id`.
    pub price: String,
    /// Where the price was published (URL or note); null when the catalog gives none.
    pub source: Option<String>,
    /// The date the price was checked (YYYY-MM-DD); null when the catalog gives none.
    pub as_of: Option<String>,
    /// The catalog's confidence in the tier's price: low, medium or high; null when unstated and
    /// for usage prices.
    pub confidence: Option<&'static str>,
}

/// The report behind `capplan report` (its JSON contract).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PlanReport {
    /// The scenario's name.
    pub scenario: String,
    /// The day the report was made (`CAPPLAN_TODAY` in tests).
    pub made_on: String,
    /// The recommendation at each user count, in the order given.
    pub recommendations: Vec<RecommendReport>,
    /// Monthly cost from a tenth of the smallest count to ten times the largest.
    pub curve: SweepReport,
    /// The stage templates' capacity, cost and claims audit (when the
    /// scenario has templates).
    pub stages: Option<StagesReport>,
    /// Every price the recommendations use, each once.
    pub sources: Vec<PriceSource>,
}

/// The report for `users` (at least one count).
pub fn plan_report(
    scenario: &Scenario,
    catalog: &Catalog,
    users: &[f64],
    curve_points: usize,
) -> Result<PlanReport, String> {
    let recommendations = users
        .iter()
        .map(|&u| {
            recommend(
                scenario,
                catalog,
                u,
                RecommendOptions { explain: true, ..Default::default() },
            )
            .map_err(|e| format!("at {u} users: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let smallest = users.iter().copied().fold(f64::INFINITY, f64::min);
    let largest = users.iter().copied().fold(0.0, f64::max);
    let from = (smallest / 10.0).round().max(1.0);
    let to = (largest * 10.0).round().max(from * 10.0);
    let curve = crate::report::sweep::sweep(
        scenario,
        catalog,
        &crate::report::sweep::user_points(from, to, curve_points, true),
    );
    let stages = scenario
        .stages
        .iter()
        .any(|s| !s.mix.is_empty())
        .then(|| crate::report::stages::stages(scenario, catalog));
    let mut sources: Vec<PriceSource> = Vec::new();
    let mut add = |source: PriceSource| {
        if !sources.iter().any(|s| s.price == source.price) {
            sources.push(source);
        }
    };
    for report in &recommendations {
        for component in &report.components {
            add(PriceSource {
                price: format!("{}/{}/{}", component.provider, component.offering, component.tier),
                source: component.source.clone(),
                as_of: component.as_of.clone(),
                confidence: component.confidence,
            });
            for line in &component.charges {
                add(line_source(line));
            }
        }
        for line in &report.usage {
            add(line_source(line));
        }
    }
    Ok(PlanReport {
        scenario: recommendations.first().map_or_else(String::new, |r| r.scenario.clone()),
        made_on: crate::catalog::today(),
        recommendations,
        curve,
        stages,
        sources,
    })
}

fn line_source(line: &crate::planner::UsageLine) -> PriceSource {
    PriceSource {
        price: line.price.clone(),
        source: line.source.clone(),
        as_of: line.as_of.clone(),
        confidence: None,
    }
}

//! Usage-priced items: quantity from the average load, priced by volume
//! tiers after free quotas.

use crate::catalog::Catalog;
use crate::demand::Demand;
use crate::scenario::{Scenario, UsageDriver, UsageItem};
use serde::Serialize;

mod tokens;

/// One priced usage item.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct UsageLine {
    /// The usage item's name (the scenario's, or the charge's: `load balancer`,
    /// a plan fee).
    pub name: String,
    /// `provider/usage-id`.
    pub price: String,
    /// Monthly quantity in the catalog's unit (e.g. "1M tokens").
    pub quantity: f64,
    /// The unit of `quantity` (`1M tokens`, `GB`, `hour`, `month`, …).
    pub unit: String,
    /// `None` when some needed volume tier is unpriced.
    pub monthly_usd: Option<f64>,
    /// Where the price comes from (the nearest level that cites one); null when
    /// none does.
    pub source: Option<String>,
    /// Date (`YYYY-MM-DD`) of `source`; null when undated.
    pub as_of: Option<String>,
    /// The component whose tier brings this line (storage beyond the
    /// included amount, CPU credits, egress, a load balancer); absent for
    /// the scenario's own usage items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
}

/// "1M tokens" → 1,000,000; "10k requests" → 10,000; "GB" → 1.
pub fn unit_multiple(unit: &str) -> f64 {
    let first = unit.split_whitespace().next().unwrap_or("");
    let (number, scale) = match first.chars().last() {
        Some('M') => (&first[..first.len() - 1], 1e6),
        Some('k') => (&first[..first.len() - 1], 1e3),
        _ => (first, 1.0),
    };
    match number.parse::<f64>() {
        Ok(n) if n > 0.0 && unit.contains(' ') => n * scale,
        _ => 1.0,
    }
}

/// A usage item's monthly quantity in its price's base unit: the driver
/// × `amount` × (1 − cache hit ratio).
pub(crate) fn base_quantity(item: &UsageItem, demand: &Demand) -> f64 {
    let driver = match item.driver {
        UsageDriver::Requests => match item.class.as_deref() {
            Some(class) => demand.class_requests_per_month(class),
            None => demand.requests_per_month,
        },
        UsageDriver::Jobs => demand.monthly_jobs(item.class.as_deref().unwrap_or("")),
        UsageDriver::DailyActiveUsers => demand.daily_active_users,
        UsageDriver::MonthlyActiveUsers => demand.monthly_active_users,
        UsageDriver::RegisteredUsers => demand.users,
        UsageDriver::EgressGb => demand.egress_gb_per_month,
        UsageDriver::StorageGb => demand.storage_gb,
        UsageDriver::DbOperations => {
            demand.monthly_volume(crate::catalog::QuotaMetric::DbOperations)
        }
        UsageDriver::Fixed => 1.0,
    };
    let per_user_gb = item.files_mb_per_user.map_or(1.0, |mb| mb / 1024.0);
    driver * item.amount * per_user_gb * (1.0 - item.cache_hit_ratio)
}

/// The line of an item priced by a usage id (or a tier per
/// instance-month); `None` for egress priced with the component serving it.
fn priced_line(item: &UsageItem, catalog: &Catalog, demand: &Demand) -> Option<UsageLine> {
    // Egress served by a component is priced with that component.
    let reference = item.price.as_deref()?;
    let base = base_quantity(item, demand);
    let Some((provider, price)) = catalog.usage(reference) else {
        // A tier used as a usage item: instance-months at its price.
        let tier = catalog.tier(reference)?;
        let provenance = tier.provenance();
        return Some(UsageLine {
            name: item.name.clone(),
            price: reference.to_string(),
            quantity: base,
            unit: "instance-month".into(),
            monthly_usd: tier.monthly_usd().map(|m| m * base),
            source: provenance.source,
            as_of: provenance.as_of,
            component: None,
        });
    };
    let quantity = base / unit_multiple(&price.unit);
    let discount = if item.batch { price.batch_discount.unwrap_or(0.0) } else { 0.0 };
    // Priority applies to token prices (validation refuses it elsewhere).
    let cost =
        if item.priority { price.priority_usd.map(|p| quantity * p) } else { price.cost(quantity) };
    Some(UsageLine {
        name: item.name.clone(),
        price: reference.to_string(),
        quantity,
        unit: price.unit.clone(),
        monthly_usd: cost.map(|c| c * (1.0 - discount)),
        source: price.source.clone().or_else(|| provider.source.clone()),
        as_of: price.as_of.clone().or_else(|| provider.as_of.clone()),
        component: None,
    })
}

pub fn usage_lines(scenario: &Scenario, catalog: &Catalog, demand: &Demand) -> Vec<UsageLine> {
    let shape = crate::demand::LoadShape::new(&scenario.workload);
    let mut lines = Vec::new();
    for item in &scenario.usage {
        match &item.model {
            Some(model) => lines.extend(tokens::model_lines(item, model, catalog, demand, &shape)),
            None => lines.extend(priced_line(item, catalog, demand)),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::unit_multiple;

    #[test]
    fn unit_multiples() {
        assert_eq!(unit_multiple("1M tokens"), 1e6);
        assert_eq!(unit_multiple("10k requests"), 1e4);
        assert_eq!(unit_multiple("1k requests"), 1e3);
        assert_eq!(unit_multiple("GB"), 1.0);
        assert_eq!(unit_multiple("GB-month"), 1.0);
        assert_eq!(unit_multiple("LCU-hour"), 1.0);
    }
}

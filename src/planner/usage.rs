//! Usage-priced items: quantity from the average load, priced by volume
//! tiers after free quotas.

use crate::catalog::Catalog;
use crate::demand::Demand;
use crate::scenario::{Scenario, UsageDriver, UsageItem};
use serde::Serialize;

/// One priced usage item.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct UsageLine {
    pub name: String,
    /// `provider/usage-id`.
    pub price: String,
    /// Monthly quantity in the catalog's unit (e.g. "1M tokens").
    pub quantity: f64,
    pub unit: String,
    /// `None` when some needed volume tier is unpriced.
    pub monthly_usd: Option<f64>,
    pub source: Option<String>,
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
        UsageDriver::Requests => demand.requests_per_month,
        UsageDriver::Jobs => demand.monthly_jobs(item.class.as_deref().unwrap_or("")),
        UsageDriver::ActiveUsers => demand.daily_active_users,
        UsageDriver::EgressGb => demand.egress_gb_per_month,
        UsageDriver::StorageGb => demand.storage_gb,
        UsageDriver::DbOperations => {
            super::charges::monthly_volume(crate::catalog::QuotaMetric::DbOperations, demand)
        }
        UsageDriver::Fixed => 1.0,
    };
    driver * item.amount * (1.0 - item.cache_hit_ratio)
}

/// The token lines of a model item: input, cached input and output, each
/// at the model's price for that kind (the long-context price where one
/// call's prompt is above its threshold), the batch discount applied.
fn model_lines(
    item: &UsageItem,
    model: &str,
    catalog: &Catalog,
    demand: &Demand,
) -> Vec<UsageLine> {
    let calls = base_quantity(item, demand);
    let prompt = item.input_tokens.unwrap_or(0.0) + item.cached_input_tokens.unwrap_or(0.0);
    [
        ("input", "input tokens", item.input_tokens),
        (
            "cached-input",
            "cached input tokens",
            item.cached_input_tokens,
        ),
        ("output", "output tokens", item.output_tokens),
    ]
    .into_iter()
    .filter_map(|(suffix, what, tokens)| {
        let tokens = tokens?;
        let reference = format!("{model}-{suffix}");
        let name = format!("{} ({what})", item.name);
        let Some((provider, price)) = catalog.usage(&reference) else {
            return Some(UsageLine {
                name,
                price: reference,
                quantity: calls * tokens / 1e6,
                unit: "1M tokens".into(),
                monthly_usd: None,
                source: None,
                as_of: None,
                component: None,
            });
        };
        let quantity = calls * tokens / unit_multiple(&price.unit);
        let discount = if item.batch {
            price.batch_discount.unwrap_or(0.0)
        } else {
            0.0
        };
        let (cost, name, source) = match &price.long_context {
            Some(long) if prompt > long.above_tokens => (
                Some(quantity * long.usd),
                format!(
                    "{name}, prompts above {} tokens",
                    crate::units::trim_float(long.above_tokens, 0)
                ),
                long.source.clone(),
            ),
            _ => (price.cost(quantity), name, None),
        };
        Some(UsageLine {
            name: if item.batch && discount > 0.0 {
                format!("{name}, batch")
            } else {
                name
            },
            price: reference,
            quantity,
            unit: price.unit.clone(),
            monthly_usd: cost.map(|c| c * (1.0 - discount)),
            source: source
                .or_else(|| price.source.clone())
                .or_else(|| provider.source.clone()),
            as_of: price.as_of.clone().or_else(|| provider.as_of.clone()),
            component: None,
        })
    })
    .collect()
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
    let discount = if item.batch {
        price.batch_discount.unwrap_or(0.0)
    } else {
        0.0
    };
    Some(UsageLine {
        name: item.name.clone(),
        price: reference.to_string(),
        quantity,
        unit: price.unit.clone(),
        monthly_usd: price.cost(quantity).map(|c| c * (1.0 - discount)),
        source: price.source.clone().or_else(|| provider.source.clone()),
        as_of: price.as_of.clone().or_else(|| provider.as_of.clone()),
        component: None,
    })
}

pub fn usage_lines(scenario: &Scenario, catalog: &Catalog, demand: &Demand) -> Vec<UsageLine> {
    let mut lines = Vec::new();
    for item in &scenario.usage {
        match &item.model {
            Some(model) => lines.extend(model_lines(item, model, catalog, demand)),
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

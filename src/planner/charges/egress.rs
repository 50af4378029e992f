//! Egress at the serving platform's rate, after the transfer a plan includes.

use super::*;

/// Outbound data served by a component, at the egress rate of the
/// offering it runs on (unpriced when that offering publishes none),
/// after the transfer its `instances` include (the tier's
/// `bandwidth_gb_per_month` each, pooled: DigitalOcean, App Platform).
pub(crate) fn egress_charges(
    scenario: &Scenario,
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    catalog: &Catalog,
    instances: f64,
) -> Vec<UsageLine> {
    let mut allowance = tier.tier.capacity.bandwidth_gb_per_month.unwrap_or(0.0) * instances;
    scenario
        .usage
        .iter()
        .filter(|u| u.served_by.as_deref() == Some(component.name.as_str()))
        .flat_map(|u| {
            let gb = crate::planner::usage::base_quantity(u, demand);
            // The pooled allowance covers the items in order.
            let included = gb.min(allowance);
            allowance -= included;
            let name = if included > 0.0 {
                format!(
                    "{} (beyond {} GB included with the instances)",
                    u.name,
                    trim_float(included, 1)
                )
            } else {
                u.name.clone()
            };
            let served = match &tier.offering.egress {
                Some(id) => charge_line(catalog, tier, id, name, gb - included, &component.name),
                None => UsageLine {
                    name: u.name.clone(),
                    price: format!(
                        "{}/{} (no egress price)",
                        tier.provider.provider, tier.offering.id
                    ),
                    quantity: gb,
                    unit: "GB".into(),
                    monthly_usd: None,
                    source: None,
                    as_of: None,
                    component: Some(component.name.clone()),
                },
            };
            // The same bytes cross from the functions to the edge first
            // (Vercel Fast Origin Transfer), billed apart.
            let origin = tier.offering.origin_transfer.as_ref().map(|id| {
                charge_line(
                    catalog,
                    tier,
                    id,
                    format!("{} (from the functions to the edge)", u.name),
                    gb,
                    &component.name,
                )
            });
            std::iter::once(served).chain(origin)
        })
        .collect()
}

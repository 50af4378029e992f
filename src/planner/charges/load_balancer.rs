//! Load balancer hours and capacity units where an offering needs one.

use super::*;

/// A load balancer in front of `count` instances where the offering needs
/// one: its hours, and its capacity units hour by hour (new connections,
/// one per request; active connections, one per online user; processed
/// bytes, the egress), the hour billed on the largest. New connections
/// are requests ÷ `requests_per_connection` (workload; 1 by default, an
/// upper bound: clients with keep-alive reuse a connection).
pub(crate) fn load_balancer_charges(
    component: &Component,
    tier: &TierRef<'_>,
    count: u32,
    demand: &Demand,
    shape: &LoadShape,
    requests_per_connection: f64,
    catalog: &Catalog,
) -> Vec<UsageLine> {
    let Some(rule) = &tier.offering.load_balancer else {
        return Vec::new();
    };
    // Only web components take requests from outside.
    if component.role != crate::scenario::ComponentRole::Web {
        return Vec::new();
    }
    if count < rule.min_instances.unwrap_or(2) {
        return Vec::new();
    }
    let reference = format!("{}/{}", tier.provider.provider, rule.tier);
    let hours = match catalog.tier(&reference) {
        Some(lb) => {
            let provenance = lb.provenance();
            UsageLine {
                name: format!("load balancer ({})", lb.tier.name.as_deref().unwrap_or(&lb.tier.id)),
                price: reference,
                quantity: HOURS_PER_MONTH,
                unit: "hour".into(),
                monthly_usd: lb.monthly_usd(),
                source: provenance.source,
                as_of: provenance.as_of,
                component: Some(component.name.clone()),
            }
        }
        None => UsageLine {
            name: "load balancer".into(),
            price: reference,
            quantity: HOURS_PER_MONTH,
            unit: "hour".into(),
            monthly_usd: None,
            source: None,
            as_of: None,
            component: Some(component.name.clone()),
        },
    };
    let shares = shape.hours();
    let periods = shape.periods_per_month();
    let share_sum: f64 = shares.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let egress_per_share_hour = demand.egress_gb_per_month / periods / share_sum;
    let lcu_per_day: f64 = shares
        .iter()
        .map(|s| {
            let new_connections = demand.component_peak_rps(component) * s
                / requests_per_connection
                / LCU_NEW_CONNECTIONS_PER_S;
            let active = demand.online_users * s / LCU_ACTIVE_CONNECTIONS;
            let processed = egress_per_share_hour * s / LCU_PROCESSED_GB_PER_HOUR;
            new_connections.max(active).max(processed)
        })
        .sum();
    let units = charge_line(
        catalog,
        tier,
        &rule.capacity_unit,
        "load balancer capacity units".into(),
        lcu_per_day * periods,
        &component.name,
    );
    let mut lines = vec![hours, units];
    // One public address per availability zone the balancer spans.
    if let (Some(addresses), Some(id)) = (rule.public_ipv4_addresses, &tier.offering.public_ipv4) {
        lines.push(charge_line(
            catalog,
            tier,
            id,
            format!("public IPv4 addresses of the load balancer ({addresses}, one per availability zone)"),
            addresses as f64 * HOURS_PER_MONTH,
            &component.name,
        ));
    }
    lines
}

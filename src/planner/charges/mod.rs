//! What a real bill adds to a tier's own price, one function per catalog
//! rule (docs/catalogs.md, "Pricing rules"): storage beyond the included
//! amount, monthly quotas and their overage, burstable CPU above its
//! baseline, egress at the serving platform's rate, a load balancer in
//! front of several instances, and plans a feature requires. Each charge
//! is a `UsageLine` naming its component, so it prices, totals and traces
//! like any usage item; an unpriced charge makes its option unpriced,
//! never free.

mod burst;
mod instance_lines;
mod reply_transfer;

pub(crate) use burst::{baseline_count, burst_day, burst_mode, surplus_charge, surplus_vcpu_hours};
pub(crate) use instance_lines::instance_charges;
pub(crate) use reply_transfer::reply_transfer_charges;

use super::Binding;
use super::compute::Rejection;
use super::usage::{UsageLine, unit_multiple};
use crate::catalog::{
    Catalog, HOURS_PER_MONTH, LCU_ACTIVE_CONNECTIONS, LCU_NEW_CONNECTIONS_PER_S,
    LCU_PROCESSED_GB_PER_HOUR, StorageMetering, StorageRule, TierRef,
};
use crate::demand::{DAYS_PER_MONTH, Demand};
use crate::input::units::trim_float;
use crate::scenario::{Component, Scenario};

/// A line priced by usage entry `id` of the tier's provider, for
/// `quantity` in the unit's base (GB, commands, hours). A usage id the
/// catalog lacks gives an unpriced line.
pub(crate) fn charge_line(
    catalog: &Catalog,
    tier: &TierRef<'_>,
    id: &str,
    name: String,
    base_quantity: f64,
    component: &str,
) -> UsageLine {
    let reference = format!("{}/{id}", tier.provider.provider);
    match catalog.usage(&reference) {
        Some((provider, price)) => {
            let quantity = base_quantity / unit_multiple(&price.unit);
            UsageLine {
                name,
                price: reference,
                quantity,
                unit: price.unit.clone(),
                monthly_usd: price.cost(quantity),
                source: price.source.clone().or_else(|| provider.source.clone()),
                as_of: price.as_of.clone().or_else(|| provider.as_of.clone()),
                component: Some(component.to_string()),
            }
        }
        None => UsageLine {
            name,
            price: reference,
            quantity: base_quantity,
            unit: String::new(),
            monthly_usd: None,
            source: None,
            as_of: None,
            component: Some(component.to_string()),
        },
    }
}

/// The storage a database component provisions (the need with its
/// headroom, at least the offering's minimum) and stores.
pub(crate) fn storage_need_gb(component: &Component, tier: &TierRef<'_>, demand: &Demand) -> f64 {
    let headroom = component
        .storage_headroom
        .unwrap_or(super::defaults::DEFAULT_STORAGE_HEADROOM);
    let min = tier
        .offering
        .storage
        .as_ref()
        .and_then(|s| s.min_gb)
        .unwrap_or(0.0);
    (demand.storage_gb * headroom).max(if demand.storage_gb > 0.0 { min } else { 0.0 })
}

/// The storage a database is billed for: what the component was given
/// (`storage_gb`), else the need with its headroom.
pub(crate) fn provisioned_storage_gb(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
) -> f64 {
    component
        .storage_gb
        .unwrap_or_else(|| storage_need_gb(component, tier, demand))
}

/// The largest storage a tier can be given: the tier's own maximum, else
/// the offering's, else (without storage pricing) what it includes.
pub(crate) fn max_storage_gb(tier: &TierRef<'_>) -> Option<f64> {
    let cap = &tier.tier.capacity;
    match &tier.offering.storage {
        Some(pricing) => cap.max_storage_gb.or(pricing.max_gb),
        None => cap.storage_gb,
    }
}

/// Storage bought beyond a database tier's included amount, by the
/// offering's rule: only the excess, or the full amount once it exceeds
/// the default (Atlas). `None` when the need fits what is included.
pub(crate) fn storage_charge(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    catalog: &Catalog,
) -> Option<UsageLine> {
    let pricing = tier.offering.storage.as_ref()?;
    let included = tier.tier.capacity.storage_gb.unwrap_or(0.0);
    let provisioned = provisioned_storage_gb(component, tier, demand);
    if crate::planner::fits(provisioned, included) {
        return None;
    }
    let metered = match pricing.metered {
        StorageMetering::Provisioned => provisioned,
        StorageMetering::Used => demand.storage_gb,
    };
    let (billed, name) = match pricing.rule {
        StorageRule::Excess if included > 0.0 => (
            (metered - included).max(0.0),
            format!("storage beyond the included {} GB", trim_float(included, 1)),
        ),
        StorageRule::Excess => (metered, "storage".to_string()),
        StorageRule::FullAmount => (
            metered,
            format!(
                "custom storage, all {} GB billed (the included {} GB are not deducted)",
                trim_float(metered, 1),
                trim_float(included, 1)
            ),
        ),
    };
    Some(charge_line(
        catalog,
        tier,
        &pricing.price,
        name,
        billed,
        &component.name,
    ))
}

/// Backup storage beyond the offering's free share of the provisioned
/// storage: the data stored × the component's `backup_size_ratio`
/// (default 1). An offering that bills backups at no known rate gives an
/// unpriced line; a tier with backups in its price, or none, no line.
pub(crate) fn backup_charge(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    catalog: &Catalog,
) -> Option<UsageLine> {
    let rule = tier.offering.backup.as_ref()?;
    if tier.tier.backup.is_some() {
        return None;
    }
    let backup_gb = demand.storage_gb * component.backup_size_ratio.unwrap_or(1.0);
    if backup_gb <= 0.0 {
        return None;
    }
    // The storage the allowance is a share of: what is billed (the data
    // itself where storage is metered by use, as DocumentDB's cluster
    // storage), else the provisioned size.
    let storage = match tier.offering.storage.as_ref().map(|s| s.metered) {
        Some(StorageMetering::Used) => demand.storage_gb,
        _ => provisioned_storage_gb(component, tier, demand)
            .max(tier.tier.capacity.storage_gb.unwrap_or(0.0)),
    };
    let free = storage * rule.free_share_of_storage.unwrap_or(0.0);
    let billed = (backup_gb - free).max(0.0);
    match &rule.price {
        Some(id) if billed > 0.0 => Some(charge_line(
            catalog,
            tier,
            id,
            match rule.free_share_of_storage {
                Some(share) if share > 0.0 => format!(
                    "backup storage beyond the free {} GB ({}% of the storage)",
                    trim_float(free, 1),
                    trim_float(share * 100.0, 0)
                ),
                _ => "backup storage".to_string(),
            },
            billed,
            &component.name,
        )),
        Some(_) => None,
        None => Some(UsageLine {
            name: "backups".into(),
            price: format!(
                "{}/{}: no published backup rate",
                tier.provider.provider, tier.offering.id
            ),
            quantity: backup_gb,
            unit: "GB-month".into(),
            monthly_usd: None,
            source: rule.source.clone(),
            as_of: None,
            component: Some(component.name.clone()),
        }),
    }
}

/// A capacity-unit database's units above its minimum (the tier's own
/// price), hour by hour: each hour the units that hold the working set in
/// memory and, where a unit's vCPUs are published, the hour's operations,
/// rounded up to the step and kept within the minimum and maximum.
pub(crate) fn capacity_unit_charge(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    shares: &[f64],
    catalog: &Catalog,
) -> Option<UsageLine> {
    let units = tier.offering.capacity_units.as_ref()?;
    let max_memory = component
        .slo
        .max_memory_utilization
        .unwrap_or(super::defaults::DEFAULT_MAX_MEMORY_UTILIZATION);
    let max_util = component
        .slo
        .max_utilization
        .unwrap_or(super::defaults::DEFAULT_MAX_UTILIZATION);
    let for_memory = demand.working_set_gb * 1024.0 / max_memory / units.memory_mb_per_unit;
    let per_unit_ops = units.vcpu_per_unit.map(|v| {
        v * component
            .ops_per_vcpu
            .unwrap_or(super::defaults::DEFAULT_OPS_PER_VCPU)
            * max_util
    });
    let hours: Vec<f64> = shares
        .iter()
        .map(|share| {
            let for_ops = per_unit_ops.map_or(0.0, |per| demand.db_ops_per_s * share / per);
            let need = for_memory.max(for_ops);
            ((need / units.step).ceil() * units.step).clamp(units.min, units.max)
        })
        .collect();
    let above_min = hours.iter().map(|u| u - units.min).sum::<f64>() / hours.len().max(1) as f64
        * HOURS_PER_MONTH;
    if above_min <= 0.0 {
        return None;
    }
    let peak = hours.iter().copied().fold(units.min, f64::max);
    Some(charge_line(
        catalog,
        tier,
        &units.price,
        format!(
            "capacity units above the {} minimum (up to {} at the peak hour)",
            trim_float(units.min, 2),
            trim_float(peak, 2)
        ),
        above_min,
        &component.name,
    ))
}

/// The tier's monthly quotas against the demand: overage where the tier
/// prices it, a rejection where the quota is a hard limit.
pub(crate) fn quota_charges(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    catalog: &Catalog,
    explain_it: bool,
) -> Result<Vec<UsageLine>, Rejection> {
    let mut lines = Vec::new();
    for quota in &tier.tier.quotas {
        let volume = demand
            .monthly_volume(quota.metric)
            .max(quota.minimum.unwrap_or(0.0));
        if crate::planner::fits(volume, quota.per_month) {
            continue;
        }
        let Some(overage) = &quota.overage else {
            return Err(Rejection {
                tier: tier.reference(),
                binding: Binding::Quota,
                reason: if explain_it {
                    format!(
                        "{} {} a month, the plan allows {} (no overage)",
                        trim_float(volume, 0),
                        quota.metric.unit(),
                        trim_float(quota.per_month, 0)
                    )
                } else {
                    String::new()
                },
            });
        };
        let name = if quota.per_month > 0.0 {
            format!(
                "{} beyond the included {}",
                quota.metric.unit(),
                trim_float(quota.per_month, 0)
            )
        } else {
            quota.metric.unit().to_string()
        };
        lines.push(charge_line(
            catalog,
            tier,
            overage,
            name,
            volume - quota.per_month,
            &component.name,
        ));
    }
    Ok(lines)
}

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
            let gb = super::usage::base_quantity(u, demand);
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
    shares: &[f64],
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
                name: format!(
                    "load balancer ({})",
                    lb.tier.name.as_deref().unwrap_or(&lb.tier.id)
                ),
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
    let share_sum: f64 = shares.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let egress_per_share_hour = demand.egress_gb_per_month / DAYS_PER_MONTH / share_sum;
    let lcu_per_day: f64 = shares
        .iter()
        .map(|s| {
            let new_connections =
                demand.peak_rps * s / requests_per_connection / LCU_NEW_CONNECTIONS_PER_S;
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
        lcu_per_day * DAYS_PER_MONTH,
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

/// The platform plans this component's features need on this tier, as
/// `provider/offering/tier` references.
pub(crate) fn required_plans(component: &Component, tier: &TierRef<'_>) -> Vec<String> {
    tier.offering
        .requires
        .iter()
        .filter(|fee| match fee.feature {
            crate::catalog::Feature::Autoscaling => component.autoscale.is_some(),
            crate::catalog::Feature::Always => true,
        })
        .map(|fee| format!("{}/{}", tier.provider.provider, fee.tier))
        .collect()
}

/// Why a component needs a plan, for the plan's line: the feature, or the
/// offering itself.
pub(crate) fn plan_reason(component: &Component, tier: &TierRef<'_>, plan: &str) -> String {
    let autoscaling = tier.offering.requires.iter().any(|fee| {
        fee.feature == crate::catalog::Feature::Autoscaling
            && plan.ends_with(&format!("/{}", fee.tier))
    });
    if autoscaling && component.autoscale.is_some() {
        format!("autoscaling of {}", component.name)
    } else {
        format!(
            "{} on {}/{}",
            component.name, tier.provider.provider, tier.offering.id
        )
    }
}

/// The usage a plan's fee includes, taken off what the plan's provider's
/// components cost (on the offerings the credit names, or all of them):
/// one negative line per plan with a `credit`, never more than the fee's
/// credit nor than what the components cost.
pub(crate) fn plan_credit_lines(
    catalog: &Catalog,
    fees: &[UsageLine],
    components: &[super::ComponentPlan],
) -> Vec<UsageLine> {
    fees.iter()
        .filter_map(|fee| {
            let plan = catalog.tier(&fee.price)?;
            let credit = plan.tier.credit.as_ref()?;
            let provider = &plan.provider.provider;
            let eligible: f64 = components
                .iter()
                .filter(|c| {
                    let mut parts = c.tier_ref.split('/');
                    parts.next() == Some(provider.as_str())
                        && parts.next().is_some_and(|offering| {
                            credit.offerings.is_empty()
                                || credit.offerings.iter().any(|o| o == offering)
                        })
                })
                .filter_map(|c| c.total_monthly_usd())
                .sum();
            let taken = credit.usd.min(eligible);
            (taken > 0.0).then(|| {
                let provenance = plan.provenance();
                UsageLine {
                    name: format!(
                        "{} plan: usage included in the fee (up to ${})",
                        plan.tier.name.as_deref().unwrap_or(&plan.tier.id),
                        trim_float(credit.usd, 2)
                    ),
                    price: fee.price.clone(),
                    quantity: 1.0,
                    unit: "month".into(),
                    monthly_usd: Some(-taken),
                    source: credit.source.clone().or(provenance.source),
                    as_of: provenance.as_of,
                    component: None,
                }
            })
        })
        .collect()
}

/// The monthly line of a required platform plan, for `seats` seats where
/// the plan is priced per seat.
pub(crate) fn plan_fee_line(
    catalog: &Catalog,
    reference: &str,
    seats: u32,
    why: &str,
) -> UsageLine {
    match catalog.tier(reference) {
        Some(plan) => {
            let per_seat = plan.tier.price.per_seat == Some(true);
            let quantity = if per_seat { seats as f64 } else { 1.0 };
            let provenance = plan.provenance();
            UsageLine {
                name: format!(
                    "{} plan, required by {why}",
                    plan.tier.name.as_deref().unwrap_or(&plan.tier.id)
                ),
                price: reference.to_string(),
                quantity,
                unit: if per_seat { "seat-month" } else { "month" }.into(),
                monthly_usd: plan.monthly_usd().map(|m| m * quantity),
                source: provenance.source,
                as_of: provenance.as_of,
                component: None,
            }
        }
        None => UsageLine {
            name: format!("plan required by {why}"),
            price: reference.to_string(),
            quantity: 1.0,
            unit: "month".into(),
            monthly_usd: None,
            source: None,
            as_of: None,
            component: None,
        },
    }
}

/// What ranking counts for one unpriced line: more than any priced plan,
/// so an option resting on an unknown price is never preferred to one
/// with a known price, yet finite, so where every option has the unknown
/// line (egress on a platform that publishes no rate) the cheapest of them
/// is still the answer, its line reported unpriced. Never shown as a cost.
pub(crate) const UNPRICED_RANK_USD: f64 = 1e12;

/// Whether a ranking cost is a price (no unpriced line counted in it), so
/// it may be shown as money.
pub(crate) fn is_price(cost: f64) -> bool {
    cost < UNPRICED_RANK_USD
}

/// The sum of priced lines for ranking, each unpriced one counted as
/// [`UNPRICED_RANK_USD`].
pub(crate) fn total(lines: &[UsageLine]) -> f64 {
    lines
        .iter()
        .map(|l| l.monthly_usd.unwrap_or(UNPRICED_RANK_USD))
        .sum()
}

//! What a real bill adds to a tier's own price, one function per catalog
//! rule (docs/catalogs.md, "Pricing rules"): storage beyond the included
//! amount, monthly quotas and their overage, burstable CPU above its
//! baseline, egress at the serving platform's rate, a load balancer in
//! front of several instances, and plans a feature requires. Each charge
//! is a `UsageLine` naming its component, so it prices, totals and traces
//! like any usage item; an unpriced charge makes its option unpriced,
//! never free.

mod burst;
mod capacity_units;
mod egress;
mod instance_lines;
mod load_balancer;
mod plans;
mod quota;
mod reply_transfer;
mod storage;

pub(crate) use burst::{baseline_count, burst_day, burst_mode, surplus_charge, surplus_vcpu_hours};
pub(crate) use capacity_units::capacity_unit_charge;
pub(crate) use egress::egress_charges;
pub(crate) use instance_lines::instance_charges;
pub(crate) use load_balancer::load_balancer_charges;
pub(crate) use plans::{plan_credit_lines, plan_fee_line, plan_reason, required_plans};
pub(crate) use quota::quota_charges;
pub(crate) use reply_transfer::reply_transfer_charges;
pub(crate) use storage::{backup_charge, max_storage_gb, storage_charge, storage_need_gb};

use super::Binding;
use super::compute::Rejection;
use super::usage::{UsageLine, unit_multiple};
use crate::catalog::{
    Catalog, HOURS_PER_MONTH, LCU_ACTIVE_CONNECTIONS, LCU_NEW_CONNECTIONS_PER_S,
    LCU_PROCESSED_GB_PER_HOUR, StorageMetering, StorageRule, TierRef,
};
use crate::demand::{Demand, LoadShape};
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
    lines.iter().map(|l| l.monthly_usd.unwrap_or(UNPRICED_RANK_USD)).sum()
}

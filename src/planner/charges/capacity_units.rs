//! Capacity units billed by the hour over the day (load balancer LCUs,
//! serverless capacity units).

use super::*;

/// A capacity-unit database's units above its minimum (the tier's own
/// price), hour by hour: each hour the units that hold the working set in
/// memory and, where a unit's vCPUs are published, the hour's operations,
/// rounded up to the step and kept within the minimum and maximum.
pub(crate) fn capacity_unit_charge(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    shape: &LoadShape,
    catalog: &Catalog,
) -> Option<UsageLine> {
    let units = tier.offering.capacity_units.as_ref()?;
    let max_memory = component
        .slo
        .max_memory_utilization
        .unwrap_or(crate::planner::defaults::DEFAULT_MAX_MEMORY_UTILIZATION);
    let max_util =
        component.slo.max_utilization.unwrap_or(crate::planner::defaults::DEFAULT_MAX_UTILIZATION);
    let for_memory = demand.working_set_gb * 1024.0 / max_memory / units.memory_mb_per_unit;
    let per_unit_ops = units.vcpu_per_unit.map(|v| {
        v * component.ops_per_vcpu.unwrap_or(crate::planner::defaults::DEFAULT_OPS_PER_VCPU)
            * max_util
    });
    let hours: Vec<f64> = shape
        .hours()
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

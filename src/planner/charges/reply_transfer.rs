//! The replies a datastore sends: operations × `result_kb_per_operation`
//! (default 1 KB) a month. They count against the tier's included
//! bandwidth (`bandwidth_gb_per_month`, Upstash's fixed plans): beyond it
//! the offering's egress price, or a refusal where it sells none. Where
//! the tier includes none, they are billed at the offering's egress only
//! when no compute runs on the datastore's own provider (Supabase, Neon or
//! Atlas behind Vercel or Render: the replies leave the platform). A
//! component the scenario's usage items serve egress from (`served_by`)
//! is left to them.

use super::charge_line;
use crate::catalog::{Catalog, QuotaMetric, TierRef};
use crate::demand::Demand;
use crate::input::units::trim_float;
use crate::planner::compute::Rejection;
use crate::planner::{Binding, UsageLine};
use crate::scenario::{Component, ComponentRole};

/// The reply size when a component gives none, KB.
pub(crate) const DEFAULT_RESULT_KB: f64 = 1.0;

pub(crate) fn reply_transfer_charges(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    catalog: &Catalog,
    explain_it: bool,
) -> Result<Vec<UsageLine>, Rejection> {
    // The scenario's own usage items say what this component sends.
    if demand.egress_served_by.contains(&component.name) {
        return Ok(Vec::new());
    }
    let operations = match component.role {
        ComponentRole::Database => demand.monthly_volume(QuotaMetric::DbOperations),
        ComponentRole::Cache => demand.monthly_volume(QuotaMetric::CacheCommands),
        _ => return Ok(Vec::new()),
    };
    let kb = component.result_kb_per_operation.unwrap_or(DEFAULT_RESULT_KB);
    let gb = operations * kb / 1024.0 / 1024.0;
    if gb <= 0.0 {
        return Ok(Vec::new());
    }
    let size =
        format!("{} M operations × {} KB", trim_float(operations / 1e6, 2), trim_float(kb, 2));
    let egress = tier.offering.egress.as_ref();
    if let Some(included) = tier.tier.capacity.bandwidth_gb_per_month {
        if crate::planner::fits(gb, included) {
            return Ok(Vec::new());
        }
        let Some(id) = egress else {
            return Err(Rejection {
                tier: tier.reference(),
                binding: Binding::Quota,
                reason: if explain_it {
                    format!(
                        "replies need {} GB a month ({size}), the plan includes {} GB and sells no more",
                        trim_float(gb, 1),
                        trim_float(included, 0)
                    )
                } else {
                    String::new()
                },
            });
        };
        return Ok(vec![charge_line(
            catalog,
            tier,
            id,
            format!("replies beyond the {} GB the plan includes ({size})", trim_float(included, 0)),
            gb - included,
            &component.name,
        )]);
    }
    let own_platform = demand.compute_providers.contains(&tier.provider.provider);
    match egress {
        Some(id) if !own_platform => Ok(vec![charge_line(
            catalog,
            tier,
            id,
            format!("replies to compute on another platform ({size})"),
            gb,
            &component.name,
        )]),
        _ => Ok(Vec::new()),
    }
}

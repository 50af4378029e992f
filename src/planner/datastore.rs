//! Database and cache components: one instance of the cheapest tier whose
//! storage, memory, connections and operations cover the demand.

use super::charges::{quota_charges, reply_transfer_charges, storage_charge};
use super::compute::Rejection;
use super::datastore_needs::{
    Need, Targets, cache_needs, connection_limit, database_needs, published_only,
};
use super::defaults::{DEFAULT_MAX_MEMORY_UTILIZATION, DEFAULT_MAX_UTILIZATION};
use super::usage::UsageLine;
use super::{Binding, LimitCheck, Sized, fits};
use crate::catalog::{Catalog, LimitBasis, TierRef};
use crate::demand::Demand;
use crate::input::units::trim_float;
use crate::scenario::{Component, ComponentRole, UnverifiedLimit};

/// A datastore tier that holds the demand: its report, warnings, the
/// charges its pricing rules add (storage, quota overage) and the limits
/// it was accepted without.
pub(crate) struct DatastoreCheck {
    pub sized: Sized,
    pub warnings: Vec<String>,
    pub charges: Vec<UsageLine>,
    pub unverified: Vec<UnverifiedLimit>,
}

/// The standby nodes a highly available component adds to a tier and
/// the share of its memory left usable; `(0, 1.0)` without high
/// availability. A tier whose offering is not known to run highly
/// available is rejected.
fn high_availability(component: &Component, tier: &TierRef<'_>) -> Result<(u32, f64), Rejection> {
    if !component.wants_high_availability() {
        return Ok((0, 1.0));
    }
    match (&tier.offering.high_availability, tier.tier.high_availability) {
        (Some(ha), None | Some(true)) => Ok((ha.standby_nodes, ha.usable_memory.unwrap_or(1.0))),
        (Some(_), Some(false)) => Err(Rejection {
            tier: tier.reference(),
            binding: Binding::HighAvailability,
            reason: "this tier cannot run highly available (catalog: high_availability: false)"
                .into(),
        }),
        (None, _) => {
            let alternatives: Vec<String> = tier
                .provider
                .offerings
                .iter()
                .filter(|o| o.role == tier.offering.role && o.high_availability.is_some())
                .map(|o| format!("{}/{}", tier.provider.provider, o.id))
                .collect();
            Err(Rejection {
                tier: tier.reference(),
                binding: Binding::HighAvailability,
                reason: format!(
                    "the catalog knows of no high availability for {}/{} (offering field high_availability){}",
                    tier.provider.provider,
                    tier.offering.id,
                    if alternatives.is_empty() {
                        String::new()
                    } else {
                        format!("; candidates that have it: {}", alternatives.join(", "))
                    }
                ),
            })
        }
    }
}

/// How much a datastore check reports beyond fit or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detail {
    /// A search: the count, charges and binding only.
    Search,
    /// The chosen tier: also its limits with their bases, its warnings
    /// and, for a tier that fails, the reason.
    Chosen,
    /// The chosen tier explained: also the arithmetic (`--explain`).
    Explain,
}

/// Checks a datastore tier for this demand and this many client
/// connections; `Ok` carries the report with the tightest constraint as
/// the binding one and, with more `detail`, the limits, the warnings
/// (limits the catalog does not publish) and the arithmetic. Searches
/// pass `Detail::Search`: the planner reports only the tier it chooses.
/// `nodes` fixes the node count (a stage template); `None` lets a database
/// with read replicas take the fewest that carry the reads.
pub(crate) fn check_datastore(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    connections: f64,
    detail: Detail,
    nodes: Option<u32>,
    catalog: &Catalog,
) -> Result<DatastoreCheck, Rejection> {
    let explain_it = detail != Detail::Search;
    let arithmetic = detail == Detail::Explain;
    let (standby, usable_memory) = high_availability(component, tier)?;
    let nodes = nodes.map(|n| n.saturating_sub(standby).max(1));
    let targets = Targets {
        usable_memory,
        max_util: component.slo.max_utilization.unwrap_or(DEFAULT_MAX_UTILIZATION),
        max_mem: component.slo.max_memory_utilization.unwrap_or(DEFAULT_MAX_MEMORY_UTILIZATION),
        basis_text: explain_it,
    };
    let (mut needs, mut count) = match component.role {
        ComponentRole::Database => database_needs(component, tier, demand, nodes, &targets)?,
        _ => (cache_needs(component, tier, demand, &targets)?, 1),
    };
    let (connection_limit, connection_estimate) = connection_limit(component, tier);
    needs.push(Need {
        binding: Binding::Connections,
        what: "connections",
        needed: connections,
        limit: connection_limit,
        estimate: connection_estimate,
        role_default: false,
        unit: "connections",
        required: Some(UnverifiedLimit::Connections),
    });
    for need in needs.iter_mut().filter(|n| !n.role_default) {
        (need.limit, need.estimate) = published_only(component, need.limit, need.estimate.take());
    }
    let mut explain = if arithmetic { vec![tier.reference()] } else { Vec::new() };
    let weighed = weigh_needs(component, tier, &needs, detail, &mut explain)?;
    let (utilization, binding) = weighed.tightest.unwrap_or((0.0, Binding::Storage));
    if count > 1 && arithmetic {
        explain.push(format!("1 primary + {} read replica(s) of the same tier", count - 1));
    }
    if arithmetic && component.wants_high_availability() {
        explain.push(match (standby, usable_memory < 1.0) {
            (0, false) => "high availability: standby nodes are in the tier's price".into(),
            (0, true) => format!(
                "high availability: replication leaves {}% of the memory usable",
                trim_float(usable_memory * 100.0, 1)
            ),
            (n, _) => format!("high availability: + {n} standby node(s) at the tier's price"),
        });
    }
    count += standby;
    let charges = datastore_charges(component, tier, demand, catalog, detail, &mut explain)?;
    Ok(DatastoreCheck {
        sized: Sized {
            count,
            utilization: Some(utilization),
            occupancy: None,
            p95_ms: None,
            latency_ms: None,
            latency_percentile: None,
            binding,
            feasible: true,
            explain,
            baseline: None,
            limits: weighed.limits,
            classes: Vec::new(),
        },
        warnings: weighed.warnings,
        charges,
        unverified: weighed.unverified,
    })
}

/// Each need against its limit: the tightest ratio, the limits checked
/// and the warnings (beyond a search), the unpublished limits accepted.
struct Weighed {
    tightest: Option<(f64, Binding)>,
    limits: Vec<LimitCheck>,
    unverified: Vec<UnverifiedLimit>,
    warnings: Vec<String>,
}

/// Weighs every need; the first over its limit, or unpublished where the
/// load depends on it and the component does not accept that, rejects
/// the tier.
fn weigh_needs(
    component: &Component,
    tier: &TierRef<'_>,
    needs: &[Need],
    detail: Detail,
    explain: &mut Vec<String>,
) -> Result<Weighed, Rejection> {
    let explain_it = detail != Detail::Search;
    let arithmetic = detail == Detail::Explain;
    let cap = &tier.tier.capacity;
    let mut warnings = Vec::new();
    let mut limits = Vec::new();
    let mut tightest: Option<(f64, Binding)> = None;
    let mut unverified = Vec::new();
    for need in needs {
        match need.limit {
            Some(limit) => {
                if !fits(need.needed, limit) && !explain_it {
                    return Err(Rejection {
                        tier: String::new(),
                        binding: need.binding,
                        reason: String::new(),
                    });
                }
                if !fits(need.needed, limit) {
                    return Err(Rejection {
                        tier: tier.reference(),
                        binding: need.binding,
                        reason: format!(
                            "{} needs {} {}, the tier allows {} {}",
                            need.what,
                            trim_float(need.needed, 2),
                            need.unit,
                            trim_float(limit, 2),
                            need.unit
                        ),
                    });
                }
                let ratio = need.needed / limit;
                if tightest.is_none_or(|(r, _)| ratio > r) {
                    tightest = Some((ratio, need.binding));
                }
                if arithmetic {
                    explain.push(format!(
                        "{}: {} of {}{} {} ({:.1}%){}",
                        need.what,
                        trim_float(need.needed, 2),
                        if need.estimate.is_some() { "≈" } else { "" },
                        trim_float(limit, 2),
                        need.unit,
                        ratio * 100.0,
                        need.estimate
                            .as_ref()
                            .map_or(String::new(), |b| format!(", estimated: {b}"))
                    ));
                }
                if explain_it {
                    limits.push(LimitCheck {
                        what: need.what.to_string(),
                        needed: need.needed,
                        limit,
                        unit: need.unit.to_string(),
                        basis: if need.estimate.is_some() {
                            LimitBasis::Estimated
                        } else {
                            LimitBasis::Published
                        },
                        estimate: need.estimate.clone(),
                    });
                }
            }
            None if need.needed > 0.0 => {
                if let Some(limit) = need.required {
                    if !component.accept_unverified_limits.contains(&limit) {
                        return Err(Rejection {
                            tier: tier.reference(),
                            binding: need.binding,
                            reason: if explain_it && limit == UnverifiedLimit::MaxStorage {
                                format!(
                                    "storage needs {} GB; the tier includes {} GB and the catalog publishes no maximum for add-on storage; accept it with accept_unverified_limits: [max_storage]",
                                    trim_float(need.needed, 2),
                                    trim_float(cap.storage_gb.unwrap_or(0.0), 2),
                                )
                            } else if explain_it {
                                format!(
                                    "the catalog publishes no {} limit for this tier ({} {} needed); accept it with accept_unverified_limits: [{}]",
                                    need.what,
                                    trim_float(need.needed, 2),
                                    need.unit,
                                    limit.as_str()
                                )
                            } else {
                                String::new()
                            },
                        });
                    }
                    unverified.push(limit);
                }
                // Warnings are the chosen tier's; a search drops them.
                if !explain_it {
                    continue;
                }
                warnings.push(format!(
                    "{}: {} limit of {} is not published; {} {} not checked",
                    component.name,
                    need.what,
                    tier.reference(),
                    trim_float(need.needed, 2),
                    need.unit
                ));
                if !arithmetic {
                    continue;
                }
                explain.push(format!(
                    "{}: {} {} (limit not published)",
                    need.what,
                    trim_float(need.needed, 2),
                    need.unit
                ));
            }
            None => {}
        }
    }
    Ok(Weighed { tightest, limits, unverified, warnings })
}

/// The charges the tier's pricing rules add for this demand: quota
/// overage, reply transfer, storage beyond the included (first), each
/// explained with `Detail::Explain`.
fn datastore_charges(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    catalog: &Catalog,
    detail: Detail,
    explain: &mut Vec<String>,
) -> Result<Vec<UsageLine>, Rejection> {
    let explain_it = detail != Detail::Search;
    let mut charges = quota_charges(component, tier, demand, catalog, explain_it)?;
    charges.extend(reply_transfer_charges(component, tier, demand, catalog, explain_it)?);
    if component.role == ComponentRole::Database
        && let Some(line) = storage_charge(component, tier, demand, catalog)
    {
        charges.insert(0, line);
    }
    if detail == Detail::Explain {
        for line in &charges {
            explain.push(format!(
                "{}: {} {} at {} = {}",
                line.name,
                trim_float(line.quantity, 3),
                line.unit,
                line.price,
                line.monthly_usd.map_or("unpriced".to_string(), |m| format!("${m:.2}/month"))
            ));
        }
    }
    Ok(charges)
}

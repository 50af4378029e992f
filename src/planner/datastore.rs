//! Database and cache components: one instance of the cheapest tier whose
//! storage, memory, connections and operations cover the demand.

use super::charges::{
    max_storage_gb, quota_charges, reply_transfer_charges, storage_charge, storage_need_gb,
};
use super::compute::Rejection;
use super::defaults::*;
use super::usage::UsageLine;
use super::{Binding, LimitCheck, Sized, fits};
use crate::catalog::{Catalog, LimitBasis, TierRef};
use crate::demand::Demand;
use crate::input::units::trim_float;
use crate::scenario::{Component, ComponentRole, UnverifiedLimit};

/// One constraint's demand against the tier's limit.
struct Need {
    binding: Binding,
    what: &'static str,
    needed: f64,
    limit: Option<f64>,
    /// The rule an estimated limit came from; `None` where published.
    estimate: Option<String>,
    /// The estimate is the role's long-standing default (database
    /// operations from vCPUs), kept under `strict_limits` too.
    role_default: bool,
    unit: &'static str,
    /// The limit the load depends on: a tier that does not publish it is
    /// chosen only where the component accepts it unverified.
    required: Option<UnverifiedLimit>,
}

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
    match (
        &tier.offering.high_availability,
        tier.tier.high_availability,
    ) {
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

/// How a database's operations spread over its primary and replicas.
struct ReadSplit {
    replicas: u32,
    busiest_node_ops: f64,
}

/// The replicas a database needs (or is given) and the load of its busiest
/// node; `Err` when even `max` replicas cannot carry the reads or the
/// primary cannot carry the writes.
fn read_split(
    component: &Component,
    ops: f64,
    limit: Option<f64>,
    nodes: Option<u32>,
) -> Result<ReadSplit, String> {
    let (min, max, share) = component
        .read_replicas
        .map_or((0, 0, 0.0), |r| (r.min, r.max, r.read_share));
    let load = |replicas: u32| {
        if replicas == 0 || share == 0.0 {
            ops
        } else {
            (ops * (1.0 - share)).max(ops * share / replicas as f64)
        }
    };
    let replicas = match (nodes, limit) {
        (Some(n), _) => n.saturating_sub(1),
        (None, None) => min,
        (None, Some(limit)) => {
            let mut r = min;
            while !fits(load(r), limit) && r < max {
                r += 1;
            }
            r
        }
    };
    if nodes.is_none()
        && let Some(limit) = limit
        && !fits(load(replicas), limit)
        && max > 0
    {
        return Err(format!(
            "with {max} read replica(s) the busiest node needs {} ops/s, a node allows {}",
            trim_float(load(replicas), 2),
            trim_float(limit, 2)
        ));
    }
    Ok(ReadSplit {
        replicas,
        busiest_node_ops: load(replicas),
    })
}

/// Checks a datastore tier for this demand and this many client
/// connections; `Ok` carries the report with the tightest constraint as
/// the binding one and, with `explain_it`, the arithmetic and warnings
/// (limits the catalog does not publish). Searches pass `false`: the
/// planner explains only the tier it chooses.
/// `nodes` fixes the node count (a stage template); `None` lets a database
/// with read replicas take the fewest that carry the reads.
pub(crate) fn check_datastore(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    connections: f64,
    explain_it: bool,
    nodes: Option<u32>,
    catalog: &Catalog,
) -> Result<DatastoreCheck, Rejection> {
    let cap = &tier.tier.capacity;
    let (standby, usable_memory) = high_availability(component, tier)?;
    let nodes = nodes.map(|n| n.saturating_sub(standby).max(1));
    let mut count = 1;
    let max_util = component
        .slo
        .max_utilization
        .unwrap_or(DEFAULT_MAX_UTILIZATION);
    let max_mem = component
        .slo
        .max_memory_utilization
        .unwrap_or(DEFAULT_MAX_MEMORY_UTILIZATION);
    let mut needs = Vec::new();
    match component.role {
        ComponentRole::Database => {
            // With storage sold apart the limit is the largest size the
            // tier can be given; without, what it includes.
            let needed = storage_need_gb(component, tier, demand);
            let add_on =
                tier.offering.storage.is_some() && !fits(needed, cap.storage_gb.unwrap_or(0.0));
            let sold = if add_on {
                max_storage_gb(tier)
            } else {
                cap.storage_gb
            };
            // Storage given by the scenario (what runs today) is the limit,
            // within what the tier can be given.
            let given = component
                .storage_gb
                .filter(|_| tier.offering.storage.is_some());
            needs.push(Need {
                binding: Binding::Storage,
                what: match (given, add_on) {
                    (Some(_), _) => "storage (as provisioned)",
                    (None, true) => "storage (with add-on storage)",
                    (None, false) => "storage",
                },
                needed,
                limit: match given {
                    Some(gb) => Some(sold.map_or(gb, |max| max.min(gb))),
                    None => sold,
                },
                estimate: cap
                    .estimate_basis(if add_on {
                        "max_storage_gb"
                    } else {
                        "storage_gb"
                    })
                    .map(str::to_string),
                role_default: false,
                unit: "GB",
                required: Some(if add_on {
                    UnverifiedLimit::MaxStorage
                } else {
                    UnverifiedLimit::Storage
                }),
            });
            // The working set must fit the RAM of every tier that publishes
            // or estimates it; where neither, the plan says it was not
            // checked (a warning, not a refusal).
            needs.push(Need {
                binding: Binding::Memory,
                what: "working set in RAM",
                needed: demand.working_set_gb * 1024.0,
                limit: cap.memory_mb.map(|m| m * usable_memory * max_mem),
                estimate: cap.estimate_basis("memory_mb").map(str::to_string),
                role_default: false,
                unit: "MB",
                required: None,
            });
            let ops_per_vcpu = component.ops_per_vcpu.unwrap_or(DEFAULT_OPS_PER_VCPU);
            let (ops_limit, ops_estimate) = ops_limit(
                component,
                tier,
                OpsRule {
                    per_vcpu: ops_per_vcpu,
                    share: max_util,
                    default_basis: "the database role default ops_per_vcpu",
                },
            );
            let split = read_split(component, demand.db_ops_per_s, ops_limit, nodes);
            let replicas = split.map_err(|reason| Rejection {
                tier: tier.reference(),
                binding: Binding::Ops,
                reason,
            })?;
            count = 1 + replicas.replicas;
            needs.push(Need {
                binding: Binding::Ops,
                what: if replicas.replicas > 0 {
                    "operations on the busiest node"
                } else {
                    "operations"
                },
                needed: replicas.busiest_node_ops,
                role_default: cap.max_ops_per_sec.is_none(),
                limit: ops_limit,
                estimate: ops_estimate,
                unit: "ops/s",
                required: Some(UnverifiedLimit::Ops),
            });
            // A burstable class sustains only its baseline on average.
            if cap.max_ops_per_sec.is_none()
                && let (Some(vcpu), Some(baseline)) = (cap.vcpu, cap.baseline_cpu)
            {
                needs.push(Need {
                    binding: Binding::Baseline,
                    what: "average operations within the CPU baseline",
                    needed: replicas.busiest_node_ops / demand.peak_to_average,
                    limit: Some(vcpu * ops_per_vcpu * baseline),
                    estimate: Some(format!(
                        "{} vCPU × {} ops/s per vCPU × the {}% baseline",
                        trim_float(vcpu, 2),
                        trim_float(ops_per_vcpu, 0),
                        trim_float(baseline * 100.0, 2)
                    )),
                    role_default: true,
                    unit: "ops/s",
                    required: None,
                });
            }
        }
        _ => {
            let headroom = component.memory_headroom.unwrap_or(DEFAULT_MEMORY_HEADROOM);
            needs.push(Need {
                binding: Binding::Memory,
                what: "memory",
                needed: demand.cache_mb * headroom,
                limit: cap.memory_mb.map(|m| m * usable_memory),
                estimate: cap.estimate_basis("memory_mb").map(str::to_string),
                role_default: false,
                unit: "MB",
                required: None,
            });
            let (ops_limit, ops_estimate) = ops_limit(
                component,
                tier,
                OpsRule {
                    per_vcpu: component.ops_per_vcpu.unwrap_or(DEFAULT_CACHE_OPS_PER_VCPU),
                    share: 1.0,
                    default_basis: "the cache role default: a tenth of redis-benchmark's 100,000 ops/s per core, redis.io",
                },
            );
            needs.push(Need {
                binding: Binding::Ops,
                what: "operations",
                needed: demand.cache_ops_per_s,
                limit: ops_limit,
                estimate: ops_estimate,
                role_default: false,
                unit: "ops/s",
                // Usage-priced caches (quotas with overage) scale by use.
                required: tier.tier.quotas.is_empty().then_some(UnverifiedLimit::Ops),
            });
        }
    }
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
    let mut warnings = Vec::new();
    let mut limits = Vec::new();
    let mut explain = if explain_it {
        vec![tier.reference()]
    } else {
        Vec::new()
    };
    // A cache is sized by its memory: a tier that does not publish it
    // cannot be chosen (unknown is not enough), unless it is billed by the
    // GB held (a quota on cache_gb).
    let billed_by_memory = tier
        .tier
        .quotas
        .iter()
        .any(|q| q.metric == crate::catalog::QuotaMetric::CacheGb);
    if component.role == ComponentRole::Cache
        && cap.memory_mb.is_none()
        && demand.cache_mb > 0.0
        && !billed_by_memory
    {
        return Err(Rejection {
            tier: tier.reference(),
            binding: Binding::Memory,
            reason:
                "the catalog publishes no memory size for this tier (overlay capacity.memory_mb)"
                    .into(),
        });
    }
    let mut tightest: Option<(f64, Binding)> = None;
    let mut unverified = Vec::new();
    for need in &needs {
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
                if explain_it {
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
                warnings.push(format!(
                    "{}: {} limit of {} is not published; {} {} not checked",
                    component.name,
                    need.what,
                    tier.reference(),
                    trim_float(need.needed, 2),
                    need.unit
                ));
                if !explain_it {
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
    let (utilization, binding) = tightest.unwrap_or((0.0, Binding::Storage));
    if count > 1 && explain_it {
        explain.push(format!(
            "1 primary + {} read replica(s) of the same tier",
            count - 1
        ));
    }
    if explain_it && component.wants_high_availability() {
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
    let mut charges = quota_charges(component, tier, demand, catalog, explain_it)?;
    charges.extend(reply_transfer_charges(
        component, tier, demand, catalog, explain_it,
    )?);
    if component.role == ComponentRole::Database
        && let Some(line) = storage_charge(component, tier, demand, catalog)
    {
        charges.insert(0, line);
    }
    if explain_it {
        for line in &charges {
            explain.push(format!(
                "{}: {} {} at {} = {}",
                line.name,
                trim_float(line.quantity, 3),
                line.unit,
                line.price,
                line.monthly_usd
                    .map_or("unpriced".to_string(), |m| format!("${m:.2}/month"))
            ));
        }
    }
    Ok(DatastoreCheck {
        sized: Sized {
            count,
            utilization: Some(utilization),
            occupancy: None,
            p95_ms: None,
            binding,
            feasible: true,
            explain,
            baseline: None,
            limits,
        },
        warnings,
        charges,
        unverified,
    })
}

/// How a role estimates operations from vCPUs where a tier publishes no
/// limit.
struct OpsRule {
    per_vcpu: f64,
    /// The share of that capacity planned on (the utilization cap).
    share: f64,
    default_basis: &'static str,
}

/// A tier's operations limit and, where estimated, its basis: the
/// published figure; else its vCPUs × the per-vCPU rate; else, for an
/// engine that runs commands on one thread, one core's worth.
fn ops_limit(
    component: &Component,
    tier: &TierRef<'_>,
    rule: OpsRule,
) -> (Option<f64>, Option<String>) {
    let cap = &tier.tier.capacity;
    if let Some(ops) = cap.max_ops_per_sec {
        return (
            Some(ops),
            cap.estimate_basis("max_ops_per_sec").map(str::to_string),
        );
    }
    let single_threaded = tier.offering.engine.is_some_and(|e| e.single_threaded());
    let (vcpu, vcpu_basis) = match cap.vcpu {
        Some(v) => (v, format!("{} vCPU", trim_float(v, 2))),
        None if single_threaded => (
            1.0,
            "1 core (vCPUs unpublished; the engine runs commands on one thread)".to_string(),
        ),
        None => return (None, None),
    };
    let share = if rule.share < 1.0 {
        format!(" × the {:.0}% cap", rule.share * 100.0)
    } else {
        String::new()
    };
    let basis = format!(
        "{vcpu_basis} × {} ops/s per vCPU ({}){share}",
        trim_float(rule.per_vcpu, 0),
        if component.ops_per_vcpu.is_some() {
            "the component's ops_per_vcpu"
        } else {
            rule.default_basis
        },
    );
    (Some(vcpu * rule.per_vcpu * rule.share), Some(basis))
}

/// A tier's connection limit: published, else its engine's own default
/// (not under `strict_limits`); `None` where unknown.
pub(super) fn connection_limit(
    component: &Component,
    tier: &TierRef<'_>,
) -> (Option<f64>, Option<String>) {
    let cap = &tier.tier.capacity;
    let (limit, estimate) = match cap.max_connections {
        Some(c) => (
            Some(c),
            cap.estimate_basis("max_connections").map(str::to_string),
        ),
        None => match tier
            .offering
            .engine
            .and_then(|e| e.default_max_connections())
        {
            Some((limit, basis)) => (
                Some(limit),
                Some(format!("{basis}; the catalog publishes none for this tier")),
            ),
            None => (None, None),
        },
    };
    published_only(component, limit, estimate)
}

/// With `strict_limits`, an estimated limit counts as unpublished.
fn published_only(
    component: &Component,
    limit: Option<f64>,
    estimate: Option<String>,
) -> (Option<f64>, Option<String>) {
    if component.strict_limits == Some(true) && estimate.is_some() {
        (None, None)
    } else {
        (limit, estimate)
    }
}

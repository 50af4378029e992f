//! What a datastore tier is checked against: each need (storage, working
//! set, operations, baseline, memory, connections) with its limit, whether
//! published, estimated or unknown.

use super::charges::{max_storage_gb, storage_need_gb};
use super::compute::Rejection;
use super::defaults::*;
use super::{Binding, fits};
use crate::catalog::TierRef;
use crate::demand::Demand;
use crate::input::units::trim_float;
use crate::scenario::{Component, UnverifiedLimit};

/// One constraint's demand against the tier's limit.
pub(super) struct Need {
    pub(super) binding: Binding,
    pub(super) what: &'static str,
    pub(super) needed: f64,
    pub(super) limit: Option<f64>,
    /// The rule an estimated limit came from; `None` where published.
    pub(super) estimate: Option<String>,
    /// The estimate is the role's long-standing default (database
    /// operations from vCPUs), kept under `strict_limits` too.
    pub(super) role_default: bool,
    pub(super) unit: &'static str,
    /// The limit the load depends on: a tier that does not publish it is
    /// chosen only where the component accepts it unverified.
    pub(super) required: Option<UnverifiedLimit>,
}

/// The shares of a tier a datastore may use: its memory left usable by
/// replication, the CPU and memory utilization targets.
#[derive(Clone, Copy)]
pub(super) struct Targets {
    pub(super) usable_memory: f64,
    pub(super) max_util: f64,
    pub(super) max_mem: f64,
    /// Whether estimated limits carry their basis as text (the chosen
    /// tier's report); a search needs only to know they are estimated.
    pub(super) basis_text: bool,
}

/// A database's needs (storage, working set, operations on the busiest
/// node, a burstable baseline) and its node count with the read replicas
/// that carry the reads; `nodes` fixes the count (a stage template).
pub(super) fn database_needs(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    nodes: Option<u32>,
    targets: &Targets,
) -> Result<(Vec<Need>, u32), Rejection> {
    let cap = &tier.tier.capacity;
    let Targets { usable_memory, max_util, max_mem, basis_text } = *targets;
    let mut needs = Vec::new();
    // With storage sold apart the limit is the largest size the
    // tier can be given; without, what it includes.
    let needed = storage_need_gb(component, tier, demand);
    let add_on = tier.offering.storage.is_some() && !fits(needed, cap.storage_gb.unwrap_or(0.0));
    let sold = if add_on { max_storage_gb(tier) } else { cap.storage_gb };
    // Storage given by the scenario (what runs today) is the limit,
    // within what the tier can be given.
    let given = component.storage_gb.filter(|_| tier.offering.storage.is_some());
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
            .estimate_basis(if add_on { "max_storage_gb" } else { "storage_gb" })
            .map(str::to_string),
        role_default: false,
        unit: "GB",
        required: Some(if add_on { UnverifiedLimit::MaxStorage } else { UnverifiedLimit::Storage }),
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
            basis_text,
        },
    );
    let split = read_split(component, demand.db_ops_per_s, ops_limit, nodes);
    let replicas = split.map_err(|reason| Rejection {
        tier: tier.reference(),
        binding: Binding::Ops,
        reason,
    })?;
    let count = 1 + replicas.replicas;
    needs.push(Need {
        binding: Binding::Ops,
        what: if replicas.replicas > 0 { "operations on the busiest node" } else { "operations" },
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
            estimate: Some(if basis_text {
                format!(
                    "{} vCPU × {} ops/s per vCPU × the {}% baseline",
                    trim_float(vcpu, 2),
                    trim_float(ops_per_vcpu, 0),
                    trim_float(baseline * 100.0, 2)
                )
            } else {
                String::new()
            }),
            role_default: true,
            unit: "ops/s",
            required: None,
        });
    }
    Ok((needs, count))
}

/// A cache's needs: memory with headroom and operations.
pub(super) fn cache_needs(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    targets: &Targets,
) -> Result<Vec<Need>, Rejection> {
    let cap = &tier.tier.capacity;
    let usable_memory = targets.usable_memory;
    // A cache is sized by its memory: a tier that does not publish it
    // cannot be chosen (unknown is not enough), unless it is billed by the
    // GB held (a quota on cache_gb).
    let billed_by_memory =
        tier.tier.quotas.iter().any(|q| q.metric == crate::catalog::QuotaMetric::CacheGb);
    if cap.memory_mb.is_none() && demand.cache_mb > 0.0 && !billed_by_memory {
        return Err(Rejection {
            tier: tier.reference(),
            binding: Binding::Memory,
            reason:
                "the catalog publishes no memory size for this tier (overlay capacity.memory_mb)"
                    .into(),
        });
    }
    let mut needs = Vec::new();
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
            basis_text: targets.basis_text,
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
    Ok(needs)
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
    let (min, max, share) =
        component.read_replicas.map_or((0, 0, 0.0), |r| (r.min, r.max, r.read_share));
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
    Ok(ReadSplit { replicas, busiest_node_ops: load(replicas) })
}

/// How a role estimates operations from vCPUs where a tier publishes no
/// limit.
struct OpsRule {
    per_vcpu: f64,
    /// The share of that capacity planned on (the utilization cap).
    share: f64,
    default_basis: &'static str,
    /// Write the basis out (else an estimated limit carries an empty one).
    basis_text: bool,
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
        return (Some(ops), cap.estimate_basis("max_ops_per_sec").map(str::to_string));
    }
    let single_threaded = tier.offering.engine.is_some_and(|e| e.single_threaded());
    let vcpu = match cap.vcpu {
        Some(v) => v,
        None if single_threaded => 1.0,
        None => return (None, None),
    };
    let limit = Some(vcpu * rule.per_vcpu * rule.share);
    if !rule.basis_text {
        return (limit, Some(String::new()));
    }
    let vcpu_basis = match cap.vcpu {
        Some(v) => format!("{} vCPU", trim_float(v, 2)),
        None => "1 core (vCPUs unpublished; the engine runs commands on one thread)".to_string(),
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
    (limit, Some(basis))
}

/// A tier's connection limit: published, else its engine's own default
/// (not under `strict_limits`); `None` where unknown.
pub(super) fn connection_limit(
    component: &Component,
    tier: &TierRef<'_>,
) -> (Option<f64>, Option<String>) {
    let cap = &tier.tier.capacity;
    let (limit, estimate) = match cap.max_connections {
        Some(c) => (Some(c), cap.estimate_basis("max_connections").map(str::to_string)),
        None => match tier.offering.engine.and_then(|e| e.default_max_connections()) {
            Some((limit, basis)) => {
                (Some(limit), Some(format!("{basis}; the catalog publishes none for this tier")))
            }
            None => (None, None),
        },
    };
    published_only(component, limit, estimate)
}

/// With `strict_limits`, an estimated limit counts as unpublished.
pub(super) fn published_only(
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

//! Usage-priced compute (offering `usage_compute`: Railway, Cloud Run,
//! Vercel functions): the bill is CPU and memory seconds and requests over
//! the load profile's period (a day or a week), not instances × a monthly price.
//!
//! The count at each 10-minute sample is the one that meets the
//! component's targets at that share of the peak (`scaling: automatic`),
//! or the peak count all day (`fixed`). From the counts and the load:
//!
//! - `used`: CPU-seconds the requests and jobs do (cpu_ms × rate), and the
//!   memory the processes hold (workers × memory per worker plus what the
//!   requests in flight hold);
//! - `allocated`: the tier's vCPUs and memory for as long as instances run;
//! - `busy`: the tier's size while an instance has a request in flight.
//!   With Poisson arrivals and `a` requests in flight per instance on
//!   average (Little's law), an instance holds none a share e^(−a) of the
//!   time, so it is busy 1 − e^(−a) of it.
//!
//! Warm instances (`min_instances`) are billed at the `idle` rates while
//! they hold no request.

use super::Rejection;
use super::autoscale::{AutoscaleCounts, sample_counts, summarize};
use super::charges::charge_line;
use super::compute::ComputeModel;
use super::usage::UsageLine;
use crate::catalog::HOURS_PER_MONTH;
use crate::catalog::{Basis, Billing, Catalog, Scaling, TierRef, seconds_per_unit};
use crate::demand::{Demand, LoadShape};
use crate::input::units::trim_float;
use crate::scenario::{Component, ComponentRole};

/// What usage-priced compute bills for one component on one tier.
pub(crate) struct UsageComputeCost {
    /// Counts through the day where the platform scales by itself.
    pub counts: Option<AutoscaleCounts>,
    pub lines: Vec<UsageLine>,
}

/// Monthly totals of what the meters count.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct Meters {
    /// vCPU-seconds of work.
    pub cpu_used_s: f64,
    /// Instance-seconds running.
    pub instance_s: f64,
    /// Instance-seconds with a request in flight.
    pub busy_s: f64,
    /// GB-seconds of memory the processes hold.
    pub memory_used_gb_s: f64,
    /// Warm instance-seconds with no request in flight.
    pub idle_s: f64,
}

/// Sums the meters over the samples: `counts[i]` instances at share
/// `samples[i]` of the peak, `warm` instances kept by `min_instances`.
pub(crate) fn meter(
    model: &ComputeModel<'_>,
    samples: &[f64],
    counts: &[u32],
    warm: u32,
) -> Meters {
    // Samples cover one period of whole hours; the period repeats to 730 hours.
    let hours = (samples.len() / super::SAMPLES_PER_HOUR).max(1) as f64;
    let seconds_per_sample =
        hours * 3600.0 / samples.len().max(1) as f64 * (HOURS_PER_MONTH / hours);
    let mut m = Meters::default();
    for (&share, &n) in samples.iter().zip(counts) {
        let in_flight = model.in_flight(share);
        let idle_share = if n == 0 { 1.0 } else { (-in_flight / n as f64).exp() };
        m.cpu_used_s += model.cpu_load() * share;
        m.instance_s += n as f64;
        m.busy_s += n as f64 * (1.0 - idle_share);
        m.memory_used_gb_s += model.memory_used_mb(n, in_flight) / 1024.0;
        m.idle_s += warm.min(n) as f64 * idle_share;
    }
    m.cpu_used_s *= seconds_per_sample;
    m.instance_s *= seconds_per_sample;
    m.busy_s *= seconds_per_sample;
    m.memory_used_gb_s *= seconds_per_sample;
    m.idle_s *= seconds_per_sample;
    m
}

/// A line priced per unit of time (`vCPU-second`, `GB-hour`, `vCPU-month`)
/// for `seconds` of a resource; a usage id whose unit is not a time (which
/// `tiers check` refuses) or that is missing gives an unpriced line.
fn timed_line(
    catalog: &Catalog,
    tier: &TierRef<'_>,
    id: &str,
    what: String,
    seconds: f64,
    component: &str,
) -> UsageLine {
    let unit = catalog
        .usage(&format!("{}/{id}", tier.provider.provider))
        .map(|(_, price)| seconds_per_unit(&price.unit));
    match unit {
        Some(Some(per_unit)) => charge_line(catalog, tier, id, what, seconds / per_unit, component),
        Some(None) => charge_line(
            catalog,
            tier,
            &format!("{id} (unit not per second, minute, hour or month)"),
            what,
            seconds,
            component,
        ),
        None => charge_line(catalog, tier, id, what, seconds, component),
    }
}

/// Prices a component on a usage-priced tier over the day.
/// `peak_count` is the count `model` sized at the peak.
pub(crate) fn usage_compute_cost(
    component: &Component,
    tier: TierRef<'_>,
    model: &ComputeModel<'_>,
    peak_count: u32,
    peak: &Demand,
    shape: &LoadShape,
    catalog: &Catalog,
) -> Result<UsageComputeCost, Rejection> {
    let Some(rule) = &tier.offering.usage_compute else {
        return Ok(UsageComputeCost { counts: None, lines: Vec::new() });
    };
    let (samples, counts) = match rule.scaling {
        Scaling::Automatic => sample_counts(component, tier, peak, shape)?,
        Scaling::Fixed => {
            let samples = shape.samples();
            let counts = vec![peak_count; samples.len()];
            (samples, counts)
        }
    };
    let warm = component.autoscale.map(|a| a.min).or(component.min_instances).unwrap_or(0);
    let m = meter(model, &samples, &counts, warm);
    let vcpu = model.vcpu();
    let memory_gb = model.memory_mb() / 1024.0;
    let name = &component.name;
    let mut lines = Vec::new();
    let mut priced = |id: &str, what: String, seconds: f64| {
        lines.push(timed_line(catalog, &tier, id, what, seconds, name));
    };
    if let Some(cpu) = &rule.cpu {
        let (seconds, what) = match cpu.basis {
            Basis::Used => (m.cpu_used_s, "CPU time of the work".to_string()),
            Basis::Allocated => {
                (m.instance_s * vcpu, format!("{} vCPU while running", trim_float(vcpu, 2)))
            }
            Basis::Busy => {
                (m.busy_s * vcpu, format!("{} vCPU while serving requests", trim_float(vcpu, 2)))
            }
        };
        priced(&cpu.price, what, seconds);
    }
    if let Some(memory) = &rule.memory {
        let (gb_seconds, what) = match memory.basis {
            Basis::Used => (m.memory_used_gb_s, "memory the processes hold".to_string()),
            Basis::Allocated => {
                (m.instance_s * memory_gb, format!("{} GB while running", trim_float(memory_gb, 3)))
            }
            Basis::Busy => (
                m.busy_s * memory_gb,
                format!("{} GB while serving requests", trim_float(memory_gb, 3)),
            ),
        };
        priced(&memory.price, what, gb_seconds);
    }
    if let Some(idle) = &rule.idle
        && m.idle_s > 0.0
    {
        if let Some(id) = &idle.cpu {
            priced(id, format!("{warm} warm instance(s), idle vCPU"), m.idle_s * vcpu);
        }
        if let Some(id) = &idle.memory {
            priced(id, format!("{warm} warm instance(s), idle memory"), m.idle_s * memory_gb);
        }
    }
    let requests = peak.component_requests_per_month(component);
    if let (Some(id), ComponentRole::Web) = (&rule.requests, component.role) {
        lines.push(charge_line(catalog, &tier, id, "requests".into(), requests, name));
    }
    if let (Some(id), ComponentRole::Web) = (&rule.edge_requests, component.role) {
        lines.push(charge_line(
            catalog,
            &tier,
            id,
            "edge requests (one per function call)".into(),
            requests,
            name,
        ));
    }
    let counts =
        (rule.scaling == Scaling::Automatic).then(|| summarize(&counts, Billing::PerSecond));
    Ok(UsageComputeCost { counts, lines })
}

/// A database on usage-priced compute (Railway Postgres): CPU used is the
/// month's operations over `ops_per_vcpu` (the operations one vCPU-second
/// serves), memory is the tier's size all month (a database keeps its
/// working set resident) on every node.
pub(crate) fn datastore_usage_lines(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    nodes: u32,
    catalog: &Catalog,
) -> Vec<UsageLine> {
    let Some(rule) = &tier.offering.usage_compute else {
        return Vec::new();
    };
    let month_s = crate::catalog::HOURS_PER_MONTH * 3600.0;
    let ops_per_vcpu = component.ops_per_vcpu.unwrap_or(super::defaults::DEFAULT_OPS_PER_VCPU);
    let ops = match component.role {
        ComponentRole::Cache => demand.cache_ops_per_s,
        _ => demand.db_ops_per_s,
    };
    let average_ops = ops / demand.peak_to_average;
    let capacity = &tier.tier.capacity;
    let nodes = nodes as f64;
    let mut lines = Vec::new();
    let mut priced = |id: &str, what: String, seconds: f64| {
        lines.push(timed_line(catalog, tier, id, what, seconds, &component.name));
    };
    if let Some(cpu) = &rule.cpu {
        let seconds = match cpu.basis {
            Basis::Used => average_ops / ops_per_vcpu * month_s,
            Basis::Allocated | Basis::Busy => capacity.vcpu.unwrap_or(0.0) * nodes * month_s,
        };
        let what = match cpu.basis {
            Basis::Used => format!(
                "CPU time of {} operations/s on average at {} per vCPU-second",
                trim_float(average_ops, 1),
                trim_float(ops_per_vcpu, 0)
            ),
            _ => "vCPUs while running".into(),
        };
        priced(&cpu.price, what, seconds);
    }
    if let Some(memory) = &rule.memory {
        let gb = capacity.memory_mb.unwrap_or(0.0) / 1024.0;
        priced(
            &memory.price,
            format!("{} GB resident", trim_float(gb * nodes, 2)),
            gb * nodes * month_s,
        );
    }
    lines
}

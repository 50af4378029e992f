//! What a plan is: each component's size and the constraint that set it,
//! its price and charges, the whole mix, and why a load cannot be served.

use super::{AutoscaleCounts, EnvironmentCost, Rejection, UsageLine};
use crate::catalog::{PurchaseOption, TierRef};
use crate::demand::Demand;
use crate::scenario::{Component, ComponentRole};
use serde::Serialize;
use std::fmt;

/// The constraint that set a component's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    P95,
    Utilization,
    Memory,
    Connections,
    Storage,
    Ops,
    Credits,
    MinInstances,
    /// A monthly quota with no overage (a free plan's commands).
    Quota,
    /// A burstable tier's CPU baseline (standard mode, or more instances
    /// costing less than the CPU credits they save).
    Baseline,
    /// High availability: two web instances, or a datastore tier that can
    /// run with standby nodes.
    HighAvailability,
    /// Request or job slots (workers × instances): with fewer, the slots
    /// would be busy all the time and the queue would grow without bound,
    /// whatever the CPU.
    Occupancy,
}

impl Binding {
    pub fn as_str(self) -> &'static str {
        match self {
            Binding::P95 => "p95",
            Binding::Utilization => "utilization",
            Binding::Memory => "memory",
            Binding::Connections => "connections",
            Binding::Storage => "storage",
            Binding::Ops => "ops",
            Binding::Credits => "credits",
            Binding::MinInstances => "min_instances",
            Binding::Quota => "quota",
            Binding::Baseline => "baseline",
            Binding::HighAvailability => "high_availability",
            Binding::Occupancy => "occupancy",
        }
    }

    /// The name to print: the latency SLO under its own percentile ("p50",
    /// "p99") rather than the enum's fixed name "p95".
    pub fn label(self, percentile: Option<f64>) -> String {
        match (self, percentile) {
            (Binding::P95, Some(p)) => percentile_name(p),
            _ => self.as_str().to_string(),
        }
    }
}

/// "p50", "p95", "p99.9": a percentile as SLOs write it.
pub fn percentile_name(percentile: f64) -> String {
    format!("p{}", crate::input::units::trim_float(percentile, 1))
}

/// A size and what it achieves.
#[derive(Debug, Clone, PartialEq)]
pub struct Sized {
    pub count: u32,
    /// CPU: peak CPU-seconds per second over the instances' vCPUs.
    pub utilization: Option<f64>,
    /// Slots busy: peak arrivals × mean time in a slot (CPU and I/O) over
    /// the slots (workers or job concurrency × instances).
    pub occupancy: Option<f64>,
    /// The 95th percentile, whatever the SLO names (checks such as
    /// `max_p95_ms` and calibration compare against it).
    pub p95_ms: Option<f64>,
    /// The same figure at the percentile the SLO names (`latency_percentile`).
    pub latency_ms: Option<f64>,
    /// The percentile the component's SLO names (95 unless set); `None`
    /// where no latency is modelled.
    pub latency_percentile: Option<f64>,
    pub binding: Binding,
    pub feasible: bool,
    pub explain: Vec<String>,
    /// Burstable or shared CPU: the group against its baselines over the day.
    pub baseline: Option<BaselineUse>,
    /// Every limit the size was checked against, with where it comes from.
    pub limits: Vec<LimitCheck>,
    /// Web components with request classes: each class against its target.
    pub classes: Vec<super::RequestClassRow>,
}

impl Sized {
    /// The binding as reports name it, with the request class whose target
    /// set the size: `p95 (chat)`.
    pub fn binding_label(&self) -> String {
        super::request_classes::binding_label(self.binding, self.latency_percentile, &self.classes)
    }
}

/// A burstable or shared CPU group against its baselines over the day.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct BaselineUse {
    /// Share of each vCPU the tier sustains.
    pub baseline_share: f64,
    /// Whether that share is an estimate (`published` or `estimated`).
    pub basis: crate::catalog::LimitBasis,
    /// The day's average CPU over the instances' baselines (1 = exactly
    /// the sustained rate).
    pub average_of_baseline: f64,
    /// The busiest hour's CPU over the baselines.
    pub peak_of_baseline: f64,
    /// The most the group banks, vCPU-hours.
    pub max_balance_vcpu_hours: f64,
    /// The lowest the balance falls over the day, vCPU-hours.
    pub lowest_balance_vcpu_hours: f64,
    /// CPU beyond baselines and balance, vCPU-hours a day (billed in
    /// unlimited mode; 0 wherever CPU beyond it would be throttled).
    pub deficit_vcpu_hours_per_day: f64,
}

/// One limit a tier was checked against: the demand, the limit and
/// whether the limit is published or estimated (with its basis).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LimitCheck {
    /// The quantity checked (`connections`, `memory`, `operations`, …).
    pub what: String,
    /// What the load needs, in `unit`.
    pub needed: f64,
    /// What the tier allows, in `unit`.
    pub limit: f64,
    /// The unit of `needed` and `limit` (`connections`, `MB`, `GB`, `ops/s`,
    /// `vCPU`).
    pub unit: String,
    /// `published` (the catalog gives the limit) or `estimated` (see
    /// `estimate`).
    pub basis: crate::catalog::LimitBasis,
    /// The rule an estimate came from; null for a published limit.
    pub estimate: Option<String>,
}

/// One component's chosen tier and count.
#[derive(Debug, Clone, PartialEq)]
pub struct ComponentPlan {
    pub name: String,
    pub role: ComponentRole,
    /// `provider/offering/tier`.
    pub tier_ref: String,
    pub count: u32,
    /// Per instance; `None` when unpriced.
    pub unit_monthly_usd: Option<f64>,
    pub monthly_usd: Option<f64>,
    /// The purchase option applied (the scenario's choice where the tier
    /// offers it, else on demand).
    pub purchase_option: PurchaseOption,
    /// The same instances on demand, to show what the option saves.
    pub on_demand_monthly_usd: Option<f64>,
    /// Autoscaled components: the counts through the day; `count` is the peak.
    pub autoscale: Option<AutoscaleCounts>,
    /// Serverless tiers are billed by use; `count` is peak concurrency.
    pub serverless: bool,
    /// Compute billed by CPU, memory and requests (`usage_compute`): the
    /// bill is in `charges`, the instances cost nothing of their own.
    pub usage_priced: bool,
    pub sized: Sized,
    pub warnings: Vec<String>,
    /// What the tier's pricing rules add: storage beyond the included
    /// amount, quota overage, CPU credits, egress, a load balancer.
    pub charges: Vec<UsageLine>,
    /// Limits the tier does not publish that the component accepted.
    pub unverified_limits: Vec<crate::scenario::UnverifiedLimit>,
}

impl ComponentPlan {
    /// What the purchase option saves against on-demand, per month.
    pub fn purchase_saving_usd(&self) -> Option<f64> {
        Some(self.on_demand_monthly_usd? - self.monthly_usd?)
    }

    /// Instances plus charges; `None` when anything is unpriced.
    /// The instances and every charge the catalog prices (`None` when
    /// the instances are unpriced); the unpriced charges are left out.
    pub fn priced_monthly_usd(&self) -> Option<f64> {
        let priced: f64 = self.charges.iter().filter_map(|l| l.monthly_usd).sum();
        self.monthly_usd.map(|instances| instances + priced)
    }

    pub fn total_monthly_usd(&self) -> Option<f64> {
        let mut total = self.monthly_usd?;
        for line in &self.charges {
            total += line.monthly_usd?;
        }
        Some(total)
    }

    /// The count an operator sets by hand: `None` for an autoscaled group
    /// or a serverless function, whose count follows the load by itself.
    pub fn managed_count(&self) -> Option<u32> {
        (self.autoscale.is_none() && !self.serverless).then_some(self.count)
    }

    /// Fixed peak sizing minus the autoscaled cost, per month.
    pub fn autoscale_saving_usd(&self) -> Option<f64> {
        let a = self.autoscale.as_ref()?;
        Some(self.unit_monthly_usd? * (a.peak_count as f64 - a.billed_count))
    }
}

/// The whole mix at one load.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub demand: Demand,
    pub components: Vec<ComponentPlan>,
    pub usage: Vec<UsageLine>,
    /// Priced components and usage; unpriced items are listed apart.
    pub monthly_usd: f64,
    pub unpriced: Vec<String>,
    pub warnings: Vec<String>,
    /// The platform plans whose fees are among `usage` (`provider/offering/tier`).
    pub required_plans: Vec<String>,
    /// Environments besides production, in `monthly_usd`.
    pub environments: Vec<EnvironmentCost>,
}

impl Plan {
    /// (tier, count) per component: what "the same mix" means.
    pub fn mix(&self) -> Vec<(String, u32)> {
        self.components.iter().map(|c| (c.tier_ref.clone(), c.count)).collect()
    }

    /// The mix an operator changes by hand: an autoscaled group's or a
    /// serverless function's count follows the load by itself, so only its
    /// tier counts. Two plans with the same managed mix are the same
    /// recommendation; an upgrade is a change of it.
    pub fn managed_mix(&self) -> Vec<(String, Option<u32>)> {
        self.components.iter().map(|c| (c.tier_ref.clone(), c.managed_count())).collect()
    }
}

/// No mix in the catalog serves the load.
#[derive(Debug, Clone, PartialEq)]
pub struct Infeasible {
    pub component: String,
    pub constraint: Binding,
    /// The percentile the component's SLO names, so a latency constraint
    /// is named by it ("p50"); `None` where none applies.
    pub percentile: Option<f64>,
    pub detail: String,
}

impl fmt::Display for Infeasible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no tier of component '{}' can satisfy {}: {}",
            self.component,
            self.constraint.label(self.percentile),
            self.detail
        )
    }
}

impl std::error::Error for Infeasible {}

/// The error for a component none of whose tiers fits: the constraint and
/// the limit of its largest tier.
pub(super) fn infeasible(
    component: &Component,
    rejections: Vec<(TierRef<'_>, Rejection)>,
) -> Infeasible {
    let only_one = rejections.len() == 1;
    let largest = rejections.into_iter().max_by(|(a, _), (b, _)| {
        let size = |t: &TierRef<'_>| {
            let c = &t.tier.capacity;
            (
                c.vcpu.unwrap_or(0.0),
                c.memory_mb.unwrap_or(0.0),
                c.storage_gb.unwrap_or(0.0),
                c.max_ops_per_sec.unwrap_or(0.0),
            )
        };
        size(a).partial_cmp(&size(b)).unwrap_or(std::cmp::Ordering::Equal)
    });
    match largest {
        Some((_, rejection)) => Infeasible {
            component: component.name.clone(),
            constraint: rejection.binding,
            percentile: Some(
                component.slo.percentile.unwrap_or(super::defaults::DEFAULT_PERCENTILE),
            ),
            detail: if only_one {
                format!("{}: {}", rejection.tier, rejection.reason)
            } else {
                format!("the largest tier, {}: {}", rejection.tier, rejection.reason)
            },
        },
        None => Infeasible {
            component: component.name.clone(),
            constraint: Binding::MinInstances,
            percentile: None,
            detail: format!("no available tier among {}", component.candidates.join(", ")),
        },
    }
}

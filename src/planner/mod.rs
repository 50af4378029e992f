//! The planner: for every component the cheapest feasible tier and count
//! among its candidates, solved jointly where components couple (instance
//! counts × connection pools against database and cache connection limits).
//!
//! Exactness: for a compute tier the smallest feasible count is also the one
//! with the fewest connections, so each compute component contributes its
//! Pareto set of (cost, database connections, cache connections) over tiers;
//! `search.rs` finds the cheapest combination of those with the cheapest
//! datastore tiers that accept its connections, exactly and in time
//! polynomial in the number of components. No greedy step can hide a
//! cheaper mix.

mod assemble;
mod autoscale;
mod capacity;
mod charges;
mod compute;
mod current;
mod datastore;
mod datastore_choice;
pub mod defaults;
use datastore_choice::{DatastoreChoice, first_fitting};
mod environments;
mod fixed_mix;
mod media;
mod options;
mod search;
mod serverless;
pub mod stages;
mod usage;
mod usage_compute;

pub use autoscale::{AutoscaleCounts, SAMPLES_PER_HOUR};
pub use capacity::{Change, USER_LIMIT};
pub use compute::{Rejection, instance_limit};
pub use current::{CurrentChange, CurrentComponent, CurrentMix, VsRecommended};
// BaselineUse and LimitCheck are defined below and reported as they are.
pub use environments::{EnvironmentComponent, EnvironmentCost};
pub use media::credits_per_month;
pub use usage::{UsageLine, usage_lines};

use crate::catalog::{Catalog, LimitBasis, PurchaseOption, Role, TierRef};
use crate::demand::{Demand, demand};
use crate::scenario::{Component, ComponentRole, Scenario};
use assemble::{Pricing, serverless_sized};
use autoscale::{autoscale_counts, billed_lower_bound};
use charges::{
    backup_charge, baseline_count, burst_mode, capacity_unit_charge, egress_charges,
    instance_charges, load_balancer_charges, plan_credit_lines, plan_fee_line, plan_reason,
    required_plans, surplus_charge, surplus_vcpu_hours,
};
use compute::ComputeModel;
use datastore::check_datastore;
use media::check_media;
use options::{ComputeOption, pareto};
use serde::Serialize;
use serverless::{ServerlessCost, serverless_cost};
use std::fmt;
use usage_compute::usage_compute_cost;

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

pub(crate) use crate::input::units::fits;

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
    pub p95_ms: Option<f64>,
    pub binding: Binding,
    pub feasible: bool,
    pub explain: Vec<String>,
    /// Burstable or shared CPU: the group against its baselines over the day.
    pub baseline: Option<BaselineUse>,
    /// Every limit the size was checked against, with where it comes from.
    pub limits: Vec<LimitCheck>,
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
    pub what: String,
    pub needed: f64,
    pub limit: f64,
    pub unit: String,
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
        self.components
            .iter()
            .map(|c| (c.tier_ref.clone(), c.count))
            .collect()
    }

    /// The mix an operator changes by hand: an autoscaled group's or a
    /// serverless function's count follows the load by itself, so only its
    /// tier counts. Two plans with the same managed mix are the same
    /// recommendation; an upgrade is a change of it.
    pub fn managed_mix(&self) -> Vec<(String, Option<u32>)> {
        self.components
            .iter()
            .map(|c| (c.tier_ref.clone(), c.managed_count()))
            .collect()
    }
}

/// No mix in the catalog serves the load.
#[derive(Debug, Clone, PartialEq)]
pub struct Infeasible {
    pub component: String,
    pub constraint: Binding,
    pub detail: String,
}

impl fmt::Display for Infeasible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no tier of component '{}' can satisfy {}: {}",
            self.component,
            self.constraint.as_str(),
            self.detail
        )
    }
}

impl std::error::Error for Infeasible {}

pub struct Planner<'a> {
    pub scenario: &'a Scenario,
    pub catalog: &'a Catalog,
    /// Build the arithmetic behind each size (`--explain`); sweeps skip it.
    pub explain: bool,
    /// The load profile as shares of the peak hour (autoscaling).
    hourly_shares: Vec<f64>,
    /// The scenario's other environments, planned on first use.
    environments: std::sync::OnceLock<Result<Vec<environments::PlannedEnvironment>, Infeasible>>,
    /// One tier per component (scenario order) that the plan must use:
    /// the cost of a given mix under another load or other inputs.
    pinned: Option<Vec<String>>,
}

impl<'a> Planner<'a> {
    /// A burstable or shared CPU group against its baselines over the day:
    /// the figures for the report and, with `--explain`, the balance hour
    /// by hour.
    fn baseline_use(
        &self,
        component: &Component,
        tier: &TierRef<'_>,
        model: &ComputeModel<'_>,
        count: f64,
        sized: &mut Sized,
    ) {
        let Some(rule) = charges::burst_mode(component, tier) else {
            return;
        };
        let shares = &self.hourly_shares;
        let day = charges::burst_day(&rule, model.cpu_load(), shares, count);
        // Shown against the whole baseline; checked within the headroom.
        let sustained = count * rule.baseline * rule.vcpu;
        let hours = shares.len().max(1) as f64;
        let average = shares.iter().map(|s| model.cpu_load() * s).sum::<f64>() / hours;
        let busiest = shares.iter().copied().fold(0.0, f64::max) * model.cpu_load();
        let estimate = tier.tier.capacity.estimate_basis("baseline_cpu");
        let use_ = BaselineUse {
            baseline_share: rule.baseline,
            basis: if estimate.is_some() {
                LimitBasis::Estimated
            } else {
                LimitBasis::Published
            },
            average_of_baseline: average / sustained,
            peak_of_baseline: busiest / sustained,
            max_balance_vcpu_hours: day.max_balance,
            lowest_balance_vcpu_hours: day.balance.iter().copied().fold(f64::INFINITY, f64::min),
            deficit_vcpu_hours_per_day: day.deficit_per_day,
        };
        sized.limits.push(LimitCheck {
            what: "average CPU within the baselines".into(),
            needed: average,
            limit: sustained,
            unit: "vCPU".into(),
            basis: use_.basis,
            estimate: estimate.map(str::to_string),
        });
        if self.explain {
            let trim = crate::input::units::trim_float;
            sized.explain.push(format!(
                "baseline{}: {}% of each vCPU sustained = {} vCPU over {} instance(s); the day's CPU averages {:.1}% of it, the busiest hour {:.1}%",
                estimate.map_or(String::new(), |b| format!(" ≈ (estimated: {b})")),
                trim(rule.baseline * 100.0, 2),
                trim(sustained, 3),
                trim(count, 2),
                use_.average_of_baseline * 100.0,
                use_.peak_of_baseline * 100.0
            ));
            let by_hour: Vec<String> = day.balance.iter().map(|b| trim(*b, 2)).collect();
            sized.explain.push(format!(
                "{}; {}",
                if day.max_balance > 0.0 {
                    format!(
                        "banked CPU balance by hour (0-23, vCPU-hours, at most {}): {}",
                        trim(day.max_balance, 2),
                        by_hour.join(" ")
                    )
                } else {
                    format!(
                        "no CPU balance is banked (the catalog has none for the tier): the baseline is the sustained CPU, held to the {:.0}% cap",
                        rule.usable * 100.0
                    )
                },
                if day.deficit_per_day > 1e-9 {
                    format!(
                        "{} vCPU-hours a day beyond baselines and balance ({})",
                        trim(day.deficit_per_day, 3),
                        match rule.mode {
                            crate::scenario::BurstMode::Unlimited => "billed as surplus",
                            crate::scenario::BurstMode::Standard => "throttled",
                        }
                    )
                } else {
                    "never spent: no hour is throttled or billed".into()
                }
            ));
        }
        sized.baseline = Some(use_);
    }

    pub fn new(scenario: &'a Scenario, catalog: &'a Catalog) -> Self {
        Planner {
            scenario,
            catalog,
            explain: false,
            hourly_shares: crate::demand::hourly_shares(scenario),
            environments: std::sync::OnceLock::new(),
            pinned: None,
        }
    }

    /// A planner held to one tier per component (`tiers`, in scenario
    /// order). With a scenario from [`repin_counts`], its plan is a fixed
    /// mix priced like any plan (charges, usage, fees), or the constraint
    /// the mix fails.
    pub fn pinned(scenario: &'a Scenario, catalog: &'a Catalog, tiers: Vec<String>) -> Self {
        let mut planner = Planner::new(scenario, catalog);
        planner.pinned = Some(tiers);
        planner
    }

    /// The available tiers of a component's candidate offerings.
    fn tiers(&self, component: &Component) -> Vec<TierRef<'a>> {
        let pin = self.pinned.as_ref().and_then(|tiers| {
            let index = self
                .scenario
                .components
                .iter()
                .position(|c| std::ptr::eq(c, component))?;
            tiers.get(index)
        });
        if let Some(pin) = pin {
            return self.catalog.tier(pin).into_iter().collect();
        }
        component
            .candidates
            .iter()
            .filter_map(|reference| self.catalog.candidate(reference).ok())
            .flat_map(|candidate| candidate.tiers())
            .collect()
    }

    fn unit_price(
        &self,
        component: &Component,
        tier: &TierRef<'_>,
        demand: &Demand,
    ) -> Option<f64> {
        self.unit_pricing(component, tier, demand).0
    }

    /// The monthly price of one instance under the component's purchase
    /// option (where the tier offers it), the option applied, and the
    /// on-demand price.
    fn unit_pricing(
        &self,
        component: &Component,
        tier: &TierRef<'_>,
        demand: &Demand,
    ) -> (Option<f64>, PurchaseOption, Option<f64>) {
        // Usage-priced compute: the usage lines are the bill; a tier price,
        // where given, is a fee per instance on top.
        if tier.offering.usage_compute.is_some()
            && tier.tier.price.monthly_usd.is_none()
            && tier.tier.price.hourly_usd.is_none()
        {
            return (Some(0.0), PurchaseOption::OnDemand, Some(0.0));
        }
        if !tier.tier.price.steps.is_empty() {
            let ops = match component.role {
                ComponentRole::Database => demand.db_ops_per_s,
                _ => demand.cache_ops_per_s,
            };
            let price = tier.monthly_usd_at_ops(ops);
            return (price, PurchaseOption::OnDemand, price);
        }
        let wanted = component
            .purchase_option
            .unwrap_or(PurchaseOption::OnDemand);
        let (price, applied) = tier.monthly_usd_preferring(wanted);
        (price, applied, tier.monthly_usd())
    }

    /// The cheapest mix for a load.
    pub fn plan(&self, users: f64) -> Result<Plan, Infeasible> {
        let demand = demand(self.scenario, users);
        let components = &self.scenario.components;
        // Compute components: Pareto options per component.
        let mut compute_options: Vec<(usize, Vec<ComputeOption<'a>>)> = Vec::new();
        for (index, component) in components.iter().enumerate() {
            if !matches!(component.role, ComponentRole::Web | ComponentRole::Worker) {
                continue;
            }
            let mut rejections = Vec::new();
            let options = self.component_options(component, &demand, None, &mut rejections);
            if options.is_empty() {
                return Err(infeasible(component, rejections));
            }
            compute_options.push((index, pareto(options)));
        }
        // Datastores, tried for every combination of compute options.
        let database = components
            .iter()
            .position(|c| c.role == ComponentRole::Database);
        let cache = components
            .iter()
            .position(|c| c.role == ComponentRole::Cache);
        // Datastore tiers that hold everything but connections, cheapest
        // first: each combination then only compares its connection count.
        let db_tiers = database.map(|i| self.datastore_tiers(&components[i], &demand));
        let cache_tiers = cache.map(|i| self.datastore_tiers(&components[i], &demand));
        let seats = self.scenario.seats.unwrap_or(1);
        // Each required plan is one bit, priced once.
        let mut plan_ids: Vec<&str> = Vec::new();
        for (_, options) in &compute_options {
            for plan in options.iter().flat_map(|o| &o.plans) {
                if !plan_ids.contains(&plan.as_str()) {
                    plan_ids.push(plan);
                }
            }
        }
        let fees: Vec<f64> = plan_ids
            .iter()
            .map(|plan| {
                plan_fee_line(self.catalog, plan, seats, "")
                    .monthly_usd
                    .unwrap_or(f64::INFINITY)
            })
            .collect();
        let items: Vec<Vec<search::Item>> = compute_options
            .iter()
            .map(|(_, options)| {
                options
                    .iter()
                    .map(|o| search::Item {
                        cost: o.cost,
                        db: o.db_connections,
                        cache: o.cache_connections,
                        instances: o.count,
                        plans: o.plans.iter().fold(0u64, |bits, plan| {
                            bits | plan_ids
                                .iter()
                                .position(|p| p == plan)
                                .map_or(0, |i| 1u64 << i.min(63))
                        }),
                    })
                    .collect()
            })
            .collect();
        let steps = |tiers: &[DatastoreChoice<'a>]| -> Vec<(Option<f64>, f64)> {
            tiers.iter().map(|t| (t.connection_limit, t.cost)).collect()
        };
        let db_steps = db_tiers.as_deref().map(steps);
        let cache_steps = cache_tiers.as_deref().map(steps);
        let solution = search::cheapest(&search::Problem {
            components: &items,
            fees: &fees,
            database: db_steps.as_deref(),
            cache: cache_steps.as_deref(),
        });
        let Some(solution) = solution else {
            // The fewest connections any combination opens: the datastore
            // that cannot take even those is the one to name.
            let fewest = |pick: fn(&search::Item) -> f64| -> f64 {
                items
                    .iter()
                    .map(|options| options.iter().map(pick).fold(f64::INFINITY, f64::min))
                    .sum()
            };
            let (db_fewest, cache_fewest) = (fewest(|i| i.db), fewest(|i| i.cache));
            for (index, tiers, conns) in [
                (database, &db_tiers, db_fewest),
                (cache, &cache_tiers, cache_fewest),
            ] {
                if let (Some(i), Some(tiers)) = (index, tiers)
                    && first_fitting(tiers, conns).is_none()
                {
                    return Err(self.datastore_rejection(&components[i], &demand, conns));
                }
            }
            return Err(Infeasible {
                component: "(all)".into(),
                constraint: Binding::Connections,
                detail: "no combination of compute options fits the database and cache connection limits together".into(),
            });
        };
        let choice = solution.choice;
        let db = solution
            .database
            .and_then(|i| db_tiers.as_ref().map(|t| t[i].clone()));
        let ca = solution
            .cache
            .and_then(|i| cache_tiers.as_ref().map(|t| t[i].clone()));
        let mut plans: Vec<Option<ComponentPlan>> = vec![None; components.len()];
        for (slot, (index, options)) in compute_options.iter().enumerate() {
            let option = &options[choice[slot]];
            let component = &components[*index];
            // Explanations are built for the chosen options only.
            let (sized, pricing) = match &option.serverless {
                Some(cost) => (
                    serverless_sized(option, cost, self.explain),
                    Pricing::Usage {
                        monthly: cost.monthly_usd,
                    },
                ),
                None => (
                    ComputeModel::new(component, option.tier, &demand)
                        .map(|m| {
                            let mut sized = m.sized(option.count, option.binding, self.explain);
                            let count = option
                                .autoscale
                                .as_ref()
                                .map_or(option.count as f64, |a| a.average_count);
                            self.baseline_use(component, &option.tier, &m, count, &mut sized);
                            sized
                        })
                        .map_err(|r| infeasible(component, vec![(option.tier, r)]))?,
                    self.instance_pricing(
                        component,
                        &option.tier,
                        &demand,
                        option.autoscale.as_ref().map(|a| a.billed_count),
                    ),
                ),
            };
            let mut plan = self.component_plan(component, &option.tier, sized, pricing, Vec::new());
            plan.charges = option.charges.clone();
            if let (Some(a), true) = (&option.autoscale, self.explain) {
                let hours: Vec<String> = a.by_hour.iter().map(|c| c.to_string()).collect();
                plan.sized.explain.push(format!(
                    "autoscaled by hour (0-23): {}; billed {} on average ({})",
                    hours.join(" "),
                    crate::input::units::trim_float(a.billed_count, 2),
                    a.billing
                ));
            }
            plan.autoscale = option.autoscale.clone();
            if self.explain {
                let rejected = self.cheaper_options_rejected(
                    component,
                    &option.tier.reference(),
                    option.cost,
                    &demand,
                );
                plan.sized.explain.extend(rejected);
            }
            plans[*index] = Some(plan);
        }
        for (index, component) in components.iter().enumerate() {
            if component.role == ComponentRole::Media {
                plans[index] = Some(self.media_plan(component, &demand)?);
            }
        }
        let (mut db_conns, mut cache_conns) = (0.0, 0.0);
        let mut fees: Vec<UsageLine> = Vec::new();
        for (slot, (index, options)) in compute_options.iter().enumerate() {
            let option = &options[choice[slot]];
            db_conns += option.db_connections;
            cache_conns += option.cache_connections;
            for plan in &option.plans {
                let why = plan_reason(&components[*index], &option.tier, plan);
                match fees.iter_mut().find(|f| &f.price == plan) {
                    Some(fee) => fee.name.push_str(&format!(", {}", components[*index].name)),
                    None => fees.push(plan_fee_line(self.catalog, plan, seats, &why)),
                }
            }
        }
        for (index, chosen, conns) in [(database, db, db_conns), (cache, ca, cache_conns)] {
            if let (Some(index), Some(chosen)) = (index, chosen) {
                let component = &components[index];
                for plan in &chosen.plans {
                    match fees.iter_mut().find(|f| &f.price == plan) {
                        Some(fee) => fee.name.push_str(&format!(", {}", component.name)),
                        None => fees.push(plan_fee_line(
                            self.catalog,
                            plan,
                            seats,
                            &plan_reason(component, &chosen.tier, plan),
                        )),
                    }
                }
                // Checked in full: the limits it rests on are reported
                // whether or not the arithmetic is.
                let mut check = check_datastore(
                    component,
                    &chosen.tier,
                    &demand,
                    conns,
                    true,
                    None,
                    self.catalog,
                )
                .map_err(|r| infeasible(component, vec![(chosen.tier, r)]))?;
                if !self.explain {
                    check.sized.explain.clear();
                }
                let pricing = self.instance_pricing(component, &chosen.tier, &demand, None);
                let mut plan = self.component_plan(
                    component,
                    &chosen.tier,
                    check.sized,
                    pricing,
                    check.warnings,
                );
                plan.charges = check.charges;
                // Lines that depend on the tier (egress it serves, capacity
                // units) were weighed with it; backups depend on the data,
                // not the tier, and follow it.
                plan.charges.extend(chosen.lines);
                if component.role == ComponentRole::Database {
                    plan.charges.extend(backup_charge(
                        component,
                        &chosen.tier,
                        &demand,
                        self.catalog,
                    ));
                }
                plan.unverified_limits = check.unverified;
                plans[index] = Some(plan);
            }
        }
        let mut plan = self.finish(demand, plans.into_iter().flatten().collect(), fees);
        self.attach_environments(&mut plan)?;
        Ok(plan)
    }
}

/// Makes `pinned`, a copy of `original` (which may hold another mix's
/// counts: one copy serves many mixes), run exactly the counts given
/// (`None`: the count follows the load, as autoscaled groups and
/// serverless functions do): with [`Planner::pinned`], a fixed mix.
pub fn repin_counts(pinned: &mut Scenario, original: &Scenario, counts: &[Option<u32>]) {
    for ((component, own), count) in pinned
        .components
        .iter_mut()
        .zip(&original.components)
        .zip(counts)
    {
        match (component.role.is_compute(), count) {
            (true, Some(n)) => {
                component.min_instances = Some(*n);
                component.max_instances = Some(*n);
            }
            _ => {
                component.min_instances = own.min_instances;
                component.max_instances = own.max_instances;
            }
        }
    }
}

/// The error for a component none of whose tiers fits: the constraint and
/// the limit of its largest tier.
fn infeasible(component: &Component, rejections: Vec<(TierRef<'_>, Rejection)>) -> Infeasible {
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
        size(a)
            .partial_cmp(&size(b))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    match largest {
        Some((_, rejection)) => Infeasible {
            component: component.name.clone(),
            constraint: rejection.binding,
            detail: if only_one {
                format!("{}: {}", rejection.tier, rejection.reason)
            } else {
                format!("the largest tier, {}: {}", rejection.tier, rejection.reason)
            },
        },
        None => Infeasible {
            component: component.name.clone(),
            constraint: Binding::MinInstances,
            detail: format!(
                "no available tier among {}",
                component.candidates.join(", ")
            ),
        },
    }
}

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

mod autoscale;
mod charges;
mod compute;
mod datastore;
mod environments;
mod media;
mod search;
mod serverless;
mod usage;

pub use autoscale::{AutoscaleCounts, SAMPLES_PER_HOUR};
pub use compute::Rejection;
pub use environments::{EnvironmentComponent, EnvironmentCost};
pub use media::credits_per_month;
pub use usage::{UsageLine, usage_lines};

use crate::catalog::{Catalog, PurchaseOption, Role, TierRef};
use crate::demand::{Demand, Load, demand};
use crate::scenario::{Component, ComponentRole, Scenario};
use autoscale::{autoscale_counts, billed_lower_bound};
use charges::{
    backup_charge, baseline_count, burst_mode, capacity_unit_charge, egress_charges,
    load_balancer_charges, plan_fee_line, required_plans, surplus_charge, surplus_vcpu_hours,
};
use compute::ComputeModel;
use datastore::check_datastore;
use media::check_media;
use serde::Serialize;
use serverless::{ServerlessCost, serverless_cost};
use std::fmt;

/// The constraint that set a component's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
}

pub(crate) use crate::units::fits;

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
        }
    }
}

/// A size and what it achieves.
#[derive(Debug, Clone, PartialEq)]
pub struct Sized {
    pub count: u32,
    pub utilization: Option<f64>,
    pub p95_ms: Option<f64>,
    pub binding: Binding,
    pub feasible: bool,
    pub explain: Vec<String>,
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
    pub fn total_monthly_usd(&self) -> Option<f64> {
        let mut total = self.monthly_usd?;
        for line in &self.charges {
            total += line.monthly_usd?;
        }
        Some(total)
    }

    /// Fixed peak sizing minus the autoscaled cost, per month.
    pub fn autoscale_saving_usd(&self) -> Option<f64> {
        let a = self.autoscale.as_ref()?;
        Some(self.unit_monthly_usd? * (a.peak_count as f64 - a.billed_count))
    }
}

/// How one component's chosen tier is priced.
#[derive(Debug, Clone, Copy)]
enum Pricing {
    /// Instances: one at the applied purchase option and on demand, and
    /// the instances paid for on average (autoscaling; `None`: the count).
    Instances {
        unit: Option<f64>,
        option: PurchaseOption,
        unit_on_demand: Option<f64>,
        billed: Option<f64>,
    },
    /// Serverless: a monthly cost by use.
    Usage { monthly: Option<f64> },
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

    /// The mix an operator changes by hand: an autoscaled group's count
    /// follows the load by itself, so only its tier counts.
    pub fn managed_mix(&self) -> Vec<(String, Option<u32>)> {
        self.components
            .iter()
            .map(|c| (c.tier_ref.clone(), c.autoscale.is_none().then_some(c.count)))
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

/// One priced option of a compute component.
#[derive(Debug, Clone)]
struct ComputeOption<'a> {
    tier: TierRef<'a>,
    count: u32,
    binding: Binding,
    cost: f64,
    db_connections: f64,
    cache_connections: f64,
    autoscale: Option<AutoscaleCounts>,
    serverless: Option<ServerlessCost>,
    /// Lines the tier's pricing rules add (in `cost`).
    charges: Vec<UsageLine>,
    /// Platform plans the option needs, `provider/offering/tier`, paid
    /// once per plan whatever the number of components needing it.
    plans: Vec<String>,
}

pub struct Planner<'a> {
    pub scenario: &'a Scenario,
    pub catalog: &'a Catalog,
    /// Build the arithmetic behind each size (`--explain`); sweeps skip it.
    pub explain: bool,
    /// The load profile as shares of the peak hour (autoscaling).
    hourly_shares: Vec<f64>,
    /// The scenario's other environments, planned on first use.
    environments: std::sync::OnceLock<Result<Vec<environments::PlannedEnvironment>, Infeasible>>,
}

impl<'a> Planner<'a> {
    pub fn new(scenario: &'a Scenario, catalog: &'a Catalog) -> Self {
        Planner {
            scenario,
            catalog,
            explain: false,
            hourly_shares: crate::demand::hourly_shares(scenario),
            environments: std::sync::OnceLock::new(),
        }
    }

    /// The available tiers of a component's candidate offerings.
    fn tiers(&self, component: &Component) -> Vec<TierRef<'a>> {
        let mut out = Vec::new();
        for reference in &component.candidates {
            if let Some((provider, offering)) = self.catalog.offering(reference) {
                for tier in &offering.tiers {
                    let r = TierRef {
                        provider,
                        offering,
                        tier,
                    };
                    if r.available() {
                        out.push(r);
                    }
                }
            }
        }
        out
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

    /// One compute component on one tier: sized (instances, possibly
    /// autoscaled) or priced by use (serverless).
    /// `model` is the tier's queueing model (instance tiers; `None` for
    /// serverless ones), built once by the caller.
    fn compute_option(
        &self,
        component: &Component,
        tier: TierRef<'a>,
        model: Option<&ComputeModel<'_>>,
        demand: &Demand,
    ) -> Result<ComputeOption<'a>, Rejection> {
        let per_instance = |count: f64| {
            (
                count * component.db_pool_per_instance.unwrap_or(0.0),
                count * component.cache_connections_per_instance.unwrap_or(0.0),
            )
        };
        let egress = egress_charges(self.scenario, component, &tier, demand, self.catalog);
        if tier.offering.role == Some(Role::Serverless) {
            let cost = serverless_cost(component, tier, demand, self.catalog)?;
            let (db_connections, cache_connections) = per_instance(cost.concurrency as f64);
            return Ok(ComputeOption {
                tier,
                count: cost.concurrency,
                binding: cost.binding,
                cost: cost.monthly_usd.unwrap_or(f64::INFINITY) + charges::total(&egress),
                db_connections,
                cache_connections,
                autoscale: None,
                serverless: Some(cost),
                charges: egress,
                plans: Vec::new(),
            });
        }
        let built;
        let model = match model {
            Some(model) => model,
            None => {
                built = ComputeModel::new(component, tier, demand)?;
                &built
            }
        };
        let (mut count, mut binding) = model.size()?;
        let unit = self.unit_price(component, &tier, demand);
        let mut surplus = None;
        // Burstable tiers (fixed counts; autoscaled groups are priced when
        // integrated): standard mode must keep the day's average within the
        // baseline; unlimited mode pays for CPU above it, or runs the more
        // instances whose baselines cover it, whichever costs less.
        if let (Some((baseline, mode)), None) = (burst_mode(component, &tier), component.autoscale)
        {
            let shares = &self.hourly_shares;
            let covering = baseline_count(model.cpu_load(), shares, model.vcpu(), baseline);
            let credits = |n: u32| {
                surplus_vcpu_hours(model.cpu_load(), shares, n as f64, model.vcpu(), baseline)
            };
            let candidate = covering.max(count);
            match mode {
                crate::scenario::BurstMode::Standard => {
                    if candidate > model.max_count() {
                        return Err(Rejection {
                            tier: tier.reference(),
                            binding: Binding::Baseline,
                            reason: format!(
                                "{candidate} instances are needed to keep the average CPU within the {}% baseline (standard mode); the limit is {}",
                                crate::units::trim_float(baseline * 100.0, 1),
                                model.max_count()
                            ),
                        });
                    }
                    if candidate > count {
                        (count, binding) = (candidate, Binding::Baseline);
                    }
                }
                crate::scenario::BurstMode::Unlimited => {
                    let cost_at = |n: u32| {
                        let line =
                            surplus_charge(component, &tier, credits(n), baseline, self.catalog);
                        let extra = line
                            .as_ref()
                            .map_or(0.0, |l| l.monthly_usd.unwrap_or(f64::INFINITY));
                        (unit.map_or(f64::INFINITY, |p| p * n as f64) + extra, line)
                    };
                    let (at_count, line) = cost_at(count);
                    surplus = line;
                    if candidate > count && candidate <= model.max_count() {
                        let (at_candidate, line) = cost_at(candidate);
                        if at_candidate < at_count {
                            (count, binding, surplus) = (candidate, Binding::Baseline, line);
                        }
                    }
                }
            }
        }
        let mut lines: Vec<UsageLine> = surplus.into_iter().collect();
        lines.extend(egress);
        if component.autoscale.is_none() {
            lines.extend(self.load_balancer(component, &tier, count, demand));
        }
        let (db_connections, cache_connections) = per_instance(count as f64);
        Ok(ComputeOption {
            tier,
            count,
            binding,
            // Fixed at the peak until integrated (autoscaled components).
            cost: unit.map_or(f64::INFINITY, |p| p * count as f64) + charges::total(&lines),
            db_connections,
            cache_connections,
            autoscale: None,
            serverless: None,
            charges: lines,
            plans: required_plans(component, &tier),
        })
    }

    /// The charges of an autoscaled group over the day: CPU credits above
    /// the baseline on the average count, its `egress`, and a load balancer
    /// when the group reaches its rule's size.
    fn autoscaled_charges(
        &self,
        component: &Component,
        tier: &TierRef<'a>,
        model: &ComputeModel<'_>,
        counts: &AutoscaleCounts,
        demand: &Demand,
        egress: Vec<UsageLine>,
    ) -> Result<Vec<UsageLine>, Rejection> {
        let mut lines = Vec::new();
        if let Some((baseline, mode)) = burst_mode(component, tier) {
            let hours = surplus_vcpu_hours(
                model.cpu_load(),
                &self.hourly_shares,
                counts.average_count,
                model.vcpu(),
                baseline,
            );
            if hours > 0.0 && mode == crate::scenario::BurstMode::Standard {
                return Err(Rejection {
                    tier: tier.reference(),
                    binding: Binding::Baseline,
                    reason: format!(
                        "the group's average CPU exceeds the {}% baseline (standard mode)",
                        crate::units::trim_float(baseline * 100.0, 1)
                    ),
                });
            }
            lines.extend(surplus_charge(
                component,
                tier,
                hours,
                baseline,
                self.catalog,
            ));
        }
        lines.extend(egress);
        lines.extend(self.load_balancer(component, tier, counts.peak_count, demand));
        Ok(lines)
    }

    /// The load balancer lines of `count` instances of a tier, where its
    /// offering needs one.
    fn load_balancer(
        &self,
        component: &Component,
        tier: &TierRef<'a>,
        count: u32,
        demand: &Demand,
    ) -> Vec<UsageLine> {
        let per_connection = self.scenario.workload.requests_per_connection;
        load_balancer_charges(
            component,
            tier,
            count,
            demand,
            &self.hourly_shares,
            per_connection.unwrap_or(1.0),
            self.catalog,
        )
    }

    /// The options of a compute component that can be on its Pareto front
    /// (all of them, or only its serverless or only its instance tiers).
    /// Exact pruning: each instance tier's cost is bounded from below
    /// without queueing (its unit price × the CPU-cap count, or the
    /// autoscaled billed lower bound; charges only add), and so are its
    /// connections (that count × the pools). Tiers are evaluated cheapest
    /// bound first; a tier whose bound an evaluated option already beats,
    /// with no more connections and no more required plans, could not be
    /// on the front and is not sized.
    fn component_options(
        &self,
        component: &Component,
        demand: &Demand,
        serverless_only: Option<bool>,
        rejections: &mut Vec<(TierRef<'a>, Rejection)>,
    ) -> Vec<ComputeOption<'a>> {
        struct Pending<'a, 'm> {
            tier: TierRef<'a>,
            model: ComputeModel<'m>,
            bound: f64,
            floor: f64,
            plans: Vec<String>,
        }
        let pool = component.db_pool_per_instance.unwrap_or(0.0);
        let cache_pool = component.cache_connections_per_instance.unwrap_or(0.0);
        let mut pending = Vec::new();
        let mut done: Vec<ComputeOption<'a>> = Vec::new();
        for tier in self.tiers(component) {
            let serverless = tier.offering.role == Some(Role::Serverless);
            if serverless_only.is_some_and(|wanted| wanted != serverless) {
                continue;
            }
            if serverless {
                match self.compute_option(component, tier, None, demand) {
                    Ok(option) => done.push(option),
                    Err(rejection) => rejections.push((tier, rejection)),
                }
                continue;
            }
            match ComputeModel::new(component, tier, demand) {
                Err(rejection) => rejections.push((tier, rejection)),
                Ok(model) => {
                    let unit = self
                        .unit_price(component, &tier, demand)
                        .unwrap_or(f64::INFINITY);
                    let floor = model.cpu_floor(1.0) as f64;
                    let count = match component.autoscale {
                        Some(_) => billed_lower_bound(&model, tier, &self.hourly_shares),
                        None => floor,
                    };
                    pending.push(Pending {
                        tier,
                        model,
                        bound: unit * count,
                        floor,
                        plans: required_plans(component, &tier),
                    });
                }
            }
        }
        pending.sort_by(|a, b| a.bound.total_cmp(&b.bound));
        for candidate in pending {
            // Strictly cheaper: an equal cost may still win on fewer instances.
            let beaten = done.iter().any(|d| {
                d.cost < candidate.bound
                    && d.db_connections <= candidate.floor * pool
                    && d.cache_connections <= candidate.floor * cache_pool
                    && d.plans.iter().all(|p| candidate.plans.contains(p))
            });
            if beaten {
                continue;
            }
            let model = &candidate.model;
            let option = self
                .compute_option(component, candidate.tier, Some(model), demand)
                .and_then(|option| match component.autoscale {
                    Some(_) => self.integrate_autoscaling(component, model, demand, option),
                    None => Ok(option),
                });
            match option {
                Ok(option) => done.push(option),
                Err(rejection) => rejections.push((candidate.tier, rejection)),
            }
        }
        done
    }

    /// An autoscaled option priced over the day: its counts hour by hour,
    /// the instances billed, and its charges.
    fn integrate_autoscaling(
        &self,
        component: &Component,
        model: &ComputeModel<'_>,
        demand: &Demand,
        mut option: ComputeOption<'a>,
    ) -> Result<ComputeOption<'a>, Rejection> {
        let counts = autoscale_counts(component, option.tier, demand, &self.hourly_shares)?;
        // The option already carries its egress (the same at any count).
        let egress = std::mem::take(&mut option.charges);
        let lines =
            self.autoscaled_charges(component, &option.tier, model, &counts, demand, egress)?;
        let unit = self.unit_price(component, &option.tier, demand);
        option.cost =
            unit.map_or(f64::INFINITY, |p| p * counts.billed_count) + charges::total(&lines);
        option.charges = lines;
        option.autoscale = Some(counts);
        Ok(option)
    }

    /// The cheapest mix for a load.
    pub fn plan(&self, load: Load) -> Result<Plan, Infeasible> {
        let demand = demand(self.scenario, load);
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
            tiers
                .iter()
                .map(|t| (t.tier.tier.capacity.max_connections, t.cost))
                .collect()
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
                        .map(|m| m.sized(option.count, option.binding, self.explain))
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
                    crate::units::trim_float(a.billed_count, 2),
                    a.billing
                ));
            }
            plan.autoscale = option.autoscale.clone();
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
                let why = format!("autoscaling of {}", components[*index].name);
                match fees.iter_mut().find(|f| &f.price == plan) {
                    Some(fee) => fee.name.push_str(&format!(", {}", components[*index].name)),
                    None => fees.push(plan_fee_line(self.catalog, plan, seats, &why)),
                }
            }
        }
        for (index, chosen, conns) in [(database, db, db_conns), (cache, ca, cache_conns)] {
            if let (Some(index), Some(chosen)) = (index, chosen) {
                let component = &components[index];
                let check = check_datastore(
                    component,
                    &chosen.tier,
                    &demand,
                    conns,
                    self.explain,
                    None,
                    self.catalog,
                )
                .map_err(|r| infeasible(component, vec![(chosen.tier, r)]))?;
                let pricing = self.instance_pricing(component, &chosen.tier, &demand, None);
                let mut plan = self.component_plan(
                    component,
                    &chosen.tier,
                    check.sized,
                    pricing,
                    check.warnings,
                );
                plan.charges = check.charges;
                // Egress the datastore serves was weighed with its tier;
                // backups depend on the data, not the tier, and follow it.
                plan.charges.extend(egress_charges(
                    self.scenario,
                    component,
                    &chosen.tier,
                    &demand,
                    self.catalog,
                ));
                if component.role == ComponentRole::Database {
                    plan.charges.extend(capacity_unit_charge(
                        component,
                        &chosen.tier,
                        &demand,
                        &self.hourly_shares,
                        self.catalog,
                    ));
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

    /// The tiers of a datastore component that hold the demand apart from
    /// connections, cheapest first, with their connection limits.
    fn datastore_tiers(&self, component: &Component, demand: &Demand) -> Vec<DatastoreChoice<'a>> {
        let mut tiers: Vec<DatastoreChoice<'a>> = self
            .tiers(component)
            .into_iter()
            .filter_map(|tier| {
                let check =
                    check_datastore(component, &tier, demand, 0.0, false, None, self.catalog)
                        .ok()?;
                let mut egress =
                    egress_charges(self.scenario, component, &tier, demand, self.catalog);
                egress.extend(capacity_unit_charge(
                    component,
                    &tier,
                    demand,
                    &self.hourly_shares,
                    self.catalog,
                ));
                Some(DatastoreChoice {
                    cost: self
                        .unit_price(component, &tier, demand)
                        .map_or(f64::INFINITY, |p| p * check.sized.count as f64)
                        + charges::total(&check.charges)
                        + charges::total(&egress),
                    tier,
                })
            })
            .collect();
        tiers.sort_by(|a, b| a.cost.total_cmp(&b.cost));
        tiers
    }

    /// Why no tier of a datastore serves this demand and these connections
    /// (built only when needed: the messages cost more than the checks).
    fn datastore_rejection(
        &self,
        component: &Component,
        demand: &Demand,
        connections: f64,
    ) -> Infeasible {
        let rejections = self
            .tiers(component)
            .into_iter()
            .filter_map(|tier| {
                check_datastore(
                    component,
                    &tier,
                    demand,
                    connections,
                    true,
                    None,
                    self.catalog,
                )
                .err()
                .map(|r| (tier, r))
            })
            .collect();
        infeasible(component, rejections)
    }

    /// Pricing of instances of a tier; `billed` is the average paid for
    /// when it differs from the count (autoscaling).
    fn instance_pricing(
        &self,
        component: &Component,
        tier: &TierRef<'_>,
        demand: &Demand,
        billed: Option<f64>,
    ) -> Pricing {
        let (unit, option, unit_on_demand) = self.unit_pricing(component, tier, demand);
        Pricing::Instances {
            unit,
            option,
            unit_on_demand,
            billed,
        }
    }

    /// The cheapest credit plan of a media component that covers the demand.
    fn media_plan(
        &self,
        component: &Component,
        demand: &Demand,
    ) -> Result<ComponentPlan, Infeasible> {
        let mut best: Option<(f64, TierRef<'a>, (Sized, Vec<String>))> = None;
        let mut rejections = Vec::new();
        for tier in self.tiers(component) {
            match check_media(component, &tier, demand, self.explain) {
                Ok(checked) => {
                    let cost = self
                        .unit_price(component, &tier, demand)
                        .unwrap_or(f64::INFINITY);
                    if best.as_ref().is_none_or(|(c, ..)| cost < *c) {
                        best = Some((cost, tier, checked));
                    }
                }
                Err(r) => rejections.push((tier, r)),
            }
        }
        let Some((_, tier, (sized, warnings))) = best else {
            return Err(infeasible(component, rejections));
        };
        let pricing = self.instance_pricing(component, &tier, demand, None);
        Ok(self.component_plan(component, &tier, sized, pricing, warnings))
    }

    fn component_plan(
        &self,
        component: &Component,
        tier: &TierRef<'_>,
        sized: Sized,
        pricing: Pricing,
        mut warnings: Vec<String>,
    ) -> ComponentPlan {
        let count = sized.count as f64;
        let (unit, option, monthly, on_demand) = match pricing {
            Pricing::Instances {
                unit,
                option,
                unit_on_demand,
                billed,
            } => {
                let paid = billed.unwrap_or(count);
                (
                    unit,
                    option,
                    unit.map(|u| u * paid),
                    unit_on_demand.map(|u| u * paid),
                )
            }
            Pricing::Usage { monthly } => (None, PurchaseOption::OnDemand, monthly, monthly),
        };
        let serverless = matches!(pricing, Pricing::Usage { .. });
        if let Some(wanted) = component.purchase_option
            && wanted != option
            && !serverless
        {
            warnings.push(format!(
                "{}: {} does not offer {}; priced on demand",
                component.name,
                tier.reference(),
                wanted.as_str()
            ));
        }
        if tier.tier.capacity.sleeps_when_idle == Some(true) {
            warnings.push(format!(
                "{}: {} sleeps when idle (cold starts of up to a minute)",
                component.name,
                tier.reference()
            ));
        }
        if serverless {
            warnings.push(format!(
                "{}: {} is serverless: cold starts add latency the p95 here does not include",
                component.name,
                tier.reference()
            ));
        }
        if let Some(warning) = single_point_of_failure(component, tier, sized.count, serverless) {
            warnings.push(warning);
        }
        if monthly.is_none() {
            warnings.push(format!(
                "{}: {} is unpriced in the catalog; it is not counted in the total",
                component.name,
                tier.reference()
            ));
        }
        let provenance = tier.provenance();
        if provenance.confidence == Some(crate::catalog::Confidence::Low) && monthly.is_some() {
            warnings.push(format!(
                "{}: the price of {} is low confidence ({})",
                component.name,
                tier.reference(),
                provenance.source.unwrap_or_default()
            ));
        }
        if let Some(age) = provenance
            .as_of
            .as_deref()
            .and_then(|d| crate::catalog::days_between(d, &crate::catalog::today()))
            && age > 365
        {
            warnings.push(format!(
                "{}: the catalog entry for {} is {age} days old",
                component.name,
                tier.reference()
            ));
        }
        ComponentPlan {
            name: component.name.clone(),
            role: component.role,
            tier_ref: tier.reference(),
            count: sized.count,
            unit_monthly_usd: unit,
            monthly_usd: monthly,
            purchase_option: option,
            on_demand_monthly_usd: on_demand,
            autoscale: None,
            serverless,
            sized,
            warnings,
            charges: Vec::new(),
            unverified_limits: Vec::new(),
        }
    }

    fn finish(&self, demand: Demand, components: Vec<ComponentPlan>, fees: Vec<UsageLine>) -> Plan {
        let mut usage = usage_lines(self.scenario, self.catalog, &demand);
        usage.extend(fees);
        let mut unpriced = Vec::new();
        let mut warnings = Vec::new();
        let mut total = 0.0;
        for c in &components {
            match c.monthly_usd {
                Some(cost) => total += cost,
                None => unpriced.push(format!("{} ({})", c.name, c.tier_ref)),
            }
            warnings.extend(c.warnings.iter().cloned());
            for line in &c.charges {
                match line.monthly_usd {
                    Some(cost) => total += cost,
                    None => {
                        unpriced.push(format!("{}: {} ({})", c.name, line.name, line.price));
                        warnings.push(format!(
                            "{}: '{}' ({}) is unpriced; it is not counted in the total",
                            c.name, line.name, line.price
                        ));
                    }
                }
            }
        }
        for u in &usage {
            match u.monthly_usd {
                Some(cost) => total += cost,
                None => {
                    unpriced.push(format!("{} ({})", u.name, u.price));
                    warnings.push(format!(
                        "usage '{}': {} is unpriced at this volume; it is not counted in the total",
                        u.name, u.price
                    ));
                }
            }
        }
        Plan {
            demand,
            components,
            usage,
            monthly_usd: total,
            unpriced,
            warnings,
            environments: Vec::new(),
        }
    }

    /// The cheapest tier of one compute component alone at a load, among
    /// its serverless candidates (`serverless`) or its instance ones:
    /// (tier, count, monthly cost). Connection limits are not considered.
    pub fn cheapest_alone(
        &self,
        component: &Component,
        load: Load,
        serverless: bool,
    ) -> Option<(String, u32, f64)> {
        let demand = demand(self.scenario, load);
        let mut ignored = Vec::new();
        self.component_options(component, &demand, Some(serverless), &mut ignored)
            .into_iter()
            .filter(|o| o.cost.is_finite())
            .min_by(|a, b| a.cost.total_cmp(&b.cost))
            .map(|o| (o.tier.reference(), o.count, o.cost))
    }

    /// Whether a fixed mix (tier and count per component, in scenario
    /// order) serves a load within every constraint.
    pub fn mix_holds(&self, mix: &[(String, u32)], load: Load) -> bool {
        self.mix_failure(mix, load).is_none()
    }

    /// The first component of a fixed mix that fails at a load, with the
    /// constraint it fails; `None` when the mix holds.
    pub fn mix_failure(&self, mix: &[(String, u32)], load: Load) -> Option<(String, Binding)> {
        let demand = demand(self.scenario, load);
        let components = &self.scenario.components;
        let unknown = || Some(("(mix)".to_string(), Binding::MinInstances));
        if mix.len() != components.len() {
            return unknown();
        }
        let (mut db_conns, mut cache_conns) = (0.0, 0.0);
        for (component, (reference, count)) in components.iter().zip(mix) {
            if component.role.is_compute() {
                let Some(tier) = self.catalog.tier(reference) else {
                    return unknown();
                };
                if tier.offering.role == Some(Role::Serverless) {
                    // Executions scale with the load: only memory and latency bind.
                    match serverless_cost(component, tier, &demand, self.catalog) {
                        Ok(cost) => {
                            db_conns += cost.concurrency as f64
                                * component.db_pool_per_instance.unwrap_or(0.0);
                            cache_conns += cost.concurrency as f64
                                * component.cache_connections_per_instance.unwrap_or(0.0);
                            continue;
                        }
                        Err(rejection) => return Some((component.name.clone(), rejection.binding)),
                    }
                }
                let failing = match ComputeModel::new(component, tier, &demand) {
                    Err(rejection) => Some(rejection.binding),
                    Ok(_) if *count == 0 => Some(Binding::MinInstances),
                    Ok(model) => model.check(*count).failing,
                };
                if let Some(binding) = failing {
                    return Some((component.name.clone(), binding));
                }
                db_conns += *count as f64 * component.db_pool_per_instance.unwrap_or(0.0);
                cache_conns +=
                    *count as f64 * component.cache_connections_per_instance.unwrap_or(0.0);
            }
        }
        for (component, (reference, count)) in components.iter().zip(mix) {
            let conns = match component.role {
                ComponentRole::Database => db_conns,
                ComponentRole::Cache => cache_conns,
                ComponentRole::Media => {
                    let Some(tier) = self.catalog.tier(reference) else {
                        return unknown();
                    };
                    if let Err(rejection) = check_media(component, &tier, &demand, false) {
                        return Some((component.name.clone(), rejection.binding));
                    }
                    continue;
                }
                _ => continue,
            };
            let Some(tier) = self.catalog.tier(reference) else {
                return unknown();
            };
            if let Err(rejection) = check_datastore(
                component,
                &tier,
                &demand,
                conns,
                false,
                Some(*count),
                self.catalog,
            ) {
                return Some((component.name.clone(), rejection.binding));
            }
        }
        None
    }

    /// The instance cost of a fixed mix (on-demand or each component's
    /// purchase option) at a load, or `None` when a tier is unpriced.
    pub fn mix_cost(&self, mix: &[(String, u32)], load: Load) -> Option<f64> {
        let demand = demand(self.scenario, load);
        let mut total = 0.0;
        for (component, (reference, count)) in self.scenario.components.iter().zip(mix) {
            let tier = self.catalog.tier(reference)?;
            total += self.unit_price(component, &tier, &demand)? * *count as f64;
        }
        Some(total)
    }

    /// The largest user count (at least `from`) that a fixed mix serves, by
    /// doubling then bisection (demand grows with users); `None` when it
    /// still holds at 10¹² users.
    pub fn capacity(&self, mix: &[(String, u32)], from: f64) -> Option<f64> {
        const LIMIT: f64 = 1e12;
        let holds = |users: f64| self.mix_holds(mix, Load::Users(users));
        let mut good = from.floor().max(0.0);
        let mut bad = (good * 2.0).max(good + 1.0);
        while holds(bad) {
            good = bad;
            bad *= 2.0;
            if bad > LIMIT {
                return None;
            }
        }
        while bad - good > 1.0 {
            let mid = ((good + bad) / 2.0).floor();
            if holds(mid) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        Some(good)
    }
}

/// A warning where a component whose availability the scenario does not
/// state runs as a single point of failure: one web instance, or a
/// one-node database whose tier has no standby in its price.
fn single_point_of_failure(
    component: &Component,
    tier: &TierRef<'_>,
    count: u32,
    serverless: bool,
) -> Option<String> {
    if component.high_availability.is_some() || serverless {
        return None;
    }
    match component.role {
        ComponentRole::Web => {
            let fewest = component.autoscale.map_or(count, |a| a.min.min(count));
            (fewest == 1).then(|| {
                format!(
                    "{}: one instance of {} is a single point of failure; set high_availability: true to plan at least two (or false to accept one)",
                    component.name,
                    tier.reference()
                )
            })
        }
        ComponentRole::Database => {
            let standby_included = tier.tier.high_availability != Some(false)
                && tier
                    .offering
                    .high_availability
                    .as_ref()
                    .is_some_and(|ha| ha.standby_nodes == 0);
            (count == 1 && !standby_included).then(|| {
                format!(
                    "{}: {} is a single node with no standby; set high_availability: true to plan one (or false to accept a single node)",
                    component.name,
                    tier.reference()
                )
            })
        }
        _ => None,
    }
}

/// The report of a serverless option: concurrency, latency, and how it is
/// priced.
fn serverless_sized(option: &ComputeOption<'_>, cost: &ServerlessCost, explain_it: bool) -> Sized {
    let explain = if explain_it {
        vec![
            format!(
                "{}: one execution per request, {} ms billed at {} MB",
                option.tier.reference(),
                crate::units::trim_float(cost.duration_s * 1e3, 1),
                crate::units::trim_float(cost.memory_mb, 0)
            ),
            format!(
                "{} concurrent executions at the peak (rate × duration); p95 {} ms without queueing",
                option.count,
                crate::units::trim_float(cost.p95_s * 1e3, 1)
            ),
        ]
    } else {
        Vec::new()
    };
    Sized {
        count: option.count,
        utilization: None,
        p95_ms: Some(cost.p95_s * 1e3),
        binding: cost.binding,
        feasible: true,
        explain,
    }
}

#[derive(Clone)]
struct DatastoreChoice<'a> {
    tier: TierRef<'a>,
    cost: f64,
}

/// The cheapest tier whose connection limit (if published) holds `connections`.
fn first_fitting<'a>(
    tiers: &[DatastoreChoice<'a>],
    connections: f64,
) -> Option<DatastoreChoice<'a>> {
    tiers
        .iter()
        .find(|t| {
            t.tier
                .tier
                .capacity
                .max_connections
                .is_none_or(|limit| fits(connections, limit))
        })
        .cloned()
}

/// Options not beaten on cost and both connection counts by a cheaper one.
fn pareto(mut options: Vec<ComputeOption<'_>>) -> Vec<ComputeOption<'_>> {
    options.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.count.cmp(&b.count)));
    let mut kept: Vec<ComputeOption<'_>> = Vec::new();
    for option in options {
        let dominated = kept.iter().any(|k| {
            k.cost <= option.cost
                && k.db_connections <= option.db_connections
                && k.cache_connections <= option.cache_connections
                && k.plans.iter().all(|p| option.plans.contains(p))
        });
        if !dominated {
            kept.push(option);
        }
    }
    kept
}

/// The error for a component none of whose tiers fits: the constraint and
/// the limit of its largest tier.
fn infeasible(component: &Component, rejections: Vec<(TierRef<'_>, Rejection)>) -> Infeasible {
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
            detail: format!("the largest tier, {}: {}", rejection.tier, rejection.reason),
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

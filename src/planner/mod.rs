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
mod datastore_needs;
pub mod defaults;
mod environments;
mod fixed_mix;
mod joint;
mod media;
mod options;
mod plan;
pub mod request_classes;
mod search;
mod serverless;
pub mod stages;
mod usage;
mod usage_compute;

pub use autoscale::{AutoscaleCounts, SAMPLES_PER_HOUR};
pub use capacity::{Change, DEFAULT_SWITCH_SAVING, Switch, USER_LIMIT, switch_pays};
pub use compute::{Rejection, instance_limit};
pub use current::{CurrentChange, CurrentComponent, CurrentMix, VsRecommended};
// BaselineUse and LimitCheck are defined below and reported as they are.
pub use environments::{EnvironmentComponent, EnvironmentCost};
pub use media::credits_per_month;
use plan::infeasible;
pub use plan::{
    BaselineUse, Binding, ComponentPlan, Infeasible, LimitCheck, Plan, Sized, percentile_name,
};
pub use request_classes::RequestClassRow;
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
use datastore::{Detail, check_datastore};
use media::check_media;
use options::{ComputeOption, pareto};
use serverless::{ServerlessCost, serverless_cost};
use usage_compute::usage_compute_cost;

pub(crate) use crate::input::units::fits;

pub struct Planner<'a> {
    pub scenario: &'a Scenario,
    pub catalog: &'a Catalog,
    /// Build the arithmetic behind each size (`--explain`); sweeps skip it.
    pub explain: bool,
    /// The load over the profile's period as shares of the peak hour
    /// (autoscaling, CPU credits, hour-by-hour charges).
    shape: crate::demand::LoadShape,
    /// The scenario's other environments, planned on first use.
    environments: std::sync::OnceLock<Result<Vec<environments::PlannedEnvironment>, Infeasible>>,
    /// One tier per component (scenario order) that the plan must use:
    /// the cost of a given mix under another load or other inputs.
    /// `None` in a component's place leaves it free.
    pinned: Option<Vec<Option<String>>>,
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
        let shares = self.shape.hours();
        let day = charges::burst_day(&rule, model.cpu_load(), shares, count);
        // Shown against the whole baseline; checked within the headroom.
        let sustained = count * rule.baseline * rule.vcpu;
        let hours = shares.len().max(1) as f64;
        let average = shares.iter().map(|s| model.cpu_load() * s).sum::<f64>() / hours;
        let busiest = shares.iter().copied().fold(0.0, f64::max) * model.cpu_load();
        let estimate = tier.tier.capacity.estimate_basis("baseline_cpu");
        let use_ = BaselineUse {
            baseline_share: rule.baseline,
            basis: if estimate.is_some() { LimitBasis::Estimated } else { LimitBasis::Published },
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
            shape: crate::demand::LoadShape::new(&scenario.workload),
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
        planner.pinned = Some(tiers.into_iter().map(Some).collect());
        planner
    }

    /// The available tiers of a component's candidate offerings.
    fn tiers(&self, component: &Component) -> Vec<TierRef<'a>> {
        let pin = self.pinned.as_ref().and_then(|tiers| {
            let index = self.scenario.components.iter().position(|c| std::ptr::eq(c, component))?;
            tiers.get(index)?.as_ref()
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
        let wanted = component.purchase_option.unwrap_or(PurchaseOption::OnDemand);
        let (price, applied) = tier.monthly_usd_preferring(wanted);
        (price, applied, tier.monthly_usd())
    }

    /// The cheapest mix for a load.
    pub fn plan(&self, users: f64) -> Result<Plan, Infeasible> {
        let demand = demand(self.scenario, users);
        let components = &self.scenario.components;
        let compute = self.all_compute_options(&demand)?;
        let database = self.datastore_side(ComponentRole::Database, &demand);
        let cache = self.datastore_side(ComponentRole::Cache, &demand);
        let solution =
            self.cheapest_combination(&compute, database.as_ref(), cache.as_ref(), &demand)?;
        let mut plans: Vec<Option<ComponentPlan>> = vec![None; components.len()];
        let mut fees: Vec<UsageLine> = Vec::new();
        let (mut db_connections, mut cache_connections) = (0.0, 0.0);
        for ((index, options), &chosen) in compute.iter().zip(&solution.choice) {
            let (component, option) = (&components[*index], &options[chosen]);
            plans[*index] = Some(self.chosen_compute_plan(component, option, &demand)?);
            db_connections += option.db_connections;
            cache_connections += option.cache_connections;
        }
        for (index, component) in components.iter().enumerate() {
            if component.role == ComponentRole::Media {
                plans[index] = Some(self.media_plan(component, &demand)?);
            }
        }
        // Plan fees in the order compute, database, cache, each once.
        for ((index, options), &chosen) in compute.iter().zip(&solution.choice) {
            let option = &options[chosen];
            for plan in &option.plans {
                self.add_plan_fee(&mut fees, &components[*index], &option.tier, plan);
            }
        }
        for (side, chosen, connections) in [
            (database, solution.database, db_connections),
            (cache, solution.cache, cache_connections),
        ] {
            let (Some(side), Some(chosen)) = (side, chosen) else {
                continue;
            };
            let component = &components[side.index];
            let chosen = side.tiers.into_iter().nth(chosen).expect("the search chose one of these");
            for plan in &chosen.plans {
                self.add_plan_fee(&mut fees, component, &chosen.tier, plan);
            }
            plans[side.index] =
                Some(self.chosen_datastore_plan(component, chosen, &demand, connections)?);
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
    for ((component, own), count) in
        pinned.components.iter_mut().zip(&original.components).zip(counts)
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

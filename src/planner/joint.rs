//! The steps of [`Planner::plan`]: every compute component's options, the
//! cheapest combination with the datastore tiers its connections need, and
//! the chosen options turned into component plans with their plan fees.

use super::*;
use datastore_choice::{DatastoreChoice, first_fitting};

/// A datastore component (its index among the components) and its tiers
/// that hold everything but connections, cheapest first: each combination
/// of compute options then only compares its connection count.
pub(super) struct DatastoreSide<'a> {
    pub(super) index: usize,
    pub(super) tiers: Vec<DatastoreChoice<'a>>,
}

/// Each compute component (by index) with its Pareto set of options.
pub(super) type ComputeOptions<'a> = Vec<(usize, Vec<ComputeOption<'a>>)>;

impl<'a> Planner<'a> {
    /// Every web and worker component's Pareto options; the first without
    /// any feasible option makes the load infeasible.
    pub(super) fn all_compute_options(
        &self,
        demand: &Demand,
    ) -> Result<ComputeOptions<'a>, Infeasible> {
        let mut all = Vec::new();
        for (index, component) in self.scenario.components.iter().enumerate() {
            if !matches!(component.role, ComponentRole::Web | ComponentRole::Worker) {
                continue;
            }
            let mut rejections = Vec::new();
            let options = self.component_options(component, demand, None, &mut rejections);
            if options.is_empty() {
                return Err(infeasible(component, rejections));
            }
            all.push((index, pareto(options)));
        }
        Ok(all)
    }

    /// The datastore component of `role`, if the scenario has one.
    pub(super) fn datastore_side(
        &self,
        role: ComponentRole,
        demand: &Demand,
    ) -> Option<DatastoreSide<'a>> {
        let components = &self.scenario.components;
        let index = components.iter().position(|c| c.role == role)?;
        Some(DatastoreSide { index, tiers: self.datastore_tiers(&components[index], demand) })
    }

    /// The cheapest combination of one option per compute component and
    /// the datastore tiers its connections need, each required platform
    /// plan priced once; when none exists, the datastore that cannot take
    /// even the fewest connections is named.
    pub(super) fn cheapest_combination(
        &self,
        compute: &ComputeOptions<'a>,
        database: Option<&DatastoreSide<'a>>,
        cache: Option<&DatastoreSide<'a>>,
        demand: &Demand,
    ) -> Result<search::Solution, Infeasible> {
        let seats = self.scenario.seats.unwrap_or(1);
        // Each required plan is one bit, priced once.
        let mut plan_ids: Vec<&str> = Vec::new();
        for (_, options) in compute {
            for plan in options.iter().flat_map(|o| &o.plans) {
                if !plan_ids.contains(&plan.as_str()) {
                    plan_ids.push(plan);
                }
            }
        }
        let fees: Vec<f64> = plan_ids
            .iter()
            .map(|plan| {
                plan_fee_line(self.catalog, plan, seats, "").monthly_usd.unwrap_or(f64::INFINITY)
            })
            .collect();
        let plan_bits = |plans: &[String]| {
            plans.iter().fold(0u64, |bits, plan| {
                bits | plan_ids.iter().position(|p| p == plan).map_or(0, |i| 1u64 << i.min(63))
            })
        };
        let items: Vec<Vec<search::Item>> = compute
            .iter()
            .map(|(_, options)| {
                options
                    .iter()
                    .map(|o| search::Item {
                        cost: o.cost,
                        db: o.db_connections,
                        cache: o.cache_connections,
                        instances: o.count,
                        plans: plan_bits(&o.plans),
                    })
                    .collect()
            })
            .collect();
        let steps = |side: &DatastoreSide<'a>| -> Vec<(Option<f64>, f64)> {
            side.tiers.iter().map(|t| (t.connection_limit, t.cost)).collect()
        };
        let db_steps = database.map(steps);
        let cache_steps = cache.map(steps);
        let solution = search::cheapest(&search::Problem {
            components: &items,
            fees: &fees,
            database: db_steps.as_deref(),
            cache: cache_steps.as_deref(),
        });
        if let Some(solution) = solution {
            return Ok(solution);
        }
        // The fewest connections any combination opens: the datastore
        // that cannot take even those is the one to name.
        let fewest = |pick: fn(&search::Item) -> f64| -> f64 {
            items.iter().map(|options| options.iter().map(pick).fold(f64::INFINITY, f64::min)).sum()
        };
        for (side, connections) in [(database, fewest(|i| i.db)), (cache, fewest(|i| i.cache))] {
            if let Some(side) = side
                && first_fitting(&side.tiers, connections).is_none()
            {
                let component = &self.scenario.components[side.index];
                return Err(self.datastore_rejection(component, demand, connections));
            }
        }
        Err(Infeasible {
            component: "(all)".into(),
            constraint: Binding::Connections,
            percentile: None,
            detail: "no combination of compute options fits the database and cache connection limits together".into(),
        })
    }

    /// A chosen compute option as the component's plan: its size (with the
    /// arithmetic only for the chosen options), price, charges and
    /// autoscaling.
    pub(super) fn chosen_compute_plan(
        &self,
        component: &Component,
        option: &ComputeOption<'a>,
        demand: &Demand,
    ) -> Result<ComponentPlan, Infeasible> {
        let (sized, pricing) = match &option.serverless {
            Some(cost) => (
                serverless_sized(option, cost, self.explain),
                Pricing::Usage { monthly: cost.monthly_usd },
            ),
            None => (
                ComputeModel::new(component, option.tier, demand)
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
                    demand,
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
                demand,
            );
            plan.sized.explain.extend(rejected);
        }
        Ok(plan)
    }

    /// The chosen datastore tier as the component's plan, checked in full
    /// at the connections the chosen compute opens: the limits it rests on
    /// are reported whether or not the arithmetic is.
    pub(super) fn chosen_datastore_plan(
        &self,
        component: &Component,
        chosen: DatastoreChoice<'a>,
        demand: &Demand,
        connections: f64,
    ) -> Result<ComponentPlan, Infeasible> {
        let check = check_datastore(
            component,
            &chosen.tier,
            demand,
            connections,
            // The arithmetic only when it is shown: every search step
            // plans the chosen tier again.
            if self.explain { Detail::Explain } else { Detail::Chosen },
            None,
            self.catalog,
        )
        .map_err(|r| infeasible(component, vec![(chosen.tier, r)]))?;
        let pricing = self.instance_pricing(component, &chosen.tier, demand, None);
        let mut plan =
            self.component_plan(component, &chosen.tier, check.sized, pricing, check.warnings);
        plan.charges = check.charges;
        // Lines that depend on the tier (egress it serves, capacity
        // units) were weighed with it; backups depend on the data,
        // not the tier, and follow it.
        plan.charges.extend(chosen.lines);
        if component.role == ComponentRole::Database {
            plan.charges.extend(backup_charge(component, &chosen.tier, demand, self.catalog));
        }
        plan.unverified_limits = check.unverified;
        Ok(plan)
    }

    /// A platform plan `component` needs: one fee line per plan, naming
    /// every component that needs it.
    pub(super) fn add_plan_fee(
        &self,
        fees: &mut Vec<UsageLine>,
        component: &Component,
        tier: &TierRef<'_>,
        plan: &str,
    ) {
        match fees.iter_mut().find(|f| f.price == plan) {
            Some(fee) => fee.name.push_str(&format!(", {}", component.name)),
            None => {
                let seats = self.scenario.seats.unwrap_or(1);
                let why = plan_reason(component, tier, plan);
                fees.push(plan_fee_line(self.catalog, plan, seats, &why));
            }
        }
    }
}

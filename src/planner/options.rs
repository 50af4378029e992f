//! The options of one compute component: each tier sized (instances,
//! possibly autoscaled over the day, or serverless), priced with the
//! charges its pricing rules add, and pruned to the Pareto set of cost
//! against database and cache connections the joint search combines.

use super::*;

/// One priced option of a compute component.
#[derive(Debug, Clone)]
pub(super) struct ComputeOption<'a> {
    pub(super) tier: TierRef<'a>,
    pub(super) count: u32,
    pub(super) binding: Binding,
    pub(super) cost: f64,
    pub(super) db_connections: f64,
    pub(super) cache_connections: f64,
    pub(super) autoscale: Option<AutoscaleCounts>,
    pub(super) serverless: Option<ServerlessCost>,
    /// Lines the tier's pricing rules add (in `cost`).
    pub(super) charges: Vec<UsageLine>,
    /// Platform plans the option needs, `provider/offering/tier`, paid
    /// once per plan whatever the number of components needing it.
    pub(super) plans: Vec<String>,
}

/// Options not beaten on cost and both connection counts by a cheaper one.
pub(super) fn pareto(mut options: Vec<ComputeOption<'_>>) -> Vec<ComputeOption<'_>> {
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

impl<'a> Planner<'a> {
    /// One compute component on one tier: sized (instances, possibly
    /// autoscaled) or priced by use (serverless).
    /// `model` is the tier's queueing model (instance tiers; `None` for
    /// serverless ones), built once by the caller.
    pub(super) fn compute_option(
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
        let egress = |instances: f64| {
            egress_charges(self.scenario, component, &tier, demand, self.catalog, instances)
        };
        if tier.offering.role == Some(Role::Serverless) {
            let egress = egress(0.0);
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
        let (count, binding) = model.size()?;
        let unit = self.unit_price(component, &tier, demand);
        if tier.offering.usage_compute.is_some() {
            let usage = usage_compute_cost(
                component,
                tier,
                model,
                count,
                demand,
                &self.shape,
                self.catalog,
            )?;
            let billed = usage.counts.as_ref().map_or(count as f64, |c| c.billed_count);
            let mut lines = usage.lines;
            lines.extend(egress(billed));
            let (db_connections, cache_connections) = per_instance(count as f64);
            return Ok(ComputeOption {
                tier,
                count,
                binding,
                cost: unit.map_or(f64::INFINITY, |p| p * billed) + charges::total(&lines),
                db_connections,
                cache_connections,
                autoscale: usage.counts,
                serverless: None,
                charges: lines,
                plans: required_plans(component, &tier),
            });
        }
        let (count, binding, surplus) =
            self.within_baselines(component, &tier, model, (count, binding), unit)?;
        let mut lines: Vec<UsageLine> = surplus.into_iter().collect();
        lines.extend(egress(count as f64));
        lines.extend(instance_charges(component, &tier, count as f64, self.catalog));
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

    /// Burstable and shared CPUs (fixed counts; autoscaled groups are
    /// priced when integrated): hour by hour over the profile the CPU
    /// must stay within the baselines and the banked balance; unlimited
    /// mode pays for CPU beyond them, or runs the more instances whose
    /// baselines cover it, whichever costs less.
    fn within_baselines(
        &self,
        component: &Component,
        tier: &TierRef<'a>,
        model: &ComputeModel<'_>,
        (mut count, mut binding): (u32, Binding),
        unit: Option<f64>,
    ) -> Result<(u32, Binding, Option<UsageLine>), Rejection> {
        let mut surplus = None;
        if let (Some(rule), None) = (burst_mode(component, tier), component.autoscale) {
            let shares = &self.shape;
            let covering = baseline_count(&rule, model.cpu_load(), shares);
            let credits = |n: u32| surplus_vcpu_hours(&rule, model.cpu_load(), shares, n as f64);
            let candidate = covering.max(count);
            match rule.mode {
                crate::scenario::BurstMode::Standard => {
                    if candidate > model.max_count() {
                        return Err(Rejection {
                            tier: tier.reference(),
                            binding: Binding::Baseline,
                            reason: format!(
                                "{candidate} instances are needed to keep the CPU within the {}% baseline and the banked balance hour by hour (standard mode: CPU beyond it is throttled); the limit is {}",
                                crate::input::units::trim_float(rule.baseline * 100.0, 2),
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
                        let line = surplus_charge(
                            component,
                            tier,
                            credits(n),
                            rule.baseline,
                            self.catalog,
                        );
                        let extra =
                            line.as_ref().map_or(0.0, |l| l.monthly_usd.unwrap_or(f64::INFINITY));
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
        Ok((count, binding, surplus))
    }

    /// The charges of an autoscaled group over the day: CPU credits above
    /// the baseline on the average count, its `egress`, and a load balancer
    /// when the group reaches its rule's size.
    pub(super) fn autoscaled_charges(
        &self,
        component: &Component,
        tier: &TierRef<'a>,
        model: &ComputeModel<'_>,
        counts: &AutoscaleCounts,
        demand: &Demand,
        egress: Vec<UsageLine>,
    ) -> Result<Vec<UsageLine>, Rejection> {
        let mut lines = Vec::new();
        if let Some(rule) = burst_mode(component, tier) {
            let hours =
                surplus_vcpu_hours(&rule, model.cpu_load(), &self.shape, counts.average_count);
            if hours > 0.0 && rule.mode == crate::scenario::BurstMode::Standard {
                return Err(Rejection {
                    tier: tier.reference(),
                    binding: Binding::Baseline,
                    reason: format!(
                        "the group's CPU exceeds the {}% baseline and the banked balance (standard mode: CPU beyond it is throttled)",
                        crate::input::units::trim_float(rule.baseline * 100.0, 2)
                    ),
                });
            }
            lines.extend(surplus_charge(component, tier, hours, rule.baseline, self.catalog));
        }
        lines.extend(egress);
        lines.extend(instance_charges(component, tier, counts.billed_count, self.catalog));
        lines.extend(self.load_balancer(component, tier, counts.peak_count, demand));
        Ok(lines)
    }

    /// The load balancer lines of `count` instances of a tier, where its
    /// offering needs one.
    pub(super) fn load_balancer(
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
            &self.shape,
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
    pub(super) fn component_options(
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
                    let unit = self.unit_price(component, &tier, demand).unwrap_or(f64::INFINITY);
                    let floor = model.cpu_floor(1.0) as f64;
                    let count = match component.autoscale {
                        Some(_) => billed_lower_bound(&model, tier, &self.shape),
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
                    Some(_) if option.tier.offering.usage_compute.is_none() => {
                        self.integrate_autoscaling(component, model, demand, option)
                    }
                    _ => Ok(option),
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
    pub(super) fn integrate_autoscaling(
        &self,
        component: &Component,
        model: &ComputeModel<'_>,
        demand: &Demand,
        mut option: ComputeOption<'a>,
    ) -> Result<ComputeOption<'a>, Rejection> {
        let counts = autoscale_counts(component, option.tier, demand, &self.shape)?;
        // Egress allowances accrue with the instances running on average.
        let egress = egress_charges(
            self.scenario,
            component,
            &option.tier,
            demand,
            self.catalog,
            counts.billed_count,
        );
        let lines =
            self.autoscaled_charges(component, &option.tier, model, &counts, demand, egress)?;
        let unit = self.unit_price(component, &option.tier, demand);
        option.cost =
            unit.map_or(f64::INFINITY, |p| p * counts.billed_count) + charges::total(&lines);
        option.charges = lines;
        option.autoscale = Some(counts);
        Ok(option)
    }

    /// The cheapest tier of one compute component alone at a load, among
    /// its serverless candidates (`serverless`) or its instance ones:
    /// (tier, count, monthly cost). Connection limits are not considered.
    pub fn cheapest_alone(
        &self,
        component: &Component,
        users: f64,
        serverless: bool,
    ) -> Option<(String, u32, f64)> {
        let demand = demand(self.scenario, users);
        let mut ignored = Vec::new();
        self.component_options(component, &demand, Some(serverless), &mut ignored)
            .into_iter()
            .filter(|o| charges::is_price(o.cost))
            .min_by(|a, b| a.cost.total_cmp(&b.cost))
            .map(|o| (o.tier.reference(), o.count, o.cost))
    }

    /// For `--explain`: every tier of the component that would cost less
    /// than the chosen option's `chosen_usd`, and why it was not chosen:
    /// its rejection (the constraint no count of it meets), or, when it
    /// holds alone, that the joint mix (connections, shared plan fees) is
    /// cheaper with the chosen one.
    pub(super) fn cheaper_options_rejected(
        &self,
        component: &Component,
        chosen: &str,
        chosen_usd: f64,
        demand: &Demand,
    ) -> Vec<String> {
        let money = |v: f64| format!("${v:.2}/month");
        let mut lines = Vec::new();
        for tier in self.tiers(component) {
            let reference = tier.reference();
            if reference == chosen {
                continue;
            }
            let serverless = tier.offering.role == Some(Role::Serverless);
            let model = if serverless {
                None
            } else {
                match ComputeModel::new(component, tier, demand) {
                    Ok(model) => Some(model),
                    Err(rejection) => {
                        // Cheaper only if even one instance costs less.
                        if self
                            .unit_price(component, &tier, demand)
                            .is_some_and(|unit| unit < chosen_usd)
                        {
                            lines.push(format!("rejected {reference}: {}", rejection.reason));
                        }
                        continue;
                    }
                }
            };
            let option =
                self.compute_option(component, tier, model.as_ref(), demand).and_then(|option| {
                    match (component.autoscale, &model) {
                        (Some(_), Some(model)) if tier.offering.usage_compute.is_none() => {
                            self.integrate_autoscaling(component, model, demand, option)
                        }
                        _ => Ok(option),
                    }
                });
            match option {
                Ok(option) if option.cost < chosen_usd - 1e-9 && charges::is_price(option.cost) => lines.push(format!(
                    "not chosen {reference}: {} × costs {} alone, but the whole mix is cheaper with {chosen} (database or cache connections, or a plan fee shared with other components)",
                    option.count,
                    money(option.cost)
                )),
                Ok(_) => {}
                Err(rejection) => {
                    if model.as_ref().is_some_and(|m| {
                        self.unit_price(component, &tier, demand)
                            .is_some_and(|unit| unit * m.cpu_floor(1.0) as f64 <= chosen_usd)
                    }) || serverless
                    {
                        lines.push(format!("rejected {reference}: {}", rejection.reason));
                    }
                }
            }
        }
        lines
    }
}

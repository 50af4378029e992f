//! Fixed mixes (stage templates, capacity and next-upgrade searches):
//! whether a given tier and count per component holds a load, what it
//! costs, and the largest user count it serves.

use super::autoscale::autoscale_counts;
use super::charges::surplus_vcpu_hours;
use super::*;

impl<'a> Planner<'a> {
    /// Whether a fixed mix (tier and count per component, in scenario
    /// order) serves a load within every constraint.
    pub fn mix_holds(&self, mix: &[(String, u32)], users: f64) -> bool {
        self.mix_failure(mix, users).is_none()
    }

    /// `component: constraint` as reports print a failure, a latency
    /// constraint named by the percentile the component's SLO names
    /// ("api: p99"), as the recommend table does.
    pub fn failure_name(&self, (component, binding): &(String, Binding)) -> String {
        let percentile = self
            .scenario
            .component(component)
            .map(|c| c.slo.percentile.unwrap_or(super::defaults::DEFAULT_PERCENTILE));
        format!("{component}: {}", binding.label(percentile))
    }

    /// The first component of a fixed mix that fails at a load, with the
    /// constraint it fails; `None` when the mix holds.
    pub fn mix_failure(&self, mix: &[(String, u32)], users: f64) -> Option<(String, Binding)> {
        let demand = demand(self.scenario, users);
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
                    Ok(model) => model.check(*count).failing.or_else(|| {
                        // The planner's baseline rule, as it sizes: a
                        // throttled (standard-mode) shared CPU needs the
                        // instances whose baselines cover the day; an
                        // autoscaler runs the count its target asks for,
                        // whose CPU must stay within the baselines.
                        let rule = burst_mode(component, &tier)?;
                        if rule.mode != crate::scenario::BurstMode::Standard {
                            return None;
                        }
                        let throttled = match component.autoscale {
                            None => baseline_count(&rule, model.cpu_load(), &self.shape) > *count,
                            Some(_) => autoscale_counts(component, tier, &demand, &self.shape)
                                .is_ok_and(|counts| {
                                    surplus_vcpu_hours(
                                        &rule,
                                        model.cpu_load(),
                                        &self.shape,
                                        counts.average_count,
                                    ) > 0.0
                                }),
                        };
                        throttled.then_some(Binding::Baseline)
                    }),
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
                Detail::Search,
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
    pub fn mix_cost(&self, mix: &[(String, u32)], users: f64) -> Option<f64> {
        let demand = demand(self.scenario, users);
        let mut total = 0.0;
        for (component, (reference, count)) in self.scenario.components.iter().zip(mix) {
            let tier = self.catalog.tier(reference)?;
            total += self.unit_price(component, &tier, &demand)? * *count as f64;
        }
        Some(total)
    }
}

//! From chosen tiers to the reported plan: pricing of instances, the
//! warnings each component carries (single points of failure, unpriced
//! or stale entries), media plans, and the plan's total.

use super::*;

/// How one component's chosen tier is priced.
#[derive(Debug, Clone, Copy)]
pub(super) enum Pricing {
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
                && tier.offering.high_availability.as_ref().is_some_and(|ha| ha.standby_nodes == 0);
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
pub(super) fn serverless_sized(
    option: &ComputeOption<'_>,
    cost: &ServerlessCost,
    explain_it: bool,
) -> Sized {
    let explain = if explain_it {
        vec![
            format!(
                "{}: one execution per request, {} ms billed at {} MB",
                option.tier.reference(),
                crate::input::units::trim_float(cost.duration_s * 1e3, 1),
                crate::input::units::trim_float(cost.memory_mb, 0)
            ),
            format!(
                "{} concurrent executions at the peak (rate × duration); {} {} ms without queueing",
                option.count,
                super::percentile_name(cost.percentile),
                crate::input::units::trim_float(cost.latency_s * 1e3, 1)
            ),
        ]
    } else {
        Vec::new()
    };
    Sized {
        count: option.count,
        utilization: None,
        occupancy: None,
        p95_ms: Some(cost.p95_s * 1e3),
        latency_ms: Some(cost.latency_s * 1e3),
        latency_percentile: Some(cost.percentile),
        binding: cost.binding,
        feasible: true,
        explain,
        baseline: None,
        limits: Vec::new(),
        classes: cost.classes.clone(),
    }
}

impl<'a> Planner<'a> {
    /// Pricing of instances of a tier; `billed` is the average paid for
    /// when it differs from the count (autoscaling).
    pub(super) fn instance_pricing(
        &self,
        component: &Component,
        tier: &TierRef<'_>,
        demand: &Demand,
        billed: Option<f64>,
    ) -> Pricing {
        let (unit, option, unit_on_demand) = self.unit_pricing(component, tier, demand);
        Pricing::Instances { unit, option, unit_on_demand, billed }
    }

    /// The cheapest credit plan of a media component that covers the demand.
    pub(super) fn media_plan(
        &self,
        component: &Component,
        demand: &Demand,
    ) -> Result<ComponentPlan, Infeasible> {
        let mut best: Option<(f64, TierRef<'a>, (Sized, Vec<String>))> = None;
        let mut rejections = Vec::new();
        for tier in self.tiers(component) {
            match check_media(component, &tier, demand, self.explain) {
                Ok(checked) => {
                    let cost = self.unit_price(component, &tier, demand).unwrap_or(f64::INFINITY);
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

    pub(super) fn component_plan(
        &self,
        component: &Component,
        tier: &TierRef<'_>,
        sized: Sized,
        pricing: Pricing,
        mut warnings: Vec<String>,
    ) -> ComponentPlan {
        let count = sized.count as f64;
        let (unit, option, monthly, on_demand) = match pricing {
            Pricing::Instances { unit, option, unit_on_demand, billed } => {
                let paid = billed.unwrap_or(count);
                (unit, option, unit.map(|u| u * paid), unit_on_demand.map(|u| u * paid))
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
                "{}: {} is serverless: cold starts add latency the {} here does not include",
                component.name,
                tier.reference(),
                percentile_name(sized.latency_percentile.unwrap_or(defaults::DEFAULT_PERCENTILE))
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
            && age > crate::catalog::STALE_AFTER_DAYS
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
            usage_priced: tier.offering.usage_compute.is_some(),
            sized,
            warnings,
            charges: Vec::new(),
            unverified_limits: Vec::new(),
        }
    }

    pub(super) fn finish(
        &self,
        demand: Demand,
        components: Vec<ComponentPlan>,
        fees: Vec<UsageLine>,
    ) -> Plan {
        let required_plans = fees.iter().map(|fee| fee.price.clone()).collect();
        let mut usage = usage_lines(self.scenario, self.catalog, &demand);
        let credits = plan_credit_lines(self.catalog, &fees, &components);
        usage.extend(fees);
        usage.extend(credits);
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
            required_plans,
            environments: Vec::new(),
        }
    }
}

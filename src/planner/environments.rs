//! Environments besides production (staging, previews): each planned at
//! its own load like production, or run as a fixed mix, and priced into
//! the plan's total so "what does the whole thing cost" has one answer.

use super::usage::UsageLine;
use super::{Infeasible, Plan, Planner};
use crate::demand::demand;
use crate::scenario::{Environment, Scenario};
use serde::Serialize;

/// One environment as planned, before it is set beside a production plan.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlannedEnvironment {
    name: String,
    users: Option<f64>,
    copies: u32,
    components: Vec<EnvironmentComponent>,
    /// Usage items and required plan fees of one copy.
    usage: Vec<UsageLine>,
    /// Which of `usage` are plan fees (paid once, not per copy).
    required_plans: Vec<String>,
}

/// One component of an environment.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EnvironmentComponent {
    /// The scenario component's name.
    pub name: String,
    /// `provider/offering/tier`.
    pub tier_ref: String,
    /// Instances in one copy (at the peak of its load, or the fixed mix's
    /// count).
    pub count: u32,
    /// Instances and charges of one copy; `None` when unpriced.
    pub monthly_usd: Option<f64>,
}

/// An environment's cost beside a production plan.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EnvironmentCost {
    /// The environment's name (`staging`).
    pub name: String,
    /// The load it is planned at; absent for a fixed mix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users: Option<f64>,
    /// Copies of the environment that run (1 unless the scenario says).
    pub copies: u32,
    /// Each component of one copy.
    pub components: Vec<EnvironmentComponent>,
    /// Usage items and plan fees of one copy; a plan production already
    /// pays (a workspace) is not paid again.
    pub usage: Vec<UsageLine>,
    /// Plans it shares with production, not billed again.
    pub shared_plans: Vec<String>,
    /// All copies, priced items only.
    pub monthly_usd: f64,
    /// Items the catalog cannot price, as `name (tier or price)`; left out of
    /// `monthly_usd`.
    pub unpriced: Vec<String>,
}

impl<'a> Planner<'a> {
    /// Every environment of the scenario, planned once per planner.
    pub(crate) fn planned_environments(&self) -> Result<&[PlannedEnvironment], Infeasible> {
        self.environments
            .get_or_init(|| {
                self.scenario.environments.iter().map(|e| self.plan_environment(e)).collect()
            })
            .as_deref()
            .map_err(Clone::clone)
    }

    fn plan_environment(
        &self,
        environment: &Environment,
    ) -> Result<PlannedEnvironment, Infeasible> {
        let copies = environment.copies.unwrap_or(1);
        let (components, usage, required_plans) = match environment.users {
            Some(users) => {
                let scenario = non_production(self.scenario);
                let mut planner = Planner::new(&scenario, self.catalog);
                planner.explain = false;
                let plan = planner.plan(users).map_err(|e| Infeasible {
                    component: format!("{} (environment {})", e.component, environment.name),
                    ..e
                })?;
                let components = plan
                    .components
                    .iter()
                    .map(|c| EnvironmentComponent {
                        name: c.name.clone(),
                        tier_ref: c.tier_ref.clone(),
                        count: c.count,
                        monthly_usd: c.total_monthly_usd(),
                    })
                    .collect();
                (components, plan.usage, plan.required_plans)
            }
            None => (self.fixed_mix(environment), Vec::new(), Vec::new()),
        };
        Ok(PlannedEnvironment {
            name: environment.name.clone(),
            users: environment.users,
            copies,
            components,
            usage,
            required_plans,
        })
    }

    /// A fixed mix priced at its tiers' prices (the component's purchase
    /// option where offered); no load, so no usage or charges.
    fn fixed_mix(&self, environment: &Environment) -> Vec<EnvironmentComponent> {
        let idle = demand(self.scenario, 0.0);
        self.scenario
            .components
            .iter()
            .filter_map(|component| {
                let choice = environment.mix.get(&component.name)?;
                let unit = self
                    .catalog
                    .tier(&choice.tier)
                    .and_then(|tier| self.unit_price(component, &tier, &idle));
                Some(EnvironmentComponent {
                    name: component.name.clone(),
                    tier_ref: choice.tier.clone(),
                    count: choice.count,
                    monthly_usd: unit.map(|u| u * choice.count as f64),
                })
            })
            .collect()
    }

    /// Sets the environments beside a production plan and adds their cost
    /// to its total.
    pub(crate) fn attach_environments(&self, plan: &mut Plan) -> Result<(), Infeasible> {
        for planned in self.planned_environments()? {
            let cost = environment_cost(planned, &plan.required_plans);
            plan.monthly_usd += cost.monthly_usd;
            plan.unpriced.extend(
                cost.unpriced.iter().map(|item| format!("environment {}: {item}", cost.name)),
            );
            plan.environments.push(cost);
        }
        Ok(())
    }
}

fn environment_cost(planned: &PlannedEnvironment, production_plans: &[String]) -> EnvironmentCost {
    let copies = planned.copies as f64;
    let is_fee = |line: &UsageLine| planned.required_plans.contains(&line.price);
    let mut per_copy = 0.0;
    let mut unpriced = Vec::new();
    for c in &planned.components {
        match c.monthly_usd {
            Some(m) => per_copy += m,
            None => unpriced.push(format!("{} ({})", c.name, c.tier_ref)),
        }
    }
    let (shared, usage): (Vec<UsageLine>, Vec<UsageLine>) = planned
        .usage
        .iter()
        .cloned()
        .partition(|line| is_fee(line) && production_plans.contains(&line.price));
    let mut fees = 0.0;
    for line in &usage {
        match (line.monthly_usd, is_fee(line)) {
            // One workspace serves every copy.
            (Some(m), true) => fees += m,
            (Some(m), false) => per_copy += m,
            (None, _) => unpriced.push(format!("{} ({})", line.name, line.price)),
        }
    }
    EnvironmentCost {
        name: planned.name.clone(),
        users: planned.users,
        copies: planned.copies,
        components: planned.components.clone(),
        usage,
        shared_plans: shared.into_iter().map(|l| l.price).collect(),
        monthly_usd: per_copy * copies + fees,
        unpriced,
    }
}

/// The scenario an environment is planned with: no environments of its
/// own, and no high availability (nor warnings about it).
fn non_production(scenario: &Scenario) -> Scenario {
    let mut copy = scenario.clone();
    copy.environments.clear();
    copy.high_availability = Some(false);
    for component in &mut copy.components {
        component.high_availability = Some(false);
    }
    copy
}

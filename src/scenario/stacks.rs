//! Stacks: each component role mapped to one platform's offerings, shipped
//! in `stacks/stacks.yaml` or given in a file; applied to a scenario,
//! they give the scenario planned on that platform (`capplan compare`,
//! `capplan init --stack`).

use crate::catalog::Catalog;
use crate::scenario::{ComponentRole, Scenario, UnverifiedLimit, UsageDriver};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The stacks shipped with capplan (documented in docs/compare.md).
pub const SHIPPED_STACKS: &str = include_str!("../../stacks/stacks.yaml");

/// A stacks file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StackFile {
    pub version: u32,
    pub stacks: Vec<Stack>,
}

/// One platform choice per component role.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stack {
    pub id: String,
    pub name: Option<String>,
    #[serde(default)]
    pub web: Vec<String>,
    #[serde(default)]
    pub worker: Vec<String>,
    #[serde(default)]
    pub database: Vec<String>,
    #[serde(default)]
    pub cache: Vec<String>,
    /// Limits the stack's catalogs leave unpublished that the comparison
    /// accepts, by role (`database: [connections]`).
    #[serde(default)]
    pub accept_unverified_limits: BTreeMap<ComponentRole, Vec<UnverifiedLimit>>,
    pub note: Option<String>,
    /// Where the stack is written (`file:line`): its problems name it.
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: String,
}

impl Stack {
    /// The offerings of a role; `None` where the stack does not say (media
    /// components keep their own).
    pub fn offerings(&self, role: ComponentRole) -> Option<&[String]> {
        match role {
            ComponentRole::Web => Some(&self.web),
            ComponentRole::Worker => Some(&self.worker),
            ComponentRole::Database => Some(&self.database),
            ComponentRole::Cache => Some(&self.cache),
            ComponentRole::Media => None,
        }
    }

    /// The scenario with every component on this stack's offerings, its
    /// accepted limits added, its purchase options kept, and outbound data priced by the platform
    /// that serves the web component (the scenario's own egress price
    /// belongs to its platform). Stage templates, fixed-mix environments
    /// and assertions name the scenario's own tiers and are left out.
    pub fn apply(&self, scenario: &Scenario) -> Result<Scenario, String> {
        let mut out = scenario.clone();
        for component in &mut out.components {
            let Some(offerings) = self.offerings(component.role) else {
                continue;
            };
            if offerings.is_empty() {
                return Err(format!(
                    "the stack has no {} offering for component '{}'",
                    component.role.as_str(),
                    component.name
                ));
            }
            component.candidates = offerings.to_vec();
            if let Some(limits) = self.accept_unverified_limits.get(&component.role) {
                for limit in limits {
                    if !component.accept_unverified_limits.contains(limit) {
                        component.accept_unverified_limits.push(*limit);
                    }
                }
            }
            // The purchase option travels: a stack whose tiers sell it
            // (reservations, committed use) is priced with it, the rest on
            // demand, as on the scenario's own platform. Dropping it made
            // a stack that plans the scenario's own mix cost more than
            // `recommend` says.
        }
        let web = out.components.iter().find(|c| c.role == ComponentRole::Web);
        let web_providers: Vec<&str> = web
            .map(|c| c.candidates.iter().filter_map(|id| id.split('/').next()).collect())
            .unwrap_or_default();
        // The scenario's own egress price stays where the stack runs the
        // web component on that price's provider (so a stack that plans
        // the scenario's own mix reports its lines as `recommend` does).
        let foreign =
            |price: &str| !web_providers.iter().any(|p| price.split('/').next() == Some(*p));
        if let Some(web) = web.map(|c| c.name.clone()) {
            for item in &mut out.usage {
                if item.driver == UsageDriver::EgressGb
                    && item.price.as_deref().is_some_and(foreign)
                {
                    item.price = None;
                    item.served_by = Some(web.clone());
                }
            }
        }
        out.stages.clear();
        out.assertions.clear();
        out.environments.retain(|e| e.mix.is_empty());
        Ok(out)
    }
}

/// Parses a stacks file (YAML), naming the line of a problem.
pub fn parse_stacks(text: &str, file: &str) -> Result<Vec<Stack>, String> {
    let parsed: StackFile = crate::input::yaml::from_yaml(file, text).map_err(|p| p.to_string())?;
    use crate::input::locate::{Step, line_of};
    let at = |path: &[Step]| match line_of(text, path) {
        Some(line) => format!("{file}:{line}"),
        None => file.to_string(),
    };
    if parsed.version != 1 {
        let origin = at(&[Step::Key("version".into())]);
        return Err(format!("{origin}: version: expected version 1, found {}", parsed.version));
    }
    let mut stacks = parsed.stacks;
    for stack in &mut stacks {
        stack.origin = at(&[Step::Key("stacks".into()), Step::Id(stack.id.clone())]);
    }
    Ok(stacks)
}

/// Every problem of stacks against the catalog: duplicate ids, unknown
/// offerings, offerings of the wrong role.
pub fn check_stacks(stacks: &[Stack], catalog: &Catalog) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for stack in stacks {
        if !seen.insert(stack.id.as_str()) {
            problems.push(format!("{}: stacks.{}: duplicate stack id", stack.origin, stack.id));
        }
        for role in [
            ComponentRole::Web,
            ComponentRole::Worker,
            ComponentRole::Database,
            ComponentRole::Cache,
        ] {
            for reference in stack.offerings(role).unwrap_or(&[]) {
                match catalog.candidate(reference).map(|c| c.offering) {
                    Err(_) => problems.push(format!(
                        "{}: stacks.{}.{}: unknown offering '{reference}': expected provider/offering or provider/offering/tier as listed by `capplan tiers`",
                        stack.origin,
                        stack.id,
                        role.as_str()
                    )),
                    Ok(offering) => {
                        if !offering
                            .role
                            .is_some_and(|r| role.offering_roles().contains(&r))
                        {
                            problems.push(format!(
                                "{}: stacks.{}.{}: '{reference}' is not a {} offering",
                                stack.origin,
                                stack.id,
                                role.as_str(),
                                role.as_str()
                            ));
                        }
                    }
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids help texts list (build.rs's read of stacks/stacks.yaml)
    /// are the stacks this parser reads, and every one checks clean.
    #[test]
    fn shipped_stacks_are_the_ids_build_rs_found() {
        let stacks = parse_stacks(SHIPPED_STACKS, "stacks/stacks.yaml").unwrap();
        let ids: Vec<&str> = stacks.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, crate::catalog::STACK_IDS);
        let catalog = crate::catalog::load().unwrap();
        assert_eq!(check_stacks(&stacks, &catalog), Vec::<String>::new());
    }
}

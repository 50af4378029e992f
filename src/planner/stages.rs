//! The stage ladder as plans: a stage template as a mix, and the stage at a
//! user count (the one rule every command follows).

use super::Planner;
use crate::scenario::{Scenario, Stage};

/// The template of a stage as a mix in scenario component order.
pub fn stage_mix(scenario: &Scenario, stage: &Stage) -> Option<Vec<(String, u32)>> {
    scenario
        .components
        .iter()
        .map(|c| stage.mix.get(&c.name).map(|t| (t.tier.clone(), t.count)))
        .collect()
}

/// A stage template: 1-based ladder position, stage, and mix in component
/// order.
pub type Template<'a> = (usize, &'a Stage, Vec<(String, u32)>);

/// The stages of the ladder that give a template (tier and count per
/// component), in ladder order.
pub fn templates(scenario: &Scenario) -> Vec<Template<'_>> {
    scenario
        .stages
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.mix.is_empty())
        .filter_map(|(i, s)| stage_mix(scenario, s).map(|mix| (i + 1, s, mix)))
        .collect()
}

/// The stage at a user count, the one rule every command follows
/// (recommend, diff, sweep, forecast, chart, check): with stage templates,
/// the first template of the ladder that holds the load (`None` when none
/// does); without, the first stage whose `max_users` holds the count (the
/// last stage beyond them all).
pub fn stage_at(planner: &Planner<'_>, users: f64) -> Option<(usize, String)> {
    let scenario = planner.scenario;
    let templates = templates(scenario);
    if !templates.is_empty() {
        return templates
            .into_iter()
            .find(|(_, _, mix)| planner.mix_holds(mix, users))
            .map(|(index, stage, _)| (index, stage.name.clone()));
    }
    scenario
        .stages
        .iter()
        .enumerate()
        .find(|(_, s)| s.max_users.is_none_or(|m| users <= m))
        .or_else(|| scenario.stages.iter().enumerate().next_back())
        .map(|(i, s)| (i + 1, s.name.clone()))
}

/// Largest user count a fixed mix serves, from zero.
pub fn mix_capacity(planner: &Planner<'_>, mix: &[(String, u32)]) -> Option<f64> {
    if !planner.mix_holds(mix, 1.0) {
        return Some(0.0);
    }
    planner.capacity(mix, 1.0)
}

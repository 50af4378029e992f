//! Reading a scenario: the embedded default or a YAML/TOML file, strictly,
//! with errors located by file, line and column.

use super::Scenario;
use crate::input::problem::Problem;
use std::path::Path;

/// The scenario used when none is given (compiled in).
pub const DEFAULT_SCENARIO: (&str, &str) =
    ("scenarios/interview-prep-api.yaml", include_str!("../../scenarios/interview-prep-api.yaml"));

/// A scenario as read, with its text for locating later problems.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    pub name: String,
    pub text: String,
    pub toml: bool,
    pub scenario: Scenario,
    /// Fields set by `--patch` files, in the order applied.
    pub patched: Vec<super::PatchedField>,
    /// Fields given as intervals; `scenario` holds their medians.
    pub uncertain: Vec<crate::scenario::uncertain::UncertainInput>,
}

/// Every problem that makes a scenario unusable.
pub type ScenarioError = crate::input::problem::Problems;

/// Reads a scenario file (`.toml` is TOML, anything else YAML), or the
/// embedded default when `path` is `None`.
pub fn load_scenario(path: Option<&Path>) -> Result<ScenarioFile, ScenarioError> {
    load_patched(path, &[])
}

/// Reads a scenario and applies patch files over it in order (before the
/// scenario-wide `high_availability` is given to its components, so that a
/// patch may change it too).
pub fn load_patched(
    path: Option<&Path>,
    patches: &[std::path::PathBuf],
) -> Result<ScenarioFile, ScenarioError> {
    let (name, text) = match path {
        None => (DEFAULT_SCENARIO.0.to_string(), DEFAULT_SCENARIO.1.to_string()),
        Some(path) => (
            path.display().to_string(),
            crate::input::read::read_input(path)
                .map_err(|p| ScenarioError { problems: vec![p] })?,
        ),
    };
    let mut file = parse_unresolved(&name, &text)?;
    for path in patches {
        let patch = super::Patch::read(path)?;
        let mut applied = super::apply_patch(&mut file.scenario, &patch)?;
        // A field the patch sets, as a number or an interval, is no longer
        // the scenario's interval; the patch's own interval is sampled instead.
        file.uncertain.retain(|u| !applied.fields.iter().any(|f| f.field == u.field));
        file.uncertain.append(&mut applied.uncertain);
        file.patched.append(&mut applied.fields);
    }
    file.scenario.resolve_high_availability();
    Ok(file)
}

/// Parses scenario text; the format follows the file name's extension.
pub fn parse_scenario(name: &str, text: &str) -> Result<ScenarioFile, ScenarioError> {
    let mut file = parse_unresolved(name, text)?;
    file.scenario.resolve_high_availability();
    Ok(file)
}

/// Parses scenario text without resolving component defaults.
fn parse_unresolved(name: &str, original: &str) -> Result<ScenarioFile, ScenarioError> {
    let toml = crate::input::read::is_toml(name);
    // A scenario of plain numbers parses as it is. Only one that does not
    // can hold intervals: they are replaced by their medians in place
    // (lines unchanged), so the strict parser reads a point scenario and
    // locates every other problem as before.
    let (scenario, uncertain) = match parse_point(name, original, toml) {
        Ok(scenario) => (scenario, Vec::new()),
        Err(error) => {
            let (text, uncertain) = crate::scenario::uncertain::extract(name, original)
                .map_err(|problems| ScenarioError { problems })?;
            if uncertain.is_empty() {
                return Err(error);
            }
            (parse_point(name, &text, toml)?, uncertain)
        }
    };
    if scenario.version != 1 {
        return Err(ScenarioError::error(
            name,
            crate::input::locate::line_of(
                original,
                &[crate::input::locate::Step::Key("version".into())],
            ),
            None,
            "version",
            &format!("expected version 1, found {}", scenario.version),
        ));
    }
    // Each interval must sit on a field that takes one.
    let mut probe = scenario.clone();
    let problems: Vec<Problem> = uncertain
        .iter()
        .filter_map(|input| {
            let value = input.interval.mid;
            crate::scenario::uncertain::set_number(&mut probe, &input.path, value)
                .err()
                .map(|message| Problem::error(name, input.line, None, &input.field, &message))
        })
        .collect();
    if !problems.is_empty() {
        return Err(ScenarioError { problems });
    }
    Ok(ScenarioFile {
        name: name.to_string(),
        text: original.to_string(),
        toml,
        scenario,
        patched: Vec::new(),
        uncertain,
    })
}

/// Scenario text of plain numbers, strictly.
fn parse_point(name: &str, text: &str, toml: bool) -> Result<Scenario, ScenarioError> {
    if toml {
        return toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|span| line_column(text, span.start)).unzip();
            let message = e.message().to_string();
            ScenarioError::error(name, line, column, "", &message)
        });
    }
    if text.trim().is_empty() {
        return Err(ScenarioError::error(
            name,
            None,
            None,
            "",
            "the scenario is empty: expected a mapping with version, name, workload and components",
        ));
    }
    crate::input::yaml::parse_yaml_all(name, text).map_err(|problems| ScenarioError { problems })
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

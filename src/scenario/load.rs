//! Reading a scenario: the embedded default or a YAML/TOML file, strictly,
//! with errors located by file, line and column.

use super::Scenario;
use crate::problem::Problem;
use std::fmt;
use std::path::Path;

/// The scenario used when none is given (compiled in).
pub const DEFAULT_SCENARIO: (&str, &str) = (
    "scenarios/interview-prep-api.yaml",
    include_str!("../../scenarios/interview-prep-api.yaml"),
);

/// A scenario as read, with its text for locating later problems.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    pub name: String,
    pub text: String,
    pub toml: bool,
    pub scenario: Scenario,
}

/// Every problem that makes a scenario unusable.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::problem::error_lines(&self.problems))
    }
}

impl std::error::Error for ScenarioError {}

impl ScenarioError {
    pub(crate) fn single(
        file: &str,
        line: Option<usize>,
        column: Option<usize>,
        field: &str,
        message: &str,
    ) -> Self {
        ScenarioError {
            problems: vec![Problem::error(file, line, column, field, message)],
        }
    }
}

/// Reads a scenario file (`.toml` is TOML, anything else YAML), or the
/// embedded default when `path` is `None`.
pub fn load_scenario(path: Option<&Path>) -> Result<ScenarioFile, ScenarioError> {
    let Some(path) = path else {
        return parse_scenario(DEFAULT_SCENARIO.0, DEFAULT_SCENARIO.1);
    };
    let name = path.display().to_string();
    let text = crate::problem::read_input(path).map_err(|p| ScenarioError { problems: vec![p] })?;
    parse_scenario(&name, &text)
}

/// Parses scenario text; the format follows the file name's extension.
pub fn parse_scenario(name: &str, text: &str) -> Result<ScenarioFile, ScenarioError> {
    let toml = crate::problem::is_toml(name);
    let mut scenario: Scenario = if toml {
        toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|span| line_column(text, span.start)).unzip();
            let message = e.message().to_string();
            ScenarioError::single(name, line, column, "", &message)
        })?
    } else {
        if text.trim().is_empty() {
            return Err(ScenarioError::single(
                name,
                None,
                None,
                "",
                "the scenario is empty: expected a mapping with version, name, workload and components",
            ));
        }
        crate::problem::parse_yaml_all(name, text).map_err(|problems| ScenarioError { problems })?
    };
    if scenario.version != 1 {
        return Err(ScenarioError::single(
            name,
            crate::locate::line_of(text, &[crate::locate::Step::Key("version".into())]),
            None,
            "version",
            &format!("expected version 1, found {}", scenario.version),
        ));
    }
    scenario.resolve_high_availability();
    Ok(ScenarioFile {
        name: name.to_string(),
        text: text.to_string(),
        toml,
        scenario,
    })
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

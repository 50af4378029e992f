//! `capplan check`: validate scenarios, overlays and catalogs (every
//! problem, located) and evaluate each scenario's assertions.

use crate::catalog::{
    Catalog, check_catalog_aged, days_between, load_with_overlays, parse_file, today,
};
use crate::input::locate::line_of_item;
use crate::input::problem::{Problem, Severity};
use crate::input::read::read_input;
use crate::input::units::trim_float;
use crate::report::recommend::{RecommendOptions, RecommendReport, recommend};
use crate::scenario::{Assertion, ScenarioFile, parse_scenario, validate};
use serde::Serialize;

mod assertions;
mod discover;
mod stale;
use assertions::evaluate;
use discover::{collect, is_catalog};
use stale::stale_prices;
use std::path::{Path, PathBuf};

/// One file `capplan check` looked at.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CheckedFile {
    /// The file's path as given or found under a directory.
    pub path: String,
    /// `scenario`, `catalog` or `unknown` (unreadable).
    pub kind: &'static str,
    /// Whether the file has no error (warnings allowed).
    pub valid: bool,
    /// Assertion limits evaluated in the file (rows of the report's `assertions`); 0 for
    /// catalogs and for unreadable or invalid files.
    pub assertions: usize,
}

/// One limit of one assertion, computed against the limit.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AssertionResult {
    /// The scenario file the assertion is in.
    pub file: String,
    /// The 1-based line of the assertion's `assert` item; null when it cannot be located.
    pub line: Option<usize>,
    /// `users=5000` or `rpm=3000`.
    pub at: String,
    /// Which limit: `max_monthly_usd`, `max_monthly_usd_p95`, `min_slo_probability`,
    /// `max_usd_per_user`, `current_holds`, `published_limits_only`, `stage`,
    /// `max_p95_ms`, `feasible`.
    pub check: String,
    /// The limit as text with its unit: `$50.00` (USD per month), `$0.0100` (USD per user),
    /// `300 ms`, a probability 0-1, a stage name, `true`/`false`.
    pub limit: String,
    /// The computed value as text in the limit's unit, with the reason when there is none.
    pub value: String,
    /// Whether the limit is met.
    pub pass: bool,
}

/// The report behind `capplan check` (its JSON contract); the exit code follows from it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CiReport {
    /// Every file checked, in the order found.
    pub files: Vec<CheckedFile>,
    /// Every problem found, each once, located (file, line, column) with its severity.
    pub problems: Vec<Problem>,
    /// Every limit of every assertion, evaluated.
    pub assertions: Vec<AssertionResult>,
    /// Problems of error severity (exit 2 when any).
    pub errors: usize,
    /// Problems of warning severity (they do not fail the check).
    pub warnings: usize,
    /// Assertion limits not met (exit 1 when any and no error).
    pub failed_assertions: usize,
}

impl CiReport {
    /// 2 when a file is invalid, 1 when an assertion fails, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.errors > 0 {
            2
        } else if self.failed_assertions > 0 {
            1
        } else {
            0
        }
    }
}

/// Checks the files under `paths` against the embedded catalogs plus
/// `overlays`. Catalog entries dated more than `max_price_age_days` ago are
/// warned about, in catalog files checked and in the prices each
/// scenario's plans use.
pub fn check(paths: &[PathBuf], overlays: &[PathBuf], max_price_age_days: i64) -> CiReport {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    let mut results = Vec::new();
    let catalog = match load_with_overlays(overlays) {
        Ok((catalog, warnings)) => {
            problems.extend(warnings);
            Some(catalog)
        }
        Err(e) => {
            problems.extend(e.problems);
            None
        }
    };
    for path in collect(paths, &mut problems) {
        let name = path.display().to_string();
        let checked = match read_input(&path) {
            Err(problem) => {
                problems.push(problem);
                CheckedFile { path: name, kind: "unknown", valid: false, assertions: 0 }
            }
            Ok(text) if is_catalog(&name, &text) => {
                check_catalog_file(name, &text, max_price_age_days, &mut problems)
            }
            // Without a usable catalog (a bad --tiers overlay, already
            // reported) scenarios are parsed but not validated or evaluated.
            Ok(text) => match catalog.as_ref() {
                None => {
                    let valid = match parse_scenario(&name, &text) {
                        Ok(_) => true,
                        Err(e) => {
                            problems.extend(e.problems);
                            false
                        }
                    };
                    CheckedFile { path: name, kind: "scenario", valid, assertions: 0 }
                }
                Some(catalog) => {
                    let mut found = Found { problems: &mut problems, results: &mut results };
                    check_scenario_file(name, &text, catalog, max_price_age_days, &mut found)
                }
            },
        };
        files.push(checked);
    }
    // One line per problem, whichever pass found it first.
    let mut seen = std::collections::HashSet::new();
    problems.retain(|p| seen.insert(p.to_string()));
    let (errors, warnings) = crate::input::problem::tally(&problems);
    CiReport {
        errors,
        warnings,
        failed_assertions: results.iter().filter(|r| !r.pass).count(),
        files,
        problems,
        assertions: results,
    }
}

/// A catalog file against the schema, the catalog checks and the price age.
fn check_catalog_file(
    name: String,
    text: &str,
    max_price_age_days: i64,
    problems: &mut Vec<Problem>,
) -> CheckedFile {
    let found = match parse_file(&name, text) {
        Ok(documents) => check_catalog_aged(&documents, max_price_age_days),
        Err(e) => e.problems,
    };
    let valid = !found.iter().any(|p| p.severity == Severity::Error);
    problems.extend(found);
    CheckedFile { path: name, kind: "catalog", valid, assertions: 0 }
}

/// Where a scenario's check reports: its problems and assertion results.
struct Found<'a> {
    problems: &'a mut Vec<Problem>,
    results: &'a mut Vec<AssertionResult>,
}

/// A scenario file: parsed, validated against the catalog, its assertions
/// evaluated and the prices its plans use dated.
fn check_scenario_file(
    name: String,
    text: &str,
    catalog: &Catalog,
    max_price_age_days: i64,
    found: &mut Found<'_>,
) -> CheckedFile {
    // (problems, whether parsing failed): only a parse failure needs the
    // recovered scenario validated on top.
    let scenario =
        parse_scenario(&name, text).map_err(|e| (e.problems, true)).and_then(
            |file| match validate(&file, catalog) {
                Ok(warnings) => Ok((file, warnings)),
                Err(e) => Err((e.problems, false)),
            },
        );
    match scenario {
        Ok((file, warnings)) => {
            found.problems.extend(warnings);
            let assertions = evaluate_scenario(&file, catalog, max_price_age_days, found);
            CheckedFile { path: name, kind: "scenario", valid: true, assertions }
        }
        Err((problems, parse_failed)) => {
            invalid_scenario(&name, text, catalog, problems, parse_failed, found.problems);
            CheckedFile { path: name, kind: "scenario", valid: false, assertions: 0 }
        }
    }
}

/// A valid scenario's assertions and the age of the prices its plans use
/// (the assertions' plans and the one at the scenario's own users); the
/// number of assertions evaluated.
fn evaluate_scenario(
    file: &ScenarioFile,
    catalog: &Catalog,
    max_price_age_days: i64,
    found: &mut Found<'_>,
) -> usize {
    let before = found.results.len();
    let mut reports = evaluate(file, catalog, found.results);
    // The plan at the scenario's own users, unless an assertion
    // planned it already.
    if let Some(users) = file.scenario.workload.users
        && !file.scenario.assertions.iter().any(|a| a.users == Some(users) && a.rpm.is_none())
        && let Ok(report) = recommend(&file.scenario, catalog, users, RecommendOptions::default())
    {
        reports.push(report);
    }
    found.problems.extend(stale_prices(&file.name, &reports, max_price_age_days));
    found.results.len() - before
}

/// An invalid scenario's problems, and with a parse failure also what
/// validation finds on the scenario as parsed with the bad lines left out.
fn invalid_scenario(
    name: &str,
    text: &str,
    catalog: &Catalog,
    found: Vec<Problem>,
    parse_failed: bool,
    problems: &mut Vec<Problem>,
) {
    // Fields the parser rejected were left out of the recovered
    // scenario; "missing" complaints about them would be noise.
    let rejected: Vec<String> = found
        .iter()
        .filter_map(|p| p.field.rsplit('.').next().map(str::to_string))
        .filter(|f| !f.is_empty() && !f.contains('['))
        .collect();
    problems.extend(found);
    // Report what validation finds too, on the scenario as parsed
    // with the bad lines left out.
    if parse_failed
        && !crate::input::read::is_toml(name)
        && let (Some(scenario), _) =
            crate::input::yaml::parse_yaml_recovering::<crate::scenario::Scenario>(name, text)
    {
        let recovered = ScenarioFile {
            name: name.to_string(),
            text: text.to_string(),
            toml: false,
            scenario,
            patched: Vec::new(),
            uncertain: Vec::new(),
        };
        if let Err(e) = validate(&recovered, catalog) {
            problems.extend(e.problems.into_iter().filter(|p| {
                p.severity == Severity::Error
                    && !rejected.iter().any(|f| p.message.contains(f.as_str()))
            }));
        }
    }
}

/// GitHub workflow-command escaping for messages and properties.
pub fn github_escape(text: &str, property: bool) -> String {
    let mut out = text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

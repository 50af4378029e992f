//! `capplan check`: validate scenarios, overlays and catalogs (every
//! problem, located) and evaluate each scenario's assertions.

use crate::catalog::{
    Catalog, check_catalog_aged, days_between, load_with_overlays, parse_file, today,
};
use crate::input::locate::line_of_item;
use crate::input::problem::{Problem, Severity, read_input};
use crate::input::units::trim_float;
use crate::report::recommend::{RecommendOptions, RecommendReport, recommend};
use crate::scenario::{Assertion, ScenarioFile, parse_scenario, validate};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CheckedFile {
    pub path: String,
    /// `scenario`, `catalog` or `unknown` (unreadable).
    pub kind: &'static str,
    pub valid: bool,
    pub assertions: usize,
}

/// One limit of one assertion, computed against the limit.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AssertionResult {
    pub file: String,
    pub line: Option<usize>,
    /// `users=5000` or `rpm=3000`.
    pub at: String,
    /// `max_monthly_usd`, `max_monthly_usd_p95`, `min_slo_probability`,
    /// `max_usd_per_user`, `stage`, `max_p95_ms`, `feasible`.
    pub check: String,
    pub limit: String,
    pub value: String,
    pub pass: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CiReport {
    pub files: Vec<CheckedFile>,
    pub problems: Vec<Problem>,
    pub assertions: Vec<AssertionResult>,
    pub errors: usize,
    pub warnings: usize,
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

/// Every `.yaml`, `.yml` and `.toml` file under the paths (folders walked
/// recursively, sorted); problems for paths that cannot be read or hold none.
fn collect(paths: &[PathBuf], problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        match std::fs::metadata(path) {
            Err(e) => problems.push(Problem::error(
                &name,
                None,
                None,
                "",
                &format!("cannot read: {e}"),
            )),
            Ok(meta) if meta.is_dir() => {
                let before = files.len();
                let mut visited = std::collections::HashSet::new();
                walk(path, &mut files, problems, &mut visited);
                if files.len() >= MAX_FILES {
                    problems.push(Problem::error(
                        &name,
                        None,
                        None,
                        "",
                        &format!("the folder holds {MAX_FILES} or more files to check: give a smaller folder"),
                    ));
                }
                if files.len() == before {
                    problems.push(Problem::error(
                        &name,
                        None,
                        None,
                        "",
                        "the folder holds no scenario or catalog files (.yaml, .yml, .toml)",
                    ));
                }
            }
            Ok(_) => files.push(path.clone()),
        }
    }
    files
}

/// The most files `check` collects from its folders: far above a real
/// repository's scenarios, low enough that a runaway tree fails fast.
const MAX_FILES: usize = 10_000;

/// Collects the folder's scenario and catalog files, each folder once
/// (by its real path: a symlink back up the tree is not a loop).
fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    problems: &mut Vec<Problem>,
    visited: &mut std::collections::HashSet<PathBuf>,
) {
    let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !visited.insert(real) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Problem::error(
                &dir.display().to_string(),
                None,
                None,
                "",
                &format!("cannot list the folder: {e}"),
            ));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if files.len() >= MAX_FILES {
            return;
        }
        if path.is_dir() {
            walk(&path, files, problems, visited);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "toml")
        ) {
            files.push(path);
        }
    }
}

/// A catalog file names a `provider`; anything else is read as a scenario.
fn is_catalog(name: &str, text: &str) -> bool {
    !crate::input::problem::is_toml(name)
        && text
            .lines()
            .any(|l| l.starts_with("provider:") || l.starts_with("\"provider\":"))
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
        let text = match read_input(&path) {
            Ok(text) => text,
            Err(problem) => {
                problems.push(problem);
                files.push(CheckedFile {
                    path: name,
                    kind: "unknown",
                    valid: false,
                    assertions: 0,
                });
                continue;
            }
        };
        if is_catalog(&name, &text) {
            let found = match parse_file(&name, &text) {
                Ok(documents) => check_catalog_aged(&documents, max_price_age_days),
                Err(e) => e.problems,
            };
            let valid = !found.iter().any(|p| p.severity == Severity::Error);
            problems.extend(found);
            files.push(CheckedFile {
                path: name,
                kind: "catalog",
                valid,
                assertions: 0,
            });
            continue;
        }
        // Without a usable catalog (a bad --tiers overlay, already reported)
        // scenarios are parsed but not validated or evaluated.
        let Some(catalog) = catalog.as_ref() else {
            let valid = match parse_scenario(&name, &text) {
                Ok(_) => true,
                Err(e) => {
                    problems.extend(e.problems);
                    false
                }
            };
            files.push(CheckedFile {
                path: name,
                kind: "scenario",
                valid,
                assertions: 0,
            });
            continue;
        };
        // (problems, whether parsing failed): only a parse failure needs the
        // recovered scenario validated on top.
        let scenario = parse_scenario(&name, &text)
            .map_err(|e| (e.problems, true))
            .and_then(|file| match validate(&file, catalog) {
                Ok(warnings) => Ok((file, warnings)),
                Err(e) => Err((e.problems, false)),
            });
        match scenario {
            Ok((file, warnings)) => {
                problems.extend(warnings);
                let before = results.len();
                let mut reports = evaluate(&file, catalog, &mut results);
                // The plan at the scenario's own users, unless an assertion
                // planned it already.
                if let Some(users) = file.scenario.workload.users
                    && !file
                        .scenario
                        .assertions
                        .iter()
                        .any(|a| a.users == Some(users) && a.rpm.is_none())
                    && let Ok(report) =
                        recommend(&file.scenario, catalog, users, RecommendOptions::default())
                {
                    reports.push(report);
                }
                problems.extend(stale_prices(&file.name, &reports, max_price_age_days));
                files.push(CheckedFile {
                    path: name,
                    kind: "scenario",
                    valid: true,
                    assertions: results.len() - before,
                });
            }
            Err((found, parse_failed)) => {
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
                    && !crate::input::problem::is_toml(&name)
                    && let (Some(scenario), _) = crate::input::problem::parse_yaml_recovering::<
                        crate::scenario::Scenario,
                    >(&name, &text)
                {
                    let recovered = ScenarioFile {
                        name: name.clone(),
                        text: text.clone(),
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
                files.push(CheckedFile {
                    path: name,
                    kind: "scenario",
                    valid: false,
                    assertions: 0,
                });
            }
        }
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

/// Warnings for the prices the scenario's plans use whose catalog entry is
/// more than `max_age_days` old: one per source (the entries citing it
/// listed), since re-checking a source re-dates every entry from it.
fn stale_prices(file: &str, reports: &[RecommendReport], max_age_days: i64) -> Vec<Problem> {
    let today = today();
    let mut seen = std::collections::BTreeMap::new();
    for report in reports {
        for c in &report.components {
            let entry = format!("{}/{}/{}", c.provider, c.offering, c.tier);
            seen.entry(entry)
                .or_insert((c.as_of.clone(), c.source.clone()));
        }
        let lines = report
            .usage
            .iter()
            .chain(report.components.iter().flat_map(|c| &c.charges));
        for line in lines {
            seen.entry(line.price.clone())
                .or_insert((line.as_of.clone(), line.source.clone()));
        }
    }
    /// (entry, as_of, age in days).
    type Stale = (String, String, i64);
    // Source → its stale entries, in entry order.
    let mut by_source: Vec<(Option<String>, Vec<Stale>)> = Vec::new();
    for (entry, (as_of, source)) in seen {
        let Some(as_of) = as_of else { continue };
        let Some(age) = days_between(&as_of, &today) else {
            continue;
        };
        if age <= max_age_days {
            continue;
        }
        match by_source.iter_mut().find(|(s, _)| *s == source) {
            Some((_, entries)) => entries.push((entry, as_of, age)),
            None => by_source.push((source, vec![(entry, as_of, age)])),
        }
    }
    by_source
        .into_iter()
        .map(|(source, entries)| {
            let source = source.as_deref().unwrap_or("its source");
            let message = match &entries[..] {
                [(entry, as_of, age)] => format!(
                    "the plan prices {entry} from an entry dated {as_of}, {age} days old (more than {max_age_days}): re-check {source}"
                ),
                _ => {
                    let oldest = entries.iter().map(|e| e.2).max().unwrap_or(0);
                    let mut dates: Vec<&str> = entries.iter().map(|e| e.1.as_str()).collect();
                    dates.sort_by_key(|d| crate::catalog::parse_date(d).unwrap_or(i64::MAX));
                    dates.dedup();
                    let dated = match &dates[..] {
                        [one] => format!("dated {one}, {oldest} days old"),
                        [first, .., last] => {
                            format!("dated {first} to {last}, up to {oldest} days old")
                        }
                        [] => String::new(),
                    };
                    let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
                    format!(
                        "the plan prices {} from {} entries {dated} (more than {max_age_days}), all from one source: re-check {source}",
                        and_list(&names),
                        names.len()
                    )
                }
            };
            Problem {
                severity: Severity::Warning,
                file: file.to_string(),
                line: None,
                column: None,
                field: String::new(),
                message,
            }
        })
        .collect()
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Evaluates the assertions, returning the plans they were checked on.
fn evaluate(
    file: &ScenarioFile,
    catalog: &Catalog,
    out: &mut Vec<AssertionResult>,
) -> Vec<RecommendReport> {
    let mut reports = Vec::new();
    for (index, a) in file.scenario.assertions.iter().enumerate() {
        let line = line_of_item(&file.text, "assert", index);
        // A rate follows the one rule of every command: it sets the per-user
        // request rate at the assertion's users (or the users it implies).
        let (scenario, load, at) = match (a.users, a.rpm) {
            (users, Some(rpm)) => {
                let given = crate::demand::GivenRate {
                    rps: rpm / 60.0,
                    users,
                };
                let at = match users {
                    Some(u) => format!("users={} rpm={}", trim_float(u, 0), trim_float(rpm, 1)),
                    None => format!("rpm={}", trim_float(rpm, 1)),
                };
                match given.apply(&file.scenario) {
                    Ok(run) => (std::borrow::Cow::Owned(run.scenario), run.users, at),
                    Err(e) => {
                        out.push(AssertionResult {
                            file: file.name.clone(),
                            line,
                            at,
                            check: "feasible".into(),
                            limit: "true".into(),
                            value: format!("false ({e})"),
                            pass: false,
                        });
                        continue;
                    }
                }
            }
            (Some(users), None) => (
                std::borrow::Cow::Borrowed(&file.scenario),
                users,
                format!("users={}", trim_float(users, 0)),
            ),
            (None, None) => continue,
        };
        let mut push = |check: &str, limit: String, value: String, pass: bool| {
            out.push(AssertionResult {
                file: file.name.clone(),
                line,
                at: at.clone(),
                check: check.to_string(),
                limit,
                value,
                pass,
            })
        };
        let report = recommend(&scenario, catalog, load, RecommendOptions::default());
        let expect_feasible = a.feasible.unwrap_or(true);
        let report = match report {
            Err(e) => {
                push(
                    "feasible",
                    expect_feasible.to_string(),
                    format!("false ({e})"),
                    !expect_feasible,
                );
                continue;
            }
            Ok(report) => {
                if a.feasible.is_some() || !expect_feasible {
                    push(
                        "feasible",
                        expect_feasible.to_string(),
                        "true".into(),
                        expect_feasible,
                    );
                }
                report
            }
        };
        check_limits(a, &report, &mut push);
        if a.max_monthly_usd_p95.is_some() || a.min_slo_probability.is_some() {
            let (inputs, _) =
                crate::scenario::uncertain::sampled_inputs(&file.uncertain, a.rpm.is_some());
            let analysis = crate::uncertainty::analyse(
                &scenario,
                catalog,
                &inputs,
                report.users,
                crate::uncertainty::UncertaintyOptions {
                    capacity: false,
                    ..Default::default()
                },
            );
            check_percentiles(a, analysis, &mut push);
        }
        reports.push(report);
    }
    reports
}

fn check_limits(
    a: &Assertion,
    report: &crate::report::recommend::RecommendReport,
    push: &mut impl FnMut(&str, String, String, bool),
) {
    let excluded = if report.unpriced.is_empty() {
        String::new()
    } else {
        format!(" (excludes unpriced: {})", report.unpriced.join(", "))
    };
    let on_current = a.target == Some(crate::scenario::AssertionTarget::Current);
    if on_current && (a.max_monthly_usd.is_some() || a.max_usd_per_user.is_some()) {
        // The current mix's bill; a mix that does not hold fails the
        // budget whatever it costs (its usage at that load means nothing).
        let (value, pass) = match &report.current {
            None => ("no current: mix in the scenario".to_string(), false),
            Some(c) if !c.holds => (
                format!(
                    "${:.2} ({}); the current mix does not hold: {}",
                    c.monthly_usd,
                    c.cost_basis,
                    c.failing.as_deref().unwrap_or("?")
                ),
                false,
            ),
            Some(c) => (format!("${:.2} (current mix)", c.monthly_usd), true),
        };
        let current_usd = report.current.as_ref().map_or(f64::NAN, |c| c.monthly_usd);
        if let Some(max) = a.max_monthly_usd {
            push(
                "max_monthly_usd",
                format!("${max:.2} (current mix)"),
                value.clone(),
                pass && current_usd <= max + 1e-9,
            );
        }
        if let Some(max) = a.max_usd_per_user {
            let per_user = current_usd / report.users.max(1.0);
            push(
                "max_usd_per_user",
                format!("${max:.4} (current mix)"),
                format!("${per_user:.4} (current mix)"),
                pass && per_user <= max + 1e-12,
            );
        }
    }
    if let (Some(max), false) = (a.max_monthly_usd, on_current) {
        push(
            "max_monthly_usd",
            format!("${max:.2}"),
            format!("${:.2}{excluded}", report.monthly_usd),
            report.monthly_usd <= max + 1e-9,
        );
    }
    if let (Some(max), false) = (a.max_usd_per_user, on_current) {
        push(
            "max_usd_per_user",
            format!("${max:.4}"),
            format!("${:.4}{excluded}", report.usd_per_user),
            report.usd_per_user <= max + 1e-12,
        );
    }
    if let Some(expected) = a.current_holds {
        let (value, pass) = match &report.current {
            None => ("no current: mix in the scenario".to_string(), false),
            Some(c) => (
                match &c.failing {
                    None => "true".to_string(),
                    Some(f) => format!("false ({f})"),
                },
                c.holds == expected,
            ),
        };
        push("current_holds", expected.to_string(), value, pass);
    }
    if a.published_limits_only == Some(true) {
        let estimated: Vec<String> = report
            .components
            .iter()
            .flat_map(|c| {
                c.limits
                    .iter()
                    .filter(|l| l.basis == crate::catalog::LimitBasis::Estimated)
                    .map(move |l| format!("{} {} ≈ {}", c.name, l.what, trim_float(l.limit, 0)))
            })
            .collect();
        push(
            "published_limits_only",
            "no estimated limit".into(),
            if estimated.is_empty() {
                "none estimated".into()
            } else {
                format!("estimated: {}", estimated.join(", "))
            },
            estimated.is_empty(),
        );
    }
    if let Some(stage) = &a.stage {
        let actual = report
            .stage
            .as_ref()
            .map_or("—".to_string(), |s| s.name.clone());
        push("stage", stage.clone(), actual.clone(), &actual == stage);
    }
    if let Some(max) = a.max_p95_ms {
        let candidates: Vec<(String, f64)> = report
            .components
            .iter()
            .filter(|c| a.component.as_ref().is_none_or(|name| &c.name == name))
            .filter_map(|c| Some((c.name.clone(), c.p95_ms?)))
            .collect();
        let worst = candidates
            .iter()
            .cloned()
            .fold(None::<(String, f64)>, |acc, c| match acc {
                Some(a) if a.1 >= c.1 => Some(a),
                _ => Some(c),
            });
        match worst {
            Some((name, p95)) => push(
                "max_p95_ms",
                format!("{} ms", trim_float(max, 1)),
                format!("{} ms ({name})", trim_float(p95, 1)),
                p95 <= max,
            ),
            None => push(
                "max_p95_ms",
                format!("{} ms", trim_float(max, 1)),
                "no p95 (no web or worker component)".into(),
                false,
            ),
        }
    }
}

/// Limits on percentiles over the sampled worlds (the least-regret mix).
fn check_percentiles(
    a: &Assertion,
    analysis: Result<crate::uncertainty::UncertaintyReport, String>,
    push: &mut impl FnMut(&str, String, String, bool),
) {
    let limits = [
        (
            "max_monthly_usd_p95",
            a.max_monthly_usd_p95.map(|m| format!("${m:.2}")),
        ),
        (
            "min_slo_probability",
            a.min_slo_probability.map(|p| trim_float(p, 4)),
        ),
    ];
    let u = match analysis {
        Ok(u) => u,
        Err(e) => {
            for (check, limit) in limits {
                if let Some(limit) = limit {
                    push(check, limit, format!("no value ({e})"), false);
                }
            }
            return;
        }
    };
    let worlds = format!("{} worlds, seed {}", u.samples, u.seed);
    if let (Some(max), (check, Some(limit))) = (a.max_monthly_usd_p95, &limits[0]) {
        let p95 = u.least_regret.monthly_usd.map(|p| p.p95);
        push(
            check,
            limit.clone(),
            p95.map_or(format!("no world holds ({worlds})"), |v| {
                format!("${v:.2} ({}; {worlds})", u.least_regret.description)
            }),
            p95.is_some_and(|v| v <= max + 1e-9),
        );
    }
    if let (Some(min), (check, Some(limit))) = (a.min_slo_probability, &limits[1]) {
        let p = u.least_regret.slo_probability;
        push(
            check,
            limit.clone(),
            format!(
                "{} ({}; {worlds})",
                trim_float(p, 4),
                u.least_regret.description
            ),
            p + 1e-12 >= min,
        );
    }
}

/// GitHub workflow-command escaping for messages and properties.
pub fn github_escape(text: &str, property: bool) -> String {
    let mut out = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

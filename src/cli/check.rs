//! `capplan check` and `capplan diff`: the CI commands.

use super::rate::RateArgs;
use super::recommend::ScenarioArgs;
use super::recommend::{load_inputs, parse_users};
use super::{Failure, Output};
use crate::render::table::wrap_line;
use crate::render::{self, Format, views};
use capplan::input::problem::Severity;
use capplan::report::check::{CiReport, check, github_escape};
use capplan::report::diff::{Threshold, diff};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// One line per problem and assertion, for people
    Human,
    /// Files, problems with locations, assertions with values (stable schema)
    Json,
    /// GitHub Actions workflow annotations (::error file=…,line=…::…)
    Github,
}

#[derive(Debug, Args)]
#[command(
    about = "Validate scenarios, overlays and catalogs and evaluate their assertions (for CI)",
    after_help = "Examples:
  capplan check                          # everything under scenarios/
  capplan check scenarios/app.yaml tiers/
  capplan check --format github          # annotations on the pull request's files
  capplan check --max-price-age 180      # warn on prices dated more than 180 days ago

Exit codes: 0 all valid and every assertion holds; 1 an assertion fails; 2 a file is invalid."
)]
pub struct CheckArgs {
    /// Files or folders (folders are searched for .yaml, .yml and .toml files)
    paths: Vec<PathBuf>,
    /// Overlay catalog file or folder applied to every scenario (repeatable)
    #[arg(long = "tiers", value_name = "PATH")]
    overlays: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    format: CheckFormat,
    /// Warn when a price a scenario uses, or an entry of a catalog file
    /// checked, is dated more than this many days ago
    #[arg(long = "max-price-age", value_name = "DAYS", default_value_t = capplan::catalog::STALE_AFTER_DAYS,
          value_parser = clap::value_parser!(i64).range(0..=36_500))]
    max_price_age: i64,
}

pub fn run_check(args: CheckArgs) -> Result<Output, Failure> {
    let paths = if args.paths.is_empty() { vec![PathBuf::from("scenarios")] } else { args.paths };
    let report = check(&paths, &args.overlays, args.max_price_age);
    let text = match args.format {
        CheckFormat::Json => render::json(&report),
        CheckFormat::Human => human(&report),
        CheckFormat::Github => github(&report),
    };
    Ok(Output { text, code: report.exit_code() })
}

fn human(r: &CiReport) -> String {
    let layout = render::layout();
    let mut out = String::new();
    for p in &r.problems {
        // A warning's text already says "warning" after its location.
        let line = if p.severity == Severity::Error {
            format!("{}: {p}", layout.red("error"))
        } else {
            p.to_string()
        };
        out.push_str(&wrap_line(&line, layout.width, "    "));
    }
    for a in &r.assertions {
        let location = a.line.map_or(a.file.clone(), |l| format!("{}:{l}", a.file));
        let status = if a.pass { layout.green("ok  ") } else { layout.red("FAIL") };
        let line = format!(
            "{status} {location}: at {}: {} {} (limit {})",
            a.at, a.check, a.value, a.limit
        );
        out.push_str(&wrap_line(&line, layout.width, "     "));
    }
    let scenarios = r.files.iter().filter(|f| f.kind == "scenario").count();
    let catalogs = r.files.iter().filter(|f| f.kind == "catalog").count();
    let summary = format!(
        "checked {} file(s) ({scenarios} scenario(s), {catalogs} catalog(s)): {} error(s), {} warning(s); {} assertion check(s), {} failed",
        r.files.len(),
        r.errors,
        r.warnings,
        r.assertions.len(),
        r.failed_assertions
    );
    out.push_str(&wrap_line(&summary, layout.width, "  "));
    out
}

fn github(r: &CiReport) -> String {
    let mut out = String::new();
    for p in &r.problems {
        let mut props = format!("file={}", github_escape(&p.file, true));
        if let Some(line) = p.line {
            props.push_str(&format!(",line={line}"));
        }
        if let Some(col) = p.column {
            props.push_str(&format!(",col={col}"));
        }
        let level = if p.severity == Severity::Error { "error" } else { "warning" };
        let message = if p.field.is_empty() {
            p.message.clone()
        } else {
            format!("{}: {}", p.field, p.message)
        };
        out.push_str(&format!("::{level} {props}::{}\n", github_escape(&message, false)));
    }
    for a in r.assertions.iter().filter(|a| !a.pass) {
        let mut props = format!("file={}", github_escape(&a.file, true));
        if let Some(line) = a.line {
            props.push_str(&format!(",line={line}"));
        }
        let message =
            format!("assertion failed at {}: {} is {}, limit {}", a.at, a.check, a.value, a.limit);
        out.push_str(&format!("::error {props}::{}\n", github_escape(&message, false)));
    }
    out.push_str(&format!(
        "capplan check: {} file(s), {} error(s), {} warning(s), {} of {} assertion check(s) failed\n",
        r.files.len(),
        r.errors,
        r.warnings,
        r.failed_assertions,
        r.assertions.len()
    ));
    out
}

#[derive(Debug, Args)]
#[command(
    about = "Cost impact of a change: two scenarios, or one scenario with two price overlays",
    after_help = "Examples:
  capplan diff base.yaml head.yaml --users 5000 --users 50000
  capplan diff base.yaml head.yaml --users 5000 --rps 300   # both sides at 300 requests/s from 5,000 users
  capplan diff app.yaml --tiers-head new-prices.yaml --format markdown
  capplan diff base.yaml head.yaml --fail-above 10%      # exit 1 if the monthly cost rises more than 10%

BASE and HEAD are scenario files; '-' (or leaving HEAD out) means the same as BASE."
)]
pub struct DiffArgs {
    /// The scenario before the change ('default' for the embedded one)
    base: String,
    /// The scenario after the change (default: BASE)
    head: Option<String>,
    /// User counts to compare (repeatable; default: BASE's workload.users;
    /// one at most with --rpm/--rps)
    #[arg(long, value_name = "N")]
    users: Vec<String>,
    #[command(flatten)]
    rate: RateArgs,
    /// Scenario patch applied over HEAD only (repeatable, in order): what
    /// a calibration changes
    #[arg(long = "patch", value_name = "FILE")]
    patches: Vec<PathBuf>,
    /// Overlays for the base side only (repeatable)
    #[arg(long = "tiers-base", value_name = "PATH")]
    tiers_base: Vec<PathBuf>,
    /// Overlays for the head side only (repeatable)
    #[arg(long = "tiers-head", value_name = "PATH")]
    tiers_head: Vec<PathBuf>,
    /// Exit 1 when the monthly cost rises by more than this: 10% or 50usd
    #[arg(long, value_name = "LIMIT")]
    fail_above: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

fn scenario_path(text: &str) -> Option<PathBuf> {
    (text != "default").then(|| PathBuf::from(text))
}

pub fn run_diff(args: DiffArgs) -> Result<Output, Failure> {
    let threshold =
        args.fail_above.as_deref().map(Threshold::parse).transpose().map_err(Failure::input)?;
    let head_name = args.head.clone().filter(|h| h != "-").unwrap_or_else(|| args.base.clone());
    let (base_file, base_catalog, _) =
        load_inputs(scenario_path(&args.base).as_ref(), &[], &args.tiers_base)?;
    let (head_file, head_catalog, _) =
        load_inputs(scenario_path(&head_name).as_ref(), &args.patches, &args.tiers_head)?;
    let given: Vec<f64> = args
        .users
        .iter()
        .map(|u| parse_users(u))
        .collect::<Result<_, _>>()
        .map_err(Failure::input)?;
    // A given rate describes one user count: both sides are planned there,
    // each with the per-user request rate that makes the rate.
    let (base_scenario, base_users, base_rate) = match args.rate.per_second()? {
        Some(_) if given.len() > 1 => {
            return Err(Failure::input(
                "--users: a given --rpm/--rps describes one user count; give at most one --users with it",
            ));
        }
        Some(_) => args.rate.apply(base_file.scenario, given.first().copied())?,
        None => (base_file.scenario, None, None),
    };
    let (head_scenario, _, head_rate) = match base_users {
        Some(at) => args.rate.apply(head_file.scenario, Some(at))?,
        None => (head_file.scenario, None, None),
    };
    let users: Vec<f64> = match base_users {
        Some(at) => vec![at],
        None if given.is_empty() => vec![base_scenario.workload.users.ok_or_else(|| {
            Failure::input("give --users N: the base scenario sets no workload.users")
        })?],
        None => given,
    };
    let label = |name: &str, overlays: &[PathBuf]| {
        let mut label = name.to_string();
        for o in overlays {
            label.push_str(&format!(" + {}", o.display()));
        }
        label
    };
    let mut report = diff(
        (&base_scenario, base_catalog, &label(&args.base, &args.tiers_base)),
        (
            &head_scenario,
            head_catalog,
            &label(&head_name, &[args.patches.as_slice(), args.tiers_head.as_slice()].concat()),
        ),
        &users,
    );
    report.base_rate = base_rate;
    report.head_rate = head_rate;
    let failed = threshold.is_some_and(|t| report.points.iter().any(|p| t.exceeded_by(p)));
    let mut text =
        render::render(args.format, &report, || views::diff(&report)).map_err(Failure::input)?;
    if failed && matches!(args.format, Format::Table | Format::Markdown) {
        text.push_str(&format!(
            "\nThe monthly increase exceeds --fail-above {}.\n",
            args.fail_above.unwrap_or_default()
        ));
    }
    Ok(Output { text, code: u8::from(failed) })
}

#[derive(Debug, Args)]
#[command(
    about = "Audit a scenario's stage ladder: real capacity, cost and binding constraint of each template, beside its claims",
    after_help = "Examples:
  capplan stages                             # the embedded scenario's ladder
  capplan stages --scenario my-app.yaml --format json
  capplan stages --scenario scenarios/smriti.yaml --tiers scenarios/prices/smriti.yaml   # the guide on its own prices

A claim is flagged when the computed value is off by more than 25%, or outside a claimed range."
)]
pub struct StagesArgs {
    #[command(flatten)]
    files: ScenarioArgs,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run_stages(args: StagesArgs) -> Result<Output, Failure> {
    let (file, catalog, _) = args.files.load()?;
    if !file.scenario.stages.iter().any(|s| !s.mix.is_empty()) {
        return Err(Failure::input(format!(
            "{}: the scenario has no stage templates (stages with a mix); see docs/scenarios.md",
            file.name
        )));
    }
    let report = capplan::report::stages::stages(&file.scenario, catalog);
    Ok(Output::ok(
        render::render(args.format, &report, || views::stages(&report)).map_err(Failure::input)?,
    ))
}

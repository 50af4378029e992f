//! `capplan recommend`: the main job.

use super::rate::RateArgs;
use super::{Failure, Output};
use crate::render::{self, Format, views};
use capplan::catalog::Catalog;
use capplan::report::recommend::{RecommendOptions, recommend};
use capplan::scenario::{ScenarioFile, load_patched, validate};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    about = "Recommend the stage, instance mix and monthly cost for a user count or request rate",
    after_help = "Examples:
  capplan recommend --users 5000
  capplan recommend --users 250k --format json
  capplan recommend --rpm 3000                      # users inferred from the scenario's ratios
  capplan recommend --rps 300 --users 5000          # 5,000 users making 300 requests/s at peak
  capplan recommend --users 20000 --scenario my-app.yaml --tiers negotiated.yaml --explain
  capplan recommend --users 5000 --format markdown  # for docs and pull requests
  capplan recommend --scenario app.yaml --patch calibrated.yaml   # fields measured by `capplan calibrate`
  capplan recommend --scenario scenarios/mercenary.yaml   # autoscaling 2-20 on EC2, spot workers
  capplan recommend --scenario scenarios/smriti.yaml      # Render vs Lambda, with the break-even

With no --scenario the embedded default (scenarios/interview-prep-api.yaml: a Render API and
worker with MongoDB Atlas and Redis Cloud) is used; see docs/scenarios.md."
)]
pub struct RecommendArgs {
    /// Registered users: 5000, 5k, 1.2M, rounded to whole users (at least
    /// 1) (default: the scenario's workload.users)
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    users: Option<String>,
    #[command(flatten)]
    rate: RateArgs,
    #[command(flatten)]
    files: ScenarioArgs,
    /// Show the arithmetic behind each component (with intervals: the
    /// sampled inputs' percentiles)
    #[arg(long)]
    explain: bool,
    /// Advise a switch of tiers only where it saves more than this share
    /// of the monthly bill (percent); the next upgrade keeps the tiers
    /// that still hold
    #[arg(long, value_name = "PERCENT", default_value = "10", value_parser = parse_switch_saving)]
    switch_saving: f64,
    #[command(flatten)]
    uncertainty: super::uncertainty::UncertaintyArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// Parses a user count: `5000`, `5,000`, `5_000`, `5k`, `1.2M`.
pub fn parse_users(text: &str) -> Result<f64, String> {
    let cleaned: String = text.trim().chars().filter(|c| *c != ',' && *c != '_').collect();
    let (number, scale) = match cleaned.chars().last() {
        Some('k' | 'K') => (&cleaned[..cleaned.len() - 1], 1e3),
        Some('M' | 'm') => (&cleaned[..cleaned.len() - 1], 1e6),
        _ => (cleaned.as_str(), 1.0),
    };
    // One rule: a count is rounded to whole users and must be at least 1.
    let value = number.parse::<f64>().ok().and_then(|n| capplan::demand::whole_users(n * scale));
    match value {
        Some(v) if v <= 1e12 => Ok(v),
        _ => Err(format!(
            "--users: expected a user count from 1 to 1,000,000,000,000 such as 5000, 5k or 1.2M (rounded to whole users), got '{text}'"
        )),
    }
}

/// The scenario and catalog flags every planning command takes.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// Scenario file, YAML or TOML (default: the embedded scenario)
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Scenario patch applied over the scenario (repeatable, in order;
    /// e.g. from `capplan calibrate`)
    #[arg(long = "patch", value_name = "FILE")]
    pub patches: Vec<PathBuf>,
    /// Overlay catalog file or folder (repeatable)
    #[arg(long = "tiers", value_name = "PATH")]
    pub overlays: Vec<PathBuf>,
    /// Plan datastores on published limits only: a limit the catalog or a
    /// role default only estimates (marked ≈) counts as unpublished
    #[arg(long)]
    pub strict_limits: bool,
}

impl ScenarioArgs {
    /// The scenario (validated) and the catalog with overlays, with warnings.
    pub fn load(&self) -> Result<(ScenarioFile, &'static Catalog, Vec<String>), Failure> {
        let (mut file, catalog, warnings) =
            load_inputs(self.scenario.as_ref(), &self.patches, &self.overlays)?;
        if self.strict_limits {
            file.scenario.require_published_limits();
        }
        Ok((file, catalog, warnings))
    }
}

/// The scenario (validated against the catalog) and the catalog with overlays.
pub fn load_inputs(
    scenario: Option<&PathBuf>,
    patches: &[PathBuf],
    overlays: &[PathBuf],
) -> Result<(ScenarioFile, &'static Catalog, Vec<String>), Failure> {
    let (catalog, catalog_warnings) = super::output::load_catalog(overlays)?;
    let file = load_patched(scenario.map(|p| p.as_path()), patches)?;
    let problems = validate(&file, catalog)?;
    let warnings = catalog_warnings.iter().chain(problems.iter()).map(|p| p.to_string()).collect();
    Ok((file, catalog, warnings))
}

pub fn run(args: RecommendArgs) -> Result<Output, Failure> {
    let users = args.users.as_deref().map(parse_users).transpose().map_err(Failure::input)?;
    let (file, catalog, mut input_warnings) = args.files.load()?;
    let patched = file.patched.clone();
    let rate_given = args.rate.per_second()?.is_some();
    let inputs = super::uncertainty::inputs_for_run(&file, rate_given, &mut input_warnings);
    let sampling = args.uncertainty.options(&inputs)?;
    let (scenario, users, given_rate) = args.rate.apply(file.scenario, users)?;
    let users = users.or(scenario.workload.users).ok_or_else(|| {
        Failure::input("give --users N (or --rpm/--rps): the scenario sets no workload.users")
    })?;
    let mut report = recommend(
        &scenario,
        catalog,
        users,
        RecommendOptions { explain: args.explain, switch_saving: Some(args.switch_saving / 100.0) },
    )?;
    report.given_rate = given_rate;
    report.patched = patched;
    if let Some(options) = sampling {
        report.uncertainty = Some(capplan::uncertainty::analyse(
            &scenario,
            catalog,
            &inputs,
            report.users,
            options,
        )?);
    }
    input_warnings.append(&mut report.warnings);
    report.warnings = input_warnings;
    let explain = args.explain;
    Ok(Output::ok(
        render::render(args.format, &report, || views::recommend(&report, explain))
            .map_err(Failure::input)?,
    ))
}

/// A switch threshold in percent: 10, 10%, 0 (advise every cheaper switch).
fn parse_switch_saving(text: &str) -> Result<f64, String> {
    let number = text.trim().trim_end_matches('%');
    match number.parse::<f64>() {
        Ok(v) if (0.0..100.0).contains(&v) => Ok(v),
        _ => {
            Err(format!("expected a percentage from 0 to below 100 (e.g. 10 or 10%), got '{text}'"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_users;

    #[test]
    fn user_counts() {
        assert_eq!(parse_users("5000"), Ok(5000.0));
        assert_eq!(parse_users("5,000"), Ok(5000.0));
        assert_eq!(parse_users("5k"), Ok(5000.0));
        assert_eq!(parse_users("1.2M"), Ok(1_200_000.0));
        // Rounded to whole users, at least one.
        assert_eq!(parse_users("1.2"), Ok(1.0));
        assert_eq!(parse_users("0.9"), Ok(1.0));
        assert_eq!(parse_users("1.2345k"), Ok(1235.0));
        for bad in ["0", "0.4", "-5", "1e308", "NaN", "lots", ""] {
            assert!(parse_users(bad).is_err(), "{bad}");
        }
    }
}

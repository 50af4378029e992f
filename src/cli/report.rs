//! `capplan report`: the shareable HTML page.

use super::recommend::ScenarioArgs;
use super::recommend::parse_users;
use super::{Failure, Output};
use crate::render::chart::{ImageFormat, cost_chart};
use crate::render::html;
use capplan::report::page::plan_report;
use capplan::support::fsio::write_atomically;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    about = "Write a self-contained HTML report: recommendation, sizing, stages, cost curve and sources",
    after_help = "Examples:
  capplan report --out plan.html
  capplan report --scenario my.yaml --users 1k --users 10k --users 100k --out plan.html

The page has no scripts, fonts or images from elsewhere: it opens offline and
can be mailed as one file."
)]
pub struct ReportArgs {
    /// The page to write (.html; written atomically)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// User counts to plan for (repeatable; default: the scenario's users)
    #[arg(long = "users", value_name = "N", value_parser = parse_users)]
    users: Vec<f64>,
    #[command(flatten)]
    files: ScenarioArgs,
}

pub fn run(args: ReportArgs) -> Result<Output, Failure> {
    if !args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
    {
        return Err(Failure::input(format!(
            "--out: expected a file name ending in .html, got '{}'",
            args.out.display()
        )));
    }
    let (file, catalog, warnings) = args.files.load()?;
    let users =
        if args.users.is_empty() {
            vec![file.scenario.workload.users.ok_or_else(|| {
                Failure::input("give --users N: the scenario sets no workload.users")
            })?]
        } else {
            args.users.clone()
        };
    let report = plan_report(&file.scenario, catalog, &users, 200).map_err(Failure::infeasible)?;
    let (svg, notes) = cost_chart(&report.curve, ImageFormat::Svg, 1000, 560, true)
        .map_err(Failure::infeasible)?;
    let page = html::page(&report, &String::from_utf8_lossy(&svg), &notes);
    write_atomically(&args.out, page.as_bytes()).map_err(|e| {
        Failure::input(format!("--out: cannot write '{}': {e}", args.out.display()))
    })?;
    let mut text = format!(
        "wrote {} ({} bytes): {} recommendation(s), cost curve, {} price source(s)\n",
        args.out.display(),
        page.len(),
        report.recommendations.len(),
        report.sources.len()
    );
    for warning in warnings {
        text.push_str(&format!("warning: {warning}\n"));
    }
    Ok(Output::ok(text))
}

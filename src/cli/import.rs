//! `capplan import`: a scenario with its `current:` mix from a platform file.

use super::recommend::parse_users;
use super::tiers::load_catalog;
use super::{Failure, Output};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    about = "Write a scenario with the mix that runs today, read from a platform file",
    after_help = "Examples:
  capplan import render.yaml                        # prints the scenario
  capplan import render.yaml --users 3000 --out scenario.yaml
  capplan recommend --scenario scenario.yaml        # what it costs, whether it holds, what to change

  capplan import fly.toml --count app=3 --count worker=1

Formats: a Render Blueprint (render.yaml) and a Fly.io fly.toml (any
file ending in .toml). The file gives the tiers and counts (fly.toml holds
no Machine count: --count, else min_machines_running, else 1); the
workload (users' activity, CPU per request) is written as commented
defaults to replace with measurements (`capplan calibrate`)."
)]
pub struct ImportArgs {
    /// The platform file (render.yaml, fly.toml)
    file: PathBuf,
    /// Machines of a fly.toml process group, GROUP=N (repeatable)
    #[arg(long, value_name = "GROUP=N", value_parser = parse_count)]
    count: Vec<(String, u32)>,
    /// Registered users to plan for: 5000, 5k, 1.2M
    #[arg(long, default_value = "5000", value_parser = parse_users)]
    users: f64,
    /// Write the scenario here instead of printing it
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Replace --out if it exists
    #[arg(long)]
    force: bool,
}

pub fn run(args: ImportArgs) -> Result<Output, Failure> {
    let name = args.file.display().to_string();
    let text =
        std::fs::read_to_string(&args.file).map_err(|e| Failure::input(format!("{name}: {e}")))?;
    let (catalog, _) = load_catalog(&[])?;
    let is_toml = args.file.extension().is_some_and(|e| e == "toml");
    if !is_toml && !args.count.is_empty() {
        return Err(Failure::input(
            "--count applies to fly.toml process groups only",
        ));
    }
    let imported = if is_toml {
        let counts = args.count.iter().cloned().collect();
        capplan::import::fly::import(&name, &text, &catalog, &counts)
    } else {
        capplan::import::render::import(&name, &text, &catalog)
    }
    .map_err(Failure::input)?;
    let scenario = capplan::import::scenario_text(&name, args.users, &imported);
    // What is written must plan as it stands: checked before writing.
    // Parsed as the YAML it is, whatever the input file's extension.
    let file = capplan::scenario::parse_scenario("imported-scenario.yaml", &scenario)
        .map_err(|e| Failure::input(format!("import: the scenario does not parse (a bug): {e}")))?;
    let problems = capplan::scenario::validate(&file, &catalog)
        .map_err(|e| Failure::input(format!("import: the scenario is invalid: {e}")))?;
    if let Some(problem) = problems
        .iter()
        .find(|p| p.severity == capplan::problem::Severity::Error)
    {
        return Err(Failure::input(format!(
            "import: the scenario is invalid: {problem}"
        )));
    }
    let Some(out) = args.out else {
        return Ok(Output::ok(scenario));
    };
    let out_name = out.display().to_string();
    if out.exists() && !args.force {
        return Err(Failure::input(format!(
            "{out_name} exists; pass --force to replace it, or give another path"
        )));
    }
    capplan::fsio::write_atomically(&out, scenario.as_bytes())
        .map_err(|e| Failure::input(format!("{out_name}: {e}")))?;
    Ok(Output::ok(format!(
        "wrote {out_name} ({} component{} from {name}{}); next:\n  capplan recommend --scenario {out_name}\n",
        imported.components.len(),
        if imported.components.len() == 1 {
            ""
        } else {
            "s"
        },
        if imported.skipped.is_empty() {
            String::new()
        } else {
            format!("; not imported: {}", imported.skipped.join(", "))
        }
    )))
}

/// `worker=2` → (`worker`, 2).
fn parse_count(text: &str) -> Result<(String, u32), String> {
    let (group, n) = text
        .split_once('=')
        .ok_or_else(|| format!("expected GROUP=N such as app=3, found '{text}'"))?;
    let n: u32 = n
        .trim()
        .parse()
        .ok()
        .filter(|&n| (1..=1000).contains(&n))
        .ok_or_else(|| format!("expected a count from 1 to 1000 after '=', found '{n}'"))?;
    Ok((group.trim().to_string(), n))
}

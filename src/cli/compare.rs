//! `capplan compare`: the scenario planned on several stacks side by side.

use super::recommend::ScenarioArgs;
use super::recommend::parse_users;
use super::{Failure, Output};
use crate::render::{self, Format, views};
use capplan::report::compare::compare;
use capplan::scenario::stacks::{SHIPPED_STACKS, Stack, check_stacks, parse_stacks};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    about = "Plan the same application on several platforms: cost, mix, what binds and how far each goes",
    after_help = format!("Examples:
  capplan compare                                   # every shipped stack at 1x, 10x and 100x the scenario's users
  capplan compare --users 5k --users 50k --users 500k --stacks render,aws,gcp,fly
  capplan compare --scenario app.yaml --format markdown > platforms.md
  capplan compare --stacks-file my-stacks.yaml --stacks mine,render

{}", shipped_stacks_help("Shipped stacks:", &[], " (stacks/stacks.yaml; docs/compare.md describes the format)."))
)]
pub struct CompareArgs {
    /// User counts to compare (repeatable; default: the scenario's users
    /// and 10 and 100 times as many)
    #[arg(long, value_name = "N")]
    users: Vec<String>,
    /// Stacks to compare, comma-separated ids (default: all)
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    stacks: Vec<String>,
    /// A stacks file of your own: its stacks join the shipped ones (an id
    /// that exists replaces it)
    #[arg(long = "stacks-file", value_name = "FILE")]
    stacks_file: Option<PathBuf>,
    #[command(flatten)]
    files: ScenarioArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

/// A help paragraph naming the shipped stacks as build.rs found them in
/// stacks/stacks.yaml (never a list typed here), an alias after its stack,
/// wrapped at 72 columns.
pub(crate) fn shipped_stacks_help(lead: &str, aliases: &[(&str, &str)], tail: &str) -> String {
    let ids = capplan::catalog::STACK_IDS.iter().map(|id| {
        match aliases.iter().find(|(stack, _)| stack == id) {
            Some((_, alias)) => format!("{id} (alias {alias})"),
            None => id.to_string(),
        }
    });
    let text = format!("{lead} {}{tail}", ids.collect::<Vec<_>>().join(", "));
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        if line > 0 && line + 1 + word.len() > 72 {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

/// The shipped stacks plus the user's, then the selection.
pub(crate) fn load_stacks(
    file: Option<&PathBuf>,
    selected: &[String],
) -> Result<Vec<Stack>, Failure> {
    let mut stacks = parse_stacks(SHIPPED_STACKS, "stacks/stacks.yaml").map_err(Failure::input)?;
    if let Some(path) = file {
        let text =
            capplan::input::read::read_input(path).map_err(|e| Failure::input(e.to_string()))?;
        for stack in parse_stacks(&text, &path.display().to_string()).map_err(Failure::input)? {
            match stacks.iter_mut().find(|s| s.id == stack.id) {
                Some(existing) => *existing = stack,
                None => stacks.push(stack),
            }
        }
    }
    if selected.is_empty() {
        return Ok(stacks);
    }
    selected
        .iter()
        .map(|id| {
            stacks.iter().find(|s| &s.id == id).cloned().ok_or_else(|| {
                let known: Vec<&str> = stacks.iter().map(|s| s.id.as_str()).collect();
                Failure::input(format!(
                    "--stacks: unknown stack '{id}': expected one of {}",
                    known.join(", ")
                ))
            })
        })
        .collect()
}

pub fn run_compare(args: CompareArgs) -> Result<Output, Failure> {
    let (file, catalog, warnings) = args.files.load()?;
    let stacks = load_stacks(args.stacks_file.as_ref(), &args.stacks)?;
    let problems = check_stacks(&stacks, catalog);
    if !problems.is_empty() {
        return Err(Failure::input(problems.join("\n")));
    }
    let scenario = file.scenario;
    let users: Vec<f64> = if args.users.is_empty() {
        let base = scenario.workload.users.ok_or_else(|| {
            Failure::input("give --users N (repeatable): the scenario sets no workload.users")
        })?;
        vec![base, base * 10.0, base * 100.0]
    } else {
        args.users
            .iter()
            .map(|u| parse_users(u))
            .collect::<Result<_, _>>()
            .map_err(Failure::input)?
    };
    let users: Vec<f64> = users
        .into_iter()
        .map(|u| {
            capplan::demand::whole_users(u)
                .ok_or_else(|| Failure::input(format!("--users: {u} rounds to no user")))
        })
        .collect::<Result<_, _>>()?;
    let report = compare(&scenario, catalog, &stacks, &users);
    let format = args.format;
    let mut text =
        render::render(format, &report, || views::compare(&report)).map_err(Failure::input)?;
    super::output::append_warnings(&mut text, &warnings, format);
    let any = report.stacks.iter().any(|s| s.points.iter().any(|p| p.feasible));
    Ok(Output { text, code: if any { 0 } else { 1 } })
}

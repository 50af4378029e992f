//! `capplan init`: write a commented starter scenario for a stack.

use super::compare::load_stacks;
use super::output::load_catalog;
use super::recommend::parse_users;
use super::{Failure, Output};
use capplan::scenario::starter::{AppShape, InitOptions, starter_scenario};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    about = "Write a commented starter scenario for a stack and app shape",
    after_help = format!("Examples:
  capplan init                                   # scenario.yaml: Render + Atlas + Redis Cloud, 5,000 users
  capplan init my.yaml --stack aws --users 20k --rps 40 --worker --llm
  capplan init my.yaml --llm --model openai/gpt-5.6-luna
  capplan init my.yaml --shape business          # weekday office hours, quiet weekends
  capplan init - --stack fly | less              # print it instead of writing a file

{}", super::compare::shipped_stacks_help(
        "Stacks are those of `capplan compare` (stacks/stacks.yaml):",
        &[("render", "render-atlas-redis")],
        ".",
    ))
)]
pub struct InitArgs {
    /// Where to write the scenario (`-` prints it)
    #[arg(default_value = "scenario.yaml")]
    path: PathBuf,
    /// The platforms to plan on (a `capplan compare` stack id)
    #[arg(long, default_value = "render")]
    stack: String,
    /// Registered users to plan for: 5000, 5k, 1.2M
    #[arg(long, default_value = "5000", value_parser = parse_users)]
    users: f64,
    /// Peak requests per second at those users, if known (sets the per-user rate)
    #[arg(long, value_name = "R")]
    rps: Option<f64>,
    /// Add a background worker with a job queue
    #[arg(long)]
    worker: bool,
    /// Add LLM token costs (per job with --worker, else per request)
    #[arg(long)]
    llm: bool,
    /// The model of the LLM calls: provider/model, any model with input and
    /// output prices in the catalog (`capplan tiers show anthropic`);
    /// default anthropic/claude-haiku-5-5
    #[arg(long, value_name = "PROVIDER/MODEL", requires = "llm")]
    model: Option<String>,
    /// When the users come, for the load profile the file starts from:
    /// consumer (evenings), business (weekday office hours), global (every hour)
    #[arg(long, default_value = "consumer", value_parser = parse_shape)]
    shape: AppShape,
    /// Replace the file if it exists
    #[arg(long)]
    force: bool,
}

fn parse_shape(text: &str) -> Result<AppShape, String> {
    AppShape::ALL.into_iter().find(|s| s.as_str() == text).ok_or_else(|| {
        format!(
            "expected one of {}, found '{text}'",
            AppShape::ALL.map(AppShape::as_str).join(", ")
        )
    })
}

pub fn run(args: InitArgs) -> Result<Output, Failure> {
    let id = match args.stack.as_str() {
        "render-atlas-redis" => "render".to_string(),
        other => other.to_string(),
    };
    let stack = load_stacks(None, std::slice::from_ref(&id))
        .map_err(|f| Failure::input(f.message.replace("--stacks", "--stack")))?
        .into_iter()
        .next()
        .ok_or_else(|| Failure::input(format!("--stack: unknown stack '{id}'")))?;
    let options = InitOptions {
        users: args.users,
        peak_rps: args.rps,
        worker: args.worker,
        llm: args.llm,
        model: args.model.clone(),
        shape: args.shape,
    };
    let (catalog, _) = load_catalog(&[])?;
    let text = starter_scenario(&stack, &options, catalog).map_err(Failure::input)?;
    // The file must pass `check` as written: validated before it is written.
    let name = args.path.display().to_string();
    let file = capplan::scenario::parse_scenario(&name, &text).map_err(|e| {
        Failure::input(format!("init: the starter scenario does not parse (a bug): {e}"))
    })?;
    let problems = capplan::scenario::validate(&file, catalog).map_err(|e| {
        Failure::input(format!("init: the starter scenario is invalid (a bug): {e}"))
    })?;
    if let Some(problem) =
        problems.iter().find(|p| p.severity == capplan::input::problem::Severity::Error)
    {
        return Err(Failure::input(format!(
            "init: the starter scenario is invalid (a bug): {problem}"
        )));
    }
    if args.path.as_os_str() == "-" {
        return Ok(Output::ok(text));
    }
    if args.path.exists() && !args.force {
        return Err(Failure::input(format!(
            "{name} exists; pass --force to replace it, or give another path"
        )));
    }
    capplan::support::fsio::write_atomically(&args.path, text.as_bytes())
        .map_err(|e| Failure::input(format!("{name}: {e}")))?;
    // A retired model is allowed (any catalog model is): say so now.
    let warnings: String = problems.iter().map(|p| format!("{p}\n")).collect();
    let llm = match (args.llm, &args.model) {
        (false, _) => String::new(),
        (true, model) => format!(
            ", LLM tokens on {}",
            model.as_deref().unwrap_or(capplan::scenario::starter::DEFAULT_LLM_MODEL)
        ),
    };
    Ok(Output::ok(format!(
        "wrote {name} (stack {}, {} users, {} load{}{llm}); next:\n  capplan recommend --scenario {name}\n  capplan check {name}\n{warnings}",
        stack.id,
        args.users,
        args.shape.as_str(),
        if args.worker { ", worker" } else { "" },
    )))
}

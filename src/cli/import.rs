//! `capplan import`: a scenario with its `current:` mix from a platform file.

use super::output::load_catalog;
use super::recommend::parse_users;
use super::{Failure, Output};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    about = "Write a scenario with the mix that runs today, read from platform files",
    after_help = "Examples:
  capplan import render.yaml                        # prints the scenario
  capplan import render.yaml --users 3000 --out scenario.yaml
  capplan recommend --scenario scenario.yaml        # what it costs, whether it holds, what to change

  capplan import fly.toml --count app=3 --count worker=1
  capplan import app.json Procfile                  # Heroku: formation and add-ons
  capplan import .do/app.yaml                       # DigitalOcean App Platform
  capplan import docker-compose.yml --platform render
  terraform show -json plan.tfplan > plan.json && capplan import plan.json
  capplan import render.yaml --current db=atlas/cluster/m10   # a tier the files do not hold
  capplan import .do/app.yaml --current web=digitalocean/app-platform/apps-s-1vcpu-1gb   # a plan the catalog does not sell

Formats (found from the file name and its keys; --format to say): a Render
Blueprint (render.yaml), a Fly.io fly.toml, a Heroku app.json (with its
Procfile), a DigitalOcean App Platform spec, a docker-compose file (mapped
to the cheapest tier that fits on --platform) and a Terraform plan in JSON
(`terraform show -json`). The files give the tiers and counts; the workload
(users' activity, CPU per request) is written as commented defaults to
replace with measurements (`capplan calibrate`). A legacy plan the catalog
maps (Render's Postgres starter, standard, pro) is priced as today's plan
of the same memory, with a comment; any other plan it does not sell is an
error that names the field and the --current that imports the file.
docs/import.md lists what each format gives, what is assumed and what is
ignored."
)]
pub struct ImportArgs {
    /// The platform files (render.yaml, fly.toml, app.json, Procfile, .do/app.yaml, docker-compose.yml, plan.json)
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Read every file as this format instead of detecting it
    #[arg(long, value_name = "FORMAT", value_parser = ["render", "fly", "heroku", "procfile", "digitalocean", "compose", "terraform"])]
    format: Option<String>,
    /// Machines of a fly.toml process group, GROUP=N (repeatable)
    #[arg(long, value_name = "GROUP=N", value_parser = parse_count)]
    count: Vec<(String, u32)>,
    /// The platform a docker-compose file runs on: render, fly, heroku, digitalocean, railway, aws, gcp, azure; or PROVIDER/OFFERING for one offering (gcp/cloud-run)
    #[arg(long, value_name = "PROVIDER[/OFFERING]")]
    platform: Option<String>,
    /// A component's current tier, COMPONENT=provider/offering/tier[:N|:MIN-MAX]: adds one the files lack or replaces what they say (repeatable)
    #[arg(long, value_name = "COMPONENT=TIER", value_parser = capplan::import::CurrentOverride::parse)]
    current: Vec<capplan::import::CurrentOverride>,
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
    use capplan::import::{Format, ImportOptions};
    let (catalog, _) = load_catalog(&[])?;
    let mut files = Vec::new();
    for path in &args.files {
        let name = path.display().to_string();
        // The bounded reader: a device, a named pipe or a runaway file is
        // refused instead of read without end.
        let text = capplan::input::read::read_text(path, capplan::import::MAX_IMPORT_BYTES)
            .map_err(|p| Failure::input(p.to_string()))?;
        let format = match &args.format {
            Some(f) => Format::parse(f).expect("clap checks the format"),
            None => Format::detect(&name, &text)
                .ok_or_else(|| Failure::input(capplan::import::undetected(&name, &text)))?,
        };
        files.push((name, text, format));
    }
    let has = |f: Format| files.iter().any(|(_, _, g)| *g == f);
    if !args.count.is_empty() && !has(Format::Fly) {
        return Err(Failure::input("--count applies to fly.toml process groups only"));
    }
    if args.platform.is_some() && !has(Format::Compose) {
        return Err(Failure::input("--platform applies to docker-compose files only"));
    }
    // A Procfile beside an app.json names its process types; alone it is
    // read on its own (and says what it lacks).
    let procfile = files
        .iter()
        .find(|(_, _, f)| *f == Format::Procfile)
        .map(|(name, text, _)| (name.clone(), text.clone()));
    let options = ImportOptions {
        counts: args.count.iter().cloned().collect(),
        platform: args.platform.clone(),
        procfile: procfile.clone().filter(|_| has(Format::Heroku)),
    };
    let mut results = Vec::new();
    for (name, text, format) in &files {
        if *format == Format::Procfile && options.procfile.is_some() {
            continue;
        }
        let result = capplan::import::import_file(*format, name, text, catalog, &options)
            .map_err(Failure::input)?;
        results.push((name.clone(), result));
    }
    let imported =
        capplan::import::combine(results, &args.current, catalog).map_err(Failure::input)?;
    let name = files.iter().map(|(n, _, _)| n.as_str()).collect::<Vec<_>>().join(" + ");
    let scenario = capplan::import::scenario_text(&name, args.users, &imported, catalog);
    // What is written must plan as it stands: checked before writing.
    // Parsed as the YAML it is, whatever the input file's extension.
    let file = capplan::scenario::parse_scenario("imported-scenario.yaml", &scenario)
        .map_err(|e| Failure::input(format!("import: the scenario does not parse (a bug): {e}")))?;
    let problems = capplan::scenario::validate(&file, catalog)
        .map_err(|e| Failure::input(format!("import: the scenario is invalid: {e}")))?;
    if let Some(problem) =
        problems.iter().find(|p| p.severity == capplan::input::problem::Severity::Error)
    {
        return Err(Failure::input(format!("import: the scenario is invalid: {problem}")));
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
    capplan::support::fsio::write_atomically(&out, scenario.as_bytes())
        .map_err(|e| Failure::input(format!("{out_name}: {e}")))?;
    Ok(Output::ok(format!(
        "wrote {out_name} ({} component{} from {name}{}); next:\n  capplan recommend --scenario {out_name}\n",
        imported.components.len(),
        if imported.components.len() == 1 { "" } else { "s" },
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

//! `capplan sweep`, `capplan forecast` and `capplan chart`.

use super::rate::RateArgs;
use super::recommend::ScenarioArgs;
use super::recommend::parse_users;
use super::{Failure, Output};
use crate::render::chart::{ImageFormat, compare_chart, cost_chart, forecast_chart};
use crate::render::views::thousands;
use crate::render::{self, Format, views};
use capplan::catalog::Catalog;
use capplan::demand::RateNote;
use capplan::report::compare::compare;
use capplan::report::sweep::bands::{CURVE_SAMPLES, add_bands, forecast_events};
use capplan::report::sweep::{Growth, SweepReport, forecast, sweep, user_points};
use capplan::scenario::Scenario;
use capplan::scenario::stacks::check_stacks;
use capplan::scenario::uncertain::UncertainInput;
use capplan::support::fsio::write_atomically;
use capplan::uncertainty::{UncertaintyOptions, Worlds};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Scenario and catalog options shared by the curve commands.
#[derive(Debug, Args)]
pub struct Inputs {
    #[command(flatten)]
    files: ScenarioArgs,
    #[command(flatten)]
    rate: RateArgs,
    #[command(flatten)]
    uncertainty: super::uncertainty::UncertaintyArgs,
}

impl Inputs {
    /// The scenario (with a given rate applied at `rate_users`), the
    /// catalog, the input warnings and the rate's note.
    fn load(&self, rate_users: Option<f64>) -> Result<Loaded, Failure> {
        let (file, catalog, mut warnings) = self.files.load()?;
        let rate_given = self.rate.per_second()?.is_some();
        let inputs = super::uncertainty::inputs_for_run(&file, rate_given, &mut warnings);
        let sampling = self.uncertainty.options(&inputs)?;
        let (scenario, _, note) = self.rate.apply(file.scenario, rate_users)?;
        Ok(Loaded { scenario, catalog, warnings, note, inputs, sampling })
    }
}

struct Loaded {
    scenario: Scenario,
    catalog: &'static Catalog,
    warnings: Vec<String>,
    note: Option<RateNote>,
    inputs: Vec<UncertainInput>,
    /// Set when the scenario has intervals or `--samples` was given.
    sampling: Option<UncertaintyOptions>,
}

impl Loaded {
    fn worlds(&self, options: &UncertaintyOptions) -> Worlds<'_> {
        Worlds { base: &self.scenario, inputs: &self.inputs, seed: options.seed }
    }

    /// The cost band at every row's user count, when sampling.
    fn add_bands(&self, report: &mut SweepReport) -> Result<(), Failure> {
        match &self.sampling {
            None => Ok(()),
            Some(options) => add_bands(
                report,
                &self.worlds(options),
                self.catalog,
                options.samples.unwrap_or(CURVE_SAMPLES),
            )
            .map_err(Failure::from),
        }
    }
}

#[derive(Debug, Args)]
#[command(
    about = "Plan many user counts: one row per count with stage, tiers, counts and cost",
    after_help = "Examples:
  capplan sweep --from 100 --to 1M --points 25 --log
  capplan sweep --from 1000 --to 50000 --points 50 --format csv > cost.csv
  capplan sweep --from 1000 --to 100k --log --rps 300 --users 5000   # per-user rate from a measurement"
)]
pub struct SweepArgs {
    /// Smallest user count
    #[arg(long, value_name = "N")]
    from: String,
    /// Largest user count
    #[arg(long, value_name = "M")]
    to: String,
    /// Number of user counts (at most 1,000,000)
    #[arg(long, value_name = "K", default_value = "20")]
    points: String,
    /// Space the counts geometrically instead of evenly
    #[arg(long)]
    log: bool,
    /// The user count a given --rpm/--rps was measured at (default: the
    /// users the rate implies under the scenario's ratios)
    #[arg(long, value_name = "N", requires = "rate")]
    users: Option<String>,
    #[command(flatten)]
    inputs: Inputs,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Debug, Args)]
#[command(
    about = "Month-by-month users, stage, cost and upgrade events under growth",
    after_help = "Examples:
  capplan forecast --users 2000 --growth 15%/month --months 24
  capplan forecast --users 2000 --growth +500/month --months 36 --format json
  capplan forecast --users 2000 --rpm 9000 --growth 10%/month   # 2,000 users making 9,000 requests/min now"
)]
pub struct ForecastArgs {
    /// Users at month 0 (where a given --rpm/--rps is measured)
    #[arg(long, value_name = "N")]
    users: String,
    /// 15%/month (compound) or +500/month (linear)
    #[arg(long, value_name = "RATE", allow_hyphen_values = true)]
    growth: String,
    /// Months to forecast (1 to 600)
    #[arg(long, value_name = "M", default_value = "24")]
    months: String,
    #[command(flatten)]
    inputs: Inputs,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChartKind {
    /// Monthly cost against users, stacked by component, stage bands shaded
    Cost,
    /// Cost and users month by month
    Forecast,
}

/// A users axis scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AxisScale {
    Log,
    Linear,
}

#[derive(Debug, Args)]
#[command(
    about = "Draw a cost chart (SVG or PNG) for decks and docs",
    after_help = "Examples:
  capplan chart --out cost.svg
  capplan chart --out cost.png --from 100 --to 2M --width 1600 --height 900
  capplan chart --out cost.svg --from 1k --to 50k --users-axis linear
  capplan chart --kind forecast --users 2000 --growth 15%/month --months 24 --out forecast.svg
  capplan chart --compare --out platforms.svg                  # one line per shipped stack
  capplan chart --compare --stacks render,aws,fly --from 1k --to 500k --out platforms.png"
)]
pub struct ChartArgs {
    /// Output file: .svg or .png (written atomically)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[arg(long, value_enum, default_value = "cost")]
    kind: ChartKind,
    /// Cost against users with one line per stack (see `capplan compare`)
    /// instead of one stack stacked by component
    #[arg(long, conflicts_with = "kind")]
    compare: bool,
    /// With --compare: stacks to draw, comma-separated ids (default: all)
    #[arg(long, value_name = "IDS", value_delimiter = ',', requires = "compare")]
    stacks: Vec<String>,
    /// With --compare: a stacks file of your own (joins the shipped stacks)
    #[arg(long = "stacks-file", value_name = "FILE", requires = "compare")]
    stacks_file: Option<PathBuf>,
    /// Smallest user count (cost chart)
    #[arg(long, value_name = "N", default_value = "100")]
    from: String,
    /// Largest user count (cost chart)
    #[arg(long, value_name = "M", default_value = "1M")]
    to: String,
    /// Users at month 0 (forecast chart, default 2000); with --rpm/--rps,
    /// the user count the rate was measured at
    #[arg(long, value_name = "N")]
    users: Option<String>,
    /// Growth (forecast chart): 15%/month or +500/month
    #[arg(long, value_name = "RATE", default_value = "15%/month", allow_hyphen_values = true)]
    growth: String,
    /// Months (forecast chart)
    #[arg(long, value_name = "M", default_value = "24")]
    months: String,
    /// Users axis of the cost chart: log (the default, for ranges that span
    /// orders of magnitude) or linear
    #[arg(long = "users-axis", value_enum, default_value = "log")]
    users_axis: AxisScale,
    /// Width in pixels (200 to 8000)
    #[arg(long, default_value = "1200")]
    width: String,
    /// Height in pixels (150 to 8000)
    #[arg(long, default_value = "700")]
    height: String,
    #[command(flatten)]
    inputs: Inputs,
}

fn whole(name: &str, text: &str, range: std::ops::RangeInclusive<u64>) -> Result<u64, Failure> {
    text.trim()
        .replace(['_', ','], "")
        .parse::<u64>()
        .ok()
        .filter(|v| range.contains(v))
        .ok_or_else(|| {
            Failure::input(format!(
                "{name}: expected a whole number from {} to {}, got '{text}'",
                range.start(),
                range.end()
            ))
        })
}

fn users(name: &str, text: &str) -> Result<f64, Failure> {
    parse_users(text).map_err(|e| Failure::input(e.replacen("--users", name, 1)))
}

fn range(from: &str, to: &str) -> Result<(f64, f64), Failure> {
    let (from, to) = (users("--from", from)?, users("--to", to)?);
    if from > to {
        return Err(Failure::input(format!(
            "--from: expected a count no larger than --to ({to}), got {from}"
        )));
    }
    Ok((from, to))
}

pub fn run_sweep(args: SweepArgs) -> Result<Output, Failure> {
    let (from, to) = range(&args.from, &args.to)?;
    let points = whole("--points", &args.points, 1..=10_000)? as usize;
    let rate_users = args.users.as_deref().map(|u| users("--users", u)).transpose()?;
    let loaded = args.inputs.load(rate_users)?;
    let mut report =
        sweep(&loaded.scenario, loaded.catalog, &user_points(from, to, points, args.log));
    report.given_rate = loaded.note.clone();
    loaded.add_bands(&mut report)?;
    let warnings = loaded.warnings;
    let format = args.format;
    let mut text = render::render(format, &report, || views::sweep(&report, format == Format::Csv))
        .map_err(Failure::input)?;
    super::output::append_warnings(&mut text, &warnings, format);
    Ok(Output::ok(text))
}

pub fn run_forecast(args: ForecastArgs) -> Result<Output, Failure> {
    let start = users("--users", &args.users)?;
    let (growth, growth_interval) = Growth::parse_range(&args.growth).map_err(Failure::input)?;
    let months = whole("--months", &args.months, 1..=600)? as u32;
    let loaded = args.inputs.load(Some(start))?;
    let mut report = forecast(&loaded.scenario, loaded.catalog, start, growth, months);
    report.given_rate = loaded.note.clone();
    let sampling = match (&loaded.sampling, growth_interval) {
        (Some(options), _) => Some(*options),
        (None, Some(_)) => Some(args.inputs.uncertainty.forced()?),
        (None, None) => None,
    };
    if let Some(options) = sampling {
        report.uncertainty = Some(forecast_events(
            &loaded.worlds(&options),
            loaded.catalog,
            start,
            growth,
            growth_interval,
            months,
            options.samples.unwrap_or(CURVE_SAMPLES),
        )?);
    }
    let warnings = loaded.warnings;
    let format = args.format;
    let mut text =
        render::render(format, &report, || views::forecast(&report, format == Format::Csv))
            .map_err(Failure::input)?;
    super::output::append_warnings(&mut text, &warnings, format);
    Ok(Output::ok(text))
}

pub fn run_chart(args: ChartArgs) -> Result<Output, Failure> {
    let format = ImageFormat::from_path(&args.out).ok_or_else(|| {
        Failure::input(format!(
            "--out: expected a file name ending in .svg or .png, got '{}'",
            args.out.display()
        ))
    })?;
    let width = whole("--width", &args.width, 200..=8000)? as u32;
    let height = whole("--height", &args.height, 150..=8000)? as u32;
    let given_users = args.users.as_deref().map(|u| users("--users", u)).transpose()?;
    let mut notes = Vec::new();
    let bytes = match args.kind {
        ChartKind::Cost if args.compare => {
            let (from, to) = range(&args.from, &args.to)?;
            let loaded = args.inputs.load(given_users)?;
            let stacks = super::compare::load_stacks(args.stacks_file.as_ref(), &args.stacks)?;
            let problems = check_stacks(&stacks, loaded.catalog);
            if !problems.is_empty() {
                return Err(Failure::input(problems.join("\n")));
            }
            let report = compare(
                &loaded.scenario,
                loaded.catalog,
                &stacks,
                &user_points(from, to, 60, true),
            );
            // Where a line ends early, say so beside the file written too.
            for stack in &report.stacks {
                match (stack.stops_below(to), &stack.stops_because) {
                    (Some(up_to), Some(why)) => notes.push(format!(
                        "{}: stops at {} users ({why})",
                        stack.id,
                        thousands(up_to)
                    )),
                    (None, Some(why)) if stack.feasible_up_to.is_none() => {
                        notes.push(format!("{}: serves none of the range ({why})", stack.id))
                    }
                    _ => {}
                }
            }
            compare_chart(&report, format, width, height)
        }
        ChartKind::Cost => {
            let (from, to) = range(&args.from, &args.to)?;
            let loaded = args.inputs.load(given_users)?;
            let mut report =
                sweep(&loaded.scenario, loaded.catalog, &user_points(from, to, 400, true));
            loaded.add_bands(&mut report)?;
            cost_chart(&report, format, width, height, args.users_axis == AxisScale::Log).map(
                |(bytes, cut)| {
                    // A range cut short is said on stderr as well as on the image.
                    for note in cut {
                        super::stderr_line(&format!("warning: {note}"));
                        notes.push(note);
                    }
                    bytes
                },
            )
        }
        ChartKind::Forecast => {
            let start = given_users.unwrap_or(2000.0);
            let (growth, _) = Growth::parse_range(&args.growth).map_err(Failure::input)?;
            let months = whole("--months", &args.months, 1..=600)? as u32;
            let loaded = args.inputs.load(Some(start))?;
            forecast_chart(
                &forecast(&loaded.scenario, loaded.catalog, start, growth, months),
                format,
                width,
                height,
            )
        }
    }
    .map_err(Failure::infeasible)?;
    write_atomically(&args.out, &bytes).map_err(|e| {
        Failure::input(format!("--out: cannot write '{}': {e}", args.out.display()))
    })?;
    let mut text =
        format!("wrote {} ({} bytes, {width}×{height})\n", args.out.display(), bytes.len());
    for note in notes {
        text.push_str(&format!("note: {note}\n"));
    }
    Ok(Output::ok(text))
}

//! Argument definitions, dispatch and the mapping of outcomes to exit codes:
//! 0 success, 1 a check failed or no feasible answer, 2 bad input or usage.

mod batch_input;
mod calibrate;
mod check;
mod compare;
mod curves;
mod docs;
mod import;
mod init;
mod output;
mod progress;
mod queue;
mod rate;
mod recommend;
mod report;
mod tiers;
mod tiers_import;
mod uncertainty;

use crate::render;
use capplan::support::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "capplan",
    version,
    about = "Capacity planning and cost modelling with queueing theory",
    long_about = "capplan sizes every component of an application with queueing theory \
                  (Erlang C, M/G/c) against latency and utilization targets, prices it \
                  from sourced tier catalogs, and recommends the cheapest mix.",
    after_help = "Exit codes: 0 success, 1 a check failed or no feasible answer, 2 bad input or usage."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Keep tables at full width instead of fitting them to the terminal
    /// (the width is `COLUMNS`, else the terminal's; piped, full width).
    #[arg(long, global = true)]
    wide: bool,
    /// With `--format csv`: print this table instead of the command's main
    /// one (e.g. `summary`, `components.charges`), or `all` for every table
    /// with a `section` column.
    #[arg(long, global = true, value_name = "NAME")]
    table: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    Recommend(recommend::RecommendArgs),
    Queue(queue::QueueArgs),
    Sweep(curves::SweepArgs),
    Forecast(curves::ForecastArgs),
    Chart(curves::ChartArgs),
    Check(check::CheckArgs),
    Diff(check::DiffArgs),
    Compare(compare::CompareArgs),
    Stages(check::StagesArgs),
    Tiers(tiers::TiersArgs),
    Calibrate(calibrate::CalibrateArgs),
    Report(report::ReportArgs),
    Init(init::InitArgs),
    Import(import::ImportArgs),
    Completions(docs::CompletionsArgs),
    Man(docs::ManArgs),
}

/// An error that ends the command with a given exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

/// The one place a kind of failure becomes an exit code: 1 when the input
/// was read and no answer or check held, 2 when the input itself is wrong.
fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Infeasible | ErrorKind::CheckFailed => 1,
        ErrorKind::Input | ErrorKind::Io => 2,
    }
}

impl Failure {
    fn of(kind: ErrorKind, message: impl Into<String>) -> Self {
        Failure { code: exit_code(kind), message: message.into() }
    }

    /// Bad input or usage: exit 2.
    pub fn input(message: impl Into<String>) -> Self {
        Failure::of(ErrorKind::Input, message)
    }

    /// Valid input with no feasible answer, or a failed check: exit 1.
    pub fn infeasible(message: impl Into<String>) -> Self {
        Failure::of(ErrorKind::Infeasible, message)
    }
}

impl From<capplan::support::error::Error> for Failure {
    fn from(e: capplan::support::error::Error) -> Self {
        Failure::of(e.kind, e.message)
    }
}

/// Located problems in a catalog, scenario or measurement file.
impl From<capplan::input::problem::Problems> for Failure {
    fn from(e: capplan::input::problem::Problems) -> Self {
        Failure::of(ErrorKind::Input, e.to_string())
    }
}

/// No tier or mix serves the load.
impl From<capplan::planner::Infeasible> for Failure {
    fn from(e: capplan::planner::Infeasible) -> Self {
        Failure::of(ErrorKind::Infeasible, e.to_string())
    }
}

/// What a command produced: text to print and the exit code to end with.
pub struct Output {
    pub text: String,
    pub code: u8,
}

impl Output {
    pub fn ok(text: String) -> Self {
        Output { text, code: 0 }
    }
}

/// The command line, with negative numbers taken as values everywhere
/// (`--points -1` reaches the validation that says what is wrong with it
/// instead of failing as an unknown flag).
fn parse() -> Result<Cli, clap::Error> {
    fn negatives(command: clap::Command) -> clap::Command {
        command.allow_negative_numbers(true).mut_subcommands(negatives)
    }
    let matches = negatives(Cli::command()).try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

pub fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    progress::install();
    render::configure(render::Options {
        layout: render::Layout::detect(cli.wide),
        csv_table: cli.table.clone(),
    });
    let result = match cli.command {
        Command::Recommend(args) => recommend::run(args),
        Command::Queue(args) => queue::run(args),
        Command::Sweep(args) => curves::run_sweep(args),
        Command::Forecast(args) => curves::run_forecast(args),
        Command::Chart(args) => curves::run_chart(args),
        Command::Check(args) => check::run_check(args),
        Command::Diff(args) => check::run_diff(args),
        Command::Compare(args) => compare::run_compare(args),
        Command::Stages(args) => check::run_stages(args),
        Command::Tiers(args) => tiers::run(args),
        Command::Calibrate(args) => calibrate::run(args),
        Command::Report(args) => report::run(args),
        Command::Init(args) => init::run(args),
        Command::Import(args) => import::run(args),
        Command::Completions(args) => docs::completions(args),
        Command::Man(args) => docs::man(args),
    };
    match result {
        Ok(output) => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(output.text.as_bytes()).and_then(|_| stdout.flush()) {
                Ok(()) => ExitCode::from(output.code),
                // A closed pipe (`capplan … | head`) is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(output.code),
                // A full or failing device: the output is lost, say so.
                Err(e) => {
                    stderr_line(&format!("error: writing the output failed: {e}"));
                    ExitCode::from(2)
                }
            }
        }
        Err(failure) => {
            stderr_line(&format!("error: {}", capplan::input::problem::concise(&failure.message)));
            ExitCode::from(failure.code)
        }
    }
}

/// One line to stderr, best effort: a full or closed stderr must not turn
/// a clean exit into a panic (`eprintln!` panics when the write fails).
pub fn stderr_line(line: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
}

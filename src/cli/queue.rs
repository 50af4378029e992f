//! `capplan queue`: the Erlang calculator.

use super::{Failure, Output};
use crate::render::{self, Format, views};
use capplan::queue_report::{QueueFailure, QueueTask, solve, solve_batch_line};
use capplan::queueing::{MAX_SERVERS, Slo, Station};
use capplan::schema::{BatchError, versioned};
use capplan::units::{parse_duration, parse_rate};
use clap::Args;
use std::io::{BufRead, BufReader, Read, Write};

#[derive(Debug, Args)]
#[command(
    about = "Evaluate or size an M/M/c or M/G/c queue (Erlang C)",
    after_help = "Examples:
  capplan queue --arrival-rate 120/s --service-time 50ms --servers 8
  capplan queue --arrival-rate 7200/min --service-time 50ms --slo \"p95 response <= 200ms\"
  capplan queue --arrival-rate 40 --service-time 2s --cv 0.5 --slo \"p99 wait <= 1s\" --slo \"utilization <= 0.7\" --format json
  capplan queue --batch problems.jsonl     # one JSON object per line, see README

SLOs: 'pNN response <= DUR', 'pNN wait <= DUR' (NN from 1 to 99.9), 'mean response <= DUR',
'mean wait <= DUR', 'utilization <= X' (0 < X < 1, or a percentage)."
)]
pub struct QueueArgs {
    /// Arrivals: 120/s, 7200/min, 432000/h; a plain number is per second
    #[arg(
        long,
        value_name = "RATE",
        required_unless_present = "batch",
        allow_hyphen_values = true
    )]
    arrival_rate: Option<String>,
    /// Mean service time: 50ms, 0.05s, 3s, 2min; a plain number is seconds
    #[arg(
        long,
        value_name = "DUR",
        required_unless_present = "batch",
        allow_hyphen_values = true
    )]
    service_time: Option<String>,
    /// Coefficient of variation of the service time (0 constant, 1 exponential)
    #[arg(
        long,
        value_name = "X",
        default_value = "1",
        allow_hyphen_values = true
    )]
    cv: String,
    /// Evaluate this many servers
    #[arg(long, value_name = "C", conflicts_with_all = ["slo", "batch"], allow_hyphen_values = true)]
    servers: Option<String>,
    /// Size: the smallest server count meeting every SLO (repeatable)
    #[arg(long, value_name = "EXPR", conflicts_with = "batch")]
    slo: Vec<String>,
    /// JSON Lines problems from FILE, or - for standard input
    #[arg(long, value_name = "FILE", conflicts_with_all = ["arrival_rate", "service_time"])]
    batch: Option<String>,
    /// Output format (batch mode always writes JSON Lines)
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(args: QueueArgs) -> Result<Output, Failure> {
    if let Some(path) = &args.batch {
        return batch(path);
    }
    let rate_text = args.arrival_rate.as_deref().unwrap_or_default();
    let arrival_rate =
        parse_rate(rate_text).map_err(|e| Failure::input(format!("--arrival-rate: {e}")))?;
    let service_text = args.service_time.as_deref().unwrap_or_default();
    let service_time =
        parse_duration(service_text).map_err(|e| Failure::input(format!("--service-time: {e}")))?;
    let cv = args
        .cv
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|cv| cv.is_finite() && (0.0..=10.0).contains(cv))
        .ok_or_else(|| {
            Failure::input(format!(
                "--cv: expected a coefficient of variation from 0 to 10 (0 constant, 1 exponential), got '{}'",
                args.cv
            ))
        })?;
    let station =
        Station::new(arrival_rate, service_time, cv).map_err(|e| Failure::input(e.to_string()))?;
    let task = match (&args.servers, args.slo.is_empty()) {
        (Some(text), _) => QueueTask::Evaluate {
            servers: text
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|c| (1..=MAX_SERVERS).contains(c))
                .ok_or_else(|| {
                    Failure::input(format!(
                        "--servers: expected a whole number from 1 to {MAX_SERVERS}, got '{text}'"
                    ))
                })?,
        },
        (None, false) => QueueTask::Size {
            slos: args
                .slo
                .iter()
                .map(|s| Slo::parse(s).map_err(|e| Failure::input(format!("--slo: {e}"))))
                .collect::<Result<_, _>>()?,
        },
        (None, true) => {
            return Err(Failure::input(
                "give --servers C to evaluate, or one or more --slo EXPR to size (e.g. --slo \"p95 response <= 200ms\")",
            ));
        }
    };
    let report = solve(&station, &task).map_err(|e| match e {
        QueueFailure::Input(m) => Failure::input(m),
        QueueFailure::Infeasible(m) => Failure::infeasible(m),
    })?;
    Ok(Output::ok(
        render::render(args.format, &report, || views::queue(&report)).map_err(Failure::input)?,
    ))
}

/// JSON Lines in, JSON Lines out, in order; a bad line is answered with
/// `{"line": N, "error": "..."}` and makes the exit code 1.
fn batch(path: &str) -> Result<Output, Failure> {
    let reader: Box<dyn Read> = if path == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(path)
                .map_err(|e| Failure::input(format!("--batch: cannot open '{path}': {e}")))?,
        )
    };
    // Answers are streamed: memory stays bounded whatever the line count.
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = false;
    for (index, line) in BufReader::new(reader).lines().enumerate() {
        let number = index + 1;
        let line =
            line.map_err(|e| Failure::input(format!("--batch: {path}: line {number}: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let written = match solve_batch_line(&line) {
            Ok(report) => serde_json::to_writer(&mut out, &versioned(&report)),
            Err(error) => {
                failed = true;
                serde_json::to_writer(
                    &mut out,
                    &versioned(BatchError {
                        line: number,
                        error,
                    }),
                )
            }
        }
        .map_err(std::io::Error::from)
        .and_then(|_| out.write_all(b"\n"));
        if let Err(e) = written {
            return batch_end(e, failed);
        }
    }
    match out.flush() {
        Err(e) => batch_end(e, failed),
        Ok(()) => Ok(Output {
            text: String::new(),
            code: u8::from(failed),
        }),
    }
}

/// A batch whose output could not be written: a closed pipe ends it
/// quietly, as for every command; any other failure is an error.
fn batch_end(error: std::io::Error, failed: bool) -> Result<Output, Failure> {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        return Ok(Output {
            text: String::new(),
            code: u8::from(failed),
        });
    }
    Err(Failure::input(format!(
        "writing the output failed: {error}"
    )))
}

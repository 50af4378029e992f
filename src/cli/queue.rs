//! `capplan queue`: the Erlang calculator.

use super::batch_input::{Input, MAX_BATCH_LINE, next_line};
use super::{Failure, Output};
use crate::render::{self, Format, views};
use capplan::input::units::{parse_duration, parse_rate};
use capplan::queueing::{MAX_SERVERS, Slo, Station};
use capplan::report::queue::{QueueFailure, QueueTask, solve, solve_batch_line};
use capplan::report::schema::{BatchError, versioned};
use clap::Args;
use std::io::{BufReader, Write};

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
    #[arg(long, value_name = "DUR", required_unless_present = "batch", allow_hyphen_values = true)]
    service_time: Option<String>,
    /// Coefficient of variation of the service time (0 constant, 1 exponential)
    #[arg(long, value_name = "X", default_value = "1", allow_hyphen_values = true)]
    cv: String,
    /// Evaluate this many servers
    #[arg(long, value_name = "C", conflicts_with_all = ["slo", "batch"], allow_hyphen_values = true)]
    servers: Option<String>,
    /// Size: the smallest server count meeting every SLO (repeatable)
    #[arg(long, value_name = "EXPR", conflicts_with = "batch")]
    slo: Vec<String>,
    /// JSON Lines problems from FILE, or - for standard input
    #[arg(long, value_name = "FILE", conflicts_with_all = ["arrival_rate", "service_time"])]
    batch: Option<std::path::PathBuf>,
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

/// JSON Lines in, JSON Lines out, in order: every non-blank line gets one
/// answer, and a bad line (not UTF-8, not JSON, bad values, too long) is
/// answered with `{"line": N, "error": "..."}`, the batch goes on, and the
/// exit code is 1. Input is read from a regular file, a named pipe or `-`
/// (stdin); a device such as /dev/zero is refused.
fn batch(file: &std::path::Path) -> Result<Output, Failure> {
    // Any path the OS accepts (not only UTF-8); messages show it lossily.
    let shown = file.display().to_string();
    let path = shown.as_str();
    let reader = if path == "-" {
        Input::Other(Box::new(std::io::stdin()))
    } else {
        let meta = std::fs::metadata(file)
            .map_err(|e| Failure::input(format!("--batch: cannot open '{path}': {e}")))?;
        #[cfg(unix)]
        let is_fifo = std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type());
        #[cfg(not(unix))]
        let is_fifo = false;
        if !meta.is_file() && !is_fifo {
            return Err(Failure::input(format!(
                "--batch: '{path}': expected a file of JSON lines, a named pipe or - (stdin), found {}",
                if meta.is_dir() { "a folder" } else { "a device" }
            )));
        }
        Input::File(
            std::fs::File::open(file)
                .map_err(|e| Failure::input(format!("--batch: cannot open '{path}': {e}")))?,
        )
    };
    // Answers are streamed: memory stays bounded whatever the line count,
    // and they are flushed whenever the input would block, so an
    // interactive or stopped producer has every answer so far.
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut input = BufReader::with_capacity(1 << 20, reader);
    let mut failed = false;
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        if input.buffer().is_empty()
            && let Err(e) = out.flush()
        {
            return batch_end(e, failed);
        }
        let too_long = match next_line(&mut input, &mut line) {
            Ok(Some(too_long)) => too_long,
            Ok(None) => break,
            Err(e) => {
                return Err(Failure::input(format!("--batch: {path}: line {}: {e}", number + 1)));
            }
        };
        number += 1;
        let answer = if too_long {
            Err(format!(
                "the line is longer than {} MB: expected one JSON problem per line",
                MAX_BATCH_LINE >> 20
            ))
        } else {
            match std::str::from_utf8(&line) {
                Err(e) => Err(format!(
                    "the line is not UTF-8 text (invalid byte at column {})",
                    e.valid_up_to() + 1
                )),
                Ok(text) if text.trim().is_empty() => continue,
                Ok(text) => solve_batch_line(text).map_err(|e| e.to_string()),
            }
        };
        let written = match answer {
            Ok(report) => serde_json::to_writer(&mut out, &versioned(&report)),
            Err(error) => {
                failed = true;
                serde_json::to_writer(&mut out, &versioned(BatchError { line: number, error }))
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
        Ok(()) => Ok(Output { text: String::new(), code: u8::from(failed) }),
    }
}

/// A batch whose output could not be written: a closed pipe ends it
/// quietly, as for every command; any other failure is an error.
fn batch_end(error: std::io::Error, failed: bool) -> Result<Output, Failure> {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        return Ok(Output { text: String::new(), code: u8::from(failed) });
    }
    Err(Failure::input(format!("writing the output failed: {error}")))
}

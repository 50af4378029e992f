//! Reading measurement files into rows, the format told by content (or
//! forced): CSV files by their header, JSON files by their keys.

pub mod cloudwatch;
mod csv;
mod json;
mod prometheus;

use super::{CalibrateError, Metric, Source};
use serde::Serialize;
use std::io::{BufRead, Read as _};

/// Every format calibrate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InputFormat {
    /// capplan's plain CSV (documented columns, any subset).
    Csv,
    /// Locust `--csv PREFIX`: `PREFIX_stats.csv`.
    LocustStats,
    /// Locust `--csv PREFIX --csv-full-history`: `PREFIX_stats_history.csv`.
    LocustHistory,
    /// Locust `--json`.
    LocustJson,
    /// k6 `--summary-export` or a `handleSummary` JSON.
    K6,
    /// Gatling `js/stats.json`.
    Gatling,
    /// A Prometheus HTTP API `query` or `query_range` result.
    Prometheus,
    /// AWS CloudWatch `get-metric-data` output.
    Cloudwatch,
    /// The `--metric-data-queries` file that names each CloudWatch id.
    CloudwatchQueries,
}

impl InputFormat {
    pub const ALL: [InputFormat; 9] = [
        InputFormat::Csv,
        InputFormat::LocustStats,
        InputFormat::LocustHistory,
        InputFormat::LocustJson,
        InputFormat::K6,
        InputFormat::Gatling,
        InputFormat::Prometheus,
        InputFormat::Cloudwatch,
        InputFormat::CloudwatchQueries,
    ];

    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Csv => "csv",
            InputFormat::LocustStats => "locust-stats",
            InputFormat::LocustHistory => "locust-history",
            InputFormat::LocustJson => "locust-json",
            InputFormat::K6 => "k6",
            InputFormat::Gatling => "gatling",
            InputFormat::Prometheus => "prometheus",
            InputFormat::Cloudwatch => "cloudwatch",
            InputFormat::CloudwatchQueries => "cloudwatch-queries",
        }
    }

    pub fn from_name(name: &str) -> Option<InputFormat> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// What one file gave.
pub enum Read {
    Source(Source),
    CloudWatchQueries(cloudwatch::Queries),
    CloudWatchOutput(cloudwatch::Output),
}

/// Largest measurement file read: far above a day of per-second samples.
pub const MAX_MEASUREMENT_BYTES: u64 = 1 << 30;

/// Reads one file. `metric` says what a single-series file (a Prometheus
/// result without a metric name) measures; `format` forces the format.
pub fn read_file(
    index: usize,
    file: &std::path::Path,
    metric: Option<Metric>,
    format: Option<InputFormat>,
) -> Result<Read, CalibrateError> {
    // Any path the OS accepts (not only UTF-8); messages show it lossily.
    let shown = file.display().to_string();
    let path = shown.as_str();
    let fail = |m: String| CalibrateError::at(path, "", m);
    let meta = std::fs::metadata(file).map_err(|e| fail(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(fail("expected a regular file".into()));
    }
    if meta.len() > MAX_MEASUREMENT_BYTES {
        return Err(fail(format!(
            "the file is {:.0} MB; measurement files are limited to {} MB",
            meta.len() as f64 / 1048576.0,
            MAX_MEASUREMENT_BYTES >> 20
        )));
    }
    let file = std::fs::File::open(file).map_err(|e| fail(format!("cannot read: {e}")))?;
    let label = format!("reading {path}");
    let mut reader = crate::support::progress::CountingReader::new(
        std::io::BufReader::with_capacity(1 << 16, file),
        &label,
        meta.len(),
    );
    let head = reader.fill_buf().map_err(|e| fail(format!("cannot read: {e}")))?;
    let head = String::from_utf8_lossy(&head[..head.len().min(4096)]).into_owned();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let format = match format {
        Some(f) => f,
        None => detect(head).ok_or_else(|| {
            fail(
                "unknown format: expected a k6 summary, Locust CSV or JSON, Gatling stats.json, \
                 Prometheus query result, CloudWatch get-metric-data output or query file, or \
                 capplan's plain CSV (see docs/calibrate.md); --input-format forces one"
                    .into(),
            )
        })?,
    };
    let source =
        |rows, samples| Read::Source(Source { name: path.to_string(), format, rows, samples });
    match format {
        InputFormat::Csv => {
            let (rows, n) = csv::plain(index, path, reader)?;
            Ok(source(rows, n))
        }
        InputFormat::LocustHistory => {
            let (rows, n) = csv::locust_history(index, path, reader)?;
            Ok(source(rows, n))
        }
        InputFormat::LocustStats => {
            let (rows, n) = csv::locust_stats(index, path, reader)?;
            Ok(source(rows, n))
        }
        _ => {
            let mut text = String::new();
            reader
                .read_to_string(&mut text)
                .map_err(|e| fail(format!("cannot read as UTF-8 text: {e}")))?;
            let text = text.trim_start_matches('\u{feff}');
            match format {
                InputFormat::Prometheus => {
                    let (rows, n) = prometheus::read(index, path, text, metric)?;
                    Ok(source(rows, n))
                }
                InputFormat::Cloudwatch => {
                    Ok(Read::CloudWatchOutput(cloudwatch::Output::parse(index, path, text)?))
                }
                InputFormat::CloudwatchQueries => {
                    Ok(Read::CloudWatchQueries(cloudwatch::Queries::parse(path, text)?))
                }
                _ => {
                    let value = json::parse(path, text)?;
                    let rows = match format {
                        InputFormat::K6 => json::k6(index, path, &value)?,
                        InputFormat::Gatling => json::gatling(index, path, &value)?,
                        _ => json::locust(index, path, &value)?,
                    };
                    let n = rows.len();
                    Ok(source(rows, n))
                }
            }
        }
    }
}

/// The format of a file from its first few kilobytes.
fn detect(head: &str) -> Option<InputFormat> {
    if head.starts_with('{') || head.starts_with('[') {
        let has = |key: &str| head.contains(&format!("\"{key}\""));
        return if has("resultType") {
            Some(InputFormat::Prometheus)
        } else if has("MetricDataResults") {
            Some(InputFormat::Cloudwatch)
        } else if has("MetricStat") || (has("Id") && has("Expression")) {
            Some(InputFormat::CloudwatchQueries)
        } else if has("numberOfRequests") {
            Some(InputFormat::Gatling)
        } else if has("num_requests") && has("response_times") {
            Some(InputFormat::LocustJson)
        } else if has("metrics") && (has("http_reqs") || has("http_req_duration")) {
            Some(InputFormat::K6)
        } else {
            None
        };
    }
    let header = head.lines().next()?.trim();
    if header.starts_with("Timestamp,User Count,Type,Name") {
        Some(InputFormat::LocustHistory)
    } else if header.starts_with("Type,Name,Request Count") {
        Some(InputFormat::LocustStats)
    } else if header
        .split(',')
        .all(|c| c.trim() == "timestamp" || Metric::from_name(c.trim()).is_some())
    {
        Some(InputFormat::Csv)
    } else {
        None
    }
}

/// A finite number from text, or a message saying what was found.
pub(crate) fn number(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(v) => Err(format!("expected a finite number, found {v}")),
        Err(_) => Err(format!("expected a number, found '{}'", text.trim())),
    }
}

/// Unix seconds from a number or an RFC 3339 time (`2026-11-21T10:00:00Z`,
/// `+00:00` offsets, fractional seconds).
pub(crate) fn timestamp(text: &str) -> Result<f64, String> {
    let text = text.trim();
    if let Ok(v) = text.parse::<f64>() {
        return if v.is_finite() {
            Ok(v)
        } else {
            Err(format!("expected a finite timestamp, found {text}"))
        };
    }
    rfc3339(text).ok_or_else(|| {
        format!(
            "expected unix seconds or an RFC 3339 time like 2026-11-21T10:00:00Z, found '{text}'"
        )
    })
}

fn rfc3339(text: &str) -> Option<f64> {
    let (date, time) = text.split_once(['T', ' '])?;
    let days = crate::catalog::parse_civil_date(date)?;
    let (clock, offset_s) = if let Some(clock) = time.strip_suffix('Z') {
        (clock, 0.0)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let (clock, offset) = time.split_at(i);
        let sign = if offset.starts_with('-') { -1.0 } else { 1.0 };
        let (h, m) = offset[1..].split_once(':').unwrap_or((&offset[1..], "0"));
        let (h, m): (f64, f64) = (h.parse().ok()?, m.parse().ok()?);
        (clock, sign * (h * 3600.0 + m * 60.0))
    } else {
        (time, 0.0)
    };
    let mut parts = clock.split(':');
    let h: f64 = parts.next()?.parse().ok()?;
    let m: f64 = parts.next()?.parse().ok()?;
    let s: f64 = parts.next().map_or(Some(0.0), |s| s.parse().ok())?;
    if !(0.0..24.0).contains(&h) || !(0.0..60.0).contains(&m) || !(0.0..61.0).contains(&s) {
        return None;
    }
    Some(days as f64 * 86400.0 + h * 3600.0 + m * 60.0 + s - offset_s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(timestamp("1795331939.5"), Ok(1795331939.5));
        assert_eq!(timestamp("1970-01-02T00:00:00Z"), Ok(86400.0));
        assert_eq!(timestamp("1970-01-02T01:00:00+01:00"), Ok(86400.0));
        assert_eq!(timestamp("2026-11-21T10:00:30.250Z"), Ok(1795255230.25));
        assert!(timestamp("2026-13-01T00:00:00Z").is_err());
        assert!(timestamp("NaN").is_err());
    }

    #[test]
    fn detection() {
        assert_eq!(detect("timestamp,requests_per_s,cpu_percent\n"), Some(InputFormat::Csv));
        assert_eq!(
            detect("Timestamp,User Count,Type,Name,Requests/s"),
            Some(InputFormat::LocustHistory)
        );
        assert_eq!(
            detect("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\""),
            Some(InputFormat::Prometheus)
        );
        assert_eq!(detect("a,b\n"), None);
    }
}

//! AWS CloudWatch `get-metric-data` output, read with the query file that
//! names each id (`--metric-data-queries file://queries.json`): the query
//! says which metric and statistic an id holds.

use super::timestamp;
use crate::calibrate::{CalibrateError, InputFormat, Metric, Row, Source};
use serde_json::Value;
use std::collections::BTreeMap;

/// One query: its id, what capplan reads it as, and the scale to apply.
#[derive(Debug, Clone)]
pub struct Query {
    id: String,
    metric: Metric,
    /// Multiplies each value: 1000 for seconds → ms, 1/period for a Sum
    /// of requests → requests per second.
    scale: f64,
}

pub struct Queries {
    list: Vec<Query>,
}

pub struct Output {
    file: usize,
    name: String,
    /// (id, result index, timestamps, values)
    results: Vec<(String, usize, Vec<f64>, Vec<f64>)>,
}

/// CloudWatch metric names capplan reads, what they become, and the unit
/// of their values.
const KNOWN: &[(&str, &str)] = &[
    ("CPUUtilization", "cpu_percent"),
    ("RequestCount", "requests_per_s (Sum)"),
    ("Invocations", "requests_per_s (Sum)"),
    ("TargetResponseTime", "latency, seconds"),
    ("Latency", "latency, seconds"),
    ("Duration", "latency, ms"),
    ("HealthyHostCount", "instances"),
    ("RunningTaskCount", "instances"),
    ("ConcurrentExecutions", "concurrency"),
];

impl Queries {
    pub fn parse(path: &str, text: &str) -> Result<Queries, CalibrateError> {
        let root = super::json::parse(path, text)?;
        let list = root.get("MetricDataQueries").unwrap_or(&root);
        let items = list
            .as_array()
            .ok_or_else(|| CalibrateError::at(path, "$", "expected a list of MetricDataQueries"))?;
        let mut queries = Vec::new();
        for (i, q) in items.iter().enumerate() {
            let at = |key: &str| format!("[{i}]{key}");
            let id = q.get("Id").and_then(Value::as_str).ok_or_else(|| {
                CalibrateError::at(path, &at(".Id"), "missing: expected the query id")
            })?;
            if q.get("ReturnData").and_then(Value::as_bool) == Some(false) {
                continue;
            }
            let stat = q.get("MetricStat").ok_or_else(|| {
                CalibrateError::at(
                    path,
                    &at(".MetricStat"),
                    "missing: metric math (Expression) results are not read; query the metric itself",
                )
            })?;
            let name =
                stat.pointer("/Metric/MetricName").and_then(Value::as_str).ok_or_else(|| {
                    CalibrateError::at(path, &at(".MetricStat.Metric.MetricName"), "missing")
                })?;
            let statistic = stat.get("Stat").and_then(Value::as_str).unwrap_or("Average");
            let period =
                stat.get("Period").and_then(Value::as_f64).filter(|p| *p > 0.0).ok_or_else(
                    || {
                        CalibrateError::at(
                            path,
                            &at(".MetricStat.Period"),
                            "missing: expected the period in seconds",
                        )
                    },
                )?;
            let latency = |unit_to_ms: f64| -> Result<(Metric, f64), CalibrateError> {
                let metric = match statistic {
                    "Average" => Metric::MeanMs,
                    "p50" => Metric::P50Ms,
                    "p95" => Metric::P95Ms,
                    "p99" => Metric::P99Ms,
                    other => {
                        return Err(CalibrateError::at(
                            path,
                            &at(".MetricStat.Stat"),
                            format!("expected Average, p50, p95 or p99 for {name}, found {other}"),
                        ));
                    }
                };
                Ok((metric, unit_to_ms))
            };
            let (metric, scale) = match name {
                "CPUUtilization" => (Metric::CpuPercent, 1.0),
                "RequestCount" | "Invocations" => {
                    if statistic != "Sum" {
                        return Err(CalibrateError::at(
                            path,
                            &at(".MetricStat.Stat"),
                            format!(
                                "expected Sum for {name} (requests per period), found {statistic}"
                            ),
                        ));
                    }
                    (Metric::RequestsPerS, 1.0 / period)
                }
                "TargetResponseTime" | "Latency" => latency(1000.0)?,
                "Duration" => latency(1.0)?,
                "HealthyHostCount" | "RunningTaskCount" => (Metric::Instances, 1.0),
                "ConcurrentExecutions" => (Metric::Concurrency, 1.0),
                other => {
                    return Err(CalibrateError::at(
                        path,
                        &at(".MetricStat.Metric.MetricName"),
                        format!(
                            "capplan does not read {other}; it reads {}",
                            KNOWN
                                .iter()
                                .map(|(n, w)| format!("{n} ({w})"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            };
            queries.push(Query { id: id.to_string(), metric, scale });
        }
        Ok(Queries { list: queries })
    }
}

impl Output {
    pub fn parse(file: usize, path: &str, text: &str) -> Result<Output, CalibrateError> {
        let root = super::json::parse(path, text)?;
        let results = root.get("MetricDataResults").and_then(Value::as_array).ok_or_else(|| {
            CalibrateError::at(
                path,
                "MetricDataResults",
                "missing: expected get-metric-data output",
            )
        })?;
        let mut out = Vec::new();
        for (i, r) in results.iter().enumerate() {
            let at = |key: &str| format!("MetricDataResults[{i}].{key}");
            let id = r
                .get("Id")
                .and_then(Value::as_str)
                .ok_or_else(|| CalibrateError::at(path, &at("Id"), "missing"))?;
            let list = |key: &str| {
                r.get(key)
                    .and_then(Value::as_array)
                    .ok_or_else(|| CalibrateError::at(path, &at(key), "missing: expected a list"))
            };
            let times = list("Timestamps")?
                .iter()
                .enumerate()
                .map(|(j, t)| {
                    t.as_str()
                        .map(timestamp)
                        .unwrap_or_else(|| Err("expected a time".into()))
                        .map_err(|e| CalibrateError::at(path, &at(&format!("Timestamps[{j}]")), e))
                })
                .collect::<Result<Vec<f64>, _>>()?;
            let values = list("Values")?
                .iter()
                .enumerate()
                .map(|(j, v)| {
                    v.as_f64().filter(|v| v.is_finite()).ok_or_else(|| {
                        CalibrateError::at(
                            path,
                            &at(&format!("Values[{j}]")),
                            "expected a finite number",
                        )
                    })
                })
                .collect::<Result<Vec<f64>, _>>()?;
            if times.len() != values.len() {
                return Err(CalibrateError::at(
                    path,
                    &at("Values"),
                    format!("{} values for {} timestamps", values.len(), times.len()),
                ));
            }
            out.push((id.to_string(), i, times, values));
        }
        Ok(Output { file, name: path.to_string(), results: out })
    }
}

/// Turns each output into a source, naming each id by its query.
pub fn resolve(outputs: Vec<Output>, queries: &[Queries]) -> Result<Vec<Source>, CalibrateError> {
    let mut sources = Vec::new();
    for output in outputs {
        let mut rows: BTreeMap<i64, Row> = BTreeMap::new();
        let mut samples = 0;
        for (id, i, times, values) in &output.results {
            let query = queries.iter().flat_map(|q| &q.list).find(|q| &q.id == id).ok_or_else(|| {
                CalibrateError::at(
                    &output.name,
                    &format!("MetricDataResults[{i}].Id"),
                    format!(
                        "no query names id '{id}': give the --metric-data-queries file beside the output (capplan calibrate out.json queries.json)"
                    ),
                )
            })?;
            samples += values.len();
            // CloudWatch lists newest first by default: order by time.
            for (t, v) in times.iter().zip(values) {
                let row = rows.entry((t * 1000.0).round() as i64).or_insert_with(|| {
                    let mut row = Row::new(output.file);
                    row.t = Some(*t);
                    row
                });
                row.set(query.metric, v * query.scale);
            }
        }
        sources.push(Source {
            name: output.name,
            format: InputFormat::Cloudwatch,
            rows: rows.into_values().collect(),
            samples,
        });
    }
    Ok(sources)
}

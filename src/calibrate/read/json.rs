//! Load-test summaries in JSON: k6 (`--summary-export` and `handleSummary`),
//! Gatling (`js/stats.json`) and Locust (`--json`). Each is one row: the
//! whole run's throughput and latency.

use crate::calibrate::{CalibrateError, Metric, Row};
use serde_json::Value;

pub fn parse(path: &str, text: &str) -> Result<Value, CalibrateError> {
    serde_json::from_str(text).map_err(|e| {
        CalibrateError::at(
            path,
            &e.line().to_string(),
            format!("not valid JSON (column {}): {e}", e.column()),
        )
    })
}

/// A number at `value`, also when written as text (Gatling writes "-"
/// for none).
fn num(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|v: &f64| v.is_finite())
}

/// k6: `metrics.http_req_duration` (avg, med, p(95), p(99)) and
/// `metrics.http_reqs` (rate), flat (`--summary-export`) or under
/// `values` (`handleSummary`).
pub fn k6(file: usize, path: &str, root: &Value) -> Result<Vec<Row>, CalibrateError> {
    let metrics = root.get("metrics").filter(|m| m.is_object()).ok_or_else(|| {
        CalibrateError::at(path, "metrics", "missing: expected k6's metrics object")
    })?;
    let values = |name: &str| {
        let metric = metrics.get(name)?;
        Some(metric.get("values").unwrap_or(metric).clone())
    };
    let duration = values("http_req_duration").ok_or_else(|| {
        CalibrateError::at(
            path,
            "metrics.http_req_duration",
            "missing: the summary has no HTTP request durations",
        )
    })?;
    let reqs = values("http_reqs");
    let vus = values("vus_max").or_else(|| values("vus"));
    let mut row = Row::new(file);
    row = row
        .with(Metric::MeanMs, num(duration.get("avg")))
        .with(Metric::P50Ms, num(duration.get("med")))
        .with(Metric::P95Ms, num(duration.get("p(95)")))
        .with(Metric::P99Ms, num(duration.get("p(99)")))
        .with(Metric::RequestsPerS, reqs.as_ref().and_then(|r| num(r.get("rate"))))
        .with(
            Metric::Concurrency,
            vus.as_ref().and_then(|v| num(v.get("max")).or_else(|| num(v.get("value")))),
        );
    if row.get(Metric::MeanMs).is_none() && row.get(Metric::P50Ms).is_none() {
        return Err(CalibrateError::at(
            path,
            "metrics.http_req_duration",
            "expected avg or med (milliseconds)",
        ));
    }
    Ok(vec![row])
}

/// Gatling `js/stats.json`: the "All Requests" group's `stats`.
pub fn gatling(file: usize, path: &str, root: &Value) -> Result<Vec<Row>, CalibrateError> {
    let stats = root.get("stats").ok_or_else(|| {
        CalibrateError::at(path, "stats", "missing: expected Gatling's stats object")
    })?;
    let total = |key: &str| num(stats.get(key).and_then(|v| v.get("total")));
    let mean = total("meanResponseTime").ok_or_else(|| {
        CalibrateError::at(
            path,
            "stats.meanResponseTime.total",
            "missing: expected the mean response time in ms",
        )
    })?;
    // Gatling's default percentiles: 1 = 50th, 2 = 75th, 3 = 95th, 4 = 99th.
    let row = Row::new(file)
        .with(Metric::MeanMs, Some(mean))
        .with(Metric::P50Ms, total("percentiles1"))
        .with(Metric::P95Ms, total("percentiles3"))
        .with(Metric::P99Ms, total("percentiles4"))
        .with(Metric::RequestsPerS, total("meanNumberOfRequestsPerSecond"));
    Ok(vec![row])
}

/// Locust `--json`: one object per endpoint with its request count, total
/// response time, start and last request times and a histogram of
/// response times (ms, rounded); merged over endpoints.
pub fn locust(file: usize, path: &str, root: &Value) -> Result<Vec<Row>, CalibrateError> {
    let entries = root.as_array().ok_or_else(|| {
        CalibrateError::at(path, "$", "expected a list of Locust request statistics")
    })?;
    let (mut count, mut total_ms) = (0.0, 0.0);
    let (mut start, mut end) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut histogram: Vec<(f64, f64)> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let field = |key: &str| {
            num(entry.get(key)).ok_or_else(|| {
                CalibrateError::at(path, &format!("[{i}].{key}"), "missing: expected a number")
            })
        };
        count += field("num_requests")?;
        total_ms += field("total_response_time")?;
        start = start.min(field("start_time")?);
        end = end.max(field("last_request_timestamp")?);
        if let Some(times) = entry.get("response_times").and_then(Value::as_object) {
            for (ms, n) in times {
                if let (Ok(ms), Some(n)) = (ms.parse::<f64>(), num(Some(n))) {
                    histogram.push((ms, n));
                }
            }
        }
    }
    if count <= 0.0 {
        return Err(CalibrateError::at(path, "[0].num_requests", "no requests in the run"));
    }
    histogram.sort_by(|a, b| a.0.total_cmp(&b.0));
    let quantile = |q: f64| {
        let target = q * histogram.iter().map(|h| h.1).sum::<f64>();
        let mut seen = 0.0;
        histogram
            .iter()
            .find(|h| {
                seen += h.1;
                seen >= target
            })
            .map(|h| h.0)
    };
    let row = Row::new(file)
        .with(Metric::MeanMs, Some(total_ms / count))
        .with(Metric::P50Ms, quantile(0.5))
        .with(Metric::P95Ms, quantile(0.95))
        .with(Metric::P99Ms, quantile(0.99))
        .with(Metric::RequestsPerS, (end > start).then(|| count / (end - start)));
    Ok(vec![row])
}

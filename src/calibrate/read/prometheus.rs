//! Prometheus HTTP API results (`/api/v1/query` vector, `/api/v1/query_range`
//! matrix). What a file measures comes from a `NAME=FILE` prefix or from the
//! series' `__name__`: a `*cpu_seconds_total` counter is CPU cores, another
//! `*_total` or `*_count` counter requests per second (both as rates between
//! samples), `*_bucket` series with `le` a latency histogram (p50, p95 and
//! p99 per step, Prometheus's histogram_quantile). Series are summed (rates,
//! cores, gauges) or averaged (latencies) per timestamp. Latencies are in
//! seconds, Prometheus's base unit.

use crate::calibrate::{CalibrateError, Metric, Row};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Response {
    status: Option<String>,
    error: Option<String>,
    data: Option<Data>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: Vec<Series>,
}

#[derive(Deserialize)]
struct Series {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<Sample>,
    value: Option<Sample>,
}

/// `[unix_seconds, "value"]`, the value parsed without keeping the text.
struct Sample(f64, f64);

impl<'de> Deserialize<'de> for Sample {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Sample;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a [timestamp, \"value\"] pair")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Sample, A::Error> {
                use serde::de::Error;
                let t: f64 =
                    seq.next_element()?.ok_or_else(|| A::Error::custom("missing timestamp"))?;
                let v: ValueText =
                    seq.next_element()?.ok_or_else(|| A::Error::custom("missing value"))?;
                Ok(Sample(t, v.0))
            }
        }
        d.deserialize_seq(Visitor)
    }
}

/// A sample value: text ("12.5", "NaN", "+Inf") or a number.
struct ValueText(f64);

impl<'de> Deserialize<'de> for ValueText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ValueText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a sample value")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<ValueText, E> {
                let v = match s {
                    "+Inf" => f64::INFINITY,
                    "-Inf" => f64::NEG_INFINITY,
                    _ => s
                        .parse()
                        .map_err(|_| E::custom(format!("expected a number, found '{s}'")))?,
                };
                Ok(ValueText(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<ValueText, E> {
                Ok(ValueText(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<ValueText, E> {
                Ok(ValueText(v as f64))
            }
            fn visit_i64<E>(self, v: i64) -> Result<ValueText, E> {
                Ok(ValueText(v as f64))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// How a series is read.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// A counter: the rate between samples is the metric.
    Counter(Metric),
    /// A value per sample (a gauge, or a rate() or quantile query).
    Gauge(Metric),
    Histogram,
}

fn kind(series: &Series, given: Option<Metric>) -> Option<Kind> {
    let name = series.metric.get("__name__").map(String::as_str).unwrap_or("");
    if name.ends_with("_bucket") && series.metric.contains_key("le") {
        return Some(Kind::Histogram);
    }
    let counter = name.ends_with("_total") || name.ends_with("_count");
    match given {
        Some(m) if counter => Some(Kind::Counter(m)),
        Some(m) => Some(Kind::Gauge(m)),
        None if name.contains("cpu_seconds_total") => Some(Kind::Counter(Metric::CpuCores)),
        None if counter => Some(Kind::Counter(Metric::RequestsPerS)),
        None => None,
    }
}

pub fn read(
    file: usize,
    path: &str,
    text: &str,
    given: Option<Metric>,
) -> Result<(Vec<Row>, usize), CalibrateError> {
    let (data, instant) = query_data(path, text)?;
    // (timestamp in ms, metric, value), summed per timestamp at the end:
    // one flat vector sorted once, not a map per timestamp.
    let mut entries: Vec<(i64, Metric, f64)> = Vec::new();
    let mut add =
        |t: f64, metric: Metric, v: f64| entries.push(((t * 1000.0).round() as i64, metric, v));
    let mut histograms: BTreeMap<String, BTreeMap<i64, BTreeMap<OrderedLe, f64>>> = BTreeMap::new();
    let mut samples = 0;
    for (i, series) in data.result.iter().enumerate() {
        let at = |j: usize| format!("data.result[{i}].values[{j}]");
        let points: Vec<&Sample> =
            if instant { series.value.iter().collect() } else { series.values.iter().collect() };
        samples += points.len();
        for (j, pair) in points.windows(2).enumerate() {
            if pair[1].0 <= pair[0].0 {
                return Err(CalibrateError::at(path, &at(j + 1), "timestamps must increase"));
            }
        }
        let kind = kind(series, given).ok_or_else(|| {
            CalibrateError::at(
                path,
                &format!("data.result[{i}].metric"),
                format!(
                    "cannot tell what the series measures ({}): prefix the file with the metric, e.g. requests_per_s={path}",
                    series.metric.get("__name__").map_or("no __name__".to_string(), |n| format!("__name__ {n}"))
                ),
            )
        })?;
        match kind {
            Kind::Gauge(metric) => {
                let scale = if metric.is_latency() { 1000.0 } else { 1.0 };
                for (j, s) in points.iter().enumerate() {
                    if !s.1.is_finite() {
                        if s.1.is_nan() {
                            continue; // Prometheus's "no data" (0/0 in a ratio)
                        }
                        return Err(CalibrateError::at(
                            path,
                            &at(j),
                            format!("expected a finite value, found {}", s.1),
                        ));
                    }
                    add(s.0, metric, s.1 * scale);
                }
            }
            Kind::Counter(metric) => {
                if instant {
                    return Err(CalibrateError::at(
                        path,
                        &format!("data.result[{i}]"),
                        "an instant counter value has no rate: query rate(...) or give a query_range (matrix) result",
                    ));
                }
                for (j, pair) in points.windows(2).enumerate() {
                    let (a, b) = (pair[0], pair[1]);
                    if !a.1.is_finite() || !b.1.is_finite() {
                        return Err(CalibrateError::at(
                            path,
                            &at(j + 1),
                            "expected a finite counter value",
                        ));
                    }
                    // A counter that went down was reset: it counted b.1 since.
                    let increase = if b.1 >= a.1 { b.1 - a.1 } else { b.1 };
                    add(b.0, metric, increase / (b.0 - a.0));
                }
            }
            Kind::Histogram => {
                let le = series
                    .metric
                    .get("le")
                    .map(|le| OrderedLe(parse_le(le)))
                    .unwrap_or(OrderedLe(f64::NAN));
                if le.0.is_nan() {
                    return Err(CalibrateError::at(
                        path,
                        &format!("data.result[{i}].metric.le"),
                        "expected a bucket bound",
                    ));
                }
                let family = series.metric.get("__name__").cloned().unwrap_or_default();
                let by_time = histograms.entry(family).or_default();
                if instant {
                    return Err(CalibrateError::at(
                        path,
                        &format!("data.result[{i}]"),
                        "an instant histogram has no rate: give a query_range (matrix) result",
                    ));
                }
                for pair in points.windows(2) {
                    let (a, b) = (pair[0], pair[1]);
                    let increase = if b.1 >= a.1 { b.1 - a.1 } else { b.1 };
                    *by_time
                        .entry((b.0 * 1000.0).round() as i64)
                        .or_default()
                        .entry(le)
                        .or_insert(0.0) += increase;
                }
            }
        }
    }
    for by_time in histograms.values() {
        for (t, buckets) in by_time {
            for (metric, q) in [(Metric::P50Ms, 0.5), (Metric::P95Ms, 0.95), (Metric::P99Ms, 0.99)]
            {
                if let Some(v) = histogram_quantile(q, buckets) {
                    add(*t as f64 / 1000.0, metric, v * 1000.0);
                }
            }
        }
    }
    Ok((rows_by_time(entries, file), samples))
}

/// The query's data and whether it is an instant vector (else a range
/// matrix); a failed or empty query is an error.
fn query_data(path: &str, text: &str) -> Result<(Data, bool), CalibrateError> {
    let response: Response = serde_json::from_str(text).map_err(|e| {
        CalibrateError::at(
            path,
            &e.line().to_string(),
            format!("not a Prometheus query result (column {}): {e}", e.column()),
        )
    })?;
    if response.status.as_deref() == Some("error") {
        return Err(CalibrateError::at(
            path,
            "error",
            format!(
                "the query failed: {}",
                response.error.filter(|e| !e.is_empty()).unwrap_or("(no message given)".into())
            ),
        ));
    }
    let data = response
        .data
        .ok_or_else(|| CalibrateError::at(path, "data", "missing: expected the query's data"))?;
    let instant = match data.result_type.as_str() {
        "matrix" => false,
        "vector" => true,
        other => {
            return Err(CalibrateError::at(
                path,
                "data.resultType",
                format!("expected matrix or vector, found {other}"),
            ));
        }
    };
    if data.result.is_empty() {
        return Err(CalibrateError::at(
            path,
            "data.result",
            "no series: the query matched nothing",
        ));
    }
    Ok((data, instant))
}

/// One row per timestamp: rates, cores and counts summed over series,
/// latencies averaged.
fn rows_by_time(mut entries: Vec<(i64, Metric, f64)>, file: usize) -> Vec<Row> {
    entries.sort_by_key(|e| (e.0, e.1));
    let mut rows: Vec<Row> = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let t = entries[i].0;
        let mut row = Row::new(file);
        row.t = Some(t as f64 / 1000.0);
        while i < entries.len() && entries[i].0 == t {
            let metric = entries[i].1;
            let (mut sum, mut n) = (0.0, 0usize);
            while i < entries.len() && entries[i].0 == t && entries[i].1 == metric {
                sum += entries[i].2;
                n += 1;
                i += 1;
            }
            // Rates, cores and counts add over series; latencies average.
            row.set(metric, if metric.is_latency() { sum / n as f64 } else { sum });
        }
        rows.push(row);
    }
    rows
}

fn parse_le(text: &str) -> f64 {
    match text {
        "+Inf" => f64::INFINITY,
        _ => text.parse().unwrap_or(f64::NAN),
    }
}

/// A bucket bound usable as a map key (never NaN once parsed).
#[derive(Clone, Copy, PartialEq)]
struct OrderedLe(f64);

impl Eq for OrderedLe {}

impl PartialOrd for OrderedLe {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedLe {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Prometheus's histogram_quantile: linear within the bucket holding the
/// rank; the largest finite bound when the rank falls in +Inf.
fn histogram_quantile(q: f64, buckets: &BTreeMap<OrderedLe, f64>) -> Option<f64> {
    let total = *buckets.get(&OrderedLe(f64::INFINITY))?;
    if total <= 0.0 {
        return None;
    }
    let rank = q * total;
    let (mut lower, mut below) = (0.0, 0.0);
    for (le, &count) in buckets {
        if count >= rank {
            if le.0.is_infinite() {
                return Some(lower);
            }
            let inside = count - below;
            return Some(if inside > 0.0 {
                lower + (le.0 - lower) * (rank - below) / inside
            } else {
                le.0
            });
        }
        lower = le.0;
        below = count;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_interpolates_within_the_bucket() {
        let buckets: BTreeMap<OrderedLe, f64> =
            [(0.1, 50.0), (0.2, 90.0), (0.4, 100.0), (f64::INFINITY, 100.0)]
                .into_iter()
                .map(|(l, c)| (OrderedLe(l), c))
                .collect();
        assert!((histogram_quantile(0.5, &buckets).unwrap() - 0.1).abs() < 1e-12);
        assert!((histogram_quantile(0.7, &buckets).unwrap() - 0.15).abs() < 1e-12);
        assert!((histogram_quantile(0.95, &buckets).unwrap() - 0.3).abs() < 1e-12);
    }
}

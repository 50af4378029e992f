//! CSV inputs, read line by line (a million-row history never sits in
//! memory whole): capplan's plain CSV, Locust's stats and stats history.

use super::{number, timestamp};
use crate::calibrate::{CalibrateError, Metric, Row};
use std::io::BufRead;

/// Seconds skipped at the start of each Locust load level, while the
/// previous level's requests drain and the new users start.
pub const LEVEL_SETTLE_S: f64 = 5.0;

fn lines(
    path: &str,
    reader: impl BufRead,
) -> impl Iterator<Item = Result<(usize, String), CalibrateError>> {
    reader.lines().enumerate().map(move |(i, line)| {
        line.map(|l| (i + 1, l)).map_err(|e| {
            CalibrateError::at(path, &(i + 1).to_string(), format!("cannot read: {e}"))
        })
    })
}

/// Splits a CSV line (Locust quotes none of the fields capplan reads;
/// quotes are stripped for spreadsheets that add them).
fn cells(line: &str) -> Vec<&str> {
    line.split(',')
        .map(|c| {
            let c = c.trim();
            c.strip_prefix('"').and_then(|c| c.strip_suffix('"')).unwrap_or(c)
        })
        .collect()
}

/// capplan's plain CSV: a header naming documented columns (any subset,
/// any order), then one row per sample, timestamps not going back.
pub fn plain(
    file: usize,
    path: &str,
    reader: impl BufRead,
) -> Result<(Vec<Row>, usize), CalibrateError> {
    let mut lines = lines(path, reader);
    let Some(first) = lines.next() else {
        return Err(CalibrateError::at(path, "1", "the file is empty: expected a header row"));
    };
    let (_, header) = first?;
    let mut columns = Vec::new();
    for name in cells(header.trim_start_matches('\u{feff}')) {
        if name == "timestamp" {
            columns.push(None);
        } else {
            let metric = Metric::from_name(name).ok_or_else(|| {
                CalibrateError::at(
                    path,
                    "1",
                    format!(
                        "unknown column '{name}': expected timestamp or {}",
                        crate::calibrate::METRICS.map(|m| m.name()).join(", ")
                    ),
                )
            })?;
            columns.push(Some(metric));
        }
    }
    let mut rows = Vec::new();
    let mut last_t = f64::NEG_INFINITY;
    for line in lines {
        let (n, line) = line?;
        if line.trim().is_empty() {
            continue;
        }
        let at = n.to_string();
        let values = cells(&line);
        if values.len() != columns.len() {
            return Err(CalibrateError::at(
                path,
                &at,
                format!("expected {} cells like the header, found {}", columns.len(), values.len()),
            ));
        }
        let mut row = Row::new(file);
        for (column, text) in columns.iter().zip(values) {
            if text.is_empty() {
                continue;
            }
            match column {
                None => {
                    let t = timestamp(text)
                        .map_err(|e| CalibrateError::at(path, &at, format!("timestamp: {e}")))?;
                    if t < last_t {
                        return Err(CalibrateError::at(
                            path,
                            &at,
                            "timestamp: earlier than the row before; rows must be in time order",
                        ));
                    }
                    last_t = t;
                    row.t = Some(t);
                }
                Some(metric) => {
                    let v = number(text).map_err(|e| {
                        CalibrateError::at(path, &at, format!("{}: {e}", metric.name()))
                    })?;
                    if v < 0.0 {
                        return Err(CalibrateError::at(
                            path,
                            &at,
                            format!("{}: expected a number ≥ 0, found {v}", metric.name()),
                        ));
                    }
                    row.set(*metric, v);
                }
            }
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(CalibrateError::at(path, "2", "no data rows after the header"));
    }
    let n = rows.len();
    Ok((rows, n))
}

/// Column positions of a Locust CSV header.
struct Header(Vec<String>);

impl Header {
    fn find(&self, path: &str, name: &str) -> Result<usize, CalibrateError> {
        self.0
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| CalibrateError::at(path, "1", format!("missing column '{name}'")))
    }

    fn optional(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|c| c == name)
    }
}

/// A cell as a number; Locust writes `N/A` before it has data.
fn cell(
    path: &str,
    line: usize,
    values: &[&str],
    index: usize,
    name: &str,
) -> Result<Option<f64>, CalibrateError> {
    // The line number is formatted only for an error (a million rows).
    let fail = |message: String| CalibrateError::at(path, &line.to_string(), message);
    match values.get(index).copied() {
        None => Err(fail(format!("missing cell '{name}'"))),
        Some("N/A") | Some("") => Ok(None),
        Some(text) => number(text).map(Some).map_err(|e| fail(format!("{name}: {e}"))),
    }
}

/// One level of a Locust ramp being accumulated.
struct Level {
    users: f64,
    start: f64,
    first: Option<(f64, f64, f64)>,
    last: Option<(f64, f64, f64)>,
    percentiles: [(f64, usize); 3],
}

/// Locust's `_stats_history.csv`: the Aggregated row of every second.
/// Consecutive rows with the same user count form a load level; after
/// [`LEVEL_SETTLE_S`], its throughput and mean latency come from the
/// cumulative request count and average (exact over the level), its
/// percentiles are the mean of Locust's window percentiles.
pub fn locust_history(
    file: usize,
    path: &str,
    mut reader: impl BufRead,
) -> Result<(Vec<Row>, usize), CalibrateError> {
    let mut header = String::new();
    match reader.read_line(&mut header) {
        Ok(0) => return Err(CalibrateError::at(path, "1", "the file is empty")),
        Ok(_) => {}
        Err(e) => return Err(CalibrateError::at(path, "1", format!("cannot read: {e}"))),
    }
    let header = Header(
        cells(header.trim_end().trim_start_matches('\u{feff}'))
            .into_iter()
            .map(str::to_string)
            .collect(),
    );
    let c_time = header.find(path, "Timestamp")?;
    let c_users = header.find(path, "User Count")?;
    let c_name = header.find(path, "Name")?;
    let c_count = header.find(path, "Total Request Count")?;
    let c_avg = header.find(path, "Total Average Response Time")?;
    let c_pct = [header.optional("50%"), header.optional("95%"), header.optional("99%")];
    let mut rows = Vec::new();
    let mut level: Option<Level> = None;
    let mut samples = 0;
    let mut last_t = f64::NEG_INFINITY;
    let close = |level: Option<Level>, rows: &mut Vec<Row>| {
        if let Some(l) = level
            && let (Some((t0, n0, s0)), Some((t1, n1, s1))) = (l.first, l.last)
            && t1 > t0
            && n1 > n0
        {
            let mut row = Row::new(file);
            row.t = Some((t0 + t1) / 2.0);
            row.span = Some((t0, t1));
            row.set(Metric::Concurrency, l.users);
            row.set(Metric::RequestsPerS, (n1 - n0) / (t1 - t0));
            row.set(Metric::MeanMs, (s1 - s0) / (n1 - n0));
            for (metric, (sum, n)) in
                [Metric::P50Ms, Metric::P95Ms, Metric::P99Ms].into_iter().zip(l.percentiles)
            {
                if n > 0 {
                    row.set(metric, sum / n as f64);
                }
            }
            rows.push(row);
        }
    };
    // One buffer for every line: a million-row history allocates once.
    let mut line = String::new();
    let mut n = 1;
    loop {
        line.clear();
        n += 1;
        match reader.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(CalibrateError::at(path, &n.to_string(), format!("cannot read: {e}")));
            }
        }
        // A history without `name=` grouping holds a row per URL per
        // second: those are skipped before they are split.
        if !line.contains("Aggregated") {
            continue;
        }
        let values = cells(&line);
        if values.get(c_name) != Some(&"Aggregated") {
            continue;
        }
        samples += 1;
        let at = || n.to_string();
        let t = cell(path, n, &values, c_time, "Timestamp")?
            .ok_or_else(|| CalibrateError::at(path, &at(), "Timestamp: missing"))?;
        if t < last_t {
            return Err(CalibrateError::at(
                path,
                &at(),
                "Timestamp: earlier than the row before; rows must be in time order",
            ));
        }
        last_t = t;
        let users = cell(path, n, &values, c_users, "User Count")?.unwrap_or(0.0);
        let count = cell(path, n, &values, c_count, "Total Request Count")?.unwrap_or(0.0);
        let avg = cell(path, n, &values, c_avg, "Total Average Response Time")?.unwrap_or(0.0);
        if level.as_ref().is_none_or(|l| l.users != users) {
            close(level.take(), &mut rows);
            if users > 0.0 {
                level = Some(Level {
                    users,
                    start: t,
                    first: None,
                    last: None,
                    percentiles: [(0.0, 0); 3],
                });
            }
        }
        if let Some(l) = level.as_mut()
            && t - l.start >= LEVEL_SETTLE_S
        {
            let point = (t, count, avg * count);
            if l.first.is_none() {
                l.first = Some(point);
            } else {
                // Percentiles of windows that lie wholly inside the level.
                for (slot, column) in l.percentiles.iter_mut().zip(c_pct) {
                    if let Some(c) = column
                        && let Some(v) = cell(path, n, &values, c, "percentile")?
                    {
                        slot.0 += v;
                        slot.1 += 1;
                    }
                }
            }
            l.last = Some(point);
        }
    }
    close(level.take(), &mut rows);
    if rows.is_empty() {
        return Err(CalibrateError::at(
            path,
            "",
            format!(
                "no load level lasted longer than {LEVEL_SETTLE_S} s with requests (Aggregated rows with a user count above 0)"
            ),
        ));
    }
    Ok((rows, samples))
}

/// Locust's `_stats.csv`: the Aggregated row, a summary of the whole run.
pub fn locust_stats(
    file: usize,
    path: &str,
    reader: impl BufRead,
) -> Result<(Vec<Row>, usize), CalibrateError> {
    let mut lines = lines(path, reader);
    let (_, header) =
        lines.next().ok_or_else(|| CalibrateError::at(path, "1", "the file is empty"))??;
    let header = Header(
        cells(header.trim_start_matches('\u{feff}')).into_iter().map(str::to_string).collect(),
    );
    let c_name = header.find(path, "Name")?;
    let fields = [
        (Metric::RequestsPerS, header.find(path, "Requests/s")?, "Requests/s"),
        (Metric::MeanMs, header.find(path, "Average Response Time")?, "Average Response Time"),
        (Metric::P50Ms, header.find(path, "Median Response Time")?, "Median Response Time"),
    ];
    let pct = [(Metric::P95Ms, header.optional("95%")), (Metric::P99Ms, header.optional("99%"))];
    for line in lines {
        let (n, line) = line?;
        let values = cells(&line);
        if values.get(c_name) != Some(&"Aggregated") {
            continue;
        }
        let mut row = Row::new(file);
        for (metric, column, name) in fields {
            row = row.with(metric, cell(path, n, &values, column, name)?);
        }
        for (metric, column) in pct {
            if let Some(c) = column {
                row = row.with(metric, cell(path, n, &values, c, metric.name())?);
            }
        }
        return Ok((vec![row], 1));
    }
    Err(CalibrateError::at(path, "", "no Aggregated row: expected Locust's _stats.csv"))
}

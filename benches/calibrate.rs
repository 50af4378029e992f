//! `capplan calibrate` on a Locust `--csv-full-history` as founders run it
//! (issue 32 part 8): no `name=` grouping, so every second has one row per
//! distinct URL beside the Aggregated row. Target: a 1M-row history
//! calibrated (read, joined, fitted) in under 1 s. The history is the real
//! saturated ramp of tests/fixtures/calibrate/real/ with each second's
//! per-endpoint row copied under other URLs (one a quoted name with a
//! comma, as Locust writes it) to a million rows, written to a temp
//! folder in the setup; the CPU series is the fixture's.

use capplan::calibrate::{Setup, calibrate};
use criterion::{Criterion, criterion_group, criterion_main};
use std::path::PathBuf;
use std::time::Duration;

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/calibrate/real/saturated");
const ROWS: usize = 1_000_000;

/// Writes the 1M-row history; returns its path and its rows (header out).
pub fn million_row_history() -> (PathBuf, usize) {
    let real = std::fs::read_to_string(format!("{REAL}/run_stats_history.csv")).unwrap();
    let lines: Vec<&str> = real.lines().collect();
    let endpoint_rows = lines.iter().filter(|l| l.split(',').nth(2) == Some("GET")).count();
    // Rows the copies add per second so that the file holds ROWS rows.
    let per_second = (ROWS + 1 - lines.len()).div_ceil(endpoint_rows);
    let mut out = String::with_capacity(ROWS * 200);
    out.push_str(lines[0]);
    out.push('\n');
    let mut rows = 0;
    for line in &lines[1..] {
        let line = *line;
        out.push_str(line);
        out.push('\n');
        rows += 1;
        let cells: Vec<&str> = line.split(',').collect();
        if cells.get(2) != Some(&"GET") {
            continue;
        }
        for k in 0..per_second {
            let name = if k == 0 { "\"/search?q=a,b\"".to_string() } else { format!("/item/{k}") };
            let mut row = cells.clone();
            row[3] = &name;
            out.push_str(&row.join(","));
            out.push('\n');
            rows += 1;
        }
    }
    let dir = std::env::temp_dir().join(format!("capplan-bench-calibrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("run_stats_history.csv");
    std::fs::write(&path, out).unwrap();
    (path, rows)
}

fn locust_million_rows(c: &mut Criterion) {
    let (history, rows) = million_row_history();
    assert!((ROWS..ROWS + 1000).contains(&rows), "{rows} rows");
    let inputs = [(history.clone(), None, None), (format!("{REAL}/cpu.csv").into(), None, None)];
    let setup = Setup { vcpus: Some(1.0), scenario_cpu_ms: Some(5.0), ..Setup::default() };
    let calibration = calibrate(&inputs, &setup).unwrap();
    assert!(calibration.slots.is_some() && calibration.cpu_ms.is_some());
    let mut group = c.benchmark_group("calibrate");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("locust_history_1M_rows_with_url_rows", |b| {
        b.iter(|| calibrate(&inputs, &setup).unwrap())
    });
    group.finish();
    if let Some(dir) = history.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

criterion_group!(benches, locust_million_rows);
criterion_main!(benches);

//! Locust as founders run it: `--csv-full-history` without `name=`
//! grouping writes one row per distinct URL per second beside the
//! Aggregated row. Only the Aggregated rows describe the load, so a history
//! with thousands of URL rows calibrates exactly as its Aggregated rows do.

use crate::common::{scratch_dir, write_file};
use assert_cmd::Command;

const HISTORY: &str = "tests/fixtures/calibrate/real/saturated/run_stats_history.csv";

fn calibrate_json(history: &str) -> serde_json::Value {
    let out = Command::cargo_bin("capplan")
        .unwrap()
        .args(["calibrate", history, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_history_with_a_row_per_url_calibrates_as_its_aggregated_rows() {
    let real = std::fs::read_to_string(HISTORY).unwrap();
    // Every second gains 300 URL rows (one a quoted name with a comma),
    // each a copy of that second's per-endpoint row under another name.
    let mut expanded = String::new();
    let mut url_rows = 0;
    for line in real.lines() {
        expanded.push_str(line);
        expanded.push('\n');
        let cells: Vec<&str> = line.split(',').collect();
        if cells.get(2) == Some(&"GET") {
            for k in 0..300 {
                let name =
                    if k == 0 { "\"/search?q=a,b\"".to_string() } else { format!("/item/{k}") };
                let mut row = cells.clone();
                row[3] = &name;
                expanded.push_str(&row.join(","));
                expanded.push('\n');
                url_rows += 1;
            }
        }
    }
    assert!(url_rows > 20_000, "{url_rows} URL rows");
    let dir = scratch_dir("calibrate-locust-urls");
    let path = write_file(&dir, "run_stats_history.csv", &expanded);
    let (alone, with_urls) = (calibrate_json(HISTORY), calibrate_json(&path));
    assert!(!alone["levels"].as_array().unwrap().is_empty());
    for key in ["levels", "holding_ms", "cv", "slots", "usl"] {
        assert_eq!(alone[key], with_urls[key], "{key} differs once URL rows are added");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

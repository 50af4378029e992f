//! Helpers shared by the integration tests.

use assert_cmd::Command;

/// The capplan binary built by cargo for this test run. Tables are laid out
/// 400 columns wide so tests that read figures out of them see each row on
/// one line; `layout_cli` tests the fitting at real widths.
pub fn capplan() -> Command {
    let mut command = Command::cargo_bin("capplan").expect("the capplan binary is built for tests");
    command.env("COLUMNS", "400").env_remove("NO_COLOR");
    command
}

/// Runs capplan with `args`, returning (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let output = capplan().args(args).output().expect("capplan runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs capplan and parses stdout as JSON, asserting the exit code.
pub fn run_json(args: &[&str], code: i32) -> serde_json::Value {
    let (actual, stdout, stderr) = run(args);
    assert_eq!(actual, code, "capplan {args:?}\nstdout: {stdout}\nstderr: {stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

pub fn close(actual: f64, expected: f64, relative: f64) -> bool {
    (actual - expected).abs() <= relative * expected.abs()
}

/// A fresh, empty folder for one test's files.
pub fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("capplan-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes `text` to `name` in `dir`, returning the path as a string.
pub fn write_file(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test file");
    path.to_string_lossy().into_owned()
}

/// Runs capplan with a fixed "today" so ages in reports are reproducible.
pub fn run_on_day(args: &[&str]) -> (i32, String, String) {
    let output =
        capplan().env("CAPPLAN_TODAY", "2026-11-21").args(args).output().expect("capplan runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A test overlay with one compute tier `testbox/vm/ID` of `vcpu` vCPUs at
/// $10 a month, so sizing depends only on the scenario's numbers.
pub fn testbox(id: &str, vcpu: u32, memory_mb: u32) -> String {
    format!(
        "version: 1
provider: testbox
source: test overlay
as_of: 2026-11-01
offerings:
  - id: vm
    role: compute
    tiers:
      - {{ id: {id}, capacity: {{ vcpu: {vcpu}, memory_mb: {memory_mb} }}, price: {{ monthly_usd: 10 }} }}
"
    )
}

/// The k6 summary the calibrate examples read.
pub const K6: &str = "tests/fixtures/calibrate/k6/summary-export.json";

/// Every command with representative arguments, as (name, report schema,
/// arguments without `--format`): the one table the layout snapshots, the
/// schema validation and the CSV test all run, so a new command is added
/// once and checked in every format.
pub fn every_command() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    vec![
        ("recommend", "recommend", vec!["recommend", "--users", "5000"]),
        ("recommend_explain", "recommend", vec!["recommend", "--users", "5000", "--explain"]),
        ("stages", "stages", vec!["stages"]),
        ("sweep", "sweep", vec!["sweep", "--from", "1000", "--to", "100000", "--points", "4"]),
        (
            "forecast",
            "forecast",
            vec!["forecast", "--users", "1000", "--growth", "30%/month", "--months", "12"],
        ),
        ("compare", "compare", vec!["compare", "--users", "5000"]),
        ("tiers_list", "tiers-list", vec!["tiers", "list"]),
        ("tiers_show", "tiers-show", vec!["tiers", "show", "atlas"]),
        (
            "queue",
            "queue",
            vec!["queue", "--arrival-rate", "50/s", "--service-time", "80ms", "--servers", "5"],
        ),
        (
            "diff",
            "diff",
            vec![
                "diff",
                "scenarios/interview-prep-api.yaml",
                "scenarios/ai-interview-coach.yaml",
                "--users",
                "5000",
            ],
        ),
        ("check", "check", vec!["check", "scenarios/interview-prep-api.yaml"]),
        ("calibrate", "calibrate", vec!["calibrate", K6]),
    ]
}

/// A good `queue --batch` line.
pub const GOOD_BATCH_LINE: &str = r#"{"arrival_rate": 5, "service_time_s": 0.2, "servers": 2}"#;

/// A batch file of `nul_bytes` NULs without a newline (sparse: no disk is
/// used), then a newline and a good line.
pub fn sparse_batch(dir: &std::path::Path, name: &str, nul_bytes: u64) -> std::path::PathBuf {
    use std::io::{Seek, Write};
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).unwrap();
    file.set_len(nul_bytes).unwrap();
    file.seek(std::io::SeekFrom::End(0)).unwrap();
    writeln!(file).unwrap();
    writeln!(file, "{GOOD_BATCH_LINE}").unwrap();
    path
}

/// A named pipe `name` in `dir`, or `None` (said on stderr) where
/// `mkfifo` is not available.
pub fn named_pipe(dir: &std::path::Path, name: &str) -> Option<std::path::PathBuf> {
    let fifo = dir.join(name);
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return None;
    }
    Some(fifo)
}

/// The shipped scenarios, `scenarios/` and `scenarios/examples/`, sorted.
pub fn shipped_scenarios() -> Vec<String> {
    let mut files = Vec::new();
    for dir in ["scenarios", "scenarios/examples"] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path.to_string_lossy().into_owned());
            }
        }
    }
    files.sort();
    assert!(files.len() >= 15, "{files:?}");
    files
}

/// `text` with byte ranges replaced, for the parsers' property tests.
pub fn mutate(text: &str, edits: &[(usize, usize, String)]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for (at, len, insert) in edits {
        let at = at % (bytes.len() + 1);
        let end = (at + len).min(bytes.len());
        bytes.splice(at..end, insert.bytes());
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Up to five random edits: YAML, TOML and JSON punctuation among them.
pub fn edits() -> impl proptest::strategy::Strategy<Value = Vec<(usize, usize, String)>> {
    proptest::collection::vec(
        (0usize..20_000, 0usize..40, "[ a-z0-9:=\\-\\[\\]{}&*!|>#,.\"'\n]{0,12}"),
        1..6,
    )
}

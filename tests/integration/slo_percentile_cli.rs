//! The percentile an SLO names (issue 32): `slo.percentile: 50` is checked
//! and printed as p50 in the table, `--explain`, JSON and rejections, and
//! the figure is the model's own 50th percentile.

use crate::common::{run, scratch_dir, testbox, write_file};
use serde_json::Value;

/// 40 requests/s at the peak on one-vCPU instances, one worker each and
/// 20 ms of CPU: round-robin makes each instance an M/M/1 queue with
/// μ = 50/s at λ = 40/n.
fn scenario(components: &str) -> String {
    format!(
        "version: 1
name: percentile API
workload:
  users: 4000
  daily_active_ratio: 0.5
  peak_online_ratio: 0.2
  requests_per_online_user_per_min: 6
components:
{components}"
    )
}

fn web(name: &str, percentile: u32, response_ms: u32, extra: &str) -> String {
    format!(
        "  - name: {name}
    role: web
    candidates: [testbox/vm]
    high_availability: false
    workers_per_instance: 1
    cpu_ms: 20
    cv: 1
{extra}    slo: {{ percentile: {percentile}, response_ms: {response_ms}, max_utilization: 0.9 }}
"
    )
}

/// M/M/1 response time is exponential with rate μ − λ: its p-th
/// percentile is −ln(1 − p)/(μ − λ), in ms.
fn mm1_ms(p: f64, instances: f64) -> f64 {
    -(1.0 - p).ln() / (50.0 - 40.0 / instances) * 1e3
}

fn component<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["components"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()
}

fn plan(dir: &str, text: &str, extra: &[&str]) -> (i32, String, String) {
    let dir = scratch_dir(dir);
    let tiers = write_file(&dir, "box.yaml", &testbox("one", 1, 1024));
    let path = write_file(&dir, "scenario.yaml", text);
    let mut args = vec!["recommend", "--scenario", &path, "--tiers", &tiers];
    args.extend(extra);
    run(&args)
}

#[test]
fn a_p50_slo_is_checked_and_printed_as_p50() {
    // p50 ≤ 30 ms: one instance gives ln 2 / 10 = 69.3 ms, two 23.1 ms.
    let text = scenario(&web("api", 50, 30, ""));
    assert!(mm1_ms(0.5, 1.0) > 30.0 && mm1_ms(0.5, 2.0) <= 30.0);
    let (code, stdout, stderr) = plan("p50-json", &text, &["--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let api = component(&report, "api");
    assert_eq!(api["count"], 2);
    assert_eq!(api["latency_percentile"], 50.0);
    let latency = api["latency_ms"].as_f64().unwrap();
    assert!((latency / mm1_ms(0.5, 2.0) - 1.0).abs() < 1e-9, "{latency}");
    assert_eq!(api["binding"], "p50");
    // p95_ms stays the 95th percentile, whatever the SLO names.
    let p95 = api["p95_ms"].as_f64().unwrap();
    assert!((p95 / mm1_ms(0.95, 2.0) - 1.0).abs() < 1e-9, "{p95}");

    let (code, table, stderr) = plan("p50-table", &text, &["--explain"]);
    assert_eq!(code, 0, "{stderr}");
    let header = table.lines().find(|l| l.contains("sized by")).unwrap();
    assert!(header.contains(" p50 ") && !header.contains("p95"), "{header}");
    let row = table.lines().find(|l| l.contains("api (web)")).unwrap();
    assert!(row.contains("23.1 ms") && row.contains("p50") && !row.contains("p95"), "{row}");
    assert!(
        table.contains("p50 response (queue + io) 23.1 ms against the target 30 ms"),
        "{table}"
    );
    assert!(
        table.contains("1 instance(s) would fail p50 (CPU 80.0%, slots 80.0% busy, p50 69.3 ms)")
    );
    assert!(!table.contains("p95"), "{table}");
}

#[test]
fn a_p50_slo_that_cannot_be_met_says_p50() {
    let text = scenario(&web("api", 50, 30, "    max_instances: 1\n"));
    let (code, stdout, stderr) = plan("p50-reject", &text, &[]);
    assert_ne!(code, 0, "{stdout}");
    let said = format!("{stdout}{stderr}");
    assert!(said.contains("p50 69.3 ms misses p50 response <= 30ms"), "{said}");
    assert!(!said.contains("p95"), "{said}");
}

#[test]
fn a_p99_slo_is_checked_and_printed_as_p99() {
    // p99 ≤ 200 ms: one instance gives ln 100 / 10 = 460.5 ms, two 153.5 ms.
    let text = scenario(&web("api", 99, 200, ""));
    assert!(mm1_ms(0.99, 1.0) > 200.0 && mm1_ms(0.99, 2.0) <= 200.0);
    let report = {
        let (code, stdout, stderr) = plan("p99-json", &text, &["--format", "json"]);
        assert_eq!(code, 0, "{stderr}");
        serde_json::from_str::<Value>(&stdout).unwrap()
    };
    let api = component(&report, "api");
    assert_eq!(api["count"], 2);
    assert_eq!(api["latency_percentile"], 99.0);
    assert!((api["latency_ms"].as_f64().unwrap() / mm1_ms(0.99, 2.0) - 1.0).abs() < 1e-9);
    assert_eq!(api["binding"], "p99");
    let (code, table, stderr) = plan("p99-table", &text, &["--explain"]);
    assert_eq!(code, 0, "{stderr}");
    let header = table.lines().find(|l| l.contains("sized by")).unwrap();
    assert!(header.contains(" p99 "), "{header}");
    assert!(table.contains("p99 response (queue + io) 153.5 ms against the target 200 ms"));
    assert!(!table.contains("p95"), "{table}");
}

#[test]
fn mixed_percentiles_name_theirs_in_each_cell() {
    let text = scenario(&(web("api", 50, 30, "") + &web("edge", 99, 200, "")));
    let (code, table, stderr) = plan("mixed", &text, &[]);
    assert_eq!(code, 0, "{stderr}");
    let header = table.lines().find(|l| l.contains("sized by")).unwrap();
    assert!(header.contains(" latency "), "{header}");
    let row = |name: &str| table.lines().find(|l| l.contains(name)).unwrap().to_string();
    assert!(row("api (web)").contains("p50 23.1 ms"), "{table}");
    assert!(row("edge (web)").contains("p99 153.5 ms"), "{table}");
}

#[test]
fn the_default_percentile_is_still_p95() {
    let text = scenario(&web("api", 95, 500, "")).replace("percentile: 95, ", "");
    let (code, stdout, stderr) = plan("default", &text, &["--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let api = component(&report, "api");
    assert_eq!(api["latency_percentile"], 95.0);
    assert_eq!(api["latency_ms"], api["p95_ms"]);
}

/// The p99 SLO of `a_p99_slo_is_checked_and_printed_as_p99` with `extra`
/// after the components: one instance misses p99 ≤ 200 ms at 40 req/s.
fn p99_with(extra: &str) -> String {
    scenario(&web("api", 99, 200, "")) + extra
}

#[test]
fn stages_and_the_current_mix_name_the_slo_s_percentile() {
    // One instance serves p99 ≤ 200 ms up to μ − ln 100 / 0.2 s = 27 req/s,
    // at 54% CPU: the latency SLO binds, under its own percentile.
    let text = p99_with(
        "stages:
  - name: One box
    mix:
      api: { tier: testbox/vm/one, count: 1 }
current:
  api: { tier: testbox/vm/one, count: 1 }
",
    );
    let (code, stdout, stderr) = plan("p99-stages", &text, &["--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let current = &report["current"];
    assert_eq!(current["holds"], false, "{current}");
    assert_eq!(current["failing"], "api: p99", "{current}");
    assert_eq!(current["binding"], "api: p99", "{current}");

    let dir = scratch_dir("p99-stages-cmd");
    let tiers = write_file(&dir, "box.yaml", &testbox("one", 1, 1024));
    let path = write_file(&dir, "scenario.yaml", &text);
    let (code, stdout, stderr) =
        run(&["stages", "--scenario", &path, "--tiers", &tiers, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let stages: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(stages["stages"][0]["binding"], "api: p99", "{stages}");
    let (code, table, stderr) = run(&["stages", "--scenario", &path, "--tiers", &tiers]);
    assert_eq!(code, 0, "{stderr}");
    assert!(table.contains("api: p99") && !table.contains("p95"), "{table}");
}

#[test]
fn the_uncertainty_failure_list_names_the_slo_s_percentile() {
    // cpu_ms 16–24 ms: two instances meet p99 ≤ 200 ms only while
    // μ − 20 ≥ ln 100 / 0.2 s, i.e. cpu_ms ≤ 23.2 ms, so some worlds fail
    // them on the latency SLO.
    let text = p99_with("").replace("cpu_ms: 20", "cpu_ms: [16, 24]");
    let (code, stdout, stderr) =
        plan("p99-uncertainty", &text, &["--samples", "300", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let u = &report["uncertainty"];
    let mut constraints: Vec<String> = Vec::new();
    for mix in std::iter::once(&u["least_regret"]).chain(u["alternatives"].as_array().unwrap()) {
        for f in mix["failures"].as_array().into_iter().flatten() {
            constraints.push(f["constraint"].as_str().unwrap().to_string());
        }
    }
    assert!(constraints.iter().any(|c| c == "p99"), "{constraints:?}\n{u}");
    assert!(!constraints.iter().any(|c| c == "p95"), "{constraints:?}");
    let (code, table, stderr) =
        plan("p99-uncertainty-table", &text, &["--samples", "300", "--explain"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(table.contains("api p99"), "{table}");
    assert!(!table.contains("api p95"), "{table}");
}

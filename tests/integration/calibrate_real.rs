//! Acceptance of `capplan calibrate` on real runs of real servers
//! (tests/fixtures/calibrate/real/README.md): a CPU-saturated ramp without
//! think time, a paced ramp whose CPU per request falls with load, and a
//! 2-sync-worker gunicorn ramp with think time whose plateau is noisy.
//! Each is calibrated, planned with `recommend --patch`, and the capacity
//! the plan implies is held to ±15% of the saturation measured open-loop.

use crate::common::{close, run_json, scratch_dir, write_file};

const REAL: &str = "tests/fixtures/calibrate/real";

/// The load-test machine, as the only tier to plan on: one vCPU (the
/// saturated and paced servers were pinned to one core) or two (the
/// gunicorn one).
fn tiers(tier: &str) -> String {
    let vcpu = if tier == "one" { 1 } else { 2 };
    format!(
        "version: 1
provider: testbox
source: test overlay
as_of: 2026-11-01
offerings:
  - id: vm
    role: compute
    tiers:
      - {{ id: {tier}, capacity: {{ vcpu: {vcpu}, memory_mb: 4096 }}, price: {{ monthly_usd: 10 }} }}
"
    )
}

const SERVER: &str = "version: 1
name: the measured server
workload:
  users: 1000
  daily_active_ratio: 1
  peak_online_ratio: 1
  requests_per_online_user_per_min: 1
components:
  - name: api
    role: web
    candidates: [testbox/vm]
    high_availability: false
    min_instances: 1
    max_instances: 1
    cpu_ms: 5
    concurrency: async
    slo: { percentile: 95, response_ms: 60000, max_utilization: 0.99 }
";

/// The saturation measured open-loop for a fixture (truth.py).
fn truth(fixture: &str) -> f64 {
    let text = std::fs::read_to_string(format!("{REAL}/{fixture}/truth.json")).unwrap();
    let t: serde_json::Value = serde_json::from_str(&text).unwrap();
    t["saturation_rps"].as_f64().unwrap()
}

struct Planned {
    calibration: serde_json::Value,
    patch: String,
    /// Requests/s one instance serves with its CPU or workers full, per the plan.
    capacity: f64,
}

/// Calibrates `fixture` on `tier`, then plans `rps` with the patch; with
/// `max_users`, only the ramp's levels up to that many users.
fn calibrate_and_plan(
    fixture: &str,
    tier: &str,
    extra: &[&str],
    rps: f64,
    max_users: Option<u32>,
) -> Planned {
    let dir = scratch_dir(&format!("calibrate-real-{fixture}-{}", max_users.unwrap_or(0)));
    let tiers = write_file(&dir, "box.yaml", &tiers(tier));
    let scenario = write_file(&dir, "server.yaml", SERVER);
    let mut history = format!("{REAL}/{fixture}/run_stats_history.csv");
    if let Some(max) = max_users {
        let text = std::fs::read_to_string(&history).unwrap();
        let kept: String = text
            .lines()
            .enumerate()
            .filter(|(i, l)| {
                *i == 0
                    || l.split(',')
                        .nth(1)
                        .and_then(|u| u.parse::<u32>().ok())
                        .is_some_and(|u| u <= max)
            })
            .map(|(_, l)| format!("{l}\n"))
            .collect();
        history = write_file(&dir, "run_stats_history.csv", &kept);
    }
    let cpu = format!("{REAL}/{fixture}/cpu.csv");
    let tier = format!("testbox/vm/{tier}");
    let mut args = vec![
        "calibrate",
        &history,
        &cpu,
        "--scenario",
        &scenario,
        "--tiers",
        &tiers,
        "--tier",
        &tier,
    ];
    args.extend(extra);
    args.extend(["--format", "json"]);
    let calibration = run_json(&args, 0);
    let patch = calibration["patch"].as_str().unwrap().to_string();
    let patch_path = write_file(&dir, "patch.yaml", &patch);
    let rate = rps.to_string();
    let plan = run_json(
        &[
            "recommend",
            "--scenario",
            &scenario,
            "--tiers",
            &tiers,
            "--patch",
            &patch_path,
            "--rps",
            &rate,
            "--users",
            "1000",
            "--format",
            "json",
        ],
        0,
    );
    // The binding share: CPU (utilization) or the workers (occupancy).
    let component = &plan["components"][0];
    let busy =
        component["utilization"].as_f64().unwrap().max(component["occupancy"].as_f64().unwrap());
    Planned { calibration, patch, capacity: rps / busy }
}

fn warnings(c: &serde_json::Value) -> String {
    c["warnings"].to_string()
}

#[test]
fn a_saturated_ramp_is_named_and_its_capacity_comes_from_cpu_per_request() {
    let truth = truth("saturated");
    let p = calibrate_and_plan("saturated", "one", &[], 0.5 * truth, None);
    let c = &p.calibration;
    assert!(warnings(c).contains("CPU-saturated from its first levels"), "{}", warnings(c));
    assert!(warnings(c).contains("paced ramp"), "{}", warnings(c));
    let cpu = c["cpu_ms"]["value"].as_f64().unwrap();
    assert!(
        close(1000.0 / cpu, truth, 0.15),
        "cpu_ms {cpu}: 1 vCPU serves {} req/s, measured {truth}",
        1000.0 / cpu
    );
    assert!(
        close(p.capacity, truth, 0.15),
        "recommend capacity {} req/s, measured {truth}",
        p.capacity
    );
    // CPU per request ≈ holding time: no I/O.
    let holding = c["holding_ms"]["value"].as_f64().unwrap();
    assert!(c["io_ms"]["value"].as_f64().unwrap() <= 0.1 * holding, "{}", c["io_ms"]);
    assert!(c["io_ms"]["method"].as_str().unwrap().contains("load generator"), "{}", c["io_ms"]);
    assert_eq!(c["model"]["concurrency"], "async", "{}", c["model"]);
    assert!(close(c["slots"]["saturation_rps"].as_f64().unwrap(), truth, 0.15), "{}", c["slots"]);
    assert!(p.patch.contains("# warning: The ramp is CPU-saturated"), "{}", p.patch);
}

#[test]
fn a_saturated_ramp_without_idle_samples_keeps_the_idle_cpu_in_and_says_so() {
    // The same run with the CPU samples taken before and after the test
    // removed: at ≥ 91% CPU, CPU ÷ throughput with the idle CPU left in is
    // still within a few per cent.
    let dir = scratch_dir("calibrate-real-no-idle");
    let text = std::fs::read_to_string(format!("{REAL}/saturated/cpu.csv")).unwrap();
    let busy: String = text
        .lines()
        .filter(|l| !matches!(l.split(',').nth(1).map(str::parse::<f64>), Some(Ok(v)) if v <= 0.05))
        .map(|l| format!("{l}\n"))
        .collect();
    let cpu = write_file(&dir, "cpu.csv", &busy);
    let tiers = write_file(&dir, "box.yaml", &tiers("one"));
    let history = format!("{REAL}/saturated/run_stats_history.csv");
    let args = ["calibrate", &history, &cpu, "--tiers", &tiers, "--tier", "testbox/vm/one"];
    let r = run_json(&[&args[..], &["--format", "json", "--fit", "cpu_ms"]].concat(), 0);
    let truth = truth("saturated");
    assert!(close(1000.0 / r["cpu_ms"]["value"].as_f64().unwrap(), truth, 0.15), "{}", r["cpu_ms"]);
    assert!(
        r["cpu_ms"]["method"].as_str().unwrap().contains("idle CPU unknown"),
        "{}",
        r["cpu_ms"]
    );
}

#[test]
fn a_paced_ramp_with_falling_cpu_per_request_uses_the_cost_at_high_load() {
    let truth = truth("paced");
    let p = calibrate_and_plan("paced", "one", &["--client-overhead-ms", "8.6"], 0.5 * truth, None);
    let c = &p.calibration;
    let w = warnings(c);
    assert!(w.contains("The CPU per request falls with load"), "{w}");
    assert!(w.contains("disagrees with the per-level ratio"), "{w}");
    let levels = c["levels"].as_array().unwrap();
    let first = levels[0]["cpu_ms_per_request"].as_f64().unwrap();
    let last = levels[levels.len() - 1]["cpu_ms_per_request"].as_f64().unwrap();
    assert!(last < 0.9 * first, "per level {first} → {last}");
    assert!(
        close(p.capacity, truth, 0.15),
        "recommend capacity {} req/s, measured {truth}",
        p.capacity
    );
    // The slope alone would have planned for far more than the server does.
    let io = c["io_ms"]["method"].as_str().unwrap();
    assert!(io.contains("8.60 ms (--client-overhead-ms)"), "{io}");
    // Paced, the ramp never saturates: no plateau, and it says why.
    assert!(c["not_fitted"].to_string().contains("ramp the test further"), "{}", c["not_fitted"]);
}

#[test]
fn a_two_worker_gunicorn_ramp_whose_top_level_dips_is_blocking_with_two_workers() {
    let truth = truth("gunicorn2");
    // The run up to 18 users, whose top level dips (52.8 → 49.9 req/s), and
    // the whole run to 20 users.
    for max_users in [Some(18), None] {
        let p = calibrate_and_plan("gunicorn2", "two", &[], 0.5 * truth, max_users);
        let c = &p.calibration;
        let levels = c["levels"].as_array().unwrap();
        let rate = |i: usize| levels[i]["requests_per_s"].as_f64().unwrap();
        let n = levels.len();
        if max_users.is_some() {
            assert!(rate(n - 1) < 0.95 * rate(n - 2), "the top level dips");
        }
        assert_eq!(c["model"]["concurrency"], "blocking", "{max_users:?}: {}", c["model"]);
        assert_eq!(c["model"]["workers"], 2, "{}", c["model"]);
        assert!(
            p.patch.contains("concurrency: blocking\n    workers_per_instance: 2\n"),
            "{}",
            p.patch
        );
        let saturation = c["slots"]["saturation_rps"].as_f64().unwrap();
        assert!(close(saturation, truth, 0.15), "{}", c["slots"]);
        assert!(
            close(p.capacity, truth, 0.15),
            "recommend capacity {} req/s, measured {truth}",
            p.capacity
        );
        // 15 ms of CPU burnt per request (+ gunicorn's own), measured per level.
        assert!(close(c["cpu_ms"]["value"].as_f64().unwrap(), 15.9, 0.10), "{}", c["cpu_ms"]);
    }
}

#[test]
fn the_table_says_warning_like_every_command_and_says_plainly_when_the_usl_has_no_peak() {
    // The saturated ramp's USL over clients has κ = 0: no peak.
    let c = run_json(
        &[
            "calibrate",
            &format!("{REAL}/saturated/run_stats_history.csv"),
            &format!("{REAL}/saturated/cpu.csv"),
            "--vcpu",
            "1",
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!(c["usl"]["kappa"], 0.0, "{}", c["usl"]);
    assert!(c["usl"]["peak_rps"].is_null());
    let (code, table, stderr) = crate::common::run(&[
        "calibrate",
        &format!("{REAL}/saturated/run_stats_history.csv"),
        &format!("{REAL}/saturated/cpu.csv"),
        "--vcpu",
        "1",
        "--format",
        "table",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(table.contains("warning: The ramp is CPU-saturated"), "{table}");
    assert!(!table.contains("Warning:"), "{table}");
    assert!(table.contains("no peak: κ = 0"), "{table}");
    assert!(!table.contains("peak — req/s"), "{table}");
}

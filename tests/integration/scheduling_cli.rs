//! `scheduling: fcfs | ps` (issue 32 part 7): an event loop or thread pool
//! shares the CPU among the requests in progress (M/G/c-PS); FCFS workers
//! queue for a worker. Same capacity, different percentiles; a bad value
//! is a located error (exit 2).

use crate::common::{run, run_json, scratch_dir, write_file};
use serde_json::Value;

/// 40 requests/s at the peak on one instance, 20 ms of CPU each (ρ = 0.8
/// on one vCPU), cv 1.
fn scenario(extra: &str) -> String {
    format!(
        "version: 1
name: event loop
workload:
  users: 4000
  daily_active_ratio: 0.5
  peak_online_ratio: 0.2
  requests_per_online_user_per_min: 6
components:
  - name: api
    role: web
    candidates: [aws/ec2/t3.micro]
    high_availability: false
    min_instances: 1
    max_instances: 1
    concurrency: async
    workers_per_instance: 1
    cpu_ms: 20
    cv: 1
    slo: {{ percentile: 95, response_ms: 5000, max_utilization: 0.95 }}
{extra}"
    )
}

fn api(report: &Value) -> &Value {
    &report["components"][0]
}

#[test]
fn processor_sharing_keeps_the_capacity_and_widens_the_tail() {
    let dir = scratch_dir("scheduling");
    let fcfs = write_file(&dir, "fcfs.yaml", &scenario("    scheduling: fcfs\n"));
    let default = write_file(&dir, "default.yaml", &scenario(""));
    let ps = write_file(&dir, "ps.yaml", &scenario("    scheduling: ps\n"));
    let plan = |path: &str| run_json(&["recommend", "--scenario", path, "--format", "json"], 0);
    let (f, d, p) = (plan(&fcfs), plan(&default), plan(&ps));
    // The default is FCFS: today's plans do not move.
    assert_eq!(api(&f)["p95_ms"], api(&d)["p95_ms"]);
    // M/M/1 FCFS: p95 = ln 20 / (μ − λ) = ln 20 / 10 per second.
    let fcfs_p95 = api(&f)["p95_ms"].as_f64().unwrap();
    assert!((fcfs_p95 - 20f64.ln() / 10.0 * 1e3).abs() < 1e-6, "{fcfs_p95}");
    // Same CPU, same count; under PS the long requests are slowed by every
    // short one: a wider tail at the same mean (M/M/1-PS p95 at ρ 0.8 is
    // about 1.2× FCFS's by the simulation in ps_simulation.rs).
    assert_eq!(api(&p)["count"], api(&f)["count"]);
    assert_eq!(api(&p)["utilization"], api(&f)["utilization"]);
    let ps_p95 = api(&p)["p95_ms"].as_f64().unwrap();
    assert!(ps_p95 > 1.05 * fcfs_p95 && ps_p95 < 1.5 * fcfs_p95, "{ps_p95} vs {fcfs_p95}");
    let (code, stdout, _) = run(&["recommend", "--scenario", &ps, "--explain"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("M/G/1-PS queue (processor sharing)"), "{stdout}");
}

#[test]
fn a_bad_scheduling_is_a_located_error() {
    let dir = scratch_dir("scheduling-bad");
    let bad = write_file(&dir, "bad.yaml", &scenario("    scheduling: round-robin\n"));
    let (code, _, stderr) = run(&["recommend", "--scenario", &bad]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("bad.yaml:20:"), "{stderr}");
    assert!(stderr.contains("scheduling") && stderr.contains("`fcfs` or `ps`"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

//! `calibrate` chooses `scheduling` from how the p95 rises with load:
//! levels measured on a processor-sharing server (the discrete-event
//! simulation of ps_simulation.rs) give `ps`, levels of an FCFS one (M/M/1,
//! exact) give `fcfs`, and a ramp with nothing to compare says so.

use crate::common::{run, run_json, scratch_dir, write_file};
use crate::ps_simulation::simulate;

/// 10 ms of CPU per request on one vCPU, exponential.
const S_MS: f64 = 10.0;
const LEVELS: [f64; 5] = [0.1, 0.3, 0.45, 0.6, 0.75];

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A plain CSV of load levels: clients, throughput, CPU and latency.
fn levels(latency: impl Fn(f64) -> (f64, f64, f64)) -> String {
    let mut csv = String::from("concurrency,requests_per_s,cpu_cores,mean_ms,p50_ms,p95_ms\n");
    for (i, rho) in LEVELS.into_iter().enumerate() {
        let (mean, p50, p95) = latency(rho);
        csv.push_str(&format!("{},{},{rho},{mean},{p50},{p95}\n", i + 1, rho * 1000.0 / S_MS));
    }
    csv
}

fn scheduling(csv: &str, name: &str) -> serde_json::Value {
    let dir = scratch_dir(&format!("calibrate-scheduling-{name}"));
    let file = write_file(&dir, "levels.csv", csv);
    run_json(&["calibrate", &file, "--vcpu", "1", "--format", "json"], 0)
}

#[test]
fn a_processor_sharing_server_is_told_from_an_fcfs_one() {
    let ps = levels(|rho| {
        let mut t = simulate(1, rho, 1.0, 100_000, 7);
        t.sort_by(f64::total_cmp);
        let mean = t.iter().sum::<f64>() / t.len() as f64;
        (mean * S_MS, percentile(&t, 0.5) * S_MS, percentile(&t, 0.95) * S_MS)
    });
    let c = scheduling(&ps, "ps");
    assert_eq!(c["scheduling"]["scheduling"], "ps", "{}", c["scheduling"]);
    assert!(c["patch"].as_str().unwrap().contains("scheduling: ps"), "{}", c["patch"]);

    // M/M/1 FCFS: the response is exponential with rate μ − λ.
    let fcfs = levels(|rho| {
        let mean = S_MS / (1.0 - rho);
        (mean, mean * 2f64.ln(), mean * 20f64.ln())
    });
    let c = scheduling(&fcfs, "fcfs");
    assert_eq!(c["scheduling"]["scheduling"], "fcfs", "{}", c["scheduling"]);
    assert!(c["patch"].as_str().unwrap().contains("scheduling: fcfs"), "{}", c["patch"]);
}

#[test]
fn a_ramp_without_unsaturated_levels_says_it_cannot_tell() {
    let saturated = "concurrency,requests_per_s,cpu_cores,mean_ms,p50_ms,p95_ms\n1,95,0.97,10.5,9,30\n2,98,0.99,20,18,50\n4,99,1,40,37,90\n";
    let c = scheduling(saturated, "saturated");
    assert!(c["scheduling"].is_null(), "{}", c["scheduling"]);
    let reason = c["not_fitted"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["field"] == "scheduling")
        .map(|n| n["reason"].to_string())
        .unwrap_or_default();
    assert!(reason.contains("no unsaturated level"), "{reason}");
    // Asked for, it is an error (exit 2) with that reason.
    let dir = scratch_dir("calibrate-scheduling-fit");
    let file = write_file(&dir, "levels.csv", saturated);
    let (code, _, stderr) = run(&["calibrate", &file, "--vcpu", "1", "--fit", "scheduling"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("scheduling: cannot fit: no unsaturated level"), "{stderr}");
}

//! `capplan calibrate`: synthetic data from known parameters (recovered
//! within 5%), fixtures from real tools (within 10% of what the run was
//! configured with), the end-to-end acceptance against a real
//! blocking-worker server, and located errors.

use crate::common::{close, run, run_json, scratch_dir, testbox, write_file};
use capplan::queueing::ServiceTime;

/// A tier with 2 vCPUs (the machine the fixtures were recorded on).
fn box_tiers() -> String {
    testbox("two", 2, 4096)
}

/// A deterministic wiggle of ±`amount` (relative), standing in for noise.
fn wiggle(i: usize, amount: f64) -> f64 {
    1.0 + amount * ((i as f64) * 1.7).sin()
}

fn calibrate_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["calibrate"];
    all.extend(args);
    all.extend(["--format", "json"]);
    run_json(&all, 0)
}

/// Calibrating `text` with `--fit field` fails, exit 2, saying `message`.
fn cannot_fit(dir: &std::path::Path, name: &str, text: &str, field: &str, message: &str) {
    let path = write_file(dir, name, text);
    let (code, _, stderr) = run(&["calibrate", &path, "--fit", field]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(message), "{stderr}");
}

fn value(report: &serde_json::Value, field: &str) -> f64 {
    report[field]["value"].as_f64().unwrap_or_else(|| panic!("{field} not fitted: {report}"))
}

#[test]
fn cpu_time_is_the_slope_of_cpu_against_throughput() {
    let dir = scratch_dir("calibrate-cpu");
    // 12 ms of CPU per request over 0.05 cores of idle CPU, 1% noise.
    let mut csv = String::from("timestamp,requests_per_s,cpu_cores\n");
    for i in 0..60 {
        let rps = 10.0 + 1.5 * i as f64;
        csv.push_str(&format!(
            "{},{rps},{}\n",
            1_795_000_000 + 60 * i,
            (0.05 + rps * 0.012) * wiggle(i, 0.01)
        ));
    }
    let path = write_file(&dir, "cpu.csv", &csv);
    let r = calibrate_json(&[&path]);
    assert!(close(value(&r, "cpu_ms"), 12.0, 0.05), "{}", r["cpu_ms"]);
    assert!(
        r["cpu_ms"]["low"].as_f64().unwrap() < 12.0
            && r["cpu_ms"]["high"].as_f64().unwrap() > 12.0 * 0.99
    );
    assert_eq!(r["cpu_ms"]["samples"], 60);
    // The same load as CPU % of two 2-vCPU instances needs the tier's vCPUs.
    let mut pct = String::from("timestamp,requests_per_s,cpu_percent,instances\n");
    for i in 0..60 {
        let rps = 10.0 + 1.5 * i as f64;
        let cores = 0.05 + rps * 0.012;
        pct.push_str(&format!("{},{rps},{},2\n", 1_795_000_000 + 60 * i, cores / 4.0 * 100.0));
    }
    let path = write_file(&dir, "pct.csv", &pct);
    let tiers = write_file(&dir, "box.yaml", &box_tiers());
    let r = calibrate_json(&[&path, "--tiers", &tiers, "--tier", "testbox/vm/two"]);
    assert!(close(value(&r, "cpu_ms"), 12.0, 1e-6), "{}", r["cpu_ms"]);
    let (code, _, stderr) = run(&["calibrate", &path, "--fit", "cpu_ms"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "cpu_ms: cannot fit: cpu_percent needs the vCPUs of an instance: pass --vcpu N"
        ),
        "{stderr}"
    );
    // --vcpu describes the same box without a catalog: the same fit.
    let r = calibrate_json(&[&path, "--vcpu", "2"]);
    assert!(close(value(&r, "cpu_ms"), 12.0, 1e-6), "{}", r["cpu_ms"]);
    // Half the vCPUs: the same CPU % is half the cores.
    let r = calibrate_json(&[&path, "--vcpu", "1"]);
    assert!(close(value(&r, "cpu_ms"), 6.0, 1e-6), "{}", r["cpu_ms"]);
}

#[test]
fn cpu_that_does_not_follow_the_load_has_no_trustworthy_cpu_ms() {
    // CPU near 0.3 of 2 vCPUs whatever the rate, no samples without load:
    // the idle CPU could be most of it, and the slope says nothing.
    let dir = scratch_dir("calibrate-untrusted");
    let mut csv = String::from("timestamp,requests_per_s,cpu_cores,mean_ms\n");
    for i in 0..12 {
        let rps = 10.0 + i as f64;
        csv.push_str(&format!("{},{rps},{},30\n", 1_795_000_000 + 60 * i, 0.3 * wiggle(i, 0.2)));
    }
    let path = write_file(&dir, "flat.csv", &csv);
    let tiers = write_file(&dir, "box.yaml", &box_tiers());
    let (code, _, stderr) = run(&[
        "calibrate",
        &path,
        "--tiers",
        &tiers,
        "--tier",
        "testbox/vm/two",
        "--fit",
        "cpu_ms",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cpu_ms: cannot fit: no trustworthy value: the slope"), "{stderr}");
    assert!(stderr.contains("record CPU for ~10 s before the test starts"), "{stderr}");
}

#[test]
fn requests_per_user_and_the_daily_profile_come_from_a_rate_series() {
    let dir = scratch_dir("calibrate-profile");
    let shape = [
        0.2, 0.15, 0.1, 0.1, 0.1, 0.15, 0.3, 0.5, 0.7, 0.85, 0.9, 0.95, 1.0, 0.95, 0.9, 0.85, 0.8,
        0.8, 0.85, 0.9, 0.8, 0.6, 0.4, 0.3,
    ];
    // Two days at 5-minute steps, 3 requests per online user per minute.
    let mut csv = String::from("timestamp,requests_per_s,online_users\n");
    let start = 1_795_046_400; // midnight UTC
    for i in 0..(2 * 24 * 12) {
        let t = start + 300 * i;
        let users = 2000.0 * shape[(i / 12) % 24];
        let rps = users * 3.0 / 60.0 * wiggle(i, 0.02);
        csv.push_str(&format!("{t},{rps},{users}\n"));
    }
    let path = write_file(&dir, "rate.csv", &csv);
    let r = calibrate_json(&[&path]);
    assert!(close(value(&r, "requests_per_online_user_per_min"), 3.0, 0.05));
    let hours: Vec<f64> = r["load_profile"]["hours"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_f64().unwrap())
        .collect();
    for (got, want) in hours.iter().zip(shape) {
        assert!(close(*got, want, 0.05), "{hours:?}");
    }
    let average = shape.iter().sum::<f64>() / 24.0;
    assert!(close(r["load_profile"]["peak_to_average"].as_f64().unwrap(), 1.0 / average, 0.05));
    // The patch carries both, commented, and plans like the edited scenario.
    let patch = r["patch"].as_str().unwrap();
    // Its range travels as the scenario's interval, the fit as its median.
    let line = patch
        .lines()
        .find(|l| l.starts_with("  requests_per_online_user_per_min: { low: "))
        .unwrap_or_else(|| panic!("{patch}"));
    let mid: f64 = line.split("mid: ").nth(1).unwrap().split(',').next().unwrap().parse().unwrap();
    assert!(close(mid, 3.0, 0.05), "{line}");
    assert!(patch.contains("  load_profile: [0.2"), "{patch}");
    let patch_path = write_file(&dir, "patch.yaml", patch);
    let plan =
        run_json(&["recommend", "--users", "5000", "--patch", &patch_path, "--format", "json"], 0);
    assert!(close(
        plan["demand"]["peak_rpm"].as_f64().unwrap() / 5000.0,
        plan["demand"]["online_users"].as_f64().unwrap() / 5000.0 * 3.0,
        0.05
    ));
    // Half a day does not give a daily profile.
    let half: String = csv.lines().take(1 + 12 * 12).map(|l| format!("{l}\n")).collect();
    cannot_fit(&dir, "half.csv", &half, "load_profile", "12 of 24 hours have samples");
}

#[test]
fn usl_over_instances_is_recovered_and_patched() {
    let dir = scratch_dir("calibrate-usl");
    let (sigma, kappa, lambda) = (0.03, 0.0005, 100.0);
    let mut csv = String::from("instances,requests_per_s\n");
    for n in 1..=12 {
        let nf = n as f64;
        let x = lambda * nf / (1.0 + sigma * (nf - 1.0) + kappa * nf * (nf - 1.0));
        csv.push_str(&format!("{n},{}\n", x * wiggle(n, 0.0005)));
    }
    let path = write_file(&dir, "scale.csv", &csv);
    let r = calibrate_json(&[&path]);
    let usl = &r["usl"];
    assert!(close(usl["sigma"].as_f64().unwrap(), sigma, 0.05), "{usl}");
    assert!(close(usl["kappa"].as_f64().unwrap(), kappa, 0.05), "{usl}");
    assert!(close(usl["lambda1"].as_f64().unwrap(), lambda, 0.05), "{usl}");
    assert!(close(usl["peak_n"].as_f64().unwrap(), ((1.0 - sigma) / kappa).sqrt(), 0.05), "{usl}");
    assert_eq!(usl["across"], "instances");
    assert!(r["patch"].as_str().unwrap().contains("usl: {sigma: 0.03"), "{}", r["patch"]);
    // Five levels are too few.
    let five: String = csv.lines().take(6).map(|l| format!("{l}\n")).collect();
    cannot_fit(
        &dir,
        "five.csv",
        &five,
        "usl",
        "5 distinct instances level(s) with throughput; the Universal Scalability Law needs at least 6",
    );
}

#[test]
fn latency_shape_gives_holding_time_and_cv() {
    let dir = scratch_dir("calibrate-shape");
    for cv in [0.5, 1.0, 1.5] {
        let s = ServiceTime::new(80.0, cv);
        let csv = format!(
            "requests_per_s,mean_ms,p50_ms,p95_ms,p99_ms\n1,80,{},{},{}\n",
            s.percentile(0.5),
            s.percentile(0.95),
            s.percentile(0.99)
        );
        let path = write_file(&dir, "low.csv", &csv);
        let r = calibrate_json(&[&path]);
        assert!(close(value(&r, "cv"), cv, 0.05), "cv {cv}: {}", r["cv"]);
        assert!(close(value(&r, "holding_ms"), 80.0, 0.05));
        // The default scenario's api has 25 ms of CPU: the rest is I/O.
        assert!(close(value(&r, "io_ms"), 55.0, 1e-9), "{}", r["io_ms"]);
    }
}

/// A closed-loop ramp of 1..10 clients against `slots` servers holding
/// 50 ms each, with `cpu_ms` of CPU per request.
fn ramp(slots: f64, cpu_ms: f64) -> String {
    let mut csv = String::from("concurrency,requests_per_s,mean_ms,cpu_cores\n");
    for n in 1..=10 {
        let x = (n as f64).min(slots) / 0.05;
        csv.push_str(&format!("{n},{x},{},{}\n", n as f64 / x * 1000.0, x * cpu_ms / 1000.0));
    }
    csv
}

#[test]
fn the_plateau_tells_blocking_workers_from_cpu() {
    let dir = scratch_dir("calibrate-plateau");
    let tiers = write_file(&dir, "box.yaml", &box_tiers());
    let idle = write_file(&dir, "idle.csv", &ramp(4.0, 2.0));
    let r = calibrate_json(&[&idle, "--tiers", &tiers, "--tier", "testbox/vm/two"]);
    assert_eq!(r["model"]["concurrency"], "blocking", "{}", r["model"]);
    assert_eq!(r["model"]["workers"], 4);
    assert!(close(r["slots"]["saturation_rps"].as_f64().unwrap(), 80.0, 1e-9));
    let patch = r["patch"].as_str().unwrap();
    assert!(patch.contains("concurrency: blocking\n    workers_per_instance: 4\n"), "{patch}");
    // CPU-bound: 25 ms of CPU per request saturates both vCPUs at 80 req/s.
    let busy = write_file(&dir, "busy.csv", &ramp(4.0, 25.0));
    let r = calibrate_json(&[&busy, "--tiers", &tiers, "--tier", "testbox/vm/two"]);
    assert_eq!(r["model"]["concurrency"], "async", "{}", r["model"]);
    // Without vCPUs it says what is missing; with --workers it splits threads.
    let r = calibrate_json(&[&idle]);
    assert!(r["model"].is_null());
    assert!(r["not_fitted"].to_string().contains("--tier"), "{}", r["not_fitted"]);
    let eight = write_file(&dir, "eight.csv", &ramp(8.0, 2.0));
    let r = calibrate_json(&[&eight, "--workers", "2"]);
    assert_eq!(r["model"]["threads"], 4, "{}", r["model"]);
    // Still rising at the top: no plateau.
    cannot_fit(&dir, "rising.csv", &ramp(20.0, 2.0), "workers", "still rising at the highest load");
}

#[test]
fn a_plateau_swinging_12_percent_at_full_cpu_is_still_a_plateau() {
    // A mixed workload on one vCPU: 84 req/s at 100% CPU from 2 clients
    // on, the throughput swinging ±12% between levels; then 2 blocking
    // workers holding 40 ms whose top level dips 10%.
    let dir = scratch_dir("calibrate-noisy-plateau");
    let tiers = write_file(&dir, "box.yaml", &testbox("one", 1, 4096));
    let mut csv = String::from("concurrency,requests_per_s,mean_ms,cpu_cores\n");
    for n in 1..=10 {
        let x = if n == 1 { 75.0 } else { 84.0 * wiggle(n, 0.12) };
        let cpu = if n == 1 { 0.9 } else { 0.99 };
        csv.push_str(&format!("{n},{x},{},{cpu}\n", n as f64 / x * 1000.0));
    }
    let path = write_file(&dir, "cpu_bound.csv", &csv);
    let r = calibrate_json(&[&path, "--tiers", &tiers, "--tier", "testbox/vm/one"]);
    assert_eq!(r["model"]["concurrency"], "async", "{}", r["model"]);
    assert!(close(r["slots"]["saturation_rps"].as_f64().unwrap(), 84.0, 0.10), "{}", r["slots"]);
    assert!(!r["not_fitted"].to_string().contains("ramp the test further"), "{}", r["not_fitted"]);
    assert!(r["warnings"].to_string().contains("CPU-saturated from its first levels"));
    let mut csv = String::from("concurrency,requests_per_s,mean_ms,cpu_cores\n");
    for (i, n) in [2, 4, 6, 8, 10, 12, 14].into_iter().enumerate() {
        // Think time 0.2 s; 2 workers / 40 ms = 50 req/s at most.
        let free = n as f64 / 0.24;
        let x = if n == 14 { 45.0 } else { free.min(50.0 * wiggle(i, 0.04)) };
        let r_ms = (n as f64 / x - 0.2).max(0.04) * 1000.0;
        csv.push_str(&format!("{n},{x},{r_ms},{}\n", x * 0.015));
    }
    let path = write_file(&dir, "workers.csv", &csv);
    let tiers = write_file(&dir, "box2.yaml", &box_tiers());
    let r = calibrate_json(&[&path, "--tiers", &tiers, "--tier", "testbox/vm/two"]);
    assert_eq!(r["model"]["concurrency"], "blocking", "{csv}{}", r["model"]);
    assert_eq!(r["model"]["workers"], 2, "{}", r["model"]);
}

#[test]
fn prometheus_counters_and_cloudwatch_queries_give_cpu_time() {
    let dir = scratch_dir("calibrate-metrics");
    // Two pods' counters over 40 one-minute steps; 8 ms of CPU per request.
    let mut requests = [0.0f64; 2];
    let mut cpu = [0.0f64; 2];
    let mut series: Vec<Vec<String>> = vec![Vec::new(); 4];
    for step in 0..40 {
        let t = 1_795_000_000 + 60 * step;
        for pod in 0..2 {
            let rate = 20.0 + step as f64 * (1.0 + pod as f64);
            if step > 0 {
                requests[pod] += rate * 60.0;
                cpu[pod] += (0.02 + rate * 0.008) * 60.0;
            }
            series[pod].push(format!("[{t},\"{}\"]", requests[pod]));
            series[2 + pod].push(format!("[{t},\"{}\"]", cpu[pod]));
        }
    }
    let result: Vec<String> = (0..4)
        .map(|k| {
            let name = if k < 2 { "http_requests_total" } else { "process_cpu_seconds_total" };
            format!(
                "{{\"metric\":{{\"__name__\":\"{name}\",\"pod\":\"p{}\"}},\"values\":[{}]}}",
                k % 2,
                series[k].join(",")
            )
        })
        .collect();
    let json = format!(
        "{{\"status\":\"success\",\"data\":{{\"resultType\":\"matrix\",\"result\":[{}]}}}}",
        result.join(",")
    );
    let prom = write_file(&dir, "prom.json", &json);
    let r = calibrate_json(&[&prom, "--fit", "cpu_ms"]);
    assert!(close(value(&r, "cpu_ms"), 8.0, 1e-6), "{}", r["cpu_ms"]);
    assert_eq!(r["sources"][0]["format"], "prometheus");
    // CloudWatch: CPU % of one 2-vCPU instance and the ALB's request Sum per minute.
    let (mut times, mut cpu_values, mut counts) = (Vec::new(), Vec::new(), Vec::new());
    for step in (0..30).rev() {
        let rps = 5.0 + 3.0 * step as f64;
        times.push(format!("\"2026-11-20T10:{step:02}:00+00:00\""));
        cpu_values.push(format!("{}", (0.01 + rps * 0.010) / 2.0 * 100.0));
        counts.push(format!("{}", rps * 60.0));
    }
    let output = format!(
        "{{\"MetricDataResults\":[{{\"Id\":\"cpu\",\"Label\":\"CPUUtilization\",\"Timestamps\":[{t}],\"Values\":[{c}],\"StatusCode\":\"Complete\"}},{{\"Id\":\"reqs\",\"Label\":\"RequestCount\",\"Timestamps\":[{t}],\"Values\":[{n}],\"StatusCode\":\"Complete\"}}],\"Messages\":[]}}",
        t = times.join(","),
        c = cpu_values.join(","),
        n = counts.join(",")
    );
    let queries = r#"[
  {"Id": "cpu", "MetricStat": {"Metric": {"Namespace": "AWS/EC2", "MetricName": "CPUUtilization", "Dimensions": [{"Name": "InstanceId", "Value": "i-0abc"}]}, "Period": 60, "Stat": "Average"}},
  {"Id": "reqs", "MetricStat": {"Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": "RequestCount", "Dimensions": [{"Name": "LoadBalancer", "Value": "app/web/1"}]}, "Period": 60, "Stat": "Sum"}}
]"#;
    let out = write_file(&dir, "out.json", &output);
    let q = write_file(&dir, "queries.json", queries);
    let tiers = write_file(&dir, "box.yaml", &box_tiers());
    let r = calibrate_json(&[&out, &q, "--tiers", &tiers, "--tier", "testbox/vm/two"]);
    assert!(close(value(&r, "cpu_ms"), 10.0, 1e-6), "{}", r["cpu_ms"]);
    // The output alone cannot be read: the ids need their queries.
    let (code, _, stderr) = run(&["calibrate", &out]);
    assert_eq!(code, 2);
    assert!(stderr.contains("MetricDataResults[0].Id: no query names id 'cpu'"), "{stderr}");
}

const LOCUST: &str = "tests/fixtures/calibrate/locust-gunicorn";

/// The server: 4 gunicorn sync workers, each request holding its worker for
/// an exponential time with mean 40 ms (see the fixture's README).
const WORKERS: u64 = 4;
const HOLD_MS: f64 = 40.0;

#[test]
fn acceptance_locust_ramp_recovers_the_server_and_predicts_its_p95() {
    let dir = scratch_dir("calibrate-acceptance");
    let tiers = write_file(&dir, "box.yaml", &box_tiers());
    let scenario = write_file(
        &dir,
        "server.yaml",
        "version: 1
name: the measured gunicorn server
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
    slo: { percentile: 95, response_ms: 5000, max_utilization: 0.99 }
",
    );
    let patch = dir.join("calibrated.yaml").to_string_lossy().into_owned();
    let history = format!("{LOCUST}/run_stats_history.csv");
    let cpu = format!("{LOCUST}/cpu.csv");
    let args = [
        history.as_str(),
        &cpu,
        "--scenario",
        &scenario,
        "--tiers",
        &tiers,
        "--tier",
        "testbox/vm/two",
    ];
    let (code, table, stderr) = run(&[&["calibrate"], &args[..], &["--out", &patch]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(table.contains("blocking, 4 worker(s)"), "{table}");
    let r = calibrate_json(&args);
    // The holding time within 10% of the configured mean, the workers exactly.
    let holding = value(&r, "holding_ms");
    assert!(close(holding, HOLD_MS, 0.10), "holding {holding} ms");
    assert_eq!(r["model"]["workers"], WORKERS);
    assert_eq!(r["model"]["concurrency"], "blocking");
    // Exponential holding plus the fixed overhead measured above 40 ms.
    assert!(close(value(&r, "cv"), HOLD_MS / holding, 0.10), "{}", r["cv"]);
    // Open-loop Poisson at 70 req/s (70% of 4 workers / 40 ms): measured p95.
    let text = std::fs::read_to_string(format!("{LOCUST}/open_loop_70rps.csv")).unwrap();
    let mut measured: Vec<f64> = text.lines().skip(1).map(|l| l.parse().unwrap()).collect();
    measured.sort_by(f64::total_cmp);
    let measured_p95 = measured[(0.95 * measured.len() as f64) as usize];
    let plan = run_json(
        &[
            "recommend",
            "--scenario",
            &scenario,
            "--tiers",
            &tiers,
            "--patch",
            &patch,
            "--rps",
            "70",
            "--users",
            "1000",
            "--format",
            "json",
        ],
        0,
    );
    let predicted = plan["components"][0]["p95_ms"].as_f64().unwrap();
    assert!(
        close(predicted, measured_p95, 0.15),
        "predicted p95 {predicted} ms, measured {measured_p95} ms"
    );
    assert!(plan["patched"].to_string().contains("workers_per_instance"), "{}", plan["patched"]);
}

#[test]
fn summary_fixtures_of_a_one_client_run_recover_the_holding_time() {
    // k6 (both JSON shapes) and Locust's stats CSV and --json of one client
    // without think time: latency = holding time (+ loopback), cv of an
    // exponential hold.
    for file in [
        "tests/fixtures/calibrate/k6/summary-export.json",
        "tests/fixtures/calibrate/k6/handle-summary.json",
        &format!("{LOCUST}/low_stats.csv"),
        &format!("{LOCUST}/low.json"),
        "tests/fixtures/calibrate/gatling/stats.json",
    ] {
        let r = calibrate_json(&[file, "--fit", "cv"]);
        let holding = value(&r, "holding_ms");
        assert!(close(holding, HOLD_MS, 0.10), "{file}: holding {holding}");
        assert!(close(value(&r, "cv"), 1.0, 0.10), "{file}: {}", r["cv"]);
    }
}

#[test]
fn bad_measurements_are_located_and_exit_2_without_writing() {
    let dir = scratch_dir("calibrate-errors");
    let cases: [(&str, &str, &str); 7] = [
        ("unknown.csv", "a,b\n1,2\n", "unknown format"),
        (
            "order.csv",
            "timestamp,requests_per_s\n100,1\n90,2\n",
            "order.csv:3: timestamp: earlier than the row before",
        ),
        (
            "inf.csv",
            "requests_per_s,p50_ms\n1,inf\n",
            "inf.csv:2: p50_ms: expected a finite number",
        ),
        (
            "text.csv",
            "requests_per_s,p50_ms\n1,fast\n",
            "text.csv:2: p50_ms: expected a number, found 'fast'",
        ),
        ("cells.csv", "requests_per_s,p50_ms\n1\n", "cells.csv:2: expected 2 cells"),
        (
            "prom.json",
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"http_requests_total"},"values":[[10,"1"],[5,"2"]]}]}}"#,
            "prom.json: data.result[0].values[1]: timestamps must increase",
        ),
        (
            "anon.json",
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[10,"1"]}]}}"#,
            "prefix the file with the metric, e.g. requests_per_s=",
        ),
    ];
    let out = write_file(&dir, "patch.yaml", "# the previous patch\n");
    for (name, text, message) in cases {
        let path = write_file(&dir, name, text);
        let (code, stdout, stderr) = run(&["calibrate", &path, "--out", &out]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "# the previous patch\n");
    }
    let k6 = "tests/fixtures/calibrate/k6/summary-export.json";
    let (code, _, stderr) = run(&["calibrate", k6, "--fit", "cpu_ms"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cpu_ms: cannot fit: no rows with both requests_per_s and CPU"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["calibrate", k6, "--fit", "speed"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--fit: unknown field 'speed'"), "{stderr}");
    let (code, _, stderr) = run(&["calibrate", k6, "--client-overhead-ms", "nan"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--client-overhead-ms: expected a time in ms"), "{stderr}");
    let (code, _, stderr) = run(&["calibrate", "latency=x.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown metric 'latency'"), "{stderr}");
    let (code, _, stderr) = run(&["calibrate", k6, "--component", "nope"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no component 'nope'"), "{stderr}");
}

#[test]
fn prometheus_fixture_recovers_the_servers_cpu_time() {
    // A real Prometheus scraping a server that burns 20 ms of CPU and then
    // sleeps 10 ms per request, under open-loop steps of 5 to 25 req/s
    // (tests/fixtures/calibrate/README.md).
    let dir = "tests/fixtures/calibrate/prometheus";
    let r = calibrate_json(&[
        &format!("{dir}/requests.json"),
        &format!("{dir}/cpu.json"),
        &format!("{dir}/latency.json"),
        "--fit",
        "cpu_ms",
    ]);
    let cpu = value(&r, "cpu_ms");
    assert!(close(cpu, 20.0, 0.10), "cpu_ms {cpu}: {}", r["cpu_ms"]);
    let holding = value(&r, "holding_ms");
    assert!(close(holding, 30.0, 0.10), "holding {holding}: {}", r["holding_ms"]);
    // io_ms splits the holding time with the CPU measured at the lowest
    // load, and says what it is made of.
    assert!(close(value(&r, "io_ms"), holding - cpu, 0.02), "{}", r["io_ms"]);
    let method = r["io_ms"]["method"].as_str().unwrap();
    assert!(method.contains("the load generator's own time"), "{method}");
}

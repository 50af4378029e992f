//! Issue 32 parts 3 and 4: the calibrated patch carries every fitted field,
//! ranges as intervals that `recommend --patch` samples; `--fit` restricts
//! what it writes; what is not fitted is listed and left alone; `--vcpu`
//! describes the load-test machine; docs/calibrate.md's worked example runs.

use crate::common::{run, run_json, scratch_dir, write_file};

const REAL: &str = "tests/fixtures/calibrate/real";

/// The `{ low, mid, high }` of `field` in patch text, if written as an interval.
fn interval(patch: &str, field: &str) -> Option<(f64, f64, f64)> {
    let line = patch.lines().find(|l| l.trim_start().starts_with(&format!("{field}: {{")))?;
    let nums: Vec<f64> = line
        .split(['{', '}', ','])
        .filter_map(|p| p.split(':').nth(1).and_then(|v| v.trim().parse().ok()))
        .collect();
    (nums.len() == 3).then(|| (nums[0], nums[1], nums[2]))
}

fn calibrate(fixture: &str, extra: &[&str]) -> (i32, String, String) {
    let history = format!("{REAL}/{fixture}/run_stats_history.csv");
    let cpu = format!("{REAL}/{fixture}/cpu.csv");
    let scenario = format!("{REAL}/scenario.yaml");
    let mut args = vec!["calibrate", &history, &cpu, "--scenario", &scenario];
    args.extend(extra);
    run(&args)
}

/// The open-loop truth: least-squares slope of CPU cores over the achieved
/// rate (truth.json), in ms per request.
fn truth_cpu_ms(fixture: &str) -> f64 {
    let text = std::fs::read_to_string(format!("{REAL}/{fixture}/truth.json")).unwrap();
    let t: serde_json::Value = serde_json::from_str(&text).unwrap();
    let points: Vec<(f64, f64)> = t["open_loop"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["achieved_rps"].as_f64().unwrap(), r["cpu_cores"].as_f64().unwrap()))
        .collect();
    let n = points.len() as f64;
    let (mx, my) = points.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let sxy: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = points.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    sxy / sxx * 1000.0
}

#[test]
fn the_patch_carries_every_fitted_field_with_its_range() {
    let (code, patch, stderr) = calibrate("gunicorn2", &["--vcpu", "2"]);
    assert_eq!(code, 0, "{stderr}");
    let (lo, mid, hi) = interval(&patch, "cpu_ms").expect("cpu_ms as an interval");
    assert!(lo < mid && mid < hi, "{patch}");
    let truth = truth_cpu_ms("gunicorn2");
    assert!(lo <= truth && truth <= hi, "truth {truth} outside {lo}–{hi}");
    let (lo, mid, hi) = interval(&patch, "io_ms").expect("io_ms as an interval");
    assert!(lo < mid && mid < hi && lo >= 0.0, "{patch}");
    let (lo, _, hi) = interval(&patch, "cv").expect("cv as an interval");
    assert!(lo < hi, "{patch}");
    assert!(patch.contains("    concurrency: blocking\n    workers_per_instance: 2\n"), "{patch}");
}

#[test]
fn fit_writes_only_the_fields_asked_for() {
    let (code, patch, stderr) = calibrate(
        "gunicorn2",
        &["--vcpu", "2", "--fit", "cpu_ms", "--fit", "workers_per_instance"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(interval(&patch, "cpu_ms").is_some(), "{patch}");
    assert!(patch.contains("    workers_per_instance: 2\n"), "{patch}");
    for absent in ["io_ms:", "cv:", "concurrency:", "load_profile", "Not fitted"] {
        assert!(!patch.contains(absent), "{absent} written: {patch}");
    }
    let (code, patch, _) = calibrate("gunicorn2", &["--vcpu", "2", "--fit", "concurrency"]);
    assert_eq!(code, 0);
    assert!(
        patch.contains("    concurrency: blocking\n") && !patch.contains("workers_per"),
        "{patch}"
    );
    // An async server has no worker count to write: asked for, it is an error.
    let (code, _, stderr) =
        calibrate("saturated", &["--vcpu", "1", "--fit", "workers_per_instance"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("workers_per_instance: cannot fit: the data shows an async server"),
        "{stderr}"
    );
}

#[test]
fn a_field_not_fitted_is_listed_with_its_reason_and_keeps_the_scenario_value() {
    // The paced ramp never saturates: no plateau, so no server model.
    let dir = scratch_dir("calibrate-patch-unfitted");
    let (code, patch, stderr) = calibrate("paced", &["--vcpu", "1"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        patch.contains("# Not fitted, the scenario's value kept: workers: ")
            && patch.contains("ramp the test further"),
        "{patch}"
    );
    assert!(stderr.contains("note: workers not fitted, the scenario's value kept: "), "{stderr}");
    assert!(!patch.contains("concurrency:"), "{patch}");
    // Applied, the scenario's own concurrency stands.
    let path = write_file(&dir, "patch.yaml", &patch);
    let scenario = format!("{REAL}/scenario.yaml");
    let tiers = format!("{REAL}/box.yaml");
    let plan = run_json(
        &[
            "recommend",
            "--scenario",
            &scenario,
            "--tiers",
            &tiers,
            "--patch",
            &path,
            "--rps",
            "40",
            "--users",
            "1000",
            "--format",
            "json",
        ],
        0,
    );
    let patched = plan["patched"].to_string();
    assert!(
        patched.contains("components.api.cpu_ms") && !patched.contains("concurrency"),
        "{patched}"
    );
}

#[test]
fn vcpu_describes_the_box_without_a_catalog() {
    let (code, with_vcpu, _) = calibrate("saturated", &["--vcpu", "1", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&with_vcpu).unwrap();
    assert_eq!(v["model"]["concurrency"], "async", "{}", v["model"]);
    assert!(v["model"]["reason"].as_str().unwrap().contains("of 1 vCPU"), "{}", v["model"]);
    // A quota: half a core makes the same CPU 190% of the box, not 95%.
    let (code, quota, _) = calibrate("saturated", &["--vcpu", "0.5", "--format", "json"]);
    assert_eq!(code, 0);
    let q: serde_json::Value = serde_json::from_str(&quota).unwrap();
    assert!(q["model"].to_string().contains("of 0.5 vCPU"), "{}", q["model"]);
    for (flags, message) in [
        (vec!["--vcpu", "0"], "--vcpu: expected the machine's vCPUs"),
        (vec!["--vcpu", "-1"], "--vcpu: expected the machine's vCPUs"),
        (vec!["--vcpu", "1", "--tier", "a/b/c"], "cannot be used with"),
    ] {
        let (code, _, stderr) = calibrate("saturated", &flags);
        assert_eq!(code, 2, "{flags:?}");
        assert!(stderr.contains(message), "{flags:?}: {stderr}");
    }
    // Neither: the fits that need the box say so.
    let (code, _, stderr) = calibrate("gunicorn2", &["--fit", "workers"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--vcpu or --tier"), "{stderr}");
}

#[test]
fn a_patch_interval_replaces_the_scenario_interval_in_the_sampled_worlds() {
    let dir = scratch_dir("calibrate-patch-interval");
    let scenario = format!("{REAL}/scenario.yaml");
    let tiers = format!("{REAL}/box.yaml");
    let base = run_json(
        &[
            "recommend",
            "--scenario",
            &scenario,
            "--tiers",
            &tiers,
            "--rps",
            "40",
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!(base["uncertainty"]["inputs"][0]["high"], 20.0, "the scenario's guess is sampled");
    let point = write_file(&dir, "point.yaml", "components:\n  - name: api\n    cpu_ms: 9\n");
    let plan = run_json(
        &[
            "recommend",
            "--scenario",
            &scenario,
            "--tiers",
            &tiers,
            "--patch",
            &point,
            "--rps",
            "40",
            "--format",
            "json",
        ],
        0,
    );
    assert!(
        plan["uncertainty"].is_null(),
        "a point value ends the interval: {}",
        plan["uncertainty"]
    );
    let bad =
        write_file(&dir, "bad.yaml", "components:\n  - name: api\n    min_instances: [1, 2]\n");
    let (code, _, stderr) =
        run(&["recommend", "--scenario", &scenario, "--tiers", &tiers, "--patch", &bad]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("bad.yaml:3") && stderr.contains("cannot take an interval"),
        "{stderr}"
    );
}

/// The commands of docs/calibrate.md's worked example, exactly as written,
/// with `calibrated.yaml` put in a scratch folder.
fn worked_example() -> Vec<Vec<String>> {
    let doc = std::fs::read_to_string("docs/calibrate.md").unwrap();
    let at = doc.find("<!-- worked-example: vcpu -->").expect("the marker");
    let block = &doc[at..];
    let start = block.find("```sh\n").unwrap() + 6;
    let end = start + block[start..].find("```").unwrap();
    block[start..end]
        .lines()
        .filter(|l| l.starts_with("capplan "))
        .map(|l| l.split_whitespace().skip(1).map(str::to_string).collect())
        .collect()
}

#[test]
fn worked_example_in_docs_runs_and_its_range_holds_the_truth() {
    let dir = scratch_dir("calibrate-worked-example");
    let out = dir.join("calibrated.yaml").display().to_string();
    let commands = worked_example();
    assert_eq!(commands.len(), 2, "{commands:?}");
    let mut outputs = Vec::new();
    for command in &commands {
        let args: Vec<&str> =
            command.iter().map(|a| if a == "calibrated.yaml" { out.as_str() } else { a }).collect();
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        outputs.push((args.iter().map(|a| a.to_string()).collect::<Vec<_>>(), stdout));
    }
    let patch = std::fs::read_to_string(&out).unwrap();
    let doc = std::fs::read_to_string("docs/calibrate.md").unwrap();
    let (lo, mid, hi) = interval(&patch, "cpu_ms").unwrap();
    assert!(doc.contains(&format!("cpu_ms: {{ low: {lo}, mid: {mid}, high: {hi} }}")), "{patch}");
    let truth = truth_cpu_ms("saturated");
    assert!(lo <= truth && truth <= hi, "truth {truth} outside {lo}–{hi}");
    // The plan's text samples the patch's range, not the scenario's guess.
    let text = &outputs[1].1;
    assert!(text.contains("Across 2,000 sampled worlds"), "{text}");
    assert!(
        text.contains(&format!("components.api.cpu_ms = {{low: {lo}, mid: {mid}, high: {hi}}}")),
        "{text}"
    );
    let mut json_args = outputs[1].0.clone();
    json_args.extend(["--format".into(), "json".into()]);
    let refs: Vec<&str> = json_args.iter().map(String::as_str).collect();
    let plan = run_json(&refs, 0);
    let inputs = plan["uncertainty"]["inputs"].as_array().unwrap();
    let cpu = inputs.iter().find(|i| i["field"] == "components.api.cpu_ms").unwrap();
    assert_eq!((cpu["low"].as_f64(), cpu["high"].as_f64()), (Some(lo), Some(hi)));
    assert_eq!(cpu["file"], out.as_str());
    // The doc's figures: 49.5% CPU at 47 req/s; 1,976–2,021 users.
    let c = &plan["components"][0];
    assert!((c["utilization"].as_f64().unwrap() - 0.495).abs() < 0.001, "{c}");
    let users = &plan["uncertainty"]["least_regret"]["max_users"];
    assert!(
        doc.contains(&format!(
            "serves {}–{} users",
            thousands(&users["p5"]),
            thousands(&users["p95"])
        )),
        "{users}"
    );
}

fn thousands(v: &serde_json::Value) -> String {
    let n = v.as_f64().unwrap().round() as u64;
    if n >= 1000 { format!("{},{:03}", n / 1000, n % 1000) } else { n.to_string() }
}

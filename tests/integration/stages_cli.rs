//! `capplan stages` and stage templates in `recommend`.

use crate::common::{run, run_json, run_on_day};
use capplan::planner::Planner;

#[test]
fn stages_json_contract_and_exact_template_costs() {
    let json = run_json(&["stages", "--format", "json"], 0);
    assert_eq!(json["scenario"], "Interview Prep API (default)");
    let stages = json["stages"].as_array().unwrap();
    let names: Vec<&str> = stages.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Free", "Starter", "Growth", "Scale"]);
    for s in stages {
        for field in ["name", "index", "monthly_usd", "max_users", "max_rpm", "binding", "claims"] {
            assert!(s.get(field).is_some(), "missing {field}");
        }
        for c in s["claims"].as_array().unwrap() {
            for field in ["what", "claimed", "computed", "ok"] {
                assert!(c.get(field).is_some(), "missing claims[].{field}");
            }
        }
    }
    // Starter: 2 × $25 + 2 × $25 + M10 $56.94 + 250 MB $5, against the guide's "~$50-70".
    let starter = &stages[1];
    assert!((starter["monthly_usd"].as_f64().unwrap() - 161.94).abs() < 1e-9);
    let cost_claim =
        starter["claims"].as_array().unwrap().iter().find(|c| c["what"] == "monthly_usd").unwrap();
    assert_eq!(cost_claim["claimed"], serde_json::json!([50.0, 70.0]));
    assert_eq!(cost_claim["ok"], false);
    // Free: 0.1 vCPU makes 25 ms of CPU a 250 ms exponential service: its p95
    // alone (750 ms) misses 500 ms, so the template serves no one.
    assert_eq!(stages[0]["max_users"], 0.0);
    assert_eq!(stages[0]["binding"], "api: p95");
}

#[test]
fn template_capacity_is_tight() {
    let catalog = capplan::catalog::load().unwrap();
    let file = capplan::scenario::load_scenario(None).unwrap();
    let planner = Planner::new(&file.scenario, &catalog);
    let report = capplan::report::stages::stages(&file.scenario, &catalog);
    for (stage, row) in file.scenario.stages.iter().zip(&report.stages) {
        let mix = capplan::planner::stages::stage_mix(&file.scenario, stage).unwrap();
        let max = row.max_users.unwrap();
        if max > 0.0 {
            assert!(planner.mix_holds(&mix, max), "{}", row.name);
        }
        assert!(!planner.mix_holds(&mix, max + 1.0), "{}", row.name);
        let rpm = capplan::demand::demand(&file.scenario, max.max(1.0)).peak_rpm;
        if max > 0.0 {
            assert!((row.max_rpm.unwrap() - rpm).abs() < 1e-9);
        }
    }
}

#[test]
fn stages_snapshot() {
    let (code, stdout, _) = run_on_day(&["stages", "--format", "markdown"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("stages_default_markdown", stdout);
}

#[test]
fn recommend_names_the_first_template_that_holds_the_load() {
    let json = run_json(&["recommend", "--users", "5000", "--format", "json"], 0);
    assert_eq!(json["stage_template"]["name"], "Starter");
    let saving = json["stage_template"]["optimizer_saving_usd"].as_f64().unwrap();
    let instances: f64 = json["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["monthly_usd"].as_f64().unwrap())
        .sum();
    assert!((saving - (161.94 - instances)).abs() < 1e-9);
    let stages = run_json(&["stages", "--format", "json"], 0);
    let starter_max = stages["stages"][1]["max_users"].as_f64().unwrap();
    assert_eq!(json["next_stage"]["name"], "Growth");
    assert_eq!(json["next_stage"]["at_users"].as_f64().unwrap(), starter_max + 1.0);
    let (code, _, stderr) = run(&["stages", "--scenario", "/nonexistent.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read"));
}

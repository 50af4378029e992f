//! The mix that runs today (`current:`): priced with the same rules as
//! the recommendation, checked at the load, its reach and what the
//! recommendation changes (issue 29, part 2). The founder's Heroku mix:
//! 3 × Standard-2X web, 2 × Standard-2X worker, Postgres Standard-0,
//! Key-Value Premium-1.

use crate::common::{close, run, run_json, scratch_dir, write_file};
use serde_json::Value;

fn fixture() -> String {
    format!(
        "{}/tests/fixtures/machine/heroku-current.yaml",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn current_at(users: &str) -> Value {
    let report = run_json(
        &[
            "recommend",
            "--scenario",
            &fixture(),
            "--users",
            users,
            "--format",
            "json",
        ],
        0,
    );
    report["current"].clone()
}

#[test]
fn the_heroku_mix_costs_330_and_holds_up_to_its_baseline() {
    // Heroku's prices: 5 × $50 (Standard-2X) + $50 (Standard-0) + $30
    // (Premium-1) = $330.
    let at_2000 = current_at("2000");
    assert_eq!(at_2000["holds"], true);
    assert_eq!(at_2000["cost_basis"], "all lines");
    assert!(close(
        at_2000["monthly_usd"].as_f64().unwrap(),
        330.0,
        1e-12
    ));
    // Shared dynos run at their 25% baseline (estimated) within the 70%
    // utilization cap: 3 × 1.28 vCPU × 0.25 × 0.7 = 0.672 vCPU against
    // 0.8 × 0.2 × 2.4/60 req/s × 45 ms = 0.000288 vCPU per user at the peak.
    let max: f64 = (3.0_f64 * 1.28 * 0.25 * 0.7 / (0.8 * 0.2 * 2.4 / 60.0 * 0.045)).floor();
    assert_eq!(at_2000["max_users"].as_f64().unwrap(), max);
    assert_eq!(at_2000["binding"], "web: baseline");
    // At 3,000 users it does not hold, and says which constraint fails;
    // its cost is then its instances.
    let at_3000 = current_at("3000");
    assert_eq!(at_3000["holds"], false);
    assert_eq!(at_3000["failing"], "web: baseline");
    assert_eq!(at_3000["cost_basis"], "instances only");
    assert!(close(
        at_3000["monthly_usd"].as_f64().unwrap(),
        330.0,
        1e-12
    ));
    let components = at_3000["components"].as_array().unwrap();
    let costs: Vec<f64> = components
        .iter()
        .map(|c| c["monthly_usd"].as_f64().unwrap())
        .collect();
    assert_eq!(costs, vec![150.0, 100.0, 50.0, 30.0]);
}

fn by_name<'a>(components: &'a Value, name: &str) -> &'a Value {
    components
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no component {name}"))
}

#[test]
fn the_recommendation_names_each_change_and_its_cost() {
    let report = run_json(
        &[
            "recommend",
            "--scenario",
            &fixture(),
            "--users",
            "2000",
            "--format",
            "json",
        ],
        0,
    );
    let current = &report["current"];
    let recommended = report["monthly_usd"].as_f64().unwrap();
    assert!(close(
        current["vs_recommended"]["delta_usd"].as_f64().unwrap(),
        recommended - 330.0,
        1e-9
    ));
    for change in current["vs_recommended"]["changes"].as_array().unwrap() {
        let name = change["component"].as_str().unwrap();
        let rec = by_name(&report["components"], name);
        let now = by_name(&current["components"], name);
        assert!(close(
            change["delta_usd"].as_f64().unwrap(),
            rec["total_monthly_usd"].as_f64().unwrap() - now["monthly_usd"].as_f64().unwrap(),
            1e-9
        ));
        assert_ne!(change["from"], change["to"]);
    }
    // The table shows the section.
    let (code, stdout, _) = run(&["recommend", "--scenario", &fixture(), "--users", "3000"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Current mix"), "{stdout}");
    assert!(stdout.contains("does not hold"), "{stdout}");
    // And every other format, from the same report.
    for (format, expected) in [
        ("markdown", "**Current mix"),
        ("csv", "current.components,"),
    ] {
        let (code, stdout, _) = run(&[
            "recommend",
            "--scenario",
            &fixture(),
            "--users",
            "2000",
            "--format",
            format,
        ]);
        assert_eq!(code, 0);
        assert!(stdout.contains(expected), "{format}: {stdout}");
    }
}

#[test]
fn check_asserts_whether_the_current_mix_holds() {
    let (code, stdout, stderr) = run(&["check", &fixture()]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let text = std::fs::read_to_string(fixture())
        .unwrap()
        .replace("current_holds: false", "current_holds: true");
    let dir = scratch_dir("current-holds");
    let path = write_file(&dir, "mix.yaml", &text);
    let (code, stdout, _) = run(&["check", &path]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("current_holds"), "{stdout}");
    assert!(stdout.contains("web: baseline"), "{stdout}");
}

#[test]
fn a_current_mix_must_name_every_component_and_known_tiers() {
    let text = std::fs::read_to_string(fixture())
        .unwrap()
        .replace("  cache: { tier: heroku/key-value/premium-1 }\n", "")
        .replace(
            "heroku/postgres-standard/standard-0",
            "heroku/postgres-standard/standard-9",
        );
    let dir = scratch_dir("current-bad");
    let path = write_file(&dir, "mix.yaml", &text);
    let (code, _, stderr) = run(&["recommend", "--scenario", &path]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("the current mix gives no tier for component 'cache'"),
        "{stderr}"
    );
    assert!(stderr.contains("standard-9"), "{stderr}");
}

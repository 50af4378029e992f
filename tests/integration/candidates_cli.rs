//! A candidate may name one tier (`provider/offering/tier`) as well as an
//! offering: the planner then sizes only the count of that tier.

use crate::common::{close, run, run_json, scratch_dir, write_file};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/machine/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_tier_candidate_plans_on_that_tier_only() {
    // The Django API of machine_cli on Performance-M only: 24 req/s at
    // 45 ms CPU needs far less than one dyno, and high availability asks
    // for two, so 2 × $250.
    let report = run_json(
        &["recommend", "--scenario", &fixture("django-pinned.yaml"), "--format", "json"],
        0,
    );
    let api = &report["components"][0];
    assert_eq!(api["tier"], "performance-m");
    assert_eq!(api["count"], 2);
    assert!(close(api["total_monthly_usd"].as_f64().unwrap(), 500.0, 1e-12));
    // The offering as a candidate chooses Standard-2X instead.
    let free =
        run_json(&["recommend", "--scenario", &fixture("django.yaml"), "--format", "json"], 0);
    assert_eq!(free["components"][0]["tier"], "standard-2x");
}

#[test]
fn an_unknown_tier_is_located_and_lists_the_offerings_tiers() {
    let text = std::fs::read_to_string(fixture("django.yaml"))
        .unwrap()
        .replace("[heroku/dynos]", "[heroku/dynos/standard-3x]");
    let dir = scratch_dir("unknown-tier");
    let path = write_file(&dir, "bad.yaml", &text);
    let (code, stdout, stderr) = run(&["recommend", "--scenario", &path]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("bad.yaml:11"), "{stderr}");
    assert!(
        stderr.contains("unknown tier 'standard-3x' of heroku/dynos: expected one of basic, standard-1x, standard-2x, performance-m"),
        "{stderr}"
    );
    assert!(stdout.is_empty());
}

#[test]
fn a_stack_may_name_a_tier() {
    let dir = scratch_dir("tier-stack");
    let stacks = write_file(
        &dir,
        "stacks.yaml",
        "version: 1\nstacks:\n  - id: pinned\n    name: Heroku Standard-2X web only\n    web: [heroku/dynos/standard-2x]\n    worker: [heroku/dynos]\n    database: [heroku/postgres-standard]\n    cache: [heroku/key-value]\n",
    );
    let report =
        run_json(&["compare", "--users", "5000", "--stacks-file", &stacks, "--format", "json"], 0);
    let stack = report["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "pinned")
        .expect("the stack is compared");
    let point = &stack["points"][0];
    assert_eq!(point["feasible"], true, "{point}");
    assert_eq!(point["components"][0]["tier"], "heroku/dynos/standard-2x");
}

//! The next upgrade where a component's count follows the load (issue 31):
//! a usage-billed web tier no longer hides the database's step, and a
//! forecast event prices the step apart from the bill's growth.

use crate::common::{close, run, run_json};

const VERCEL: &str = "scenarios/examples/vercel-supabase.yaml";

#[test]
fn a_usage_billed_web_tier_does_not_hide_the_databases_next_step() {
    let report = run_json(&["recommend", "--scenario", VERCEL, "--format", "json"], 0);
    let next = &report["next_upgrade"];
    assert_eq!(next["component"], "db", "{next}");
    assert_eq!(next["change"], "db micro → small", "{next}");
    // Supabase Small is $15 against Micro's $10: the step's own cost.
    assert!(
        close(next["instances_delta_usd"].as_f64().unwrap(), 5.0, 1e-9),
        "{next}"
    );
    let at = next["at_users"].as_f64().unwrap();
    assert!(at > 10_000.0 && at < 100_000.0, "{next}");
    assert_eq!(report["max_users"].as_f64().unwrap(), at - 1.0);
    let (_, text, _) = run(&["recommend", "--scenario", VERCEL]);
    assert!(!text.contains("more than 10^12"), "{text}");
    assert!(!text.contains("none found"), "{text}");
}

#[test]
fn a_forecast_event_prices_the_step_apart_from_the_bills_growth() {
    let report = run_json(
        &[
            "forecast",
            "--scenario",
            VERCEL,
            "--users",
            "10000",
            "--growth",
            "30%/month",
            "--months",
            "7",
            "--format",
            "json",
        ],
        0,
    );
    let event = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "upgrade")
        .expect("an upgrade event");
    let text = event["description"].as_str().unwrap();
    assert!(
        text.contains("db micro → small, +$5.00/month in instances (the whole bill +$"),
        "{text}"
    );
}

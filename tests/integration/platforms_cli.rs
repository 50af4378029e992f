//! The platforms beyond the first seed guides (issue 14): each example
//! scenario's monthly total against hand arithmetic from the research
//! figures (../shared/research/pricing-providers.yaml).

use super::common::{close, run_json};
use serde_json::Value;

fn component<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
}

fn charge<'a>(component: &'a Value, price: &str) -> &'a Value {
    component["charges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["price"] == price)
        .unwrap_or_else(|| panic!("no {price} line in {component}"))
}

fn usd(value: &Value) -> f64 {
    value.as_f64().unwrap()
}

#[test]
fn render_on_neon_launch_costs_what_the_research_figures_add_up_to() {
    let report = run_json(
        &[
            "recommend",
            "--scenario",
            "scenarios/examples/render-neon.yaml",
            "--format",
            "json",
        ],
        0,
    );
    // API: two Render Starter instances (high availability), $7 each.
    let api = component(&report, "api");
    assert_eq!(
        (api["tier"].as_str(), api["count"].as_u64()),
        (Some("starter"), Some(2))
    );
    // Neon Launch: 20,000 users × 5 MB = 97.66 GB stored, 5% hot = 4.883
    // GB; in RAM at 85%: 5,882 MB = 1.436 CU of 4 GB, up to the 0.25 step:
    // 1.5 CU every hour. The tier's price is the 0.25 CU minimum ($0.106 ×
    // 0.25 × 730 = $19.345); the 1.25 CU above it is 912.5 CU-hours ×
    // $0.106 = $96.725. Storage: 97.66 GB × $0.35. Restore history: 10% of
    // the data × $0.20.
    let stored = 20_000.0 * 5.0 / 1024.0;
    let db = component(&report, "db");
    assert_eq!(db["offering"], "postgres-launch");
    assert!(close(usd(&db["monthly_usd"]), 0.106 * 0.25 * 730.0, 1e-9));
    let units = charge(db, "neon/launch-compute");
    assert!(
        close(usd(&units["quantity"]), 1.25 * 730.0, 1e-9),
        "{units}"
    );
    assert!(close(
        usd(&units["monthly_usd"]),
        1.25 * 730.0 * 0.106,
        1e-9
    ));
    assert!(close(
        usd(&charge(db, "neon/storage")["monthly_usd"]),
        stored * 0.35,
        1e-9
    ));
    assert!(close(
        usd(&charge(db, "neon/restore-history")["monthly_usd"]),
        stored * 0.1 * 0.20,
        1e-9
    ));
    let hand = 2.0 * 7.0
        + 0.106 * 0.25 * 730.0
        + 1.25 * 730.0 * 0.106
        + stored * 0.35
        + stored * 0.1 * 0.20;
    assert!(
        close(usd(&report["monthly_usd"]), hand, 1e-9),
        "{} against {hand}",
        report["monthly_usd"]
    );
    assert!(close(hand, 166.20, 1e-3));
}

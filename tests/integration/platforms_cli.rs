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

fn recommend(scenario: &str) -> Value {
    run_json(
        &["recommend", "--scenario", scenario, "--format", "json"],
        0,
    )
}

fn usage_line<'a>(report: &'a Value, name_starts: &str) -> &'a Value {
    report["usage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"].as_str().unwrap().starts_with(name_starts))
        .unwrap_or_else(|| panic!("no usage line '{name_starts}…'"))
}

/// Seconds in the 730-hour month capplan bills.
const MONTH_S: f64 = 730.0 * 3600.0;

#[test]
fn railway_bills_cpu_and_memory_used_and_credits_the_plan_fee() {
    let report = recommend("scenarios/examples/railway.yaml");
    // 10,000 users × 0.2 daily × 0.1 online × 3/min = 10 requests/s all day.
    // API: 10/s × 50 ms = 0.5 vCPU used = 0.5 vCPU-month × $20; one
    // worker holds 200 MB = 0.1953 GB-month × $10.
    let api = component(&report, "api");
    assert_eq!(api["count"], 1);
    assert_eq!(api["usage_priced"], true);
    let cpu = charge(api, "railway/vcpu");
    assert!(close(usd(&cpu["quantity"]), 0.5, 1e-9), "{cpu}");
    assert!(close(usd(&cpu["monthly_usd"]), 10.0, 1e-9));
    let memory = charge(api, "railway/memory");
    assert!(close(
        usd(&memory["monthly_usd"]),
        200.0 / 1024.0 * 10.0,
        1e-9
    ));
    // Postgres: 10 operations/s ÷ 1,000 per vCPU-second = 0.01 vCPU × $20;
    // the 1 GB size resident all month × $10; a volume of 1.953 GB × $0.15.
    let db = component(&report, "db");
    assert_eq!(db["tier"], "1gb");
    let db_total = 0.01 * 20.0 + 10.0 + 2000.0 / 1024.0 * 0.15;
    assert!(close(usd(&db["total_monthly_usd"]), db_total, 1e-9), "{db}");
    // The $5 Hobby fee is paid once for both and credited against usage.
    assert!(close(
        usd(&usage_line(&report, "Hobby plan, required")["monthly_usd"]),
        5.0,
        1e-12
    ));
    assert!(close(
        usd(&usage_line(&report, "Hobby plan: usage")["monthly_usd"]),
        -5.0,
        1e-12
    ));
    // Claude Sonnet 4.5: 26.28M requests × 1/10,000 = 2,628 calls of
    // 250,000 input tokens (above 200,000: $6.00 instead of $3.00) and
    // 1,000 output tokens ($22.50), half off in batch.
    let calls = 10.0 * MONTH_S / 10_000.0;
    let input = usage_line(&report, "contract review (input tokens)");
    assert_eq!(input["price"], "anthropic/claude-sonnet-4-5-input");
    assert!(close(
        usd(&input["monthly_usd"]),
        calls * 0.25 * 6.0 * 0.5,
        1e-9
    ));
    let output = usage_line(&report, "contract review (output tokens)");
    assert!(close(
        usd(&output["monthly_usd"]),
        calls * 0.001 * 22.5 * 0.5,
        1e-9
    ));
    let total = 10.0 + 200.0 / 1024.0 * 10.0 + db_total + 5.0 - 5.0
        + calls * 0.25 * 3.0
        + calls * 0.001 * 11.25;
    assert!(
        close(usd(&report["monthly_usd"]), total, 1e-9),
        "{}",
        report["monthly_usd"]
    );
}

#[test]
fn cloud_run_bills_instances_while_they_serve_and_beats_instance_billing_here() {
    let report = recommend("scenarios/examples/cloud-run.yaml");
    // 10/s × (100 ms CPU + 100 ms I/O) = 2 requests in flight. The p95
    // target (600 ms) needs 3 instances (M/M/1 at 3.33/s: 449 ms + 100 ms).
    // Each holds 2/3 request on average, so it is busy 1 − e^(−2/3) of the
    // time; request-based billing charges 1 vCPU and 0.5 GiB then.
    let api = component(&report, "api");
    assert_eq!(api["offering"], "cloud-run");
    assert_eq!(api["count"], 3);
    let busy = 3.0 * (1.0 - (-2.0f64 / 3.0).exp()) * MONTH_S;
    let vcpu = (busy - 180_000.0) * 0.000024;
    let memory = (busy * 0.5 - 360_000.0) * 0.0000025;
    let requests = (10.0 * MONTH_S / 1e6 - 2.0) * 0.40;
    assert!(close(
        usd(&charge(api, "gcp/run-vcpu-second")["monthly_usd"]),
        vcpu,
        1e-9
    ));
    assert!(close(
        usd(&charge(api, "gcp/run-gib-second")["monthly_usd"]),
        memory,
        1e-9
    ));
    assert!(close(
        usd(&charge(api, "gcp/run-requests")["monthly_usd"]),
        requests,
        1e-9
    ));
    assert!(close(
        usd(&report["monthly_usd"]),
        vcpu + memory + requests,
        1e-9
    ));
    // The table shows the component as billed by use, with that total.
    let (code, table, _) = super::common::run(&[
        "recommend",
        "--scenario",
        "scenarios/examples/cloud-run.yaml",
    ]);
    assert_eq!(code, 0);
    assert!(table.contains("by use"), "{table}");
    let note = format!("billed by use: ${:.2}/month", vcpu + memory + requests);
    assert!(table.contains(&note), "{note} not in {table}");
    // Instance-based billing of the same 3 instances all month costs more.
    let instance_based =
        (3.0 * MONTH_S - 240_000.0) * 0.000018 + (1.5 * MONTH_S - 450_000.0) * 0.000002;
    assert!(instance_based > vcpu + memory + requests);
}

#[test]
fn vercel_bills_active_cpu_and_busy_memory_and_supabase_credits_compute() {
    let report = recommend("scenarios/examples/vercel-supabase.yaml");
    // Active CPU: 10/s × 20 ms = 0.2 vCPU × 730 h × $0.128. One instance
    // holds 10/s × 100 ms = 1 request in flight: busy 1 − e^(−1) of the
    // time, with 2 GB provisioned × $0.0106/GB-hour. Invocations beyond the
    // first million × $0.60.
    let api = component(&report, "api");
    let cpu = 0.2 * 730.0 * 0.128;
    let memory = (1.0 - (-1.0f64).exp()) * 730.0 * 2.0 * 0.0106;
    let invocations = (10.0 * MONTH_S / 1e6 - 1.0) * 0.60;
    assert!(close(
        usd(&charge(api, "vercel/active-cpu")["monthly_usd"]),
        cpu,
        1e-9
    ));
    assert!(close(
        usd(&charge(api, "vercel/provisioned-memory")["monthly_usd"]),
        memory,
        1e-9
    ));
    assert!(close(
        usd(&charge(api, "vercel/invocations")["monthly_usd"]),
        invocations,
        1e-9
    ));
    // Vercel Pro: $20 × 2 seats. Supabase Pro $25 with its $10 compute
    // credit covering the Micro instance ($10).
    let db = component(&report, "db");
    assert_eq!(db["tier"], "micro");
    let vercel_fee = usage_line(&report, "Pro plan, required by api");
    assert_eq!(
        (vercel_fee["quantity"].as_f64(), vercel_fee["unit"].as_str()),
        (Some(2.0), Some("seat-month"))
    );
    let total = cpu + memory + invocations + 40.0 + 10.0 + 25.0 - 10.0;
    assert!(
        close(usd(&report["monthly_usd"]), total, 1e-9),
        "{}",
        report["monthly_usd"]
    );
}

#[test]
fn digitalocean_weighs_included_transfer_against_a_larger_droplet() {
    let report = recommend("scenarios/examples/digitalocean.yaml");
    // 2,000 daily active users × 100 MB × 30.42 days = 5,940.8 GB a month.
    // Droplet + overage at $0.01/GB beyond its allowance: $4 + 5,440.8 GB,
    // $6 + 4,940.8, $12 + 3,940.8, $18 + 2,940.8, $24 + 1,940.8 (cheapest,
    // $43.41), $48 + 940.8.
    let gb = 2000.0 * 100.0 / 1024.0 * 730.0 / 24.0;
    let api = component(&report, "api");
    assert_eq!(api["tier"], "s-2vcpu-4gb");
    let overage = charge(api, "digitalocean/droplet-transfer");
    assert!(close(usd(&overage["quantity"]), gb - 4000.0, 1e-9));
    assert!(close(
        usd(&report["monthly_usd"]),
        24.0 + (gb - 4000.0) * 0.01,
        1e-9
    ));
}

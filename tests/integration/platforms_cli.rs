//! The platforms beyond the first seed guides (issue 14): each example
//! scenario's monthly total against hand arithmetic from the research
//! figures (../shared/research/pricing-providers.yaml).

use super::common::{close, run_json};
use serde_json::Value;

fn component<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["components"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()
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
        &["recommend", "--scenario", "scenarios/examples/render-neon.yaml", "--format", "json"],
        0,
    );
    // API: two Render Starter instances (high availability), $7 each.
    let api = component(&report, "api");
    assert_eq!((api["tier"].as_str(), api["count"].as_u64()), (Some("starter"), Some(2)));
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
    assert!(close(usd(&units["quantity"]), 1.25 * 730.0, 1e-9), "{units}");
    assert!(close(usd(&units["monthly_usd"]), 1.25 * 730.0 * 0.106, 1e-9));
    assert!(close(usd(&charge(db, "neon/storage")["monthly_usd"]), stored * 0.35, 1e-9));
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
    run_json(&["recommend", "--scenario", scenario, "--format", "json"], 0)
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
    assert!(close(usd(&memory["monthly_usd"]), 200.0 / 1024.0 * 10.0, 1e-9));
    // Postgres: 10 operations/s ÷ 1,000 per vCPU-second = 0.01 vCPU × $20;
    // the 1 GB size resident all month × $10; a volume of 1.953 GB × $0.15.
    let db = component(&report, "db");
    assert_eq!(db["tier"], "1gb");
    let db_total = 0.01 * 20.0 + 10.0 + 2000.0 / 1024.0 * 0.15;
    assert!(close(usd(&db["total_monthly_usd"]), db_total, 1e-9), "{db}");
    // The $5 Hobby fee is paid once for both and credited against usage.
    assert!(close(usd(&usage_line(&report, "Hobby plan, required")["monthly_usd"]), 5.0, 1e-12));
    assert!(close(usd(&usage_line(&report, "Hobby plan: usage")["monthly_usd"]), -5.0, 1e-12));
    // Claude Sonnet 4.5: 26.28M requests × 1/10,000 = 2,628 calls of
    // 250,000 input tokens (above 200,000: $6.00 instead of $3.00) and
    // 1,000 output tokens ($22.50), half off in batch.
    let calls = 10.0 * MONTH_S / 10_000.0;
    let input = usage_line(&report, "contract review (input tokens)");
    assert_eq!(input["price"], "anthropic/claude-sonnet-4-5-input");
    assert!(close(usd(&input["monthly_usd"]), calls * 0.25 * 6.0 * 0.5, 1e-9));
    let output = usage_line(&report, "contract review (output tokens)");
    assert!(close(usd(&output["monthly_usd"]), calls * 0.001 * 22.5 * 0.5, 1e-9));
    let total = 10.0 + 200.0 / 1024.0 * 10.0 + db_total + 5.0 - 5.0
        + calls * 0.25 * 3.0
        + calls * 0.001 * 11.25;
    assert!(close(usd(&report["monthly_usd"]), total, 1e-9), "{}", report["monthly_usd"]);
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
    assert!(close(usd(&charge(api, "gcp/run-vcpu-second")["monthly_usd"]), vcpu, 1e-9));
    assert!(close(usd(&charge(api, "gcp/run-gib-second")["monthly_usd"]), memory, 1e-9));
    assert!(close(usd(&charge(api, "gcp/run-requests")["monthly_usd"]), requests, 1e-9));
    assert!(close(usd(&report["monthly_usd"]), vcpu + memory + requests, 1e-9));
    // The table shows the component as billed by use, with that total.
    let (code, table, _) =
        super::common::run(&["recommend", "--scenario", "scenarios/examples/cloud-run.yaml"]);
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
    assert!(close(usd(&charge(api, "vercel/active-cpu")["monthly_usd"]), cpu, 1e-9));
    assert!(close(usd(&charge(api, "vercel/provisioned-memory")["monthly_usd"]), memory, 1e-9));
    assert!(close(usd(&charge(api, "vercel/invocations")["monthly_usd"]), invocations, 1e-9));
    // Vercel Pro: $20 × 2 seats. Supabase Pro $25 with its $10 compute
    // credit covering the Micro instance ($10).
    let db = component(&report, "db");
    assert_eq!(db["tier"], "micro");
    let vercel_fee = usage_line(&report, "Pro plan, required by api");
    assert_eq!(
        (vercel_fee["quantity"].as_f64(), vercel_fee["unit"].as_str()),
        (Some(2.0), Some("seat-month"))
    );
    // Every call is also an Edge Request: 26.28 M beyond the 10 M
    // included at $2 per million. Pro's $20 usage credit comes off. The
    // database's replies to Vercel (10 operations/s × 1 KB = 25.06 GB) are
    // within Supabase Pro's 250 GB.
    let edge = (10.0 * MONTH_S / 1e6 - 10.0) * 2.0;
    assert!(close(usd(&charge(api, "vercel/edge-requests")["monthly_usd"]), edge, 1e-9));
    let replies = charge(component(&report, "db"), "supabase/egress");
    assert!(close(usd(&replies["quantity"]), 10.0 * MONTH_S / 1024.0 / 1024.0, 1e-9));
    assert!(close(usd(&replies["monthly_usd"]), 0.0, 1e-12));
    let total = cpu + memory + invocations + edge + 40.0 - 20.0 + 10.0 + 25.0 - 10.0;
    assert!(close(usd(&report["monthly_usd"]), total, 1e-9), "{}", report["monthly_usd"]);
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
    assert!(close(usd(&report["monthly_usd"]), 24.0 + (gb - 4000.0) * 0.01, 1e-9));
}

fn tier_and_count(component: &Value) -> (&str, u64) {
    (component["tier"].as_str().unwrap(), component["count"].as_u64().unwrap())
}

/// GB a month of outbound data: active users × MB a day over a 730-hour
/// month.
fn egress_gb(active_users: f64, mb_per_day: f64) -> f64 {
    active_users * mb_per_day / 1024.0 * 730.0 / 24.0
}

#[test]
fn fly_bills_machines_postgres_plan_stored_data_egress_and_an_address() {
    let report = recommend("scenarios/examples/fly.yaml");
    // API: 16.7 requests/s × 12 ms = 0.2 vCPU all day (a flat profile); a
    // 300 MB process needs a 512 MB preset; high availability asks for
    // two. A shared vCPU sustains 1/16 of a core: two shared-cpu-1x
    // sustain 0.125 vCPU, so their 500 s balances run dry and the CPU is
    // throttled; two shared-cpu-2x ($4.04) sustain 0.25 vCPU, cheaper than
    // four 1x ($3.32 each).
    let api = component(&report, "api");
    assert_eq!(tier_and_count(api), ("shared-cpu-2x-512mb", 2));
    let baseline = &api["baseline"];
    assert!(close(usd(&baseline["average_of_baseline"]), 0.2 / 0.25, 1e-9));
    assert_eq!(baseline["deficit_vcpu_hours_per_day"], 0.0);
    // Postgres: 20,000 × 1 MB = 19.53 GB, 5% hot = 1,000 MB in RAM; Basic
    // holds 1,024 MB × 85% = 870 MB, Starter 1,741 MB: Starter, $72.
    let db = component(&report, "db");
    assert_eq!(tier_and_count(db), ("starter", 1));
    // Stored data at $0.28/GB (nothing included, billed on what is stored).
    let stored = 20_000.0 / 1024.0;
    let storage = charge(db, "fly/mpg-storage");
    assert!(close(usd(&storage["quantity"]), stored, 1e-9));
    // Egress: 5,000 active users × 20 MB a day at $0.02/GB, no allowance.
    let gb = egress_gb(5000.0, 20.0);
    let egress = charge(api, "fly/egress-na-eu");
    assert!(close(usd(&egress["quantity"]), gb, 1e-9));
    let hand = 2.0 * 4.04 + 72.0 + stored * 0.28 + gb * 0.02 + 2.0;
    assert!(close(usd(&report["monthly_usd"]), hand, 1e-9));
    assert!(close(hand, 146.96, 1e-4));
    // The next step is the API's: 1e-5 vCPU a user fills the two 2x
    // baselines (0.25 vCPU) at 25,000 users.
    assert_eq!(report["next_upgrade"]["at_users"], 25_001.0);
    assert_eq!(report["next_upgrade"]["change"], "api 2 → 3 × shared-cpu-2x-512mb");
}

#[test]
fn heroku_moves_up_the_postgres_ladder_when_bundled_storage_runs_out() {
    let report = recommend("scenarios/examples/heroku.yaml");
    // 10 requests/s × 25 ms = 0.25 vCPU all day. Standard-1X is estimated
    // at 0.64 vCPU keeping a quarter under the heaviest contention (its 1x
    // CPU share of a 4x ceiling), no balance banked: a 0.16 vCPU floor
    // that must carry the load in full (the 70% cap applies to the 0.64
    // vCPU it typically runs at), so 0.25 / 0.16 = 1.6 → two dynos, which
    // high availability asks for anyway, at 0.25 / (2 × 0.64) = 19.5% CPU.
    let web = component(&report, "web");
    assert_eq!(tier_and_count(web), ("standard-1x", 2));
    assert_eq!(web["binding"], "high_availability");
    assert!(close(usd(&web["utilization"]), 0.25 / (2.0 * 0.64), 1e-9));
    assert_eq!(web["baseline"]["basis"], "estimated");
    assert!(close(usd(&web["baseline"]["average_of_baseline"]), 0.25 / (2.0 * 0.16), 1e-9));
    // 10,000 × 2 MB × 1.5 headroom = 29.3 GB: above Essential-1's 10 GB,
    // inside Essential-2's 32 GB ($20); no add-on storage exists.
    let db = component(&report, "db");
    assert_eq!(tier_and_count(db), ("essential-2", 1));
    assert!(db["charges"].as_array().unwrap().is_empty());
    // Sessions: 200 online × 50 KB + 5 MB hot, × 1.25 = 18.5 MB of Mini's 25.
    let cache = component(&report, "cache");
    assert_eq!(tier_and_count(cache), ("mini", 1));
    // Outbound data is free on Heroku: the line is there at $0.
    let egress = charge(web, "heroku/bandwidth");
    assert!(close(usd(&egress["quantity"]), egress_gb(2000.0, 5.0), 1e-9));
    assert_eq!(usd(&egress["monthly_usd"]), 0.0);
    assert!(close(usd(&report["monthly_usd"]), 2.0 * 25.0 + 20.0 + 3.0, 1e-12));
    // 32 GB / (2 MB × 1.5) = 10,922.7 users: at 10,923 the data no longer
    // fits Essential-2 and the next plan is Standard-0 ($50, +$30).
    assert_eq!(report["next_upgrade"]["at_users"], 10_923.0);
    assert_eq!(report["next_upgrade"]["change"], "db essential-2 → standard-0");
    assert!(close(usd(&report["next_upgrade"]["delta_usd"]), 30.0, 1e-9));
}

#[test]
fn azure_app_service_plan_limits_and_free_backup_up_to_provisioned_storage() {
    let report = recommend("scenarios/examples/azure.yaml");
    // 100 requests/s × 40 ms = 4 vCPU of work. B1: at most 3 instances of
    // 1 vCPU cannot carry it; B2: 2 × 2 vCPU would run at 100%, 3 × 2 at
    // 66.7% (under 70%) for 3 × $24.82 = $74.46; B3: 2 × 4 vCPU for $97.82.
    let api = component(&report, "api");
    assert_eq!(tier_and_count(api), ("b2", 3));
    assert!(close(usd(&api["utilization"]), 4.0 / 6.0, 1e-9));
    // PostgreSQL: B1ms publishes no size, so D4s_v3 ($284.70). Storage:
    // 100,000 × 0.5 MB = 48.83 GB × 1.5 headroom = 73.24 GB at $0.138.
    // Backups: twice the data, 97.66 GB, of which the provisioned 73.24 GB
    // is free; 24.41 GB at $0.095.
    let db = component(&report, "db");
    assert_eq!(tier_and_count(db), ("gp-standard-d4s-v3", 1));
    let data = 100_000.0 * 0.5 / 1024.0;
    let provisioned = data * 1.5;
    let storage = charge(db, "azure/postgres-storage");
    assert!(close(usd(&storage["quantity"]), provisioned, 1e-9));
    let backup = charge(db, "azure/postgres-backup");
    assert!(close(usd(&backup["quantity"]), 2.0 * data - provisioned, 1e-9));
    let hand = 3.0 * 24.82 + 284.70 + provisioned * 0.138 + (2.0 * data - provisioned) * 0.095;
    assert!(close(usd(&report["monthly_usd"]), hand, 1e-9));
    assert!(close(hand, 371.59, 1e-4));
}

#[test]
fn compute_engine_with_a_commitment_memorystore_bands_and_tiered_egress() {
    let report = recommend("scenarios/examples/gcp-compute-engine.yaml");
    // 50 requests/s × 30 ms = 1.5 vCPU all day. The shared cores sustain
    // 0.25 (e2-micro) and 0.5 vCPU (e2-small) of their 2 and bank nothing,
    // so the 70% cap applies to the baseline: e2-micro 1.5 / 0.175 = 8.6 →
    // 9 at the 1-year commitment ($3.85) = $34.65, below 5 × e2-small
    // ($7.70) = $38.50.
    let api = component(&report, "api");
    assert_eq!(tier_and_count(api), ("e2-micro", 9));
    assert_eq!(api["binding"], "baseline");
    assert_eq!(api["purchase_option"], "reserved_1y");
    assert!(close(usd(&api["monthly_usd"]), 9.0 * 3.85, 1e-9));
    // Cloud SQL: 48.83 GB, 10% hot = 5,000 MB; db-custom-1 holds 3,840 ×
    // 85% = 3,264 MB, db-custom-2 6,528: $98.63. SSD 73.24 GB at $0.17,
    // backups 48.83 GB at $0.08.
    let db = component(&report, "db");
    assert_eq!(tier_and_count(db), ("db-custom-2-7680", 1));
    let data = 50_000.0 / 1024.0;
    // Memorystore: (1,000 × 2,000 KB + 1,000 MB) × 1.25 = 3,691 MB. The
    // 4 GB size is $0.196/h, the 5 GB size $0.135/h (the M2 band): 5 GB.
    let cache = component(&report, "cache");
    assert_eq!(tier_and_count(cache), ("5gb", 1));
    assert!(close(usd(&cache["monthly_usd"]), 0.135 * 730.0, 1e-12));
    // Egress: 10,000 active × 5 MB a day = 1,485 GB: the first 1,024 GB at
    // $0.12, the rest at $0.11.
    let gb = egress_gb(10_000.0, 5.0);
    let egress = charge(api, "gcp/egress");
    assert!(close(usd(&egress["monthly_usd"]), 1024.0 * 0.12 + (gb - 1024.0) * 0.11, 1e-9));
    let hand = 9.0 * 3.85
        + 98.63
        + data * 1.5 * 0.17
        + data * 0.08
        + 0.135 * 730.0
        + 1024.0 * 0.12
        + (gb - 1024.0) * 0.11;
    assert!(close(usd(&report["monthly_usd"]), hand, 1e-9));
    assert!(close(hand, 421.80, 1e-4));
}

/// The usage table names each model's price; the notes say where each
/// usage price comes from (the catalog entry's source and date), and a
/// credit prints as a negative amount.
#[test]
fn usage_table_names_the_model_and_its_price_source() {
    let (code, stdout, stderr) =
        crate::common::run(&["recommend", "--scenario", "scenarios/examples/railway.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    let row = stdout
        .lines()
        .find(|l| l.contains("contract review (input tokens)"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(row.contains("anthropic/claude-sonnet-4-5-input"), "{row}");
    let json = recommend("scenarios/examples/railway.yaml");
    let input = usage_line(&json, "contract review (input tokens)");
    let note = format!(
        "Priced from {} (as of {}): anthropic/claude-sonnet-4-5-input, anthropic/claude-sonnet-4-5-output.",
        input["source"].as_str().unwrap(),
        input["as_of"].as_str().unwrap()
    );
    assert!(stdout.contains(&note), "missing {note}\n{stdout}");
    // The provider's own page, not the mirrors that confirmed it.
    assert!(
        input["source"]
            .as_str()
            .unwrap()
            .starts_with("platform.claude.com/docs/en/about-claude/pricing")
    );
    let credit = stdout.lines().find(|l| l.contains("usage included in the fee")).unwrap();
    assert!(credit.contains("-$5.00") && !credit.contains("$-"), "{credit}");
}

//! Autoscaling, purchase options, the serverless candidate with its
//! break-even, and media credit plans: numbers checked against hand
//! arithmetic and bounds.

use crate::common::{run, run_json, scratch_dir, write_file};
use capplan::catalog::load;
use capplan::demand::demand;
use capplan::planner::Planner;
use capplan::scenario::{load_scenario, parse_scenario};
use proptest::prelude::*;
use std::path::Path;

fn mercenary() -> capplan::scenario::ScenarioFile {
    load_scenario(Some(Path::new("scenarios/mercenary.yaml"))).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Autoscaled cost is never above fixed peak sizing and never below
    /// fixed minimum sizing, whatever the day's shape and the load.
    #[test]
    fn autoscaled_cost_lies_between_fixed_min_and_fixed_peak(
        profile in proptest::collection::vec(0.0f64..1.0, 24),
        peak_hour in 0usize..24,
        users in 20_000.0f64..300_000.0,
    ) {
        let catalog = load().unwrap();
        let mut file = mercenary();
        let mut profile = profile;
        profile[peak_hour] = 1.0;
        file.scenario.workload.load_profile = Some(capplan::scenario::LoadProfile::Hours(profile));
        let planner = Planner::new(&file.scenario, &catalog);
        let plan = planner.plan(users).unwrap();
        let api = &plan.components[0];
        let a = api.autoscale.as_ref().expect("api is autoscaled");
        let unit = api.unit_monthly_usd.unwrap();
        let cost = api.monthly_usd.unwrap();
        let limits = file.scenario.components[0].autoscale.unwrap();
        prop_assert!(a.min_count >= limits.min && a.peak_count <= limits.max);
        prop_assert_eq!(a.peak_count, api.count);
        prop_assert!(cost <= unit * a.peak_count as f64 + 1e-9, "{} > peak {}", cost, unit * a.peak_count as f64);
        prop_assert!(cost >= unit * limits.min as f64 - 1e-9);
        prop_assert!(cost >= unit * a.min_count as f64 - 1e-9);
        // Hourly billing pays the most instances of each hour: never less
        // than the time-weighted average.
        prop_assert_eq!(a.billing, "hourly");
        prop_assert!(a.billed_count >= a.average_count - 1e-12);
        // Hourly billing pays each hour's largest count.
        prop_assert_eq!(a.by_hour.len(), 24);
        let mean_hourly = a.by_hour.iter().map(|&c| c as f64).sum::<f64>() / 24.0;
        prop_assert!((a.billed_count - mean_hourly).abs() < 1e-9);
        prop_assert_eq!(a.by_hour.iter().copied().max(), Some(a.peak_count));
    }
}

#[test]
fn flat_day_autoscales_to_fixed_peak_and_per_second_billing_pays_the_average() {
    let catalog = load().unwrap();
    let mut file = mercenary();
    file.scenario.workload.load_profile = None;
    let plan = Planner::new(&file.scenario, &catalog).plan(250_000.0).unwrap();
    let api = &plan.components[0];
    let a = api.autoscale.as_ref().unwrap();
    assert_eq!((a.min_count, a.peak_count), (api.count, api.count));
    assert_eq!(api.autoscale_saving_usd(), Some(0.0));
    // The default scenario's api on Render (billed per second), autoscaled.
    let text = std::fs::read_to_string("scenarios/interview-prep-api.yaml").unwrap().replace(
        "    # The guide's render.yaml runs at least one instance.\n    min_instances: 1\n",
        "    autoscale: { min: 1, max: 10, target_utilization: 0.7 }\n",
    );
    let file = parse_scenario("autoscaled.yaml", &text).unwrap();
    let plan = Planner::new(&file.scenario, &catalog).plan(60_000.0).unwrap();
    let api = &plan.components[0];
    let a = api.autoscale.as_ref().expect("autoscale parsed");
    assert_eq!(a.billing, "per_second");
    assert_eq!(a.billed_count, a.average_count);
    assert!(a.min_count < a.peak_count, "{a:?}");
    let unit = api.unit_monthly_usd.unwrap();
    assert!((api.monthly_usd.unwrap() - unit * a.average_count).abs() < 1e-9);
}

#[test]
fn recommend_reports_autoscaling_and_the_purchase_option_saving() {
    let json =
        run_json(&["recommend", "--scenario", "scenarios/mercenary.yaml", "--format", "json"], 0);
    let api = &json["components"][0];
    let a = &api["autoscale"];
    let unit = api["unit_monthly_usd"].as_f64().unwrap();
    let peak = a["peak_count"].as_f64().unwrap();
    assert_eq!(api["count"].as_f64().unwrap(), peak);
    assert!((a["fixed_peak_monthly_usd"].as_f64().unwrap() - unit * peak).abs() < 1e-9);
    let saving = a["saving_usd"].as_f64().unwrap();
    let cost = api["monthly_usd"].as_f64().unwrap();
    assert!((unit * peak - cost - saving).abs() < 1e-6 && saving > 0.0, "{a}");
    let min = a["min_count"].as_f64().unwrap();
    assert!((a["fixed_min_monthly_usd"].as_f64().unwrap() - unit * min).abs() < 1e-9);
    // The time-weighted average count lies between the minimum and what
    // hourly billing pays (each hour's largest count).
    let average = a["average_count"].as_f64().unwrap();
    assert!(average >= min && average <= a["billed_count"].as_f64().unwrap(), "{a}");
    // The worker runs on spot: 35% of on-demand in the catalog.
    let worker = &json["components"][1];
    assert_eq!(worker["purchase_option"], "spot");
    let on_demand = worker["on_demand_monthly_usd"].as_f64().unwrap();
    let spot = worker["monthly_usd"].as_f64().unwrap();
    assert!((spot - on_demand * 0.35).abs() < 1e-9, "{spot} vs {on_demand}");
    assert!((worker["purchase_saving_usd"].as_f64().unwrap() - on_demand * 0.65).abs() < 1e-9);
    let (_, table, _) = run(&["recommend", "--scenario", "scenarios/mercenary.yaml"]);
    assert!(table.contains("worker: spot saves $"), "{table}");
    assert!(table.contains("api: autoscaled, "), "{table}");
    assert!(table.contains("(auto)"), "{table}");
}

#[test]
fn a_purchase_option_the_tier_does_not_offer_falls_back_to_on_demand() {
    let dir = scratch_dir("purchase-fallback");
    let text = std::fs::read_to_string("scenarios/interview-prep-api.yaml").unwrap().replace(
        "    candidates: [render/web]\n",
        "    candidates: [render/web]\n    purchase_option: reserved_1y\n",
    );
    let path = write_file(&dir, "s.yaml", &text);
    let json = run_json(&["recommend", "--scenario", &path, "--format", "json"], 0);
    let api = &json["components"][0];
    assert_eq!(api["purchase_option"], "on_demand");
    assert_eq!(api["purchase_saving_usd"].as_f64(), Some(0.0));
    let warnings = json["warnings"].to_string();
    assert!(warnings.contains("does not offer reserved_1y; priced on demand"), "{warnings}");
}

#[test]
fn lambda_is_priced_by_requests_and_gb_seconds_after_the_free_tier() {
    let users = 5000.0;
    let json = run_json(
        &[
            "recommend",
            "--scenario",
            "scenarios/smriti.yaml",
            "--users",
            "5000",
            "--format",
            "json",
        ],
        0,
    );
    let comparison = &json["serverless"][0];
    assert_eq!(comparison["component"], "api");
    let tier = comparison["serverless_tier"].as_str().unwrap();
    let memory_gb: f64 =
        tier.trim_start_matches("aws/lambda/").trim_end_matches("mb").parse::<f64>().unwrap()
            / 1024.0;
    let file = load_scenario(Some(Path::new("scenarios/smriti.yaml"))).unwrap();
    let requests = demand(&file.scenario, users).requests_per_month;
    // cpu_ms 15 + io_ms 20 billed per request; 1M requests and 400,000
    // GB-seconds free; $0.20 per 1M requests, $0.0000166667 per GB-second.
    let gb_seconds = requests * 0.035 * memory_gb;
    let expected =
        (requests / 1e6 - 1.0).max(0.0) * 0.20 + (gb_seconds - 400_000.0).max(0.0) * 0.0000166667;
    // Its egress (served_by: api) is AWS's: the first 100 GB a month free,
    // then $0.09/GB; the comparison carries each side's own egress.
    let egress_gb = demand(&file.scenario, users).egress_gb_per_month;
    let egress = (egress_gb - 100.0).max(0.0) * 0.09;
    let got = comparison["serverless_monthly_usd"].as_f64().unwrap();
    assert!((got - expected - egress).abs() < 1e-9, "{got} vs {expected} + {egress}");
    // The planner picks Lambda here: its count is the peak concurrency,
    // rate × 35 ms by Little's law, rounded up.
    let api = &json["components"][0];
    assert_eq!(api["serverless"], true);
    let lambda = api["monthly_usd"].as_f64().unwrap();
    assert!((lambda - expected).abs() < 1e-9, "{lambda} vs {expected}");
    let charged: f64 =
        api["charges"].as_array().unwrap().iter().map(|l| l["monthly_usd"].as_f64().unwrap()).sum();
    assert!((charged - egress).abs() < 1e-9, "{charged} vs {egress}");
    assert_eq!(api["charges"][0]["price"], "aws/data-transfer-out");
    let peak_rps = json["demand"]["peak_rps"].as_f64().unwrap();
    assert_eq!(api["count"].as_f64(), Some((peak_rps * 0.035).ceil().max(1.0)));
}

#[test]
fn the_break_even_is_where_instances_become_cheaper() {
    // Smriti with no egress: with it, Lambda's AWS egress ($0.09/GB after
    // 100 GB free) stays cheaper than Render's ($0.15/GB) until Render runs
    // out of instances, and there is no break-even (tested below).
    let text = std::fs::read_to_string("scenarios/smriti.yaml").unwrap();
    let without = text.replacen(
        "egress_mb_per_active_user_per_day: 3",
        "egress_mb_per_active_user_per_day: 0",
        1,
    );
    assert_ne!(without, text);
    let dir = std::env::temp_dir().join(format!("capplan-breakeven-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("smriti.yaml");
    std::fs::write(&path, without).unwrap();
    let scenario = path.to_str().unwrap();
    let json = run_json(&["recommend", "--scenario", scenario, "--format", "json"], 0);
    let at = json["serverless"][0]["break_even_users"].as_f64().unwrap();
    let requests = json["serverless"][0]["break_even_requests_per_month"].as_f64().unwrap();
    let file = load_scenario(Some(&path)).unwrap();
    assert!((demand(&file.scenario, at).requests_per_month - requests).abs() < 1e-3);
    let costs = |users: f64| {
        let json = run_json(
            &[
                "recommend",
                "--scenario",
                scenario,
                "--users",
                &users.to_string(),
                "--format",
                "json",
            ],
            0,
        );
        let c = &json["serverless"][0];
        (
            c["serverless_monthly_usd"].as_f64().unwrap(),
            c["instances_monthly_usd"].as_f64().unwrap(),
        )
    };
    let (serverless, instances) = costs(at);
    assert!(serverless > instances, "at {at}: {serverless} <= {instances}");
    let (serverless, instances) = costs((at / 1.002).floor());
    assert!(serverless <= instances, "below {at}: {serverless} > {instances}");
    // With its egress, instances never become cheaper before Render's
    // instance limit: no break-even, rather than a false one where
    // instances stop fitting.
    let json =
        run_json(&["recommend", "--scenario", "scenarios/smriti.yaml", "--format", "json"], 0);
    assert_eq!(json["serverless"][0]["break_even_users"], serde_json::Value::Null);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn media_plans_follow_the_credits_the_scenario_uses() {
    // Smriti: 10 MB stored per user, 2 MB delivered and 1 transformation
    // per active user (40%) a day: U × (10/1024 + 0.4 × 2/1024 × 30.4167 +
    // 0.4 × 30.4167/1000) = 0.045695 U credits. Free holds 25: 547 users.
    let tier_at = |users: &str| {
        let json = run_json(
            &[
                "recommend",
                "--scenario",
                "scenarios/smriti.yaml",
                "--users",
                users,
                "--format",
                "json",
            ],
            0,
        );
        let media = json["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "media")
            .unwrap()
            .clone();
        (media["tier"].as_str().unwrap().to_string(), media["utilization"].as_f64().unwrap())
    };
    let (tier, used) = tier_at("547");
    assert_eq!(tier, "free");
    let credits =
        547.0 * (10.0 / 1024.0 + 0.4 * 2.0 / 1024.0 * 730.0 / 24.0 + 0.4 * 730.0 / 24.0 / 1000.0);
    assert!((used * 25.0 - credits).abs() < 1e-9, "{used}");
    assert_eq!(tier_at("548").0, "plus");
}

#[test]
fn bad_autoscale_media_and_serverless_settings_are_clear_errors() {
    let dir = scratch_dir("options-errors");
    let text = std::fs::read_to_string("scenarios/smriti.yaml")
        .unwrap()
        .replace(
            "    workers_per_instance: 1\n",
            "    workers_per_instance: 1\n    min_instances: 1\n    autoscale: { min: 3, max: 2, target_utilization: 1.5 }\n",
        )
        .replace("    storage_headroom: 1.5\n", "    storage_headroom: 1.5\n    media_storage_mb_per_user: 3\n")
        .replace("api: { tier: render/web/free }", "api: { tier: aws/lambda/512mb }");
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let path = write_file(&dir, "bad.yaml", &text);
    let (code, stdout, stderr) = run(&["recommend", "--scenario", &path]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    let autoscale = line_of("autoscale:");
    for expected in [
        format!(
            "bad.yaml:{autoscale}: components.api.autoscale.max: expected max at least min (3), found 2"
        ),
        format!(
            "bad.yaml:{autoscale}: components.api.autoscale.target_utilization: expected a fraction above 0 and below 1, found 1.5"
        ),
        "autoscale.min and autoscale.max replace min_instances and max_instances".to_string(),
        format!(
            "bad.yaml:{}: components.db.media_storage_mb_per_user: 'media_storage_mb_per_user' applies to media components, not to a database component",
            line_of("media_storage_mb_per_user: 3")
        ),
        "'aws/lambda/512mb' is serverless; a fixed mix names instance tiers".to_string(),
    ] {
        assert!(stderr.contains(&expected), "missing {expected:?} in\n{stderr}");
    }
}

#[test]
fn an_autoscaled_group_growing_is_not_an_upgrade_event() {
    let json = run_json(
        &[
            "forecast",
            "--scenario",
            "scenarios/mercenary.yaml",
            "--users",
            "50000",
            "--growth",
            "10%/month",
            "--months",
            "20",
            "--format",
            "json",
        ],
        0,
    );
    let events = json["events"].as_array().unwrap();
    assert!(events.iter().any(|e| e["kind"] == "upgrade"), "{json}");
    for event in events {
        let text = event["description"].as_str().unwrap();
        // An event is a change someone makes: never the api group's count alone.
        assert!(!text.contains("usage-priced items only"), "{text}");
    }
}

#[test]
fn read_replicas_carry_the_reads_and_the_primary_the_writes() {
    // Mercenary: RDS tiers of 2 vCPU × 2,500 ops/s × 0.7 = 3,500 ops/s a
    // node; 80% of queries are reads; 1 to 5 replicas.
    let catalog = load().unwrap();
    let mut file = mercenary();
    // Four times the scenario's queries, so that replicas must be added.
    file.scenario.components[0].db_ops_per_request = Some(2.0);
    let planner = Planner::new(&file.scenario, &catalog);
    let mut seen = std::collections::BTreeSet::new();
    // Below ~348,000 users the working set fits a node's RAM.
    for users in [20_000.0, 150_000.0, 250_000.0, 340_000.0] {
        let ops = demand(&file.scenario, users).db_ops_per_s;
        let mut replicas = 1u32;
        while (0.2 * ops).max(0.8 * ops / replicas as f64) > 3500.0 && replicas < 5 {
            replicas += 1;
        }
        let plan = planner.plan(users).unwrap();
        let db = &plan.components[2];
        assert_eq!(db.count, 1 + replicas, "{users} users, {ops} ops/s");
        seen.insert(replicas);
        let unit = db.unit_monthly_usd.unwrap();
        assert!((db.monthly_usd.unwrap() - unit * db.count as f64).abs() < 1e-9);
    }
    assert!(seen.len() >= 3, "replica counts {seen:?}");
}

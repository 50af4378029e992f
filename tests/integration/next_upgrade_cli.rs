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
    assert!(close(next["instances_delta_usd"].as_f64().unwrap(), 5.0, 1e-9), "{next}");
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

#[test]
fn a_price_per_monthly_active_user_counts_the_months_actives() {
    // Issue 31, part 4: 100,000 registered users, 40% active in a month:
    // a $0.00325-per-MAU auth line bills 40,000 MAU = $130.00; without the
    // ratio every registered user counts ($325.00). Shared map data of
    // 50 GB is stored whatever the users: 100,000 × 0.1 MB = 9.77 GB plus
    // 50 GB.
    let dir = crate::common::scratch_dir("mau");
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/interview-prep-api.yaml"
    ))
    .unwrap();
    let overlay = crate::common::write_file(
        &dir,
        "auth.yaml",
        "version: 1\nprovider: authco\nsource: test price\nas_of: 2026-12-01\nusage:\n  - { id: mau, name: Auth per MAU, unit: MAU, price_tiers: [{ start: 0, usd: 0.00325 }] }\n",
    );
    let with_ratio = base
        .replace(
            "  storage_mb_per_user: 1\n",
            "  storage_mb_per_user: 0.1\n  monthly_active_ratio: 0.4\n  fixed_data_gb: 50\n",
        )
        .replace(
            "usage:\n",
            "usage:\n  - { name: auth, price: authco/mau, driver: monthly_active_users }\n",
        );
    let path = crate::common::write_file(&dir, "mau.yaml", &with_ratio);
    let report = run_json(
        &[
            "recommend",
            "--scenario",
            &path,
            "--tiers",
            &overlay,
            "--users",
            "100000",
            "--format",
            "json",
        ],
        0,
    );
    let auth =
        report["usage"].as_array().unwrap().iter().find(|u| u["name"] == "auth").unwrap().clone();
    assert!(close(auth["quantity"].as_f64().unwrap(), 40_000.0, 1e-12), "{auth}");
    assert!(close(auth["monthly_usd"].as_f64().unwrap(), 130.0, 1e-9), "{auth}");
    assert!(close(
        report["demand"]["storage_gb"].as_f64().unwrap(),
        100_000.0 * 0.1 / 1024.0 + 50.0,
        1e-12
    ));
    let without = with_ratio.replace("  monthly_active_ratio: 0.4\n", "");
    let path = crate::common::write_file(&dir, "all.yaml", &without);
    let report = run_json(
        &[
            "recommend",
            "--scenario",
            &path,
            "--tiers",
            &overlay,
            "--users",
            "100000",
            "--format",
            "json",
        ],
        0,
    );
    let auth =
        report["usage"].as_array().unwrap().iter().find(|u| u["name"] == "auth").unwrap().clone();
    assert!(close(auth["monthly_usd"].as_f64().unwrap(), 325.0, 1e-9), "{auth}");
    // A monthly share below the daily one is refused, located.
    let bad = with_ratio.replace("monthly_active_ratio: 0.4", "monthly_active_ratio: 0.1");
    let path = crate::common::write_file(&dir, "bad.yaml", &bad);
    let (code, _, stderr) = run(&["recommend", "--scenario", &path]);
    assert_eq!(code, 2);
    assert!(stderr.contains("workload.monthly_active_ratio"), "{stderr}");
}

#[test]
fn files_per_registered_user_are_stored_for_every_user() {
    // Issue 31, part 4: 20 MB of uploads per registered user on S3
    // Standard: 100,000 × 20 ÷ 1024 = 1,953.125 GB-month × $0.023 = $44.92,
    // whatever share of them is active.
    let dir = crate::common::scratch_dir("files-per-user");
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/interview-prep-api.yaml"
    ))
    .unwrap();
    let line = "  - { name: uploads, price: aws/s3-standard-storage, driver: registered_users, files_mb_per_user: 20 }\n";
    let with = base.replace("usage:\n", &format!("usage:\n{line}"));
    let path = crate::common::write_file(&dir, "files.yaml", &with);
    let uploads = |path: &str| {
        let report = run_json(
            &["recommend", "--scenario", path, "--users", "100000", "--format", "json"],
            0,
        );
        report["usage"].as_array().unwrap().iter().find(|u| u["name"] == "uploads").unwrap().clone()
    };
    let line_now = uploads(&path);
    assert!(close(line_now["quantity"].as_f64().unwrap(), 1953.125, 1e-12), "{line_now}");
    assert!(close(line_now["monthly_usd"].as_f64().unwrap(), 1953.125 * 0.023, 1e-9), "{line_now}");
    let fewer_active = with.replace("daily_active_ratio: 0.3", "daily_active_ratio: 0.1");
    assert_ne!(fewer_active, with, "the scenario's daily_active_ratio moved");
    let path = crate::common::write_file(&dir, "fewer.yaml", &fewer_active);
    assert_eq!(uploads(&path)["quantity"], line_now["quantity"]);
    // Only on registered users, and only on a price per GB: located.
    for (edit, message) in [
        ("driver: registered_users, files", "'files_mb_per_user' needs driver 'registered_users'"),
        ("price: aws/s3-standard-storage", "'files_mb_per_user' needs a price per GB"),
    ] {
        let bad = match edit {
            "driver: registered_users, files" => {
                with.replace(edit, "driver: daily_active_users, files")
            }
            _ => with.replace(edit, "price: aws/s3-put-requests"),
        };
        let path = crate::common::write_file(&dir, "bad.yaml", &bad);
        let (code, _, stderr) = run(&["recommend", "--scenario", &path]);
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains(message) && stderr.contains("usage.uploads.files_mb_per_user"),
            "{stderr}"
        );
    }
}

const COACH: &str = "scenarios/ai-interview-coach.yaml";

#[test]
fn the_next_upgrade_keeps_the_tier_that_still_holds_instead_of_churning_for_pennies() {
    // Issue 31, part 6. At 5,000 users the coach's api runs 1 × t3.nano;
    // the cheapest plan one user later is another family (t4g.small, the
    // bill 30 cents lower), which the old rule reported as the "next
    // upgrade at 5,001". The mix holds to 5,333 users (api utilization);
    // the upgrade keeps t3.nano and adds one: 2 × t3.nano at 5,334.
    let report =
        run_json(&["recommend", "--scenario", COACH, "--users", "5000", "--format", "json"], 0);
    assert_eq!(report["components"][0]["tier"], "t3.nano", "{}", report["components"][0]);
    let cheapest_next =
        run_json(&["recommend", "--scenario", COACH, "--users", "5001", "--format", "json"], 0);
    assert_ne!(cheapest_next["components"][0]["tier"], "t3.nano");
    let next = &report["next_upgrade"];
    assert_eq!(next["change"], "api 1 → 2 × t3.nano", "{next}");
    assert_eq!(report["mix_max_users"], 5333.0);
    assert_eq!(report["max_users"], 5333.0);
    assert_eq!(next["at_users"], 5334.0);
    assert_eq!(report["max_users_binding"], "api: utilization");
    // One more t3.nano: $0.0052/hour × 730 = $3.796 a month in instances.
    assert!(close(next["instances_delta_usd"].as_f64().unwrap(), 3.796, 1e-9), "{next}");
    // Its own cost also carries what a second instance brings (the load
    // balancer, a second address and volume), less the CPU surplus the one
    // instance paid: more than the instance, far less than the whole
    // bill's growth from 5,000 users (tokens grow with the users).
    let own = next["components_delta_usd"].as_f64().unwrap();
    let whole = next["delta_usd"].as_f64().unwrap();
    assert!(own > 3.796 + 16.425 && own < whole / 5.0, "{own} vs {whole}");
    let (_, text, _) = run(&["recommend", "--scenario", COACH, "--users", "5000"]);
    assert!(
        text.contains("This mix serves up to 5,333 users (api: utilization binds beyond)."),
        "{text}"
    );
    assert!(text.contains("Next upgrade: at 5,334 users: api 1 → 2 × t3.nano, +$"), "{text}");
}

#[test]
fn a_forecast_keeps_the_mix_while_it_holds_and_never_steps_a_count_down() {
    // Issue 31, part 6: month by month, the mix of the month before is
    // kept while it holds; an upgrade comes only when it stops holding,
    // and keeps the tiers that still hold (no "api 3 → 1 × t4g.micro"
    // the month after "1 → 3" because the cheapest mix changed).
    use capplan::planner::Planner;
    let report = run_json(
        &[
            "forecast",
            "--scenario",
            COACH,
            "--users",
            "2000",
            "--growth",
            "30%/month",
            "--months",
            "10",
            "--format",
            "json",
        ],
        0,
    );
    let months = report["months"].as_array().unwrap();
    let upgrades: Vec<&serde_json::Value> =
        report["events"].as_array().unwrap().iter().filter(|e| e["kind"] == "upgrade").collect();
    assert!(upgrades.len() >= 3, "{upgrades:?}");
    for pair in months.windows(2) {
        for (a, b) in pair[0]["components"]
            .as_array()
            .unwrap()
            .iter()
            .zip(pair[1]["components"].as_array().unwrap())
        {
            if a["tier"] == b["tier"] {
                assert!(b["count"].as_u64() >= a["count"].as_u64(), "{a} then {b}");
            }
        }
    }
    // Each upgrade month: the month before's plan no longer holds there.
    let catalog = capplan::catalog::load().unwrap();
    let file = capplan::scenario::load_scenario(Some(std::path::Path::new(COACH))).unwrap();
    let planner = Planner::new(&file.scenario, &catalog);
    let mut previous = planner.plan(2000.0).unwrap();
    for month in months.iter().skip(1) {
        let users = month["users"].as_f64().unwrap();
        let upgraded = upgrades.iter().any(|e| e["users"].as_f64() == Some(users));
        let held = planner.priced_at(&previous, users);
        assert_eq!(held.is_none(), upgraded, "month {}: held {}", month["month"], held.is_some());
        match held {
            Some(same) => previous = same,
            None => match planner.plan_keeping(users, &previous) {
                Ok(kept) => previous = kept,
                Err(_) => break,
            },
        }
    }
}

//! One answer across commands (issue 12, items 3–5): a given rate means the
//! same thing everywhere, every command names the same stage, and the
//! capacity and next upgrade agree with what recommend returns beyond them.

use super::common::{close, run, run_json, scratch_dir, shipped_scenarios, write_file};
use capplan::catalog::load;
use capplan::demand::GivenRate;
use capplan::planner::Planner;
use capplan::report::recommend::{RecommendOptions, recommend};
use capplan::scenario::{load_scenario, parse_scenario};

const LAMBDA_OR_RENDER: &str = include_str!("../fixtures/lambda-or-render.yaml");

/// recommend's capacity and next upgrade hold against the planner
/// (issue 31, part 6): the mix holds to `max_users` (or, where a count
/// follows the load, the plan keeping its tiers is the same mix there);
/// one beyond, the plan keeping the tiers is another mix, never cheaper.
fn assert_agrees(planner: &Planner<'_>, users: f64) {
    let report =
        recommend(planner.scenario, planner.catalog, users, RecommendOptions::default()).unwrap();
    let plan = planner.plan(users).unwrap();
    let here = plan.managed_mix();
    let Some(max) = report.max_users else { return };
    let kept = |u: f64| planner.plan_keeping(u, &plan);
    assert!(
        report.mix_max_users == Some(max) || kept(max).unwrap().managed_mix() == here,
        "{users}: the mix neither holds nor is kept at max_users {max}"
    );
    match kept(max + 1.0) {
        Ok(next) => {
            assert_ne!(next.managed_mix(), here, "{users}: the mix changes at {}", max + 1.0)
        }
        Err(_) => assert!(report.next_upgrade.is_none()),
    }
    if let Some(upgrade) = &report.next_upgrade {
        assert_eq!(upgrade.at_users, max + 1.0);
        assert!(
            upgrade.delta_usd >= -1e-9,
            "{users}: the next plan costs less ({})",
            upgrade.delta_usd
        );
    }
}

/// The case: recommend with `--rps 300 --users 5000`, as JSON.
fn recommend_at_300_rps() -> serde_json::Value {
    run_json(&["recommend", "--rps", "300", "--users", "5000", "--format", "json"], 0)
}

#[test]
fn rps_300_with_5000_users_sets_the_per_user_rate_and_the_next_upgrade_costs_more() {
    // Issue 12: "--rps 300 --users 5000 reports a negative next upgrade
    // (api 23 → 1 × starter, −$69.94/month)".
    let json = recommend_at_300_rps();
    assert_eq!(json["users"], 5000.0);
    assert!(close(json["demand"]["peak_rps"].as_f64().unwrap(), 300.0, 1e-12));
    // 300/s × 60 ÷ (5,000 × 0.1 daily active × 0.3 online) = 120 per online user per minute.
    assert!(close(
        json["given_rate"]["requests_per_online_user_per_min"].as_f64().unwrap(),
        120.0,
        1e-12
    ));
    let upgrade = &json["next_upgrade"];
    assert!(upgrade["delta_usd"].as_f64().unwrap() >= 0.0, "{upgrade}");
    let max = json["max_users"].as_f64().unwrap();
    assert_eq!(upgrade["at_users"].as_f64().unwrap(), max + 1.0);
    // The capacity under the same per-user rate: the same mix at max_users,
    // another one user beyond (the rate scales with the users).
    let at = |users: f64| {
        let rps = format!("{}", 300.0 * users / 5000.0);
        let users = format!("{users}");
        run_json(&["recommend", "--rps", &rps, "--users", &users, "--format", "json"], 0)
    };
    let mix = |j: &serde_json::Value| -> Vec<(String, u64)> {
        j["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["tier"].as_str().unwrap().to_string(), c["count"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(mix(&at(max)), mix(&json));
    let next = at(max + 1.0);
    assert_ne!(mix(&next), mix(&json));
    // The upgrade's figures: one more Starter ($7, the catalog's price) in
    // instances, and the next plan's total (its own run) minus this one.
    assert!(close(upgrade["instances_delta_usd"].as_f64().unwrap(), 7.0, 1e-12), "{upgrade}");
    assert!(close(
        upgrade["delta_usd"].as_f64().unwrap(),
        next["monthly_usd"].as_f64().unwrap() - json["monthly_usd"].as_f64().unwrap(),
        1e-9
    ));
    let (code, table, _) = run(&["recommend", "--rps", "300", "--users", "5000"]);
    assert_eq!(code, 0);
    assert!(
        table.contains("Given rate: a peak of 300 requests/s at 5,000 users sets 120 requests per online user per minute for this run (the scenario says 3)."),
        "{table}"
    );
    assert!(table.contains("+$7.00/month for what changes"), "{table}");
}

#[test]
fn rps_7_5_with_100000_users_plans_the_capacity_at_that_per_user_rate() {
    // Issue 12: "--rps 7.5 --users 100000 claims one Starter instance serves
    // 100,000 users" (its capacity came from the scenario's own 3/min).
    let catalog = load().unwrap();
    let file = load_scenario(None).unwrap();
    let run = GivenRate { rps: 7.5, users: Some(100_000.0) }.apply(&file.scenario).unwrap();
    assert!(close(run.scenario.workload.requests_per_online_user_per_min, 0.15, 1e-12));
    let planner = Planner::new(&run.scenario, &catalog);
    assert_agrees(&planner, run.users);
    let json = run_json(&["recommend", "--rps", "7.5", "--users", "100000", "--format", "json"], 0);
    let report =
        recommend(&run.scenario, &catalog, run.users, RecommendOptions::default()).unwrap();
    assert_eq!(json["max_users"].as_f64(), report.max_users);
    assert_eq!(json["monthly_usd"].as_f64().unwrap(), report.monthly_usd);
}

#[test]
fn a_given_rate_gives_the_same_plan_in_every_command() {
    let recommend = recommend_at_300_rps();
    let total = recommend["monthly_usd"].as_f64().unwrap();
    let sweep = run_json(
        &[
            "sweep", "--from", "5000", "--to", "5000", "--points", "1", "--rps", "300", "--users",
            "5000", "--format", "json",
        ],
        0,
    );
    assert_eq!(sweep["rows"][0]["monthly_usd"].as_f64().unwrap(), total);
    assert_eq!(sweep["given_rate"], recommend["given_rate"]);
    let forecast = run_json(
        &[
            "forecast",
            "--users",
            "5000",
            "--rps",
            "300",
            "--growth",
            "10%/month",
            "--months",
            "1",
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!(forecast["months"][0]["monthly_usd"].as_f64().unwrap(), total);
    let diff =
        run_json(&["diff", "default", "--users", "5000", "--rps", "300", "--format", "json"], 0);
    assert_eq!(diff["points"][0]["base_usd"].as_f64().unwrap(), total);
    // An assertion with users and rpm follows the same rule: 300/s = 18,000/min.
    let dir = scratch_dir("given-rate-check");
    let text = load_scenario(None).unwrap().text.replace(
        "assert:",
        &format!("assert:\n  - {{ users: 5000, rpm: 18000, max_monthly_usd: {} }}", total - 0.01),
    );
    let path = write_file(&dir, "rate.yaml", &text);
    let check = run_json(&["check", &path, "--format", "json"], 1);
    let failed: Vec<_> =
        check["assertions"].as_array().unwrap().iter().filter(|a| a["pass"] == false).collect();
    assert_eq!(failed.len(), 1, "{check}");
    assert_eq!(failed[0]["at"], "users=5000 rpm=18000");
    assert!(failed[0]["value"].as_str().unwrap().contains(&format!("{total:.2}")), "{}", failed[0]);
    // More than one user count with a rate is refused, naming why.
    let (code, _, err) =
        run(&["diff", "default", "--users", "5000", "--users", "6000", "--rps", "300"]);
    assert_eq!(code, 2);
    assert!(err.contains("describes one user count"), "{err}");
}

#[test]
fn fractional_user_counts_follow_one_rule() {
    // Issue 12: "1.2 accepted, 0.9 rejected, --rps 0.001 yields 0.67 users".
    // Every count is rounded to whole users and must be at least one.
    for (given, whole) in [("1.2", 1.0), ("0.9", 1.0), ("2.5k", 2500.0)] {
        assert_eq!(
            run_json(&["recommend", "--users", given, "--format", "json"], 0)["users"],
            whole,
            "{given}"
        );
    }
    let (code, _, err) = run(&["recommend", "--users", "0.4"]);
    assert_eq!(code, 2);
    assert!(err.contains("rounded to whole users"), "{err}");
    // A rate too small for one user: one user, making exactly that rate.
    let json = run_json(&["recommend", "--rps", "0.001", "--format", "json"], 0);
    assert_eq!(json["users"], 1.0);
    assert!(close(json["demand"]["peak_rps"].as_f64().unwrap(), 0.001, 1e-12));
}

#[test]
fn every_command_names_the_same_stage() {
    // Issue 12: recommend/diff named the first template that holds the
    // load, sweep/forecast/chart the user range; they disagreed in 159 of
    // 750 points (1,000 users: "Starter" against "Free").
    let catalog = load().unwrap();
    for name in [None, Some("scenarios/smriti.yaml")] {
        let file = load_scenario(name.map(std::path::Path::new)).unwrap();
        let users = capplan::report::sweep::user_points(10.0, 2_000_000.0, 40, true);
        let swept = capplan::report::sweep::sweep(&file.scenario, &catalog, &users);
        for row in &swept.rows {
            let Ok(report) =
                recommend(&file.scenario, &catalog, row.users, RecommendOptions::default())
            else {
                continue;
            };
            assert_eq!(report.stage.map(|s| s.name), row.stage, "{name:?} at {} users", row.users);
        }
    }
    // The next stage recommend names is the stage sweep gives one user beyond.
    let json = run_json(&["recommend", "--users", "5000", "--format", "json"], 0);
    let next = &json["next_stage"];
    let at = next["at_users"].as_f64().unwrap();
    let (before, after) = (format!("{}", at - 1.0), format!("{at}"));
    let sweep = run_json(
        &["sweep", "--from", &before, "--to", &after, "--points", "2", "--format", "json"],
        0,
    );
    assert_eq!(sweep["rows"][0]["stage"], json["stage"]["name"]);
    assert_eq!(sweep["rows"][1]["stage"], next["name"]);
    // forecast reports the stage change at the first month past it.
    let forecast = run_json(
        &[
            "forecast",
            "--users",
            "5000",
            "--growth",
            "+100/month",
            "--months",
            "60",
            "--format",
            "json",
        ],
        0,
    );
    let event = forecast["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "stage")
        .expect("a stage change within 60 months");
    let users = event["users"].as_f64().unwrap();
    assert!(users >= at && users < at + 100.0, "stage change at {users}, recommend says {at}");
}

#[test]
fn a_serverless_mix_that_always_holds_advises_the_switch_where_it_pays() {
    // Issue 12 reported a Lambda mix as "serving up to 170,496 users"
    // where the cheapest plan had flipped to Render long before; issue 31
    // (part 6) makes the next upgrade the count where the mix stops
    // holding, and Lambda scales by itself, so there is none. Render is
    // advised apart: at the first count (within 0.5%) where it saves more
    // than 10% of the bill against keeping Lambda.
    let catalog = load().unwrap();
    let file = parse_scenario("lambda-or-render.yaml", LAMBDA_OR_RENDER).unwrap();
    let planner = Planner::new(&file.scenario, &catalog);
    let report = recommend(&file.scenario, &catalog, 1000.0, RecommendOptions::default()).unwrap();
    let start = planner.plan(1000.0).unwrap();
    assert!(start.components[0].serverless);
    assert_eq!((report.max_users, report.mix_max_users), (None, None));
    assert!(report.next_upgrade.is_none());
    let switch = report.tier_switch.clone().expect("Render pays somewhere");
    assert_eq!(switch.threshold_share, 0.10);
    let saving = |users: f64| {
        let kept = planner.plan_keeping(users, &start).unwrap();
        let cheapest = planner.plan(users).unwrap();
        assert!(kept.components[0].serverless, "Lambda kept at {users}");
        (kept.monthly_usd - cheapest.monthly_usd) / kept.monthly_usd
    };
    let at = switch.at_users;
    assert!(saving(at) > 0.10, "{}", saving(at));
    assert!(close(saving(at), switch.saving_share, 1e-12));
    assert!(saving((at * 0.99).floor()) <= 0.10, "{}", saving((at * 0.99).floor()));
    assert!(switch.change.contains("starter"), "{}", switch.change);
    let (code, table, _) = run(&[
        "recommend",
        "--scenario",
        "tests/fixtures/lambda-or-render.yaml",
        "--users",
        "1000",
    ]);
    assert_eq!(code, 0);
    assert!(table.contains("This mix serves up to more than 10^12 users."), "{table}");
    assert!(table.contains("Next upgrade: none up to 10^12 users."), "{table}");
    let users = format!("{}", at as u64);
    let grouped = format!("{},{}", &users[..users.len() - 3], &users[users.len() - 3..]);
    assert!(
        table.contains(&format!("Tier switch worth making: at {grouped} users, api ")),
        "{table}"
    );
    // A higher threshold moves the advice further out; none at 99%.
    let (_, strict, _) = run(&[
        "recommend",
        "--scenario",
        "tests/fixtures/lambda-or-render.yaml",
        "--users",
        "1000",
        "--switch-saving",
        "99%",
    ]);
    assert!(!strict.contains("Tier switch"), "{strict}");
    for users in [20_000.0, 60_000.0, 75_000.0, 120_000.0] {
        assert_agrees(&planner, users);
    }
}

#[test]
fn capacity_and_next_upgrade_agree_in_the_shipped_scenarios() {
    let catalog = load().unwrap();
    for name in [None, Some("scenarios/smriti.yaml"), Some("scenarios/interview-preparation.yaml")]
    {
        let file = load_scenario(name.map(std::path::Path::new)).unwrap();
        let planner = Planner::new(&file.scenario, &catalog);
        for users in [50.0, 1_000.0, 5_000.0, 40_000.0, 300_000.0] {
            if planner.plan(users).is_ok() {
                assert_agrees(&planner, users);
            }
        }
    }
}

/// The (tier, count) of every component, as recommend and sweep print
/// them (sweep's tiers carry provider/offering/).
fn mix_of(components: &serde_json::Value) -> Vec<(String, String, f64)> {
    components
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let tier = c["tier"].as_str().unwrap();
            let tier = tier.rsplit('/').next().unwrap().to_string();
            (c["name"].as_str().unwrap().to_string(), tier, c["count"].as_f64().unwrap())
        })
        .collect()
}

#[test]
fn every_shipped_scenario_reports_one_capacity_in_every_command() {
    // Issue 31, part 5: max_users and the next upgrade come from one
    // function, whatever binds (instances, usage-priced compute such as
    // Railway and Vercel, datastores, Cloudinary's credit quota in smriti):
    // one beyond the capacity recommend reports, sweep's plan is another
    // mix; a forecast growing through it upgrades in the first month past
    // it; the HTML report prints the same figures.
    let files = shipped_scenarios();
    let dir = scratch_dir("one-capacity");
    let mut upgrades = 0;
    for file in &files {
        let rec =
            run_json(&["recommend", "--scenario", file, "--users", "5000", "--format", "json"], 0);
        let Some(max) = rec["max_users"].as_f64() else { continue };
        assert!(rec["max_users_binding"].is_string(), "{file}: what binds at {max}");
        let Some(next) = rec["next_upgrade"].as_object() else { continue };
        upgrades += 1;
        assert_eq!(next["at_users"].as_f64().unwrap(), max + 1.0, "{file}");
        let (from, to) = (format!("{max}"), format!("{}", max + 1.0));
        let sweep = run_json(
            &[
                "sweep",
                "--scenario",
                file,
                "--from",
                &from,
                "--to",
                &to,
                "--points",
                "2",
                "--format",
                "json",
            ],
            0,
        );
        let rows = sweep["rows"].as_array().unwrap();
        assert_eq!(rows[0]["feasible"], true, "{file}: sweep plans {max}");
        assert_ne!(
            mix_of(&rows[1]["components"]),
            mix_of(&rec["components"]),
            "{file}: the mix recommend holds to {max} is still sweep's plan one beyond"
        );
        let forecast = run_json(
            &[
                "forecast",
                "--scenario",
                file,
                "--users",
                "5000",
                "--growth",
                "10%/month",
                "--months",
                "60",
                "--format",
                "json",
            ],
            0,
        );
        let past = forecast["months"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["users"].as_f64().unwrap() > max)
            .unwrap_or_else(|| panic!("{file}: 60 months reach {max}"));
        let month = past["month"].as_f64().unwrap();
        let events = forecast["events"].as_array().unwrap();
        assert!(
            events.iter().any(|e| e["month"].as_f64() == Some(month) && e["kind"] == "upgrade"),
            "{file}: no upgrade in month {month} ({} users) past {max}: {events:?}",
            past["users"]
        );
        assert!(
            !events.iter().any(|e| e["month"].as_f64().unwrap() < month && e["kind"] == "upgrade"),
            "{file}: an upgrade before month {month}, while the mix holds: {events:?}"
        );
        let page = dir.join("report.html");
        let page_arg = page.to_string_lossy().into_owned();
        let (code, _, stderr) =
            run(&["report", "--scenario", file, "--users", "5000", "--out", &page_arg]);
        assert_eq!(code, 0, "{stderr}");
        let html = std::fs::read_to_string(&page).unwrap();
        let serves = format!("serves up to {} users", capplan::input::units::thousands(max));
        assert!(html.contains(&serves), "{file}: the report lacks '{serves}'");
        let at = format!(
            "next upgrade: at {} users: {}",
            capplan::input::units::thousands(max + 1.0),
            next["change"].as_str().unwrap()
        );
        assert!(html.contains(&at), "{file}: the report lacks '{at}'");
    }
    assert!(upgrades >= 14, "{upgrades} scenarios with an upgrade");
}

#[test]
fn a_sweep_finds_the_vercel_supabase_database_step_where_recommend_does() {
    // The case: a sweep in steps of 1,000 users finds the Vercel +
    // Supabase database step at the first step past recommend's capacity.
    let rec = run_json(
        &["recommend", "--scenario", "scenarios/examples/vercel-supabase.yaml", "--format", "json"],
        0,
    );
    let max = rec["max_users"].as_f64().unwrap();
    let sweep = run_json(
        &[
            "sweep",
            "--scenario",
            "scenarios/examples/vercel-supabase.yaml",
            "--from",
            "1000",
            "--to",
            "100000",
            "--points",
            "100",
            "--format",
            "json",
        ],
        0,
    );
    let first_small = sweep["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["components"][1]["tier"] == "supabase/postgres/small")
        .expect("the database steps up within 100,000 users");
    let users = first_small["users"].as_f64().unwrap();
    assert!(users > max && users <= max + 1000.0, "sweep steps at {users}, recommend after {max}");
}

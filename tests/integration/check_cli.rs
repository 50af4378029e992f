//! `capplan check` and `capplan diff`: assertions, formats, exit codes,
//! robustness against hostile input, and the CI example.

use crate::common::{edits, mutate, run, run_json, run_on_day, scratch_dir, write_file};
use proptest::prelude::*;

fn default_text() -> String {
    std::fs::read_to_string("scenarios/interview-prep-api.yaml").unwrap()
}

#[test]
fn shipped_scenarios_pass() {
    let (code, stdout, stderr) = run(&["check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("0 error(s)") && stdout.contains("0 failed"), "{stdout}");
    let json = run_json(&["check", "scenarios", "tiers", "--format", "json"], 0);
    assert_eq!(json["errors"], 0);
    assert!(json["files"].as_array().unwrap().iter().any(|f| f["kind"] == "catalog"));
    assert!(json["files"].as_array().unwrap().iter().any(|f| f["kind"] == "scenario"));
    assert!(json["assertions"].as_array().unwrap().iter().all(|a| a["pass"] == true));
}

#[test]
fn failed_assertion_exits_1_with_value_and_limit() {
    let dir = scratch_dir("assert");
    let text = default_text()
        .replace("max_monthly_usd: 200", "max_monthly_usd: 100")
        .replace("stage: Scale }", "stage: Growth }");
    let path = write_file(&dir, "tight.yaml", &text);
    let (code, stdout, _) = run(&["check", &path]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("FAIL")
            && stdout.contains("max_monthly_usd $151.57 (excludes unpriced: db: backups (atlas/cluster: no published backup rate)) (limit $100.00)"),
        "{stdout}"
    );
    assert!(stdout.contains("stage Scale (limit Growth)"), "{stdout}");
    let line = text.lines().position(|l| l.contains("max_monthly_usd: 100")).unwrap() + 1;
    assert!(stdout.contains(&format!("tight.yaml:{line}: at users=5000")), "{stdout}");
    let json = run_json(&["check", &path, "--format", "json"], 1);
    let failed: Vec<&serde_json::Value> =
        json["assertions"].as_array().unwrap().iter().filter(|a| a["pass"] == false).collect();
    assert_eq!(failed.len(), 2);
    assert_eq!(failed[0]["check"], "max_monthly_usd");
    assert_eq!(failed[0]["line"], line);
    let (code, github, _) = run(&["check", &path, "--format", "github"]);
    assert_eq!(code, 1);
    assert!(github.contains(&format!("::error file={path},line={line}::assertion failed at users=5000: max_monthly_usd is $151.57 (excludes unpriced: db: backups (atlas/cluster: no published backup rate)), limit $100.00")), "{github}");
}

#[test]
fn every_problem_in_a_file_is_reported() {
    let dir = scratch_dir("problems");
    let text = default_text()
        .replace("  daily_active_ratio: 0.3\n", "  daily_active_ratio: 3\n  bogus: 1\n")
        .replace("    cpu_ms: 25\n", "    cpu_ms: fast\n")
        .replace("candidates: [render/worker]", "candidates: [render/nope]");
    let path = write_file(&dir, "bad.yaml", &text);
    let json = run_json(&["check", &path, "--format", "json"], 2);
    let problems = json["problems"].as_array().unwrap();
    let messages: Vec<&str> = problems.iter().map(|p| p["message"].as_str().unwrap()).collect();
    for needle in [
        "unknown field `bogus`",
        "invalid type: string \"fast\"",
        "expected a fraction above 0 and at most 1, found 3",
        "unknown offering 'render/nope'",
    ] {
        assert!(messages.iter().any(|m| m.contains(needle)), "missing {needle}: {messages:?}");
    }
    assert!(
        problems.iter().all(|p| p["line"].is_number()),
        "every problem is located: {problems:?}"
    );
    let (code, github, _) = run(&["check", &path, "--format", "github"]);
    assert_eq!(code, 2);
    let bogus = text.lines().position(|l| l.contains("bogus")).unwrap() + 1;
    assert!(
        github.contains(&format!(
            "::error file={path},line={bogus},col=3::workload: unknown field `bogus`"
        )),
        "{github}"
    );
}

#[test]
fn hostile_inputs_exit_2_with_a_located_message() {
    let dir = scratch_dir("hostile");
    let base = default_text();
    let mut bomb = String::from(
        "version: 1\nname: x\ndescription:\n  - &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut previous = 'a';
    for name in "bcdefghijk".chars() {
        bomb.push_str(&format!("  - &{name} [{}]\n", vec![format!("*{previous}"); 9].join(",")));
        previous = name;
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.yaml", Vec::new(), "empty"),
        (
            "garbage.yaml",
            (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect(),
            "not UTF-8",
        ),
        ("latin1.yaml", b"version: 1\nname: \"caf\xe9\"\n".to_vec(), "not UTF-8"),
        (
            "deep.yaml",
            base.replace(
                "name: Interview Prep API (default)",
                &format!("name: {}{}", "[".repeat(5000), "]".repeat(5000)),
            )
            .into_bytes(),
            "nesting deeper than 64 levels",
        ),
        // Counted as the aliases expand, refused where the count passes the bound.
        ("bomb.yaml", bomb.into_bytes(), "once aliases are expanded"),
        (
            "duplicate.yaml",
            base.replacen("version: 1\n", "version: 1\nversion: 1\n", 1).into_bytes(),
            "duplicate field `version`",
        ),
        (
            "unknown.yaml",
            base.replace("    io_ms: 40\n", "    io_ms: 40\n    io_mss: 4\n").into_bytes(),
            "unknown field `io_mss`",
        ),
        (
            "wrong-type.yaml",
            base.replace("peak_online_ratio: 0.1", "peak_online_ratio: [0.1]").into_bytes(),
            "invalid type",
        ),
        (
            "missing.yaml",
            base.replace("  requests_per_online_user_per_min: 3\n", "").into_bytes(),
            "missing field `requests_per_online_user_per_min`",
        ),
        (
            "negative.yaml",
            base.replace("storage_mb_per_user: 1", "storage_mb_per_user: -1").into_bytes(),
            "found -1",
        ),
        (
            "zero.yaml",
            base.replace("concurrency_per_instance: 10", "concurrency_per_instance: 0")
                .into_bytes(),
            "expected at least 1, found 0",
        ),
        (
            "nan.yaml",
            base.replace("daily_active_ratio: 0.3", "daily_active_ratio: .nan").into_bytes(),
            "found NaN",
        ),
        ("inf.yaml", base.replace("cpu_ms: 25", "cpu_ms: .inf").into_bytes(), "found inf"),
        (
            "huge-users.yaml",
            base.replacen("users: 5000", "users: 1e308", 1).into_bytes(),
            "found 1e308",
        ),
        (
            "provider.yaml",
            base.replace("candidates: [atlas/cluster]", "candidates: [mongo/cluster]").into_bytes(),
            "unknown offering 'mongo/cluster'",
        ),
        (
            "usage.yaml",
            base.replace("price: render/bandwidth", "price: render/teleport").into_bytes(),
            "unknown usage price 'render/teleport'",
        ),
        (
            "version.yaml",
            base.replace("version: 1", "version: 99").into_bytes(),
            "expected version 1, found 99",
        ),
        (
            "negative-version.yaml",
            base.replace("version: 1", "version: -1").into_bytes(),
            "expected u32",
        ),
    ];
    for (name, bytes, message) in cases {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).unwrap();
        let path = path.to_str().unwrap().to_string();
        for args in [vec!["recommend", "--scenario", &path], vec!["check", &path]] {
            let (code, stdout, stderr) = run(&args);
            let text = format!("{stdout}{stderr}");
            assert_eq!(code, 2, "{name} via {}: {text}", args[0]);
            assert!(
                text.contains(message),
                "{name} via {}: expected '{message}' in {text}",
                args[0]
            );
            assert!(text.contains(name), "{name}: the message names the file: {text}");
        }
    }
    // A 50 MB file is refused before it is read.
    let big = dir.join("big.yaml");
    std::fs::write(&big, "# padding\n".repeat(5 * 1024 * 1024)).unwrap();
    let (code, _, stderr) = run(&["recommend", "--scenario", big.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("limited to 10 MB"), "{stderr}");
    // TOML nesting.
    let deep = write_file(
        &dir,
        "deep.toml",
        &format!("a = {}{}\n", "[".repeat(10_000), "]".repeat(10_000)),
    );
    let (code, _, stderr) = run(&["recommend", "--scenario", &deep]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("deep.toml:1:"), "{stderr}");
}

#[test]
fn unreadable_paths_and_empty_folders_exit_2() {
    let (code, stdout, _) = run(&["check", "/nonexistent/scenarios"]);
    assert_eq!(code, 2);
    assert!(stdout.contains("/nonexistent/scenarios: cannot read"), "{stdout}");
    let dir = scratch_dir("empty-folder");
    let (code, stdout, _) = run(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stdout.contains("holds no scenario or catalog files"), "{stdout}");
    let (code, _, stderr) = run(&["recommend", "--scenario", dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("expected a file, found a folder"), "{stderr}");
    let (code, _, stderr) = run(&["recommend", "--scenario", "/nonexistent.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("/nonexistent.yaml: cannot read"), "{stderr}");
}

#[test]
fn diff_shows_per_component_change_and_fails_above_a_limit() {
    let dir = scratch_dir("diff");
    // The head runs at least two API instances.
    let head = write_file(
        &dir,
        "head.yaml",
        &default_text().replace(
            "    min_instances: 1\n    slo:\n      percentile: 95\n      response_ms: 500",
            "    min_instances: 2\n    slo:\n      percentile: 95\n      response_ms: 500",
        ),
    );
    let json = run_json(
        &["diff", "default", &head, "--users", "5000", "--users", "20000", "--format", "json"],
        0,
    );
    let at5k = &json["points"][0];
    assert_eq!(at5k["users"], 5000.0);
    assert!((at5k["delta_usd"].as_f64().unwrap() - 7.0).abs() < 1e-9, "{at5k}");
    assert!(
        (at5k["delta_pct"].as_f64().unwrap() - 7.0 / at5k["base_usd"].as_f64().unwrap() * 100.0)
            .abs()
            < 1e-9
    );
    let api = at5k["components"].as_array().unwrap().iter().find(|c| c["name"] == "api").unwrap();
    assert_eq!(api["base"], "1 × render/web/starter");
    assert_eq!(api["head"], "2 × render/web/starter");
    assert_eq!(api["changed"], true);
    // At 20,000 users three instances are needed anyway: no change.
    assert!(json["points"][1]["delta_usd"].as_f64().unwrap().abs() < 1e-9);
    let (code, markdown, _) =
        run(&["diff", "default", &head, "--users", "5000", "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(
        markdown.contains("| 5,000 | Starter | $151.57 | $158.57 | +$7.00 (+4.6%) |"),
        "{markdown}"
    );
    assert!(
        markdown
            .contains("| 5,000 | api | 1 × render/web/starter | 2 × render/web/starter | +$7.00 |"),
        "{markdown}"
    );
    let (code, _, _) = run(&["diff", "default", &head, "--users", "5000", "--fail-above", "5%"]);
    assert_eq!(code, 0, "+4.8% is within 5%");
    let (code, _, _) = run(&["diff", "default", &head, "--users", "5000", "--fail-above", "4%"]);
    assert_eq!(code, 1);
    let (code, _, _) = run(&["diff", "default", &head, "--users", "5000", "--fail-above", "6usd"]);
    assert_eq!(code, 1);
    let (code, _, _) = run(&["diff", "default", &head, "--users", "5000", "--fail-above", "7usd"]);
    assert_eq!(code, 0);
    // One scenario, two price overlays.
    let prices = write_file(
        &dir,
        "cheaper-atlas.yaml",
        "version: 1\nprovider: atlas\nsource: \"negotiated\"\nas_of: 2026-11-01\nofferings:\n  - id: cluster\n    tiers:\n      - { id: m10, price: { monthly_usd: 40 } }\n",
    );
    let json = run_json(
        &["diff", "default", "--tiers-head", &prices, "--users", "5000", "--format", "json"],
        0,
    );
    assert!((json["points"][0]["delta_usd"].as_f64().unwrap() + 16.94).abs() < 1e-9);
    let (code, _, stderr) = run(&["diff", "default", "--fail-above", "lots"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--fail-above"));
}

#[test]
fn the_ci_example_workflow_runs_against_the_shipped_scenarios() {
    let text = std::fs::read_to_string("docs/ci/capplan.yml").unwrap();
    let workflow: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&text).expect("the workflow is valid YAML");
    let dir = scratch_dir("workflow");
    std::fs::copy("scenarios/interview-prep-api.yaml", dir.join("base.yaml")).unwrap();
    let mut commands = Vec::new();
    for job in workflow["jobs"].as_mapping().unwrap().values() {
        for step in job["steps"].as_sequence().unwrap() {
            if let Some(run) = step["run"].as_str().filter(|r| r.starts_with("capplan ")) {
                commands.push(run.to_string());
            }
        }
    }
    assert_eq!(commands.len(), 2, "{commands:?}");
    for command in commands {
        let command = command
            .split(" > ")
            .next()
            .unwrap()
            .replace("scenarios/app.yaml", "scenarios/interview-prep-api.yaml");
        let base = dir.join("base.yaml");
        let args: Vec<String> =
            command
                .split_whitespace()
                .skip(1)
                .map(|a| {
                    if a == "base.yaml" {
                        base.to_str().unwrap().to_string()
                    } else {
                        a.to_string()
                    }
                })
                .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 0, "{command}: {stdout}{stderr}");
        assert!(!stdout.is_empty());
    }
}

/// Inputs tried by each property below (reported in the closing note).
const FUZZ_CASES: u32 = 1500;

proptest! {
    #![proptest_config(ProptestConfig { cases: FUZZ_CASES, ..ProptestConfig::default() })]

    #[test]
    fn scenario_parser_never_panics(edits in edits()) {
        let catalog = capplan::catalog::load().unwrap();
        let text = mutate(&default_text(), &edits);
        if let Ok(file) = capplan::scenario::parse_scenario("fuzz.yaml", &text)
            && capplan::scenario::validate(&file, &catalog).is_ok()
        {
            let _ = capplan::report::recommend::recommend(&file.scenario, &catalog, 5000.0, Default::default());
        }
    }

    #[test]
    fn catalog_parser_never_panics(edits in edits()) {
        let text = mutate(&std::fs::read_to_string("tiers/atlas.yaml").unwrap(), &edits);
        if let Ok(files) = capplan::catalog::parse_file("fuzz.yaml", &text) {
            let _ = capplan::catalog::check_catalog(&files);
        }
    }
}

/// `--max-price-age` moves the line between fresh and stale, for the prices
/// a scenario's plan uses and for a catalog file's own entries. With the
/// tests' today (2026-11-21) Railway's entries (2026-08-07) are 106 days
/// old and Anthropic's (2026-07-24) 120.
#[test]
fn max_price_age_warns_on_the_prices_a_plan_uses() {
    let scenario = "scenarios/examples/railway.yaml";
    let stale = |age: &str| -> Vec<String> {
        let (code, stdout, stderr) =
            run_on_day(&["check", scenario, "--max-price-age", age, "--format", "json"]);
        assert_eq!(code, 0, "{stderr}");
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        json["problems"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["severity"] == "warning")
            .map(|p| p["message"].as_str().unwrap().to_string())
            .collect()
    };
    let at_100 = stale("100");
    for entry in [
        "railway/vcpu",
        "railway/memory",
        "railway/plan/hobby",
        "anthropic/claude-sonnet-4-5-input",
    ] {
        assert!(at_100.iter().any(|m| m.contains(entry)), "{entry} missing from {at_100:#?}");
    }
    // One warning per source: the six Railway entries cite one page.
    let railway: Vec<&String> = at_100.iter().filter(|m| m.contains("railway/")).collect();
    assert_eq!(railway.len(), 1, "{at_100:#?}");
    assert!(
        railway[0].contains(
            "from 6 entries dated 2026-08-07, 106 days old (more than 100), all from one source"
        ),
        "{at_100:#?}"
    );
    let at_110 = stale("110");
    assert!(!at_110.iter().any(|m| m.contains("railway/")), "{at_110:#?}");
    assert!(
        at_110
            .iter()
            .any(|m| m.contains("anthropic/claude-sonnet-4-5-output") && m.contains("120 days old")),
        "{at_110:#?}"
    );
    assert!(stale("365").is_empty());

    // A catalog file checked: its own dated entries, located.
    let (code, stdout, _) = run_on_day(&["check", "tiers/railway.yaml", "--max-price-age", "100"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("tiers/railway.yaml:11")
            && stdout.contains("as_of 2026-08-07 is 106 days old (more than 100)"),
        "{stdout}"
    );
    let (code, _, stderr) = run(&["check", scenario, "--max-price-age", "-5"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--max-price-age"), "{stderr}");
}

#[test]
fn diff_itemizes_usage_and_the_items_add_up_to_the_total_change() {
    let json = run_json(
        &[
            "diff",
            "scenarios/interview-prep-api.yaml",
            "scenarios/ai-interview-coach.yaml",
            "--users",
            "5000",
            "--users",
            "20000",
            "--format",
            "json",
        ],
        0,
    );
    for point in json["points"].as_array().unwrap() {
        let components: f64 = point["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["delta_usd"].as_f64().unwrap())
            .sum();
        let usage = point["usage"].as_array().unwrap();
        let lines: f64 = usage.iter().map(|l| l["delta_usd"].as_f64().unwrap()).sum();
        let total = point["delta_usd"].as_f64().unwrap();
        assert!(
            (components + lines - total).abs() < 1e-6 * total.abs().max(1.0),
            "components {components} + usage {lines} != {total}"
        );
        // Tokens on both sides are itemized with quantities and prices.
        let evaluation = usage
            .iter()
            .find(|l| l["item"] == "evaluation input")
            .expect("the head's evaluation tokens");
        assert!(evaluation["base_quantity"].is_null());
        assert!(evaluation["head_quantity"].as_f64().unwrap() > 0.0);
        assert_eq!(evaluation["unit"], "1M tokens");
    }
    let (_, table, _) = run(&[
        "diff",
        "scenarios/interview-prep-api.yaml",
        "scenarios/ai-interview-coach.yaml",
        "--users",
        "5000",
    ]);
    assert!(table.contains("Usage and add-ons that change"), "{table}");
    assert!(table.contains("evaluation output"), "{table}");
}

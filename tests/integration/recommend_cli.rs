//! `capplan recommend`: the JSON contract, numbers re-derived independently,
//! formats, and bad input.

use crate::common::{close, run, run_json, scratch_dir, write_file};
use capplan::queueing::{DEFAULT_PERIOD_S, SharedCpu};

#[test]
fn json_contract() {
    let json = run_json(&["recommend", "--users", "5000", "--format", "json"], 0);
    for field in [
        "scenario",
        "users",
        "demand",
        "stage",
        "components",
        "monthly_usd",
        "usd_per_user",
        "next_upgrade",
        "warnings",
    ] {
        assert!(json.get(field).is_some(), "missing {field}");
    }
    for field in ["peak_rps", "peak_rpm", "online_users", "storage_gb", "cache_mb"] {
        assert!(json["demand"][field].is_number(), "missing demand.{field}");
    }
    for field in ["name", "index", "max_users"] {
        assert!(json["stage"].get(field).is_some(), "missing stage.{field}");
    }
    for c in json["components"].as_array().unwrap() {
        for field in [
            "name",
            "role",
            "provider",
            "offering",
            "tier",
            "count",
            "monthly_usd",
            "utilization",
            "p95_ms",
            "binding",
        ] {
            assert!(c.get(field).is_some(), "missing components[].{field}: {c}");
        }
    }
    for field in ["at_users", "component", "change", "delta_usd"] {
        assert!(json["next_upgrade"].get(field).is_some(), "missing next_upgrade.{field}");
    }
    assert_eq!(json["users"], 5000.0);
    assert_eq!(json["stage"]["name"], "Starter");
    assert_eq!(json["stage"]["index"], 2);
}

#[test]
fn demand_follows_the_scenario_ratios() {
    // 5,000 users × 30% daily active × 10% online × 3 requests/min = 450/min.
    let json = run_json(&["recommend", "--users", "5000", "--format", "json"], 0);
    assert!(close(json["demand"]["online_users"].as_f64().unwrap(), 150.0, 1e-12));
    assert!(close(json["demand"]["peak_rpm"].as_f64().unwrap(), 450.0, 1e-12));
    assert!(close(json["demand"]["peak_rps"].as_f64().unwrap(), 7.5, 1e-12));
    // 5,000 × 1 MB = 4.883 GB.
    assert!(close(json["demand"]["storage_gb"].as_f64().unwrap(), 5000.0 / 1024.0, 1e-12));
    // 150 online × 50 KB + 10 MB hot data.
    assert!(close(
        json["demand"]["cache_mb"].as_f64().unwrap(),
        150.0 * 50.0 / 1024.0 + 10.0,
        1e-12
    ));
}

#[test]
fn total_is_the_sum_of_priced_lines_and_prices_trace_to_the_catalog() {
    let json = run_json(&["recommend", "--users", "20000", "--format", "json"], 0);
    let mut sum = 0.0;
    for c in json["components"].as_array().unwrap() {
        let reference =
            format!("{}/{}", c["provider"].as_str().unwrap(), c["offering"].as_str().unwrap());
        let tiers = run_json(&["tiers", "show", &reference, "--format", "json"], 0);
        let tier =
            tiers["tiers"].as_array().unwrap().iter().find(|t| t["tier"] == c["tier"]).unwrap();
        let unit = tier["monthly_usd"].as_f64().unwrap();
        let count = c["count"].as_f64().unwrap();
        assert!(close(c["monthly_usd"].as_f64().unwrap(), unit * count, 1e-12), "{c}");
        assert_eq!(c["source"], tier["source"]);
        sum += unit * count;
        // The component's own lines (its database's replies to Render,
        // storage…), each priced from its catalog entry; unpriced ones
        // are left out of the total.
        for line in c["charges"].as_array().unwrap() {
            sum += line["monthly_usd"].as_f64().unwrap_or(0.0);
        }
    }
    for u in json["usage"].as_array().unwrap() {
        sum += u["monthly_usd"].as_f64().unwrap();
    }
    assert!(close(json["monthly_usd"].as_f64().unwrap(), sum, 1e-9));
    assert!(close(json["usd_per_user"].as_f64().unwrap(), sum / 20000.0, 1e-9));
}

#[test]
fn usage_costs_are_quantity_times_price() {
    // Egress: 1,500 daily active × 2 MB × 730/24 days ÷ 1024 = 89.11 GB at $0.15.
    let json = run_json(&["recommend", "--users", "5000", "--format", "json"], 0);
    let egress = json["usage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["price"] == "render/bandwidth")
        .unwrap();
    let gb = 1500.0 * 2.0 * (730.0 / 24.0) / 1024.0;
    assert!(close(egress["quantity"].as_f64().unwrap(), gb, 1e-12));
    assert!(close(egress["monthly_usd"].as_f64().unwrap(), gb * 0.15, 1e-12));
    // Output tokens: 1,500 × 3 jobs × 30.42 days × 900 tokens × 0.7 uncached, at $0.60 per 1M.
    let out = json["usage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["price"] == "openai/gpt-4o-mini-output")
        .unwrap();
    let tokens = 1500.0 * 3.0 * (730.0 / 24.0) * 900.0 * 0.7 / 1e6;
    assert!(close(out["quantity"].as_f64().unwrap(), tokens, 1e-12));
    assert!(close(out["monthly_usd"].as_f64().unwrap(), tokens * 0.60, 1e-12));
}

#[test]
fn web_size_holds_its_slo_and_one_fewer_does_not() {
    // Re-derive the api component with the queueing engine directly.
    for users in [20_000.0, 100_000.0, 150_000.0] {
        let users_arg = format!("{users}");
        let json = run_json(&["recommend", "--users", &users_arg, "--format", "json"], 0);
        let api =
            json["components"].as_array().unwrap().iter().find(|c| c["name"] == "api").unwrap();
        assert_eq!(
            api["tier"], "starter",
            "the default candidates make starter the cheapest per CPU"
        );
        let n = api["count"].as_u64().unwrap();
        let rps = json["demand"]["peak_rps"].as_f64().unwrap();
        // Starter: 0.5 vCPU as a CFS quota (100 ms period), one worker,
        // 25 ms of CPU: full speed while the period's 50 ms budget lasts.
        let starter = SharedCpu::new(1, 0.5, 0.025, 0.0, 1.0)
            .and_then(|s| s.with_quota(DEFAULT_PERIOD_S))
            .unwrap();
        let p95 = |instances: u64| {
            starter
                .at_rate(rps / instances as f64)
                .map(|q| q.response_percentile(0.95) * 1e3 + 40.0)
        };
        let at_n = p95(n).unwrap();
        assert!(close(api["p95_ms"].as_f64().unwrap(), at_n, 1e-9));
        assert!(at_n <= 500.0);
        let utilization = rps * 0.025 / (n as f64 * 0.5);
        assert!(close(api["utilization"].as_f64().unwrap(), utilization, 1e-9));
        assert!(utilization <= 0.7);
        match api["binding"].as_str().unwrap() {
            "p95" => assert!(p95(n - 1).is_none_or(|p| p > 500.0)),
            "utilization" => assert!(rps * 0.025 / ((n - 1) as f64 * 0.5) > 0.7),
            other => panic!("unexpected binding {other} at {users} users"),
        }
    }
}

#[test]
fn next_upgrade_is_where_the_mix_stops_holding() {
    let json = run_json(&["recommend", "--users", "20000", "--format", "json"], 0);
    let max = json["stage"]["max_users"].as_f64().unwrap();
    let next = &json["next_upgrade"];
    assert_eq!(next["at_users"].as_f64().unwrap(), max + 1.0);
    let after =
        run_json(&["recommend", "--users", &format!("{}", max + 1.0), "--format", "json"], 0);
    let changed: Vec<String> = json["components"]
        .as_array()
        .unwrap()
        .iter()
        .zip(after["components"].as_array().unwrap())
        .filter(|(a, b)| a["tier"] != b["tier"] || a["count"] != b["count"])
        .map(|(a, _)| a["name"].as_str().unwrap().to_string())
        .collect();
    assert!(!changed.is_empty());
    assert_eq!(next["component"], changed.join(", "));
    let at_max = run_json(&["recommend", "--users", &format!("{max}"), "--format", "json"], 0);
    let same_mix = at_max["components"]
        .as_array()
        .unwrap()
        .iter()
        .zip(json["components"].as_array().unwrap())
        .all(|(a, b)| a["tier"] == b["tier"] && a["count"] == b["count"]);
    assert!(same_mix, "the mix still serves max_users");
}

#[test]
fn rpm_gives_the_peak_rate_directly() {
    let json = run_json(&["recommend", "--rpm", "3000", "--format", "json"], 0);
    assert!(close(json["demand"]["peak_rpm"].as_f64().unwrap(), 3000.0, 1e-12));
    // Users inferred: 3000 / (3 × 0.1 × 0.3) = 33,333.3, made whole; the
    // per-user rate follows so that the peak stays exactly 3,000/min.
    assert_eq!(json["users"], 33_333.0);
    assert!(close(
        json["given_rate"]["requests_per_online_user_per_min"].as_f64().unwrap(),
        3000.0 / (33_333.0 * 0.1 * 0.3),
        1e-12
    ));
    let both = run_json(&["recommend", "--rps", "10", "--users", "1000", "--format", "json"], 0);
    assert_eq!(both["users"], 1000.0);
    assert!(close(both["demand"]["peak_rps"].as_f64().unwrap(), 10.0, 1e-12));
}

#[test]
fn formats_render_the_same_report() {
    let (code, table, _) = run(&["recommend", "--users", "5000"]);
    assert_eq!(code, 0);
    for needle in [
        "stage 2: Starter",
        "render/web/starter",
        "atlas/cluster/m10",
        "Total: $",
        "Next upgrade: at ",
        "$/month",
        "/min",
    ] {
        assert!(table.contains(needle), "table lacks {needle}:\n{table}");
    }
    let (_, markdown, _) = run(&["recommend", "--users", "5000", "--format", "markdown"]);
    assert!(markdown.contains("| api (web) | render/web/starter |"), "{markdown}");
    let (_, csv, _) = run(&["recommend", "--users", "5000", "--format", "csv"]);
    assert!(
        csv.starts_with("name,role,provider")
            && csv.contains("\napi,web,render,web,starter,1,7.0,7.0,on_demand,"),
        "{csv}"
    );
    let (_, explained, _) = run(&["recommend", "--users", "5000", "--explain"]);
    assert!(
        explained.contains("How each size was set") && explained.contains("working set in RAM"),
        "{explained}"
    );
}

#[test]
fn yaml_and_toml_give_identical_json() {
    let file = capplan::scenario::load_scenario(None).unwrap();
    let toml_text = toml::to_string(&file.scenario).unwrap();
    let dir = scratch_dir("toml");
    let path = write_file(&dir, "default.toml", &toml_text);
    let yaml = run_json(&["recommend", "--users", "7000", "--format", "json"], 0);
    let mut toml =
        run_json(&["recommend", "--users", "7000", "--scenario", &path, "--format", "json"], 0);
    // A warning about the scenario names its file (and the YAML line):
    // the rest of it is the same.
    let unlocated = |report: &mut serde_json::Value| {
        for warning in report["warnings"].as_array_mut().unwrap() {
            let text = warning.as_str().unwrap().to_string();
            if let Some((_, rest)) = text.split_once(": warning: ") {
                *warning = serde_json::Value::String(rest.to_string());
            }
        }
    };
    let mut yaml = yaml;
    unlocated(&mut yaml);
    unlocated(&mut toml);
    assert_eq!(yaml, toml);
}

#[test]
fn infeasible_load_exits_1_naming_component_and_limit() {
    let (code, stdout, stderr) = run(&["recommend", "--users", "2000000"]);
    assert_eq!(code, 1, "{stdout}");
    // At 2M users the working set outgrows M80's RAM (its estimated
    // 4 TB storage maximum would still hold the data).
    assert!(
        stderr.contains("'db'")
            && stderr.contains("working set in RAM")
            && stderr.contains("atlas/cluster/m80"),
        "{stderr}"
    );
}

#[test]
fn bad_input_exits_2() {
    for users in ["0", "-3", "1e308", "NaN", "many"] {
        let (code, _, stderr) = run(&["recommend", "--users", users]);
        assert_eq!(code, 2, "{users}");
        assert!(stderr.contains("--users"), "{stderr}");
    }
    let (code, _, stderr) = run(&["recommend", "--rpm", "-1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--rpm"));
    let dir = scratch_dir("bad-scenario");
    let base = std::fs::read_to_string("scenarios/interview-prep-api.yaml").unwrap();
    let cases = [
        (
            "unknown-offering.yaml",
            base.replace("candidates: [render/web]", "candidates: [heroku/dyno]"),
            "unknown offering 'heroku/dyno'",
        ),
        (
            "wrong-role.yaml",
            base.replace("candidates: [atlas/cluster]", "candidates: [render/web]"),
            "needs a database offering",
        ),
        (
            "unknown-field.yaml",
            base.replace("    cpu_ms: 25\n", "    cpu_ms: 25\n    gpu_ms: 3\n"),
            "unknown field `gpu_ms`",
        ),
        (
            "negative.yaml",
            base.replace("cpu_ms: 25", "cpu_ms: -25"),
            "expected a positive CPU time in ms, found -25",
        ),
        (
            "bad-version.yaml",
            base.replace("version: 1", "version: 7"),
            "expected version 1, found 7",
        ),
        ("empty.yaml", String::new(), "the scenario is empty"),
    ];
    for (name, text, message) in cases {
        let path = write_file(&dir, name, &text);
        let (code, stdout, stderr) = run(&["recommend", "--users", "5000", "--scenario", &path]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stdout.is_empty());
        assert!(stderr.contains(message), "{name}: {stderr}");
        assert!(stderr.contains(&format!("{name}:")), "{name} names the file: {stderr}");
    }
    // Located to the line.
    let path = dir.join("negative.yaml");
    let (_, _, stderr) = run(&["recommend", "--scenario", path.to_str().unwrap()]);
    let line = base.lines().position(|l| l.contains("cpu_ms: 25")).unwrap() + 1;
    assert!(stderr.contains(&format!("negative.yaml:{line}")), "{stderr}");
}

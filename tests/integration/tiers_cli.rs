//! `capplan tiers`: shipped catalogs, the JSON contract, overlays and bad files.

use crate::common::{run, run_json, run_on_day, scratch_dir, write_file};

#[test]
fn every_shipped_catalog_passes_check() {
    let (code, stdout, stderr) = run_on_day(&["tiers", "check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("0 error(s)"), "{stdout}");
    // Every file in tiers/ is embedded (found, not listed), and the same
    // files check from disk.
    let mut on_disk: Vec<String> = std::fs::read_dir("tiers")
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.ends_with(".yaml"))
        .map(|name| format!("tiers/{name}"))
        .collect();
    on_disk.sort();
    let (code, stdout, _) = run_on_day(&["tiers", "check", "--format", "json"]);
    assert_eq!(code, 0, "{stdout}");
    let embedded: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(embedded["files"], serde_json::json!(on_disk));
    let (code, stdout, _) = run_on_day(&["tiers", "check", "tiers", "--format", "json"]);
    assert_eq!(code, 0, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["files"], serde_json::json!(on_disk));
    assert_eq!(json["errors"], 0);
    // Stale sources are warnings, not errors (render/web/pro-plus is dated 2022-09-26).
    assert!(json["warnings"].as_u64().unwrap() > 0);
    assert!(stdout.contains("1517 days old"), "{stdout}");
}

#[test]
fn show_json_contract() {
    let rows = run_json(&["tiers", "show", "atlas", "--format", "json"], 0);
    let rows = rows["tiers"].as_array().unwrap();
    let m30 = rows.iter().find(|r| r["tier"] == "m30").unwrap();
    for field in [
        "provider",
        "offering",
        "tier",
        "available",
        "vcpu",
        "memory_mb",
        "storage_gb",
        "max_connections",
        "max_ops_per_sec",
        "monthly_usd",
        "hourly_usd",
        "source",
        "as_of",
        "confidence",
    ] {
        assert!(m30.get(field).is_some(), "missing {field}");
    }
    assert_eq!(m30["provider"], "atlas");
    assert_eq!(m30["offering"], "cluster");
    assert_eq!(m30["hourly_usd"], 0.54);
    assert!((m30["monthly_usd"].as_f64().unwrap() - 394.2).abs() < 1e-9, "0.54 × 730");
    assert_eq!(m30["memory_mb"], 8192.0);
    assert_eq!(m30["max_connections"], 3000.0);
    let m5 = rows.iter().find(|r| r["tier"] == "m5").unwrap();
    assert_eq!(m5["available"], false);
    let m0 = rows.iter().find(|r| r["tier"] == "m0").unwrap();
    assert_eq!(m0["monthly_usd"], 0.0);
    assert_eq!(m0["max_ops_per_sec"], 100.0);

    let redis = run_json(&["tiers", "show", "redis-cloud/essentials", "--format", "json"], 0);
    let unpriced =
        redis["tiers"].as_array().unwrap().iter().find(|r| r["tier"] == "2.5gb").unwrap();
    assert!(unpriced["monthly_usd"].is_null(), "unpriced is null, never 0");
    let gb = redis["tiers"].as_array().unwrap().iter().find(|r| r["tier"] == "1gb").unwrap();
    assert_eq!(gb["confidence"], "low");
    // Seen only in a guide: the provider's page, and the guide as evidence.
    assert!(gb["source"].as_str().unwrap().starts_with("redis.io/pricing"), "{gb}");
    assert!(gb["evidence"].as_str().unwrap().contains("Scaling Guide - Interview Prep API"));

    let ec2 = run_json(&["tiers", "show", "aws/ec2", "--format", "json"], 0);
    let m5_large =
        ec2["tiers"].as_array().unwrap().iter().find(|r| r["tier"] == "m5.large").unwrap();
    assert!((m5_large["monthly_usd"].as_f64().unwrap() - 70.08).abs() < 1e-9);
    assert_eq!(m5_large["vcpu"], 2.0);
    assert_eq!(m5_large["memory_mb"], 8192.0);
}

#[test]
fn show_snapshots() {
    let (code, stdout, _) = run_on_day(&["tiers", "show", "render/web", "--format", "markdown"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("tiers_show_render_web_markdown", stdout);
    let (code, stdout, _) = run_on_day(&["tiers", "show", "redis-cloud"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("tiers_show_redis_cloud_table", stdout);
    let (code, stdout, _) = run_on_day(&["tiers", "--format", "csv"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("tiers_list_csv", stdout);
}

#[test]
fn unknown_selector_is_exit_2() {
    let (code, _, stderr) = run(&["tiers", "show", "nimbus"]);
    assert_eq!(code, 2);
    assert!(
        // Providers in file-name order: atlas is the first with offerings.
        stderr.contains("one of atlas/cluster, aws/ec2") && stderr.contains("'nimbus'"),
        "{stderr}"
    );
    let (code, _, _) = run(&["tiers", "show", "render/nope"]);
    assert_eq!(code, 2);
}

const OVERLAY: &str = r#"version: 1
provider: render
source: "negotiated contract 2026-11"
as_of: 2026-11-01
confidence: high
offerings:
  - id: web
    tiers:
      - id: standard
        price: { monthly_usd: 20 }
      - id: mega
        name: Mega (private plan)
        capacity: { vcpu: 16, memory_mb: 65536 }
        price: { monthly_usd: 900 }
"#;

#[test]
fn overlay_replaces_a_price_and_adds_a_tier() {
    let dir = scratch_dir("overlay");
    let path = write_file(&dir, "render-deal.yaml", OVERLAY);
    let rows = run_json(&["tiers", "show", "render/web", "--tiers", &path, "--format", "json"], 0);
    let rows = rows["tiers"].as_array().unwrap();
    let standard = rows.iter().find(|r| r["tier"] == "standard").unwrap();
    assert_eq!(standard["monthly_usd"], 20.0);
    assert_eq!(standard["memory_mb"], 2048.0, "capacity kept from the base catalog");
    assert_eq!(
        standard["source"], "negotiated contract 2026-11",
        "the price traces to the overlay"
    );
    assert_eq!(standard["as_of"], "2026-11-01");
    let starter = rows.iter().find(|r| r["tier"] == "starter").unwrap();
    assert_eq!(starter["monthly_usd"], 7.0);
    assert_ne!(
        starter["source"], "negotiated contract 2026-11",
        "untouched tiers keep their source"
    );
    let mega = rows.iter().find(|r| r["tier"] == "mega").unwrap();
    assert_eq!(mega["monthly_usd"], 900.0);
    assert_eq!(mega["vcpu"], 16.0);
    // A folder works the same as a file.
    let rows = run_json(
        &["tiers", "show", "render/web", "--tiers", dir.to_str().unwrap(), "--format", "json"],
        0,
    );
    assert!(rows["tiers"].as_array().unwrap().iter().any(|r| r["tier"] == "mega"));
}

#[test]
fn overlay_adds_a_provider() {
    let dir = scratch_dir("provider");
    let path = write_file(
        &dir,
        "hetzner.yaml",
        "version: 1\nprovider: hetzner\nname: Hetzner Cloud\nsource: \"hetzner.com/cloud (example)\"\nas_of: 2026-11-01\nofferings:\n  - id: cloud\n    role: compute\n    tiers:\n      - { id: cx22, capacity: { vcpu: 2, memory_mb: 4096 }, price: { monthly_usd: 4.5 } }\n",
    );
    let rows = run_json(&["tiers", "show", "hetzner", "--tiers", &path, "--format", "json"], 0);
    assert_eq!(rows["tiers"][0]["tier"], "cx22");
    assert_eq!(rows["tiers"][0]["monthly_usd"], 4.5);
    assert_eq!(rows["tiers"][0]["source"], "hetzner.com/cloud (example)");
    let (code, stdout, _) = run(&["tiers", "--tiers", &path]);
    assert_eq!(code, 0);
    assert!(stdout.contains("hetzner"));
}

#[test]
fn bad_catalogs_exit_2_with_file_and_line() {
    let dir = scratch_dir("bad");
    let header = "version: 1\nprovider: render\nsource: \"x\"\nas_of: 2026-11-01\n";
    let cases = [
        (
            "unknown-field.yaml",
            format!(
                "{header}offerings:\n  - id: web\n    tiers:\n      - id: standard\n        colour: blue\n"
            ),
            ":9:",
            "unknown field `colour`",
        ),
        (
            "duplicate.yaml",
            format!(
                "{header}offerings:\n  - id: web\n    tiers:\n      - id: mega\n      - id: mega\n"
            ),
            ":8",
            "duplicate tier id 'mega'",
        ),
        (
            "negative.yaml",
            format!(
                "{header}offerings:\n  - id: web\n    tiers:\n      - id: standard\n        price:\n          monthly_usd: -25\n"
            ),
            ":10",
            "found -25",
        ),
        (
            "no-source.yaml",
            "version: 1\nprovider: newco\nas_of: 2026-11-01\nofferings: []\n".to_string(),
            ":2",
            "missing 'source'",
        ),
        (
            "floor-alone.yaml",
            format!(
                "{header}offerings:\n  - id: web\n    tiers:\n      - id: standard\n        capacity:\n          vcpu: 1\n          baseline_floor: true\n"
            ),
            ":11",
            "a baseline floor needs the baseline",
        ),
        (
            "retired-successor.yaml",
            format!(
                "{header}offerings:\n  - id: db\n    retired_tiers:\n      - {{ id: starter, successor: basic-2gb }}\n    tiers:\n      - {{ id: basic-1gb, price: {{ monthly_usd: 19 }} }}\n"
            ),
            ":8",
            "expected a tier of this offering (basic-1gb), found 'basic-2gb'",
        ),
        (
            "retired-and-sold.yaml",
            format!(
                "{header}offerings:\n  - id: db\n    retired_tiers:\n      - {{ id: basic-1gb, successor: basic-1gb }}\n    tiers:\n      - {{ id: basic-1gb, price: {{ monthly_usd: 19 }} }}\n"
            ),
            ":8",
            "'basic-1gb' is also a tier of this offering",
        ),
        ("wrong-type.yaml", format!("{header}offerings: 7\n"), ":5:", "invalid type"),
        ("empty.yaml", String::new(), "empty.yaml", "missing field"),
    ];
    for (name, text, location, message) in cases {
        let path = write_file(&dir, name, &text);
        let (code, stdout, stderr) = run(&["tiers", "show", "render", "--tiers", &path]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stdout.is_empty(), "{name}: nothing is printed on failure");
        assert!(
            stderr.contains(&format!("{name}{location}"))
                || stderr.contains(name) && location == name,
            "{name}: {stderr}"
        );
        assert!(stderr.contains(message), "{name}: {stderr}");
        // `tiers check` reports the same problem and exits 1.
        let (code, stdout, _) = run(&["tiers", "check", &path]);
        assert_eq!(code, 1, "{name}: {stdout}");
        assert!(stdout.contains(message), "{name}: {stdout}");
    }
    let (code, _, stderr) =
        run(&["tiers", "show", "render", "--tiers", "/nonexistent/prices.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("/nonexistent/prices.yaml"), "{stderr}");
}

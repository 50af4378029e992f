//! The five seed guides as scenarios (scenarios/*.yaml) and their price
//! overlays (scenarios/prices/): every file runs through recommend, stages
//! and check; each seed's stage audit is snapshotted; the Smriti cost table
//! comes out exactly with the guide's own prices.

use crate::common::{run, run_json, run_on_day};

const SEEDS: [&str; 5] =
    ["interview-prep-api", "ai-interview-coach", "smriti", "mercenary", "interview-preparation"];

fn scenario(name: &str) -> String {
    format!("scenarios/{name}.yaml")
}

/// Every scenario file in scenarios/ (not the price overlays).
fn scenario_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir("scenarios")
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "toml"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

#[test]
fn there_is_one_scenario_per_seed_guide() {
    let files = scenario_files();
    for seed in SEEDS {
        assert!(files.contains(&scenario(seed)), "missing {seed}: {files:?}");
    }
    assert_eq!(
        std::fs::read_dir("../shared/seeds").map_or(5, |d| d
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
            .count()),
        SEEDS.len()
    );
}

#[test]
fn every_scenario_runs_through_recommend_and_stages() {
    for file in scenario_files() {
        let report = run_json(&["recommend", "--scenario", &file, "--format", "json"], 0);
        let total = report["monthly_usd"].as_f64().unwrap();
        // Smriti at its 5 users runs on free plans only.
        assert!(total >= 0.0, "{file}: total {total}");
        // The total is the sum of its parts.
        let parts: f64 = report["components"]
            .as_array()
            .unwrap()
            .iter()
            .chain(report["usage"].as_array().unwrap())
            .filter_map(|c| c["monthly_usd"].as_f64())
            .sum::<f64>()
            + report["components"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|c| c["charges"].as_array().unwrap())
                .filter_map(|l| l["monthly_usd"].as_f64())
                .sum::<f64>();
        assert!((parts - total).abs() < 1e-6 * total.max(1.0), "{file}: {parts} vs {total}");
        let stages = run_json(&["stages", "--scenario", &file, "--format", "json"], 0);
        let rows = stages["stages"].as_array().unwrap();
        assert!(!rows.is_empty(), "{file} has no stage ladder");
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row["index"].as_u64(), Some(i as u64 + 1), "{file}");
            assert!(row["monthly_usd"].as_f64().is_some(), "{file}: unpriced template {row}");
        }
        for format in ["table", "markdown"] {
            let (code, out, err) = run(&["stages", "--scenario", &file, "--format", format]);
            assert_eq!(code, 0, "{file} {format}: {err}");
            assert!(out.contains(rows[0]["name"].as_str().unwrap()), "{out}");
        }
    }
}

#[test]
fn check_passes_on_every_scenario_and_overlay() {
    let json = run_json(&["check", "scenarios", "--format", "json"], 0);
    assert_eq!(json["errors"], 0, "{json}");
    let files: Vec<&str> =
        json["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    for seed in SEEDS {
        assert!(files.iter().any(|f| f.ends_with(&format!("{seed}.yaml"))), "{files:?}");
    }
    assert!(files.iter().any(|f| f.ends_with("prices/smriti.yaml")), "{files:?}");
    // Each overlay also loads as --tiers for every scenario it belongs to.
    for seed in ["interview-prep-api", "smriti"] {
        let overlay = format!("scenarios/prices/{seed}.yaml");
        let (code, _, err) = run(&["check", &scenario(seed), "--tiers", &overlay]);
        assert_eq!(code, 0, "{seed}: {err}");
    }
}

#[test]
fn seed_stage_audits_snapshot() {
    for seed in SEEDS {
        let (code, stdout, stderr) =
            run_on_day(&["stages", "--scenario", &scenario(seed), "--format", "markdown"]);
        assert_eq!(code, 0, "{stderr}");
        insta::assert_snapshot!(format!("stages_{}", seed.replace('-', "_")), stdout);
    }
    for seed in ["interview-prep-api", "smriti"] {
        let overlay = format!("scenarios/prices/{seed}.yaml");
        let (code, stdout, stderr) = run_on_day(&[
            "stages",
            "--scenario",
            &scenario(seed),
            "--tiers",
            &overlay,
            "--format",
            "markdown",
        ]);
        assert_eq!(code, 0, "{stderr}");
        insta::assert_snapshot!(format!("stages_{}_guide_prices", seed.replace('-', "_")), stdout);
    }
}

fn stage_costs(args: &[&str]) -> Vec<f64> {
    let mut all = vec!["stages", "--format", "json"];
    all.extend_from_slice(args);
    run_json(&all, 0)["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["monthly_usd"].as_f64().unwrap())
        .collect()
}

#[test]
fn smriti_cost_table_is_reproduced_exactly_with_its_own_prices() {
    // "| 5-50 | ... | $0 |", "| 50-500 | ... | $26 |", "| 500-5K | ... | $181 |",
    // "| 5K-50K | ... | $567 |".
    let costs = stage_costs(&[
        "--scenario",
        "scenarios/smriti.yaml",
        "--tiers",
        "scenarios/prices/smriti.yaml",
    ]);
    assert_eq!(costs, [0.0, 26.0, 181.0, 567.0]);
    // Every money claim is then ok.
    let json = run_json(
        &[
            "stages",
            "--scenario",
            "scenarios/smriti.yaml",
            "--tiers",
            "scenarios/prices/smriti.yaml",
            "--format",
            "json",
        ],
        0,
    );
    for stage in json["stages"].as_array().unwrap() {
        let claim = stage["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["what"] == "monthly_usd")
            .unwrap();
        assert_eq!(claim["ok"], true, "{stage}");
    }
    // On today's catalog: Cloudinary Plus is $99 billed monthly, Atlas M10
    // $56.94, M30 $0.54/h × 730, Upstash Fixed 1 GB $20.
    let today = stage_costs(&["--scenario", "scenarios/smriti.yaml"]);
    let expected = [
        0.0,
        7.0 + 9.0 + 10.0,
        25.0 + 56.94 + 10.0 + 99.0,
        3.0 * 85.0 + 0.54 * 730.0 + 20.0 + 99.0,
    ];
    for (got, want) in today.iter().zip(expected) {
        assert!((got - want).abs() < 1e-9, "{today:?} vs {expected:?}");
    }
}

#[test]
fn interview_prep_guide_contradicts_its_own_prices() {
    // With the guide's own price tables, Stage 2 is 2 × $25 + 2 × $25 + M10
    // $57 + Redis 250 MB $7 = $164, against its "~$50-70/month".
    let costs = stage_costs(&[
        "--scenario",
        "scenarios/interview-prep-api.yaml",
        "--tiers",
        "scenarios/prices/interview-prep-api.yaml",
    ]);
    assert_eq!(costs[1], 164.0);
    let (_, table, _) = run(&[
        "stages",
        "--scenario",
        "scenarios/interview-prep-api.yaml",
        "--tiers",
        "scenarios/prices/interview-prep-api.yaml",
    ]);
    // (164 − 70) / 70 = +134%.
    assert!(table.contains("+134% above the range"), "{table}");
}

#[test]
fn a_multi_document_overlay_reports_errors_at_the_file_line() {
    let dir = crate::common::scratch_dir("multidoc");
    let text = std::fs::read_to_string("scenarios/prices/smriti.yaml").unwrap().replace(
        "{ id: m30, price: { monthly_usd: 193 } }",
        "{ id: m30, price: { monthly_usd: 193, yearly: 1 } }",
    );
    let line = text.lines().position(|l| l.contains("yearly")).unwrap() + 1;
    let path = crate::common::write_file(&dir, "bad.yaml", &text);
    let (code, _, stderr) =
        run(&["stages", "--scenario", "scenarios/smriti.yaml", "--tiers", &path]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(&format!("bad.yaml:{line}:")), "line {line}: {stderr}");
    assert!(stderr.contains("unknown field `yearly`"), "{stderr}");
}

//! `capplan tiers import` on real excerpts of each provider's price file
//! (tests/fixtures/prices, see PROVENANCE.md), `capplan tiers diff`, and
//! one staleness warning per source. Expected figures are the files' own
//! numbers by hand: USD per token × 10⁶, hourly × 730.

use crate::common::{close, run, run_json, scratch_dir, write_file};
use std::path::{Path, PathBuf};

const PRICES: &str = "tests/fixtures/prices";

fn fixture(name: &str) -> String {
    format!("{PRICES}/{name}")
}

/// Imports into `dir/name` and loads the overlay as `--tiers` would.
pub(crate) fn import(
    dir: &Path,
    name: &str,
    args: &[&str],
) -> (PathBuf, capplan::catalog::Catalog) {
    let out = dir.join(name);
    let out_text = out.to_string_lossy().into_owned();
    let mut full = vec!["tiers", "import"];
    full.extend_from_slice(args);
    full.extend(["--out", &out_text]);
    let (code, stdout, stderr) = run(&full);
    assert_eq!(code, 0, "{full:?}\n{stdout}\n{stderr}");
    assert!(stdout.starts_with(&format!("wrote {out_text}")), "{stdout}");
    let (catalog, _) = capplan::catalog::load_with_overlays(std::slice::from_ref(&out))
        .unwrap_or_else(|e| panic!("the imported overlay does not load: {e}"));
    (out, catalog)
}

/// The first volume tier, long-context price and batch discount of a usage id.
fn usage(catalog: &capplan::catalog::Catalog, id: &str) -> (f64, Option<(f64, f64)>, Option<f64>) {
    let (_, u) = catalog.usage(id).unwrap_or_else(|| panic!("{id} is not in the catalog"));
    (
        u.price_tiers[0].usd.unwrap(),
        u.long_context.as_ref().and_then(|l| l.usd.map(|usd| (l.above_tokens, usd))),
        u.batch_discount,
    )
}

#[test]
fn litellm_fixture_prices_are_reproduced_exactly_for_three_models() {
    let dir = scratch_dir("import-litellm");
    let file = fixture("litellm-model-prices-excerpt.json");
    let (_, catalog) = import(&dir, "ai.yaml", &["litellm", &file, "--as-of", "2026-11-30"]);
    // claude-sonnet-4-5: 3e-06, 3e-07, 1.5e-05, 3.75e-06 and 6e-06 per
    // token; above 200k tokens 6e-06, 6e-07, 2.25e-05, 7.5e-06, 1.2e-05.
    let a = "anthropic/claude-sonnet-4-5";
    assert_eq!(usage(&catalog, &format!("{a}-input")).0, 3.0);
    assert_eq!(usage(&catalog, &format!("{a}-input")).1, Some((200_000.0, 6.0)));
    assert_eq!(usage(&catalog, &format!("{a}-cached-input")).0, 0.3);
    assert_eq!(usage(&catalog, &format!("{a}-cached-input")).1, Some((200_000.0, 0.6)));
    assert_eq!(usage(&catalog, &format!("{a}-output")).0, 15.0);
    assert_eq!(usage(&catalog, &format!("{a}-output")).1, Some((200_000.0, 22.5)));
    assert_eq!(usage(&catalog, &format!("{a}-cache-write-5m")).0, 3.75);
    assert_eq!(usage(&catalog, &format!("{a}-cache-write-5m")).1, Some((200_000.0, 7.5)));
    assert_eq!(usage(&catalog, &format!("{a}-cache-write-1h")).0, 6.0);
    assert_eq!(usage(&catalog, &format!("{a}-cache-write-1h")).1, Some((200_000.0, 12.0)));
    // The file gives Anthropic no batch prices: the catalog's 50% stays.
    assert_eq!(usage(&catalog, &format!("{a}-input")).2, Some(0.5));
    // gpt-4o-mini: 1.5e-07 in, 7.5e-08 cached, 6e-07 out; batches 7.5e-08
    // and 3e-07, half the standard price.
    let o = "openai/gpt-4o-mini";
    assert_eq!(usage(&catalog, &format!("{o}-input")), (0.15, None, Some(0.5)));
    assert_eq!(usage(&catalog, &format!("{o}-cached-input")).0, 0.075);
    assert_eq!(usage(&catalog, &format!("{o}-output")), (0.6, None, Some(0.5)));
    // gemini/gemini-3.1-pro-preview: 2e-06 / 2e-07 / 1.2e-05, above 200k
    // 4e-06 / 4e-07 / 1.8e-05, batches half. The file gives the cached
    // input no batch price: the catalog's (0.5) stays, as for Anthropic.
    let g = "gemini/gemini-3.1-pro-preview";
    assert_eq!(usage(&catalog, &format!("{g}-input")), (2.0, Some((200_000.0, 4.0)), Some(0.5)));
    assert_eq!(
        usage(&catalog, &format!("{g}-cached-input")),
        (0.2, Some((200_000.0, 0.4)), Some(0.5))
    );
    assert_eq!(usage(&catalog, &format!("{g}-output")), (12.0, Some((200_000.0, 18.0)), Some(0.5)));
    // Every imported price carries its file and date: the provider's page
    // as its source, LiteLLM's table (a transcription) as its evidence.
    let (_, item) = catalog.usage(&format!("{a}-input")).unwrap();
    assert_eq!(item.as_of.as_deref(), Some("2026-11-30"));
    let source = item.source.as_deref().unwrap();
    assert!(source.starts_with("platform.claude.com/docs/en/about-claude/pricing"), "{source}");
    let evidence = item.evidence.as_deref().unwrap();
    assert!(
        evidence.contains("model_prices_and_context_window.json")
            && evidence.contains("sha256 ")
            && evidence.contains("entry 'claude-sonnet-4-5'"),
        "{evidence}"
    );
    // A new model of a provider with a catalog becomes its usage items.
    assert_eq!(usage(&catalog, "anthropic/claude-sonnet-5-input").0, 2.0);
    assert_eq!(usage(&catalog, "anthropic/claude-sonnet-5-cache-write-1h").0, 4.0);
}

#[test]
fn litellm_leaves_out_other_providers_modes_and_same_priced_snapshots() {
    let file = fixture("litellm-model-prices-excerpt.json");
    let (code, stdout, stderr) =
        run(&["tiers", "import", "litellm", &file, "--as-of", "2026-11-30"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("id: claude-sonnet-4-5-input"), "{stdout}");
    // Printed without --out; what was left out goes to stderr.
    for absent in ["ai21", "claude-sonnet-4-5-20250929", "gpt-4o-mini-tts"] {
        assert!(!stdout.contains(absent), "{absent} in\n{stdout}");
    }
    for reason in [
        "a provider capplan has no catalog for",
        "a dated snapshot priced as its undated model",
        "mode 'audio_speech'",
    ] {
        assert!(stderr.contains(reason), "{reason} missing from {stderr}");
    }
    // The vertex entry for gemini-2.5-pro restates the catalog's prices.
    assert!(stdout.contains("id: gemini-2.5-pro-input"), "{stdout}");
}

#[test]
fn litellm_without_as_of_takes_the_file_modification_date() {
    let dir = scratch_dir("import-litellm-mtime");
    let text = std::fs::read_to_string(fixture("litellm-model-prices-excerpt.json")).unwrap();
    let path = write_file(&dir, "prices.json", &text);
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    // 2026-01-02 12:00 UTC.
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_767_355_200);
    file.set_modified(when).unwrap();
    drop(file);
    let (code, stdout, stderr) = run(&["tiers", "import", "litellm", &path]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("as_of: 2026-01-02"), "{stdout}");
    assert!(stderr.contains("as_of 2026-01-02 is the day it was last modified"), "{stderr}");
}

/// Each format's malformed and truncated files fail with a location: a
/// line (CSV, JSON syntax) or a JSON path, and nothing is written.
#[test]
fn malformed_price_files_are_located() {
    let dir = scratch_dir("import-malformed");
    let cut = |name: &str, bytes: usize| {
        let text = std::fs::read_to_string(fixture(name)).unwrap();
        write_file(&dir, &format!("cut-{bytes}-{name}"), &text[..bytes])
    };
    let swap = |name: &str, from: &str, to: &str| {
        let text = std::fs::read_to_string(fixture(name)).unwrap();
        assert!(text.contains(from), "{from}");
        write_file(&dir, &format!("bad-{name}"), &text.replacen(from, to, 1))
    };
    let out = dir.join("never.yaml");
    let out = out.to_string_lossy().into_owned();
    let cases: Vec<(Vec<String>, String)> = vec![
        (
            vec![
                "litellm".into(),
                cut("litellm-model-prices-excerpt.json", 4000),
                "--as-of".into(),
                "2026-11-30".into(),
            ],
            ":92:39: not valid JSON (EOF while parsing a string)".into(),
        ),
        (
            vec![
                "litellm".into(),
                swap(
                    "litellm-model-prices-excerpt.json",
                    "\"input_cost_per_token\": 3e-06",
                    "\"input_cost_per_token\": \"three\"",
                ),
                "--as-of".into(),
                "2026-11-30".into(),
            ],
            "$[\"claude-sonnet-4-5\"].input_cost_per_token: expected a number".into(),
        ),
        (
            vec!["aws-offer".into(), cut("aws-ec2-offer-excerpt.csv", 5000)],
            ":10: expected 91 cells like the header (line 6), found 60".into(),
        ),
        (
            vec!["aws-offer".into(), cut("aws-ec2-offer-excerpt.csv", 3000)],
            ":8: a quoted cell is never closed".into(),
        ),
        (
            vec![
                "aws-offer".into(),
                swap(
                    "aws-ec2-offer-excerpt.csv",
                    "\"Publication Date\",\"2025-09-12T22:53:08Z\"",
                    "\"Publication Date\",\"soon\"",
                ),
            ],
            ":3: expected a publication date".into(),
        ),
        (
            vec![
                "azure-retail".into(),
                cut("azure-retail-eastus2-app-service.json", 2000),
                "--region".into(),
                "eastus2".into(),
            ],
            "azure-retail-eastus2-app-service.json:".into(),
        ),
        (
            vec![
                "azure-retail".into(),
                swap(
                    "azure-retail-eastus2-app-service.json",
                    "\"retailPrice\": 0.017,",
                    "\"retailPrice\": \"cheap\",",
                ),
                "--region".into(),
                "eastus2".into(),
            ],
            ".Items[".into(),
        ),
        (
            vec![
                "digitalocean".into(),
                swap("digitalocean-sizes.json", "\"price_monthly\": 5,", "\"price_monthly\": -5,"),
            ],
            "$.sizes[0].price_monthly: expected a number of at least 0, found -5".into(),
        ),
        (
            vec!["digitalocean".into(), cut("digitalocean-app-instance-sizes.json", 700)],
            "digitalocean-app-instance-sizes.json:".into(),
        ),
    ];
    for (args, located) in cases {
        let mut full: Vec<&str> = vec!["tiers", "import"];
        full.extend(args.iter().map(String::as_str));
        full.extend(["--out", &out]);
        let (code, stdout, stderr) = run(&full);
        assert_eq!(code, 2, "{full:?}\n{stdout}");
        assert!(stderr.contains(&located), "{full:?}: expected '{located}' in {stderr}");
        assert!(!Path::new(&out).exists(), "{full:?} wrote {out}");
    }
    // A truncated JSON file is told apart from a wrong one by its line.
    let (_, _, stderr) = run(&[
        "tiers",
        "import",
        "azure-retail",
        &cut("azure-retail-eastus2-app-service.json", 2000),
    ]);
    assert!(stderr.contains("not valid JSON") && stderr.contains("truncated"), "{stderr}");
}

#[test]
fn an_imported_overlay_loads_and_recommend_prices_with_it() {
    let dir = scratch_dir("import-azure-recommend");
    let (overlay, catalog) = import(
        &dir,
        "azure.yaml",
        &[
            "azure-retail",
            &fixture("azure-retail-eastus2-app-service.json"),
            &fixture("azure-retail-eastus2-redis-postgres.json"),
            "--region",
            "eastus2",
            "--as-of",
            "2026-08-14",
        ],
    );
    // General Purpose Dsv3 at $0.0855 per vCore-hour: 4 vCores × 730 h.
    let d4s = catalog.tier("azure/postgres-flexible/gp-standard-d4s-v3").unwrap();
    assert!(close(d4s.monthly_usd().unwrap(), 0.0855 * 4.0 * 730.0, 1e-12));
    // Premium P1: the whole-cache meter, $0.555 an hour.
    let p1 = catalog.tier("azure/cache-for-redis/premium-p1").unwrap();
    assert!(close(p1.monthly_usd().unwrap(), 0.555 * 730.0, 1e-12));
    assert_eq!(catalog.usage("azure/postgres-storage").unwrap().1.price_tiers[0].usd, Some(0.115));
    let overlay = overlay.to_string_lossy().into_owned();
    let scenario = "scenarios/examples/azure.yaml";
    let before = run_json(&["recommend", "--scenario", scenario, "--format", "json"], 0);
    let after = run_json(
        &["recommend", "--scenario", scenario, "--tiers", &overlay, "--format", "json"],
        0,
    );
    let db = |report: &serde_json::Value| {
        report["components"].as_array().unwrap().iter().find(|c| c["name"] == "db").unwrap().clone()
    };
    assert_eq!(db(&before)["tier"], "gp-standard-d4s-v3");
    assert!(close(db(&before)["monthly_usd"].as_f64().unwrap(), 284.70, 1e-9));
    assert_eq!(db(&after)["tier"], "gp-standard-d4s-v3");
    assert!(close(db(&after)["monthly_usd"].as_f64().unwrap(), 0.0855 * 4.0 * 730.0, 1e-9));
    assert_eq!(db(&after)["as_of"], "2026-08-14");
    assert!(db(&after)["source"].as_str().unwrap().contains("Azure Retail Prices API"));
    let saved = before["monthly_usd"].as_f64().unwrap() - after["monthly_usd"].as_f64().unwrap();
    assert!(saved > 284.70 - 249.66 - 1e-6, "the bill moves at least by the database: {saved}");
}

#[test]
fn tiers_diff_lists_changed_prices_with_their_percent_and_dates() {
    let dir = scratch_dir("import-diff");
    let (overlay, _) = import(
        &dir,
        "do.yaml",
        &[
            "digitalocean",
            &fixture("digitalocean-sizes.json"),
            &fixture("digitalocean-app-instance-sizes.json"),
            "--as-of",
            "2026-11-30",
        ],
    );
    let overlay = overlay.to_string_lossy().into_owned();
    let diff = run_json(&["tiers", "diff", "--tiers", &overlay, "--format", "json"], 0);
    let changes = diff["changes"].as_array().unwrap();
    // s-1vcpu-1gb: $6 in the catalog, price_monthly 5 in godo's fixture.
    let s1 = changes.iter().find(|c| c["entry"] == "digitalocean/droplets/s-1vcpu-1gb").unwrap();
    assert_eq!((s1["old"].as_f64(), s1["new"].as_f64()), (Some(6.0), Some(5.0)));
    assert!(close(s1["change_pct"].as_f64().unwrap(), (5.0 - 6.0) / 6.0 * 100.0, 1e-12));
    assert_eq!(s1["status"], "changed");
    assert_eq!(s1["new_as_of"], "2026-11-30");
    assert!(s1["old_as_of"].is_string());
    // A size the catalog lacks, with its capacity, is added; the GPU is not.
    let added = changes.iter().find(|c| c["entry"] == "digitalocean/droplets/512mb").unwrap();
    assert_eq!(added["status"], "added");
    assert!(!changes.iter().any(|c| c["entry"].as_str().unwrap().contains("gpu")));
    assert_eq!(
        diff["changed"].as_u64().unwrap(),
        changes.iter().filter(|c| c["status"] == "changed").count() as u64
    );
    // The table and CSV say the same.
    let (code, table, _) = run(&["tiers", "diff", "--tiers", &overlay]);
    assert_eq!(code, 0);
    let row = table.lines().find(|l| l.contains("droplets/s-1vcpu-1gb")).unwrap();
    assert!(row.contains("-16.7%") && row.contains("$6.00") && row.contains("$5.00"), "{row}");
    let (_, csv, _) = run(&["tiers", "diff", "--tiers", &overlay, "--format", "csv"]);
    assert!(
        csv.lines().any(|l| l
            .starts_with("digitalocean/droplets/s-1vcpu-1gb,on_demand,USD/month,6.0,5.0,-16.66")),
        "{csv}"
    );
    // No overlay, no change.
    let none = run_json(&["tiers", "diff", "--format", "json"], 0);
    assert_eq!(none["changes"].as_array().unwrap().len(), 0);
}

#[test]
fn out_is_never_replaced_without_force() {
    let dir = scratch_dir("import-force");
    let out = write_file(&dir, "kept.yaml", "hand-written\n");
    let file = fixture("digitalocean-sizes.json");
    let (code, _, stderr) = run(&["tiers", "import", "digitalocean", &file, "--out", &out]);
    assert_eq!(code, 2);
    assert!(stderr.contains("exists; pass --force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "hand-written\n");
    let (code, _, stderr) = run(&[
        "tiers",
        "import",
        "digitalocean",
        &file,
        "--out",
        &out,
        "--force",
        "--as-of",
        "2026-11-30",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(std::fs::read_to_string(&out).unwrap().contains("provider: digitalocean"));
    let (code, _, stderr) = run(&["tiers", "import", "digitalocean", &file, "--region", "nyc1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--region does not apply"), "{stderr}");
}

/// `tiers check` and `check` warn once per cited source, not per entry.
#[test]
fn staleness_is_one_warning_per_source() {
    let dir = scratch_dir("stale-per-source");
    let overlay = write_file(
        &dir,
        "old.yaml",
        "version: 1
provider: testold
source: the provider's price page
as_of: 2020-01-01
usage:
  - { id: a, unit: GB, price_tiers: [{ start: 0, usd: 1 }], as_of: 2020-01-01 }
  - { id: b, unit: GB, price_tiers: [{ start: 0, usd: 1 }], as_of: 2020-02-01 }
  - { id: c, unit: GB, price_tiers: [{ start: 0, usd: 1 }], as_of: 2020-03-01, source: another page }
",
    );
    let report = run_json(&["tiers", "check", &overlay, "--format", "json"], 0);
    let warnings: Vec<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["severity"] == "warning")
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    // The provider's page (the file's date and usage a and b), and another page.
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    let page = warnings.iter().find(|w| w.contains("'the provider's price page'")).unwrap();
    assert!(
        page.contains("cited by 2 more entries")
            && page.contains("usage.a")
            && page.contains("usage.b"),
        "{page}"
    );
    assert!(warnings.iter().any(|w| w.contains("'another page'") && !w.contains("cited by")));
}

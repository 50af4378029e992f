//! Sources name the provider's own page first (issue 30 part 5): every
//! catalog lists the provider's `sites`, `tiers check` warns once per
//! source that begins elsewhere, and reports show the provider's page.

use crate::common::{run_json, scratch_dir, write_file};
use serde_json::Value;

/// The warnings of `tiers check` about sources off the provider's sites.
fn source_warnings(report: &Value) -> Vec<&Value> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["severity"] == "warning"
                && p["message"].as_str().unwrap().contains("on the provider's sites")
        })
        .collect()
}

#[test]
fn every_embedded_source_begins_on_the_providers_sites() {
    // Without sites a provider's sources would go unchecked.
    let catalog = capplan::catalog::load().unwrap();
    for provider in &catalog.providers {
        assert!(!provider.sites.is_empty(), "{} names no sites", provider.provider);
    }
    for args in [
        &["tiers", "check", "--format", "json"][..],
        &["tiers", "check", "tiers", "--format", "json"],
    ] {
        let report = run_json(args, 0);
        let found: Vec<String> = source_warnings(&report)
            .iter()
            .map(|p| format!("{}:{} {}", p["file"], p["line"], p["message"]))
            .collect();
        assert!(found.is_empty(), "{}", found.join("\n"));
    }
}

/// Two tiers citing one mirror first: one warning, at the first entry,
/// naming both entries and the sites expected; the entry citing the
/// provider's page first is not named.
const MIRROR_OVERLAY: &str = "version: 1
provider: render
source: \"render.com/pricing\"
as_of: 2026-11-01
offerings:
  - id: web
    tiers:
      - id: standard
        price: { monthly_usd: 25 }
        source: \"foxyc.online/pricing mirror\"
      - id: pro
        price: { monthly_usd: 85 }
        source: \"foxyc.online/pricing mirror\"
      - id: starter
        price: { monthly_usd: 7 }
        source: \"render.com/pricing (Starter)\"
        evidence: \"foxyc.online/pricing mirror\"
";

#[test]
fn an_overlay_citing_a_mirror_first_gets_one_warning() {
    let dir = scratch_dir("sources-mirror-overlay");
    let overlay = write_file(&dir, "mirror.yaml", MIRROR_OVERLAY);
    // Checked alone, the overlay is held to the embedded provider's sites.
    let report = run_json(&["tiers", "check", &overlay, "--format", "json"], 0);
    let found = source_warnings(&report);
    assert_eq!(found.len(), 1, "{found:#?}");
    let warning = found[0];
    assert_eq!(warning["field"], "offerings.web.tiers.standard.source");
    assert_eq!(warning["line"], 10, "{warning}");
    let message = warning["message"].as_str().unwrap();
    for expected in [
        "offerings.web.tiers.standard cites 'foxyc.online/pricing mirror'",
        "(render.com)",
        "1 more entry cite it: offerings.web.tiers.pro",
    ] {
        assert!(message.contains(expected), "{expected}: {message}");
    }
    assert!(!message.contains("starter"), "{message}");
    // Over the embedded catalogs (`tiers check --tiers`): the same one.
    let report = run_json(&["tiers", "check", "--tiers", &overlay, "--format", "json"], 0);
    let found = source_warnings(&report);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["field"], "offerings.web.tiers.standard.source");
    assert!(found[0]["message"].as_str().unwrap().contains("(render.com)"));
    // A plan loading the overlay does not repeat it (a negotiated or a
    // guide's price is the user's to cite).
    let plan =
        run_json(&["recommend", "--users", "5000", "--tiers", &overlay, "--format", "json"], 0);
    assert!(
        !plan["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("provider's sites")),
        "{}",
        plan["warnings"]
    );
}

#[test]
fn an_overlay_may_add_sites() {
    let dir = scratch_dir("sources-own-sites");
    let text =
        MIRROR_OVERLAY.replace("as_of: 2026-11-01", "as_of: 2026-11-01\nsites: [foxyc.online]");
    let overlay = write_file(&dir, "sites.yaml", &text);
    let report = run_json(&["tiers", "check", &overlay, "--format", "json"], 0);
    assert!(source_warnings(&report).is_empty(), "{report}");
}

/// The component whose offering is `reference` (provider/offering).
fn component<'a>(report: &'a Value, reference: &str) -> &'a Value {
    report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            format!("{}/{}", c["provider"].as_str().unwrap(), c["offering"].as_str().unwrap())
                == reference
        })
        .unwrap_or_else(|| panic!("no {reference} component: {}", report["components"]))
}

fn source(component: &Value) -> &str {
    component["source"].as_str().unwrap_or_else(|| panic!("no source: {component}"))
}

#[test]
fn reports_show_the_providers_page_where_a_mirror_was_cited() {
    // An Atlas cluster tier (caylent/vectors-wizard was cited first).
    let plan = run_json(&["recommend", "--users", "20000", "--format", "json"], 0);
    let atlas = component(&plan, "atlas/cluster");
    assert!(source(atlas).starts_with("mongodb.com/"), "{atlas}");
    assert!(!source(atlas).contains("caylent"), "{atlas}");
    // Heroku dynos and Postgres (render-oss/skills was cited first).
    let plan = run_json(
        &["recommend", "--scenario", "scenarios/examples/heroku.yaml", "--format", "json"],
        0,
    );
    for reference in ["heroku/dynos", "heroku/postgres-essential"] {
        let c = component(&plan, reference);
        assert!(source(c).contains("heroku.com/"), "{c}");
        assert!(!source(c).contains("render-oss"), "{c}");
    }
    // An EC2 instance (karpenter's generated file was cited first): the
    // AWS Price List.
    let dir = scratch_dir("sources-aws");
    let scenario = write_file(
        &dir,
        "aws.yaml",
        "version: 1
name: aws sources
workload: { users: 5000, daily_active_ratio: 0.3, peak_online_ratio: 0.1, requests_per_online_user_per_min: 3 }
components:
  - { name: api, role: web, candidates: [aws/ec2], cpu_ms: 5, io_ms: 10, memory_mb_per_worker: 100 }
",
    );
    let plan = run_json(&["recommend", "--scenario", &scenario, "--format", "json"], 0);
    let ec2 = component(&plan, "aws/ec2");
    assert!(
        source(ec2).starts_with(
            "aws.amazon.com/ec2/pricing/on-demand; AWS Price List API offer AmazonEC2"
        ),
        "{ec2}"
    );
    assert!(!source(ec2).contains("karpenter"), "{ec2}");
    // The usage lines' "Priced from" notes name the page too.
    let table = crate::common::run(&["recommend", "--scenario", &scenario]).1;
    for line in table.lines().filter(|l| l.contains("Priced from")) {
        assert!(!line.contains("infracost") && !line.contains("karpenter"), "{line}");
    }
}

/// Each importer's overlay cites the provider's page or file first (a
/// LiteLLM figure: the provider's page, the table as evidence), so an
/// imported overlay checks clean over the embedded catalogs.
#[test]
fn imported_overlays_cite_the_providers_file_first() {
    let dir = scratch_dir("sources-imports");
    let prices = "tests/fixtures/prices";
    let imports: [(&str, Vec<String>); 3] = [
        (
            "litellm",
            vec![
                format!("{prices}/litellm-model-prices-excerpt.json"),
                "--as-of".into(),
                "2026-11-30".into(),
            ],
        ),
        (
            "azure-retail",
            vec![
                format!("{prices}/azure-retail-eastus2-app-service.json"),
                "--region".into(),
                "eastus2".into(),
                "--as-of".into(),
                "2026-08-14".into(),
            ],
        ),
        (
            "digitalocean",
            vec![
                format!("{prices}/digitalocean-sizes.json"),
                "--as-of".into(),
                "2026-09-29".into(),
            ],
        ),
    ];
    for (format, args) in imports {
        let out = dir.join(format!("{format}.yaml")).to_string_lossy().into_owned();
        let mut full = vec!["tiers", "import", format];
        full.extend(args.iter().map(String::as_str));
        full.extend(["--out", &out]);
        let (code, stdout, stderr) = crate::common::run(&full);
        assert_eq!(code, 0, "{full:?}\n{stdout}\n{stderr}");
        let report = run_json(&["tiers", "check", "--tiers", &out, "--format", "json"], 0);
        let found: Vec<&Value> = source_warnings(&report);
        assert!(found.is_empty(), "{format}: {found:#?}");
    }
}

//! `capplan import` on real Heroku app.json/Procfile files and DigitalOcean
//! App Platform specs (`tests/fixtures/import/`, provenance in its
//! PROVENANCE.md), by hand where the arithmetic is short (issue 29).

use crate::common::{close, run, run_json, scratch_dir, write_file};

fn fixture(path: &str) -> String {
    format!("{}/tests/fixtures/import/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// Imports `files` (with `extra` arguments) into a scenario and returns
/// `recommend`'s JSON for it.
fn recommend_imported(name: &str, files: &[&str], extra: &[&str]) -> serde_json::Value {
    let dir = scratch_dir(&format!("import-{name}"));
    let out = dir.join("scenario.yaml").to_string_lossy().into_owned();
    let mut args = vec!["import"];
    args.extend_from_slice(files);
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", &out, "--force"]);
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{name}: {stdout}{stderr}");
    run_json(&["recommend", "--scenario", &out, "--format", "json"], 0)
}

fn component<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["current"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no component {name} in {}", report["current"]))
}

#[test]
fn treeherder_app_json_prices_its_formation_by_hand() {
    // 13 Standard-1X dynos running ($25 each: pulse listeners 2, web 1,
    // five log parsers, worker_misc 1, worker_store_pulse_data 4) and
    // heroku-redis:premium-0 ($15); celery_scheduler has quantity 0 and
    // cloudamqp, papertrail, jawsdb and scheduler are third-party.
    let report = recommend_imported(
        "treeherder",
        &[&fixture("heroku/treeherder.app.json"), &fixture("heroku/treeherder.Procfile")],
        &[],
    );
    let current = &report["current"];
    assert_eq!(current["holds"], true, "{current}");
    assert!(close(current["monthly_usd"].as_f64().unwrap(), 13.0 * 25.0 + 15.0, 1e-9));
    assert_eq!(component(&report, "worker_store_pulse_data")["count"], 4);
    assert_eq!(component(&report, "web")["tier"], "heroku/dynos/standard-1x");
    let (_, text, _) = run(&["import", &fixture("heroku/treeherder.app.json")]);
    for skipped in [
        "# not imported: celery_scheduler (quantity 0: not running)",
        "# not imported: jawsdb:blacktip (add-on not in the catalog: unpriced)",
    ] {
        assert!(text.contains(skipped), "{text}");
    }
}

#[test]
fn procfile_types_without_a_formation_are_assumed_and_said() {
    // codetriage: no formation; the Procfile's web and worker run one
    // Standard-1X each ($25 + $25); in-dyno CI databases are not imported.
    let (code, text, stderr) = run(&[
        "import",
        &fixture("heroku/codetriage.app.json"),
        &fixture("heroku/codetriage.Procfile"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        text.contains(
            "codetriage.Procfile (line 1) but not in the formation: assumed 1 × standard-1x"
        ),
        "{text}"
    );
    assert!(!text.contains("release"), "{text}");
    assert!(text.contains("heroku-postgresql:in-dyno (Heroku CI's in-dyno test database)"));
    let report = recommend_imported(
        "codetriage",
        &[&fixture("heroku/codetriage.app.json"), &fixture("heroku/codetriage.Procfile")],
        &[],
    );
    assert!(close(report["current"]["monthly_usd"].as_f64().unwrap(), 50.0, 1e-9));
    // hasura: no size (assumed Standard-1X) and the retired Mini Postgres,
    // priced as the Essential-0 that replaced it: $25 + $5. Its 1 GB
    // cannot hold 5,000 users' 7.3 GB; the recommendation may move to the
    // other Heroku Postgres offerings, which the import lists.
    let report = recommend_imported("hasura", &[&fixture("heroku/hasura.app.json")], &[]);
    let database = component(&report, "database");
    assert_eq!(database["tier"], "heroku/postgres-essential/essential-0");
    assert!(close(database["monthly_usd"].as_f64().unwrap(), 5.0, 1e-9));
    assert!(close(component(&report, "web")["monthly_usd"].as_f64().unwrap(), 25.0, 1e-9));
    assert_eq!(report["current"]["failing"], "database: storage");
    assert_eq!(report["components"][1]["offering"], "postgres-standard");
}

#[test]
fn the_issue_heroku_mix_as_an_app_json_costs_330() {
    // 3 × Standard-2X web + 2 × Standard-2X worker ($50 each), Postgres
    // Standard-0 ($50), Key-Value premium-1 ($30): $330.00.
    let dir = scratch_dir("import-heroku-mix-file");
    let app = write_file(
        &dir,
        "app.json",
        r#"{
  "name": "founder-app",
  "formation": {
    "web": { "quantity": 3, "size": "Standard-2X" },
    "worker": { "quantity": 2, "size": "standard-2x" }
  },
  "addons": ["heroku-postgresql:standard-0", { "plan": "heroku-redis:premium-1", "as": "REDIS" }]
}"#,
    );
    let report = recommend_imported("heroku-mix", &[&app], &["--users", "3000"]);
    let current = &report["current"];
    assert!(close(current["monthly_usd"].as_f64().unwrap(), 330.0, 1e-9), "{current}");
    assert_eq!(component(&report, "redis")["tier"], "heroku/key-value/premium-1");
    assert_eq!(component(&report, "web")["count"], 3);
}

#[test]
fn heroku_errors_are_located() {
    // The real file with a // comment line is not JSON: line 1, column 1.
    let (code, stdout, stderr) = run(&["import", &fixture("heroku/zass-commented.app.json")]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("zass-commented.app.json:1:1: not JSON"), "{stderr}");
    // Eco dynos are a shared pool of hours: refused with what to do.
    let (code, _, stderr) = run(&["import", &fixture("heroku/n8n-heroku.app.json")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("formation.web.size: Eco dynos"), "{stderr}");
    let dir = scratch_dir("import-heroku-bad");
    let app = write_file(&dir, "app.json", r#"{"formation": {"web": {"size": "hobby"}}}"#);
    let (code, _, stderr) = run(&["import", &app]);
    assert_eq!(code, 2);
    assert!(stderr.contains("formation.web.size: unknown plan 'hobby'"), "{stderr}");
    assert!(stderr.contains("standard-2x"), "{stderr}");
    let app = write_file(&dir, "app.json", r#"{"formation": {"web": {"quantity": -1}}}"#);
    let (code, _, stderr) = run(&["import", &app]);
    assert_eq!(code, 2);
    assert!(stderr.contains("formation.web.quantity: expected a whole number"), "{stderr}");
}

#[test]
fn laravel_app_platform_template_prices_autoscaled_components_by_hand() {
    // spec.services web: apps-d-1vcpu-0.5gb ($29) autoscaled 2–4 at 70%
    // CPU; workers queue-worker 1–2 at 75%, scheduler 1; PostgreSQL and
    // Valkey production clusters whose size is not in the spec (assumed
    // db-s-1vcpu-1gb $15 and 1gb $15). At the default load the autoscaled
    // components run their minimum: 2×29 + 29 + 29 + 15 + 15 = $146.
    let report = recommend_imported(
        "laravel",
        &[&fixture("digitalocean/laravel-appplatform.deploy.template.yaml")],
        &[],
    );
    let current = &report["current"];
    assert_eq!(current["holds"], true, "{current}");
    assert!(close(current["monthly_usd"].as_f64().unwrap(), 146.0, 1e-9), "{current}");
    let web = component(&report, "web");
    assert_eq!((web["min"].as_u64(), web["max"].as_u64()), (Some(2), Some(4)));
    assert_eq!(component(&report, "scheduler")["min"], serde_json::Value::Null);
    assert_eq!(component(&report, "laravel-valkey")["tier"], "digitalocean/valkey/1gb");
    // The autoscaler's target is carried into the component.
    let (_, text, _) =
        run(&["import", &fixture("digitalocean/laravel-appplatform.deploy.template.yaml")]);
    assert!(text.contains("autoscale: { min: 2, max: 4, target_utilization: 0.7 }"), "{text}");
    assert!(text.contains("autoscale: { min: 1, max: 2, target_utilization: 0.75 }"), "{text}");
    assert!(
        text.contains("the cluster's size is not in the app spec: assumed db-s-1vcpu-1gb"),
        "{text}"
    );
}

#[test]
fn app_specs_with_and_without_the_spec_wrapper_import() {
    // sample-inngest: `spec:` around an app.yaml; one apps-d-2vcpu-4gb ($78).
    let report =
        recommend_imported("inngest", &[&fixture("digitalocean/sample-inngest.app.yaml")], &[]);
    assert!(close(report["current"]["monthly_usd"].as_f64().unwrap(), 78.0, 1e-9));
    // sample-nodejs-kafka: no sizes, no counts: the smallest container
    // ($5) for the service and the worker, each said.
    let report =
        recommend_imported("kafka", &[&fixture("digitalocean/sample-nodejs-kafka.app.yaml")], &[]);
    assert!(close(report["current"]["monthly_usd"].as_f64().unwrap(), 10.0, 1e-9));
    assert_eq!(
        component(&report, "consumer")["tier"],
        "digitalocean/app-platform/apps-s-1vcpu-0.5gb"
    );
    // Legacy sizes (basic-xxs, professional-xs) are refused, located.
    for (file, at) in [
        (
            "digitalocean/wikijump.app.yaml",
            "services[0].instance_size_slug: 'basic-xxs' is a legacy size",
        ),
        (
            "digitalocean/grafana-observability.deploy.template.yaml",
            "spec.services[0].instance_size_slug: 'professional-xs' is a legacy size",
        ),
    ] {
        let (code, _, stderr) = run(&["import", &fixture(file)]);
        assert_eq!(code, 2, "{file}");
        assert!(stderr.contains(at), "{stderr}");
        assert!(stderr.contains("; or give what runs: --current "), "{stderr}");
    }
    // Every legacy service at once, one line each.
    let (_, _, stderr) = run(&["import", &fixture("digitalocean/wikijump.app.yaml")]);
    assert!(
        stderr.contains("--current framerail=") && stderr.contains("--current deepwell="),
        "{stderr}"
    );
    // The tier a file names is checked after --current: naming what runs
    // today imports the file.
    let (code, text, stderr) = run(&[
        "import",
        &fixture("digitalocean/wikijump.app.yaml"),
        "--current",
        "framerail=digitalocean/app-platform/apps-s-1vcpu-0.5gb",
        "--current",
        "deepwell=digitalocean/app-platform/apps-s-1vcpu-0.5gb",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        text.contains("from --current (the file said digitalocean/app-platform/basic-xxs)"),
        "{text}"
    );
}

#[test]
fn current_overrides_add_and_replace_components() {
    // A fly.toml plus an Atlas tier it does not hold: 2 × shared-cpu-2x-2gb
    // ($11.83) + M10 ($56.94, tiers/atlas.yaml) and its storage.
    let fly = fixture("fly/mosslet.fly.toml");
    let (code, text, stderr) = run(&["import", &fly, "--current", "mongo=atlas/cluster/m10"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(text.contains("\"mongo\": { tier: atlas/cluster/m10, count: 1 }"), "{text}");
    assert!(text.contains("role: database"), "{text}");
    let report =
        recommend_imported("fly-atlas", &[&fly], &["--current", "mongo=atlas/cluster/m10"]);
    assert_eq!(component(&report, "mongo")["tier"], "atlas/cluster/m10");
    let render = fixture("render/dify.render.yaml");
    // A count, and a range, replace what the file said.
    let (_, text, _) = run(&["import", &render, "--current", "dify-api=render/web/pro:3"]);
    assert!(text.contains("\"dify-api\": { tier: render/web/pro, count: 3 }"), "{text}");
    assert!(text.contains("from --current (the file said render/web/standard)"), "{text}");
    let (_, text, _) = run(&["import", &render, "--current", "dify-api=render/web/pro:2-5"]);
    assert!(text.contains("\"dify-api\": { tier: render/web/pro, min: 2, max: 5 }"), "{text}");
    // Bad overrides are usage errors naming what was expected.
    for (arg, expected) in [
        ("mongo", "expected COMPONENT=provider/offering/tier"),
        ("dify-api=render/web/pro:0", "expected a count from 1 to 1000"),
        ("dify-api=render/web/pro:5-2", "MIN ≤ MAX"),
    ] {
        let (code, _, stderr) = run(&["import", &render, "--current", arg]);
        assert_eq!(code, 2, "{arg}");
        assert!(stderr.contains(expected), "{arg}: {stderr}");
    }
    let (code, _, stderr) = run(&["import", &render, "--current", "dify-api=render/web/huge"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown plan 'huge' for render/web"), "{stderr}");
    let (code, _, stderr) =
        run(&["import", &render, "--current", "dify-api=render/postgres/basic-1gb"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is a database tier but component 'dify-api' is a web"), "{stderr}");
    // The same component name from two files is an error naming both.
    let (code, _, stderr) = run(&["import", &render, &render]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is also in"), "{stderr}");
}

#[test]
fn the_seed_guides_render_snippet_imports_and_prices() {
    // The Stage 2 render.yaml of the first seed guide, with the guide's
    // Atlas M10 and Redis Cloud 250 MB given with --current: 2 Standard
    // instances at $25 (autoscaled 2–4; the default load needs the floor),
    // M10 $56.94, 250 MB $5, and Render's Pro workspace plan ($25) that
    // autoscaling needs: $136.94; and the database's replies to Render,
    // another platform, at Atlas's $0.09/GB: 10 operations/s (5 req/s × 2,
    // a flat day) × 2,628,000 s × 1 KB = 25.06 GB = $2.26. Atlas backups
    // are named as unpriced.
    let replies = 10.0 * 2_628_000.0 / 1024.0 / 1024.0 * 0.09;
    let report = recommend_imported(
        "seed-intervai",
        &[&fixture("render/seed-intervai.render.yaml")],
        &["--current", "db=atlas/cluster/m10", "--current", "cache=redis-cloud/essentials/250mb"],
    );
    let current = &report["current"];
    assert_eq!(current["holds"], true, "{current}");
    assert!(close(current["monthly_usd"].as_f64().unwrap(), 136.94 + replies, 1e-9), "{current}");
    assert!(close(current["shared_usd"].as_f64().unwrap(), 25.0, 1e-9), "{current}");
    let api = component(&report, "intervai-api");
    assert_eq!(
        (api["min"].as_u64(), api["max"].as_u64(), api["count"].as_u64()),
        (Some(2), Some(4), Some(2))
    );
    let db = component(&report, "db");
    assert!(close(db["monthly_usd"].as_f64().unwrap(), 56.94 + replies, 1e-9), "{db}");
    assert_eq!(db["unpriced"][0], "backups");
}

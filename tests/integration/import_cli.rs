//! `capplan import` on real Render Blueprints (`tests/fixtures/import/`,
//! provenance in its PROVENANCE.md): each imports into a scenario that
//! `recommend` prices, or fails located (issue 29, part 3: Render only).

use crate::common::{close, run, run_json, scratch_dir, write_file};

fn blueprint(name: &str) -> String {
    format!("{}/tests/fixtures/import/render/{name}.render.yaml", env!("CARGO_MANIFEST_DIR"))
}

fn imported(name: &str) -> String {
    let dir = scratch_dir(&format!("import-{name}"));
    let out = dir.join("scenario.yaml").to_string_lossy().into_owned();
    let (code, stdout, stderr) = run(&["import", &blueprint(name), "--out", &out]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("wrote"), "{stdout}");
    out
}

#[test]
fn the_dify_blueprint_prices_its_current_mix_by_hand() {
    // projects[0].environments[0]: web standard $25, worker standard $25,
    // web starter $7, Key Value starter $10, Postgres basic-256mb $6 plus
    // its storage: 5,000 users × 1 MB × 1.5 headroom at $0.30/GB-month.
    let scenario = imported("dify");
    let report = run_json(&["recommend", "--scenario", &scenario, "--format", "json"], 0);
    let current = &report["current"];
    assert_eq!(current["holds"], true);
    let storage = 5000.0 * 1.0 * 1.5 / 1024.0 * 0.30;
    assert!(
        close(
            current["monthly_usd"].as_f64().unwrap(),
            25.0 + 25.0 + 7.0 + 10.0 + 6.0 + storage,
            1e-9
        ),
        "{current}"
    );
    let tiers: Vec<&str> = current["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["tier"].as_str().unwrap())
        .collect();
    assert_eq!(
        tiers,
        [
            "render/web/standard",
            "render/worker/standard",
            "render/web/starter",
            "render/key-value/starter",
            "render/postgres/basic-256mb"
        ]
    );
}

#[test]
fn every_real_blueprint_imports_or_fails_located() {
    for name in ["temporal", "langfuse4", "scheduled-sync-pro-plus"] {
        let scenario = imported(name);
        let report = run_json(&["recommend", "--scenario", &scenario, "--format", "json"], 0);
        assert!(
            report["current"]["monthly_usd"].as_f64().unwrap() > 0.0,
            "{name}: {}",
            report["current"]
        );
    }
    // "pro plus" is today's pro-plus ($175).
    let report = run_json(
        &["recommend", "--scenario", &imported("scheduled-sync-pro-plus"), "--format", "json"],
        0,
    );
    assert_eq!(report["current"]["components"][0]["tier"], "render/web/pro-plus");
    // Autoscaling is carried: the range into current:, the CPU target
    // (targetCPUPercent 80) into the component's autoscale.
    let (_, text, _) = run(&["import", &blueprint("temporal")]);
    assert!(
        text.contains("\"temporal-frontend\": { tier: render/web/starter, min: 1, max: 3 }"),
        "{text}"
    );
    assert!(text.contains("autoscale: { min: 1, max: 3, target_utilization: 0.8 }"), "{text}");
    // diskSizeGB 1 is the database's provisioned storage: 5,000 users ×
    // 1 MB × 1.5 headroom need 7.3 GB, so the mix fails on storage and
    // holds up to 682 users (682 × 1.5 / 1024 = 0.999 GB).
    let report =
        run_json(&["recommend", "--scenario", &imported("temporal"), "--format", "json"], 0);
    let current = &report["current"];
    assert_eq!(current["holds"], false, "{current}");
    assert_eq!(current["failing"], "temporal-db: storage");
    assert_eq!(current["max_users"], 682.0);
    assert!(
        current["failing_detail"].as_str().unwrap().contains("needs 7.32 GB, the tier allows 1 GB"),
        "{current}"
    );
    // Legacy Postgres plans (the catalog's retired_tiers) are priced as
    // today's plan with the same memory, and the scenario says so.
    // PostHog: `plan: standard` → basic-1gb ($19); its database shares
    // the web service's name and is renamed. 4 × Starter ($7) + $19 +
    // 7.324 GB-month of storage × $0.30 = $49.20.
    let (_, text, _) = run(&["import", &blueprint("posthog")]);
    assert!(
        text.contains("\"posthog-database\": { tier: render/postgres/basic-1gb, count: 1 }"),
        "{text}"
    );
    assert!(text.contains("plan 'standard': a legacy plan Render no longer sells"), "{text}");
    assert!(text.contains("named 'posthog' in the file, like another component"), "{text}");
    let report =
        run_json(&["recommend", "--scenario", &imported("posthog"), "--format", "json"], 0);
    let total = report["current"]["monthly_usd"].as_f64().unwrap();
    assert!((total - (4.0 * 7.0 + 19.0 + 7.324_218_75 * 0.30)).abs() < 0.01, "{total}");
    // Mastodon's database names no plan: Render's old default, starter,
    // is retired and priced as basic-256mb ($6).
    let (_, text, _) = run(&["import", &blueprint("mastodon")]);
    assert!(
        text.contains("\"mastodon-db\": { tier: render/postgres/basic-256mb, count: 1 }"),
        "{text}"
    );
    let report =
        run_json(&["recommend", "--scenario", &imported("mastodon"), "--format", "json"], 0);
    let db = &report["current"]["components"][4];
    assert_eq!(db["name"], "mastodon-db");
    assert!(close(db["monthly_usd"].as_f64().unwrap(), 6.0 + 7.324_218_75 * 0.30, 1e-4), "{db}");
}

#[test]
fn a_static_site_is_not_priced_as_a_web_instance() {
    // ai-consensus (a Django API, Celery worker and a React frontend):
    // the frontend is `type: web` with `env: static`, files on Render's
    // CDN. The current mix is the API and the worker, 2 × Starter ($7),
    // and the free Postgres; before, the frontend was a third $7 instance.
    let (code, stdout, stderr) = run(&["import", &blueprint("ai-consensus")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(
            "# not imported: aix-frontend (static site: files on the CDN, not an instance)"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("\"aix-frontend\":"), "{stdout}");
    let report =
        run_json(&["recommend", "--scenario", &imported("ai-consensus"), "--format", "json"], 0);
    let current = &report["current"];
    let tiers: Vec<&str> = current["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["tier"].as_str().unwrap())
        .collect();
    assert_eq!(tiers, ["render/web/starter", "render/worker/starter", "render/postgres/free"]);
    let instances: f64 = current["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["monthly_usd"].as_f64().unwrap())
        .sum();
    assert!(close(instances, 14.0, 1e-12), "{current}");
}

/// A plan the catalog does not sell is checked after `--current`: the
/// error says how to give what runs, and giving it imports the file.
#[test]
fn an_unknown_plan_is_overridden_by_current() {
    let dir = scratch_dir("import-unknown-plan");
    let file = write_file(
        &dir,
        "render.yaml",
        "services:\n  - { type: web, name: app, plan: starter }\ndatabases:\n  - { name: db, plan: mystery-8gb }\n",
    );
    let (code, stdout, stderr) = run(&["import", &file]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("render.yaml: databases[0].plan: unknown plan 'mystery-8gb' for render/postgres: expected one of free, basic-256mb"),
        "{stderr}"
    );
    assert!(stderr.contains("or give what runs: --current db=render/postgres/TIER"), "{stderr}");
    assert!(stdout.is_empty());
    let (code, text, stderr) = run(&["import", &file, "--current", "db=render/postgres/2c-8g"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(text.contains("\"db\": { tier: render/postgres/2c-8g, count: 1 }"), "{text}");
    assert!(text.contains("from --current (the file said render/postgres/mystery-8gb)"), "{text}");
}

#[test]
fn bad_files_are_located_and_nothing_is_written() {
    let dir = scratch_dir("import-bad");
    let broken = write_file(&dir, "render.yaml", "services:\n  - type: web\n    plan: [starter\n");
    let out = dir.join("out.yaml");
    let out_arg = out.to_string_lossy().into_owned();
    let (code, _, stderr) = run(&["import", &broken, "--out", &out_arg]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("render.yaml:"), "{stderr}");
    assert!(!out.exists());
    let unknown = write_file(&dir, "kind.yaml", "services:\n  - type: lambda\n    name: f\n");
    let (code, _, stderr) = run(&["import", &unknown]);
    assert_eq!(code, 2);
    assert!(stderr.contains("services[0].type: unknown service type 'lambda'"), "{stderr}");
    // An existing --out is kept unless --force.
    std::fs::write(&out, "mine").unwrap();
    let (code, _, stderr) = run(&["import", &blueprint("dify"), "--out", &out_arg]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
}

fn fly(name: &str) -> String {
    format!("{}/tests/fixtures/import/fly/{name}.fly.toml", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_fly_toml_imports_its_machines_and_says_the_count_was_assumed() {
    // mosslet: [[vm]] cpu_kind shared, cpus 2, memory 2gb → shared-cpu-2x-2gb
    // ($11.83 a month); no count in the file, min_machines_running = 2.
    let (code, text, stderr) = run(&["import", &fly("mosslet")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(text.contains("{ tier: fly/machines/shared-cpu-2x-2gb, count: 2 }"), "{text}");
    assert!(
        text.contains("the Machine count is not in fly.toml: assumed 2 (min_machines_running); give --count app=N"),
        "{text}"
    );
    // --count gives it, and the mix is priced at that count.
    let dir = scratch_dir("import-fly");
    let out = dir.join("s.yaml").to_string_lossy().into_owned();
    let (code, _, stderr) = run(&["import", &fly("mosslet"), "--count", "app=4", "--out", &out]);
    assert_eq!(code, 0, "{stderr}");
    let report = run_json(&["recommend", "--scenario", &out, "--format", "json"], 0);
    assert!(close(report["current"]["monthly_usd"].as_f64().unwrap(), 4.0 * 11.83, 1e-9));
    // Process groups without an http_service are workers.
    let (_, text, _) = run(&["import", &fly("verdad-prefect")]);
    assert!(text.contains("role: worker"), "{text}");
    // Every real file imports and prices, except the GPU ones, refused located.
    for name in [
        "openstatus-checker",
        "openstatus-screenshot",
        "unkey-agent-production",
        "verdad-processing-worker",
    ] {
        let out = dir.join(format!("{name}.yaml")).to_string_lossy().into_owned();
        let (code, _, stderr) = run(&["import", &fly(name), "--out", &out]);
        assert_eq!(code, 0, "{name}: {stderr}");
        let report = run_json(&["recommend", "--scenario", &out, "--format", "json"], 0);
        assert!(report["current"]["monthly_usd"].as_f64().unwrap() > 0.0, "{name}");
    }
    for (name, field) in [("ollama-open-webui", "vm[0].gpu_kind"), ("vllm-demo", "vm[0].gpu_kind")]
    {
        let (code, _, stderr) = run(&["import", &fly(name)]);
        assert_eq!(code, 2, "{name}");
        assert!(stderr.contains(field), "{stderr}");
    }
    // An unknown group in --count, and a count on a Render file, are errors.
    let (code, _, stderr) = run(&["import", &fly("mosslet"), "--count", "web=2"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no process group 'web': expected one of app"), "{stderr}");
    let (code, _, _) = run(&["import", &blueprint("dify"), "--count", "app=2"]);
    assert_eq!(code, 2);
    // Broken TOML is located.
    let broken = write_file(&dir, "fly.toml", "app = \"x\"\n[[vm]]\n  cpus = \n");
    let (code, _, stderr) = run(&["import", &broken]);
    assert_eq!(code, 2);
    assert!(stderr.contains("fly.toml:3:"), "{stderr}");
}

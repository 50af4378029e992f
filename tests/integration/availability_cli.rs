//! High availability and extra environments: what the scenario asks for
//! is planned and priced, and a production plan with a single point of
//! failure says so (figures: ../shared/research/pricing.yaml and
//! pricing-depth.yaml).

use crate::common::{close, run, scratch_dir, write_file};
use crate::pricing_cli::{component, plan, scenario, usd};
use serde_json::Value;

const DATASTORES: &str = "  - name: db
    role: database
    candidates: [aws/rds-postgres, aws/rds-postgres-multi-az]
  - name: cache
    role: cache
    candidates: [aws/elasticache-redis]
    accept_unverified_limits: [ops, connections]";

fn small_app(availability: &str) -> String {
    let text = scenario(
        "  requests_per_online_user_per_min: 1
  storage_mb_per_user: 1
  working_set_ratio: 0.1
  cache_hot_data_mb: 100",
        "    candidates: [render/web]
    db_ops_per_request: 1
    cache_ops_per_request: 1
    db_pool_per_instance: 5
    cache_connections_per_instance: 5",
        DATASTORES,
        "  []",
    );
    text.replacen("name: pricing test\n", &format!("name: pricing test\n{availability}"), 1)
}

fn warnings(report: &Value) -> Vec<String> {
    report["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap().to_string()).collect()
}

#[test]
fn high_availability_plans_two_web_instances_a_multi_az_database_and_a_cache_replica() {
    // 1,000 users: one free render/web instance would do; HA needs two,
    // which the free plan does not allow, so two starters ($7 each).
    // RDS: the Single-AZ offering has no standby, so db.t4g.micro Multi-AZ
    // ($0.032/h = $23.36) with its storage at the Multi-AZ rate (20 GB
    // minimum × $0.23). ElastiCache: cache.t4g.micro ($0.016/h) plus one
    // replica node at the node rate = 2 × $11.68.
    let report = plan("ha-on", &small_app("high_availability: true\n"), "1000");
    let api = component(&report, "api");
    assert_eq!(api["count"], 2, "{api}");
    assert_eq!(api["binding"], "high_availability");
    assert!(close(usd(&api["monthly_usd"]), 14.0, 1e-9));
    let db = component(&report, "db");
    assert_eq!(db["offering"], "rds-postgres-multi-az", "{db}");
    assert_eq!(db["tier"], "db.t4g.micro");
    assert!(close(usd(&db["monthly_usd"]), 0.032 * 730.0, 1e-9));
    assert!(close(usd(&db["total_monthly_usd"]), 0.032 * 730.0 + 20.0 * 0.23, 1e-9));
    let cache = component(&report, "cache");
    assert_eq!(cache["tier"], "cache.t4g.micro");
    assert_eq!(cache["count"], 2);
    assert!(close(usd(&cache["monthly_usd"]), 2.0 * 0.016 * 730.0, 1e-9));
    assert!(!warnings(&report).iter().any(|w| w.contains("single")), "{:?}", warnings(&report));

    // Without it: one (free) instance, Single-AZ ($0.016/h, storage $0.115), one
    // cache node, and a warning for each single point of failure.
    let report = plan("ha-unset", &small_app(""), "1000");
    assert_eq!(component(&report, "api")["count"], 1);
    let db = component(&report, "db");
    assert_eq!(db["offering"], "rds-postgres");
    assert!(close(usd(&db["total_monthly_usd"]), 0.016 * 730.0 + 20.0 * 0.115, 1e-9));
    assert_eq!(component(&report, "cache")["count"], 1);
    let all = warnings(&report);
    assert!(
        all.iter()
            .any(|w| w
                .starts_with("api: one instance of render/web/free is a single point of failure")),
        "{all:?}"
    );
    assert!(
        all.iter()
            .any(|w| w
                .starts_with("db: aws/rds-postgres/db.t4g.micro is a single node with no standby")),
        "{all:?}"
    );
    // Stated false: the same plan, no warning.
    let report = plan("ha-off", &small_app("high_availability: false\n"), "1000");
    assert!(!warnings(&report).iter().any(|w| w.contains("single")));
}

#[test]
fn a_component_overrides_the_scenario_availability() {
    // Only the database asks for HA: the web component keeps one instance.
    let text = small_app("").replacen(
        "    candidates: [aws/rds-postgres, aws/rds-postgres-multi-az]",
        "    candidates: [aws/rds-postgres, aws/rds-postgres-multi-az]\n    high_availability: true",
        1,
    );
    let report = plan("ha-component", &text, "1000");
    assert_eq!(component(&report, "api")["count"], 1);
    assert_eq!(component(&report, "db")["offering"], "rds-postgres-multi-az");
    assert_eq!(component(&report, "cache")["count"], 1);
}

#[test]
fn replication_halves_redis_cloud_memory() {
    // Redis Cloud Essentials plan sizes include the replica: with HA the
    // usable memory is half. 90 MB × 1.25 = 112.5 MB fits half of 250 MB
    // ($5); 110 MB × 1.25 = 137.5 MB does not, so HA takes the 1 GB plan
    // ($15) where one copy still fits 250 MB.
    let app = |hot: u32, availability: &str| {
        scenario(
            &format!("  requests_per_online_user_per_min: 1\n  cache_hot_data_mb: {hot}"),
            "    candidates: [render/web]\n    cache_ops_per_request: 1\n    cache_connections_per_instance: 2\n    high_availability: false",
            &format!(
                "  - name: cache\n    role: cache\n    candidates: [redis-cloud/essentials]\n    high_availability: {availability}"
            ),
            "  []",
        )
    };
    for (hot, availability, tier, price) in
        [(90, "true", "250mb", 5.0), (110, "false", "250mb", 5.0), (110, "true", "1gb", 15.0)]
    {
        let report =
            plan(&format!("redis-ha-{hot}-{availability}"), &app(hot, availability), "100");
        let cache = component(&report, "cache");
        assert_eq!(cache["tier"], tier, "{hot} MB, HA {availability}: {cache}");
        assert_eq!(cache["count"], 1);
        assert!(close(usd(&cache["monthly_usd"]), price, 1e-9));
    }
}

#[test]
fn high_availability_on_an_offering_without_it_names_one_that_has_it() {
    let text = small_app("high_availability: true\n").replacen(
        "[aws/rds-postgres, aws/rds-postgres-multi-az]",
        "[aws/rds-postgres]",
        1,
    );
    let dir = scratch_dir("ha-missing");
    let path = write_file(&dir, "s.yaml", &text);
    let (code, _, stderr) = run(&["recommend", "--scenario", &path, "--users", "1000"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("the catalog knows of no high availability for aws/rds-postgres")
            && stderr.contains("candidates that have it: aws/rds-postgres-multi-az"),
        "{stderr}"
    );
}

const ENVIRONMENTS: &str = "
environments:
  - name: staging
    users: 200
  - name: preview
    copies: 3
    mix:
      api: { tier: render/web/starter }
      db: { tier: atlas/cluster/m0 }
";

fn default_scenario() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/interview-prep-api.yaml"
    ))
    .unwrap()
}

#[test]
fn environments_are_planned_at_their_own_load_and_priced_into_the_total() {
    let base = default_scenario();
    let production = plan("env-prod", &base, "5000");
    // Staging is the same scenario planned at 200 users without high
    // availability; each preview copy is a starter ($7) and a free M0.
    let staging_alone = plan(
        "env-staging-alone",
        &base.replacen("\nworkload:", "\nhigh_availability: false\nworkload:", 1),
        "200",
    );
    let report = plan("env-all", &format!("{base}{ENVIRONMENTS}"), "5000");
    let environments = report["environments"].as_array().unwrap();
    assert_eq!(environments.len(), 2);
    let staging = &environments[0];
    assert_eq!(staging["name"], "staging");
    assert_eq!(staging["users"], 200.0);
    assert!(close(usd(&staging["monthly_usd"]), usd(&staging_alone["monthly_usd"]), 1e-9));
    let staging_tiers: Vec<&Value> =
        staging["components"].as_array().unwrap().iter().map(|c| &c["tier_ref"]).collect();
    let alone_tiers: Vec<Value> = staging_alone["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            Value::String(format!(
                "{}/{}/{}",
                c["provider"].as_str().unwrap(),
                c["offering"].as_str().unwrap(),
                c["tier"].as_str().unwrap()
            ))
        })
        .collect();
    assert_eq!(staging_tiers, alone_tiers.iter().collect::<Vec<_>>());
    let preview = &environments[1];
    assert_eq!(preview["copies"], 3);
    assert!(preview.get("users").is_none());
    assert!(close(usd(&preview["monthly_usd"]), 3.0 * 7.0, 1e-12));
    // The total is production plus both environments, and the production
    // part is unchanged.
    assert!(close(
        usd(&report["monthly_usd"]),
        usd(&production["monthly_usd"]) + usd(&staging_alone["monthly_usd"]) + 21.0,
        1e-9
    ));
    assert_eq!(report["components"], production["components"]);
    // Sweep rows and the table carry the same total.
    let dir = scratch_dir("env-sweep");
    let path = write_file(&dir, "s.yaml", &format!("{base}{ENVIRONMENTS}"));
    let sweep = crate::common::run_json(
        &[
            "sweep",
            "--scenario",
            &path,
            "--from",
            "5000",
            "--to",
            "5000",
            "--points",
            "1",
            "--format",
            "json",
        ],
        0,
    );
    let row = &sweep["rows"][0];
    assert!(close(usd(&row["monthly_usd"]), usd(&report["monthly_usd"]), 1e-12));
    assert!(close(usd(&row["environments_usd"]), usd(&staging_alone["monthly_usd"]) + 21.0, 1e-9));
    let (code, stdout, _) = run(&["recommend", "--scenario", &path, "--users", "5000"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Other environments (in the total)"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "Of which production ${:.2}/month and other environments ${:.2}/month.",
            usd(&production["monthly_usd"]),
            usd(&staging_alone["monthly_usd"]) + 21.0
        )),
        "{stdout}"
    );
    // The sweep table's column carries the same figure.
    let (code, table, _) =
        run(&["sweep", "--scenario", &path, "--from", "5000", "--to", "5000", "--points", "1"]);
    assert_eq!(code, 0);
    assert!(table.contains("other environments $/month"), "{table}");
    assert!(
        table.contains(&format!("${:.2}", usd(&staging_alone["monthly_usd"]) + 21.0)),
        "{table}"
    );
}

#[test]
fn an_environment_shares_the_workspace_production_pays_for() {
    // Production and staging both autoscale on Render: one Pro workspace
    // ($25) serves both, so staging lists it as shared and does not pay it.
    let text = format!(
        "{}environments:\n  - name: staging\n    users: 500\n",
        scenario(
            "  requests_per_online_user_per_min: 3",
            "    candidates: [render/web]\n    autoscale: { min: 1, max: 5, target_utilization: 0.7 }",
            "",
            "  []",
        )
    );
    let report = plan("env-shared-fee", &text, "5000");
    let staging = &report["environments"][0];
    assert_eq!(staging["shared_plans"], serde_json::json!(["render/workspace/pro"]));
    assert!(
        staging["usage"].as_array().unwrap().iter().all(|u| u["price"] != "render/workspace/pro")
    );
    let instances: f64 =
        staging["components"].as_array().unwrap().iter().map(|c| usd(&c["monthly_usd"])).sum();
    assert!(close(usd(&staging["monthly_usd"]), instances, 1e-12));
}

#[test]
fn a_malformed_environment_is_a_located_error() {
    let base = default_scenario();
    for (environments, expected) in [
        (
            "environments:\n  - name: staging\n    users: 200\n    mix:\n      api: { tier: render/web/starter }\n",
            "expected either users (planned at that load) or mix (a fixed mix), found both",
        ),
        ("environments:\n  - name: staging\n", "found neither"),
        (
            "environments:\n  - name: preview\n    mix:\n      web: { tier: render/web/starter }\n",
            "unknown component 'web' in the mix",
        ),
        (
            "environments:\n  - name: preview\n    mix:\n      api: { tier: atlas/cluster/m0 }\n",
            "'atlas/cluster/m0' is not a compute or serverless tier",
        ),
        (
            "environments:\n  - name: a\n    users: 10\n  - name: a\n    users: 20\n",
            "duplicate environment name 'a'",
        ),
        (
            "environments:\n  - name: a\n    users: -10\n",
            "expected a positive user count, found -10",
        ),
        (
            "environments:\n  - name: a\n    copies: 0\n    mix:\n      api: { tier: render/web/starter }\n",
            "expected at least 1 copy, found 0",
        ),
    ] {
        let dir = scratch_dir("env-bad");
        let path = write_file(&dir, "s.yaml", &format!("{base}{environments}"));
        let (code, _, stderr) = run(&["recommend", "--scenario", &path]);
        assert_eq!(code, 2, "{environments}: {stderr}");
        assert!(stderr.contains(expected), "{environments}: {stderr}");
        assert!(stderr.contains("environments"), "{stderr}");
    }
}

#[test]
fn a_usage_item_priced_by_a_tier_is_paid_by_each_environment() {
    // A load balancer given as a usage item (aws/elb/alb, one a month) is
    // not a platform plan: staging pays its own ($0.0225/h × 730 =
    // $16.425), it is not "shared" with production.
    let text = format!(
        "{}environments:\n  - name: staging\n    users: 100\n",
        scenario(
            "  requests_per_online_user_per_min: 1",
            "    candidates: [render/web]",
            "",
            "  - { name: load balancer, price: aws/elb/alb, driver: fixed }",
        )
    );
    let report = plan("env-tier-usage", &text, "1000");
    let staging = &report["environments"][0];
    assert_eq!(staging["shared_plans"], serde_json::json!([]));
    let line = staging["usage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["price"] == "aws/elb/alb")
        .unwrap_or_else(|| panic!("{staging}"));
    assert!(close(usd(&line["monthly_usd"]), 0.0225 * 730.0, 1e-9), "{line}");
}

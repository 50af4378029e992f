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
    text.replacen(
        "name: pricing test\n",
        &format!("name: pricing test\n{availability}"),
        1,
    )
}

fn warnings(report: &Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
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
    assert!(close(
        usd(&db["total_monthly_usd"]),
        0.032 * 730.0 + 20.0 * 0.23,
        1e-9
    ));
    let cache = component(&report, "cache");
    assert_eq!(cache["tier"], "cache.t4g.micro");
    assert_eq!(cache["count"], 2);
    assert!(close(usd(&cache["monthly_usd"]), 2.0 * 0.016 * 730.0, 1e-9));
    assert!(
        !warnings(&report).iter().any(|w| w.contains("single")),
        "{:?}",
        warnings(&report)
    );

    // Without it: one (free) instance, Single-AZ ($0.016/h, storage $0.115), one
    // cache node, and a warning for each single point of failure.
    let report = plan("ha-unset", &small_app(""), "1000");
    assert_eq!(component(&report, "api")["count"], 1);
    let db = component(&report, "db");
    assert_eq!(db["offering"], "rds-postgres");
    assert!(close(
        usd(&db["total_monthly_usd"]),
        0.016 * 730.0 + 20.0 * 0.115,
        1e-9
    ));
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
    assert_eq!(
        component(&report, "db")["offering"],
        "rds-postgres-multi-az"
    );
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
    for (hot, availability, tier, price) in [
        (90, "true", "250mb", 5.0),
        (110, "false", "250mb", 5.0),
        (110, "true", "1gb", 15.0),
    ] {
        let report = plan(
            &format!("redis-ha-{hot}-{availability}"),
            &app(hot, availability),
            "100",
        );
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

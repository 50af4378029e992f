//! `capplan import` on Terraform plan JSON (`terraform show -json`): the
//! real plans in `tests/fixtures/import/terraform/` (provenance in
//! tests/fixtures/import/PROVENANCE.md) import and `recommend` prices their
//! current mix, or they fail located; plans written here cover what no real
//! plan holds (issue 29, part 3: Terraform). Prices are tiers/aws.yaml's,
//! billed 730 hours a month.

use crate::common::{close, run, run_json, scratch_dir, write_file};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/import/terraform/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Imports `plan` into `dir/out`, then returns the scenario text and the
/// `current` block `recommend` reports for it.
fn import_and_price(dir: &std::path::Path, out: &str, plan: &str) -> (String, Value) {
    let out = dir.join(out).to_string_lossy().into_owned();
    let (code, stdout, stderr) = run(&["import", plan, "--out", &out, "--force"]);
    assert_eq!(code, 0, "{plan}: {stdout}{stderr}");
    let report = run_json(&["recommend", "--scenario", &out, "--format", "json"], 0);
    (std::fs::read_to_string(&out).expect("the scenario was written"), report["current"].clone())
}

fn component<'a>(current: &'a Value, name: &str) -> &'a Value {
    current["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no component {name}: {current}"))
}

fn usd(value: &Value) -> f64 {
    value.as_f64().unwrap_or_else(|| panic!("not a number: {value}"))
}

/// One entry of `resource_changes`.
fn change(address: &str, kind: &str, actions: &[&str], after: Value) -> Value {
    let name = address.rsplit('.').next().unwrap_or(address);
    let name = name.split('[').next().unwrap_or(name);
    json!({
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": { "actions": actions, "before": null, "after": after, "after_unknown": {} }
    })
}

fn plan(changes: Vec<Value>) -> String {
    json!({ "format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": changes })
        .to_string()
}

#[test]
fn the_real_plans_import_and_price_or_fail_located() {
    let dir = scratch_dir("tf-real");
    // infracost-example: one aws_instance m5.4xlarge at $0.768/h, so
    // 0.768 × 730 = $560.64, its public IPv4 ($0.005/h × 730 = $3.65) and
    // its 1,050 GB of EBS volumes (root 50 + attached 1,000) at gp3's
    // $0.08/GB-month = $84.00; one instance, so no load balancer line; no
    // egress beyond the 100 GB free. The wrapper-prefixed file is the same
    // plan captured through hashicorp/setup-terraform.
    for file in ["infracost-example.plan.json", "infracost-wrapper-prefixed.plan.json"] {
        let (scenario, current) = import_and_price(&dir, "example.yaml", &fixture(file));
        assert_eq!(current["holds"], true, "{file}: {current}");
        assert!(
            close(
                usd(&current["monthly_usd"]),
                0.768 * 730.0 + 0.005 * 730.0 + 1050.0 * 0.08,
                1e-9
            ),
            "{file}: {current}"
        );
        assert_eq!(component(&current, "web")["tier"], "aws/ec2/m5.4xlarge");
        assert!(
            scenario.contains("1050 GB of EBS volumes on its instances (root_block_device, ebs_block_device): 1050 GB per instance, priced as gp3")
                && scenario.contains("    root_volume_gb: 1050\n"),
            "{scenario}"
        );
        assert!(
            scenario.contains("# not imported: aws_lambda_function × 1 (not modelled)"),
            "{scenario}"
        );
    }
    // infracost-tf014-modules: 12 × t3.nano ($0.0052/h), 6 in the root
    // module (instance_1, instance_2, instance_counted[0..1],
    // instance_named["test.1"/"test.2"]) and 6 in module.instances; each
    // group is a web component of 6, so the ec2 load_balancer rule adds an
    // ALB to each: 0.0225 × 730 = $16.425, and its capacity units at the
    // default workload's 5 req/s peak (5,000 users × 0.3 × 0.1 × 2/min):
    // 5/25 = 0.2 LCU × 730 h × $0.008 = $1.168. Per group:
    // 6 × 0.0052 × 730 + 16.425 + 1.168 = $40.369, plus the addresses
    // (6 instances and the ALB's 2, $3.65 each: $29.20) and the plan's
    // 24 GB of EBS volumes per group, 4 GB per instance at $0.08: $1.92.
    // Its two MySQL databases are not priced and are said so.
    let (scenario, current) =
        import_and_price(&dir, "tf014.yaml", &fixture("infracost-tf014-modules.plan.json"));
    let group = 6.0 * 0.0052 * 730.0
        + 0.0225 * 730.0
        + 0.2 * 730.0 * 0.008
        + 8.0 * 0.005 * 730.0
        + 24.0 * 0.08;
    for name in ["ec2-t3.nano", "instances.ec2-t3.nano"] {
        let c = component(&current, name);
        assert_eq!((c["tier"].as_str(), c["count"].as_u64()), (Some("aws/ec2/t3.nano"), Some(6)));
        assert!(close(usd(&c["monthly_usd"]), group, 1e-9), "{c}");
    }
    assert!(close(usd(&current["monthly_usd"]), 2.0 * group, 1e-9), "{current}");
    assert!(
        scenario.contains("6 × t3.nano from aws_instance.instance_1, aws_instance.instance_2, aws_instance.instance_counted (2), aws_instance.instance_named (2); 3 of them created by this plan"),
        "{scenario}"
    );
    assert_eq!(
        scenario
            .matches("(mysql db.t3.micro): the catalog prices RDS for PostgreSQL only; unpriced")
            .count(),
        2,
        "{scenario}"
    );
    // Edge files, refused located: an autoscaling group whose launch
    // configuration is not in the plan, and a previous-generation type.
    for (file, expected) in [
        (
            "checkov-asg-tags.plan.json",
            "resource_changes[0].change.after.launch_configuration (aws_autoscaling_group.example): the instance type could not be resolved",
        ),
        (
            "checkov-terragoat.plan.json",
            "resource_changes[22].change.after.instance_type (aws_instance.db_app): unknown plan 't2.nano' for aws/ec2",
        ),
    ] {
        let (code, stdout, stderr) = run(&["import", &fixture(file)]);
        assert_eq!(code, 2, "{file}: {stdout}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(stdout.is_empty());
    }
    let (_, _, stderr) = run(&["import", &fixture("checkov-asg-tags.plan.json")]);
    assert!(
        stderr.contains("found 'test', which no aws_launch_configuration in the plan has"),
        "{stderr}"
    );
    let (_, _, stderr) = run(&["import", &fixture("checkov-terragoat.plan.json")]);
    assert!(stderr.contains("expected one of t3.nano, t3.micro"), "{stderr}");
}

/// The issue's case: 2 × t4g.small, RDS PostgreSQL db.t4g.medium Multi-AZ
/// with 20 GB, an ElastiCache replication group of 2 cache.t4g.micro and
/// an application load balancer.
fn acceptance_changes() -> Vec<Value> {
    vec![
        change(
            "aws_instance.web[0]",
            "aws_instance",
            &["create"],
            json!({ "ami": "ami-0abc", "instance_type": "t4g.small" }),
        ),
        change(
            "aws_instance.web[1]",
            "aws_instance",
            &["create"],
            json!({ "ami": "ami-0abc", "instance_type": "t4g.small" }),
        ),
        change(
            "aws_db_instance.main",
            "aws_db_instance",
            &["create"],
            json!({ "engine": "postgres", "engine_version": "16.4", "instance_class": "db.t4g.medium", "multi_az": true, "allocated_storage": 20, "storage_type": "gp3" }),
        ),
        change(
            "aws_elasticache_replication_group.sessions",
            "aws_elasticache_replication_group",
            &["create"],
            json!({ "engine": "redis", "node_type": "cache.t4g.micro", "num_cache_clusters": 2, "automatic_failover_enabled": true }),
        ),
        change(
            "aws_lb.front",
            "aws_lb",
            &["create"],
            json!({ "load_balancer_type": "application", "internal": false }),
        ),
        change(
            "aws_lb_target_group.web",
            "aws_lb_target_group",
            &["create"],
            json!({ "port": 80 }),
        ),
        change("aws_security_group.web", "aws_security_group", &["create"], json!({})),
        change("aws_security_group.db", "aws_security_group", &["create"], json!({})),
        change("aws_instance.old", "aws_instance", &["delete"], json!(null)),
    ]
}

#[test]
fn the_issue_plan_prices_every_line_by_hand() {
    let dir = scratch_dir("tf-accept");
    let file = write_file(&dir, "plan.json", &plan(acceptance_changes()));
    let (scenario, current) = import_and_price(&dir, "scenario.yaml", &file);
    // web: 2 × t4g.small at $0.0168/h = $24.528; the ALB the ec2 offering's
    // load_balancer rule puts in front of 2 or more instances, elb/alb at
    // $0.0225/h = $16.425; its capacity units at the default workload's
    // 5 req/s peak: 5 new connections/s ÷ 25 = 0.2 LCU (the 150 online
    // users' active connections ÷ 3,000 = 0.05 LCU and no egress are
    // below it) × 730 h × $0.008 = $1.168.
    // Each instance holds a public IPv4 ($0.005/h) and an 8 GB gp3 root
    // volume ($0.08/GB-month), and the ALB one IPv4 per availability zone
    // (2): 2 × 3.65 + 2 × 0.64 + 2 × 3.65 = $15.88.
    let web = 2.0 * 0.0168 * 730.0
        + 0.0225 * 730.0
        + 0.2 * 730.0 * 0.008
        + 2.0 * 0.005 * 730.0
        + 2.0 * 8.0 * 0.08
        + 2.0 * 0.005 * 730.0;
    // database: rds-postgres-multi-az db.t4g.medium at $0.129/h = $94.17,
    // plus 20 GB of rds-storage-multi-az at $0.23 = $4.60 (backups of the
    // 7.3 GB stored are within the free 100% of provisioned storage).
    let database = 0.129 * 730.0 + 20.0 * 0.23;
    // cache: elasticache-redis cache.t4g.micro at $0.016/h, a primary and
    // the high-availability standby node = 2 × 0.016 × 730 = $23.36.
    let cache = 2.0 * 0.016 * 730.0;
    assert_eq!(current["holds"], true, "{current}");
    assert_eq!(current["cost_basis"], "all lines");
    for (name, tier, count, expected) in [
        ("web", "aws/ec2/t4g.small", 2, web),
        ("database", "aws/rds-postgres-multi-az/db.t4g.medium", 1, database),
        ("cache", "aws/elasticache-redis/cache.t4g.micro", 2, cache),
    ] {
        let c = component(&current, name);
        assert_eq!((c["tier"].as_str(), c["count"].as_u64()), (Some(tier), Some(count)), "{c}");
        assert!(close(usd(&c["monthly_usd"]), expected, 1e-9), "{name}: {c}");
    }
    assert!(close(usd(&current["monthly_usd"]), web + database + cache, 1e-9), "{current}");
    assert!(close(web + database + cache, 180.131, 1e-12));
    assert_eq!(component(&current, "database")["storage_gb"], 20.0);
    // What the scenario says about each line, and what was left out.
    for said in [
        "  # web: 2 × t4g.small from aws_instance.web (2); 2 of them created by this plan",
        "the plan has aws_lb.front (application)",
        // A datastore may move within its provider's offerings of the
        // same engine.
        "    candidates: [aws/rds-postgres, aws/rds-postgres-multi-az, aws/aurora-postgres-serverless-v2]\n    high_availability: true\n",
        "    candidates: [aws/elasticache-redis, aws/elasticache-serverless]\n    high_availability: true\n",
        "2 nodes: priced as a primary and 1 replica",
        "# not imported: aws_security_group × 2 (not modelled)",
        "# not imported: aws_lb_target_group × 1 (not modelled)",
    ] {
        assert!(scenario.contains(said), "{said}\n{scenario}");
    }
    // The deleted instance is not running: not a component, not a line.
    assert!(!scenario.contains("old"), "{scenario}");
    // One instance: no load balancer is priced, and the plan's is listed.
    let mut one = acceptance_changes();
    one.remove(1);
    let file = write_file(&dir, "one.json", &plan(one));
    let (scenario, current) = import_and_price(&dir, "one.yaml", &file);
    assert!(
        close(
            usd(&component(&current, "web")["monthly_usd"]),
            0.0168 * 730.0 + 0.005 * 730.0 + 8.0 * 0.08,
            1e-9
        ),
        "{current}"
    );
    assert!(
        scenario.contains("# not imported: aws_lb.front (application): not priced (the catalog prices a load balancer in front of 2 or more EC2 instances)"),
        "{scenario}"
    );
}

#[test]
fn planned_values_and_nested_modules_are_read_without_resource_changes() {
    // The same resources as the issue's case, in planned_values: the
    // instances at the root, the datastores and the ALB in a child module
    // of a child module. Same mix, same total.
    let values: Vec<Value> = acceptance_changes()
        .into_iter()
        .filter(|c| c["change"]["after"].is_object())
        .map(|c| json!({ "address": c["address"], "mode": "managed", "type": c["type"], "name": c["name"], "values": c["change"]["after"] }))
        .collect();
    let (root, nested): (Vec<Value>, Vec<Value>) =
        values.into_iter().partition(|r| r["type"] == "aws_instance");
    let text = json!({
        "format_version": "0.2",
        "planned_values": { "root_module": {
            "resources": root,
            "child_modules": [{ "address": "module.data", "child_modules": [{ "address": "module.data.module.store", "resources": nested }] }]
        } }
    })
    .to_string();
    let dir = scratch_dir("tf-planned");
    let file = write_file(&dir, "planned.json", &text);
    let (_, current) = import_and_price(&dir, "planned.yaml", &file);
    assert!(close(usd(&current["monthly_usd"]), 180.131, 1e-9), "{current}");
}

#[test]
fn an_autoscaling_group_takes_its_launch_template_and_cpu_target() {
    // The launch template's id and name are known only after apply: the
    // configuration section says which template the group uses, and which
    // group the target-tracking policy (50% CPU) scales.
    let text = json!({
        "format_version": "1.2",
        "resource_changes": [
            change("module.app.aws_launch_template.app", "aws_launch_template", &["create"], json!({ "image_id": "ami-1", "instance_type": "t3.small" })),
            change("module.app.aws_autoscaling_group.app", "aws_autoscaling_group", &["create"], json!({ "min_size": 2, "max_size": 6, "desired_capacity": 3, "launch_template": [{ "version": "$Latest" }] })),
            change("module.app.aws_autoscaling_policy.cpu", "aws_autoscaling_policy", &["create"], json!({
                "policy_type": "TargetTrackingScaling",
                "target_tracking_configuration": [{ "predefined_metric_specification": [{ "predefined_metric_type": "ASGAverageCPUUtilization" }], "target_value": 50.0 }]
            })),
            change("aws_launch_configuration.jobs", "aws_launch_configuration", &["no-op"], json!({ "name": "jobs-lc", "instance_type": "t3.micro" })),
            change("aws_autoscaling_group.jobs", "aws_autoscaling_group", &["no-op"], json!({ "min_size": 1, "max_size": 1, "launch_configuration": "jobs-lc" })),
        ],
        "configuration": { "root_module": {
            "resources": [{ "address": "aws_autoscaling_group.jobs", "type": "aws_autoscaling_group", "name": "jobs", "expressions": { "launch_configuration": { "constant_value": "jobs-lc" } } }],
            "module_calls": { "app": { "source": "./app", "module": { "resources": [
                { "address": "aws_autoscaling_group.app", "type": "aws_autoscaling_group", "name": "app", "expressions": {
                    "launch_template": [{ "id": { "references": ["aws_launch_template.app.id", "aws_launch_template.app"] } }] } },
                { "address": "aws_autoscaling_policy.cpu", "type": "aws_autoscaling_policy", "name": "cpu", "expressions": {
                    "autoscaling_group_name": { "references": ["aws_autoscaling_group.app.name", "aws_autoscaling_group.app"] } } }
            ] } } }
        } }
    })
    .to_string();
    let dir = scratch_dir("tf-asg");
    let file = write_file(&dir, "asg.json", &text);
    let (scenario, current) = import_and_price(&dir, "asg.yaml", &file);
    for said in [
        "    autoscale: { min: 2, max: 6, target_utilization: 0.5 }\n",
        "\"app.app\": { tier: aws/ec2/t3.small, min: 2, max: 6 }",
        "\"jobs\": { tier: aws/ec2/t3.micro, count: 1 }",
        "instance type from module.app.aws_launch_template.app",
        "CPU target 50% from module.app.aws_autoscaling_policy.cpu",
        "desired_capacity 3 in the plan",
        "min_size = max_size = 1: a fixed count",
    ] {
        assert!(scenario.contains(said), "{said}\n{scenario}");
    }
    assert!(!scenario.contains("not imported: aws_launch"), "{scenario}");
    // At the default load the group runs its floor of 2 t3.small ($0.0208/h)
    // behind the rule's ALB; the fixed group 1 t3.micro ($0.0104/h) with
    // its public IPv4 ($3.65) and 8 GB root volume ($0.64).
    assert_eq!(current["holds"], true, "{current}");
    let app = component(&current, "app.app");
    assert_eq!((app["min"].as_u64(), app["max"].as_u64()), (Some(2), Some(6)));
    let jobs = component(&current, "jobs");
    assert!(
        close(usd(&jobs["monthly_usd"]), 0.0104 * 730.0 + 0.005 * 730.0 + 8.0 * 0.08, 1e-9),
        "{jobs}"
    );
}

#[test]
fn datastores_the_catalog_prices_and_those_it_does_not() {
    // A Valkey group of 3 nodes: a primary and one standby priced, the third
    // listed; MySQL and Memcached listed as unpriced; Aurora PostgreSQL
    // Serverless v2 as the database, its unpublished limits accepted.
    let text = plan(vec![
        change(
            "aws_instance.api",
            "aws_instance",
            &["no-op"],
            json!({ "instance_type": "t4g.micro" }),
        ),
        change(
            "aws_elasticache_replication_group.kv",
            "aws_elasticache_replication_group",
            &["no-op"],
            json!({ "engine": "valkey", "node_type": "cache.t4g.small", "num_cache_clusters": 3 }),
        ),
        change(
            "aws_elasticache_cluster.memo",
            "aws_elasticache_cluster",
            &["no-op"],
            json!({ "engine": "memcached", "node_type": "cache.t4g.small", "num_cache_nodes": 2 }),
        ),
        change(
            "aws_db_instance.legacy",
            "aws_db_instance",
            &["no-op"],
            json!({ "engine": "mysql", "instance_class": "db.t3.micro", "allocated_storage": 20 }),
        ),
        change(
            "aws_rds_cluster.main",
            "aws_rds_cluster",
            &["no-op"],
            json!({ "cluster_identifier": "main", "engine": "aurora-postgresql", "engine_mode": "provisioned", "serverlessv2_scaling_configuration": [{ "min_capacity": 0.5, "max_capacity": 8 }] }),
        ),
        change(
            "aws_rds_cluster_instance.writer",
            "aws_rds_cluster_instance",
            &["no-op"],
            json!({ "cluster_identifier": "main", "instance_class": "db.serverless" }),
        ),
        change(
            "aws_rds_cluster_instance.reader",
            "aws_rds_cluster_instance",
            &["no-op"],
            json!({ "cluster_identifier": "main", "instance_class": "db.serverless" }),
        ),
    ]);
    let dir = scratch_dir("tf-data");
    let file = write_file(&dir, "data.json", &text);
    let (scenario, current) = import_and_price(&dir, "data.yaml", &file);
    for said in [
        "\"cache\": { tier: aws/elasticache-valkey/cache.t4g.small, count: 2 }",
        "\"database\": { tier: aws/aurora-postgres-serverless-v2/standard, count: 1 }",
        "    accept_unverified_limits: [max_storage, ops, connections]\n",
        "# not imported: 1 further node(s) of cache.t4g.small in aws_elasticache_replication_group.kv (3 nodes; the scenario prices 2)",
        "# not imported: aws_elasticache_cluster.memo (memcached): the catalog prices ElastiCache nodes for Redis OSS and Valkey only; unpriced",
        "# not imported: aws_db_instance.legacy (mysql db.t3.micro): the catalog prices RDS for PostgreSQL only; unpriced",
        "# not imported: 1 further db.serverless instance(s) of aws_rds_cluster.main",
        "serverlessv2_scaling_configuration 0.5–8 ACU: the catalog prices the ACUs the load needs, from 0.5 to 256\n",
    ] {
        assert!(scenario.contains(said), "{said}\n{scenario}");
    }
    assert!(!scenario.contains("aws_rds_cluster_instance ×"), "{scenario}");
    // Valkey cache.t4g.small at $0.0256/h, primary and standby.
    assert!(
        close(usd(&component(&current, "cache")["monthly_usd"]), 2.0 * 0.0256 * 730.0, 1e-9),
        "{current}"
    );
    // Aurora at the default load: the tier's 0.5 ACU × $0.12 = $0.06/h
    // (the load needs no more); 5,000 users × 1 MB = 4.8828 GB stored at
    // $0.10 and its backup at $0.021; I/O, 5 req/s × 2 database operations
    // all month = 26.28 M at $0.20 per million.
    let stored = 5000.0 / 1024.0;
    let aurora = 0.06 * 730.0 + stored * 0.10 + stored * 0.021 + 10.0 * 3600.0 * 730.0 / 1e6 * 0.20;
    assert!(close(usd(&component(&current, "database")["monthly_usd"]), aurora, 1e-9), "{current}");
}

#[test]
fn bad_plans_are_refused_located() {
    let dir = scratch_dir("tf-bad");
    // An instance type the catalog does not sell: where, and what it sells.
    let text = plan(vec![
        change("aws_s3_bucket.assets", "aws_s3_bucket", &["create"], json!({})),
        change(
            "aws_instance.web",
            "aws_instance",
            &["create"],
            json!({ "instance_type": "t2.micro" }),
        ),
    ]);
    let file = write_file(&dir, "type.json", &text);
    let (code, stdout, stderr) = run(&["import", &file]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("type.json: resource_changes[1].change.after.instance_type (aws_instance.web): unknown plan 't2.micro' for aws/ec2"),
        "{stderr}"
    );
    assert!(stderr.contains("expected one of t3.nano, t3.micro, t3.small"), "{stderr}");
    // Broken JSON: line and column.
    let file = write_file(
        &dir,
        "broken.json",
        "{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [\n    {,\n",
    );
    let (code, _, stderr) = run(&["import", &file]);
    assert_eq!(code, 2);
    assert!(stderr.contains("broken.json:4:6: not JSON:"), "{stderr}");
    // Nothing capplan prices: said, with what was found.
    let text = plan(vec![
        change("aws_s3_bucket.assets", "aws_s3_bucket", &["create"], json!({})),
        change("aws_s3_bucket.logs", "aws_s3_bucket", &["no-op"], json!({})),
        change("aws_instance.gone", "aws_instance", &["delete"], json!(null)),
        change(
            "aws_db_instance.shop",
            "aws_db_instance",
            &["no-op"],
            json!({ "engine": "mariadb", "instance_class": "db.t3.micro" }),
        ),
    ]);
    let file = write_file(&dir, "none.json", &text);
    let (code, _, stderr) = run(&["import", &file, "--format", "terraform"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("none.json: no resource capplan prices (aws_instance"), "{stderr}");
    assert!(
        stderr.contains("found aws_db_instance.shop (mariadb db.t3.micro): the catalog prices RDS for PostgreSQL only; unpriced, aws_s3_bucket × 2 (not modelled)"),
        "{stderr}"
    );
    // A value of the wrong kind, and neither resource_changes nor
    // planned_values.
    let text = plan(vec![change(
        "aws_autoscaling_group.web",
        "aws_autoscaling_group",
        &["create"],
        json!({ "min_size": "two", "max_size": 4 }),
    )]);
    let file = write_file(&dir, "asg.json", &text);
    let (_, _, stderr) = run(&["import", &file]);
    assert!(
        stderr.contains("resource_changes[0].change.after.min_size (aws_autoscaling_group.web): expected a whole number from 0 to 10000, found \"two\""),
        "{stderr}"
    );
    let file = write_file(&dir, "state.json", "{\"format_version\": \"1.0\"}");
    let (_, _, stderr) = run(&["import", &file, "--format", "terraform"]);
    assert!(stderr.contains("expected resource_changes or planned_values"), "{stderr}");
}

#[test]
fn one_resource_block_of_two_instance_types_is_two_components() {
    // `instance_type = var.types[count.index]`: web[0] and web[2] t3.small,
    // web[1] t3.medium; and an instance named like the database.
    let text = plan(vec![
        change(
            "aws_instance.web[0]",
            "aws_instance",
            &["no-op"],
            json!({ "instance_type": "t3.small" }),
        ),
        change(
            "aws_instance.web[1]",
            "aws_instance",
            &["no-op"],
            json!({ "instance_type": "t3.medium" }),
        ),
        change(
            "aws_instance.web[2]",
            "aws_instance",
            &["no-op"],
            json!({ "instance_type": "t3.small" }),
        ),
        change(
            "aws_instance.database",
            "aws_instance",
            &["no-op"],
            json!({ "instance_type": "t3.micro" }),
        ),
        change(
            "aws_db_instance.main",
            "aws_db_instance",
            &["no-op"],
            json!({ "engine": "postgres", "instance_class": "db.t4g.micro", "allocated_storage": 5 }),
        ),
    ]);
    let dir = scratch_dir("tf-types");
    let file = write_file(&dir, "types.json", &text);
    let (scenario, current) = import_and_price(&dir, "types.yaml", &file);
    for said in [
        "\"web-t3.small\": { tier: aws/ec2/t3.small, count: 2 }",
        "\"web-t3.medium\": { tier: aws/ec2/t3.medium, count: 1 }",
        "\"database\": { tier: aws/ec2/t3.micro, count: 1 }",
        "\"database-2\": { tier: aws/rds-postgres/db.t4g.micro, count: 1, storage_gb: 20 }",
        "allocated_storage 5 GB is below the 20 GB the catalog sells (gp2/gp3): priced at 20 GB",
    ] {
        assert!(scenario.contains(said), "{said}\n{scenario}");
    }
    assert_eq!(current["holds"], true, "{current}");
    // rds-postgres db.t4g.micro at $0.016/h and 20 GB of rds-storage at
    // $0.115, billed whatever is stored (4.9 GB, its backup within the
    // free 100%).
    let db = component(&current, "database-2");
    assert!(close(usd(&db["monthly_usd"]), 0.016 * 730.0 + 20.0 * 0.115, 1e-9), "{db}");
}

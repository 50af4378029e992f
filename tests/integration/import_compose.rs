//! `capplan import` on real docker-compose files
//! (`tests/fixtures/import/compose/`, provenance in
//! tests/fixtures/import/PROVENANCE.md): each service on the cheapest tier
//! of the `--platform` that fits its limits, priced by `recommend`; and
//! the errors, located (issue 29, part 3, docker-compose).

use crate::common::{close, run, run_json, scratch_dir, write_file};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/import/compose/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Imports `file` onto `platform` and returns the scenario's path and text.
fn imported(file: &str, platform: &str) -> (String, String) {
    // Named by the file's folder and name, so that tests running at once
    // do not share a folder.
    let tail: Vec<&str> = file.rsplit('/').take(2).collect();
    let dir = scratch_dir(&format!("compose-{}-{}", tail.join("-"), platform.replace('/', "-")));
    let out = dir.join("scenario.yaml").to_string_lossy().into_owned();
    let (code, stdout, stderr) = run(&["import", file, "--platform", platform, "--out", &out]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("wrote"), "{stdout}");
    let text = std::fs::read_to_string(&out).expect("the scenario is written");
    (out, text)
}

/// `recommend`'s current mix: its monthly cost and each component's
/// (name, tier, count).
fn current(scenario: &str) -> (f64, Vec<(String, String, u64)>) {
    let report = run_json(&["recommend", "--scenario", scenario, "--format", "json"], 0);
    let current = &report["current"];
    let components = current["components"]
        .as_array()
        .unwrap_or_else(|| panic!("no current components: {current}"))
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_string(),
                c["tier"].as_str().unwrap_or_default().to_string(),
                c["count"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let usd = current["monthly_usd"]
        .as_f64()
        .unwrap_or_else(|| panic!("current is not priced: {current}"));
    (usd, components)
}

fn mix(rows: &[(&str, &str, u64)]) -> Vec<(String, String, u64)> {
    rows.iter().map(|(n, t, c)| (n.to_string(), t.to_string(), *c)).collect()
}

#[test]
fn swarmpit_maps_to_the_cheapest_tier_that_fits_by_hand() {
    // swarmpit's limits (cpus, memory): app '0.50' 1024M with ports (web),
    // db (couchdb: no managed CouchDB) '0.30' 256M, influxdb '0.60' 512M,
    // agent '0.10' 64M with mode: global (counted 1). tiers/render.yaml:
    // web starter is 0.5 vCPU / 512 MB at $7, too little memory for app, so
    // standard (1 vCPU / 2048 MB, $25; 1c-2g is the same at $25, listed
    // later). The worker starter (0.5 / 512, $7) fits db and agent;
    // influxdb's 0.6 CPU is above it, so standard ($25).
    let (scenario, text) = imported(&fixture("swarmpit.docker-compose.yml"), "render");
    let (usd, components) = current(&scenario);
    assert_eq!(
        components,
        mix(&[
            ("app", "render/web/standard", 1),
            ("db", "render/worker/starter", 1),
            ("influxdb", "render/worker/standard", 1),
            ("agent", "render/worker/starter", 1),
        ])
    );
    assert!(close(usd, 25.0 + 7.0 + 25.0 + 7.0, 1e-9), "{usd}");
    assert!(text.contains("role: web\n    candidates: [render/web]"), "{text}");
    assert!(
        text.contains("# influxdb: needs 0.6 CPU and 512 MB: the cheapest render/worker tier with at least that is standard (1 vCPU, 2048 MB, $25.00/month)"),
        "{text}"
    );
    assert!(text.contains("# agent: deploy.mode global runs one per node: counted as 1"), "{text}");

    // tiers/digitalocean.yaml: Droplets undercut App Platform at every
    // size that fits (512 MB: $4 vs $5; 1 GB: $6 vs $10). app needs 1 GB:
    // s-1vcpu-1gb ($6); the others fit s-1vcpu-512mb-10gb ($4), whose one
    // shared vCPU covers 0.6 CPU.
    let (scenario, _) = imported(&fixture("swarmpit.docker-compose.yml"), "digitalocean");
    let (usd, components) = current(&scenario);
    assert_eq!(
        components,
        mix(&[
            ("app", "digitalocean/droplets/s-1vcpu-1gb", 1),
            ("db", "digitalocean/droplets/s-1vcpu-512mb-10gb", 1),
            ("influxdb", "digitalocean/droplets/s-1vcpu-512mb-10gb", 1),
            ("agent", "digitalocean/droplets/s-1vcpu-512mb-10gb", 1),
        ])
    );
    assert!(close(usd, 6.0 + 4.0 + 4.0 + 4.0, 1e-9), "{usd}");
}

#[test]
fn the_voting_app_prices_managed_datastores_and_replicas_by_hand() {
    // No resources anywhere: each service takes the cheapest tier sold
    // (free tiers are skipped). redis:alpine → render/key-value starter
    // ($10), postgres:15-alpine → render/postgres basic-256mb ($6) plus
    // its storage: 5,000 users × 1 MB × 1.5 headroom at $0.30/GB-month;
    // vote (ports, replicas 2) and result (ports) → web starter ($7);
    // worker (replicas 2) → worker starter ($7).
    let (scenario, text) = imported(&fixture("voting-app.docker-stack.yml"), "render");
    let (usd, components) = current(&scenario);
    assert_eq!(
        components,
        mix(&[
            ("redis", "render/key-value/starter", 1),
            ("db", "render/postgres/basic-256mb", 1),
            ("vote", "render/web/starter", 2),
            ("result", "render/web/starter", 1),
            ("worker", "render/worker/starter", 2),
        ])
    );
    let storage = 5000.0 * 1.0 * 1.5 / 1024.0 * 0.30;
    let by_hand = 10.0 + 6.0 + storage + 2.0 * 7.0 + 7.0 + 2.0 * 7.0;
    assert!(close(usd, by_hand, 1e-9), "{usd} vs {by_hand}");
    assert!(text.contains("role: database"), "{text}");
    assert!(text.contains("role: cache"), "{text}");

    // DigitalOcean sells Valkey, not Redis: the Redis image goes there.
    let (scenario, text) = imported(&fixture("voting-app.docker-stack.yml"), "digitalocean");
    let (_, components) = current(&scenario);
    assert_eq!(components[0].1, "digitalocean/valkey/1gb");
    assert_eq!(components[1].1, "digitalocean/postgres/db-s-1vcpu-1gb");
    assert!(text.contains("Redis and Valkey speak the same protocol"), "{text}");
}

#[test]
fn the_otel_demo_imports_on_fly_and_aws() {
    // 20 services, memory limits only, anchors (*logging) and ${VAR}
    // image names: every service is a component.
    let file = fixture("otel-demo.compose.yaml");
    let (scenario, text) = imported(&file, "fly");
    let (usd, components) = current(&scenario);
    assert_eq!(components.len(), 20, "{components:?}");
    let tier_of = |components: &[(String, String, u64)], name: &str| {
        components
            .iter()
            .find(|c| c.0 == name)
            .map(|c| c.1.clone())
            .unwrap_or_else(|| panic!("no {name}: {components:?}"))
    };
    // ${POSTGRES_IMAGE}: the managed fly/postgres, its cheapest tier (basic,
    // 1024 MB ≥ the 80M limit, $38). Fly sells no cache: valkey-cart (20M)
    // is a Machine, the cheapest being shared-cpu-1x-256mb ($2.02); ad's
    // 300M needs shared-cpu-1x-512mb ($3.32).
    assert_eq!(tier_of(&components, "astronomy-db"), "fly/postgres/basic");
    assert_eq!(tier_of(&components, "valkey-cart"), "fly/machines/shared-cpu-1x-256mb");
    assert_eq!(tier_of(&components, "ad"), "fly/machines/shared-cpu-1x-512mb");
    assert!(
        text.contains("# valkey-cart: a Valkey image on a compute instance: fly sells no managed Valkey in the catalog"),
        "{text}"
    );
    assert!(usd > 38.0, "{usd}");

    let (scenario, text) = imported(&file, "aws");
    let (usd, components) = current(&scenario);
    assert_eq!(components.len(), 20);
    assert!(tier_of(&components, "astronomy-db").starts_with("aws/rds-postgres/"));
    assert!(tier_of(&components, "valkey-cart").starts_with("aws/elasticache-valkey/"));
    assert!(usd > 0.0);
    // The cheapest EC2 types are Graviton: said, with the x86 alternative.
    assert!(
        text.contains("is a Graviton (arm64) type: the images must be built for arm64; the cheapest x86 one is"),
        "{text}"
    );
}

#[test]
fn swarmprom_is_sized_on_its_memory_limits_alone() {
    // Memory limits only: prometheus 2048M on render/worker → standard
    // (2048 MB, $25); the 128M services → starter ($7); unsee has no
    // resources → starter; caddy publishes ports → render/web starter.
    let (scenario, _) = imported(&fixture("swarmprom.docker-compose.yml"), "render");
    let (usd, components) = current(&scenario);
    let names: Vec<&str> = components.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "dockerd-exporter",
            "cadvisor",
            "grafana",
            "alertmanager",
            "unsee",
            "node-exporter",
            "prometheus",
            "caddy"
        ]
    );
    assert_eq!(components[6].1, "render/worker/standard");
    assert_eq!(components[7].1, "render/web/starter");
    assert!(close(usd, 7.0 * 7.0 + 25.0, 1e-9), "{usd}");
}

#[test]
fn reservations_and_the_older_keys_size_a_service_without_limits() {
    let dir = scratch_dir("compose-reservations");
    let file = write_file(
        &dir,
        "docker-compose.yml",
        "services:
  reserved:
    image: myorg/job
    deploy:
      resources:
        reservations: { cpus: '0.6', memory: 256M }
  legacy:
    image: myorg/job
    cpus: 0.5
    mem_limit: 300m
    mem_reservation: 1g
",
    );
    // reserved: 0.6 CPU is above the worker starter's 0.5 → standard ($25).
    // legacy: cpus 0.5 and mem_limit 300m (the limit, not the 1g
    // reservation) fit starter (0.5 vCPU, 512 MB, $7).
    let (scenario, text) = imported(&file, "render");
    let (usd, components) = current(&scenario);
    assert_eq!(
        components,
        mix(&[("reserved", "render/worker/standard", 1), ("legacy", "render/worker/starter", 1),])
    );
    assert!(close(usd, 25.0 + 7.0, 1e-9), "{usd}");
    assert!(
        text.contains("# reserved: no CPU limit: sized on the reservation (0.6 CPU)"),
        "{text}"
    );
    assert!(
        text.contains("# reserved: no memory limit: sized on the reservation (256 MB)"),
        "{text}"
    );
    assert!(!text.contains("# legacy: no memory limit"), "{text}");
}

#[test]
fn a_platform_is_needed_and_must_run_containers() {
    let file = fixture("swarmpit.docker-compose.yml");
    let (code, stdout, stderr) = run(&["import", &file]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("one of aws, azure, digitalocean, fly, gcp, heroku, railway, render"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("capplan import {file} --platform render")), "{stderr}");

    let (code, _, stderr) = run(&["import", &file, "--platform", "nope"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--platform nope: unknown platform 'nope': expected one of aws, azure"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["import", &file, "--platform", "vercel"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not container images"), "{stderr}");
    let (code, _, stderr) = run(&["import", &file, "--platform", "render/postgres"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("expected render/web, render/worker"), "{stderr}");

    // One offering: every container on App Platform, not Droplets.
    let (scenario, _) = imported(&file, "digitalocean/app-platform");
    let (usd, components) = current(&scenario);
    assert!(components.iter().all(|c| c.1.starts_with("digitalocean/app-platform/")));
    // app 1 GB: apps-s-1vcpu-1gb-fixed ($10); the rest apps-s-1vcpu-0.5gb ($5).
    assert!(close(usd, 10.0 + 3.0 * 5.0, 1e-9), "{usd} {components:?}");
}

#[test]
fn environment_placeholders_in_sizes_are_located_or_their_defaults_said() {
    // Every sizing value of the template is ${VAR} with no default: one
    // error naming each, located, and nothing written.
    let dir = scratch_dir("compose-env");
    let out = dir.join("out.yaml");
    let out_arg = out.to_string_lossy().into_owned();
    let file = fixture("osl-runner.docker-compose.yaml.tpl");
    let (code, stdout, stderr) =
        run(&["import", &file, "--format", "compose", "--platform", "render", "--out", &out_arg]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    for line in [
        ":16:17: services.runner.deploy.replicas: expected a whole number of replicas from 0 to 1000, found '${DOCKER_REPLICAS}'",
        ":19:17: services.runner.deploy.resources.limits.cpus:",
        ":20:19: services.runner.deploy.resources.limits.memory:",
        ":22:17: services.runner.deploy.resources.reservations.cpus:",
        ":23:19: services.runner.deploy.resources.reservations.memory:",
    ] {
        assert!(stderr.contains(&format!("{file}{line}")), "{line}\n{stderr}");
    }
    assert!(stderr.contains("${DOCKER_REPLICAS:-VALUE}"), "{stderr}");
    assert!(stderr.contains("docker compose config"), "{stderr}");
    assert!(!out.exists());

    // With defaults, the defaults are used and said.
    let compose = write_file(
        &dir,
        "docker-compose.yml",
        "services:\n  api:\n    image: myorg/api\n    ports: [\"80:80\"]\n    deploy:\n      replicas: ${API_REPLICAS:-3}\n      resources:\n        limits:\n          cpus: ${API_CPUS:-1}\n          memory: ${API_MEMORY:-1536M}\n",
    );
    let (scenario, text) = imported(&compose, "render");
    let (usd, components) = current(&scenario);
    // 1 CPU and 1536 MB: render/web standard (1 vCPU, 2048 MB, $25) × 3.
    assert_eq!(components, mix(&[("api", "render/web/standard", 3)]));
    assert!(close(usd, 3.0 * 25.0, 1e-9), "{usd}");
    assert!(
        text.contains(
            "# api: deploy.replicas is '${API_REPLICAS:-3}' in the file: the default, 3, is used"
        ),
        "{text}"
    );
    assert!(text.contains("the default, 1536M, is used"), "{text}");
}

#[test]
fn malformed_sizes_and_yaml_are_located() {
    let dir = scratch_dir("compose-bad");
    let service =
        |deploy: &str| format!("services:\n  web:\n    image: myorg/web\n    deploy:\n{deploy}");
    for (name, deploy, expected) in [
        (
            "memory.compose.yml",
            "      resources:\n        limits:\n          memory: lots\n",
            ":7:19: services.web.deploy.resources.limits.memory: expected a size such as 512M or 1G, found 'lots'",
        ),
        (
            "bytes.compose.yml",
            "      resources:\n        limits:\n          memory: 512\n",
            ":7:19: services.web.deploy.resources.limits.memory: expected a size such as 512M or 1G, found 512 (a number without a unit is bytes",
        ),
        (
            "cpus.compose.yml",
            "      resources:\n        limits:\n          cpus: half\n",
            ":7:17: services.web.deploy.resources.limits.cpus: expected a number of CPUs such as '0.5' or 2, found 'half'",
        ),
        (
            "replicas.compose.yml",
            "      replicas: 2.5\n",
            ":5:17: services.web.deploy.replicas: expected a whole number of replicas from 0 to 1000, found 2.5",
        ),
        (
            "many.compose.yml",
            "      replicas: 200\n",
            ":5:17: services.web.deploy.replicas: 200 replicas: render/worker runs at most 100 instances",
        ),
        (
            "huge.compose.yml",
            "      resources:\n        limits: { cpus: '64', memory: 512G }\n",
            ":2:3: services.web: needs 64 CPU and 524288 MB: no render/worker tier is that large (the largest: pro-ultra (8 vCPU, 32768 MB, $450.00/month))",
        ),
        (
            "gpu.compose.yml",
            "      resources:\n        reservations:\n          devices:\n            - capabilities: [gpu]\n",
            ":8:13: services.web.deploy.resources.reservations.devices: a GPU reservation: GPU containers are not in the catalog",
        ),
    ] {
        let file = write_file(&dir, name, &service(deploy));
        let (code, stdout, stderr) = run(&["import", &file, "--platform", "render"]);
        assert_eq!(code, 2, "{name}: {stdout}{stderr}");
        assert!(stderr.contains(&format!("{file}{expected}")), "{name}: {stderr}");
    }
    let broken = write_file(&dir, "compose.yaml", "services:\n  web:\n    image: [x\n");
    let (code, _, stderr) = run(&["import", &broken, "--platform", "render"]);
    assert_eq!(code, 2);
    assert!(stderr.contains(&format!("{broken}:4:1: not YAML")), "{stderr}");
    let none = write_file(&dir, "stack.yml", "version: \"3\"\n");
    let (code, _, stderr) = run(&["import", &none, "--format", "compose", "--platform", "fly"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("expected a top-level services mapping"), "{stderr}");
}

#[test]
fn profiles_jobs_and_extra_datastores_are_said() {
    let dir = scratch_dir("compose-skips");
    let file = write_file(
        &dir,
        "docker-compose.yml",
        "services:
  api:
    image: myorg/api
    ports: ['8000:8000']
    depends_on:
      migrate: { condition: service_completed_successfully }
  migrate:
    image: myorg/api
    command: migrate
  debug:
    image: busybox
    profiles: [debug]
  off:
    image: busybox
    deploy: { replicas: 0 }
  pg:
    image: postgres:16
    deploy: { resources: { limits: { memory: 2G } } }
  analytics:
    image: postgres:16
  exporter:
    image: prometheuscommunity/postgres-exporter
  mongo:
    image: mongo:7
",
    );
    let (scenario, text) = imported(&file, "render");
    let (_, components) = current(&scenario);
    assert_eq!(
        components,
        mix(&[
            ("api", "render/web/starter", 1),
            // 2 GB: the cheapest render/postgres tier with at least that
            // memory is 1c-4g (4096 MB, $55; basic-4gb is $75).
            ("pg", "render/postgres/1c-4g", 1),
            ("analytics", "render/worker/starter", 1),
            ("exporter", "render/worker/starter", 1),
            ("mongo", "render/worker/starter", 1),
        ])
    );
    for said in [
        "# not imported: migrate (a one-off job: api waits for it to complete)",
        "# not imported: debug (profiles 'debug': started only with --profile)",
        "# not imported: off (0 replicas)",
        "# analytics: a PostgreSQL image on a compute instance: a scenario has one database component, and pg is it",
        "# mongo: a MongoDB image on a compute instance: render sells no managed MongoDB in the catalog (sold by atlas/cluster",
    ] {
        assert!(text.contains(said), "{said}\n{text}");
    }
}

//! Queueing-engine benchmarks. Targets (issue 2): a 1,000-server sizing under
//! 50 µs; the 10,000-line batch is also measured as a whole process (README).

use capplan::queueing::{Slo, Station, erlang_c, size};
use capplan::report::queue::solve_batch_line;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn erlang(c: &mut Criterion) {
    for servers in [10u64, 1_000, 100_000] {
        let load = servers as f64 * 0.9;
        c.bench_function(&format!("erlang_c/c={servers}"), |b| {
            b.iter(|| erlang_c(black_box(load), black_box(servers)))
        });
    }
}

fn shared_cpu(c: &mut Criterion) {
    // gunicorn's 4 sync workers on 1.28 vCPUs, 45 ms CPU + 30 ms I/O: the
    // inner network once per tier, then a p95 per probed count.
    c.bench_function("shared_cpu/build_4_workers", |b| {
        b.iter(|| capplan::queueing::SharedCpu::new(4, 1.28, 0.045, 0.03, 1.0).unwrap())
    });
    let shared = capplan::queueing::SharedCpu::new(16, 2.0, 0.02, 0.02, 1.0).unwrap();
    c.bench_function("shared_cpu/p95_16_workers_at_85pct", |b| {
        b.iter(|| shared.at_rate(0.85 * shared.max_throughput()).unwrap().response_percentile(0.95))
    });
    // Half a vCPU as a CFS quota (100 ms period), 4 sync workers, 11 ms CPU
    // + 20 ms I/O: the real-server configuration at 85% of its budget.
    let quota = capplan::queueing::SharedCpu::new(4, 0.5, 0.011, 0.02, 0.1)
        .and_then(|s| s.with_quota(capplan::queueing::DEFAULT_PERIOD_S))
        .unwrap();
    c.bench_function("shared_cpu/p95_quota_half_vcpu_at_85pct", |b| {
        b.iter(|| quota.at_rate(black_box(0.85 * 0.5 / 0.011)).unwrap().response_percentile(0.95))
    });
}

fn sizing(c: &mut Criterion) {
    // ≈ 950 Erlangs: the answer is about 1,000 servers.
    let station = Station::new(19_000.0, 0.05, 1.0).unwrap();
    let slos = [Slo::parse("p95 response <= 160ms").unwrap()];
    c.bench_function("size/1000_servers", |b| {
        b.iter(|| size(black_box(&station), black_box(&slos)))
    });
}

/// The problems of the whole-process batch measurement, generated the same way.
pub fn batch_lines(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let rate = 10.0 + (i % 997) as f64 * 3.7;
            let service = 0.01 + (i % 13) as f64 * 0.01;
            format!(
                r#"{{"arrival_rate": {rate}, "service_time_s": {service}, "slo": ["p95 response <= {}ms", "utilization <= 0.8"]}}"#,
                (service * 4000.0).round()
            )
        })
        .collect()
}

fn batch(c: &mut Criterion) {
    let lines = batch_lines(10_000);
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("10000_sizing_lines", |b| {
        b.iter(|| {
            for line in &lines {
                black_box(solve_batch_line(line).ok());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, erlang, shared_cpu, sizing, batch);

fn planning(c: &mut Criterion) {
    let catalog = capplan::catalog::load().unwrap();
    let file = capplan::scenario::load_scenario(None).unwrap();
    let planner = capplan::planner::Planner::new(&file.scenario, &catalog);
    c.bench_function("plan/default_5000_users", |b| b.iter(|| planner.plan(black_box(5000.0))));
    c.bench_function("recommend/default_5000_users", |b| {
        b.iter(|| {
            capplan::report::recommend::recommend(
                &file.scenario,
                &catalog,
                black_box(5000.0),
                Default::default(),
            )
        })
    });
    c.bench_function("catalog/load_embedded", |b| b.iter(capplan::catalog::load));
    // Every shipped stack at three user counts, with how far each goes
    // (issue 14's target: 10 stacks × 3 counts under 50 ms).
    let stacks = capplan::scenario::stacks::parse_stacks(
        capplan::scenario::stacks::SHIPPED_STACKS,
        "stacks",
    )
    .unwrap();
    c.bench_function("compare/all_stacks_3_counts", |b| {
        b.iter(|| {
            capplan::report::compare::compare(
                &file.scenario,
                &catalog,
                &stacks,
                black_box(&[5000.0, 50_000.0, 500_000.0]),
            )
        })
    });
    // The structure pass before the YAML parser is linear in the line
    // length (it was quadratic: 2.8 s for a 300 KB line).
    let long_line = file.text.replace(
        "name: Interview Prep API (default)",
        &format!("name: \"{}\"", "x".repeat(1_000_000)),
    );
    c.bench_function("scenario/parse_with_a_1mb_line", |b| {
        b.iter(|| capplan::scenario::parse_scenario("long.yaml", black_box(&long_line)))
    });
    // The seed scenarios: autoscaling (hour-by-hour counts) and the
    // serverless break-even search are the expensive extras.
    for (name, users, path) in [
        ("mercenary", 250_000.0, "scenarios/mercenary.yaml"),
        ("smriti", 5000.0, "scenarios/smriti.yaml"),
        // Lambda until Render instances undercut it in a narrow band: the
        // next-change search plans at every instance breakpoint.
        ("lambda_or_render", 1000.0, "tests/fixtures/lambda-or-render.yaml"),
        // Three request classes (CRUD, search, an 8 s streamed reply) on a
        // 168-hour profile (issue 31 part 3: the whole process under 5 ms).
        ("three_classes_week", 5000.0, "tests/fixtures/request-classes-week.yaml"),
    ] {
        let file = capplan::scenario::load_scenario(Some(std::path::Path::new(path))).unwrap();
        let planner = capplan::planner::Planner::new(&file.scenario, &catalog);
        c.bench_function(&format!("plan/{name}"), |b| b.iter(|| planner.plan(black_box(users))));
        c.bench_function(&format!("recommend/{name}"), |b| {
            b.iter(|| {
                capplan::report::recommend::recommend(
                    &file.scenario,
                    &catalog,
                    black_box(users),
                    Default::default(),
                )
            })
        });
    }
}

/// `recommend` on the Heroku mix with and without its `current:` block
/// (issue 29's target: with it, under 2× the plain recommend).
fn current_mix(c: &mut Criterion) {
    let catalog = capplan::catalog::load().unwrap();
    let path = std::path::Path::new("tests/fixtures/machine/heroku-current.yaml");
    let with = capplan::scenario::load_scenario(Some(path)).unwrap().scenario;
    let mut without = with.clone();
    without.current = None;
    for (name, scenario) in [("heroku_with_current", &with), ("heroku_plain", &without)] {
        c.bench_function(&format!("recommend/{name}"), |b| {
            b.iter(|| {
                capplan::report::recommend::recommend(
                    scenario,
                    &catalog,
                    black_box(2000.0),
                    Default::default(),
                )
            })
        });
    }
}

/// The default scenario with its API and worker copied into `services`
/// separate services (half web, half workers), each with its own database
/// and cache pools, all sharing one database and one cache whose
/// connection limits bind (Atlas M50 and Redis Cloud 5 GB, sized by
/// connections).
fn microservices(
    base: &capplan::scenario::Scenario,
    services: usize,
) -> capplan::scenario::Scenario {
    let mut scenario = base.clone();
    let api = scenario.component("api").unwrap().clone();
    let worker = scenario.component("worker").unwrap().clone();
    scenario.components.retain(|c| !c.role.is_compute());
    for i in 0..services {
        let mut copy = if i % 2 == 0 { api.clone() } else { worker.clone() };
        copy.name = format!("{}-{i}", copy.name);
        // Pools large enough that the database and cache are sized by
        // their connection limits at 20,000 users.
        copy.db_pool_per_instance = Some(100.0);
        copy.cache_connections_per_instance = Some(25.0);
        scenario.components.insert(i, copy);
    }
    scenario.usage.retain(|u| u.served_by.is_none());
    scenario
}

/// Targets (issue 12): 48 services planned under 50 ms, 10 under 1 ms.
fn joint_search(c: &mut Criterion) {
    let catalog = capplan::catalog::load().unwrap();
    let file = capplan::scenario::load_scenario(None).unwrap();
    for services in [10, 24, 48] {
        let scenario = microservices(&file.scenario, services);
        let planner = capplan::planner::Planner::new(&scenario, &catalog);
        assert!(planner.plan(20_000.0).is_ok());
        c.bench_function(&format!("plan/{services}_services_20000_users"), |b| {
            b.iter(|| planner.plan(black_box(20_000.0)))
        });
    }
}

criterion_group!(planning_benches, planning, joint_search, current_mix);
/// Calibration of a million samples (issue 13: under 1 s, bounded memory):
/// a Prometheus request-counter matrix and a Locust history, written once.
fn calibration(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("capplan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let prom = dir.join("prom.json");
    let mut text = String::from(
        r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"http_requests_total"},"values":["#,
    );
    let mut total = 0.0;
    for i in 0..1_000_000u64 {
        total += 50.0 + (i % 3600) as f64 * 0.01;
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!("[{},\"{total}\"]", 1_700_000_000 + i));
    }
    text.push_str("]}]}}");
    std::fs::write(&prom, text).unwrap();
    let locust = dir.join("history.csv");
    let mut csv = String::from(
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size\n",
    );
    for i in 0..1_000_000u64 {
        let users = 1 + i / 100_000;
        csv.push_str(&format!(
            "{},{users},,Aggregated,40.0,0.0,31,45,55,68,97,130,170,180,200,200,200,{},0,31,42.0,2.0,260.0,2.0\n",
            1_700_000_000 + i,
            i * 40
        ));
    }
    std::fs::write(&locust, csv).unwrap();
    let setup = capplan::calibrate::Setup::default();
    let mut group = c.benchmark_group("calibrate");
    group.sample_size(10);
    for (name, path) in [("prometheus_1M", &prom), ("locust_history_1M", &locust)] {
        let inputs = vec![(path.clone(), None, None)];
        group.bench_function(name, |b| {
            b.iter(|| capplan::calibrate::calibrate(black_box(&inputs), &setup))
        });
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(calibration_benches, calibration);

/// The default scenario with intervals on five guessed fields (the ranges
/// of docs/uncertainty.md): 1,000 worlds of `recommend` (targets: under
/// 100 ms on every core) and a 200-point sweep with its bands (under 2 s).
fn uncertainty(c: &mut Criterion) {
    let mut text = capplan::scenario::DEFAULT_SCENARIO.1.to_string();
    for (old, new) in [
        (
            "  daily_active_ratio: 0.3\n",
            "  daily_active_ratio: { low: 0.2, mid: 0.3, high: 0.4 }\n",
        ),
        (
            "  peak_online_ratio: 0.1\n",
            "  peak_online_ratio: { low: 0.06, mid: 0.1, high: 0.15 }\n",
        ),
        ("  requests_per_online_user_per_min: 3\n", "  requests_per_online_user_per_min: [2, 6]\n"),
        ("    cpu_ms: 25\n", "    cpu_ms: { low: 15, mid: 25, high: 50 }\n"),
        ("  storage_mb_per_user: 1\n", "  storage_mb_per_user: { low: 0.5, mid: 1, high: 3 }\n"),
    ] {
        text = text.replacen(old, new, 1);
    }
    let file = capplan::scenario::parse_scenario("ranges.yaml", &text).unwrap();
    assert_eq!(file.uncertain.len(), 5);
    let catalog = capplan::catalog::load().unwrap();
    let mut group = c.benchmark_group("uncertainty");
    group.sample_size(10);
    group.bench_function("recommend_1000_worlds", |b| {
        b.iter(|| {
            capplan::uncertainty::analyse(
                &file.scenario,
                &catalog,
                &file.uncertain,
                black_box(5000.0),
                capplan::uncertainty::UncertaintyOptions {
                    samples: Some(1000),
                    ..Default::default()
                },
            )
        })
    });
    let worlds = capplan::uncertainty::Worlds {
        base: &file.scenario,
        inputs: &file.uncertain,
        seed: capplan::uncertainty::DEFAULT_SEED,
    };
    let users = capplan::report::sweep::user_points(100.0, 1e6, 200, true);
    group.bench_function("sweep_200_points", |b| {
        b.iter(|| {
            let mut report =
                capplan::report::sweep::sweep(&file.scenario, &catalog, black_box(&users));
            capplan::report::sweep::bands::add_bands(
                &mut report,
                &worlds,
                &catalog,
                capplan::report::sweep::bands::CURVE_SAMPLES,
            )
            .unwrap();
            report
        })
    });
    group.finish();
}

criterion_group!(uncertainty_benches, uncertainty);
/// A Terraform plan of about 1 MB (issue 29: `import` under 100 ms): the
/// tf014 fixture's resource changes repeated in modules `copy0`, `copy1`,
/// … (each copy 12 instances in 2 groups, 2 MySQL databases and their
/// groups and roles) beside its configuration section, as compact JSON
/// as `terraform show -json` writes it. Read alone, and read into the
/// validated scenario text the command writes.
fn import(c: &mut Criterion) {
    let fixture: serde_json::Value = serde_json::from_str(include_str!(
        "../tests/fixtures/import/terraform/infracost-tf014-modules.plan.json"
    ))
    .unwrap();
    let changes = fixture["resource_changes"].as_array().unwrap();
    let mut repeated = Vec::new();
    let mut text = String::new();
    for copy in 0.. {
        for change in changes {
            let mut change = change.clone();
            let module = match change["module_address"].as_str() {
                Some(m) => format!("module.copy{copy}.{m}"),
                None => format!("module.copy{copy}"),
            };
            let address = format!("module.copy{copy}.{}", change["address"].as_str().unwrap());
            change["module_address"] = module.into();
            change["address"] = address.into();
            repeated.push(change);
        }
        let mut plan = fixture.clone();
        plan["resource_changes"] = serde_json::Value::Array(repeated.clone());
        text = plan.to_string();
        if text.len() >= 1_000_000 {
            break;
        }
    }
    let catalog = capplan::catalog::load().unwrap();
    let options = capplan::import::ImportOptions::default();
    let read = || {
        capplan::import::import_file(
            capplan::import::Format::Terraform,
            "plan.json",
            black_box(&text),
            &catalog,
            &options,
        )
        .unwrap()
    };
    assert_eq!(read().components.len(), repeated.len() / changes.len() * 2);
    let mut group = c.benchmark_group("import");
    group.bench_function(format!("terraform_plan_{}_kb", text.len() / 1000), |b| b.iter(read));
    group.bench_function(format!("terraform_plan_{}_kb_to_scenario", text.len() / 1000), |b| {
        b.iter(|| {
            let scenario = capplan::import::scenario_text("plan.json", 5000.0, &read(), &catalog);
            let file = capplan::scenario::parse_scenario("imported.yaml", &scenario).unwrap();
            capplan::scenario::validate(&file, &catalog).unwrap()
        })
    });
    group.finish();
}

criterion_group!(import_benches, import);

/// A 300 MB AmazonEC2 offer CSV in the layout of the committed excerpt
/// (its metadata rows, header and first record as every row's template):
/// about 2,000 instance types of 90 rows each, three of which pass the
/// filters. Issue 30's target: a few seconds and under 100 MB of memory.
fn price_import(c: &mut Criterion) {
    use capplan::catalog::price_files::{self, ImportOptions, PriceFormat, csv::Records};
    use std::io::Write;
    let excerpt =
        std::fs::read_to_string("tests/fixtures/prices/aws-ec2-offer-excerpt.csv").unwrap();
    let mut records = Records::new(excerpt.as_bytes());
    for _ in 0..6 {
        assert!(records.next_record().unwrap());
    }
    let header: Vec<String> = records.cells().map(str::to_string).collect();
    assert!(records.next_record().unwrap());
    let template: Vec<String> = records.cells().map(str::to_string).collect();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let dir = std::env::temp_dir().join(format!("capplan-bench-offer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("AmazonEC2.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for line in excerpt.lines().take(6) {
        writeln!(file, "{line}").unwrap();
    }
    let (mut written, mut types) = (0usize, 0usize);
    while written < 300 << 20 {
        let instance = format!("gen{types}.xlarge");
        let price = 0.1 + types as f64 / 10_000.0;
        for variant in 0..90usize {
            let mut cells = template.clone();
            let (term, lease, purchase, usd) = match variant {
                0 => ("OnDemand", "", "", price),
                1 => ("Reserved", "1yr", "No Upfront", price * 0.6),
                2 => ("Reserved", "3yr", "No Upfront", price * 0.4),
                _ => ("OnDemand", "", "", price * 2.0),
            };
            for (name, value) in [
                ("SKU", format!("GEN{types:06}{variant:03}")),
                ("TermType", term.to_string()),
                ("PriceDescription", "generated".to_string()),
                ("Unit", "Hrs".to_string()),
                ("PricePerUnit", format!("{usd:.10}")),
                ("LeaseContractLength", lease.to_string()),
                ("PurchaseOption", purchase.to_string()),
                ("OfferingClass", "standard".to_string()),
                ("Operating System", if variant < 3 { "Linux" } else { "Windows" }.to_string()),
                ("Tenancy", "Shared".to_string()),
                ("Pre Installed S/W", "NA".to_string()),
                ("CapacityStatus", "Used".to_string()),
                ("Region Code", "us-east-1".to_string()),
                ("Instance Type", instance.clone()),
                ("vCPU", "4".to_string()),
                ("Memory", "16 GiB".to_string()),
            ] {
                cells[column(name)] = value;
            }
            let row: Vec<String> = cells.iter().map(|c| format!("\"{c}\"")).collect();
            let row = row.join(",") + "\n";
            written += row.len();
            file.write_all(row.as_bytes()).unwrap();
        }
        types += 1;
    }
    file.flush().unwrap();
    drop(file);
    let catalog = capplan::catalog::load().unwrap();
    let options = ImportOptions::default();
    let paths = vec![path.clone()];
    let mut group = c.benchmark_group("tiers_import");
    group.sample_size(10);
    group.measurement_time(std::time::Duration::from_secs(30));
    group.bench_function("aws_offer_csv_300mb", |b| {
        b.iter(|| {
            price_files::import(PriceFormat::AwsOffer, black_box(&paths), &catalog, &options)
                .unwrap()
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(price_file_benches, price_import);
criterion_main!(
    benches,
    planning_benches,
    calibration_benches,
    uncertainty_benches,
    import_benches,
    price_file_benches
);

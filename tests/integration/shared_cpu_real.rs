//! The shared-CPU model against a real server: the committed measurements
//! of gunicorn sync workers inside a CPU quota (`tests/fixtures/shared_cpu/`,
//! method and provenance in its README). Each configuration and load is the
//! median over its valid runs; the model is capplan's own
//! (`capplan::queueing::SharedCpu`), given what a user would give it: the
//! measured CPU per request, the 20 ms of held I/O, the vCPUs, and the
//! demand's cv (the light-load response cv for the fixed-demand runs, 1 for
//! the exponential ones).
//!
//! What this asserts is where the model stands, not yet issue 27's target
//! (p95 within 15% at every load up to 85%), which it misses in three
//! places, each a mechanism the model lacks:
//! - a CFS quota below one core is a budget per period (V × 100 ms), not a
//!   slower CPU: a request runs at full speed until the budget is spent, so
//!   the model's "rate V" is too slow (p95 +4% to +95%, never optimistic);
//! - with constant demand at 85% the workers fall into lock-step and the
//!   real capacity is W/(W·D/V + io), below X(W) (4 workers on 1 vCPU were
//!   overloaded at 70 req/s, which the model serves at 153 ms);
//! - at 85% p95 is steep in the load: a few percent of capacity is +20-30%.
//!
//! Asserted: (1) with whole cores (no throttling) up to 60% load, p95
//! within 15%; (2) under a fractional quota the model is never optimistic
//! by more than 5% (it plans more, not less); (3) the one overloaded point
//! is the known lock-step case and no other.

use capplan::queueing::SharedCpu;
use std::collections::BTreeMap;

const P95_TOLERANCE: f64 = 0.15;
/// Measured p95 beyond which a run was overloaded (its backlog grew for the
/// whole window): 30 × the 31 ms a lone request takes.
const OVERLOADED_P95_MS: f64 = 1000.0;

struct Run {
    fields: BTreeMap<String, String>,
}

impl Run {
    fn text(&self, name: &str) -> &str {
        self.fields
            .get(name)
            .unwrap_or_else(|| panic!("results.csv has no column {name}"))
    }

    fn num(&self, name: &str) -> f64 {
        let text = self.text(name);
        text.parse()
            .unwrap_or_else(|_| panic!("results.csv: {name} = {text:?} is not a number"))
    }
}

fn runs() -> Vec<Run> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/shared_cpu/results.csv"
    );
    let text = std::fs::read_to_string(path).expect("results.csv is committed");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), header.len(), "ragged row: {line}");
            Run {
                fields: header
                    .iter()
                    .zip(cells)
                    .map(|(h, c)| (h.to_string(), c.to_string()))
                    .collect(),
            }
        })
        .filter(|r| r.text("valid") == "1")
        .collect()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// One configuration at one load, over its valid runs.
struct Point {
    label: String,
    vcpu: f64,
    load: f64,
    measured_p95_ms: f64,
    predicted_p95_ms: Option<f64>,
}

/// The light-load cv of the fixed-demand calibrations at V = 1, by worker
/// count: no quota throttles there, so it is the demand's own variability
/// (a quota's calibration already holds the pauses the model adds).
fn unthrottled_cv(runs: &[Run]) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for r in runs {
        if r.text("demand") == "fixed" && r.num("vcpu") >= 1.0 {
            out.insert(r.text("workers").to_string(), r.num("alt_cv"));
        }
    }
    out
}

fn points() -> Vec<Point> {
    let all = runs();
    let cvs = unthrottled_cv(&all);
    let mut groups: BTreeMap<(String, String, String, String, String), Vec<Run>> = BTreeMap::new();
    for run in all {
        let key = (
            run.text("demand").to_string(),
            run.text("period_us").to_string(),
            run.text("workers").to_string(),
            run.text("vcpu").to_string(),
            run.text("load_fraction").to_string(),
        );
        groups.entry(key).or_default().push(run);
    }
    groups
        .into_values()
        .map(|runs| {
            let first = &runs[0];
            let workers = first.num("workers") as u32;
            let vcpu = first.num("vcpu");
            let period_s = first.num("period_us") / 1e6;
            // The CPU per request the server spent in the run itself.
            let cpu_s = median(runs.iter().map(|r| r.num("cpu_ms_run")).collect()) / 1e3;
            let io_s = first.num("io_ms") / 1e3;
            let rate = first.num("rate_rps");
            let cv = match first.text("demand") {
                "exp" => 1.0,
                _ => cvs[first.text("workers")],
            };
            let model = SharedCpu::with_phases(workers, vcpu, (cpu_s, cv), (io_s, cv))
                .and_then(|m| m.with_quota(period_s))
                .expect("valid parameters");
            // The share of the fluid model's X(W) the run was loaded at.
            let load = first.num("load_fraction");
            let predicted = model
                .at_rate(rate)
                .map(|q| q.response_percentile(0.95) * 1e3);
            Point {
                vcpu,
                label: format!(
                    "{} demand, period {} ms, W {workers}, V {vcpu}, {:.0} rps",
                    first.text("demand"),
                    period_s * 1e3,
                    rate
                ),
                load,
                measured_p95_ms: median(runs.iter().map(|r| r.num("measured_p95_ms")).collect()),
                predicted_p95_ms: predicted,
            }
        })
        .collect()
}

#[test]
fn the_model_against_a_real_gunicorn_under_a_cpu_quota() {
    let points = points();
    assert!(points.len() >= 25, "only {} points", points.len());
    let mut failures = Vec::new();
    let mut whole_core_checked = 0;
    println!("| point | load of model capacity | measured p95 ms | predicted p95 ms | error |");
    println!("|---|---|---|---|---|");
    for p in &points {
        let error = p.predicted_p95_ms.map(|v| v / p.measured_p95_ms - 1.0);
        println!(
            "| {} | {:.0}% | {:.1} | {} | {} |",
            p.label,
            p.load * 100.0,
            p.measured_p95_ms,
            p.predicted_p95_ms
                .map_or("past capacity".to_string(), |v| format!("{v:.1}")),
            error.map_or(String::new(), |e| format!("{:+.1}%", e * 100.0)),
        );
        let Some(error) = error else { continue };
        if p.measured_p95_ms > OVERLOADED_P95_MS {
            if !p
                .label
                .contains("fixed demand, period 100 ms, W 4, V 1, 70 rps")
            {
                failures.push(format!("{}: overloaded, the model serves it", p.label));
            }
            continue;
        }
        if p.vcpu >= 1.0 && p.load <= 0.6 + 1e-9 {
            whole_core_checked += 1;
            if error.abs() > P95_TOLERANCE {
                failures.push(format!("{}: {:+.1}% (whole cores)", p.label, error * 100.0));
            }
        }
        if p.vcpu < 1.0 && error < -0.05 {
            failures.push(format!(
                "{}: {:+.1}% (optimistic under a quota)",
                p.label,
                error * 100.0
            ));
        }
    }
    assert!(
        whole_core_checked >= 8,
        "only {whole_core_checked} whole-core points"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

//! The shared-CPU model against a real server: the committed measurements
//! of gunicorn sync workers inside a CPU quota (`tests/fixtures/shared_cpu/`,
//! method and provenance in its README). Each configuration and load is the
//! median over its valid runs; the model is capplan's own
//! (`capplan::queueing::SharedCpu`), given what a user would give it: the
//! measured CPU per request, the 20 ms of held I/O, the vCPUs, and the
//! demand's cv (the light-load response cv for the fixed-demand runs, 1 for
//! the exponential ones).
//!
//! A quota below one core is modelled as what it is, a CFS budget of
//! V × period per period (`queueing/quota.rs`): full speed until the budget
//! is spent, then a pause to the period's end; each point uses its own
//! period. The demand is the CPU per request the server spent in the run
//! (`cpu_ms_run`): at 85% load it is 2.5–3.5% below the 10% calibration
//! (batched accepts), and p95 there is steep in it. For a quota's fixed
//! demand the cv is the V = 1 calibration's: a calibration under a 10 ms
//! period already holds the pauses the model adds.
//!
//! Asserted: issue 27's target, predicted p95 within 15% of the measured
//! (median over runs) at every load up to 85%, for every point except the
//! ones in `KNOWN_MISSES`, each held at its measured bound and explained
//! there (the mechanism the model lacks, or the noise of two 60 s runs).

use capplan::queueing::SharedCpu;
use std::collections::BTreeMap;

const P95_TOLERANCE: f64 = 0.15;
/// Measured p95 beyond which a run was overloaded (its backlog grew for the
/// whole window): 30 × the 31 ms a lone request takes.
const OVERLOADED_P95_MS: f64 = 1000.0;

/// Points that miss the target after the quota model, as (label, lowest
/// and highest p95 error allowed): today's error with 3 points of slack,
/// so a change that makes one worse fails here.
const KNOWN_MISSES: &[(&str, f64, f64, &str)] = &[
    (
        "fixed demand, period 100 ms, W 4, V 1, 70 rps",
        -1.0,
        -0.95,
        "lock-step: constant demand on one core keeps the 4 workers in step, \
         the CPU idles through their common I/O, so the real capacity is \
         4/(4·11 ms + 20 ms) ≈ 62 rps < 70: the server was overloaded and \
         the model, a product-form network, serves it",
    ),
    (
        "exp demand, period 100 ms, W 4, V 1, 70 rps",
        0.145,
        0.205,
        "whole cores: the flow-equivalent server's exponential wait at 85% \
         (the same model the simulation test holds within 7%)",
    ),
    (
        "fixed demand, period 100 ms, W 8, V 0.5, 27 rps",
        -0.30,
        -0.24,
        "noise: the two runs measured 81 and 115 ms; a discrete-event \
         simulation of the quota gives 82 ms (quota/NOTES.md §5)",
    ),
    (
        "fixed demand, period 100 ms, W 8, V 0.5, 38 rps",
        -0.20,
        -0.135,
        "optimistic: after a pause the 8 workers' requests resume together \
         and, of near-equal size, finish together (lock-step again), which \
         the model's independent pause count does not have",
    ),
    (
        "fixed demand, period 10 ms, W 4, V 0.5, 27 rps",
        0.135,
        0.195,
        "pessimistic: a simulation of the quota mechanism is itself +7% to \
         +11% here, 3–4 points of it the 1 ms of runtime the kernel keeps \
         per CPU across periods (Linux ≥ 5.4), which the model ignores",
    ),
    (
        "fixed demand, period 10 ms, W 8, V 0.5, 37 rps",
        0.365,
        0.425,
        "the scheduler beats the mechanism: a processor-sharing simulation \
         of this quota gives 313 ms, a FIFO one 221 ms (measured 221): under \
         a 10 ms quota with 8 workers the kernel serves nearly in order",
    ),
    (
        "exp demand, period 10 ms, W 4, V 0.5, 39 rps",
        0.26,
        0.32,
        "pessimistic: a simulation of the quota mechanism gives 449–457 ms \
         (+13% to +15%); the model adds the pauses a long request meets and \
         the backlog behind them as independent, which counts some twice",
    ),
];

struct Run {
    fields: BTreeMap<String, String>,
}

impl Run {
    fn text(&self, name: &str) -> &str {
        self.fields.get(name).unwrap_or_else(|| panic!("results.csv has no column {name}"))
    }

    fn num(&self, name: &str) -> f64 {
        let text = self.text(name);
        text.parse().unwrap_or_else(|_| panic!("results.csv: {name} = {text:?} is not a number"))
    }
}

fn runs() -> Vec<Run> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/shared_cpu/results.csv");
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
    if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 }
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
            let predicted = model.at_rate(rate).map(|q| q.response_percentile(0.95) * 1e3);
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
    let (mut on_target, mut quota_on_target) = (0, 0);
    println!("| point | load of model capacity | measured p95 ms | predicted p95 ms | error |");
    println!("|---|---|---|---|---|");
    for p in &points {
        let error = p.predicted_p95_ms.map(|v| v / p.measured_p95_ms - 1.0);
        println!(
            "| {} | {:.0}% | {:.1} | {} | {} |",
            p.label,
            p.load * 100.0,
            p.measured_p95_ms,
            p.predicted_p95_ms.map_or("past capacity".to_string(), |v| format!("{v:.1}")),
            error.map_or(String::new(), |e| format!("{:+.1}%", e * 100.0)),
        );
        assert!(p.load <= 0.85 + 1e-9, "{}: load {}", p.label, p.load);
        let known = KNOWN_MISSES.iter().find(|m| p.label == m.0);
        let Some(error) = error else {
            failures.push(format!("{}: the model calls it past capacity", p.label));
            continue;
        };
        match known {
            Some(&(_, lo, hi, why)) => {
                if !(lo..=hi).contains(&error) {
                    failures.push(format!(
                        "{}: {:+.1}%, outside its known miss [{:+.1}%, {:+.1}%] ({why})",
                        p.label,
                        error * 100.0,
                        lo * 100.0,
                        hi * 100.0
                    ));
                }
                if p.measured_p95_ms > OVERLOADED_P95_MS && lo > -0.9 {
                    failures.push(format!("{}: overloaded, the model serves it", p.label));
                }
            }
            None if error.abs() > P95_TOLERANCE => {
                failures.push(format!("{}: {:+.1}%", p.label, error * 100.0));
            }
            None => {
                on_target += 1;
                quota_on_target += usize::from(p.vcpu < 1.0);
            }
        }
    }
    // Every point is either on target or a known miss; the counts keep the
    // list of misses from growing unnoticed.
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        on_target + KNOWN_MISSES.len() == points.len(),
        "{on_target} on target + {} known misses != {} points",
        KNOWN_MISSES.len(),
        points.len()
    );
    assert!(quota_on_target >= 10, "only {quota_on_target} quota points on target");
}

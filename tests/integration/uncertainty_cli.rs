//! Uncertainty: intervals in scenario fields, the seeded Monte Carlo, the
//! least-regret mix, bands, forecast event months and check assertions,
//! against the point plan and closed forms.

use crate::common::{run, run_json, write_file};
use capplan::catalog::{Catalog, load_with_overlays};
use capplan::scenario::{DEFAULT_SCENARIO, parse_scenario};
use capplan::uncertainty::{UncertaintyOptions, analyse};

/// The default scenario with `(old, new)` replacements, written to
/// `name` in the folder `dir` (one folder per test; files accumulate).
fn scenario_with(dir: &str, name: &str, edits: &[(&str, &str)]) -> String {
    let mut text = DEFAULT_SCENARIO.1.to_string();
    for (old, new) in edits {
        assert!(text.contains(old), "{old}");
        text = text.replacen(old, new, 1);
    }
    let folder = std::env::temp_dir().join(format!("capplan-test-{}-{dir}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    write_file(&folder, name, &text)
}

/// Honest ranges on five of the default scenario's guessed figures.
pub const FIVE_RANGES: &[(&str, &str)] = &[
    ("  daily_active_ratio: 0.3\n", "  daily_active_ratio: { low: 0.2, mid: 0.3, high: 0.4 }\n"),
    ("  peak_online_ratio: 0.1\n", "  peak_online_ratio: { low: 0.06, mid: 0.1, high: 0.15 }\n"),
    ("  requests_per_online_user_per_min: 3\n", "  requests_per_online_user_per_min: [2, 6]\n"),
    ("    cpu_ms: 25\n", "    cpu_ms: { low: 15, mid: 25, high: 50 }\n"),
    ("  storage_mb_per_user: 1\n", "  storage_mb_per_user: { low: 0.5, mid: 1, high: 3 }\n"),
];

/// The output-token amount of question generation, in scenario text: the
/// bill is linear in it and no size depends on it.
const TOKENS: &str = "    amount: 900\n";

/// The least-regret mix's cost percentiles over 4,000 worlds with the
/// token amount written as `amount` (it must hold in every world).
fn token_cost(name: &str, amount: &str) -> serde_json::Value {
    let edit = format!("    amount: {amount}\n");
    let path = scenario_with("unc-linear", name, &[(TOKENS, &edit)]);
    let r =
        run_json(&["recommend", "--scenario", &path, "--samples", "4000", "--format", "json"], 0);
    assert_eq!(r["uncertainty"]["least_regret"]["slo_probability"], 1.0);
    r["uncertainty"]["least_regret"]["monthly_usd"].clone()
}

fn catalog() -> Catalog {
    load_with_overlays(&[]).unwrap().0
}

fn monthly_at(path: &str, users: &str) -> f64 {
    run_json(
        &[
            "recommend",
            "--scenario",
            path,
            "--users",
            users,
            "--format",
            "json",
        ],
        0,
    )["monthly_usd"]
        .as_f64()
        .unwrap()
}

#[test]
fn degenerate_intervals_reproduce_the_point_plan() {
    let path = scenario_with(
        "unc-degenerate",
        "app.yaml",
        &[
            ("    cpu_ms: 25\n", "    cpu_ms: { low: 25, mid: 25, high: 25 }\n"),
            (
                "  requests_per_online_user_per_min: 3\n",
                "  requests_per_online_user_per_min: [3, 3]\n",
            ),
        ],
    );
    let point = run_json(&["recommend", "--users", "5000", "--format", "json"], 0);
    let r = run_json(
        &[
            "recommend",
            "--scenario",
            &path,
            "--users",
            "5000",
            "--samples",
            "64",
            "--format",
            "json",
        ],
        0,
    );
    // The point plan itself is unchanged by writing the values as intervals.
    assert_eq!(r["components"], point["components"]);
    assert_eq!(r["monthly_usd"], point["monthly_usd"]);
    let u = &r["uncertainty"];
    let best = &u["least_regret"];
    assert_eq!(best["point_plan"], true);
    assert_eq!(best["slo_probability"], 1.0);
    assert_eq!(best["mean_regret_usd"], 0.0);
    assert_eq!(best["optimal_share"], 1.0);
    for p in ["p5", "p50", "p95"] {
        assert_eq!(best["monthly_usd"][p], point["monthly_usd"], "{p}");
        assert_eq!(u["optimum_monthly_usd"][p], point["monthly_usd"], "{p}");
        assert_eq!(best["max_users"][p], point["mix_max_users"], "{p}");
    }
    assert!(u["alternatives"].as_array().unwrap().is_empty());
    // The mix is the point plan's, tier for tier.
    for (part, row) in
        best["mix"].as_array().unwrap().iter().zip(point["components"].as_array().unwrap())
    {
        let tier = format!(
            "{}/{}/{}",
            row["provider"].as_str().unwrap(),
            row["offering"].as_str().unwrap(),
            row["tier"].as_str().unwrap()
        );
        assert_eq!(part["tier"], tier.as_str());
    }
}

#[test]
fn the_same_seed_gives_identical_output_and_another_seed_does_not() {
    let path = scenario_with("unc-seed", "app.yaml", FIVE_RANGES);
    let args = |seed: &'static str| {
        vec![
            "recommend",
            "--scenario",
            path.as_str(),
            "--samples",
            "300",
            "--seed",
            seed,
            "--format",
            "json",
        ]
    };
    let (c1, a, _) = run(&args("7"));
    let (c2, b, _) = run(&args("7"));
    let (_, other, _) = run(&args("8"));
    assert_eq!((c1, c2), (0, 0));
    assert_eq!(a, b, "same seed, same bytes");
    assert_ne!(a, other);
}

#[test]
fn percentiles_are_ordered_and_the_table_shows_them() {
    let path = scenario_with("unc-order", "app.yaml", FIVE_RANGES);
    let r =
        run_json(&["recommend", "--scenario", &path, "--samples", "400", "--format", "json"], 0);
    let u = &r["uncertainty"];
    assert_eq!(u["samples"], 400);
    let ordered = |p: &serde_json::Value| {
        let (a, b, c) =
            (p["p5"].as_f64().unwrap(), p["p50"].as_f64().unwrap(), p["p95"].as_f64().unwrap());
        assert!(a <= b && b <= c, "{p}");
    };
    ordered(&u["optimum_monthly_usd"]);
    ordered(&u["least_regret"]["monthly_usd"]);
    ordered(&u["least_regret"]["max_users"]);
    for mix in u["alternatives"].as_array().unwrap() {
        ordered(&mix["monthly_usd"]);
        assert!(mix["mean_regret_usd"].as_f64() >= u["least_regret"]["mean_regret_usd"].as_f64());
        assert!(!mix["lost_because"].as_array().unwrap().is_empty());
    }
    assert!(u["alternatives"].as_array().unwrap().len() <= 3);
    // The inputs were drawn from their intervals: the sampled median near mid.
    for input in u["inputs"].as_array().unwrap() {
        ordered(&input["sampled"]);
        let (mid, p50) =
            (input["mid"].as_f64().unwrap(), input["sampled"]["p50"].as_f64().unwrap());
        assert!((p50 / mid - 1.0).abs() < 0.08, "{input}");
    }
    // SLO probability: the share of worlds without a failure.
    let best = &u["least_regret"];
    let failed: f64 =
        best["failures"].as_array().unwrap().iter().map(|f| f["share"].as_f64().unwrap()).sum();
    assert!((best["slo_probability"].as_f64().unwrap() + failed - 1.0).abs() < 1e-9);
    let (code, table, _) =
        run(&["recommend", "--scenario", &path, "--samples", "400", "--explain"]);
    assert_eq!(code, 0);
    for expected in [
        "Across 400 sampled worlds (seed 42)",
        "least-regret mix, $/month",
        "Mixes by regret",
        "◀ least regret",
        "Sampled inputs",
        "components.api.cpu_ms (",
        "split lognormal, 90 % between low and high",
        "Least-regret mix: ",
    ] {
        assert!(table.contains(expected), "{expected}\n{table}");
    }
}

#[test]
fn a_cost_linear_in_one_uniform_input_has_the_analytic_percentiles() {
    let low = scenario_with("unc-linear", "low.yaml", &[(TOKENS, "    amount: 600\n")]);
    let high = scenario_with("unc-linear", "high.yaml", &[(TOKENS, "    amount: 1200\n")]);
    let (c_low, c_high) = (monthly_at(&low, "5000"), monthly_at(&high, "5000"));
    assert!(c_high > c_low + 1.0, "the tokens must move the bill: {c_low} {c_high}");
    let samples = 4000.0;
    let cost = token_cost("uniform.yaml", "{ low: 600, high: 1200, distribution: uniform }");
    for (p, key) in [(0.05, "p5"), (0.5, "p50"), (0.95, "p95")] {
        let expected = c_low + p * (c_high - c_low);
        // The standard error of a sample quantile of a uniform: √(p(1−p)/N) × range.
        let tolerance = 4.0 * (p * (1.0 - p) / samples).sqrt() * (c_high - c_low);
        let got = cost[key].as_f64().unwrap();
        assert!((got - expected).abs() <= tolerance, "{key}: {got} vs {expected} ± {tolerance}");
    }
    // Fitted (split lognormal): quantiles map through a monotone cost, so
    // the cost's P5 and P95 are the costs at low and high.
    let cost = token_cost("fitted.yaml", "{ low: 600, high: 1200 }");
    let slope = (c_high - c_low) / 600.0;
    for (key, at) in [("p5", 600.0), ("p50", (600.0f64 * 1200.0).sqrt()), ("p95", 1200.0)] {
        let expected = c_low + slope * (at - 600.0);
        let got = cost[key].as_f64().unwrap();
        assert!((got - expected).abs() <= 0.03 * (c_high - c_low), "{key}: {got} vs {expected}");
    }
}

#[test]
fn more_samples_shrink_the_spread_across_seeds_as_one_over_root_n() {
    let text = DEFAULT_SCENARIO.1.replacen(
        TOKENS,
        "    amount: { low: 600, high: 1200, distribution: uniform }\n",
        1,
    );
    let file = parse_scenario("linear.yaml", &text).unwrap();
    let catalog = catalog();
    let spread = |samples: usize| {
        let medians: Vec<f64> = (0..12u64)
            .map(|seed| {
                let options = UncertaintyOptions {
                    samples: Some(samples),
                    seed: 1000 + seed,
                    capacity: false,
                    ..Default::default()
                };
                analyse(&file.scenario, &catalog, &file.uncertain, 5000.0, options)
                    .unwrap()
                    .least_regret
                    .monthly_usd
                    .unwrap()
                    .p50
            })
            .collect();
        let mean = medians.iter().sum::<f64>() / medians.len() as f64;
        (medians.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / (medians.len() - 1) as f64)
            .sqrt()
    };
    let (small, large) = (spread(100), spread(1600));
    // 16× the samples: a quarter of the spread (sampling noise of a
    // 12-run standard deviation allows a factor of about 1.6 either way).
    let ratio = small / large;
    assert!((2.5..6.5).contains(&ratio), "spread {small} at 100, {large} at 1600: ratio {ratio}");
}

#[test]
fn interval_errors_are_located() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "  daily_active_ratio: 0.3\n",
            "  daily_active_ratio: [0.5, 1.5]\n",
            "workload.daily_active_ratio: expected a share from 0 to 1",
        ),
        (
            "    cpu_ms: 25\n",
            "    cpu_ms: { low: 40, high: 20 }\n",
            "components.api.cpu_ms: expected low ≤ high",
        ),
        (
            "    cpu_ms: 25\n",
            "    cpu_ms: { low: 20, high: 40, confidence: 1.2 }\n",
            "expected a confidence between 0 and 1",
        ),
        (
            "    cpu_ms: 25\n",
            "    cpu_ms: { low: 20, high: 40, distribution: normal }\n",
            "expected distribution `fitted`",
        ),
        (
            "      response_ms: 500        # the guide: upgrade if \"Response times > 500ms\"\n",
            "      response_ms: [300, 600]\n",
            "`components.api.slo.response_ms` cannot take an interval",
        ),
        (
            "    min_instances: 1\n",
            "    min_instances: [1, 3]\n",
            "`components.api.min_instances` cannot take an interval",
        ),
    ];
    for (i, (old, new, expected)) in cases.iter().enumerate() {
        let path = scenario_with("unc-errors", &format!("bad{i}.yaml"), &[(old, new)]);
        let (code, _, err) = run(&["recommend", "--scenario", &path]);
        assert_eq!(code, 2, "{err}");
        // Located on the interval's own line.
        let text = std::fs::read_to_string(&path).unwrap();
        let line = text.lines().position(|l| l == new.trim_end_matches('\n')).unwrap() + 1;
        assert!(
            err.contains(&format!("{path}:{line}: ")) && err.contains(expected),
            "{expected}\n{err}"
        );
    }
}

#[test]
fn sweep_bands_forecast_months_and_check_assertions() {
    let path = scenario_with("unc-curves", "app.yaml", FIVE_RANGES);
    let r = run_json(
        &[
            "sweep",
            "--scenario",
            &path,
            "--from",
            "1000",
            "--to",
            "50k",
            "--points",
            "6",
            "--log",
            "--samples",
            "80",
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!(r["sampling"]["samples"], 80);
    let mut last_p50 = 0.0;
    for row in r["rows"].as_array().unwrap() {
        let band = &row["band"]["monthly_usd"];
        let (p5, p50, p95) = (
            band["p5"].as_f64().unwrap(),
            band["p50"].as_f64().unwrap(),
            band["p95"].as_f64().unwrap(),
        );
        assert!(p5 <= p50 && p50 <= p95);
        // The same worlds at every point: the median grows with users.
        assert!(p50 >= last_p50);
        last_p50 = p50;
    }
    let (code, csv, _) = run(&[
        "sweep",
        "--scenario",
        &path,
        "--from",
        "1000",
        "--to",
        "5000",
        "--points",
        "2",
        "--samples",
        "20",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    assert!(
        csv.contains(
            "band_monthly_usd_p5,band_monthly_usd_p50,band_monthly_usd_p95,band_feasible_share"
        ),
        "{csv}"
    );
    // A band is the cheapest plan over the same worlds recommend samples.
    let band = run_json(
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
            "--samples",
            "150",
            "--seed",
            "5",
            "--format",
            "json",
        ],
        0,
    );
    let rec = run_json(
        &[
            "recommend",
            "--scenario",
            &path,
            "--users",
            "5000",
            "--samples",
            "150",
            "--seed",
            "5",
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!(band["rows"][0]["band"]["monthly_usd"], rec["uncertainty"]["optimum_monthly_usd"]);
    assert_eq!(band["rows"][0]["band"]["feasible_share"], rec["uncertainty"]["feasible_share"]);
    // Without intervals or --samples, no band.
    let plain = run_json(
        &["sweep", "--from", "1000", "--to", "5000", "--points", "2", "--format", "json"],
        0,
    );
    assert!(plain["rows"][0].get("band").is_none());

    // Forecast: an uncertain growth alone moves the month of each event.
    let f = run_json(
        &[
            "forecast",
            "--users",
            "2000",
            "--growth",
            "5%..20%/month",
            "--months",
            "24",
            "--samples",
            "60",
            "--format",
            "json",
        ],
        0,
    );
    let u = &f["uncertainty"];
    assert_eq!(u["growth"]["mid"], 0.1);
    let growth_stage =
        u["events"].as_array().unwrap().iter().find(|e| e["change"] == "Starter → Growth").unwrap();
    let m = &growth_stage["month"];
    assert!(m["p5"].as_f64() < m["p95"].as_f64(), "{growth_stage}");
    // The point forecast at the median growth (10%) has the event inside the band.
    let point =
        f["events"].as_array().unwrap().iter().find(|e| e["change"] == "Starter → Growth").unwrap();
    let month = point["month"].as_f64().unwrap();
    assert!(m["p5"].as_f64().unwrap() <= month && month <= m["p95"].as_f64().unwrap());
    // Faster growth, earlier: P5 month under 20% growth is the fastest.
    let (code, _, err) = run(&["forecast", "--users", "2000", "--growth", "20%..5%/month"]);
    assert_eq!(code, 2);
    assert!(err.contains("low ≤ high"), "{err}");

    // check: percentile assertions pass and fail on the least-regret mix.
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "\nassert:\n",
        "\nassert:\n  - { users: 5000, max_monthly_usd_p95: 5000, min_slo_probability: 0.1 }\n  - { users: 5000, max_monthly_usd_p95: 1, min_slo_probability: 1.0 }\n",
        1,
    );
    let file = write_file(std::path::Path::new(&path).parent().unwrap(), "checked.yaml", &text);
    let (code, out, _) = run(&["check", &file]);
    assert_eq!(code, 1, "{out}");
    let percentile_checks =
        |l: &&str| l.contains("max_monthly_usd_p95") || l.contains("min_slo_probability");
    let passes = out.lines().filter(|l| l.starts_with("ok")).filter(percentile_checks).count();
    let fails: Vec<&str> = out.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(passes, 2, "{out}");
    assert!(fails.iter().any(|l| l.contains("max_monthly_usd_p95")) && fails.len() <= 2, "{out}");
}

#[test]
fn the_chart_draws_the_fan() {
    let path = scenario_with("unc-chart", "app.yaml", FIVE_RANGES);
    let out = std::path::Path::new(&path).with_file_name("fan.svg");
    let (code, _, err) = run(&[
        "chart",
        "--scenario",
        &path,
        "--from",
        "1000",
        "--to",
        "50k",
        "--samples",
        "20",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.contains("P5–P95 over 20 worlds") && svg.contains("P50 of the worlds"));
    assert!(svg.contains("<polygon"), "the band is a polygon");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 8, ..Default::default() })]

    /// Whatever the ranges: every percentile triple is ordered, shares are
    /// probabilities, and the least-regret mix regrets no more than any
    /// alternative.
    #[test]
    fn percentiles_are_ordered_for_any_ranges(
        rate_low in 0.5f64..4.0, rate_factor in 1.0f64..4.0,
        cpu_low in 5.0f64..40.0, cpu_factor in 1.0f64..3.0,
        seed in 0u64..1000,
    ) {
        let text = DEFAULT_SCENARIO.1
            .replacen("  requests_per_online_user_per_min: 3\n", &format!("  requests_per_online_user_per_min: [{rate_low}, {}]\n", rate_low * rate_factor), 1)
            .replacen("    cpu_ms: 25\n", &format!("    cpu_ms: {{ low: {cpu_low}, high: {} }}\n", cpu_low * cpu_factor), 1);
        let file = parse_scenario("p.yaml", &text).unwrap();
        let u = analyse(&file.scenario, &catalog(), &file.uncertain, 5000.0, UncertaintyOptions {
            samples: Some(40),
            seed,
            ..Default::default()
        }).unwrap();
        let ordered = |p: capplan::uncertainty::Percentiles| p.p5 <= p.p50 && p.p50 <= p.p95;
        proptest::prop_assert!(u.optimum_monthly_usd.is_none_or(ordered));
        proptest::prop_assert!(u.least_regret.monthly_usd.is_none_or(ordered));
        proptest::prop_assert!(u.least_regret.max_users.is_none_or(ordered));
        proptest::prop_assert!(u.inputs.iter().all(|i| ordered(i.sampled)));
        proptest::prop_assert!((0.0..=1.0).contains(&u.least_regret.slo_probability));
        for alternative in &u.alternatives {
            proptest::prop_assert!(alternative.mean_regret_usd >= u.least_regret.mean_regret_usd);
        }
    }
}

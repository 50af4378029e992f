//! `capplan queue`: the JSON contract, batch mode and every error case.

use crate::common::{capplan, close, run, run_json};

const FIELDS: [&str; 15] = [
    "model",
    "servers",
    "arrival_rate_per_s",
    "service_time_ms",
    "cv",
    "stable",
    "utilization",
    "wait_probability",
    "mean_wait_ms",
    "mean_response_ms",
    "p50_response_ms",
    "p90_response_ms",
    "p95_response_ms",
    "p99_response_ms",
    "p95_wait_ms",
];

#[test]
fn evaluate_json_contract_matches_published_mm4() {
    // λ = 0.35/min, s = 10 min on 4 servers: ρ 0.875, P(wait) 0.73786,
    // Wq 14.7572 min, R 24.7572 min.
    let json = run_json(
        &[
            "queue",
            "--arrival-rate",
            "0.35/min",
            "--service-time",
            "10min",
            "--servers",
            "4",
            "--format",
            "json",
        ],
        0,
    );
    for field in FIELDS {
        assert!(json.get(field).is_some(), "missing {field}: {json}");
    }
    assert_eq!(json["model"], "M/M/c");
    assert_eq!(json["servers"], 4);
    assert!(close(json["arrival_rate_per_s"].as_f64().unwrap(), 0.35 / 60.0, 1e-12));
    assert!(close(json["service_time_ms"].as_f64().unwrap(), 600_000.0, 1e-12));
    assert!(close(json["utilization"].as_f64().unwrap(), 0.875, 1e-12));
    assert!(close(json["wait_probability"].as_f64().unwrap(), 0.73786, 1e-5));
    assert!(close(json["mean_wait_ms"].as_f64().unwrap(), 14.7572 * 60_000.0, 1e-5));
    assert!(close(json["mean_response_ms"].as_f64().unwrap(), 24.7572 * 60_000.0, 1e-5));
    let p: Vec<f64> = ["p50_response_ms", "p90_response_ms", "p95_response_ms", "p99_response_ms"]
        .iter()
        .map(|f| json[f].as_f64().unwrap())
        .collect();
    assert!(p.windows(2).all(|w| w[0] < w[1]), "{p:?}");
    // p95 wait in closed form: ln(C / 0.05) / (cμ − λ).
    let theta = 4.0 / 600.0 - 0.35 / 60.0;
    let p95_wait = (0.737_86_f64 / 0.05).ln() / theta * 1e3;
    assert!(close(json["p95_wait_ms"].as_f64().unwrap(), p95_wait, 1e-4));
}

#[test]
fn mm1_p95_response_is_exact() {
    // M/M/1: R ~ Exp(μ − λ), p95 = ln 20 / (μ − λ) = 4·ln 20 s at λ 0.75, s 1.
    let json = run_json(
        &[
            "queue",
            "--arrival-rate",
            "0.75",
            "--service-time",
            "1",
            "--servers",
            "1",
            "--format",
            "json",
        ],
        0,
    );
    assert!(close(json["p95_response_ms"].as_f64().unwrap(), 4.0 * 20f64.ln() * 1e3, 1e-9));
    assert!(close(json["mean_response_ms"].as_f64().unwrap(), 4000.0, 1e-12));
}

#[test]
fn sizing_mode_answers_the_smallest_count_and_echoes_slos() {
    let json = run_json(
        &[
            "queue",
            "--arrival-rate",
            "120/s",
            "--service-time",
            "50ms",
            "--slo",
            "p95 response <= 200ms",
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!(json["servers"], 8);
    assert_eq!(json["slo"], serde_json::json!(["p95 response <= 200ms"]));
    assert!(json["p95_response_ms"].as_f64().unwrap() <= 200.0);
    // Seven servers miss the target.
    let seven = run_json(
        &[
            "queue",
            "--arrival-rate",
            "120/s",
            "--service-time",
            "50ms",
            "--servers",
            "7",
            "--format",
            "json",
        ],
        0,
    );
    assert!(seven["p95_response_ms"].as_f64().unwrap() > 200.0);
}

#[test]
fn rate_units_are_equivalent() {
    let a = run_json(
        &[
            "queue",
            "--arrival-rate",
            "120/s",
            "--service-time",
            "0.05s",
            "--servers",
            "8",
            "--format",
            "json",
        ],
        0,
    );
    let b = run_json(
        &[
            "queue",
            "--arrival-rate",
            "7200/min",
            "--service-time",
            "50ms",
            "--servers",
            "8",
            "--format",
            "json",
        ],
        0,
    );
    let c = run_json(
        &[
            "queue",
            "--arrival-rate",
            "432000/h",
            "--service-time",
            "0.05",
            "--servers",
            "8",
            "--format",
            "json",
        ],
        0,
    );
    for field in ["wait_probability", "p95_response_ms"] {
        assert!(close(a[field].as_f64().unwrap(), b[field].as_f64().unwrap(), 1e-12));
        assert!(close(a[field].as_f64().unwrap(), c[field].as_f64().unwrap(), 1e-12));
    }
}

#[test]
fn unstable_is_an_answer_not_a_number() {
    // 10 Erlangs on 3 servers.
    let json = run_json(
        &[
            "queue",
            "--arrival-rate",
            "10",
            "--service-time",
            "1s",
            "--servers",
            "3",
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!(json["stable"], false);
    assert_eq!(json["min_stable_servers"], 11);
    for field in
        ["utilization", "wait_probability", "mean_wait_ms", "p95_response_ms", "p95_wait_ms"]
    {
        assert!(json[field].is_null(), "{field} should be null: {json}");
    }
    let (code, stdout, _) =
        run(&["queue", "--arrival-rate", "10", "--service-time", "1s", "--servers", "3"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("at least 11 servers"), "{stdout}");
}

#[test]
fn mgc_with_cv_one_is_mmc() {
    let a = run_json(
        &[
            "queue",
            "--arrival-rate",
            "50",
            "--service-time",
            "100ms",
            "--servers",
            "7",
            "--format",
            "json",
        ],
        0,
    );
    let b = run_json(
        &[
            "queue",
            "--arrival-rate",
            "50",
            "--service-time",
            "100ms",
            "--servers",
            "7",
            "--cv",
            "1.0",
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!(a, b);
    let g = run_json(
        &[
            "queue",
            "--arrival-rate",
            "50",
            "--service-time",
            "100ms",
            "--servers",
            "7",
            "--cv",
            "0.5",
            "--format",
            "json",
        ],
        0,
    );
    assert_eq!(g["model"], "M/G/c");
    assert!(g["mean_wait_ms"].as_f64().unwrap() < a["mean_wait_ms"].as_f64().unwrap());
}

#[test]
fn table_shows_units() {
    let (code, stdout, _) =
        run(&["queue", "--arrival-rate", "120/s", "--service-time", "50ms", "--servers", "8"]);
    assert_eq!(code, 0);
    for needle in ["p95 response", "164.558 ms", "75.00 %", "120 /s", "6 Erlangs"] {
        assert!(stdout.contains(needle), "missing {needle}: {stdout}");
    }
}

#[test]
fn batch_answers_every_line_in_order() {
    let input = concat!(
        r#"{"arrival_rate": 120, "service_time_s": 0.05, "slo": ["p95 response <= 200ms"]}"#,
        "\n",
        r#"{"arrival_rate": 120, "service_time_s": 0.05, "servers": 7}"#,
        "\n",
        "not json\n",
        "\n",
        r#"{"arrival_rate": 10, "service_time_s": 1, "servers": 3, "cv": 0.5}"#,
        "\n",
        r#"{"arrival_rate": 1, "service_time_s": 1, "slo": ["p100 wait <= 1s"]}"#,
        "\n",
    );
    let output = capplan().args(["queue", "--batch", "-"]).write_stdin(input).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["servers"], 8);
    assert_eq!(lines[1]["servers"], 7);
    assert_eq!(lines[2]["line"], 3);
    assert!(lines[2]["error"].as_str().unwrap().contains("invalid problem"));
    assert_eq!(lines[3]["stable"], false);
    assert_eq!(lines[3]["model"], "M/G/c");
    assert_eq!(lines[4]["line"], 6);
    assert!(lines[4]["error"].as_str().unwrap().contains("p1 to p99.9"));
}

#[test]
fn batch_of_valid_lines_exits_zero() {
    let dir = std::env::temp_dir().join(format!("capplan-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("problems.jsonl");
    std::fs::write(&path, "{\"arrival_rate\": 5, \"service_time_s\": 0.2, \"servers\": 2}\n")
        .unwrap();
    let (code, stdout, _) = run(&["queue", "--batch", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 1);
    let (code, _, stderr) = run(&["queue", "--batch", dir.join("missing.jsonl").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot open"), "{stderr}");
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_argument() {
    let cases: &[(&[&str], &str)] = &[
        (&["--arrival-rate", "0", "--service-time", "50ms", "--servers", "3"], "--arrival-rate"),
        (&["--arrival-rate", "-5", "--service-time", "50ms", "--servers", "3"], "--arrival-rate"),
        (&["--arrival-rate", "NaN", "--service-time", "50ms", "--servers", "3"], "--arrival-rate"),
        (&["--arrival-rate", "inf", "--service-time", "50ms", "--servers", "3"], "--arrival-rate"),
        (
            &["--arrival-rate", "5/fortnight", "--service-time", "50ms", "--servers", "3"],
            "--arrival-rate",
        ),
        (&["--arrival-rate", "5", "--service-time", "0", "--servers", "3"], "--service-time"),
        (&["--arrival-rate", "5", "--service-time", "-1s", "--servers", "3"], "--service-time"),
        (&["--arrival-rate", "5", "--service-time", "1e999", "--servers", "3"], "--service-time"),
        (
            &["--arrival-rate", "5", "--service-time", "50 parsecs", "--servers", "3"],
            "--service-time",
        ),
        (&["--arrival-rate", "5", "--service-time", "50ms", "--servers", "0"], "--servers"),
        (&["--arrival-rate", "5", "--service-time", "50ms", "--servers", "-2"], "--servers"),
        (&["--arrival-rate", "5", "--service-time", "50ms", "--servers", "2.5"], "--servers"),
        (
            &["--arrival-rate", "5", "--service-time", "50ms", "--servers", "2", "--cv", "NaN"],
            "--cv",
        ),
        (
            &["--arrival-rate", "5", "--service-time", "50ms", "--servers", "2", "--cv", "-1"],
            "--cv",
        ),
        (
            &["--arrival-rate", "5", "--service-time", "50ms", "--slo", "p100 response <= 1s"],
            "--slo",
        ),
        (
            &["--arrival-rate", "5", "--service-time", "50ms", "--slo", "utilization <= 1.5"],
            "--slo",
        ),
        (&["--arrival-rate", "5", "--service-time", "50ms", "--slo", "p95 response"], "--slo"),
        (&["--arrival-rate", "5", "--service-time", "50ms", "--slo", "p95 latency <= 1s"], "--slo"),
        (&["--arrival-rate", "5", "--service-time", "50ms"], "--servers"),
    ];
    for (args, name) in cases {
        let mut full = vec!["queue"];
        full.extend_from_slice(args);
        let (code, stdout, stderr) = run(&full);
        assert_eq!(code, 2, "{full:?}: {stderr}");
        assert!(stdout.is_empty(), "{full:?} wrote {stdout}");
        assert_eq!(stderr.trim().lines().count(), 1, "{full:?}: {stderr}");
        assert!(
            stderr.contains(name) && stderr.contains("expected")
                || stderr.contains("give --servers"),
            "{full:?}: {stderr}"
        );
    }
}

#[test]
fn unreachable_slo_exits_1_naming_the_best_possible() {
    let (code, _, stderr) = run(&[
        "queue",
        "--arrival-rate",
        "120",
        "--service-time",
        "50ms",
        "--slo",
        "p95 response <= 100ms",
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("149.8 ms"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, _) = run(&["queue", "--arrival-rate", "5"]);
    assert_eq!(code, 2);
    let (code, _, _) = run(&["frobnicate"]);
    assert_eq!(code, 2);
    let (code, stdout, _) = run(&["queue", "--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Examples:"));
}

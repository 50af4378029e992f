//! Hostile input (issue 12): every case ends with a documented exit code
//! and a located message, never a panic, a hang or lost output.

use crate::common::{capplan, run, scratch_dir, write_file};
use std::process::Stdio;

fn default_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/interview-prep-api.yaml"
    ))
    .unwrap()
}

#[cfg(unix)]
#[test]
fn a_named_pipe_or_a_device_is_refused_not_read() {
    let dir = scratch_dir("fifo");
    let Some(fifo) = crate::common::named_pipe(&dir, "pipe.yaml") else { return };
    let fifo = fifo.to_string_lossy().into_owned();
    for args in [
        vec!["recommend", "--scenario", &fifo],
        vec!["recommend", "--tiers", &fifo],
        vec!["diff", &fifo, "scenarios/smriti.yaml"],
        vec!["recommend", "--scenario", "/dev/zero"],
    ] {
        let (code, _, stderr) = run(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains("expected a regular file, found a named pipe, socket or device"),
            "{args:?}: {stderr}"
        );
    }
}

#[cfg(unix)]
#[test]
fn output_to_a_full_device_is_an_error_and_a_full_stderr_no_panic() {
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("skipped: /dev/full is not available");
        return;
    }
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    for args in [
        vec!["recommend", "--format", "json"],
        vec!["sweep", "--from", "1000", "--to", "5000", "--points", "3"],
        vec!["tiers", "show", "render"],
        vec!["check", "scenarios/smriti.yaml", "--format", "json"],
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_capplan"))
            .args(&args)
            .stdout(full())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("writing the output failed"), "{args:?}: {stderr}");
    }
    // A full stderr: the error cannot be shown, but the exit code says it.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_capplan"))
        .args(["recommend", "--users", "-5"])
        .stderr(full())
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn negative_numbers_reach_validation_as_values() {
    for (args, expected) in [
        (
            vec!["sweep", "--from", "1", "--to", "100", "--points", "-1"],
            "--points: expected a whole number from 1 to 10000, got '-1'",
        ),
        (vec!["recommend", "--users", "-5"], "--users: expected a user count"),
    ] {
        let (code, _, stderr) = run(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn a_scenario_without_components_or_with_duplicate_stages_or_bad_claims_is_rejected() {
    let base = default_text();
    let start = base.find("\ncomponents:").unwrap();
    let end = base.find("\nusage:").unwrap();
    let no_components = format!("{}\ncomponents: []{}", &base[..start], &base[end..]);
    let duplicate_stage = base.replacen("name: Growth", "name: Starter", 1);
    let bad_claims = base
        .replacen("      users: [0, 1000]\n      rpm: 100 ", "      users: .nan\n      rpm: -5 ", 1)
        .replacen(
            "jobs_per_day: { question-generation: 1000, export: 100 }",
            "jobs_per_day: { question-generation: .inf, export: -1 }",
            1,
        );
    for (text, expected) in [
        (&no_components, vec!["components: expected at least one component, found none"]),
        (&duplicate_stage, vec!["stages.Starter.name: duplicate stage name 'Starter'"]),
        (
            &bad_claims,
            vec![
                "stages.Free.claims.users: expected a positive number, found NaN",
                "stages.Free.claims.rpm: expected a positive request rate per minute, found -5",
                "stages.Free.claims.jobs_per_day.export: expected zero or a positive number of jobs, found -1",
                "stages.Free.claims.jobs_per_day.question-generation: expected zero or a positive number of jobs, found inf",
            ],
        ),
    ] {
        let dir = scratch_dir("hostile-scenario");
        let path = write_file(&dir, "s.yaml", text);
        let (code, stdout, stderr) = run(&["check", &path]);
        assert_eq!(code, 2, "{stdout}{stderr}");
        for line in &expected {
            // One line per problem.
            assert_eq!(
                stdout.matches(line).count() + stderr.matches(line).count(),
                1,
                "{line}: {stdout}{stderr}"
            );
        }
        let (code, _, stderr) = run(&["recommend", "--scenario", &path]);
        assert_eq!(code, 2, "{stderr}");
    }
}

#[test]
fn a_byte_order_mark_and_an_upper_case_toml_extension_are_read() {
    let dir = scratch_dir("bom");
    let text = format!("\u{feff}{}", default_text());
    let path = write_file(&dir, "bom.yaml", &text);
    let (code, stdout, stderr) = run(&["check", &path]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // A TOML scenario named in capitals is TOML, not YAML.
    let toml = "version = 1
name = \"toml\"

[workload]
daily_active_ratio = 0.3
peak_online_ratio = 0.1
requests_per_online_user_per_min = 1

[[components]]
name = \"api\"
role = \"web\"
candidates = [\"render/web\"]
cpu_ms = 20
";
    let path = write_file(&dir, "app.TOML", toml);
    let (code, stdout, stderr) = run(&["recommend", "--scenario", &path, "--users", "100"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("toml — 100 users"), "{stdout}");
}

#[test]
fn a_batch_answer_streams_and_stops_quietly_at_a_closed_pipe() {
    let dir = scratch_dir("batch-stream");
    let lines: String = (0..2000)
        .map(|i| {
            format!(
                "{{\"arrival_rate\": {}, \"service_time_s\": 0.05, \"servers\": 20}}\n",
                10 + i % 50
            )
        })
        .collect();
    let path = write_file(&dir, "in.jsonl", &lines);
    let output = capplan().args(["queue", "--batch", &path]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 2000);
}

#[test]
fn nesting_100000_deep_is_refused_at_its_line_for_scenarios_and_overlays() {
    // Issue 12: "nesting 100,000 deep (scenario or overlay) runs past 20 s".
    let dir = scratch_dir("deep-nesting");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let scenario =
        write_file(&dir, "deep.yaml", &format!("version: 1\nname: deep\nworkload: {deep}\n"));
    let overlay = write_file(
        &dir,
        "deep-overlay.yaml",
        &format!("version: 1\nprovider: deep\nnote: {deep}\n"),
    );
    let dashes = write_file(
        &dir,
        "dashes.yaml",
        &format!("version: 1\nname: x\nworkload: {}x\n", "- ".repeat(100_000)),
    );
    for (args, location) in [
        (vec!["recommend", "--scenario", &scenario], "deep.yaml:3:74"),
        (vec!["recommend", "--tiers", &overlay], "deep-overlay.yaml:3:70"),
        (vec!["recommend", "--scenario", &dashes], "dashes.yaml:3:"),
    ] {
        let (code, _, stderr) = run(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(location), "{args:?}: {stderr}");
        assert!(stderr.contains("nesting deeper than 64 levels"), "{stderr}");
    }
    let (code, stdout, _) = run(&["tiers", "check", &overlay]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("nesting deeper than 64 levels"), "{stdout}");
    // Ordinary nesting (the shipped scenarios) is far below the bound.
    assert_eq!(run(&["check", "scenarios"]).0, 0);
}

#[test]
fn alias_amplification_stops_at_the_first_bad_field() {
    // Issue 12: "a YAML alias amplification in a --tiers overlay grows to
    // 4 GB". The structure pass counts values as the aliases expand and
    // stops at 100,000, so the bomb fails fast wherever it is used.
    let dir = scratch_dir("alias-bomb");
    let mut text =
        String::from("version: 1\nprovider: bomb\nsource: https://example.com\nas_of: 2026-01\n");
    text.push_str(
        "note: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(",");
        text.push_str(&format!("x{i}: &a{i} [{refs}]\n"));
    }
    text.push_str("offerings: *a9\n");
    let overlay = write_file(&dir, "bomb.yaml", &text);
    let (code, _, stderr) = run(&["recommend", "--tiers", &overlay]);
    assert_eq!(code, 2, "{stderr}");
    // Refused at the value where the expansion passes the bound (issue 33).
    assert!(stderr.contains("bomb.yaml:5:"), "{stderr}");
    assert!(stderr.contains("once aliases are expanded"), "{stderr}");
    let scenario = write_file(
        &dir,
        "bomb-scenario.yaml",
        &default_text().replace("version: 1", &text.replace("provider: bomb\n", "")),
    );
    let (code, _, stderr) = run(&["recommend", "--scenario", &scenario]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("bomb-scenario.yaml:"), "{stderr}");
}

#[test]
fn a_binary_tag_is_refused_with_its_location() {
    // Issue 12: "!!binary tagged values are accepted in a scenario".
    let dir = scratch_dir("binary-tag");
    let path = write_file(
        &dir,
        "binary.yaml",
        &default_text().replace("name: Interview Prep API (default)", "name: !!binary aGVsbG8="),
    );
    let (code, _, stderr) = run(&["recommend", "--scenario", &path]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("binary.yaml:9:7: unsupported YAML tag `!!binary`"), "{stderr}");
    // Core-schema tags stay readable.
    let path = write_file(
        &dir,
        "str.yaml",
        &default_text().replace("name: Interview Prep API (default)", "name: !!str Tagged"),
    );
    assert_eq!(run(&["recommend", "--scenario", &path]).0, 0);
}

#[test]
fn a_multi_document_overlay_separated_by_a_comment_is_read_and_a_second_scenario_document_is_located()
 {
    // Issue 12: "a multi-document overlay separated by a comment fails
    // without a location".
    let dir = scratch_dir("multi-document");
    let prices = std::fs::read_to_string("scenarios/prices/smriti.yaml").unwrap();
    let commented = prices.replacen("\n---\n", "\n--- # the second provider\n", 1);
    assert_ne!(commented, prices);
    let overlay = write_file(&dir, "commented.yaml", &commented);
    let plain = run(&[
        "recommend",
        "--scenario",
        "scenarios/smriti.yaml",
        "--tiers",
        "scenarios/prices/smriti.yaml",
        "--format",
        "json",
    ]);
    let with_comment = run(&[
        "recommend",
        "--scenario",
        "scenarios/smriti.yaml",
        "--tiers",
        &overlay,
        "--format",
        "json",
    ]);
    assert_eq!(with_comment.0, 0, "{}", with_comment.2);
    assert_eq!(plain.1, with_comment.1);
    // A scenario is one document: the second is an error at its separator.
    let text = format!("{}--- # another\nversion: 1\n", default_text());
    let line = text.lines().count() - 1;
    let path = write_file(&dir, "two.yaml", &text);
    let (code, _, stderr) = run(&["recommend", "--scenario", &path]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(&format!("two.yaml:{line}")), "{stderr}");
    assert!(stderr.contains("expected one YAML document"), "{stderr}");
}

#[test]
fn enormous_numbers_are_located_errors_not_infinite_results() {
    // Issue 12: "a rate of 1e300 or an enormous usage amount prints
    // non-finite numbers with exit 0".
    let dir = scratch_dir("enormous");
    for (from, to, location) in [
        (
            "egress_mb_per_active_user_per_day: 2",
            "egress_mb_per_active_user_per_day: 1e300",
            "workload.egress_mb_per_active_user_per_day",
        ),
        ("amount: 900", "amount: 1e300", "usage.question generation, output tokens.amount"),
    ] {
        let path = write_file(&dir, "huge.yaml", &default_text().replace(from, to));
        let (code, stdout, stderr) = run(&["recommend", "--scenario", &path]);
        assert_eq!(code, 2, "{stdout}");
        assert!(
            stderr.contains(&format!("{location}: expected"))
                && stderr.contains("at most 10^15, found 1e300"),
            "{stderr}"
        );
    }
    let (code, _, stderr) = run(&["recommend", "--rps", "1e300", "--users", "5000"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--rps: expected a positive request rate of at most 10^12 per second"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["recommend", "--rps", "1e11"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("more than the 10^12 capplan plans"), "{stderr}");
}

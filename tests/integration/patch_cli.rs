//! `--patch FILE`: partial scenarios applied over a scenario in order,
//! equivalent to editing the scenario, with located errors.

use crate::common::{run, run_json, scratch_dir, write_file};

const DEFAULT: &str = include_str!("../../scenarios/interview-prep-api.yaml");

/// The default scenario with the api's cpu_ms and concurrency edited by hand.
fn edited(cpu_ms: &str) -> String {
    let marker = "  - name: api\n";
    let at =
        DEFAULT.find(marker).expect("the default scenario has an api component") + marker.len();
    format!(
        "{}    cpu_ms: {cpu_ms}\n    concurrency: blocking\n{}",
        &DEFAULT[..at],
        DEFAULT[at..].replacen("    cpu_ms:", "    # cpu_ms:", 1)
    )
}

#[test]
fn a_patch_plans_exactly_like_the_edited_scenario_and_is_noted() {
    let dir = scratch_dir("patch-equivalence");
    let first = write_file(&dir, "first.yaml", "components:\n  - name: api\n    cpu_ms: 99\n");
    let second = write_file(
        &dir,
        "second.yaml",
        "# later patches win\ncomponents:\n  - name: api\n    cpu_ms: 25\n    concurrency: blocking\n",
    );
    let hand = write_file(&dir, "hand.yaml", &edited("25"));
    let patched = run_json(
        &[
            "recommend",
            "--users",
            "5000",
            "--patch",
            &first,
            "--patch",
            &second,
            "--format",
            "json",
        ],
        0,
    );
    let by_hand =
        run_json(&["recommend", "--users", "5000", "--scenario", &hand, "--format", "json"], 0);
    assert_eq!(patched["monthly_usd"], by_hand["monthly_usd"]);
    assert_eq!(patched["components"], by_hand["components"]);
    // Without the patch the plan differs: the patch did something.
    let plain = run_json(&["recommend", "--users", "5000", "--format", "json"], 0);
    assert_ne!(plain["components"], patched["components"]);
    let fields = patched["patched"].as_array().unwrap();
    assert_eq!(fields.len(), 3, "{fields:?}");
    assert_eq!(fields[1]["field"], "components.api.cpu_ms");
    assert_eq!(fields[1]["value"], "25");
    assert_eq!(fields[1]["line"], 4);
    let (code, table, _) = run(&["recommend", "--users", "5000", "--patch", &second]);
    assert_eq!(code, 0);
    assert!(
        table.contains("From patches: components.api.cpu_ms = 25 (")
            && table.contains("second.yaml:4)"),
        "{table}"
    );
    // Every command that takes --scenario takes --patch.
    for args in [
        vec!["sweep", "--from", "100", "--to", "1000", "--points", "2"],
        vec!["forecast", "--users", "1000", "--growth", "10%", "--months", "2"],
        vec!["compare", "--users", "1000", "--stacks", "render"],
        vec!["stages"],
    ] {
        let mut with = args.clone();
        with.extend(["--patch", &second]);
        let (code, _, stderr) = run(&with);
        assert!(code == 0 || code == 1, "{with:?}: {stderr}");
    }
    let diff = run_json(
        &["diff", "default", "--patch", &second, "--users", "5000", "--format", "json"],
        0,
    );
    let text = diff.to_string();
    assert!(text.contains("second.yaml"), "{text}");
}

#[test]
fn bad_patches_are_located_and_exit_2() {
    let dir = scratch_dir("patch-errors");
    let cases = [
        (
            "range.yaml",
            "components:\n  - name: api\n    cpu_ms: -3\n",
            ":3",
            "components.api.cpu_ms: expected a positive",
        ),
        (
            "unknown.yaml",
            "components:\n  - name: nope\n    cpu_ms: 3\n",
            ":3",
            "no components item named 'nope'",
        ),
        (
            "field.yaml",
            "workload:\n  users: 10\n  daily_active_ratios: 0.3\n",
            ":3",
            "unknown field `daily_active_ratios`",
        ),
        (
            "type.yaml",
            "components:\n  - name: api\n    concurrency: sometimes\n",
            ":3",
            "unknown variant `sometimes`",
        ),
        ("shape.yaml", "- cpu_ms: 3\n", ":1", "expected a mapping of scenario fields"),
        ("nameless.yaml", "components:\n  - cpu_ms: 3\n", ":2", "expected items with a `name`"),
        ("syntax.yaml", "components: [\n", "", "did not find expected"),
    ];
    for (name, text, line, message) in cases {
        let path = write_file(&dir, name, text);
        let (code, stdout, stderr) = run(&["recommend", "--patch", &path]);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stdout.is_empty(), "{name}: {stdout}");
        assert!(stderr.contains(&format!("{name}{line}")), "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
    }
    let (code, _, stderr) = run(&["recommend", "--patch", "/nonexistent/patch.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("/nonexistent/patch.yaml: cannot read"), "{stderr}");
}

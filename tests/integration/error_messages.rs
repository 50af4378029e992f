//! Every error about an input file is located and short (issue 33, part
//! 4): bad scenarios, patches, overlays, batch lines, stacks, calibrate,
//! price and import files, each driven through the CLI. Each message names
//! its file with a line (and column) or a field path — or is about the
//! file as a whole — stays under a length bound however long the echoed
//! value or the list of valid values, and is printed once.

use crate::common::{capplan, scratch_dir};

/// The longest message line accepted: a 1 MB key or a list of thousands
/// of names must be cut long before this.
const MAX_MESSAGE_CHARS: usize = 500;

/// Problems about a file as a whole, which no line can point at.
const WHOLE_FILE: [&str; 8] = [
    "cannot read",
    "unknown format",
    "not a format capplan imports",
    "is empty",
    "no process types",
    "nothing to import",
    "are limited to",
    "expected a regular file",
];

struct Case {
    name: &'static str,
    files: Vec<(String, Vec<u8>)>,
    /// Arguments; `@NAME` is the path of file NAME.
    args: Vec<String>,
}

fn case(name: &'static str, files: &[(&'static str, &str)], args: &[&str]) -> Case {
    Case {
        name,
        files: files.iter().map(|(f, t)| (f.to_string(), t.as_bytes().to_vec())).collect(),
        args: args.iter().map(|a| a.to_string()).collect(),
    }
}

fn base() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/interview-prep-api.yaml"
    ))
    .unwrap()
}

fn changed(from: &str, to: &str) -> String {
    let text = base();
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

const OVERLAY: &str = "version: 1
provider: acme
source: https://example.com
as_of: 2026-01
offerings:
  - id: vm
    role: compute
    tiers:
      - { id: small, capacity: { vcpu: 1, memory_mb: 512 }, price: { monthly_usd: 10 } }
";

const STACKS: &str = "version: 1
stacks:
  - id: mine
    web: [render/web]
    worker: [render/worker]
    database: [nowhere/db]
    cache: [render/web]
";

fn scenario_cases() -> Vec<Case> {
    let long_key = format!("  \"{}\": 3\n", "k".repeat(1_000_000));
    let many_jobs: String = (0..5000)
        .map(|i| format!("    - {{ name: job{i}, per_active_user_per_day: 1 }}\n"))
        .collect();
    let scenarios = [
        ("unknown-field.yaml", changed("  users: 5000\n", "  users: 5000\n  userz: 3\n")),
        ("bad-type.yaml", changed("    cv: 1.0\n", "    cv: lots\n")),
        (
            "autoscale-zero.yaml",
            changed(
                "    min_instances: 1\n    slo:\n      percentile: 95\n      response_ms: 500",
                "    autoscale: { min: 0, max: 0, target_utilization: 0.7 }\n    slo:\n      percentile: 95\n      response_ms: 500",
            ),
        ),
        ("candidate.yaml", changed("candidates: [render/web]", "candidates: [nowhere/web]")),
        ("profile.yaml", changed("load_profile: [0.15, 0.1,", "load_profile: [0.15,")),
        ("stage-tier.yaml", changed("render/web/free }", "render/web/nope }")),
        ("missing-role.yaml", changed("    role: web\n", "")),
        ("negative.yaml", changed("cpu_ms: 25", "cpu_ms: -25")),
        ("version.yaml", changed("version: 1", "version: 9")),
        ("long-key.yaml", changed("  users: 5000\n", &format!("  users: 5000\n{long_key}"))),
        (
            "many-jobs.yaml",
            changed("  jobs:\n", &format!("  jobs:\n{many_jobs}")).replacen(
                "class: question-generation, duration_s",
                "class: nope, duration_s",
                1,
            ),
        ),
        ("empty.yaml", String::new()),
    ];
    let mut cases = Vec::new();
    for (file, text) in scenarios {
        let at = format!("@{file}");
        cases.push(Case {
            name: "check",
            files: vec![(file.to_string(), text.clone().into_bytes())],
            args: vec!["check".into(), at.clone()],
        });
        cases.push(Case {
            name: "recommend --scenario",
            files: vec![(file.to_string(), text.into_bytes())],
            args: vec!["recommend".into(), "--scenario".into(), at],
        });
    }
    let mut not_utf8 = base().into_bytes();
    let at = not_utf8.windows(9).position(|w| w == b"Interview").unwrap();
    not_utf8[at] = 0xff;
    cases.push(Case {
        name: "not UTF-8",
        files: vec![("not-utf8.yaml".to_string(), not_utf8)],
        args: vec!["recommend".into(), "--scenario".into(), "@not-utf8.yaml".into()],
    });
    let toml = "version = 1\nname = \"t\"\n[workload]\ndaily_active_ratio = 0.3\npeak_online_ratio = 0.1\nrequests_per_online_user_per_min = 1\n[[components]]\nname = \"api\"\nrole = \"web\"\ncandidates = [\"render/web\"]\ncpu_ms = -20\n";
    cases.push(case(
        "toml scenario",
        &[("app.toml", toml)],
        &["recommend", "--scenario", "@app.toml"],
    ));
    cases
}

fn other_cases() -> Vec<Case> {
    let prometheus = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/calibrate/prometheus/cpu.json"
    ))
    .unwrap();
    let k6 = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/calibrate/k6/summary-export.json"
    ))
    .unwrap();
    let long_class = format!("components:\n  - name: {}\n    cpu_ms: 3\n", "c".repeat(300_000));
    vec![
        case(
            "patch field",
            &[("p.yaml", "components:\n  - name: api\n    cpu_mz: 3\n")],
            &["recommend", "--patch", "@p.yaml"],
        ),
        case(
            "patch item",
            &[("p.yaml", "components:\n  - name: nope\n    cpu_ms: 3\n")],
            &["recommend", "--patch", "@p.yaml"],
        ),
        case("patch long name", &[("p.yaml", &long_class)], &["recommend", "--patch", "@p.yaml"]),
        case(
            "patch syntax",
            &[("p.yaml", "components: [\n")],
            &["recommend", "--patch", "@p.yaml"],
        ),
        case(
            "patch value",
            &[("p.yaml", "workload:\n  daily_active_ratio: 7\n")],
            &["recommend", "--patch", "@p.yaml"],
        ),
        case(
            "overlay field",
            &[("o.yaml", &OVERLAY.replace("role: compute", "role: compute\n    colour: red"))],
            &["tiers", "check", "@o.yaml"],
        ),
        case(
            "overlay field",
            &[("o.yaml", &OVERLAY.replace("role: compute", "role: compute\n    colour: red"))],
            &["recommend", "--tiers", "@o.yaml"],
        ),
        case(
            "overlay price",
            &[("o.yaml", &OVERLAY.replace("monthly_usd: 10", "monthly_usd: -10"))],
            &["recommend", "--tiers", "@o.yaml"],
        ),
        case(
            "overlay date",
            &[("o.yaml", &OVERLAY.replace("as_of: 2026-01", "as_of: soon"))],
            &["tiers", "check", "@o.yaml"],
        ),
        case("stacks", &[("s.yaml", STACKS)], &["compare", "--stacks-file", "@s.yaml"]),
        case(
            "stacks version",
            &[("s.yaml", &STACKS.replace("version: 1", "version: 3"))],
            &["compare", "--stacks-file", "@s.yaml"],
        ),
        case(
            "calibrate csv",
            &[("m.csv", "timestamp,cpu_cores\n1,0.5\n2,lots\n")],
            &["calibrate", "@m.csv"],
        ),
        case("calibrate json", &[("k6.json", &k6[..k6.len() / 2])], &["calibrate", "@k6.json"]),
        case(
            "calibrate prometheus",
            &[("p.json", &prometheus.replacen("\"1.12\"", "\"lots\"", 1))],
            &["calibrate", "@p.json"],
        ),
        case(
            "calibrate failed query",
            &[("p.json", &prometheus.replacen("\"success\"", "\"error\"", 1))],
            &["calibrate", "@p.json"],
        ),
        case(
            "calibrate locust",
            &[("l.json", "{\"a\": 1}")],
            &["calibrate", "--input-format", "locust-json", "@l.json"],
        ),
        case(
            "price file",
            &[("az.json", "{\"Items\": [{\"retailPrice\": \"x\"}]}")],
            &["tiers", "import", "azure-retail", "@az.json", "--as-of", "2026-01-01"],
        ),
        case(
            "price file syntax",
            &[("ll.json", "{\"gpt-x\": {")],
            &["tiers", "import", "litellm", "@ll.json", "--as-of", "2026-01-01"],
        ),
        case(
            "render.yaml",
            &[("render.yaml", "services:\n  - type: web\n    name: api\n    plan: galactic\n")],
            &["import", "@render.yaml"],
        ),
        case(
            "render.yaml syntax",
            &[("render.yaml", "services:\n  - type: web\n   name: [\n")],
            &["import", "@render.yaml"],
        ),
        case("fly.toml", &[("fly.toml", "app = \n")], &["import", "@fly.toml"]),
        case("app.json", &[("app.json", "{\"formation\": [1]}")], &["import", "@app.json"]),
        case(
            "compose",
            &[(
                "docker-compose.yml",
                "services:\n  web:\n    image: x\n    deploy:\n      resources:\n        limits:\n          memory: lots\n",
            )],
            &["import", "--platform", "render", "@docker-compose.yml"],
        ),
        case(
            "terraform",
            &[(
                "plan.json",
                "{\"format_version\": \"1.0\", \"planned_values\": {\"root_module\": {\"resources\": [{\"address\":\"aws_instance.x\",\"type\":\"aws_instance\",\"values\":{\"instance_type\":\"galactic.huge\"}}]}}}",
            )],
            &["import", "@plan.json"],
        ),
        case("procfile", &[("Procfile", "this is not a procfile\n")], &["import", "@Procfile"]),
    ]
}

/// Whether `message` names `path` with a line, a field path, or a
/// whole-file problem.
fn located(message: &str, paths: &[String]) -> bool {
    paths.iter().any(|path| {
        let Some(rest) = message.strip_prefix(path.as_str()) else {
            return false;
        };
        if rest.strip_prefix(':').is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit())) {
            return true;
        }
        let Some(rest) = rest.strip_prefix(": ") else {
            return false;
        };
        let field = rest.split(": ").next().unwrap_or("");
        let is_path = !field.is_empty()
            && rest.len() > field.len()
            && (!field.contains(' ') || field.contains(['.', '[', '$']));
        is_path || WHOLE_FILE.iter().any(|w| rest.contains(w))
    })
}

/// Whether `message` names `path` with a line number.
fn has_line(message: &str, paths: &[String]) -> bool {
    paths.iter().any(|path| {
        message
            .strip_prefix(path.as_str())
            .and_then(|r| r.strip_prefix(':'))
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    })
}

#[test]
fn every_input_error_is_located_short_and_printed_once() {
    let dir = scratch_dir("error-messages");
    let mut cases = scenario_cases();
    cases.extend(other_cases());
    let mut failures = Vec::new();
    let mut messages = 0;
    for (index, case) in cases.iter().enumerate() {
        let folder = dir.join(index.to_string());
        std::fs::create_dir_all(&folder).unwrap();
        let mut paths = Vec::new();
        for (name, bytes) in &case.files {
            let path = folder.join(name);
            std::fs::write(&path, bytes).unwrap();
            paths.push(path.to_string_lossy().into_owned());
        }
        let args: Vec<String> = case
            .args
            .iter()
            .map(|a| match a.strip_prefix('@') {
                Some(name) => folder.join(name).to_string_lossy().into_owned(),
                None => a.clone(),
            })
            .collect();
        let output = capplan().args(&args).output().unwrap();
        let code = output.status.code();
        if !matches!(code, Some(1 | 2)) {
            failures.push(format!("{}: exit {code:?}", case.name));
            continue;
        }
        // Errors go to stderr (`error: ` then one problem a line); `check`
        // prints its problems on stdout and `tiers check` in a table,
        // whose JSON form is read instead.
        let text = String::from_utf8_lossy(&output.stderr).into_owned()
            + &String::from_utf8_lossy(&output.stdout);
        let mut lines: Vec<String> = text
            .lines()
            .map(|l| l.strip_prefix("error: ").unwrap_or(l).trim().to_string())
            .filter(|l| paths.iter().any(|p| l.starts_with(p.as_str())))
            .filter(|l| !l.contains(": warning: ") && !l.ends_with(": warning"))
            .collect();
        if args[0] == "tiers" && args[1] == "check" {
            let json = capplan().args(&args).args(["--format", "json"]).output().unwrap();
            let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
            for p in report["problems"].as_array().unwrap() {
                let line = p["line"].as_u64().map(|l| format!(":{l}")).unwrap_or_default();
                lines.push(format!(
                    "{}{line}: {}: {}",
                    p["file"].as_str().unwrap(),
                    p["field"].as_str().unwrap(),
                    p["message"].as_str().unwrap()
                ));
            }
        }
        if lines.is_empty() {
            failures.push(format!("{}: no message names the file:\n{text}", case.name));
        }
        for line in &lines {
            messages += 1;
            let shown: String = line.chars().take(160).collect();
            // A syntax error or a bad byte has a line, whatever the format.
            let needs_line = case.name.contains("syntax") || case.name.contains("UTF-8");
            if !located(line, &paths) || (needs_line && !has_line(line, &paths)) {
                failures.push(format!("{}: not located: {shown}", case.name));
            }
            if line.chars().count() > MAX_MESSAGE_CHARS {
                failures.push(format!(
                    "{}: {} characters: {shown}",
                    case.name,
                    line.chars().count()
                ));
            }
            if lines.iter().filter(|l| *l == line).count() > 1 {
                failures.push(format!("{}: printed more than once: {shown}", case.name));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {messages} messages:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(messages > cases.len(), "{messages} messages from {} cases", cases.len());
}

#[test]
fn a_bad_batch_line_is_located_by_its_line_and_short() {
    let long = "x".repeat(200_000);
    let input = format!(
        "{{\"arrival_rate\": 5, \"service_time_s\": 0.2, \"servers\": 2}}\nnot json\n{{\"arrival_rate\": -5, \"service_time_s\": 0.2, \"servers\": 2}}\n{{\"{long}\": 5}}\n"
    );
    let output = capplan().args(["queue", "--batch", "-"]).write_stdin(input).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let answers: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), 4);
    for (index, answer) in answers.iter().enumerate().skip(1) {
        assert_eq!(answer["line"], index + 1, "{answer}");
        let error = answer["error"].as_str().unwrap();
        assert!(error.chars().count() <= MAX_MESSAGE_CHARS, "line {}: {error:.200}", index + 1);
    }
}

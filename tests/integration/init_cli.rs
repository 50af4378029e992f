//! `capplan init`: a starter scenario for every stack that passes `check`
//! and `recommend` as written, comments every assumption, and never
//! replaces a file without `--force`.

use crate::common::{run, run_json, scratch_dir};

const STACKS: [&str; 11] = [
    "render",
    "render-postgres",
    "aws",
    "gcp",
    "fly",
    "railway",
    "heroku",
    "digitalocean",
    "supabase-vercel",
    "render-neon",
    "azure",
];

/// Every line setting a number has a comment beside it or above its group.
fn every_number_is_explained(text: &str) -> Result<(), String> {
    let lines: Vec<&str> = text.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        let body = line.trim_start().trim_start_matches("- ");
        let sets_number = body.split_once(": ").is_some_and(|(_, value)| {
            value.trim_start().starts_with(|c: char| c.is_ascii_digit() || c == '{')
        }) || body.starts_with('{');
        if !sets_number || line.contains('#') {
            continue;
        }
        let explained = lines[..index]
            .iter()
            .rev()
            .take_while(|above| !above.trim().is_empty() && !above.contains("- name:"))
            .any(|above| above.trim_start().starts_with('#'));
        if !explained {
            return Err(format!("line {}: '{line}' has no comment", index + 1));
        }
    }
    Ok(())
}

#[test]
fn every_stack_and_shape_passes_check_and_recommend_as_written() {
    let dir = scratch_dir("init-stacks");
    for stack in STACKS {
        for (worker, llm) in [(false, false), (true, true), (false, true)] {
            if worker && stack == "supabase-vercel" {
                continue;
            }
            let path = dir.join(format!("{stack}-{worker}-{llm}.yaml"));
            let path = path.to_str().unwrap();
            let mut args = vec!["init", path, "--stack", stack, "--users", "20k", "--rps", "40"];
            if worker {
                args.push("--worker");
            }
            if llm {
                args.push("--llm");
            }
            let (code, stdout, stderr) = run(&args);
            assert_eq!(code, 0, "{args:?}: {stderr}");
            assert!(stdout.contains("next:"), "{stdout}");
            let text = std::fs::read_to_string(path).unwrap();
            every_number_is_explained(&text).unwrap_or_else(|e| panic!("{stack}: {e}\n{text}"));
            let (code, out, err) = run(&["check", path]);
            assert_eq!(code, 0, "check {stack}: {out}{err}");
            let json = run_json(&["recommend", "--scenario", path, "--format", "json"], 0);
            assert_eq!(json["users"], 20000.0, "{stack}");
            // --rps 40 at 20,000 users is what the file makes at the peak.
            let rps = json["demand"]["peak_rps"].as_f64().unwrap();
            assert!((rps - 40.0).abs() < 1e-6, "{stack}: {rps}");
            assert!(json["monthly_usd"].as_f64().unwrap() > 0.0, "{stack}");
            let names: Vec<&str> = json["components"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap())
                .collect();
            assert_eq!(names.contains(&"worker"), worker, "{stack}: {names:?}");
            // The default model: Claude Haiku 5.5 (capplan::scenario::starter::DEFAULT_LLM_MODEL).
            let tokens = json["usage"].as_array().unwrap().iter().any(|u| {
                u["price"].as_str().unwrap_or("").starts_with("anthropic/claude-haiku-5-5-")
            });
            assert_eq!(tokens, llm, "{stack}");
        }
    }
}

#[test]
fn refuses_to_replace_a_file_without_force_and_prints_with_a_dash() {
    let dir = scratch_dir("init-force");
    let path = dir.join("scenario.yaml");
    let path_text = path.to_str().unwrap();
    std::fs::write(&path, "mine\n").unwrap();
    let (code, _, stderr) = run(&["init", path_text]);
    assert_eq!(code, 2);
    assert!(stderr.contains("exists; pass --force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine\n", "the file was touched");
    let (code, _, stderr) = run(&["init", path_text, "--force", "--stack", "aws"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(std::fs::read_to_string(&path).unwrap().contains("candidates: [aws/ec2, aws/lambda]"));
    let (code, printed, _) = run(&["init", "-", "--stack", "render-atlas-redis"]);
    assert_eq!(code, 0);
    assert!(printed.contains("candidates: [atlas/cluster]"), "{printed}");
    let (code, _, stderr) = run(&["init", "-", "--stack", "mainframe"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown stack 'mainframe'"), "{stderr}");
    let (code, _, stderr) = run(&["init", "-", "--stack", "supabase-vercel", "--worker"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no worker offering"), "{stderr}");
}

#[test]
fn the_starter_scenario_has_a_daytime_profile_so_usage_is_not_billed_at_the_peak() {
    // Issue 31: without a profile the average hour was the peak hour, and
    // per-request usage (here LLM tokens) was billed at the peak rate.
    let dir = scratch_dir("init-profile");
    let path = dir.join("s.yaml").to_string_lossy().into_owned();
    let (code, _, stderr) = run(&["init", &path, "--llm"]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("  load_profile: [0.15,"), "{text}");
    let tokens = |report: &serde_json::Value| -> f64 {
        report["usage"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["unit"].as_str().is_some_and(|unit| unit.contains("tokens")))
            .map(|u| u["quantity"].as_f64().unwrap())
            .sum()
    };
    let with = tokens(&run_json(&["recommend", "--scenario", &path, "--format", "json"], 0));
    let flat: String = text
        .lines()
        // The profile's line and its continuation rows (bare numbers).
        .filter(|l| {
            !l.contains("load_profile") && !l.trim_start().starts_with(|c: char| c.is_ascii_digit())
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let flat_path = dir.join("flat.yaml").to_string_lossy().into_owned();
    std::fs::write(&flat_path, flat).unwrap();
    let without =
        tokens(&run_json(&["recommend", "--scenario", &flat_path, "--format", "json"], 0));
    // The profile's 24 hours sum to 13.05: the average hour is 13.05/24 of
    // the peak, and so are the month's tokens.
    assert!((with / without - 13.05 / 24.0).abs() < 1e-9, "{with} vs {without}");
}

#[test]
fn each_app_shape_writes_its_load_profile_and_bills_its_average() {
    // Issue 31, part 8. Busiest ÷ average hour, by hand from the file's
    // values: consumer 24 ÷ 13.05; business 168 ÷ (5 × 10.85 weekday + 2 ×
    // 2.05 weekend hours); global 24 ÷ 19.9.
    let dir = scratch_dir("init-shapes");
    for (shape, ratio, marker) in [
        ("consumer", 24.0 / 13.05, "  load_profile: [0.15,"),
        ("business", 168.0 / (5.0 * 10.85 + 2.0 * 2.05), "    weekday: [0.05,"),
        ("global", 24.0 / 19.9, "  load_profile: [0.75,"),
    ] {
        let path = dir.join(format!("{shape}.yaml")).to_string_lossy().into_owned();
        let (code, stdout, stderr) = run(&["init", &path, "--shape", shape, "--worker"]);
        assert_eq!(code, 0, "{shape}: {stderr}");
        assert!(stdout.contains(&format!("{shape} load")), "{stdout}");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(marker), "{shape}: {text}");
        assert!(text.contains(&format!("(`--shape {shape}`)")), "{text}");
        assert!(
            text.contains("`capplan calibrate requests.csv\n  # --fit load_profile`"),
            "{text}"
        );
        every_number_is_explained(&text).unwrap_or_else(|e| panic!("{shape}: {e}\n{text}"));
        let (code, out, err) = run(&["check", &path]);
        assert_eq!(code, 0, "check {shape}: {out}{err}");
        let json = run_json(&["recommend", "--scenario", &path, "--format", "json"], 0);
        // The worker's jobs: peak per second over the month's average.
        let jobs = &json["demand"]["peak_jobs_per_s"][0];
        let got =
            jobs["per_s"].as_f64().unwrap() * 3600.0 * 730.0 / jobs["per_month"].as_f64().unwrap();
        assert!((got - ratio).abs() < 1e-9, "{shape}: {got} vs {ratio}");
    }
    let (code, _, stderr) = run(&["init", "-", "--shape", "nocturnal"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("expected one of consumer, business, global, found 'nocturnal'"),
        "{stderr}"
    );
}

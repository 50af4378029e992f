//! Request classes on a web component (issue 31 part 3): the queue is the
//! classes' mixture, each class's percentile is checked against its own
//! target, serverless bills each class's own duration, token lines follow
//! a class's rate, and bad classes are located errors (exit 2).

use crate::common::{run, run_json, scratch_dir, testbox, write_file};
use serde_json::Value;

fn class<'a>(component: &'a Value, name: &str) -> &'a Value {
    component["classes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no class {name} in {component}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Issue 31 part 9's acceptance: CRUD requests plus 6 streamed LLM messages
/// per active user a day, on Lambda (`tests/fixtures/request-classes-lambda.yaml`).
///
/// 10,000 users × 0.5 daily active = 5,000; × 0.1 online = 500 at the peak.
/// - crud (share 1): 500 × 2 / 60 = 16.667 req/s; flat day, so
///   16.667 × 3,600 × 730 = 43,800,000 a month. 20 ms CPU (cv 1, exponential)
///   + 30 ms I/O: p95 = 20 ms × ln 20 + 30 ms = 59.915 + 30 = 89.915 ms.
/// - chat: 5,000 × 6 = 30,000 a day = 0.34722 req/s; × 730/24 days =
///   912,500 a month. 50 ms CPU (cv 0) + 7,950 ms streamed: p95 = 8,000 ms.
///
/// One execution needs 100 MB (process) + 300 MB (chat while running) =
/// 400 MB: above 85% of 256 MB, within 85% of 512 MB, so the 512 MB setting.
/// Lambda bills the configured 0.5 GB for each class's own duration:
/// - requests: 43.8 M + 0.9125 M = 44.7125 M, less 1 M free, × $0.20 = $8.7425;
/// - GB-seconds: crud 43.8 M × 0.05 s × 0.5 = 1,095,000; chat 912,500 × 8 s
///   × 0.5 = 3,650,000; together 4,745,000 less 400,000 free = 4,345,000 ×
///   $0.0000166667 = $72.4168;
/// - total $81.1593 a month.
#[test]
fn crud_plus_streamed_chat_reports_both_p95s_and_bills_both_durations() {
    let report = run_json(
        &[
            "recommend",
            "--scenario",
            "tests/fixtures/request-classes-lambda.yaml",
            "--format",
            "json",
        ],
        0,
    );
    let api = &report["components"][0];
    assert_eq!(api["tier"], "512mb");
    let crud = class(api, "crud");
    let chat = class(api, "chat");
    assert!((f(&crud["peak_rps"]) - 50.0 / 3.0).abs() < 1e-9);
    assert!((f(&crud["requests_per_month"]) - 43_800_000.0).abs() < 1e-3);
    assert!((f(&chat["peak_rps"]) - 30_000.0 / 86_400.0).abs() < 1e-12);
    assert!((f(&chat["requests_per_month"]) - 912_500.0).abs() < 1e-6);
    assert!((f(&crud["p95_ms"]) - (20.0 * 20f64.ln() + 30.0)).abs() < 1e-6, "{crud}");
    assert!((f(&chat["p95_ms"]) - 8000.0).abs() < 1e-9, "{chat}");
    assert_eq!(f(&chat["target_ms"]), 10_000.0);
    assert_eq!(f(&crud["target_ms"]), 200.0);
    assert_eq!(crud["holds"], true);
    assert_eq!(chat["holds"], true);
    let requests: f64 = (44.7125 - 1.0) * 0.20;
    let duration: f64 =
        (43_800_000.0 * 0.05 * 0.5 + 912_500.0 * 8.0 * 0.5 - 400_000.0) * 0.0000166667;
    assert!((requests - 8.7425).abs() < 1e-9 && (duration - 72.416_811_5).abs() < 1e-6);
    assert!((f(&api["monthly_usd"]) - (requests + duration)).abs() < 1e-6, "{api}");
    // Concurrency by Little's law: 16.667 × 0.05 + 0.34722 × 8 = 3.61 → 4.
    assert_eq!(api["count"], 4);
    // The chat's 8 KB a message is the workload's only egress:
    // 912,500 × 8 KB / 1,048,576 = 6.962 GB a month.
    let egress = f(&report["demand"]["egress_gb_per_month"]);
    assert!((egress - 912_500.0 * 8.0 / 1_048_576.0).abs() < 1e-9, "{egress}");
    // Each class on its own line under the component, units in the cells.
    let (code, stdout, _) =
        run(&["recommend", "--scenario", "tests/fixtures/request-classes-lambda.yaml"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Request classes"), "{stdout}");
    let chat_line = stdout.lines().find(|l| l.contains("┆ chat ")).expect("a chat line");
    assert!(chat_line.contains("0.347 req/s") && chat_line.contains("912,500 req/month"));
    assert!(chat_line.contains("p95 8,000 ms of 10,000 ms"), "{chat_line}");
}

/// A testbox of 1 vCPU, one worker, one instance unless `max` allows more:
/// crud 10 req/s of 20 ms (cv 1), chat 1 req/s of 100 ms (cv 0).
fn two_classes(chat_slo_ms: u32, max: u32) -> String {
    format!(
        "version: 1
name: two classes
workload:
  users: 6000
  daily_active_ratio: 0.5
  peak_online_ratio: 0.2
  requests_per_online_user_per_min: 1
components:
  - name: api
    role: web
    candidates: [testbox/vm]
    high_availability: false
    workers_per_instance: 1
    min_instances: 1
    max_instances: {max}
    slo: {{ percentile: 95, response_ms: 2000, max_utilization: 0.95 }}
    requests:
      - {{ name: crud, share: 1, cpu_ms: 20, cv: 1 }}
      - {{ name: chat, per_online_user_per_min: 0.1, cpu_ms: 100, cv: 0, slo: {{ response_ms: {chat_slo_ms} }} }}
"
    )
}

/// The FCFS mixture by hand (M/G/1 per instance, the Allen–Cunneen
/// wait exact for one server):
/// 6,000 × 0.5 × 0.2 = 600 online; crud 600 × 1 / 60 = 10 req/s, chat
/// 600 × 0.1 / 60 = 1 req/s; λ = 11.
/// - mean m = (10 × 0.02 + 1 × 0.1) / 11 = 0.027273 s; ρ = 11 m = 0.3.
/// - E[S²] = (10 × 0.02² × 2 + 1 × 0.1² × 1) / 11 = 0.018 / 11; SCV =
///   E[S²]/m² − 1 = 2.2 − 1 = 1.2.
/// - C = ρ = 0.3 (one server); the wait's decay (1/m − λ) / ((1 + SCV)/2)
///   = (36.667 − 11) / 1.1 = 23.333 /s (mean wait 0.3 / 23.333 = 12.86 ms,
///   Pollaczek–Khinchine's λE[S²]/(2(1 − ρ)) = 0.018 / 1.4).
/// - chat (constant 100 ms after the common wait): p95 = 0.1 + ln(0.3 /
///   0.05) / 23.333 = 0.1 + 0.07679 = 176.79 ms.
///
/// With a 170 ms chat target one instance misses it; two split the load
/// (λ 5.5, ρ 0.15, decay (36.667 − 5.5) / 1.1 = 28.333): p95 = 0.1 +
/// ln(0.15 / 0.05) / 28.333 = 138.77 ms, so the size is 2, set by chat.
#[test]
fn fcfs_classes_share_the_mixture_wait_and_a_class_target_sets_the_size() {
    let dir = scratch_dir("request-classes-fcfs");
    let tiers = write_file(&dir, "box.yaml", &testbox("one", 1, 4096));
    let plan = |name: &str, text: String| {
        let path = write_file(&dir, name, &text);
        run_json(&["recommend", "--scenario", &path, "--tiers", &tiers, "--format", "json"], 0)
    };
    let loose = plan("loose.yaml", two_classes(1000, 1));
    let api = &loose["components"][0];
    assert_eq!(api["count"], 1);
    assert!((f(&api["occupancy"]) - 0.3).abs() < 1e-9, "{api}");
    let decay = (1.0 / (0.3 / 11.0) - 11.0) / 1.1;
    let chat = f(&class(api, "chat")["p95_ms"]);
    assert!((chat - (0.1 + (0.3f64 / 0.05).ln() / decay) * 1e3).abs() < 1e-6, "{chat}");
    assert!((chat - 176.79).abs() < 0.01);
    // crud waits as long and is shorter on its own: between its own p95
    // alone (20 ms × ln 20 = 59.9 ms) and the chat's.
    let crud = f(&class(api, "crud")["p95_ms"]);
    assert!(crud > 59.9 && crud < chat, "{crud}");
    assert_eq!(api["binding"], "min_instances");

    let tight = plan("tight.yaml", two_classes(170, 4));
    let api = &tight["components"][0];
    assert_eq!(api["count"], 2);
    assert_eq!(api["binding"], "p95 (chat)");
    let decay = (1.0 / (0.3 / 11.0) - 5.5) / 1.1;
    let chat = class(api, "chat");
    assert!((f(&chat["p95_ms"]) - (0.1 + 3f64.ln() / decay) * 1e3).abs() < 1e-6, "{chat}");
    assert_eq!(chat["binds"], true);
    assert_eq!(class(api, "crud")["binds"], false);
}

/// Two identical classes splitting the requests are the single class:
/// the same mean and SCV, so the same count, utilization and p95, under
/// FCFS and processor sharing alike.
#[test]
fn identical_classes_plan_as_the_single_class_form() {
    let dir = scratch_dir("request-classes-identity");
    let base = std::fs::read_to_string("tests/fixtures/lambda-or-render.yaml").unwrap();
    let base = base.replace("candidates: [render/web, aws/lambda]", "candidates: [render/web]");
    let split = base.replace(
        "    cpu_ms: 15\n    io_ms: 20\n",
        "    requests:\n      - { name: a, share: 0.5, cpu_ms: 15, io_ms: 20 }\n      - { name: b, share: 0.5, cpu_ms: 15, io_ms: 20 }\n",
    );
    assert_ne!(split, base);
    for scheduling in ["", "    scheduling: ps\n"] {
        let plan = |name: &str, text: &str| {
            let path = write_file(&dir, name, &format!("{text}{scheduling}"));
            run_json(&["recommend", "--scenario", &path, "--users", "20000", "--format", "json"], 0)
        };
        let (one, two) = (plan("one.yaml", &base), plan("two.yaml", &split));
        let (a, b) = (&one["components"][0], &two["components"][0]);
        assert_eq!(a["tier"], b["tier"]);
        assert_eq!(a["count"], b["count"]);
        assert!((f(&a["utilization"]) - f(&b["utilization"])).abs() < 1e-12);
        let p95 = f(&a["p95_ms"]);
        for class in ["a", "b"] {
            let got = f(&class_of(b, class)["p95_ms"]);
            assert!((got - p95).abs() < 1e-6 * p95, "{scheduling:?} {class}: {got} vs {p95}");
        }
        assert!((f(&b["p95_ms"]) - p95).abs() < 1e-6 * p95);
        assert!(a.get("classes").is_none(), "the single-class form reports no classes");
    }
}

fn class_of<'a>(component: &'a Value, name: &str) -> &'a Value {
    class(component, name)
}

/// Token lines follow a class's volume (`driver: requests`, `class: chat`):
/// 5,000 users × 0.3 daily active × 6 messages = 9,000 a day, × 730/24 =
/// 273,750 a month; × 1,500 input tokens = 410.625 M, × 400 output = 109.5 M.
#[test]
fn token_lines_follow_the_class_rate() {
    let report = run_json(
        &[
            "recommend",
            "--scenario",
            "tests/fixtures/request-classes-week.yaml",
            "--users",
            "5000",
            "--format",
            "json",
        ],
        0,
    );
    let line = |name: &str| {
        report["usage"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone()
    };
    assert!((f(&line("assistant input tokens")["quantity"]) - 410.625).abs() < 1e-9);
    assert!((f(&line("assistant output tokens")["quantity"]) - 109.5).abs() < 1e-9);
    let api = &report["components"][0];
    assert_eq!(api["classes"].as_array().unwrap().len(), 3);
    assert!((f(&class(api, "chat")["requests_per_month"]) - 273_750.0).abs() < 1e-6);
}

#[test]
fn bad_classes_are_located_errors() {
    let dir = scratch_dir("request-classes-errors");
    let scenario = |classes: &str| {
        format!(
            "version: 1
name: bad
workload:
  users: 1000
  daily_active_ratio: 0.5
  peak_online_ratio: 0.1
  requests_per_online_user_per_min: 2
components:
  - name: api
    role: web
    candidates: [render/web]
    requests:
{classes}"
        )
    };
    for (name, classes, expected) in [
        (
            "no-cpu.yaml",
            "      - name: crud\n        share: 1\n",
            "bad.yaml:13:15: components.api.requests.crud: request class 'crud' needs cpu_ms",
        ),
        (
            "two-rates.yaml",
            "      - name: crud\n        share: 1\n        per_online_user_per_min: 2\n        cpu_ms: 5\n",
            "bad.yaml:15:9: components.api.requests.crud.per_online_user_per_min: expected one rate for request class 'crud', found share and per_online_user_per_min",
        ),
        (
            "shares.yaml",
            "      - { name: a, share: 0.7, cpu_ms: 5 }\n      - { name: b, share: 0.6, cpu_ms: 5 }\n",
            "bad.yaml:12:5: components.api.requests: expected the classes' shares of the workload's requests to sum to at most 1, found 1.3",
        ),
        (
            "unknown.yaml",
            "      - { name: a, share: 1, cpu_ms: 5, colour: red }\n",
            "bad.yaml:13:41: components[0].requests[0]: unknown field `colour`, expected one of `name`, `share`",
        ),
    ] {
        let path = write_file(&dir, &name.replace(".yaml", "-bad.yaml"), &scenario(classes));
        let (code, _, stderr) = run(&["recommend", "--scenario", &path]);
        assert_eq!(code, 2, "{name}: {stderr}");
        let expected = expected.replacen("bad.yaml", &path, 1);
        assert!(stderr.contains(&expected), "{name}:\n{stderr}\nexpected {expected}");
        assert!(!stderr.contains("panicked"));
    }
}

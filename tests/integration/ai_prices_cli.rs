//! AI model prices (issue 30): prompt-cache reads and writes, Claude Haiku
//! 5.5's 100,000-token prompt threshold, the priority tier, retired models
//! and `init --llm --model`, each against hand arithmetic from the catalog
//! figures (tiers/anthropic.yaml, openai.yaml, gemini.yaml, from
//! ../shared/research/pricing-2026-12.yaml and the providers' pages).

use crate::common::{capplan, close, run, run_json, scratch_dir, write_file};
use crate::pricing_cli::scenario;
use serde_json::Value;

/// Seconds in the 730-hour month capplan bills.
const MONTH_S: f64 = 730.0 * 3600.0;

fn usage_line<'a>(report: &'a Value, price: &str) -> &'a Value {
    report["usage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["price"] == price)
        .unwrap_or_else(|| panic!("no usage line priced by {price}: {}", report["usage"]))
}

fn usd(line: &Value) -> f64 {
    line["monthly_usd"].as_f64().unwrap_or_else(|| panic!("unpriced: {line}"))
}

fn recommend_file(path: &str) -> Value {
    run_json(&["recommend", "--scenario", path, "--format", "json"], 0)
}

/// `capplan ARGS` on a given day (retirements are dated).
fn run_on(day: &str, args: &[&str]) -> (i32, String, String) {
    let output = capplan().env("CAPPLAN_TODAY", day).args(args).output().expect("capplan runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_claude_sonnet_5_app_prices_the_reads_and_writes_of_its_cached_system_prompt() {
    let report = recommend_file("scenarios/examples/claude-prompt-cache.yaml");
    // 10 requests/s all day, one in 1,000 a call: 26,280 calls a month,
    // 0.01 a second. A call writes the 5-minute entry when no call came in
    // the 300 s before it: e^(-0.01 × 300) = e^-3 = 4.98% of calls, 1,308.4.
    let calls = 10.0 * MONTH_S / 1000.0;
    let writes = calls * (-3.0f64).exp();
    // Each write stores the 2,000-token prompt at $2.50 per 1M tokens:
    // 2.617M tokens, $6.54; the other 24,972 calls read it at $0.20:
    // 49.94M tokens, $9.99.
    let write = usage_line(&report, "anthropic/claude-sonnet-5-cache-write-5m");
    assert!(close(write["quantity"].as_f64().unwrap(), writes * 2000.0 / 1e6, 1e-9));
    assert!(close(usd(write), writes * 2000.0 / 1e6 * 2.50, 1e-9), "{write}");
    assert!(close(usd(write), 6.54, 1e-3));
    let read = usage_line(&report, "anthropic/claude-sonnet-5-cached-input");
    let reads = calls - writes;
    assert!(close(usd(read), reads * 2000.0 / 1e6 * 0.20, 1e-9), "{read}");
    assert!(close(usd(read), 9.99, 1e-3));
    // The rest of the prompt at $2 and the reply at $10 per 1M tokens.
    let input = usage_line(&report, "anthropic/claude-sonnet-5-input");
    assert!(close(usd(input), calls * 300.0 / 1e6 * 2.0, 1e-9));
    let output = usage_line(&report, "anthropic/claude-sonnet-5-output");
    assert!(close(usd(output), calls * 400.0 / 1e6 * 10.0, 1e-9));
    // Every cached token is billed once, as a read or as a write.
    let cached = read["quantity"].as_f64().unwrap() + write["quantity"].as_f64().unwrap();
    assert!(close(cached, calls * 2000.0 / 1e6, 1e-12));
    // The bill: one Render Starter ($7) and the four token lines.
    let tokens = 15.768 + 9.9886 + 6.5419 + 105.12;
    let total = report["monthly_usd"].as_f64().unwrap();
    assert!(close(total, 7.0 + tokens, 1e-4), "{total}");
    // Writing every call instead (counting writes as reads, the old
    // omission) would understate the cache lines; reading at the input
    // price would overstate them: the split is what the bill shows.
    assert!(usd(write) + usd(read) < calls * 2000.0 / 1e6 * 2.0);
}

/// A quiet night with the 1-hour lifetime, and the same prompt above Claude
/// Haiku 5.5's 100,000-token threshold, where every kind of the call costs
/// five times as much.
#[test]
fn the_write_share_follows_the_load_profile_and_haiku_5_5_switches_price_above_100k_tokens() {
    let dir = scratch_dir("ai-cache-night");
    // Calls only in the 12 day hours: 1,000 users × 0.1 online × 1/min =
    // 100 requests a minute at the peak, 1.667/s in the day hours, half a
    // month's seconds: 2,190,000 requests; one in 10,000 calls the model
    // (219 calls, 0.0002/s in the day hours).
    let workload = "  users: 1000\n  requests_per_online_user_per_min: 1\n  egress_mb_per_active_user_per_day: 0";
    let usage = |prompt: u32, cached: u32| {
        format!(
            "  - {{ name: triage, model: anthropic/claude-haiku-5-5, driver: requests, amount: 0.0001, input_tokens: {prompt}, cached_input_tokens: {cached}, cache_write: 1h, output_tokens: 100 }}"
        )
    };
    let text = |prompt, cached| {
        scenario(workload, "    candidates: [render/web]", "", &usage(prompt, cached)).replace(
            "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]",
            "[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]",
        )
    };
    let short = write_file(&dir, "short.yaml", &text(1000, 90_000));
    let report = recommend_file(&short);
    let requests = 1000.0 * 0.1 * 1.0 / 60.0 * MONTH_S / 2.0;
    let calls = requests / 10_000.0;
    // In a day hour calls arrive at 219 / (730/2 × 3600 s) = 0.000167/s:
    // the 1-hour entry has expired for e^(-0.000167 × 3600) = e^-0.6 =
    // 54.9% of them.
    let rate = calls / (MONTH_S / 2.0);
    let share = (-rate * 3600.0).exp();
    // A 91,000-token prompt: below 100,000, the base prices.
    let write = usage_line(&report, "anthropic/claude-haiku-5-5-cache-write-1h");
    assert!(close(usd(write), calls * share * 90_000.0 / 1e6 * 0.20, 1e-9), "{write}");
    let read = usage_line(&report, "anthropic/claude-haiku-5-5-cached-input");
    assert!(close(usd(read), calls * (1.0 - share) * 90_000.0 / 1e6 * 0.01, 1e-9));
    let output = usage_line(&report, "anthropic/claude-haiku-5-5-output");
    assert!(close(usd(output), calls * 100.0 / 1e6 * 0.50, 1e-9));
    // 11,000 more input tokens: a 101,000-token prompt bills the whole
    // request at the long-prompt rates ($0.50 input, $0.05 read, $1.00
    // 1-hour write, $2.50 output).
    let long = write_file(&dir, "long.yaml", &text(11_000, 90_000));
    let report = recommend_file(&long);
    let write = usage_line(&report, "anthropic/claude-haiku-5-5-cache-write-1h");
    assert!(close(usd(write), calls * share * 90_000.0 / 1e6 * 1.00, 1e-9));
    assert!(write["name"].as_str().unwrap().contains("prompts above 100000 tokens"));
    let input = usage_line(&report, "anthropic/claude-haiku-5-5-input");
    assert!(close(usd(input), calls * 11_000.0 / 1e6 * 0.50, 1e-9));
    let read = usage_line(&report, "anthropic/claude-haiku-5-5-cached-input");
    assert!(close(usd(read), calls * (1.0 - share) * 90_000.0 / 1e6 * 0.05, 1e-9));
    let output = usage_line(&report, "anthropic/claude-haiku-5-5-output");
    assert!(close(usd(output), calls * 100.0 / 1e6 * 2.50, 1e-9));
}

/// Sonnet 4.5 publishes no cache-hit price above 200,000-token prompts:
/// such a call's cached tokens are unpriced, and the total says so.
#[test]
fn a_long_prompt_without_a_published_long_price_is_unpriced_not_cheap() {
    let usage = "  - { name: review, model: anthropic/claude-sonnet-4-5, driver: requests, amount: 0.001, input_tokens: 150000, cached_input_tokens: 60000, output_tokens: 1000 }";
    let text = scenario(
        "  users: 1000\n  requests_per_online_user_per_min: 1\n  egress_mb_per_active_user_per_day: 0",
        "    candidates: [render/web]",
        "",
        usage,
    );
    let report = crate::pricing_cli::plan("ai-unpriced-long", &text, "1000");
    let read = usage_line(&report, "anthropic/claude-sonnet-4-5-cached-input");
    assert!(read["monthly_usd"].is_null(), "{read}");
    let unpriced = report["unpriced"].to_string();
    assert!(unpriced.contains("anthropic/claude-sonnet-4-5-cached-input"), "{unpriced}");
    // The input and output above 200,000 tokens have prices ($6.00 and
    // $22.50 per 1M); the total counts them and says what it leaves out.
    let input = usage_line(&report, "anthropic/claude-sonnet-4-5-input");
    let calls = 1000.0 * 0.1 / 60.0 * MONTH_S / 1000.0;
    assert!(close(usd(input), calls * 0.15 * 6.0, 1e-9));
    let output = usage_line(&report, "anthropic/claude-sonnet-4-5-output");
    assert!(close(usd(output), calls * 0.001 * 22.5, 1e-9));
    let instances: f64 = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["total_monthly_usd"].as_f64().unwrap())
        .sum();
    let total = report["monthly_usd"].as_f64().unwrap();
    assert!(close(total, instances + usd(input) + usd(output), 1e-9), "{total}");
    let warned = report["warnings"].to_string();
    assert!(warned.contains("anthropic/claude-sonnet-4-5-cached-input is unpriced"), "{warned}");
}

#[test]
fn priority_uses_the_published_priority_price_and_refuses_what_has_none() {
    let workload = "  users: 1000\n  requests_per_online_user_per_min: 1\n  egress_mb_per_active_user_per_day: 0";
    let item = |model: &str, extra: &str| {
        format!(
            "  - {{ name: answer, model: {model}, driver: requests, amount: 0.01, input_tokens: 1000, output_tokens: 200{extra} }}"
        )
    };
    let text = scenario(
        workload,
        "    candidates: [render/web]",
        "",
        &item("openai/gpt-5.6-terra", ", priority: true"),
    );
    let report = crate::pricing_cli::plan("ai-priority", &text, "1000");
    // GPT-5.6 Terra on the fast (priority) tier: $4 input, $24 output,
    // twice the standard $2 / $12.
    let calls = 1000.0 * 0.1 / 60.0 * MONTH_S / 100.0;
    let input = usage_line(&report, "openai/gpt-5.6-terra-input");
    assert!(close(usd(input), calls * 1000.0 / 1e6 * 4.0, 1e-9), "{input}");
    assert!(input["name"].as_str().unwrap().ends_with(", priority"));
    let output = usage_line(&report, "openai/gpt-5.6-terra-output");
    assert!(close(usd(output), calls * 200.0 / 1e6 * 24.0, 1e-9));
    // Anthropic publishes no per-token priority price: refused, located.
    let dir = scratch_dir("ai-priority-refused");
    let path = write_file(
        &dir,
        "scenario.yaml",
        &scenario(
            workload,
            "    candidates: [render/web]",
            "",
            &item("anthropic/claude-sonnet-5", ", priority: true"),
        ),
    );
    let (code, _, stderr) = run(&["recommend", "--scenario", &path]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no priority price for 'anthropic/claude-sonnet-5-input'"), "{stderr}");
    assert!(stderr.contains("usage.answer.priority"), "{stderr}");
    let both = write_file(
        &dir,
        "both.yaml",
        &scenario(
            workload,
            "    candidates: [render/web]",
            "",
            &item("openai/gpt-5.6-terra", ", priority: true, batch: true"),
        ),
    );
    let (code, _, stderr) = run(&["check", &both]);
    assert_eq!(code, 2, "{stderr}");
    let (_, stdout, _) = run(&["check", &both]);
    assert!(stdout.contains("give 'batch' or 'priority', not both"), "{stdout}");
}

#[test]
fn cache_writes_need_a_cached_prompt_and_a_write_price() {
    let dir = scratch_dir("ai-cache-refused");
    let workload = "  users: 1000\n  requests_per_online_user_per_min: 1\n  egress_mb_per_active_user_per_day: 0";
    for (item, expected) in [
        (
            "{ name: chat, model: anthropic/claude-sonnet-5, driver: requests, input_tokens: 100, cache_write: 5m }",
            "'cache_write' needs 'cached_input_tokens'",
        ),
        (
            // The catalog has no cache-write price for GPT-5.6 Luna.
            "{ name: chat, model: openai/gpt-5.6-luna, driver: requests, cached_input_tokens: 100, cache_write: 1h }",
            "no cache-write-1h token price for model 'openai/gpt-5.6-luna'",
        ),
    ] {
        let text = scenario(workload, "    candidates: [render/web]", "", &format!("  - {item}"));
        let path = write_file(&dir, "scenario.yaml", &text);
        let (code, _, stderr) = run(&["recommend", "--scenario", &path]);
        assert_eq!(code, 2, "{item}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(stderr.contains("scenario.yaml:"), "not located: {stderr}");
    }
}

fn warnings_of(report: &Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .filter(|w| w.contains("retire"))
        .collect()
}

#[test]
fn a_retired_model_warns_once_naming_its_successor_in_recommend_and_check() {
    let dir = scratch_dir("ai-retired");
    let workload = "  users: 1000\n  requests_per_online_user_per_min: 1\n  egress_mb_per_active_user_per_day: 0";
    // Two items on Claude Sonnet 4 (retired 2026-06-15), one on a model
    // still sold.
    let usage = "  - { name: summarise, model: anthropic/claude-sonnet-4, driver: requests, amount: 0.01, input_tokens: 1000, cached_input_tokens: 500, output_tokens: 200 }
  - { name: classify, model: anthropic/claude-sonnet-4, driver: requests, amount: 0.01, input_tokens: 300, output_tokens: 5 }
  - { name: route, model: anthropic/claude-haiku-5-5, driver: requests, amount: 0.01, input_tokens: 300, output_tokens: 5 }";
    let path = write_file(
        &dir,
        "scenario.yaml",
        &scenario(workload, "    candidates: [render/web]", "", usage),
    );
    let (code, stdout, stderr) =
        run_on("2026-12-07", &["recommend", "--scenario", &path, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let warnings = warnings_of(&report);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("model 'anthropic/claude-sonnet-4' was retired on 2026-06-15")
            && warnings[0].contains("its successor is anthropic/claude-sonnet-4-6"),
        "{}",
        warnings[0]
    );
    // It still prices, at the last published price ($3 per 1M input; the
    // first item's line).
    let input = usage_line(&report, "anthropic/claude-sonnet-4-input");
    let calls = 1000.0 * 0.1 / 60.0 * MONTH_S / 100.0;
    assert!(close(usd(input), calls * 1000.0 / 1e6 * 3.0, 1e-9), "{input}");
    // `check` says the same, located at the first item's model.
    let (code, stdout, _) = run_on("2026-12-07", &["check", &path]);
    assert_eq!(code, 0, "{stdout}");
    let lines: Vec<&str> = stdout.lines().filter(|l| l.contains("retired")).collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(lines[0].contains("scenario.yaml:") && lines[0].contains("warning"), "{}", lines[0]);
    assert!(lines[0].contains("usage.summarise.model"), "{}", lines[0]);
}

#[test]
fn a_retirement_is_told_by_the_day_and_follows_retired_successors() {
    let dir = scratch_dir("ai-retired-days");
    let workload = "  users: 1000\n  requests_per_online_user_per_min: 1\n  egress_mb_per_active_user_per_day: 0";
    let usage = "  - { name: tag, model: gemini/gemini-2.0-flash, driver: requests, amount: 0.01, input_tokens: 300, output_tokens: 5 }
  - { name: old price, price: openai/gpt-4o-mini-input, driver: requests, amount: 10 }";
    let path = write_file(
        &dir,
        "scenario.yaml",
        &scenario(workload, "    candidates: [render/web]", "", usage),
    );
    let warnings = |day: &str| {
        let (code, stdout, stderr) =
            run_on(day, &["recommend", "--scenario", &path, "--format", "json"]);
        assert_eq!(code, 0, "{stderr}");
        warnings_of(&serde_json::from_str(&stdout).unwrap())
    };
    // On 2026-11-21 Gemini 2.0 Flash is gone (2026-06-01) and its successor
    // 2.5 Flash is still sold; GPT-4o mini retires in January.
    let before = warnings("2026-11-21");
    assert_eq!(before.len(), 2, "{before:?}");
    assert!(before[0].contains("its successor is gemini/gemini-2.5-flash"), "{}", before[0]);
    assert!(
        before[1].contains("model 'openai/gpt-4o-mini' retires on 2027-01-14")
            && before[1].contains("openai/gpt-6-luna (not priced in this catalog"),
        "{}",
        before[1]
    );
    // After 2026-12-01 2.5 Flash is retired too: the warning names the
    // model to move to and the way there.
    let after = warnings("2026-12-07");
    assert!(
        after[0].contains(
            "move to gemini/gemini-3.5-flash-lite, via gemini/gemini-2.5-flash, itself retired on 2026-12-01"
        ),
        "{}",
        after[0]
    );
    // A seed scenario modelled on a guide that used GPT-4 warns too.
    let seed = run_json(
        &["recommend", "--scenario", "scenarios/ai-interview-coach.yaml", "--format", "json"],
        0,
    );
    // Its four items name GPT-4's input and output prices: one warning.
    let seed = warnings_of(&seed);
    assert_eq!(seed.len(), 1, "{seed:?}");
    assert!(
        seed[0].contains("model 'openai/gpt-4' was retired on 2026-10-23")
            && seed[0].contains("its successor is openai/gpt-5.6-sol"),
        "{seed:?}"
    );
}

#[test]
fn init_llm_model_writes_a_scenario_priced_at_that_models_prices() {
    let dir = scratch_dir("ai-init-model");
    for (model, input_usd, output_usd) in
        [("anthropic/claude-haiku-5-5", 0.10, 0.50), ("openai/gpt-5.6-luna", 0.20, 1.20)]
    {
        let path = dir.join(format!("{}.yaml", model.replace('/', "-")));
        let path = path.to_str().unwrap();
        let (code, stdout, stderr) =
            run(&["init", path, "--llm", "--model", model, "--users", "20k", "--rps", "40"]);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.contains(&format!("LLM tokens on {model}")), "{stdout}");
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains(&format!("model: {model}\n")), "{text}");
        let report = recommend_file(path);
        // 40 requests/s at the peak hour of init's daytime profile, whose
        // 24 hours average 13.05/24 of the peak: 57.16M requests; one in
        // ten calls the model, a fifth of those answered from the app's
        // cache: 4,572,720 calls of 800 input and 400 output tokens.
        let calls = 40.0 * 13.05 / 24.0 * MONTH_S * 0.1 * (1.0 - 0.2);
        let input = usage_line(&report, &format!("{model}-input"));
        assert!(close(usd(input), calls * 800.0 / 1e6 * input_usd, 1e-9), "{input}");
        let output = usage_line(&report, &format!("{model}-output"));
        assert!(close(usd(output), calls * 400.0 / 1e6 * output_usd, 1e-9), "{output}");
    }
    // An unknown model is refused before anything is written, listing the
    // provider's models.
    let path = dir.join("unknown.yaml");
    let (code, _, stderr) =
        run(&["init", path.to_str().unwrap(), "--llm", "--model", "anthropic/claude-haiku-9"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--model: unknown model 'anthropic/claude-haiku-9': expected one of anthropic/claude-sonnet-5"),
        "{stderr}"
    );
    assert!(!path.exists());
    let (code, _, stderr) = run(&["init", "-", "--llm", "--model", "nobody/model"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("expected provider/model of a provider with model prices, one of anthropic, gemini, openai"),
        "{stderr}"
    );
    // A retired model is allowed, with the warning said at once.
    let path = dir.join("retired.yaml");
    let (code, stdout, _) = run_on(
        "2026-12-07",
        &["init", path.to_str().unwrap(), "--llm", "--model", "anthropic/claude-sonnet-4"],
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("warning") && stdout.contains("was retired on 2026-06-15"), "{stdout}");
}

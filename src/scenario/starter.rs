//! `capplan init`: a commented starter scenario for a stack and an app
//! shape. Every assumption is written out with its meaning and unit, so the
//! file is a checklist of what to measure; as written it passes `check` and
//! `recommend`.

use crate::catalog::Catalog;
use crate::scenario::ComponentRole;
use crate::scenario::stacks::Stack;

/// The shape of the app to start from.
#[derive(Debug, Clone, PartialEq)]
pub struct InitOptions {
    /// Registered users to plan for.
    pub users: f64,
    /// Peak requests per second at `users`, if known (sets the per-user rate).
    pub peak_rps: Option<f64>,
    /// A background worker running jobs.
    pub worker: bool,
    /// LLM calls (priced per token), in the worker's jobs or per request.
    pub llm: bool,
    /// The model of the LLM calls, `provider/model` (default
    /// [`DEFAULT_LLM_MODEL`]).
    pub model: Option<String>,
    /// When the users come: the load profile the file starts from.
    pub shape: AppShape,
}

/// When an app's users come, for the load profile `init` writes. The
/// profiles are starting assumptions, said so in the file, to be replaced
/// from the app's own hourly traffic (`capplan calibrate --fit
/// load_profile`); any profile beats the flat default, which bills the
/// peak rate for all 730 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AppShape {
    /// Evenings busiest, quiet at night, every day alike.
    #[default]
    Consumer,
    /// Weekday office hours busiest; evenings, nights and weekends quiet.
    Business,
    /// Users in every time zone: every hour busy, a shallow trough.
    Global,
}

impl AppShape {
    pub const ALL: [AppShape; 3] = [AppShape::Consumer, AppShape::Business, AppShape::Global];

    pub fn as_str(self) -> &'static str {
        match self {
            AppShape::Consumer => "consumer",
            AppShape::Business => "business",
            AppShape::Global => "global",
        }
    }

    /// The `load_profile` lines of the file: the comment and the value.
    fn profile_text(self) -> String {
        // 24 values as three rows of 8 (00-07, 08-15, 16-23), each under
        // the first's `[`.
        let day = |values: &[f64; 24], indent: usize| {
            let rows: Vec<String> = values
                .chunks(8)
                .map(|part| part.iter().map(|v| trim(*v)).collect::<Vec<_>>().join(", "))
                .collect();
            format!("[{}]", rows.join(&format!(",\n{}", " ".repeat(indent))))
        };
        let (what, value) = match self {
            AppShape::Consumer => (
                "each hour of the day (24 values, UTC, the busiest 1.0): an\n  \
                 # assumed consumer shape (`--shape consumer`), busiest in the evening,\n  \
                 # quiet at night.",
                format!(" {}", day(&CONSUMER_DAY, 17)),
            ),
            AppShape::Business => (
                "each hour (UTC, the busiest 1.0), Monday to Friday and\n  \
                 # at the weekend: an assumed business shape (`--shape business`),\n  \
                 # busiest in office hours, quiet in the evening and at weekends.",
                format!(
                    "\n    weekday: {}\n    weekend: {}",
                    day(&BUSINESS_WEEKDAY, 14),
                    day(&BUSINESS_WEEKEND, 14)
                ),
            ),
            AppShape::Global => (
                "each hour of the day (24 values, UTC, the busiest 1.0): an\n  \
                 # assumed global shape (`--shape global`), users in every time zone, a\n  \
                 # shallow trough.",
                format!(" {}", day(&GLOBAL_DAY, 17)),
            ),
        };
        format!(
            "  # Relative load in {what}\n  \
             # Replace it with your own hourly traffic: `capplan calibrate requests.csv\n  \
             # --fit load_profile` fits it from request counts by hour. Without a\n  \
             # profile every hour is the peak, and usage (egress, tokens, autoscaled\n  \
             # instances) is billed at the peak rate all month.\n  \
             load_profile:{value}\n"
        )
    }
}

/// The assumed profiles `init` starts from (shares of the busiest hour).
const CONSUMER_DAY: [f64; 24] = [
    0.15, 0.1, 0.1, 0.1, 0.1, 0.15, 0.25, 0.4, 0.55, 0.65, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.75,
    0.85, 0.95, 1.0, 1.0, 0.85, 0.6, 0.3,
];
const BUSINESS_WEEKDAY: [f64; 24] = [
    0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.45, 0.8, 1.0, 1.0, 0.95, 0.8, 0.95, 1.0, 0.95, 0.85,
    0.6, 0.35, 0.2, 0.15, 0.1, 0.1, 0.05,
];
const BUSINESS_WEEKEND: [f64; 24] = [
    0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.1, 0.15, 0.15, 0.15, 0.15, 0.15, 0.1,
    0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05,
];
const GLOBAL_DAY: [f64; 24] = [
    0.75, 0.7, 0.65, 0.6, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.9, 0.9, 0.95, 1.0, 1.0, 1.0,
    0.95, 0.95, 0.9, 0.9, 0.85, 0.85, 0.8,
];

/// The model a starter file's LLM calls use unless `--model` names
/// another: the cheapest current model whose prices come from the
/// provider's own page with high confidence (Claude Haiku 5.5, $0.10 /
/// $0.50 per 1M tokens up to 100,000-token prompts).
pub const DEFAULT_LLM_MODEL: &str = "anthropic/claude-haiku-5-5";

/// Ratios the starter file assumes (a typical consumer web app).
const DAILY_ACTIVE_RATIO: f64 = 0.3;
const PEAK_ONLINE_RATIO: f64 = 0.1;
const REQUESTS_PER_ONLINE_USER_PER_MIN: f64 = 3.0;

/// The starter scenario text for `stack`, or why the stack cannot hold it.
pub fn starter_scenario(
    stack: &Stack,
    options: &InitOptions,
    catalog: &Catalog,
) -> Result<String, String> {
    if !(options.users.is_finite() && options.users >= 1.0) {
        return Err(format!("--users: expected at least 1 user, got {}", options.users));
    }
    if let Some(rps) = options.peak_rps
        && !(rps.is_finite() && rps > 0.0)
    {
        return Err(format!("--rps: expected a positive rate, got {rps}"));
    }
    // A cache is sized by memory: offerings whose tiers publish none
    // cannot be planned, so the file says so instead of failing later.
    let caches = stack.offerings(ComponentRole::Cache).unwrap_or_default();
    let sized = caches.iter().any(|reference| {
        catalog.offering(reference).is_some_and(|(_, offering)| {
            offering.tiers.iter().any(|t| t.capacity.memory_mb.is_some())
        })
    });
    let users = options.users.round();
    let mut text = workload_text(stack, options);
    text.push_str(&components_text(stack, options, caches, sized)?);
    text.push_str(
        "\nusage:\n\
         \x20 # Outbound data, priced at the egress rate of the platform the API runs on.\n\
         \x20 - name: egress\n\
         \x20   served_by: api\n\
         \x20   driver: egress_gb\n",
    );
    if options.llm {
        let model = options.model.as_deref().unwrap_or(DEFAULT_LLM_MODEL);
        catalog.resolve_model(model).map_err(|e| format!("--model: {e}"))?;
        let provider = model.split('/').next().unwrap_or(model);
        // Per job, every job calls the model; per request, about one in
        // ten does.
        let (driver, per) = if options.worker {
            ("jobs\n    class: background", "one call a job")
        } else {
            (
                "requests\n    amount: 0.1                 # calls per request: one request in ten calls the model",
                "one call in ten requests",
            )
        };
        text.push_str(&format!(
            "  # LLM calls ({per}), priced per 1M tokens at the catalog's prices\n\
             \x20 # for the model (`capplan tiers show {provider}`); tokens are per call.\n\
             \x20 - name: LLM calls\n\
             \x20   model: {model}\n\
             \x20   driver: {driver}\n\
             \x20   input_tokens: 800           # prompt tokens per call\n\
             \x20   output_tokens: 400          # completion tokens per call\n\
             \x20   cache_hit_ratio: 0.2        # share answered from your own cache, not the model\n\
             \x20 # A prompt prefix every call repeats (a system prompt) costs less read from\n\
             \x20 # the provider's prompt cache: see cached_input_tokens and cache_write in\n\
             \x20 # docs/scenarios.md.\n"
        ));
    }
    text.push_str(&format!(
        "\n# What `capplan check` holds this file to; set your own budget and targets.\n\
         assert:\n\
         \x20 - {{ users: {users}, max_p95_ms: 300 }}\n"
    ));
    Ok(text)
}

/// The header and the workload: users, ratios, the rate (from `--rps` if
/// given), the daily profile, sizes, and a job class with `--worker`.
fn workload_text(stack: &Stack, options: &InitOptions) -> String {
    let users = options.users.round();
    let online_at_peak = users * DAILY_ACTIVE_RATIO * PEAK_ONLINE_RATIO;
    let rate = match options.peak_rps {
        Some(rps) => format!(
            "  # From --rps {rps}: {rps} requests/s at {users} users, {online} online at the peak\n  # hour, is {rate} requests a minute per online user.\n  requests_per_online_user_per_min: {rate}\n",
            users = users,
            online = trim(online_at_peak),
            rate = trim(rps * 60.0 / online_at_peak),
        ),
        None => format!(
            "  # API calls a minute per online user (page loads, polling, actions).\n  requests_per_online_user_per_min: {}\n",
            trim(REQUESTS_PER_ONLINE_USER_PER_MIN)
        ),
    };
    let mut text = format!(
        "# capplan starter scenario: stack '{id}' ({name}).\n\
         # Written by `capplan init`. Every number below is an assumption with its\n\
         # unit in the field name; replace each with a measurement when you have one\n\
         # (`capplan calibrate` fits several from load tests). Then:\n\
         #   capplan recommend --scenario THIS_FILE\n\
         #   capplan check THIS_FILE\n\
         # docs/scenarios.md describes every field.\n\
         version: 1\n\
         name: My app on {id}\n\
         \n\
         workload:\n\
         \x20 # Registered users to plan for (`--users` overrides it on every command).\n\
         \x20 users: {users}\n\
         \x20 # Share of users active on a given day (0-1).\n\
         \x20 daily_active_ratio: {dar}\n\
         \x20 # Share of the day's active users online in the busiest hour (0-1).\n\
         \x20 peak_online_ratio: {por}\n\
         {rate}\
         {profile}\
         \x20 # Data stored per registered user, in MB (rows, documents, indexes).\n\
         \x20 storage_mb_per_user: 1\n\
         \x20 # Share of the data read often enough to belong in database RAM (0-1).\n\
         \x20 working_set_ratio: 0.2\n\
         \x20 # Cache memory per online user, in KB (sessions, per-user keys).\n\
         \x20 cache_kb_per_online_user: 50\n\
         \x20 # Cache memory shared by everyone, in MB (hot lists, config).\n\
         \x20 cache_hot_data_mb: 10\n\
         \x20 # Outbound data per daily active user, in MB a day (responses, downloads).\n\
         \x20 egress_mb_per_active_user_per_day: 2\n",
        id = stack.id,
        name = stack.name.as_deref().unwrap_or(&stack.id),
        users = users,
        dar = DAILY_ACTIVE_RATIO,
        por = PEAK_ONLINE_RATIO,
        rate = rate,
        profile = options.shape.profile_text(),
    );
    if options.worker {
        text.push_str(
            "  jobs:\n\
             \x20   # Background jobs per daily active user per day.\n\
             \x20   - { name: background, per_active_user_per_day: 2 }\n",
        );
    }
    text
}

/// The components: an API, a worker (with `--worker`), the database and a
/// cache where the stack's cache tiers publish their memory.
fn components_text(
    stack: &Stack,
    options: &InitOptions,
    caches: &[String],
    sized: bool,
) -> Result<String, String> {
    let mut text = String::new();
    text.push_str(&format!(
        "\ncomponents:\n\
         \x20 - name: api\n\
         \x20   role: web\n\
         \x20   # The offerings the planner may choose from (provider/offering).\n\
         \x20   candidates: {web}\n\
         \x20   # CPU time per request, in ms (profile a handler, or `capplan calibrate`).\n\
         \x20   cpu_ms: 20\n\
         \x20   # Variability of that time: 1.0 is exponential, 0 constant.\n\
         \x20   cv: 1.0\n\
         \x20   # Time per request spent waiting on the database, cache and APIs, in ms.\n\
         \x20   io_ms: 30\n\
         \x20   # Memory per server process, in MB, and per request in flight.\n\
         \x20   memory_mb_per_worker: 200\n\
         \x20   memory_mb_per_request: 1\n\
         \x20   # Database operations per request, and connections per instance (pool size).\n\
         \x20   db_ops_per_request: 2\n\
         \x20   db_pool_per_instance: 10\n\
         {api_cache}\
         \x20   # At least two instances, so one can fail or restart without an outage.\n\
         \x20   high_availability: true\n\
         \x20   slo:\n\
         \x20     percentile: 95\n\
         \x20     response_ms: 300           # 95% of requests answered within 300 ms\n\
         \x20     max_utilization: 0.7       # keep CPU below 70% at the peak hour\n\
         {web_limits}",
        web = offerings(stack, ComponentRole::Web)?,
        web_limits = accepted(stack, ComponentRole::Web),
        api_cache = if sized {
            "    # Cache operations per request, and connections per instance.\n    cache_ops_per_request: 1\n    cache_connections_per_instance: 2\n"
        } else {
            ""
        },
    ));
    if options.worker {
        let llm_job = if options.llm {
            "      # An LLM call: mostly waiting on the model, little CPU.\n      - { class: background, duration_s: 5, cpu_ms: 50, cv: 1.0 }\n"
        } else {
            "      # A typical job: its wall-clock duration and CPU time.\n      - { class: background, duration_s: 2, cpu_ms: 200, cv: 1.0 }\n"
        };
        text.push_str(&format!(
            "\n  - name: worker\n\
             \x20   role: worker\n\
             \x20   candidates: {worker}\n\
             \x20   # Jobs one instance runs at once (its queue concurrency).\n\
             \x20   concurrency_per_instance: 10\n\
             \x20   jobs:\n\
             {llm_job}\
             \x20   memory_mb_per_job: 50\n\
             \x20   # Database operations per job, and connections per instance.\n\
             \x20   db_ops_per_job: 5\n\
             \x20   db_pool_per_instance: 5\n\
             {worker_cache}\
             \x20   min_instances: 1\n\
             \x20   slo:\n\
             \x20     percentile: 95\n\
             \x20     wait_s: 30                 # 95% of jobs start within 30 s\n\
             \x20     max_utilization: 0.7\n\
             {worker_limits}",
            worker = offerings(stack, ComponentRole::Worker)?,
            worker_limits = accepted(stack, ComponentRole::Worker),
            worker_cache = if sized {
                "    # Cache operations per job, and connections per instance (queue clients).\n    cache_ops_per_job: 2\n    cache_connections_per_instance: 3\n"
            } else {
                ""
            },
        ));
    }
    text.push_str(&format!(
        "\n  - name: db\n\
         \x20   role: database\n\
         \x20   candidates: {database}\n\
         \x20   # Storage to provision per GB of data (indexes, growth).\n\
         \x20   storage_headroom: 1.5\n\
         \x20   # Simple indexed operations a second one vCPU serves, where a tier\n\
         \x20   # publishes no operations limit.\n\
         \x20   ops_per_vcpu: 1000\n\
         \x20   slo:\n\
         \x20     max_utilization: 0.7\n\
         {database_limits}",
        database = offerings(stack, ComponentRole::Database)?,
        database_limits = accepted(stack, ComponentRole::Database),
    ));
    if !caches.is_empty() && !sized {
        text.push_str(&format!(
            "\n  # No cache: the catalog publishes no memory size for {}, so a cache there\n  # cannot be sized. Add one with its memory in a catalog overlay (`--tiers`).\n",
            caches.join(", ")
        ));
    }
    if sized {
        text.push_str(&format!(
            "\n  - name: cache\n\
             \x20   role: cache\n\
             \x20   candidates: {cache}\n\
             \x20   # Memory to provision per MB of cached data.\n\
             \x20   memory_headroom: 1.25\n\
             {cache_limits}",
            cache = offerings(stack, ComponentRole::Cache)?,
            cache_limits = accepted(stack, ComponentRole::Cache),
        ));
    }
    Ok(text)
}

/// The stack's offerings for `role` as a YAML list, or why it has none.
fn offerings(stack: &Stack, role: ComponentRole) -> Result<String, String> {
    let list = stack.offerings(role).unwrap_or_default();
    if list.is_empty() {
        return Err(format!(
            "stack '{}' has no {} offering; choose another --stack or leave the {} out",
            stack.id,
            role.as_str(),
            role.as_str()
        ));
    }
    Ok(format!("[{}]", list.join(", ")))
}

/// The limits the stack's catalog does not publish for `role`, accepted
/// in the file with a comment saying so.
fn accepted(stack: &Stack, role: ComponentRole) -> String {
    match stack.accept_unverified_limits.get(&role) {
        Some(limits) if !limits.is_empty() => format!(
            "    # The catalog does not publish these limits for this platform; planning\n    # accepts them unchecked (remove a name to insist on a published figure).\n    accept_unverified_limits: [{}]\n",
            limits.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(", ")
        ),
        _ => String::new(),
    }
}

/// A number without trailing zeros (at most 3 decimals).
fn trim(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        crate::catalog::load().unwrap()
    }

    fn stacks() -> Vec<Stack> {
        crate::scenario::stacks::parse_stacks(
            crate::scenario::stacks::SHIPPED_STACKS,
            "stacks.yaml",
        )
        .unwrap()
    }

    #[test]
    fn rps_sets_the_per_user_rate() {
        let render = stacks().into_iter().find(|s| s.id == "render").unwrap();
        let options = InitOptions {
            users: 10000.0,
            peak_rps: Some(50.0),
            worker: false,
            llm: false,
            model: None,
            shape: AppShape::Consumer,
        };
        let text = starter_scenario(&render, &options, &catalog()).unwrap();
        // 10,000 × 0.3 × 0.1 = 300 online; 50/s × 60 / 300 = 10 a minute each.
        assert!(text.contains("requests_per_online_user_per_min: 10\n"), "{text}");
    }

    #[test]
    fn a_stack_without_workers_refuses_a_worker() {
        let vercel = stacks().into_iter().find(|s| s.id == "supabase-vercel").unwrap();
        let options = InitOptions {
            users: 1000.0,
            peak_rps: None,
            worker: true,
            llm: false,
            model: None,
            shape: AppShape::Consumer,
        };
        let error = starter_scenario(&vercel, &options, &catalog()).unwrap_err();
        assert!(error.contains("no worker offering"), "{error}");
    }
}

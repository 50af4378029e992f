//! Scenarios: what the application does per user and per request, which
//! offerings each component may run on, and the targets it must meet.
//! YAML or TOML with the same structure, strict, versioned; documented field
//! by field in `docs/scenarios.md`.

mod component;
mod load;
mod mix;
mod patch;
pub mod stacks;
pub mod starter;
mod timing;
pub mod uncertain;
mod validate;

pub use component::*;
pub use mix::*;
pub use timing::{LoadProfile, PeakEvent, Schedule, ScheduleDays, WEEKDAY_NAMES, WeekParts};
pub use validate::CacheLifetime;

pub use load::{
    DEFAULT_SCENARIO, ScenarioError, ScenarioFile, load_patched, load_scenario, parse_scenario,
};
pub use patch::{Applied, Patch, PatchedField, apply_patch};
pub use validate::validate;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub version: u32,
    pub name: String,
    pub description: Option<String>,
    pub workload: Workload,
    pub components: Vec<Component>,
    #[serde(default)]
    pub usage: Vec<UsageItem>,
    /// The stage ladder, cheapest first.
    #[serde(default)]
    pub stages: Vec<Stage>,
    /// Seats of per-seat platform plans (default 1).
    pub seats: Option<u32>,
    /// Plan every web component and datastore highly available (at least
    /// two web instances, standby or replica nodes); a component's own
    /// `high_availability` overrides it. Unset: the plan warns where it has
    /// a single point of failure.
    pub high_availability: Option<bool>,
    /// Environments besides production (staging, previews): planned at
    /// their own load or run as a fixed mix, priced into the total.
    #[serde(default)]
    pub environments: Vec<Environment>,
    /// Assertions `capplan check` evaluates (budgets, stages, latency).
    #[serde(default, rename = "assert")]
    pub assertions: Vec<Assertion>,
    /// Plan on published limits only: a limit the catalog or a role
    /// default only estimates counts as unpublished (`--strict-limits`).
    pub strict_limits: Option<bool>,
    /// The mix that runs today, by component: priced and checked beside
    /// the recommendation.
    #[serde(default)]
    pub current: Option<std::collections::BTreeMap<String, CurrentTier>>,
}

/// What must hold at one load; every limit given is checked.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assertion {
    /// The user count to plan (or give `rpm`).
    pub users: Option<f64>,
    /// A peak request rate per minute: alone, the users are inferred from
    /// the scenario's ratios; with `users`, it sets the requests per online
    /// user (the rule `--rpm` follows).
    pub rpm: Option<f64>,
    pub max_monthly_usd: Option<f64>,
    /// With intervals: the 95th percentile of the least-regret mix's
    /// monthly cost over the sampled worlds.
    pub max_monthly_usd_p95: Option<f64>,
    /// With intervals: the least share of sampled worlds in which the
    /// least-regret mix meets every SLO (0 to 1).
    pub min_slo_probability: Option<f64>,
    pub max_usd_per_user: Option<f64>,
    /// The expected stage name.
    pub stage: Option<String>,
    /// p95 limit in ms: of `component`, or of every web and worker component.
    pub max_p95_ms: Option<f64>,
    pub component: Option<String>,
    /// Whether a feasible plan must exist (default true).
    pub feasible: Option<bool>,
    /// `true`: the plan may rest on no estimated limit (every limit it is
    /// checked on is published); the failure lists the estimates.
    pub published_limits_only: Option<bool>,
    /// Whether the scenario's `current:` mix must hold the load.
    pub current_holds: Option<bool>,
    /// What `max_monthly_usd` and `max_usd_per_user` bound: the
    /// recommendation (default) or the scenario's `current:` mix.
    pub target: Option<AssertionTarget>,
}

/// The mix a budget assertion is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AssertionTarget {
    Recommended,
    Current,
}

/// Users and what they do.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// The user count planned when none is given on the command line.
    pub users: Option<f64>,
    /// Fraction of users active on a given day.
    pub daily_active_ratio: f64,
    /// Fraction of the day's active users online at the peak hour.
    pub peak_online_ratio: f64,
    /// API requests per online user per minute.
    pub requests_per_online_user_per_min: f64,
    /// Relative load hour by hour: 24 values (a day), 168 (a week, Monday
    /// 00:00 first) or `{weekday: [24], weekend: [24]}`. The busiest hour
    /// sizes instances; usage is billed on the average. Absent: flat.
    pub load_profile: Option<LoadProfile>,
    /// Named peak events (a launch): the busiest hour's load × `factor`
    /// for `hours_per_month` hours; sized for, their extra volume billed.
    #[serde(default)]
    pub peaks: Vec<PeakEvent>,
    /// Stored data per registered user, MB.
    #[serde(default)]
    pub storage_mb_per_user: f64,
    /// Share of stored data that is hot and should fit in database RAM.
    #[serde(default)]
    pub working_set_ratio: f64,
    /// Share of registered users active in a month (0–1), for prices per
    /// monthly active user; absent, every registered user counts.
    pub monthly_active_ratio: Option<f64>,
    /// Data the database holds whatever the user count (shared reference
    /// data, map geometry), GB: added to the users' data.
    pub fixed_data_gb: Option<f64>,
    /// Cache memory per online user, KB.
    #[serde(default)]
    pub cache_kb_per_online_user: f64,
    /// Cache memory that does not grow with users, MB.
    #[serde(default)]
    pub cache_hot_data_mb: f64,
    /// Outbound data per active user per day, MB.
    #[serde(default)]
    pub egress_mb_per_active_user_per_day: f64,
    /// Requests a client sends over one connection (load balancer capacity
    /// units count new connections). Absent: 1, an upper bound.
    pub requests_per_connection: Option<f64>,
    /// Background job classes.
    #[serde(default)]
    pub jobs: Vec<JobClass>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JobClass {
    /// The class name workers' `jobs` refer to.
    pub name: String,
    /// Jobs per daily active user per day; with `schedule`, per run (one
    /// run on each scheduled day).
    pub per_active_user_per_day: f64,
    /// Runs the class on a clock (a nightly report) instead of spreading
    /// it over the load profile: sized to finish each run in its window.
    pub schedule: Option<Schedule>,
}

/// What drives a usage-priced quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UsageDriver {
    /// API requests per month.
    Requests,
    /// Jobs of `class` per month.
    Jobs,
    /// Daily active users (a count, for per-user fees); `active_users`
    /// is the older name.
    #[serde(alias = "active_users")]
    DailyActiveUsers,
    /// Monthly active users: registered users × `monthly_active_ratio`
    /// (without it, every registered user: the most a provider bills).
    MonthlyActiveUsers,
    /// Registered users (per-seat and per-account fees; with `amount` in
    /// GB per user, files stored per user).
    RegisteredUsers,
    /// Outbound GB per month from the workload.
    EgressGb,
    /// Database operations per month (average load): with `served_by` a
    /// database and `amount` in GB per operation, its outbound data.
    DbOperations,
    /// Stored GB from the workload.
    StorageGb,
    /// `amount` units a month whatever the load (a load balancer, a plan).
    Fixed,
}

/// A usage-priced item: quantity = driver × amount × (1 − cache hit ratio),
/// priced by a catalog usage entry.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageItem {
    pub name: String,
    /// `provider/usage-id`, e.g. `openai/gpt-4o-mini-input`, or a tier
    /// `provider/offering/tier` priced per instance-month (`aws/elb/alb`).
    /// Absent with `served_by`.
    pub price: Option<String>,
    /// Outbound data served by this component: priced at the egress rate
    /// of the offering the planner puts it on.
    pub served_by: Option<String>,
    /// An AI model, `provider/model` (`anthropic/claude-sonnet-4-5`):
    /// priced by the catalog's `<model>-input`, `-cached-input`,
    /// `-cache-write-5m`, `-cache-write-1h` and `-output` token prices,
    /// with the token counts below per driver unit (a call); `amount`
    /// multiplies them.
    pub model: Option<String>,
    /// Prompt tokens per call billed at the input price.
    pub input_tokens: Option<f64>,
    /// Prompt tokens per call served from the provider's prompt cache (a
    /// system prompt every call repeats): read at the cached-input price,
    /// or written at the cache-write price by calls that find the cache
    /// expired (with `cache_write`).
    pub cached_input_tokens: Option<f64>,
    /// With `cached_input_tokens`: the lifetime the cached prompt is
    /// written with, `5m` or `1h`. One cache entry serves every call of
    /// the item and each read renews it; a call that comes after the
    /// lifetime has passed without a call writes the cached tokens instead
    /// of reading them (Poisson calls at each hour's rate of the load
    /// profile). Absent: every call reads, no write is priced.
    pub cache_write: Option<CacheLifetime>,
    /// Generated tokens per call.
    pub output_tokens: Option<f64>,
    pub driver: UsageDriver,
    /// The job class, for `driver: jobs`.
    pub class: Option<String>,
    /// Units per driver unit, in the base unit of the price (tokens for
    /// "1M tokens", GB for "GB").
    #[serde(default = "one")]
    pub amount: f64,
    /// Files stored per registered user, MB (uploads, attachments), with
    /// `driver: registered_users` on a price per GB: the quantity is
    /// registered users × this ÷ 1024 GB (× `amount`).
    pub files_mb_per_user: Option<f64>,
    /// Share served from a cache and not billed.
    #[serde(default)]
    pub cache_hit_ratio: f64,
    /// Use the price's batch discount.
    #[serde(default)]
    pub batch: bool,
    /// Use the price's priority tier (`priority_usd`: OpenAI Priority
    /// processing, now Fast mode); not with `batch`.
    #[serde(default)]
    pub priority: bool,
}

fn one() -> f64 {
    1.0
}

impl Scenario {
    pub fn component(&self, name: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.name == name)
    }

    /// Gives each component the scenario's `high_availability` and
    /// `strict_limits` where it states none (done once, when the scenario
    /// is read).
    pub fn resolve_high_availability(&mut self) {
        for component in &mut self.components {
            component.high_availability = component.high_availability.or(self.high_availability);
            component.strict_limits = component.strict_limits.or(self.strict_limits);
        }
    }

    /// Published limits only, for every component (`--strict-limits`).
    pub fn require_published_limits(&mut self) {
        self.strict_limits = Some(true);
        for component in &mut self.components {
            component.strict_limits = Some(true);
        }
    }
}

//! Scenarios: what the application does per user and per request, which
//! offerings each component may run on, and the targets it must meet.
//! YAML or TOML with the same structure, strict, versioned; documented field
//! by field in `docs/scenarios.md`.

mod load;
mod patch;
pub mod stacks;
pub mod starter;
pub mod uncertain;
mod validate;

pub use validate::CacheLifetime;

pub use load::{
    DEFAULT_SCENARIO, ScenarioError, ScenarioFile, load_patched, load_scenario, parse_scenario,
};
pub use patch::{Patch, PatchedField, apply_patch};
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
    /// Relative load for each hour of the day (24 values); the peak hour is
    /// the largest. Absent: flat.
    pub load_profile: Option<Vec<f64>>,
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
    pub name: String,
    pub per_active_user_per_day: f64,
}

/// What a component does.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ComponentRole {
    Web,
    Worker,
    Database,
    Cache,
    /// A media service sold in credit plans (Cloudinary).
    Media,
}

impl ComponentRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentRole::Web => "web",
            ComponentRole::Worker => "worker",
            ComponentRole::Database => "database",
            ComponentRole::Cache => "cache",
            ComponentRole::Media => "media",
        }
    }

    /// The catalog offering roles a component of this role may run on.
    pub fn offering_roles(self) -> &'static [crate::catalog::Role] {
        use crate::catalog::Role;
        match self {
            ComponentRole::Web => &[Role::Compute, Role::Serverless],
            ComponentRole::Worker => &[Role::Compute],
            ComponentRole::Database => &[Role::Database],
            ComponentRole::Cache => &[Role::Cache],
            ComponentRole::Media => &[Role::Media],
        }
    }

    /// Web and worker components: sized in instances by the queueing model.
    pub fn is_compute(self) -> bool {
        matches!(self, ComponentRole::Web | ComponentRole::Worker)
    }
}

/// Instance autoscaling of a web or worker component: the count follows the
/// load hour by hour between `min` and `max`, keeping CPU utilization at or
/// below `target_utilization`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Autoscale {
    pub min: u32,
    pub max: u32,
    pub target_utilization: f64,
}

/// How a burstable instance may use CPU above its baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BurstMode {
    Unlimited,
    Standard,
}

/// A published limit a tier may lack (see `accept_unverified_limits`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum UnverifiedLimit {
    /// Client connections (database, cache).
    Connections,
    /// Operations per second (cache, database without vCPUs).
    Ops,
    /// Storage included in a database tier.
    Storage,
    /// The largest storage a database tier can be given.
    MaxStorage,
}

impl UnverifiedLimit {
    pub fn as_str(self) -> &'static str {
        match self {
            UnverifiedLimit::Connections => "connections",
            UnverifiedLimit::Ops => "ops",
            UnverifiedLimit::Storage => "storage",
            UnverifiedLimit::MaxStorage => "max_storage",
        }
    }
}

/// How a load balancer spreads requests over web instances.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Balancing {
    /// Each instance is its own queue with λ/n.
    #[default]
    RoundRobin,
    /// Least-connections: one shared queue over all workers.
    Pooled,
}

/// How a web server's workers treat a request's I/O.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Concurrency {
    /// An event loop (Node.js, asyncio): waiting on I/O frees the worker,
    /// so only CPU time holds it.
    #[default]
    Async,
    /// Each request holds its worker or thread for CPU and I/O alike
    /// (gunicorn sync workers, Puma threads, PHP-FPM, Django and Rails
    /// defaults).
    Blocking,
}

/// The Universal Scalability Law: N servers deliver
/// X(N) = λ₁N / (1 + σ(N−1) + κN(N−1)), from contention (σ, queueing on
/// shared resources) and coherency (κ, keeping copies in step).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Usl {
    pub sigma: f64,
    pub kappa: f64,
    /// What N counts: `instances` (default; a shared database lock, a
    /// cache stampede) or `workers` within one instance (a GIL, a mutex).
    #[serde(default)]
    pub across: UslScope,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum UslScope {
    #[default]
    Instances,
    Workers,
}

impl Usl {
    /// How much longer each request holds its server with `n` servers
    /// sharing: 1 + σ(n−1) + κn(n−1), so that n servers deliver X(n).
    pub fn slowdown(&self, n: u32) -> f64 {
        let n = n as f64;
        1.0 + self.sigma * (n - 1.0) + self.kappa * n * (n - 1.0)
    }

    /// The N that maximises X(N): √((1−σ)/κ), unbounded without
    /// coherency cost.
    pub fn peak_n(&self) -> Option<f64> {
        (self.kappa > 0.0).then(|| ((1.0 - self.sigma) / self.kappa).sqrt())
    }
}

/// One component; which fields apply depends on `role` (see docs/scenarios.md).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub name: String,
    pub role: ComponentRole,
    /// Offerings it may run on: `render/web`, `aws/ec2`, `atlas/cluster`.
    pub candidates: Vec<String>,
    // web
    pub cpu_ms: Option<f64>,
    pub cv: Option<f64>,
    pub io_ms: Option<f64>,
    pub workers_per_instance: Option<u32>,
    /// `async` (default) or `blocking`.
    pub concurrency: Option<Concurrency>,
    /// Blocking servers: threads per worker process, each holding one
    /// request (default 1).
    pub threads_per_worker: Option<u32>,
    pub balancing: Option<Balancing>,
    pub memory_mb_per_worker: Option<f64>,
    pub memory_mb_per_request: Option<f64>,
    pub db_ops_per_request: Option<f64>,
    pub cache_ops_per_request: Option<f64>,
    // worker
    pub concurrency_per_instance: Option<u32>,
    #[serde(default)]
    pub jobs: Vec<WorkerJob>,
    pub memory_mb_per_job: Option<f64>,
    pub db_ops_per_job: Option<f64>,
    pub cache_ops_per_job: Option<f64>,
    // web and worker
    pub min_instances: Option<u32>,
    pub max_instances: Option<u32>,
    pub db_pool_per_instance: Option<f64>,
    pub cache_connections_per_instance: Option<f64>,
    /// Each instance's boot disk, GB, where the offering bills one
    /// (default: the offering's, 8 GB gp3 on EC2).
    pub root_volume_gb: Option<f64>,
    /// Instances without public addresses, reaching out through a NAT
    /// gateway (priced where the offering has one); default false.
    pub private_subnet: Option<bool>,
    pub purchase_option: Option<crate::catalog::PurchaseOption>,
    pub autoscale: Option<Autoscale>,
    /// Web: contention across instances or workers (Universal Scalability
    /// Law), from `capplan calibrate` or by hand.
    pub usl: Option<Usl>,
    /// Burstable tiers: `unlimited` pays for CPU above the baseline (where
    /// the offering prices it; AWS's default), `standard` keeps the daily
    /// average at or below it.
    pub burst: Option<BurstMode>,
    /// Limits the load depends on that a tier may leave unpublished and
    /// still be chosen; the plan is then marked as resting on them.
    #[serde(default)]
    pub accept_unverified_limits: Vec<UnverifiedLimit>,
    /// Datastores: plan on published limits only (an estimate counts as
    /// unpublished). Defaults to the scenario's `strict_limits`.
    pub strict_limits: Option<bool>,
    /// Web: at least two instances; database and cache: a tier run with
    /// its offering's standby or replica nodes. Defaults to the scenario's.
    pub high_availability: Option<bool>,
    // database
    pub storage_headroom: Option<f64>,
    /// The storage the database is given, GB, where its offering sells
    /// storage: billed as provisioned whatever is stored, and a tier is
    /// refused when the data (with its headroom) outgrows it. Default:
    /// the need with its headroom.
    pub storage_gb: Option<f64>,
    /// Backup storage as a multiple of the data stored (default 1: one
    /// full copy; more with long retention; 0: no backups).
    pub backup_size_ratio: Option<f64>,
    pub ops_per_vcpu: Option<f64>,
    pub read_replicas: Option<ReadReplicas>,
    /// Database and cache: the bytes one operation returns, KB (default
    /// 1): replies to compute on another platform are billed as the
    /// datastore's egress, and count against a plan's bandwidth.
    pub result_kb_per_operation: Option<f64>,
    // cache
    pub memory_headroom: Option<f64>,
    // media (credits: 1 per GB stored, GB delivered or 1,000 transformations)
    pub media_storage_mb_per_user: Option<f64>,
    pub media_delivery_mb_per_active_user_per_day: Option<f64>,
    pub transformations_per_active_user_per_day: Option<f64>,
    #[serde(default)]
    pub slo: ComponentSlo,
}

/// Read replicas of a database: reads (`read_share` of the operations) go
/// to the replicas, writes to the primary; between `min` and `max`
/// replicas, each a node of the same tier.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadReplicas {
    #[serde(default)]
    pub min: u32,
    pub max: u32,
    pub read_share: f64,
}

/// A job class as a worker runs it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkerJob {
    pub class: String,
    /// Wall-clock time a job holds a concurrency slot, seconds.
    pub duration_s: f64,
    /// CPU time per job, ms.
    #[serde(default)]
    pub cpu_ms: f64,
    /// Coefficient of variation of the duration (1 = exponential).
    pub cv: Option<f64>,
}

/// Targets of one component. Defaults in parentheses in docs/scenarios.md.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentSlo {
    /// The percentile the time targets refer to (95).
    pub percentile: Option<f64>,
    /// Web: response time at that percentile, ms (500).
    pub response_ms: Option<f64>,
    /// Worker: queue wait at that percentile, s (30).
    pub wait_s: Option<f64>,
    /// CPU (web, worker) or ops capacity (database) utilization cap (0.7).
    pub max_utilization: Option<f64>,
    /// Share of RAM that may be used (0.85).
    pub max_memory_utilization: Option<f64>,
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

/// An environment besides production.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    pub name: String,
    /// Planned at this many users: the cheapest mix, as for production
    /// (without high availability).
    pub users: Option<f64>,
    /// Or a fixed mix: tier and count of the components it runs, by name;
    /// components left out are not run (or shared with production).
    #[serde(default)]
    pub mix: std::collections::BTreeMap<String, StageTier>,
    /// Identical copies (preview environments; default 1).
    pub copies: Option<u32>,
}

/// A rung of the stage ladder.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub name: String,
    /// The largest user count the stage is meant for (absent: no limit).
    pub max_users: Option<f64>,
    /// The stage's template: tier and count for every component, by name.
    #[serde(default)]
    pub mix: std::collections::BTreeMap<String, StageTier>,
    /// What the guide's authors claimed for this stage.
    #[serde(default)]
    pub claims: Claims,
}

/// One component of a stage template.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageTier {
    /// `provider/offering/tier`; retired tiers are allowed.
    pub tier: String,
    #[serde(default = "one_instance")]
    pub count: u32,
}

fn one_instance() -> u32 {
    1
}

/// What one component runs today (`current:`): a tier with a fixed count,
/// or an autoscaler's range, and for a database the storage it was given.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrentTier {
    /// `provider/offering/tier`; retired tiers are allowed.
    pub tier: String,
    /// Instances (default 1; not with `min`/`max`).
    pub count: Option<u32>,
    /// Autoscaled: the fewest instances the autoscaler keeps.
    pub min: Option<u32>,
    /// Autoscaled: the most instances it may start.
    pub max: Option<u32>,
    /// A database's provisioned storage, GB (billed whatever is stored;
    /// the mix fails when the data outgrows it).
    pub storage_gb: Option<f64>,
}

impl CurrentTier {
    /// The autoscaler's range when one is given, else the fixed count
    /// as a range of one.
    pub fn range(&self) -> (u32, u32) {
        match (self.min, self.max) {
            (Some(min), Some(max)) => (min, max),
            _ => {
                let n = self.count.unwrap_or(1);
                (n, n)
            }
        }
    }

    pub fn is_autoscaled(&self) -> bool {
        self.min.is_some() || self.max.is_some()
    }
}

/// A claimed figure: one value or a range `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ClaimValue {
    One(f64),
    Range([f64; 2]),
}

/// Claims a scaling guide made about a stage.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// Users the stage serves (a range's upper end is the capacity claim).
    pub users: Option<ClaimValue>,
    /// Peak requests per minute it handles.
    pub rpm: Option<f64>,
    /// Jobs per day it handles, by job class.
    #[serde(default)]
    pub jobs_per_day: std::collections::BTreeMap<String, f64>,
    /// Monthly cost of the template's instances, USD.
    pub monthly_usd: Option<ClaimValue>,
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

impl Component {
    /// Whether this component is planned highly available.
    pub fn wants_high_availability(&self) -> bool {
        self.high_availability == Some(true)
    }

    /// The fewest instances high availability asks of a compute component.
    pub fn availability_floor(&self) -> u32 {
        if self.role == ComponentRole::Web && self.wants_high_availability() {
            2
        } else {
            1
        }
    }
}

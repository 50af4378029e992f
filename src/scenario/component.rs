//! A scenario's components: what each does (role), how it runs
//! (concurrency, workers, contention), its jobs, targets and instance range.

use serde::{Deserialize, Serialize};

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

/// How a web server orders the requests in progress on its workers.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Scheduling {
    /// First come, first served: a request waits for a free worker and then
    /// runs alone on it (gunicorn sync workers, a pool with a queue).
    #[default]
    Fcfs,
    /// Processor sharing: every request in progress shares the workers'
    /// CPU at once (an event loop or thread pool that interleaves requests:
    /// uvicorn, Node, Go, gunicorn gthread).
    Ps,
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

/// What the USL's N counts: `instances`, or `workers` within one instance.
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
    /// `fcfs` (default) or `ps`: whether requests queue for a worker or
    /// share it (processor sharing; the latency percentiles differ).
    pub scheduling: Option<Scheduling>,
    /// Blocking servers: threads per worker process, each holding one
    /// request (default 1).
    pub threads_per_worker: Option<u32>,
    pub balancing: Option<Balancing>,
    pub memory_mb_per_worker: Option<f64>,
    pub memory_mb_per_request: Option<f64>,
    pub db_ops_per_request: Option<f64>,
    pub cache_ops_per_request: Option<f64>,
    /// Request classes (an API's CRUD calls beside a streamed LLM call):
    /// each its own rate, service time and target; the component's queue
    /// is their mixture. Absent: one class from `cpu_ms`, `io_ms`, `cv`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<RequestClass>,
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

/// One class of the requests a web component serves. Its rate is a
/// `share` of the workload's requests, or its own (which adds to them):
/// `per_online_user_per_min` at the peak hour, or `per_active_user_per_day`
/// spread over the load profile as job classes are.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestClass {
    pub name: String,
    /// Share of the workload's requests (`requests_per_online_user_per_min`), 0–1.
    pub share: Option<f64>,
    /// Requests per online user per minute, its own (added to the workload's).
    pub per_online_user_per_min: Option<f64>,
    /// Requests per daily active user per day, its own (added to the workload's).
    pub per_active_user_per_day: Option<f64>,
    /// CPU time per request, ms (required).
    pub cpu_ms: Option<f64>,
    /// I/O wait per request, ms (a streamed model reply: its whole length).
    pub io_ms: Option<f64>,
    /// Coefficient of variation of the CPU time (1 = exponential).
    pub cv: Option<f64>,
    /// The class's latency target (default: the component's `slo`).
    #[serde(default)]
    pub slo: ClassSlo,
    /// Memory one request of this class holds while it runs, MB (default:
    /// the component's `memory_mb_per_request`).
    pub memory_mb_while_running: Option<f64>,
    /// Outbound data per request, KB (added to the workload's egress).
    pub egress_kb: Option<f64>,
}

/// A request class's latency target; unset fields are the component's.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassSlo {
    /// The percentile the target refers to.
    pub percentile: Option<f64>,
    /// Response time at that percentile, ms.
    pub response_ms: Option<f64>,
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

impl Component {
    /// Whether this component is planned highly available.
    pub fn wants_high_availability(&self) -> bool {
        self.high_availability == Some(true)
    }

    /// The fewest instances high availability asks of a compute component.
    pub fn availability_floor(&self) -> u32 {
        if self.role == ComponentRole::Web && self.wants_high_availability() { 2 } else { 1 }
    }
}

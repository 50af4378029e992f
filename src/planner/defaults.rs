//! The targets and headrooms a scenario gets where it sets none
//! (docs/scenarios.md lists them). One place, so that compute, datastore
//! and the pricing rules that read them cannot disagree.

/// Latency target: the percentile, the response time and the queue wait.
pub const DEFAULT_PERCENTILE: f64 = 95.0;
pub const DEFAULT_RESPONSE_MS: f64 = 500.0;
pub const DEFAULT_WAIT_S: f64 = 30.0;
/// Busy share of CPU and of memory above which a tier is not chosen.
pub const DEFAULT_MAX_UTILIZATION: f64 = 0.7;
pub const DEFAULT_MAX_MEMORY_UTILIZATION: f64 = 0.85;

/// Storage and working-set headroom over what the data needs today.
pub const DEFAULT_STORAGE_HEADROOM: f64 = 1.5;
pub const DEFAULT_MEMORY_HEADROOM: f64 = 1.25;
/// Database operations a vCPU is taken to serve where a tier publishes none.
pub const DEFAULT_OPS_PER_VCPU: f64 = 1000.0;

/// Cache operations a vCPU is taken to serve where a cache tier publishes
/// no limit: redis-benchmark's documented figures are 100,000+ GET/SET a
/// second on one core without pipelining (redis.io, "Redis benchmark");
/// a tenth of that leaves room for larger values, TLS and scripts.
pub const DEFAULT_CACHE_OPS_PER_VCPU: f64 = 10_000.0;

//! Pricing rules beyond a tier's own price: what a real bill adds. Each is
//! a catalog field read by one planner function (docs/catalogs.md):
//! storage bought beyond a tier's included amount, monthly quotas and
//! their overage, burstable CPU above its baseline, egress priced by the
//! platform that serves it, a load balancer in front of several
//! instances, and fees that a feature requires (a workspace plan).

use serde::{Deserialize, Serialize};

/// How a database offering sells storage beyond a tier's included
/// `capacity.storage_gb` (absent: nothing included), up to the tier's
/// `capacity.max_storage_gb` or else `max_gb`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StoragePricing {
    /// Usage id of the same provider, priced per GB-month.
    pub price: String,
    pub rule: StorageRule,
    /// What is billed: the provisioned size (default) or the data stored.
    #[serde(default)]
    pub metered: StorageMetering,
    /// Smallest size that can be provisioned (RDS: 20 GB).
    pub min_gb: Option<f64>,
    /// Largest size any tier of the offering can have.
    pub max_gb: Option<f64>,
    pub source: Option<String>,
    /// Mirrors and secondary posts that confirm `source`.
    pub evidence: Option<String>,
}

/// Which storage is billed once a tier's included amount is exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StorageRule {
    /// Only the amount above the included storage (RDS: nothing included).
    Excess,
    /// The full amount, the included storage not deducted (MongoDB Atlas
    /// custom storage).
    FullAmount,
}

impl StorageRule {
    pub fn as_str(self) -> &'static str {
        match self {
            StorageRule::Excess => "excess",
            StorageRule::FullAmount => "full_amount",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum StorageMetering {
    /// The provisioned size: the need times the storage headroom.
    #[default]
    Provisioned,
    /// The data stored, as it grows (DocumentDB, Aurora).
    Used,
}

/// A monthly allowance of a tier: what is included, and what happens
/// beyond it (an overage price, or none: a hard limit).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    pub metric: QuotaMetric,
    /// Included per month, in the metric's unit.
    pub per_month: f64,
    /// Usage id of the same provider that prices what is beyond; absent:
    /// the tier cannot serve more.
    pub overage: Option<String>,
    /// Billed at least this much (ElastiCache Serverless: 1 GB).
    pub minimum: Option<f64>,
    pub note: Option<String>,
}

/// What a quota counts, per month, from the demand model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuotaMetric {
    /// Cache commands (average cache operations × seconds in a month).
    CacheCommands,
    /// Database operations.
    DbOperations,
    /// API requests.
    Requests,
    /// Cache memory held, GB (a GB-month figure).
    CacheGb,
    /// Outbound data, GB.
    EgressGb,
}

impl QuotaMetric {
    pub fn as_str(self) -> &'static str {
        match self {
            QuotaMetric::CacheCommands => "cache_commands",
            QuotaMetric::DbOperations => "db_operations",
            QuotaMetric::Requests => "requests",
            QuotaMetric::CacheGb => "cache_gb",
            QuotaMetric::EgressGb => "egress_gb",
        }
    }

    /// The unit the monthly quantity is counted in.
    pub fn unit(self) -> &'static str {
        match self {
            QuotaMetric::CacheCommands => "commands",
            QuotaMetric::DbOperations => "operations",
            QuotaMetric::Requests => "requests",
            QuotaMetric::CacheGb => "GB-month",
            QuotaMetric::EgressGb => "GB",
        }
    }
}

/// A load balancer the offering needs in front of several instances.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerRule {
    /// `offering/tier` of the same provider, priced per hour.
    pub tier: String,
    /// Usage id of the same provider priced per capacity-unit-hour (LCU).
    pub capacity_unit: String,
    /// From this many instances on (default 2).
    pub min_instances: Option<u32>,
    /// Public IPv4 addresses the load balancer holds (one per
    /// availability zone: an ALB spans at least 2), priced at the
    /// offering's `public_ipv4`.
    pub public_ipv4_addresses: Option<u32>,
}

/// The boot disk of every instance (AWS: an EBS gp3 root volume).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RootVolume {
    /// Usage id of the same provider priced per GB-month.
    pub price: String,
    /// The size when the component gives none (`root_volume_gb`).
    pub default_gb: f64,
    pub source: Option<String>,
    /// Mirrors and secondary posts that confirm `source`.
    pub evidence: Option<String>,
}

/// A NAT gateway: its hours and the data it processes, and the public
/// IPv4 it holds (the offering's `public_ipv4`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NatGateway {
    /// Usage id priced per hour.
    pub hours: String,
    /// Usage id priced per GB processed.
    pub processed: String,
    pub source: Option<String>,
    /// Mirrors and secondary posts that confirm `source`.
    pub evidence: Option<String>,
}

/// A feature that needs a paid plan of the platform (Render autoscaling
/// needs a Pro workspace).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeatureFee {
    pub feature: Feature,
    /// `offering/tier` of the same provider: the plan that unlocks it.
    pub tier: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    Autoscaling,
    /// Any use of the offering (Supabase's compute needs an organisation
    /// plan; Railway services run under a workspace plan).
    Always,
}

impl Feature {
    pub fn as_str(self) -> &'static str {
        match self {
            Feature::Autoscaling => "autoscaling",
            Feature::Always => "always",
        }
    }
}

/// Application Load Balancer capacity units: one LCU covers any one of
/// these per hour; the hour is billed on the largest (AWS ELB pricing,
/// research pricing-depth.yaml aws_platform.alb).
pub const LCU_NEW_CONNECTIONS_PER_S: f64 = 25.0;
pub const LCU_ACTIVE_CONNECTIONS: f64 = 3000.0;
pub const LCU_PROCESSED_GB_PER_HOUR: f64 = 1.0;

/// How an offering's tiers run highly available (scenario
/// `high_availability: true`): standby or replica nodes billed at the
/// tier's price, or none when the price already includes them (an Atlas
/// replica set, RDS Multi-AZ). An offering without this field offers no
/// high availability the catalog knows of.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HighAvailability {
    /// Extra nodes per tier, each billed at the tier's price
    /// (ElastiCache: one replica in another zone).
    #[serde(default)]
    pub standby_nodes: u32,
    /// Share of a tier's memory usable with replication on (Redis Cloud
    /// Essentials: the plan size includes the replica, 0.5).
    pub usable_memory: Option<f64>,
    pub source: Option<String>,
    pub note: Option<String>,
    /// Mirrors and secondary posts that confirm `source`.
    pub evidence: Option<String>,
}

/// Backup storage a database offering bills: backups beyond a free share
/// of the provisioned storage, per GB-month (RDS, DocumentDB); an offering
/// with no `price` bills backups at a rate the catalog does not know
/// (Atlas Cloud Backup), reported as unpriced.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupPricing {
    /// Usage id of the same provider, priced per GB-month.
    pub price: Option<String>,
    /// Backups up to this share of the provisioned storage are free
    /// (RDS, DocumentDB: 1.0).
    pub free_share_of_storage: Option<f64>,
    pub source: Option<String>,
    pub note: Option<String>,
    /// Mirrors and secondary posts that confirm `source`.
    pub evidence: Option<String>,
}

/// A tier whose backups differ from its offering's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TierBackup {
    /// Snapshots are in the tier's price (Atlas Flex).
    Included,
    /// The tier has no backups (Atlas M0).
    None,
}

/// A database that scales in capacity units between a minimum and a
/// maximum (Aurora Serverless v2 ACUs): the tier's own price is the
/// minimum; units above it are billed hour by hour over the load profile.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityUnits {
    /// Usage id of the same provider priced per unit-hour.
    pub price: String,
    pub min: f64,
    pub max: f64,
    /// Units move in steps of this size (Aurora: 0.5 ACU).
    pub step: f64,
    /// Memory of one unit (Aurora: ~2 GiB per ACU).
    pub memory_mb_per_unit: f64,
    /// vCPUs of one unit where published; without it the units follow
    /// the working set only and operations stay unverified.
    pub vcpu_per_unit: Option<f64>,
    pub source: Option<String>,
    pub note: Option<String>,
    /// Mirrors and secondary posts that confirm `source`.
    pub evidence: Option<String>,
}

/// Compute billed by use rather than by instances (Railway, Cloud Run,
/// Vercel functions): CPU and memory seconds from the load profile, and
/// requests. Each metered resource names a usage id of the same provider
/// whose unit ends in `-second`, `-minute`, `-hour` or `-month` (of a vCPU
/// or a GB); the tier's own price, if it has one, is added per instance.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageCompute {
    pub cpu: Option<Metered>,
    pub memory: Option<Metered>,
    /// Usage id priced per `1M requests` (web components).
    pub requests: Option<String>,
    /// Usage id priced per request reaching the platform's edge, one per
    /// function call (Vercel Edge Requests), beside `requests`.
    pub edge_requests: Option<String>,
    /// Instances kept warm by the component's `min_instances` are billed
    /// at these rates while they serve no request (Cloud Run idle price).
    pub idle: Option<IdlePricing>,
    /// `automatic`: the platform follows the load every 10 minutes (the
    /// default); `fixed`: the peak count runs all day (Railway replicas).
    #[serde(default)]
    pub scaling: Scaling,
    pub source: Option<String>,
    pub note: Option<String>,
    /// Mirrors and secondary posts that confirm `source`.
    pub evidence: Option<String>,
}

/// One metered resource of usage-priced compute.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metered {
    /// Usage id of the same provider (unit per vCPU or GB and time).
    pub price: String,
    pub basis: Basis,
}

/// What a metered resource counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// What the work uses: CPU-seconds of the requests and jobs (Vercel
    /// active CPU, Railway); memory the processes hold (Railway).
    Used,
    /// The tier's size for as long as an instance runs (Cloud Run
    /// instance-based billing).
    Allocated,
    /// The tier's size while an instance has at least one request in
    /// flight (Cloud Run request-based billing, Vercel provisioned memory).
    Busy,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Used => "used",
            Basis::Allocated => "allocated",
            Basis::Busy => "busy",
        }
    }
}

/// Idle rates of warm instances (usage ids of the same provider).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdlePricing {
    pub cpu: Option<String>,
    pub memory: Option<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Scaling {
    #[default]
    Automatic,
    Fixed,
}

/// Usage a platform plan's fee includes (Railway: the fee is credited
/// against usage; Supabase Pro: $10 of compute): the credit is taken from
/// what the plan's components cost on the listed offerings.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanCredit {
    pub usd: f64,
    /// Offering ids of the same provider the credit applies to (absent:
    /// all of them).
    #[serde(default)]
    pub offerings: Vec<String>,
    pub source: Option<String>,
    /// Mirrors and secondary posts that confirm `source`.
    pub evidence: Option<String>,
}

/// A higher price per token for prompts above a size (Gemini 2.5 Pro,
/// Claude Sonnet 4.5 with the 1M-token context: above 200,000 tokens;
/// Claude Haiku 5.5: above 100,000): the whole request is billed at the
/// higher rate.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LongContext {
    /// Prompt tokens of one call (input, cache reads and cache writes)
    /// above which `usd` applies.
    pub above_tokens: f64,
    /// USD per the item's unit; null when the provider publishes no price
    /// above the threshold: such prompts are unpriced, not priced low.
    pub usd: Option<f64>,
    /// Where the long-context price comes from, when cited apart from its
    /// entry; null otherwise.
    pub source: Option<String>,
    /// Mirrors and secondary posts that confirm `source`.
    pub evidence: Option<String>,
}

/// Seconds in one unit of a time-metered price: `vCPU-second`, `GB-hour`,
/// `GiB-second`, `vCPU-month` (730 hours). `None` for other units.
pub fn seconds_per_unit(unit: &str) -> Option<f64> {
    let last = unit.rsplit(['-', ' ']).next()?.trim().to_ascii_lowercase();
    match last.as_str() {
        "second" | "s" => Some(1.0),
        "minute" | "min" => Some(60.0),
        "hour" | "h" => Some(3600.0),
        "month" => Some(super::HOURS_PER_MONTH * 3600.0),
        _ => None,
    }
}

//! The catalog's types: what a provider file says (providers, offerings,
//! tiers, capacity, prices, provenance), as serde reads it from YAML.
//! Rules that only some offerings carry are in `rules.rs`.

use super::dates;
use super::rules::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Monthly = hourly × 730, defined once.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// How sure the source is (see `docs/catalogs.md`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// What an offering does in an architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Compute,
    Database,
    Cache,
    Serverless,
    LoadBalancer,
    Platform,
    Media,
}

/// The engine a datastore offering runs: what its unpublished limits
/// default to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    Postgres,
    Mysql,
    Mongodb,
    Redis,
    Valkey,
}

impl Engine {
    /// The engine's own default connection limit and where it is
    /// documented; MongoDB has none (it follows the OS's file limits).
    pub fn default_max_connections(self) -> Option<(f64, &'static str)> {
        match self {
            Engine::Postgres => Some((
                100.0,
                "PostgreSQL's default max_connections (100, postgresql.org/docs/current/runtime-config-connection.html)",
            )),
            Engine::Mysql => Some((
                151.0,
                "MySQL's default max_connections (151, dev.mysql.com/doc/refman/8.4/en/server-system-variables.html)",
            )),
            Engine::Redis | Engine::Valkey => Some((
                10_000.0,
                "the engine's default maxclients (10,000, redis.io/docs/latest/develop/reference/clients)",
            )),
            Engine::Mongodb => None,
        }
    }

    /// Whether commands run on one thread whatever the vCPUs (Redis and
    /// Valkey execute commands on one main thread).
    pub fn single_threaded(self) -> bool {
        matches!(self, Engine::Redis | Engine::Valkey)
    }
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Compute => "compute",
            Role::Database => "database",
            Role::Cache => "cache",
            Role::Serverless => "serverless",
            Role::LoadBalancer => "load_balancer",
            Role::Platform => "platform",
            Role::Media => "media",
        }
    }
}

/// How the provider meters running time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    PerSecond,
    Hourly,
    Monthly,
}

/// Where a number came from. Any level may set it; the nearest wins.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    pub source: Option<String>,
    #[serde(default, deserialize_with = "dates::date_text")]
    pub as_of: Option<String>,
    pub confidence: Option<Confidence>,
    pub note: Option<String>,
}

/// One provider file (`tiers/render.yaml`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub version: u32,
    pub provider: String,
    pub name: Option<String>,
    pub currency: Option<String>,
    /// The provider's own web sites (`render.com`, `github.com/superfly`):
    /// every `source` must begin with a page or file on one of them.
    #[serde(default)]
    pub sites: Vec<String>,
    pub source: Option<String>,
    #[serde(default, deserialize_with = "dates::date_text")]
    pub as_of: Option<String>,
    pub confidence: Option<Confidence>,
    pub note: Option<String>,
    /// Mirrors and secondary posts that confirm what `source` (the
    /// provider's own page) says.
    pub evidence: Option<String>,
    #[serde(default)]
    pub offerings: Vec<Offering>,
    #[serde(default)]
    pub usage: Vec<UsagePrice>,
}

/// A product line sold in tiers (`render/web`, `atlas/cluster`, `aws/ec2`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Offering {
    pub id: String,
    pub name: Option<String>,
    pub role: Option<Role>,
    /// Datastores: the engine, whose defaults estimate unpublished limits.
    pub engine: Option<Engine>,
    pub billing: Option<Billing>,
    /// Most instances of one service (Render: 100).
    pub max_instances: Option<u32>,
    /// Purchase options every tier inherits unless it sets its own.
    #[serde(default)]
    pub purchase_options: BTreeMap<PurchaseOption, OptionPrice>,
    /// Serverless offerings: the provider's usage entries that price it.
    pub serverless: Option<ServerlessPricing>,
    /// Databases: how storage beyond a tier's included amount is sold.
    pub storage: Option<StoragePricing>,
    /// Databases: how backup storage is billed.
    pub backup: Option<BackupPricing>,
    /// Databases that scale in capacity units over the day.
    pub capacity_units: Option<CapacityUnits>,
    /// Compute billed by CPU and memory seconds and requests, not by
    /// instances (Railway, Cloud Run, Vercel functions).
    pub usage_compute: Option<UsageCompute>,
    /// Burstable tiers (`capacity.baseline_cpu`): usage id pricing CPU
    /// above the baseline per vCPU-hour (unlimited mode).
    pub cpu_surplus: Option<String>,
    /// Usage id pricing outbound data served from this offering (per GB).
    pub egress: Option<String>,
    /// A load balancer needed in front of several instances.
    pub load_balancer: Option<LoadBalancerRule>,
    /// Usage id priced per public IPv4 address-hour: one per instance not
    /// in a private subnet (AWS, since 2024-02-01).
    pub public_ipv4: Option<String>,
    /// The boot disk every instance carries, priced per GB-month.
    pub root_volume: Option<RootVolume>,
    /// The NAT gateway a component in a private subnet reaches out by.
    pub nat_gateway: Option<NatGateway>,
    /// Usage id priced per GB that a function's responses travel from the
    /// functions to the edge (Vercel Fast Origin Transfer), beside `egress`.
    pub origin_transfer: Option<String>,
    /// Paid plans that features of this offering require.
    #[serde(default)]
    pub requires: Vec<FeatureFee>,
    /// How its tiers run highly available; absent: not known to.
    pub high_availability: Option<HighAvailability>,
    /// Plan names the provider no longer sells that files still carry (a
    /// Blueprint's legacy `plan: starter`): `capplan import` prices each as
    /// its successor, and says so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired_tiers: Vec<RetiredTier>,
    pub source: Option<String>,
    #[serde(default, deserialize_with = "dates::date_text")]
    pub as_of: Option<String>,
    pub confidence: Option<Confidence>,
    pub note: Option<String>,
    /// Mirrors and secondary posts that confirm `source`.
    pub evidence: Option<String>,
    #[serde(default)]
    pub tiers: Vec<Tier>,
}

/// How a serverless offering is billed: usage ids of the same provider.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerlessPricing {
    /// Priced per `1M requests`.
    pub requests: String,
    /// Priced per `GB-second` of configured memory × billed duration.
    pub duration: String,
}

/// A plan name no longer sold, and today's tier it is priced as.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetiredTier {
    /// The retired plan name, as files spell it.
    pub id: String,
    /// A tier of the same offering: what it is priced as.
    pub successor: String,
    /// What says the two match (size, memory) and that the name is retired.
    pub source: Option<String>,
    /// What the founder should know: why the price is the successor's.
    pub note: Option<String>,
}

/// One size of an offering.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub id: String,
    pub name: Option<String>,
    /// False for retired tiers: kept so documents that use them still price.
    pub available: Option<bool>,
    #[serde(default)]
    pub capacity: Capacity,
    #[serde(default)]
    pub price: Price,
    /// Monthly allowances and their overage (Upstash commands).
    #[serde(default)]
    pub quotas: Vec<Quota>,
    /// `false`: this tier cannot run highly available although its
    /// offering can (a free plan without replication).
    pub high_availability: Option<bool>,
    /// Backups in the tier's price, or none, unlike its offering's rule.
    pub backup: Option<TierBackup>,
    /// Platform plans: usage the fee includes (credited against it).
    pub credit: Option<PlanCredit>,
    pub source: Option<String>,
    #[serde(default, deserialize_with = "dates::date_text")]
    pub as_of: Option<String>,
    pub confidence: Option<Confidence>,
    pub note: Option<String>,
    /// Mirrors and secondary posts that confirm `source`.
    pub evidence: Option<String>,
}

/// What a tier can do. `None` means not published (unknown, not zero).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    pub vcpu: Option<f64>,
    /// CPU shared with other tenants (Atlas M0/Flex): not a vCPU count.
    pub shared_cpu: Option<bool>,
    pub memory_mb: Option<f64>,
    pub storage_gb: Option<f64>,
    /// Largest storage the tier can be configured with.
    pub max_storage_gb: Option<f64>,
    pub max_connections: Option<f64>,
    pub max_ops_per_sec: Option<f64>,
    pub bandwidth_gb_per_month: Option<f64>,
    pub max_instances: Option<u32>,
    pub sleeps_when_idle: Option<bool>,
    pub free_hours_per_month: Option<f64>,
    pub credits_per_month: Option<f64>,
    pub max_databases: Option<f64>,
    /// Burstable or shared CPU: the share of each vCPU it sustains
    /// (t3.micro 0.1, Fly shared-cpu 1/16).
    pub baseline_cpu: Option<f64>,
    /// The baseline is a floor the tier keeps under the heaviest
    /// contention (a CPU-share weight, as Heroku's shared dynos), not a
    /// quota: the load must fit within it, but the utilization cap
    /// applies to the CPU the tier typically runs at, not to the floor.
    pub baseline_floor: Option<bool>,
    /// The balance a burstable instance banks below its baseline and the
    /// rate it may burst to from it.
    pub burst: Option<Burst>,
    /// Capacity fields whose value is an estimate, each with its basis
    /// (the rule and its source); every other field given is published.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub estimates: BTreeMap<String, String>,
}

/// Banked CPU of a burstable instance: it accrues `baseline_cpu × vcpu`
/// vCPU-hours an hour less what it uses, up to the maximum, and may run
/// at up to `ceiling_vcpu` while the balance lasts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Burst {
    /// The most vCPU-hours (at 100%) one instance can bank.
    pub max_balance_vcpu_hours: f64,
    /// The most vCPUs it runs at while bursting (default: its vCPUs).
    pub ceiling_vcpu: Option<f64>,
}

/// Where a limit the planner checks comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LimitBasis {
    /// The tier's catalog entry gives it, with the entry's source.
    Published,
    /// A figure with the rule it came from (the catalog's `estimates`, or
    /// a role default such as `ops_per_vcpu`).
    Estimated,
}

impl Capacity {
    /// Names of the capacity fields `estimates` may mark.
    pub const FIELDS: [&'static str; 11] = [
        "vcpu",
        "memory_mb",
        "storage_gb",
        "max_storage_gb",
        "max_connections",
        "max_ops_per_sec",
        "bandwidth_gb_per_month",
        "max_instances",
        "credits_per_month",
        "max_databases",
        "baseline_cpu",
    ];

    /// The basis of an estimated field, `None` where the field is published
    /// (or absent).
    pub fn estimate_basis(&self, field: &str) -> Option<&str> {
        self.estimates.get(field).map(String::as_str)
    }
}

/// What a tier costs. `monthly_usd` or `hourly_usd` (monthly = hourly × 730);
/// both absent or null means unpriced.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub monthly_usd: Option<f64>,
    pub hourly_usd: Option<f64>,
    /// Price by throughput band (Atlas Flex): the first step whose
    /// `max_ops_per_sec` covers the load applies.
    #[serde(default)]
    pub steps: Vec<PriceStep>,
    #[serde(default)]
    pub purchase_options: BTreeMap<PurchaseOption, OptionPrice>,
    /// The price is per seat (workspace plans): times the scenario's seats.
    pub per_seat: Option<bool>,
}

/// One band of a stepped price.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceStep {
    pub max_ops_per_sec: f64,
    pub monthly_usd: Option<f64>,
    pub hourly_usd: Option<f64>,
}

/// AWS-style purchase options.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseOption {
    OnDemand,
    #[serde(rename = "reserved_1y")]
    Reserved1y,
    #[serde(rename = "reserved_3y")]
    Reserved3y,
    /// AWS Compute Savings Plan, 1-year, No Upfront (any family or size).
    #[serde(rename = "savings_plan_1y")]
    SavingsPlan1y,
    #[serde(rename = "savings_plan_3y")]
    SavingsPlan3y,
    Spot,
}

impl PurchaseOption {
    pub fn as_str(self) -> &'static str {
        match self {
            PurchaseOption::OnDemand => "on_demand",
            PurchaseOption::Reserved1y => "reserved_1y",
            PurchaseOption::Reserved3y => "reserved_3y",
            PurchaseOption::SavingsPlan1y => "savings_plan_1y",
            PurchaseOption::SavingsPlan3y => "savings_plan_3y",
            PurchaseOption::Spot => "spot",
        }
    }
}

/// A purchase option's price: explicit, or a discount off on-demand.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionPrice {
    pub monthly_usd: Option<f64>,
    pub hourly_usd: Option<f64>,
    /// Fraction off the on-demand price (0.373 = 37.3% off).
    pub discount: Option<f64>,
    pub source: Option<String>,
    #[serde(default, deserialize_with = "dates::date_text")]
    pub as_of: Option<String>,
    pub confidence: Option<Confidence>,
    pub note: Option<String>,
    /// Mirrors and secondary posts that confirm `source`.
    pub evidence: Option<String>,
}

/// A usage-priced item: quantity × tiered unit price, after a free quota.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsagePrice {
    pub id: String,
    pub name: Option<String>,
    /// The unit one price applies to: `GB`, `GB-month`, `1M requests`, `GB-second`.
    pub unit: String,
    /// Free quantity per month, in `unit`s.
    pub free_quantity: Option<f64>,
    /// Volume tiers: each price applies from `start` (in `unit`s) upward.
    pub price_tiers: Vec<VolumeTier>,
    /// Fraction off for batch use (OpenAI Batch API: 0.5).
    pub batch_discount: Option<f64>,
    /// USD per unit on the provider's priority tier (OpenAI Priority
    /// processing, named Fast mode since 2026-07-30): a flat price, for
    /// prompts below any `long_context` threshold.
    pub priority_usd: Option<f64>,
    /// A higher price for long prompts (token prices).
    pub long_context: Option<LongContext>,
    /// The date the provider stops (or stopped) selling this: the last
    /// price stays, so documents that use it still price, and planning
    /// warns when a scenario uses it.
    #[serde(default, deserialize_with = "dates::date_text")]
    pub retired: Option<String>,
    /// The model the provider names as the replacement (a model id of the
    /// same provider, `claude-sonnet-4-6`), whether or not priced here.
    pub successor: Option<String>,
    pub source: Option<String>,
    #[serde(default, deserialize_with = "dates::date_text")]
    pub as_of: Option<String>,
    pub confidence: Option<Confidence>,
    pub note: Option<String>,
    /// Mirrors and secondary posts that confirm what `source` (the
    /// provider's own page) says.
    pub evidence: Option<String>,
}

/// One volume tier; `usd: null` means the price at that volume is unknown.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VolumeTier {
    /// Monthly quantity, in the item's units, from which `usd` applies (0 when
    /// omitted).
    #[serde(default)]
    pub start: f64,
    /// USD per unit from `start`; null when the price at that volume is
    /// unknown.
    pub usd: Option<f64>,
}

/// A catalog file as read: its name, text and parsed provider.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub name: String,
    pub text: String,
    pub provider: Provider,
}

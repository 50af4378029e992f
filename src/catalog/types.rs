//! Tier catalogs: what each provider sells, its capacity, its price, and
//! where each number came from. Data, never code: the files in `tiers/` are
//! embedded in the binary and can be overlaid with `--tiers PATH`.
//!
//! Capacity and price are separate maps on every tier: the queueing model
//! reads capacity, costing reads price. A missing price is `None` and is
//! reported as unpriced, never as $0.

mod check;
mod dates;
mod diff;
mod load;
mod models;
mod overlay;
pub mod price_files;
mod rules;
mod view;

pub use check::{CatalogCheckReport, Problem, Severity, check_catalog, check_catalog_aged};
pub use dates::{
    STALE_AFTER_DAYS, date_of_unix_seconds, days_between, parse_civil_date, parse_date, today,
};
pub use diff::{PriceChange, TierDiffReport, tier_diff};
pub use load::{
    CatalogError, LoadedFile, catalog_paths, embedded_files, embedded_providers, load, load_file,
    load_with_overlays, parse_file, split_field, strip_location,
};
pub use models::{Retirement, TOKEN_KINDS};
pub use rules::{
    BackupPricing, CapacityUnits, Feature, FeatureFee, HighAvailability, LCU_ACTIVE_CONNECTIONS,
    LCU_NEW_CONNECTIONS_PER_S, LCU_PROCESSED_GB_PER_HOUR, LoadBalancerRule, LongContext, Metered,
    PlanCredit, Quota, QuotaMetric, Scaling, StorageMetering, StoragePricing, StorageRule,
    TierBackup, UsageCompute, seconds_per_unit,
};
pub use rules::{Basis, IdlePricing, NatGateway, RootVolume};
pub use view::{
    OfferingSummary, TierListReport, TierRow, TierShowReport, UsageRow, offering_summaries,
    tier_rows, usage_rows,
};

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
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
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
}

/// A usage-priced item: quantity × tiered unit price, after a free quota.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
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
    #[serde(default)]
    pub start: f64,
    pub usd: Option<f64>,
}

/// All providers, after overlays.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub providers: Vec<Provider>,
}

/// A resolved candidate of a component: an offering, or one of its tiers.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub provider: &'a Provider,
    pub offering: &'a Offering,
    /// `Some` when the candidate names one tier.
    pub tier: Option<&'a Tier>,
}

impl<'a> Candidate<'a> {
    /// The tiers the candidate lets the planner choose from: the named
    /// tier (whether or not still sold: it is what runs), else every
    /// available tier of the offering.
    pub fn tiers(self) -> Vec<TierRef<'a>> {
        let all = self.tier.map_or_else(
            || self.offering.tiers.iter().collect::<Vec<_>>(),
            |t| vec![t],
        );
        all.into_iter()
            .map(|tier| TierRef {
                provider: self.provider,
                offering: self.offering,
                tier,
            })
            .filter(|r| self.tier.is_some() || r.available())
            .collect()
    }
}

/// A tier with the offering and provider it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct TierRef<'a> {
    pub provider: &'a Provider,
    pub offering: &'a Offering,
    pub tier: &'a Tier,
}

impl Catalog {
    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.provider == id)
    }

    /// `render/web` → the offering, with its provider.
    pub fn offering(&self, reference: &str) -> Option<(&Provider, &Offering)> {
        let (provider, offering) = reference.split_once('/')?;
        let provider = self.provider(provider)?;
        let offering = provider.offerings.iter().find(|o| o.id == offering)?;
        Some((provider, offering))
    }

    /// A component's candidate: `provider/offering` (its every tier) or
    /// `provider/offering/tier` (that tier only). `Err` names what is
    /// unknown: the offering (`None`) or the tier of a known offering.
    pub fn candidate(
        &self,
        reference: &str,
    ) -> Result<Candidate<'_>, Option<(&Provider, &Offering)>> {
        if let Some(found) = self.offering(reference) {
            return Ok(Candidate {
                provider: found.0,
                offering: found.1,
                tier: None,
            });
        }
        let (offering_ref, tier_id) = reference.rsplit_once('/').ok_or(None)?;
        let (provider, offering) = self.offering(offering_ref).ok_or(None)?;
        match offering.tiers.iter().find(|t| t.id == tier_id) {
            Some(tier) => Ok(Candidate {
                provider,
                offering,
                tier: Some(tier),
            }),
            None => Err(Some((provider, offering))),
        }
    }

    /// `render/web/standard` → the tier.
    pub fn tier(&self, reference: &str) -> Option<TierRef<'_>> {
        let (offering_ref, tier) = reference.rsplit_once('/')?;
        let (provider, offering) = self.offering(offering_ref)?;
        let tier = offering.tiers.iter().find(|t| t.id == tier)?;
        Some(TierRef {
            provider,
            offering,
            tier,
        })
    }

    /// The oldest `as_of` among the tiers named (`provider/offering/tier`):
    /// the date a chart or report of those tiers is "as of".
    pub fn oldest_tier_as_of<'r>(
        &self,
        tiers: impl IntoIterator<Item = &'r str>,
    ) -> Option<String> {
        tiers
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .filter_map(|r| self.tier(r)?.provenance().as_of)
            .min_by_key(|d| parse_date(d).unwrap_or(i64::MAX))
    }

    /// `aws/data-transfer-out` → the usage price.
    pub fn usage(&self, reference: &str) -> Option<(&Provider, &UsagePrice)> {
        let (provider, id) = reference.split_once('/')?;
        let provider = self.provider(provider)?;
        let usage = provider.usage.iter().find(|u| u.id == id)?;
        Some((provider, usage))
    }

    /// The oldest `as_of` date of any provider, for report titles.
    pub fn oldest_as_of(&self) -> Option<&str> {
        self.providers
            .iter()
            .filter_map(|p| p.as_of.as_deref())
            .min()
    }
}

impl TierRef<'_> {
    pub fn available(&self) -> bool {
        self.tier.available.unwrap_or(true)
    }

    /// The on-demand monthly price, or `None` when unpriced.
    pub fn monthly_usd(&self) -> Option<f64> {
        self.tier.price.monthly()
    }

    /// The monthly price under a purchase option; `None` when unpriced or
    /// when the tier does not offer the option.
    pub fn monthly_usd_with(&self, option: PurchaseOption) -> Option<f64> {
        if option == PurchaseOption::OnDemand {
            return self.monthly_usd();
        }
        let price = self
            .tier
            .price
            .purchase_options
            .get(&option)
            .or_else(|| self.offering.purchase_options.get(&option))?;
        if let Some(monthly) = price
            .monthly_usd
            .or(price.hourly_usd.map(|h| h * HOURS_PER_MONTH))
        {
            return Some(monthly);
        }
        Some(self.monthly_usd()? * (1.0 - price.discount?))
    }

    /// The monthly price under a purchase option when the tier offers it,
    /// else on demand; with the option actually applied.
    pub fn monthly_usd_preferring(&self, option: PurchaseOption) -> (Option<f64>, PurchaseOption) {
        let offered = option == PurchaseOption::OnDemand
            || self.tier.price.purchase_options.contains_key(&option)
            || self.offering.purchase_options.contains_key(&option);
        if offered {
            (self.monthly_usd_with(option), option)
        } else {
            (self.monthly_usd(), PurchaseOption::OnDemand)
        }
    }

    /// The monthly price at a throughput, for stepped prices (Atlas Flex).
    /// `None` when unpriced or when the load exceeds the last step.
    pub fn monthly_usd_at_ops(&self, ops_per_sec: f64) -> Option<f64> {
        let steps = &self.tier.price.steps;
        if steps.is_empty() {
            return self.monthly_usd();
        }
        let step = steps.iter().find(|s| ops_per_sec <= s.max_ops_per_sec)?;
        step.monthly_usd
            .or(step.hourly_usd.map(|h| h * HOURS_PER_MONTH))
    }

    /// The nearest provenance: tier, then offering, then provider.
    pub fn provenance(&self) -> Provenance {
        Provenance {
            source: self
                .tier
                .source
                .clone()
                .or_else(|| self.offering.source.clone())
                .or_else(|| self.provider.source.clone()),
            as_of: self
                .tier
                .as_of
                .clone()
                .or_else(|| self.offering.as_of.clone())
                .or_else(|| self.provider.as_of.clone()),
            confidence: self
                .tier
                .confidence
                .or(self.offering.confidence)
                .or(self.provider.confidence),
            note: self.tier.note.clone(),
        }
    }

    /// `render/web/standard`.
    pub fn reference(&self) -> String {
        format!(
            "{}/{}/{}",
            self.provider.provider, self.offering.id, self.tier.id
        )
    }
}

impl Price {
    /// The on-demand monthly price: `monthly_usd`, else `hourly_usd` × 730,
    /// else the first price step.
    pub fn monthly(&self) -> Option<f64> {
        self.monthly_usd
            .or(self.hourly_usd.map(|h| h * HOURS_PER_MONTH))
            .or_else(|| {
                let first = self.steps.first()?;
                first
                    .monthly_usd
                    .or(first.hourly_usd.map(|h| h * HOURS_PER_MONTH))
            })
    }

    /// The hourly price when the tier is priced by the hour.
    pub fn hourly(&self) -> Option<f64> {
        self.hourly_usd
            .or_else(|| self.steps.first().and_then(|s| s.hourly_usd))
    }
}

impl UsagePrice {
    /// Monthly cost of `quantity` units: the free quota first, then each
    /// volume tier's price from its start. `None` when a needed tier is
    /// unpriced.
    pub fn cost(&self, quantity: f64) -> Option<f64> {
        let billable = (quantity - self.free_quantity.unwrap_or(0.0)).max(0.0);
        let mut total = 0.0;
        for (i, tier) in self.price_tiers.iter().enumerate() {
            let end = self
                .price_tiers
                .get(i + 1)
                .map_or(f64::INFINITY, |next| next.start);
            let amount = (billable.min(end) - tier.start).max(0.0);
            if amount > 0.0 {
                total += amount * tier.usd?;
            }
        }
        Some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_tiers_and_free_quota() {
        let usage = UsagePrice {
            id: "egress".into(),
            name: None,
            unit: "GB".into(),
            free_quantity: Some(100.0),
            price_tiers: vec![
                VolumeTier {
                    start: 0.0,
                    usd: Some(0.09),
                },
                VolumeTier {
                    start: 10_240.0,
                    usd: Some(0.085),
                },
            ],
            batch_discount: None,
            priority_usd: None,
            long_context: None,
            retired: None,
            successor: None,
            source: None,
            as_of: None,
            confidence: None,
            note: None,
            evidence: None,
        };
        assert_eq!(usage.cost(50.0), Some(0.0));
        assert!((usage.cost(1100.0).unwrap() - 90.0).abs() < 1e-9);
        let big = 100.0 + 10_240.0 + 1000.0;
        assert!((usage.cost(big).unwrap() - (10_240.0 * 0.09 + 1000.0 * 0.085)).abs() < 1e-9);
        let mut unpriced = usage.clone();
        unpriced.price_tiers[1].usd = None;
        assert_eq!(unpriced.cost(1100.0).map(|c| c.round()), Some(90.0));
        assert_eq!(unpriced.cost(big), None);
    }
}

#[cfg(test)]
mod embedded_tests {
    use super::*;

    #[test]
    fn every_embedded_catalog_loads_without_errors() {
        let files = embedded_files().unwrap_or_else(|e| panic!("{e}"));
        let errors: Vec<String> = check_catalog(&files)
            .into_iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| p.to_string())
            .collect();
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }

    #[test]
    fn build_time_json_matches_the_yaml() {
        let from_yaml: Vec<Provider> = embedded_files()
            .unwrap()
            .into_iter()
            .map(|f| f.provider)
            .collect();
        assert_eq!(embedded_providers().unwrap(), from_yaml);
    }

    #[test]
    fn prices_derive_from_the_research_file() {
        let catalog = load().unwrap();
        let price = |r: &str| catalog.tier(r).unwrap().monthly_usd();
        assert_eq!(price("render/web/standard"), Some(25.0));
        assert_eq!(price("atlas/cluster/m10"), Some(56.94));
        assert!((price("atlas/cluster/m30").unwrap() - 0.54 * 730.0).abs() < 1e-9);
        assert!((price("aws/ec2/m5.large").unwrap() - 70.08).abs() < 1e-9);
        assert_eq!(price("redis-cloud/essentials/2.5gb"), None);
        let t3 = catalog.tier("aws/ec2/t3.medium").unwrap();
        // The per-type Standard RI rate (pricesim), not the generic discount.
        let reserved = t3.monthly_usd_with(PurchaseOption::Reserved1y).unwrap();
        assert!((reserved - 0.0261 * 730.0).abs() < 1e-9);
        // infracost's golden for the same reservation: $19.05.
        assert!((reserved - 19.05).abs() < 0.01);
        let m5 = catalog.tier("aws/ec2/m5.large").unwrap();
        assert!((m5.monthly_usd_with(PurchaseOption::Spot).unwrap() - 70.08 * 0.35).abs() < 1e-9);
        let flex = catalog.tier("atlas/cluster/flex").unwrap();
        assert_eq!(flex.monthly_usd_at_ops(150.0), Some(15.0));
        assert_eq!(flex.monthly_usd_at_ops(501.0), None);
        assert!(!catalog.tier("atlas/cluster/m2").unwrap().available());
    }
}

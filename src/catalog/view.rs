#![warn(missing_docs)]
//! Flat rows of the catalog for `capplan tiers` (the JSON field names of
//! `TierRow` are a contract).

use super::{Catalog, HOURS_PER_MONTH, TierRef, days_between, today};
use serde::Serialize;

/// One tier with its capacity, price and provenance.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TierRow {
    /// Provider id (`render`, `aws`).
    pub provider: String,
    /// Offering id within the provider (`web`, `ec2`).
    pub offering: String,
    /// Tier id within the offering (`standard`, `m5.large`).
    pub tier: String,
    /// The tier's display name; null when the catalog gives none.
    pub name: Option<String>,
    /// The offering's role (`compute`, `database`, `cache`, `serverless`,
    /// `load_balancer`, `platform`, `media`); null when the catalog gives none.
    pub role: Option<&'static str>,
    /// False for a retired tier (kept so documents that use it still price).
    pub available: bool,
    /// vCPUs per instance; null when not published.
    pub vcpu: Option<f64>,
    /// True when the CPU is shared with other tenants (not a vCPU count); null
    /// when not published.
    pub shared_cpu: Option<bool>,
    /// Memory per instance, MB; null when not published.
    pub memory_mb: Option<f64>,
    /// Storage the tier includes, GB; null when not published.
    pub storage_gb: Option<f64>,
    /// Most concurrent connections (per node where the vendor says so); null
    /// when not published.
    pub max_connections: Option<f64>,
    /// Published throughput limit, operations/s; null when not published.
    pub max_ops_per_sec: Option<f64>,
    /// Transfer the tier includes or caps, GB/month; null when not published.
    pub bandwidth_gb_per_month: Option<f64>,
    /// Most instances of one service (the tier's limit, else its offering's);
    /// null when neither gives one.
    pub max_instances: Option<u32>,
    /// True when the tier spins down while idle (Render Free); null when not
    /// published.
    pub sleeps_when_idle: Option<bool>,
    /// Null when unpriced; derived from hourly × 730 where priced hourly.
    pub monthly_usd: Option<f64>,
    /// On-demand price per instance-hour, USD, where the tier is priced by the
    /// hour; null otherwise.
    pub hourly_usd: Option<f64>,
    /// `reserved_1y` → monthly price, for tiers with purchase options.
    pub purchase_options_monthly_usd: std::collections::BTreeMap<&'static str, f64>,
    /// `ops/s ≤ 100: $8` … for stepped prices.
    pub price_steps: Vec<String>,
    /// Serverless tiers: the usage entries that price them.
    pub priced_by_usage: Vec<String>,
    /// Where the price and capacity come from (the nearest of tier, offering
    /// and provider); null when none gives one.
    pub source: Option<String>,
    /// Date (`YYYY-MM-DD`) of the nearest `source`; null when none is given.
    pub as_of: Option<String>,
    /// How sure the source is (`low`, `medium`, `high`), nearest level first;
    /// null when none is given.
    pub confidence: Option<&'static str>,
    /// The tier's own note; null when it has none.
    pub note: Option<String>,
    /// Mirrors and secondary posts that confirm `source`.
    pub evidence: Option<String>,
}

impl TierRow {
    /// The row of one tier: capacity, prices (on demand, by purchase
    /// option, by step) and the nearest provenance.
    pub fn from_ref(r: &TierRef<'_>) -> TierRow {
        let c = &r.tier.capacity;
        let provenance = r.provenance();
        let mut options = std::collections::BTreeMap::new();
        for option in [
            super::PurchaseOption::Reserved1y,
            super::PurchaseOption::Reserved3y,
            super::PurchaseOption::SavingsPlan1y,
            super::PurchaseOption::SavingsPlan3y,
            super::PurchaseOption::Spot,
        ] {
            if let Some(price) = r.monthly_usd_with(option) {
                options.insert(option.as_str(), price);
            }
        }
        TierRow {
            provider: r.provider.provider.clone(),
            offering: r.offering.id.clone(),
            tier: r.tier.id.clone(),
            name: r.tier.name.clone(),
            role: r.offering.role.map(|role| role.as_str()),
            available: r.available(),
            vcpu: c.vcpu,
            shared_cpu: c.shared_cpu,
            memory_mb: c.memory_mb,
            storage_gb: c.storage_gb,
            max_connections: c.max_connections,
            max_ops_per_sec: c.max_ops_per_sec,
            bandwidth_gb_per_month: c.bandwidth_gb_per_month,
            max_instances: c.max_instances.or(r.offering.max_instances),
            sleeps_when_idle: c.sleeps_when_idle,
            monthly_usd: r.monthly_usd(),
            hourly_usd: r.tier.price.hourly(),
            purchase_options_monthly_usd: options,
            priced_by_usage: {
                let mut ids: Vec<&String> = Vec::new();
                if let Some(p) = &r.offering.serverless {
                    ids.extend([&p.requests, &p.duration]);
                }
                if let Some(u) = &r.offering.usage_compute {
                    ids.extend(u.cpu.iter().map(|m| &m.price));
                    ids.extend(u.memory.iter().map(|m| &m.price));
                    ids.extend(u.requests.iter());
                }
                ids.iter().map(|id| format!("{}/{id}", r.provider.provider)).collect()
            },
            price_steps: r
                .tier
                .price
                .steps
                .iter()
                .map(|s| {
                    let monthly = s.monthly_usd.or(s.hourly_usd.map(|h| h * HOURS_PER_MONTH));
                    format!(
                        "≤ {} ops/s: {}",
                        s.max_ops_per_sec,
                        monthly.map_or("unpriced".to_string(), |m| format!("${m:.2}/month"))
                    )
                })
                .collect(),
            source: provenance.source,
            as_of: provenance.as_of,
            confidence: provenance.confidence.map(|c| c.as_str()),
            note: provenance.note,
            evidence: r.evidence(),
        }
    }
}

/// One usage-priced item.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct UsageRow {
    /// Provider id (`openai`, `aws`).
    pub provider: String,
    /// Usage price id within the provider (`gpt-4o-mini-output`).
    pub usage: String,
    /// Display name; null when the catalog gives none.
    pub name: Option<String>,
    /// The unit one price applies to (`GB`, `GB-month`, `1M tokens`).
    pub unit: String,
    /// Free quantity per month, in `unit`s; null when there is none.
    pub free_quantity: Option<f64>,
    /// Volume tiers: from `start` units a month, `usd` per unit (null:
    /// unpriced at that volume).
    pub price_tiers: Vec<super::VolumeTier>,
    /// Share off for batch use (0.5 = half price); null when none is offered.
    pub batch_discount: Option<f64>,
    /// USD per unit on the priority (fast) tier.
    pub priority_usd: Option<f64>,
    /// The price above a prompt size (token prices).
    pub long_context: Option<super::LongContext>,
    /// When the provider stops (or stopped) selling it.
    pub retired: Option<String>,
    /// The model the provider names as its replacement.
    pub successor: Option<String>,
    /// Where the price comes from (the entry's, else the provider's); null when
    /// neither gives one.
    pub source: Option<String>,
    /// Date (`YYYY-MM-DD`) of `source` (the entry's, else the provider's); null
    /// when none is given.
    pub as_of: Option<String>,
    /// How sure the source is (`low`, `medium`, `high`), the entry's else the
    /// provider's; null when none is given.
    pub confidence: Option<&'static str>,
    /// The entry's note; null when it has none.
    pub note: Option<String>,
    /// Mirrors and secondary posts that confirm `source`.
    pub evidence: Option<String>,
}

/// One offering in `capplan tiers`: counts, date and age.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct OfferingSummary {
    /// Provider id (`render`).
    pub provider: String,
    /// The provider's display name; null when the catalog gives none.
    pub provider_name: Option<String>,
    /// Offering id, or `(usage prices)` for the provider's usage-priced items.
    pub offering: String,
    /// The offering's role (`compute`, `database`, …); null when none is given
    /// (always for usage prices).
    pub role: Option<&'static str>,
    /// Tiers in the offering (usage prices: items).
    pub tiers: usize,
    /// Of `tiers`, those still sold (not retired).
    pub available_tiers: usize,
    /// Of `tiers`, those with no price (usage prices: with an unpriced volume
    /// tier); serverless and usage-priced compute tiers are priced by usage and
    /// not counted.
    pub unpriced_tiers: usize,
    /// Date (`YYYY-MM-DD`) of the offering's source, else the provider's; null
    /// when neither gives one.
    pub as_of: Option<String>,
    /// Days from `as_of` to today (negative for a future date); null without
    /// `as_of`.
    pub age_days: Option<i64>,
}

/// `capplan tiers list --format json`: every offering.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TierListReport {
    /// Every offering of every provider, and for a provider with usage prices
    /// one more row for them.
    pub offerings: Vec<OfferingSummary>,
}

/// `capplan tiers show --format json`: the tiers a selector names and, for
/// a whole provider, its usage prices (tokens, egress, storage, requests).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TierShowReport {
    /// The `provider` or `provider/offering` asked for.
    pub selector: String,
    /// Every tier the selector names.
    pub tiers: Vec<TierRow>,
    /// The provider's usage prices; empty when the selector names one offering.
    pub usage_prices: Vec<UsageRow>,
}

/// The tiers of a provider, or of one `provider/offering`; `None` when the
/// selector names nothing.
pub fn tier_rows(catalog: &Catalog, selector: &str) -> Option<Vec<TierRow>> {
    let (provider_id, offering_id) = match selector.split_once('/') {
        Some((p, o)) => (p, Some(o)),
        None => (selector, None),
    };
    let provider = catalog.provider(provider_id)?;
    let mut rows = Vec::new();
    for offering in &provider.offerings {
        if offering_id.is_some_and(|id| id != offering.id) {
            continue;
        }
        for tier in &offering.tiers {
            rows.push(TierRow::from_ref(&TierRef { provider, offering, tier }));
        }
    }
    (offering_id.is_none() || !rows.is_empty()).then_some(rows)
}

/// The usage prices of a provider.
pub fn usage_rows(catalog: &Catalog, provider_id: &str) -> Vec<UsageRow> {
    let Some(provider) = catalog.provider(provider_id) else {
        return Vec::new();
    };
    provider
        .usage
        .iter()
        .map(|u| UsageRow {
            provider: provider.provider.clone(),
            usage: u.id.clone(),
            name: u.name.clone(),
            unit: u.unit.clone(),
            free_quantity: u.free_quantity,
            price_tiers: u.price_tiers.clone(),
            batch_discount: u.batch_discount,
            priority_usd: u.priority_usd,
            long_context: u.long_context.clone(),
            retired: u.retired.clone(),
            successor: u.successor.clone(),
            evidence: match &u.source {
                // Evidence confirms its own entry's source only.
                Some(_) => u.evidence.clone(),
                None => u.evidence.clone().or_else(|| provider.evidence.clone()),
            },
            source: u.source.clone().or_else(|| provider.source.clone()),
            as_of: u.as_of.clone().or_else(|| provider.as_of.clone()),
            confidence: u.confidence.or(provider.confidence).map(|c| c.as_str()),
            note: u.note.clone(),
        })
        .collect()
}

/// Every offering with tier counts and the age of its `as_of`.
pub fn offering_summaries(catalog: &Catalog) -> Vec<OfferingSummary> {
    let now = today();
    let mut out = Vec::new();
    for provider in &catalog.providers {
        for offering in &provider.offerings {
            let as_of = offering.as_of.clone().or_else(|| provider.as_of.clone());
            let refs = offering.tiers.iter().map(|tier| TierRef { provider, offering, tier });
            out.push(OfferingSummary {
                provider: provider.provider.clone(),
                provider_name: provider.name.clone(),
                offering: offering.id.clone(),
                role: offering.role.map(|r| r.as_str()),
                tiers: offering.tiers.len(),
                available_tiers: refs.clone().filter(|r| r.available()).count(),
                unpriced_tiers: refs
                    .filter(|r| {
                        r.monthly_usd().is_none()
                            && r.offering.serverless.is_none()
                            && r.offering.usage_compute.is_none()
                    })
                    .count(),
                age_days: as_of.as_deref().and_then(|d| days_between(d, &now)),
                as_of,
            });
        }
        if !provider.usage.is_empty() {
            let as_of = provider.as_of.clone();
            out.push(OfferingSummary {
                provider: provider.provider.clone(),
                provider_name: provider.name.clone(),
                offering: "(usage prices)".into(),
                role: None,
                tiers: provider.usage.len(),
                // A usage price still sold: not retired by today.
                available_tiers: provider
                    .usage
                    .iter()
                    .filter(|u| {
                        u.retired
                            .as_deref()
                            .is_none_or(|d| days_between(d, &now).is_none_or(|age| age < 0))
                    })
                    .count(),
                unpriced_tiers: provider
                    .usage
                    .iter()
                    .filter(|u| u.price_tiers.iter().any(|t| t.usd.is_none()))
                    .count(),
                age_days: as_of.as_deref().and_then(|d| days_between(d, &now)),
                as_of,
            });
        }
    }
    out
}

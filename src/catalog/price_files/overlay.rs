//! The overlay an import fills: tiers and usage prices per provider, each
//! stamped with its file's source and date, the embedded catalog deciding
//! what is an update and what may be added.

use super::{PriceFileError, PriceFormat, PriceImport};
use crate::catalog::{
    Capacity, Catalog, Confidence, Offering, OptionPrice, Price, Provider, PurchaseOption, Tier,
    UsagePrice,
};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Where an imported number comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    /// Begins with the provider's page or file (docs/catalogs.md).
    pub source: String,
    pub as_of: String,
    pub confidence: Confidence,
    /// A secondary file the figures were read from (LiteLLM's table).
    pub evidence: Option<String>,
}

/// One tier's figures as a file gives them. Purchase options are hourly.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TierPrice {
    pub hourly_usd: Option<f64>,
    pub monthly_usd: Option<f64>,
    pub options: BTreeMap<PurchaseOption, f64>,
    pub vcpu: Option<f64>,
    pub memory_mb: Option<f64>,
    pub shared_cpu: Option<bool>,
    pub bandwidth_gb_per_month: Option<f64>,
    /// The file says this type is burstable (its CPU baseline, which the
    /// planner needs, is not in the file): never a new tier.
    pub burstable: bool,
    pub name: Option<String>,
}

/// The overlay being filled, against the embedded catalog.
pub struct Overlay<'a> {
    base: &'a Catalog,
    existing_only: bool,
    providers: Vec<Provider>,
    seen: HashSet<String>,
    updated: usize,
    added: usize,
    skipped: BTreeMap<String, usize>,
    notes: Vec<String>,
}

impl<'a> Overlay<'a> {
    pub fn new(base: &'a Catalog, existing_only: bool) -> Self {
        Overlay {
            base,
            existing_only,
            providers: Vec::new(),
            seen: HashSet::new(),
            updated: 0,
            added: 0,
            skipped: BTreeMap::new(),
            notes: Vec::new(),
        }
    }

    pub fn base(&self) -> &'a Catalog {
        self.base
    }

    /// A record left out, counted by reason.
    pub fn skip(&mut self, reason: impl Into<String>) {
        *self.skipped.entry(reason.into()).or_insert(0) += 1;
    }

    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// Sets the name of a provider the overlay changes (a region's prices).
    pub fn rename_provider(&mut self, provider: &str, name: String) {
        if let Some(p) = self.providers.iter_mut().find(|p| p.provider == provider) {
            p.name = Some(name);
        }
    }

    /// Purchase options the embedded offering models (on the offering or
    /// any of its tiers): the only ones an import writes.
    pub fn modeled_options(&self, provider: &str, offering: &str) -> BTreeSet<PurchaseOption> {
        let mut options = BTreeSet::new();
        if let Some((_, o)) = self.base.offering(&format!("{provider}/{offering}")) {
            options.extend(o.purchase_options.keys().copied());
            for t in &o.tiers {
                options.extend(t.price.purchase_options.keys().copied());
            }
        }
        options
    }

    /// One tier's figures: an update where the embedded offering has the
    /// tier, else a new tier where its capacity and on-demand price are
    /// known (and new tiers are wanted). Capacity is written only where it
    /// differs from the embedded tier's.
    pub fn tier(
        &mut self,
        provider: &str,
        offering: &str,
        id: &str,
        price: TierPrice,
        stamp: &Stamp,
    ) {
        let reference = format!("{provider}/{offering}/{id}");
        if !super::valid_id(id) {
            self.skip(format!("{provider}/{offering}: an id capplan cannot use"));
            return;
        }
        if !self.seen.insert(reference.clone()) {
            self.note(format!("{reference}: the file prices it more than once; the first is kept"));
            return;
        }
        let Some((_, base_offering)) = self.base.offering(&format!("{provider}/{offering}")) else {
            self.skip(format!("{provider}/{offering} is not in the catalog"));
            return;
        };
        let existing = base_offering.tiers.iter().find(|t| t.id == id);
        if existing.is_none() {
            let why = if self.existing_only {
                Some("not in the catalog (--existing-only)")
            } else if price.burstable {
                Some("burstable: the file lacks its CPU baseline, so it is not added")
            } else if price.vcpu.is_none() || price.memory_mb.is_none() {
                Some("not in the catalog and the file lacks its vCPU or memory")
            } else if price.hourly_usd.is_none() && price.monthly_usd.is_none() {
                Some("not in the catalog and the file has no on-demand price for it")
            } else {
                None
            };
            if let Some(why) = why {
                self.skip(format!("{provider}/{offering}: {why}"));
                return;
            }
        }
        let modeled = self.modeled_options(provider, offering);
        let mut tier: Tier = blank(id);
        tier.name = if existing.is_none() { price.name.clone() } else { None };
        tier.price = Price {
            monthly_usd: price.monthly_usd,
            hourly_usd: if price.monthly_usd.is_some() { None } else { price.hourly_usd },
            ..Price::default()
        };
        for (option, hourly) in &price.options {
            if modeled.contains(option) {
                tier.price.purchase_options.insert(
                    *option,
                    OptionPrice {
                        hourly_usd: Some(*hourly),
                        source: Some(stamp.source.clone()),
                        as_of: Some(stamp.as_of.clone()),
                        confidence: Some(stamp.confidence),
                        evidence: stamp.evidence.clone(),
                        ..OptionPrice::default()
                    },
                );
            }
        }
        let old = existing.map(|t| t.capacity.clone()).unwrap_or_default();
        let differs = |new: Option<f64>, old: Option<f64>| new.filter(|n| Some(*n) != old);
        tier.capacity = Capacity {
            vcpu: differs(price.vcpu, old.vcpu),
            memory_mb: differs(price.memory_mb, old.memory_mb),
            bandwidth_gb_per_month: differs(
                price.bandwidth_gb_per_month,
                old.bandwidth_gb_per_month,
            ),
            shared_cpu: price.shared_cpu.filter(|s| *s != old.shared_cpu.unwrap_or(false)),
            ..Capacity::default()
        };
        if existing.is_some() {
            let changed: Vec<String> = [
                ("vcpu", tier.capacity.vcpu, old.vcpu),
                ("memory_mb", tier.capacity.memory_mb, old.memory_mb),
                (
                    "bandwidth_gb_per_month",
                    tier.capacity.bandwidth_gb_per_month,
                    old.bandwidth_gb_per_month,
                ),
            ]
            .into_iter()
            .filter_map(|(field, new, old)| {
                let new = new?;
                Some(match old {
                    Some(old) => format!("{field} {old} → {new}"),
                    None => format!("{field} {new} (the catalog gives none)"),
                })
            })
            .collect();
            if !changed.is_empty() {
                self.note(format!(
                    "{reference}: the file's capacity differs from the catalog's: {}",
                    changed.join(", ")
                ));
            }
        }
        if tier.price == Price::default() && tier.capacity == Capacity::default() {
            self.skip(format!("{provider}/{offering}: no price capplan models"));
            return;
        }
        tier.source = Some(stamp.source.clone());
        tier.as_of = Some(stamp.as_of.clone());
        tier.confidence = Some(stamp.confidence);
        tier.evidence = stamp.evidence.clone();
        if existing.is_some() {
            self.updated += 1;
        } else {
            self.added += 1;
        }
        let target = self.offering_mut(provider, offering);
        target.tiers.push(tier);
    }

    /// One usage price: an update where the provider has the id, else new.
    pub fn usage(&mut self, provider: &str, mut usage: UsagePrice, stamp: &Stamp) {
        let reference = format!("{provider}/{}", usage.id);
        if !self.seen.insert(reference.clone()) {
            self.note(format!("{reference}: the file prices it more than once; the first is kept"));
            return;
        }
        let exists = self.base.usage(&reference).is_some();
        if !exists && self.existing_only {
            self.skip(format!("{provider}: not in the catalog (--existing-only)"));
            return;
        }
        if exists {
            // The embedded name stays: the file's key is not a display name.
            usage.name = None;
            self.updated += 1;
        } else {
            self.added += 1;
        }
        usage.source = Some(stamp.source.clone());
        usage.as_of = Some(stamp.as_of.clone());
        usage.confidence = Some(stamp.confidence);
        usage.evidence = stamp.evidence.clone();
        self.provider_mut(provider).usage.push(usage);
    }

    fn provider_mut(&mut self, id: &str) -> &mut Provider {
        if let Some(i) = self.providers.iter().position(|p| p.provider == id) {
            return &mut self.providers[i];
        }
        self.providers.push(blank_provider(id));
        let last = self.providers.len() - 1;
        &mut self.providers[last]
    }

    fn offering_mut(&mut self, provider: &str, id: &str) -> &mut Offering {
        let p = self.provider_mut(provider);
        if let Some(i) = p.offerings.iter().position(|o| o.id == id) {
            return &mut p.offerings[i];
        }
        p.offerings.push(blank_offering(id));
        let last = p.offerings.len() - 1;
        &mut p.offerings[last]
    }

    /// The overlay complete: each provider stamped with the sources and the
    /// oldest date of what it changes. Nothing imported is an error.
    pub fn finish(self, format: PriceFormat) -> Result<PriceImport, PriceFileError> {
        let Overlay { mut providers, updated, added, skipped, notes, .. } = self;
        for p in &mut providers {
            let mut sources = BTreeSet::new();
            let mut dates = BTreeSet::new();
            for t in p.offerings.iter().flat_map(|o| &o.tiers) {
                sources.extend(t.source.clone());
                dates.extend(t.as_of.clone());
            }
            for u in &p.usage {
                sources.extend(u.source.clone());
                dates.extend(u.as_of.clone());
            }
            let files: BTreeSet<String> = sources
                .iter()
                .map(|s| s.split(", entry ").next().unwrap_or(s).to_string())
                .collect();
            // The files first: the provider's own, where the import read it.
            p.source = Some(format!(
                "{} (capplan tiers import {})",
                files.into_iter().collect::<Vec<_>>().join("; "),
                format.name()
            ));
            p.as_of =
                dates.into_iter().min_by_key(|d| crate::catalog::parse_date(d).unwrap_or(i64::MAX));
        }
        if updated + added == 0 {
            let reasons: Vec<String> =
                skipped.iter().map(|(reason, n)| format!("{n} × {reason}")).collect();
            return Err(PriceFileError::at(
                "",
                None,
                "",
                &format!(
                    "nothing to import: no record of the file matches an entry capplan can price{}",
                    if reasons.is_empty() {
                        String::new()
                    } else {
                        format!(" (left out: {})", reasons.join("; "))
                    }
                ),
            ));
        }
        Ok(PriceImport {
            format,
            providers,
            updated,
            added,
            skipped: skipped.into_iter().collect(),
            notes,
        })
    }
}

/// A tier with only its id. Built field by field, so that a field added to
/// the catalog types is a compile error here, not a silent default.
fn blank(id: &str) -> Tier {
    Tier {
        id: id.to_string(),
        name: None,
        available: None,
        capacity: Capacity::default(),
        price: Price::default(),
        quotas: Vec::new(),
        high_availability: None,
        backup: None,
        credit: None,
        source: None,
        as_of: None,
        confidence: None,
        note: None,
        evidence: None,
    }
}

fn blank_provider(id: &str) -> Provider {
    Provider {
        version: 1,
        provider: id.to_string(),
        name: None,
        currency: None,
        sites: Vec::new(),
        source: None,
        as_of: None,
        confidence: None,
        note: None,
        evidence: None,
        offerings: Vec::new(),
        usage: Vec::new(),
    }
}

fn blank_offering(id: &str) -> Offering {
    Offering { id: id.to_string(), ..Offering::default() }
}

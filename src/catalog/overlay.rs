//! `--tiers PATH` overlays: the same provider/offering/tier (or usage) id
//! replaces the fields the overlay gives; a new id adds. Whatever an overlay
//! changes takes the overlay's provenance (its `source` and `as_of`), so a
//! negotiated price never shows the vendor's page as its source.

use super::{Capacity, Offering, Price, Provider, Tier, UsagePrice};

/// Overlay provenance, inherited by everything the overlay touches.
#[derive(Clone)]
struct Stamp {
    source: Option<String>,
    as_of: Option<String>,
    confidence: Option<super::Confidence>,
}

macro_rules! take {
    ($base:expr, $over:expr, $($field:ident),+) => {
        $( if $over.$field.is_some() { $base.$field = $over.$field; } )+
    };
}

pub(crate) fn merge_provider(base: &mut Provider, overlay: Provider) {
    let stamp = Stamp {
        source: overlay.source.clone(),
        as_of: overlay.as_of.clone(),
        confidence: overlay.confidence,
    };
    take!(base, overlay, name, currency, note);
    for offering in overlay.offerings {
        let stamp = stamp.within(&offering.source, &offering.as_of, offering.confidence);
        match base.offerings.iter_mut().find(|o| o.id == offering.id) {
            Some(existing) => merge_offering(existing, offering, &stamp),
            None => base.offerings.push(stamp_offering(offering, &stamp)),
        }
    }
    for usage in overlay.usage {
        match base.usage.iter_mut().find(|u| u.id == usage.id) {
            Some(existing) => merge_usage(existing, usage, &stamp),
            None => base.usage.push(stamp_usage(usage, &stamp)),
        }
    }
}

impl Stamp {
    fn within(
        &self,
        source: &Option<String>,
        as_of: &Option<String>,
        confidence: Option<super::Confidence>,
    ) -> Stamp {
        Stamp {
            source: source.clone().or_else(|| self.source.clone()),
            as_of: as_of.clone().or_else(|| self.as_of.clone()),
            confidence: confidence.or(self.confidence),
        }
    }
}

fn merge_offering(base: &mut Offering, over: Offering, stamp: &Stamp) {
    take!(
        base,
        over,
        name,
        role,
        engine,
        billing,
        max_instances,
        serverless,
        storage,
        backup,
        capacity_units,
        cpu_surplus,
        egress,
        load_balancer,
        high_availability,
        note
    );
    if !over.requires.is_empty() {
        base.requires = over.requires;
    }
    for (option, mut price) in over.purchase_options {
        price.source = price.source.or_else(|| stamp.source.clone());
        price.as_of = price.as_of.or_else(|| stamp.as_of.clone());
        price.confidence = price.confidence.or(stamp.confidence);
        base.purchase_options.insert(option, price);
    }
    for tier in over.tiers {
        match base.tiers.iter_mut().find(|t| t.id == tier.id) {
            Some(existing) => merge_tier(existing, tier, stamp),
            None => base.tiers.push(stamp_tier(tier, stamp)),
        }
    }
}

fn merge_tier(base: &mut Tier, over: Tier, stamp: &Stamp) {
    let changes_numbers = over.capacity != Capacity::default()
        || over.price != Price::default()
        || !over.quotas.is_empty();
    take!(base, over, name, available, high_availability, backup, note);
    merge_capacity(&mut base.capacity, over.capacity);
    let price = over.price;
    take!(base.price, price, monthly_usd, hourly_usd);
    if price.monthly_usd.is_some() && price.hourly_usd.is_none() {
        base.price.hourly_usd = None; // a new monthly price supersedes the old hourly one
    }
    if price.hourly_usd.is_some() && price.monthly_usd.is_none() {
        base.price.monthly_usd = None;
    }
    if !price.steps.is_empty() {
        base.price.steps = price.steps;
    }
    base.price.purchase_options.extend(price.purchase_options);
    take!(base.price, price, per_seat);
    if !over.quotas.is_empty() {
        base.quotas = over.quotas;
    }
    if changes_numbers || over.source.is_some() {
        base.source = over.source.or_else(|| stamp.source.clone());
        base.as_of = over.as_of.or_else(|| stamp.as_of.clone());
        base.confidence = over.confidence.or(stamp.confidence);
    }
}

fn merge_capacity(base: &mut Capacity, over: Capacity) {
    take!(
        base,
        over,
        vcpu,
        shared_cpu,
        memory_mb,
        storage_gb,
        max_storage_gb,
        max_connections,
        max_ops_per_sec,
        bandwidth_gb_per_month,
        max_instances,
        sleeps_when_idle,
        free_hours_per_month,
        credits_per_month,
        max_databases,
        baseline_cpu,
        burst
    );
    base.estimates.extend(over.estimates);
}

fn merge_usage(base: &mut UsagePrice, over: UsagePrice, stamp: &Stamp) {
    take!(base, over, name, free_quantity, batch_discount, note);
    base.unit = over.unit;
    base.price_tiers = over.price_tiers;
    base.source = over.source.or_else(|| stamp.source.clone());
    base.as_of = over.as_of.or_else(|| stamp.as_of.clone());
    base.confidence = over.confidence.or(stamp.confidence);
}

fn stamp_offering(mut offering: Offering, stamp: &Stamp) -> Offering {
    offering.source = offering.source.or_else(|| stamp.source.clone());
    offering.as_of = offering.as_of.or_else(|| stamp.as_of.clone());
    offering.confidence = offering.confidence.or(stamp.confidence);
    offering
}

fn stamp_tier(mut tier: Tier, stamp: &Stamp) -> Tier {
    tier.source = tier.source.or_else(|| stamp.source.clone());
    tier.as_of = tier.as_of.or_else(|| stamp.as_of.clone());
    tier.confidence = tier.confidence.or(stamp.confidence);
    tier
}

fn stamp_usage(mut usage: UsagePrice, stamp: &Stamp) -> UsagePrice {
    usage.source = usage.source.or_else(|| stamp.source.clone());
    usage.as_of = usage.as_of.or_else(|| stamp.as_of.clone());
    usage.confidence = usage.confidence.or(stamp.confidence);
    usage
}

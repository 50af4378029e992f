//! Storage rules: the storage a database needs, what a tier can be given,
//! storage beyond the included amount and backups.

use super::*;

/// The storage a database component provisions (the need with its
/// headroom, at least the offering's minimum) and stores.
pub(crate) fn storage_need_gb(component: &Component, tier: &TierRef<'_>, demand: &Demand) -> f64 {
    let headroom =
        component.storage_headroom.unwrap_or(crate::planner::defaults::DEFAULT_STORAGE_HEADROOM);
    let min = tier.offering.storage.as_ref().and_then(|s| s.min_gb).unwrap_or(0.0);
    (demand.storage_gb * headroom).max(if demand.storage_gb > 0.0 { min } else { 0.0 })
}

/// The storage a database is billed for: what the component was given
/// (`storage_gb`), else the need with its headroom.
pub(crate) fn provisioned_storage_gb(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
) -> f64 {
    component.storage_gb.unwrap_or_else(|| storage_need_gb(component, tier, demand))
}

/// The largest storage a tier can be given: the tier's own maximum, else
/// the offering's, else (without storage pricing) what it includes.
pub(crate) fn max_storage_gb(tier: &TierRef<'_>) -> Option<f64> {
    let cap = &tier.tier.capacity;
    match &tier.offering.storage {
        Some(pricing) => cap.max_storage_gb.or(pricing.max_gb),
        None => cap.storage_gb,
    }
}

/// Storage bought beyond a database tier's included amount, by the
/// offering's rule: only the excess, or the full amount once it exceeds
/// the default (Atlas). `None` when the need fits what is included.
pub(crate) fn storage_charge(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    catalog: &Catalog,
) -> Option<UsageLine> {
    let pricing = tier.offering.storage.as_ref()?;
    let included = tier.tier.capacity.storage_gb.unwrap_or(0.0);
    let provisioned = provisioned_storage_gb(component, tier, demand);
    if crate::planner::fits(provisioned, included) {
        return None;
    }
    let metered = match pricing.metered {
        StorageMetering::Provisioned => provisioned,
        StorageMetering::Used => demand.storage_gb,
    };
    let (billed, name) = match pricing.rule {
        StorageRule::Excess if included > 0.0 => (
            (metered - included).max(0.0),
            format!("storage beyond the included {} GB", trim_float(included, 1)),
        ),
        StorageRule::Excess => (metered, "storage".to_string()),
        StorageRule::FullAmount => (
            metered,
            format!(
                "custom storage, all {} GB billed (the included {} GB are not deducted)",
                trim_float(metered, 1),
                trim_float(included, 1)
            ),
        ),
    };
    Some(charge_line(catalog, tier, &pricing.price, name, billed, &component.name))
}

/// Backup storage beyond the offering's free share of the provisioned
/// storage: the data stored × the component's `backup_size_ratio`
/// (default 1). An offering that bills backups at no known rate gives an
/// unpriced line; a tier with backups in its price, or none, no line.
pub(crate) fn backup_charge(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    catalog: &Catalog,
) -> Option<UsageLine> {
    let rule = tier.offering.backup.as_ref()?;
    if tier.tier.backup.is_some() {
        return None;
    }
    let backup_gb = demand.storage_gb * component.backup_size_ratio.unwrap_or(1.0);
    if backup_gb <= 0.0 {
        return None;
    }
    // The storage the allowance is a share of: what is billed (the data
    // itself where storage is metered by use, as DocumentDB's cluster
    // storage), else the provisioned size.
    let storage = match tier.offering.storage.as_ref().map(|s| s.metered) {
        Some(StorageMetering::Used) => demand.storage_gb,
        _ => provisioned_storage_gb(component, tier, demand)
            .max(tier.tier.capacity.storage_gb.unwrap_or(0.0)),
    };
    let free = storage * rule.free_share_of_storage.unwrap_or(0.0);
    let billed = (backup_gb - free).max(0.0);
    match &rule.price {
        Some(id) if billed > 0.0 => Some(charge_line(
            catalog,
            tier,
            id,
            match rule.free_share_of_storage {
                Some(share) if share > 0.0 => format!(
                    "backup storage beyond the free {} GB ({}% of the storage)",
                    trim_float(free, 1),
                    trim_float(share * 100.0, 0)
                ),
                _ => "backup storage".to_string(),
            },
            billed,
            &component.name,
        )),
        Some(_) => None,
        None => Some(UsageLine {
            name: "backups".into(),
            price: format!(
                "{}/{}: no published backup rate",
                tier.provider.provider, tier.offering.id
            ),
            quantity: backup_gb,
            unit: "GB-month".into(),
            monthly_usd: None,
            source: rule.source.clone(),
            as_of: None,
            component: Some(component.name.clone()),
        }),
    }
}

#![warn(missing_docs)]
//! `capplan tiers diff`: what `--tiers` overlays change against the
//! embedded catalog, price by price: each tier's on-demand and purchase
//! option prices (per month), each usage price's volume tiers, long-context
//! price and batch discount, with the old and new source dates.

use super::{Catalog, Provider, PurchaseOption, TierRef, UsagePrice};
use serde::Serialize;

/// The result of `capplan tiers diff` (its JSON contract).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TierDiffReport {
    /// The overlay files or folders, in the order they apply.
    pub overlays: Vec<String>,
    /// Prices that differ from the embedded catalog's.
    pub changed: usize,
    /// Prices of entries the embedded catalog lacks.
    pub added: usize,
    /// Entries the overlays restate at the embedded price (another source
    /// or date, same figures).
    pub unchanged: usize,
    /// Each changed or added price, by entry then price.
    pub changes: Vec<PriceChange>,
}

/// One price an overlay changes or adds.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PriceChange {
    /// `aws/ec2/m5.large`, `anthropic/claude-sonnet-4-5-input`.
    pub entry: String,
    /// `on_demand`, a purchase option (`reserved_1y`), `price` (a usage
    /// price's first volume tier; `price from N` for later ones),
    /// `long_context` or `batch_discount`.
    pub price: String,
    /// What `old` and `new` are in: `USD/month` for tiers, `USD/<unit>` for
    /// usage prices, `fraction` for a discount.
    pub unit: String,
    /// The embedded catalog's figure, in `unit`; null where it gives none
    /// (always for an added entry).
    pub old: Option<f64>,
    /// The overlaid figure, in `unit`; null where the overlay gives none.
    pub new: Option<f64>,
    /// (new − old) / old × 100, where both are priced and old is not zero.
    pub change_pct: Option<f64>,
    /// `changed` or `added`.
    pub status: &'static str,
    /// Date (`YYYY-MM-DD`) of the embedded entry's source; null when added or
    /// undated.
    pub old_as_of: Option<String>,
    /// Date (`YYYY-MM-DD`) of the overlay entry's source; null when undated.
    pub new_as_of: Option<String>,
    /// The embedded entry's source; null when added or unsourced.
    pub old_source: Option<String>,
    /// The overlay entry's source; null when unsourced.
    pub new_source: Option<String>,
}

const OPTIONS: [PurchaseOption; 5] = [
    PurchaseOption::Reserved1y,
    PurchaseOption::Reserved3y,
    PurchaseOption::SavingsPlan1y,
    PurchaseOption::SavingsPlan3y,
    PurchaseOption::Spot,
];

/// Every price `overlaid` gives differently from `base` (the embedded
/// catalog), entry by entry.
pub fn tier_diff(base: &Catalog, overlaid: &Catalog, overlays: &[String]) -> TierDiffReport {
    let mut report = TierDiffReport {
        overlays: overlays.to_vec(),
        changed: 0,
        added: 0,
        unchanged: 0,
        changes: Vec::new(),
    };
    for provider in &overlaid.providers {
        for offering in &provider.offerings {
            for tier in &offering.tiers {
                let new = TierRef { provider, offering, tier };
                let old = base.tier(&new.reference());
                tier_changes(&mut report, old, &new);
            }
        }
        let old_provider = base.provider(&provider.provider);
        for usage in &provider.usage {
            let old = old_provider.and_then(|p| p.usage.iter().find(|u| u.id == usage.id));
            usage_changes(&mut report, old_provider, old, provider, usage);
        }
    }
    report.changes.sort_by(|a, b| (&a.entry, &a.price).cmp(&(&b.entry, &b.price)));
    report
}

/// A change of one figure, `None` when it is the same.
struct Figure {
    price: String,
    unit: String,
    old: Option<f64>,
    new: Option<f64>,
}

fn tier_changes(report: &mut TierDiffReport, old: Option<TierRef<'_>>, new: &TierRef<'_>) {
    let mut figures = vec![Figure {
        price: "on_demand".into(),
        unit: "USD/month".into(),
        old: old.and_then(|o| o.monthly_usd()),
        new: new.monthly_usd(),
    }];
    for option in OPTIONS {
        let (o, n) = (old.and_then(|o| o.monthly_usd_with(option)), new.monthly_usd_with(option));
        if o.is_some() || n.is_some() {
            figures.push(Figure {
                price: option.as_str().into(),
                unit: "USD/month".into(),
                old: o,
                new: n,
            });
        }
    }
    let (old_as_of, old_source) = match old {
        Some(o) => {
            let p = o.provenance();
            (p.as_of, p.source)
        }
        None => (None, None),
    };
    let p = new.provenance();
    let restated = old.is_some_and(|o| o.provenance() != p);
    record(
        report,
        &new.reference(),
        old.is_some(),
        figures,
        [old_as_of, p.as_of, old_source, p.source],
        restated,
    );
}

fn usage_changes(
    report: &mut TierDiffReport,
    old_provider: Option<&Provider>,
    old: Option<&UsagePrice>,
    provider: &Provider,
    new: &UsagePrice,
) {
    let unit = format!("USD/{}", new.unit);
    let mut figures = Vec::new();
    let steps = old.map_or(0, |o| o.price_tiers.len()).max(new.price_tiers.len());
    for i in 0..steps {
        let (o, n) = (old.and_then(|u| u.price_tiers.get(i)), new.price_tiers.get(i));
        let start = n.or(o).map_or(0.0, |t| t.start);
        figures.push(Figure {
            price: if i == 0 {
                "price".into()
            } else {
                format!("price from {}", crate::input::units::trim_float(start, 0))
            },
            unit: unit.clone(),
            old: o.and_then(|t| t.usd),
            new: n.and_then(|t| t.usd),
        });
    }
    let long = |u: Option<&UsagePrice>| u.and_then(|u| u.long_context.as_ref()).and_then(|l| l.usd);
    if long(old).is_some() || long(Some(new)).is_some() {
        figures.push(Figure {
            price: "long_context".into(),
            unit: unit.clone(),
            old: long(old),
            new: long(Some(new)),
        });
    }
    let batch = |u: Option<&UsagePrice>| u.and_then(|u| u.batch_discount);
    if batch(old).is_some() || batch(Some(new)).is_some() {
        figures.push(Figure {
            price: "batch_discount".into(),
            unit: "fraction".into(),
            old: batch(old),
            new: batch(Some(new)),
        });
    }
    let provenance = |p: Option<&Provider>, u: Option<&UsagePrice>| {
        let u = u?;
        Some((
            u.as_of.clone().or_else(|| p.and_then(|p| p.as_of.clone())),
            u.source.clone().or_else(|| p.and_then(|p| p.source.clone())),
        ))
    };
    let (old_as_of, old_source) = provenance(old_provider, old).unwrap_or((None, None));
    let (new_as_of, new_source) = provenance(Some(provider), Some(new)).unwrap_or((None, None));
    let restated = old.is_some() && (old_as_of != new_as_of || old_source != new_source);
    record(
        report,
        &format!("{}/{}", provider.provider, new.id),
        old.is_some(),
        figures,
        [old_as_of, new_as_of, old_source, new_source],
        restated,
    );
}

/// The figures that differ become changes; an entry whose figures are all
/// the same but whose source or date moved counts as unchanged.
fn record(
    report: &mut TierDiffReport,
    entry: &str,
    existed: bool,
    figures: Vec<Figure>,
    provenance: [Option<String>; 4],
    restated: bool,
) {
    let [old_as_of, new_as_of, old_source, new_source] = provenance;
    let mut any = false;
    for f in figures {
        let same = match (f.old, f.new) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-9),
            (None, None) => true,
            _ => false,
        };
        if same && existed {
            continue;
        }
        if !existed && f.new.is_none() {
            continue;
        }
        any = true;
        let status = if existed { "changed" } else { "added" };
        if existed {
            report.changed += 1;
        } else {
            report.added += 1;
        }
        report.changes.push(PriceChange {
            entry: entry.to_string(),
            price: f.price,
            unit: f.unit,
            change_pct: match (f.old, f.new) {
                (Some(a), Some(b)) if a != 0.0 => Some((b - a) / a * 100.0),
                _ => None,
            },
            old: f.old,
            new: f.new,
            status,
            old_as_of: old_as_of.clone(),
            new_as_of: new_as_of.clone(),
            old_source: old_source.clone(),
            new_source: new_source.clone(),
        });
    }
    if !any && existed && restated {
        report.unchanged += 1;
    }
}

//! `--tiers PATH` overlays: the same provider/offering/tier (or usage) id
//! replaces the fields the overlay gives; a new id adds. Whatever an overlay
//! changes takes the overlay's provenance (its `source` and `as_of`), so a
//! negotiated price never shows the vendor's page as its source.

use super::check::{Severity, check_provider};
use super::{
    Capacity, Catalog, CatalogError, LoadedFile, Offering, Price, Problem, Provider, Tier,
    UsagePrice,
};

/// Checks each overlay file against the catalog so far, then merges it
/// (in order, so a later file may extend an earlier one's additions). Any
/// error fails the whole load; the warnings are returned.
pub fn apply_overlays(
    catalog: &mut Catalog,
    files: Vec<LoadedFile>,
) -> Result<Vec<Problem>, CatalogError> {
    let mut warnings = Vec::new();
    for file in files {
        let base = catalog.provider(&file.provider.provider);
        let problems = check_provider(&file, base, super::STALE_AFTER_DAYS);
        if problems.iter().any(|p| p.severity == Severity::Error) {
            return Err(CatalogError { problems });
        }
        warnings.extend(problems);
        match catalog.providers.iter_mut().find(|p| p.provider == file.provider.provider) {
            Some(base) => merge_provider(base, file.provider),
            // A provider new to the catalog keeps its own provenance.
            None => catalog.providers.push(file.provider),
        }
    }
    Ok(warnings)
}

/// Overlay provenance, inherited by everything the overlay touches.
#[derive(Clone)]
struct Stamp {
    source: Option<String>,
    as_of: Option<String>,
    confidence: Option<super::Confidence>,
    /// What confirms the overlay's `source`: it replaces the evidence of
    /// whatever the overlay changes, which confirmed the old source.
    evidence: Option<String>,
}

/// `base.field = value` for every field the overlay gives (`Some`).
macro_rules! take {
    ($base:expr, $($field:ident),+) => {
        $( if $field.is_some() { $base.$field = $field; } )+
    };
}

/// Every field of `base` that `over` gives (not null, not an empty list
/// or map) is replaced, except `own`: the fields whose merge has a rule of
/// its own (ids, provenance, tiers merged by id, maps that add). Generic,
/// so a field added to an offering, a capacity or a usage price is merged
/// with no edit here; the tests merge every shipped catalog onto a copy
/// holding only its ids and get it back whole, so no field is ever
/// accepted and then ignored.
fn take_given<T: serde::Serialize + serde::de::DeserializeOwned>(
    base: &mut T,
    over: &T,
    own: &[&str],
) {
    // YAML values, not JSON: they keep every f64 as it is (JSON writes a
    // non-finite one as null), so what is written always reads back.
    use serde_yaml_ng::{Mapping, Value};
    let as_map = |value: &T| match serde_yaml_ng::to_value(value) {
        Ok(Value::Mapping(map)) => map,
        _ => unreachable!("catalog types serialize as maps"),
    };
    let mut merged = as_map(base);
    for (field, value) in as_map(over) {
        let given = !(value.is_null()
            || value.as_sequence().is_some_and(Vec::is_empty)
            || value.as_mapping().is_some_and(Mapping::is_empty));
        let own_rule = field.as_str().is_some_and(|f| own.contains(&f));
        if given && !own_rule {
            merged.insert(field, value);
        }
    }
    *base = serde_yaml_ng::from_value(Value::Mapping(merged))
        .expect("a catalog type reads back what it writes");
}

/// Provenance: each merge stamps it by the overlay's rules.
const PROVENANCE: [&str; 4] = ["source", "as_of", "confidence", "evidence"];

pub(crate) fn merge_provider(base: &mut Provider, overlay: Provider) {
    let Provider {
        version: _,
        provider: _,
        name,
        currency,
        sites,
        source,
        as_of,
        confidence,
        note,
        evidence,
        offerings,
        usage,
    } = overlay;
    let stamp = Stamp { source, as_of, confidence, evidence };
    take!(base, name, currency, note);
    // Sites add: an overlay naming one more site keeps the provider's.
    for site in sites {
        if !base.sites.contains(&site) {
            base.sites.push(site);
        }
    }
    for offering in offerings {
        let stamp = stamp.within(
            &offering.source,
            &offering.as_of,
            offering.confidence,
            &offering.evidence,
        );
        match base.offerings.iter_mut().find(|o| o.id == offering.id) {
            Some(existing) => merge_offering(existing, offering, &stamp),
            None => base.offerings.push(stamp_offering(offering, &stamp)),
        }
    }
    for price in usage {
        match base.usage.iter_mut().find(|u| u.id == price.id) {
            Some(existing) => merge_usage(existing, price, &stamp),
            None => base.usage.push(stamp_usage(price, &stamp)),
        }
    }
}

impl Stamp {
    fn within(
        &self,
        source: &Option<String>,
        as_of: &Option<String>,
        confidence: Option<super::Confidence>,
        evidence: &Option<String>,
    ) -> Stamp {
        // A source of its own brings its own evidence, or none.
        let evidence = if source.is_some() {
            evidence.clone()
        } else {
            evidence.clone().or_else(|| self.evidence.clone())
        };
        Stamp {
            source: source.clone().or_else(|| self.source.clone()),
            as_of: as_of.clone().or_else(|| self.as_of.clone()),
            confidence: confidence.or(self.confidence),
            evidence,
        }
    }
}

fn merge_offering(base: &mut Offering, over: Offering, stamp: &Stamp) {
    // Tiers merge by id and purchase options add (below); the offering's
    // own provenance is already in `stamp`.
    take_given(base, &over, &[&PROVENANCE[..], &["id", "tiers", "purchase_options"]].concat());
    let Offering { purchase_options, tiers, .. } = over;
    for (option, mut price) in purchase_options {
        if price.source.is_none() {
            price.evidence = price.evidence.or_else(|| stamp.evidence.clone());
        }
        price.source = price.source.or_else(|| stamp.source.clone());
        price.as_of = price.as_of.or_else(|| stamp.as_of.clone());
        price.confidence = price.confidence.or(stamp.confidence);
        base.purchase_options.insert(option, price);
    }
    for tier in tiers {
        match base.tiers.iter_mut().find(|t| t.id == tier.id) {
            Some(existing) => merge_tier(existing, tier, stamp),
            None => base.tiers.push(stamp_tier(tier, stamp)),
        }
    }
}

fn merge_tier(base: &mut Tier, over: Tier, stamp: &Stamp) {
    let Tier {
        id: _,
        name,
        available,
        capacity,
        price,
        quotas,
        high_availability,
        backup,
        credit,
        source,
        as_of,
        confidence,
        note,
        evidence,
    } = over;
    let changes_numbers = capacity != Capacity::default()
        || price != Price::default()
        || !quotas.is_empty()
        || credit.is_some();
    take!(base, name, available, high_availability, backup, credit, note);
    merge_capacity(&mut base.capacity, capacity);
    merge_price(&mut base.price, price);
    if !quotas.is_empty() {
        base.quotas = quotas;
    }
    if changes_numbers || source.is_some() {
        base.evidence = match &source {
            Some(_) => evidence,
            None => evidence.or_else(|| stamp.evidence.clone()),
        };
        base.source = source.or_else(|| stamp.source.clone());
        base.as_of = as_of.or_else(|| stamp.as_of.clone());
        base.confidence = confidence.or(stamp.confidence);
    } else {
        take!(base, evidence);
    }
}

fn merge_price(base: &mut Price, over: Price) {
    let Price { monthly_usd, hourly_usd, steps, purchase_options, per_seat } = over;
    // A new monthly price supersedes the old hourly one, and the reverse.
    if monthly_usd.is_some() && hourly_usd.is_none() {
        base.hourly_usd = None;
    }
    if hourly_usd.is_some() && monthly_usd.is_none() {
        base.monthly_usd = None;
    }
    take!(base, monthly_usd, hourly_usd, per_seat);
    if !steps.is_empty() {
        base.steps = steps;
    }
    base.purchase_options.extend(purchase_options);
}

fn merge_capacity(base: &mut Capacity, over: Capacity) {
    // Estimates add: an overlay estimating one more limit keeps the others.
    take_given(base, &over, &["estimates"]);
    base.estimates.extend(over.estimates);
}

fn merge_usage(base: &mut UsagePrice, over: UsagePrice, stamp: &Stamp) {
    take_given(base, &over, &[&PROVENANCE[..], &["id"]].concat());
    let UsagePrice { price_tiers, source, as_of, confidence, evidence, .. } = over;
    // Price tiers are a required field: an overlay of a usage price
    // restates them, even as none.
    base.price_tiers = price_tiers;
    base.evidence = match &source {
        Some(_) => evidence,
        None => evidence.or_else(|| stamp.evidence.clone()),
    };
    base.source = source.or_else(|| stamp.source.clone());
    base.as_of = as_of.or_else(|| stamp.as_of.clone());
    base.confidence = confidence.or(stamp.confidence);
}

fn stamp_offering(mut offering: Offering, stamp: &Stamp) -> Offering {
    // An entry with a source of its own keeps its own evidence (or none).
    if offering.source.is_none() {
        offering.evidence = offering.evidence.or_else(|| stamp.evidence.clone());
    }
    offering.source = offering.source.or_else(|| stamp.source.clone());
    offering.as_of = offering.as_of.or_else(|| stamp.as_of.clone());
    offering.confidence = offering.confidence.or(stamp.confidence);
    offering
}

fn stamp_tier(mut tier: Tier, stamp: &Stamp) -> Tier {
    // An entry with a source of its own keeps its own evidence (or none).
    if tier.source.is_none() {
        tier.evidence = tier.evidence.or_else(|| stamp.evidence.clone());
    }
    tier.source = tier.source.or_else(|| stamp.source.clone());
    tier.as_of = tier.as_of.or_else(|| stamp.as_of.clone());
    tier.confidence = tier.confidence.or(stamp.confidence);
    tier
}

fn stamp_usage(mut usage: UsagePrice, stamp: &Stamp) -> UsagePrice {
    // An entry with a source of its own keeps its own evidence (or none).
    if usage.source.is_none() {
        usage.evidence = usage.evidence.or_else(|| stamp.evidence.clone());
    }
    usage.source = usage.source.or_else(|| stamp.source.clone());
    usage.as_of = usage.as_of.or_else(|| stamp.as_of.clone());
    usage.confidence = usage.confidence.or(stamp.confidence);
    usage
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn a_merge_keeps_non_finite_numbers_instead_of_failing_to_read_them_back() {
        // The checks refuse them in catalog files; the merge must not rely
        // on that to stay panic-free.
        let mut base = Capacity { vcpu: Some(1.0), memory_mb: Some(512.0), ..Capacity::default() };
        let over = Capacity {
            vcpu: Some(f64::INFINITY),
            max_ops_per_sec: Some(f64::NAN),
            ..Capacity::default()
        };
        merge_capacity(&mut base, over);
        assert_eq!(base.vcpu, Some(f64::INFINITY));
        assert!(base.max_ops_per_sec.is_some_and(f64::is_nan));
        assert_eq!(base.memory_mb, Some(512.0));
    }

    /// Drops provenance (which an overlay stamps by its own rules) so that
    /// what remains is the catalog's content.
    fn content(mut value: Value) -> Value {
        match &mut value {
            Value::Object(map) => {
                for key in ["source", "as_of", "confidence", "evidence"] {
                    map.remove(key);
                }
                for v in map.values_mut() {
                    *v = content(v.take());
                }
            }
            Value::Array(items) => {
                for v in items.iter_mut() {
                    *v = content(v.take());
                }
            }
            _ => {}
        }
        value
    }

    /// A provider with the same ids and nothing else: what a merge starts
    /// from when every field must come from the overlay.
    fn skeleton(provider: &Provider) -> Provider {
        let offerings: Vec<Value> = provider
            .offerings
            .iter()
            .map(|o| {
                json!({
                    "id": o.id,
                    "tiers": o.tiers.iter().map(|t| json!({ "id": t.id })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let usage: Vec<Value> = provider
            .usage
            .iter()
            .map(|u| json!({ "id": u.id, "unit": "x", "price_tiers": [] }))
            .collect();
        serde_json::from_value(json!({
            "version": provider.version,
            "provider": provider.provider,
            "offerings": offerings,
            "usage": usage,
        }))
        .unwrap()
    }

    #[test]
    fn every_field_of_every_shipped_catalog_lands_through_an_overlay() {
        // Each shipped catalog, used as an overlay on a skeleton of its
        // own ids, must come out whole: a field the merge forgot (as
        // `long_context`, `credit` and `usage_compute` once were) differs.
        let catalog = crate::catalog::load().unwrap();
        for provider in &catalog.providers {
            let mut merged = skeleton(provider);
            merge_provider(&mut merged, provider.clone());
            let got = content(serde_json::to_value(&merged).unwrap());
            let want = content(serde_json::to_value(provider).unwrap());
            assert_eq!(got, want, "{}", provider.provider);
        }
    }

    #[test]
    fn an_overlay_of_a_long_context_price_replaces_it() {
        let catalog = crate::catalog::load().unwrap();
        let mut anthropic =
            catalog.providers.iter().find(|p| p.provider == "anthropic").unwrap().clone();
        let overlay: Provider = serde_json::from_value(json!({
            "version": 1,
            "provider": "anthropic",
            "source": "negotiated",
            "usage": [{
                "id": "claude-sonnet-4-input",
                "unit": "1M tokens",
                "price_tiers": [{ "start": 0, "usd": 3.0 }],
                "long_context": { "above_tokens": 200000, "usd": 12.0 },
            }],
        }))
        .unwrap();
        merge_provider(&mut anthropic, overlay);
        let input = anthropic.usage.iter().find(|u| u.id == "claude-sonnet-4-input").unwrap();
        assert_eq!(input.long_context.as_ref().and_then(|l| l.usd), Some(12.0));
        assert_eq!(input.source.as_deref(), Some("negotiated"));
    }

    #[test]
    fn an_overlay_price_drops_the_evidence_of_the_price_it_replaces() {
        let catalog = crate::catalog::load().unwrap();
        let mut anthropic = catalog.provider("anthropic").unwrap().clone();
        let find = |p: &Provider, id: &str| p.usage.iter().find(|u| u.id == id).unwrap().clone();
        assert!(find(&anthropic, "claude-sonnet-5-input").evidence.is_some());
        let overlay: Provider = serde_json::from_value(json!({
            "version": 1,
            "provider": "anthropic",
            "source": "our Anthropic contract, 2026-12",
            "evidence": "signed order form",
            "usage": [
                {
                    "id": "claude-sonnet-5-input",
                    "unit": "1M tokens",
                    "price_tiers": [{ "start": 0, "usd": 1.6 }],
                },
                {
                    "id": "claude-opus-4-6-input",
                    "unit": "1M tokens",
                    "price_tiers": [{ "start": 0, "usd": 5.0 }],
                    "source": "a reseller's page",
                    "retired": "2027-02-05",
                    "successor": "claude-opus-5-5",
                    "priority_usd": 9.0,
                },
            ],
        }))
        .unwrap();
        merge_provider(&mut anthropic, overlay);
        let sonnet = find(&anthropic, "claude-sonnet-5-input");
        // The contract's price, confirmed by the overlay's own evidence,
        // not by the mirrors that confirmed the list price.
        assert_eq!(sonnet.source.as_deref(), Some("our Anthropic contract, 2026-12"));
        assert_eq!(sonnet.evidence.as_deref(), Some("signed order form"));
        let opus = find(&anthropic, "claude-opus-4-6-input");
        assert_eq!(opus.source.as_deref(), Some("a reseller's page"));
        assert_eq!(opus.evidence, None);
        assert_eq!(opus.retired.as_deref(), Some("2027-02-05"));
        assert_eq!(opus.successor.as_deref(), Some("claude-opus-5-5"));
        assert_eq!(opus.priority_usd, Some(9.0));
    }
}

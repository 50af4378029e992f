//! The token lines of an AI model usage item: input, cache reads, cache
//! writes and output, each at the model's price for that kind; the
//! long-prompt price where one call's prompt is above its threshold; the
//! batch discount or the priority price.

use super::{UsageLine, base_quantity, unit_multiple};
use crate::catalog::{Catalog, UsagePrice};
use crate::demand::{Demand, LoadShape};
use crate::scenario::UsageItem;

/// The share of `calls` a month that write a cache entry living `ttl`
/// seconds which every call renews: a call arriving when no call came in
/// the `ttl` before it finds the entry expired. Calls are Poisson at each
/// hour's rate, the month's calls spread over the period by the shape's
/// hours (the load profile, relative to its peak hour; each hour of the
/// period lasts `hour_seconds_per_month` seconds in a 730-hour month).
pub(crate) fn cache_write_share(calls: f64, shape: &LoadShape, ttl: f64) -> f64 {
    let shares = shape.hours();
    let hour_seconds = shape.hour_seconds_per_month();
    let total: f64 = shares.iter().sum();
    if calls <= 0.0 || total <= 0.0 {
        return 0.0;
    }
    shares
        .iter()
        .map(|share| {
            let weight = share / total;
            let rate = calls * weight / hour_seconds;
            weight * (-rate * ttl).exp()
        })
        .sum()
}

/// One token kind of an item: the catalog kind, what the line is called,
/// and tokens per call.
struct Kind {
    kind: &'static str,
    what: String,
    tokens: f64,
}

/// The kinds an item bills, with the cached prompt split into reads and
/// writes when the item says how it is written.
fn kinds(item: &UsageItem, write_share: f64) -> Vec<Kind> {
    let mut kinds = Vec::new();
    let mut push = |kind: &'static str, what: &str, tokens: Option<f64>| {
        if let Some(tokens) = tokens {
            kinds.push(Kind { kind, what: what.to_string(), tokens });
        }
    };
    push("input", "input tokens", item.input_tokens);
    match (item.cached_input_tokens, item.cache_write) {
        (Some(cached), Some(lifetime)) => {
            push("cached-input", "cached input tokens", Some(cached * (1.0 - write_share)));
            let what = format!("cache writes, {} lifetime", lifetime.as_str());
            push(lifetime.kind(), &what, Some(cached * write_share));
        }
        (cached, _) => push("cached-input", "cached input tokens", cached),
    }
    push("output", "output tokens", item.output_tokens);
    kinds
}

/// The cost of `quantity` units of `price` for a call whose prompt is
/// `prompt` tokens, with what the line's name adds; `None` when unpriced
/// (a priority price above the long-prompt threshold is not published).
fn cost(
    price: &UsagePrice,
    quantity: f64,
    prompt: f64,
    item: &UsageItem,
) -> (Option<f64>, Vec<String>, Option<String>) {
    let mut notes = Vec::new();
    let long = price.long_context.as_ref().filter(|long| prompt > long.above_tokens);
    let mut source = None;
    let mut usd = match long {
        Some(long) => {
            notes.push(format!(
                "prompts above {} tokens",
                crate::input::units::trim_float(long.above_tokens, 0)
            ));
            source = long.source.clone();
            long.usd.map(|usd| quantity * usd)
        }
        None => price.cost(quantity),
    };
    if item.priority {
        notes.push("priority".into());
        usd = match long {
            Some(_) => None,
            None => price.priority_usd.map(|p| quantity * p),
        };
    }
    let discount = if item.batch { price.batch_discount.unwrap_or(0.0) } else { 0.0 };
    if discount > 0.0 {
        notes.push("batch".into());
    }
    (usd.map(|c| c * (1.0 - discount)), notes, source)
}

/// The token lines of a model item (`model` is `provider/model`).
pub(crate) fn model_lines(
    item: &UsageItem,
    model: &str,
    catalog: &Catalog,
    demand: &Demand,
    shape: &LoadShape,
) -> Vec<UsageLine> {
    let calls = base_quantity(item, demand);
    // The whole prompt of one call, however much of it the cache serves.
    let prompt = item.input_tokens.unwrap_or(0.0) + item.cached_input_tokens.unwrap_or(0.0);
    let write_share = item
        .cache_write
        .map_or(0.0, |lifetime| cache_write_share(calls, shape, lifetime.seconds()));
    kinds(item, write_share)
        .into_iter()
        .map(|Kind { kind, what, tokens }| {
            let reference = format!("{model}-{kind}");
            let name = format!("{} ({what})", item.name);
            let Some((provider, price)) = catalog.usage(&reference) else {
                return UsageLine {
                    name,
                    price: reference,
                    quantity: calls * tokens / 1e6,
                    unit: "1M tokens".into(),
                    monthly_usd: None,
                    source: None,
                    as_of: None,
                    component: None,
                };
            };
            let quantity = calls * tokens / unit_multiple(&price.unit);
            let (monthly_usd, notes, source) = cost(price, quantity, prompt, item);
            let name =
                if notes.is_empty() { name } else { format!("{name}, {}", notes.join(", ")) };
            UsageLine {
                name,
                price: reference,
                quantity,
                unit: price.unit.clone(),
                monthly_usd,
                source: source.or_else(|| price.source.clone()).or_else(|| provider.source.clone()),
                as_of: price.as_of.clone().or_else(|| provider.as_of.clone()),
                component: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::cache_write_share;
    use crate::demand::LoadShape;

    #[test]
    fn a_renewed_cache_is_written_after_quiet_spells_only() {
        let flat = LoadShape::from_profile(vec![1.0; 24]);
        // One call per 5 minutes on average all day: a call finds the
        // 5-minute entry expired when the gap before it is over 300 s,
        // e^(-1) of the time.
        let calls = 2_628_000.0 / 300.0;
        let share = cache_write_share(calls, &flat, 300.0);
        assert!((share - (-1.0f64).exp()).abs() < 1e-12, "{share}");
        // The 1-hour lifetime is almost never missed at that rate.
        assert!(cache_write_share(calls, &flat, 3600.0) < 1e-5);
        // A night without calls: its hours contribute nothing, the day's
        // hours carry the calls at twice the rate.
        let day =
            LoadShape::from_profile((0..24).map(|h| if h < 12 { 0.0 } else { 1.0 }).collect());
        let share = cache_write_share(calls, &day, 300.0);
        assert!((share - (-2.0f64).exp()).abs() < 1e-12, "{share}");
        assert_eq!(cache_write_share(0.0, &flat, 300.0), 0.0);
    }
}

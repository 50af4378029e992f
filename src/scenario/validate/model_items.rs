//! Checks of the usage items priced by AI models: token counts, the
//! prompt cache, batch or priority, and a warning for each retired model
//! (or retired usage price) a scenario still uses.

use super::{Validator, key, named};
use crate::catalog::{Catalog, TOKEN_KINDS};
use crate::input::locate::Step;
use crate::scenario::{Scenario, UsageItem};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Every check of one item's model fields (`model`, token counts,
/// `cache_write`, `batch`, `priority`).
pub(super) fn check_item(v: &mut Validator<'_>, u: &UsageItem, catalog: &Catalog) {
    let up = |k: &str| vec![key("usage"), named(&u.name), key(k)];
    if u.batch && u.priority {
        v.error(
            &up("priority"),
            "give 'batch' or 'priority', not both: a call runs on one service tier".into(),
        );
    }
    let Some(model) = &u.model else {
        if u.input_tokens.is_some() || u.cached_input_tokens.is_some() || u.output_tokens.is_some()
        {
            v.error(
                &up("input_tokens"),
                "token counts apply only with 'model' (provider/model)".into(),
            );
        }
        if u.cache_write.is_some() {
            v.error(
                &up("cache_write"),
                "'cache_write' applies only with 'model' and 'cached_input_tokens'".into(),
            );
        }
        if u.priority
            && let Some(price) = &u.price
            && catalog.usage(price).is_none_or(|(_, p)| p.priority_usd.is_none())
        {
            v.error(
                &up("priority"),
                format!("'{price}' has no priority price (priority_usd) in the catalog"),
            );
        }
        return;
    };
    if u.price.is_some() || u.served_by.is_some() {
        v.error(
            &up("model"),
            "give 'model' (with token counts) or 'price' or 'served_by', not more than one".into(),
        );
    }
    let mut kinds = vec![
        ("input_tokens", u.input_tokens, "input"),
        ("cached_input_tokens", u.cached_input_tokens, "cached-input"),
        ("output_tokens", u.output_tokens, "output"),
    ];
    if kinds.iter().all(|(_, v, _)| v.is_none()) {
        v.error(&up("model"), "a model item needs at least one of 'input_tokens', 'cached_input_tokens', 'output_tokens' (tokens per call)".into());
    }
    if let Some(lifetime) = u.cache_write {
        if u.cached_input_tokens.is_none() {
            v.error(
                &up("cache_write"),
                "'cache_write' needs 'cached_input_tokens': the size of the cached prompt".into(),
            );
        }
        kinds.push(("cache_write", u.cached_input_tokens, lifetime.kind()));
    }
    let provider = model.split('/').next().unwrap_or("");
    for (field, value, kind) in kinds {
        if field != "cache_write" {
            v.number(&up(field), value, |v| v >= 0.0, "zero or a positive token count per call");
        }
        if value.is_none() {
            continue;
        }
        let reference = format!("{model}-{kind}");
        match catalog.usage(&reference) {
            None => {
                let at = if field == "cache_write" { "cache_write" } else { "model" };
                v.error(&up(at), format!("no {kind} token price for model '{model}': expected provider/model with a '{model}-{kind}' entry, as listed by `capplan tiers show {provider}`"));
            }
            Some((_, price)) if u.priority && price.priority_usd.is_none() => {
                v.error(
                    &up("priority"),
                    format!("no priority price for '{reference}' (priority_usd) in the catalog: the provider publishes none, or the catalog lacks it (add it with --tiers)"),
                );
            }
            Some(_) => {}
        }
    }
}

/// One warning per retired model (or retired usage price) the scenario's
/// usage items name, at the first item naming it.
pub(super) fn warn_retired(v: &mut Validator<'_>, s: &Scenario, catalog: &Catalog, today: &str) {
    let mut seen = HashSet::new();
    for u in &s.usage {
        let (name, references, field) = match (&u.model, &u.price) {
            (Some(model), _) => {
                let references: Vec<String> = catalog
                    .model_prices(model)
                    .into_iter()
                    .map(|(kind, _)| format!("{model}-{kind}"))
                    .collect();
                (format!("model '{model}'"), references, "model")
            }
            // A token price names its model: one warning for the model,
            // however many of its prices the items name.
            (None, Some(price)) => match TOKEN_KINDS
                .iter()
                .filter_map(|kind| price.strip_suffix(&format!("-{kind}")))
                // `-cached-input` before `-input`: the shortest model id.
                .min_by_key(|model| model.len())
            {
                Some(model) => (format!("model '{model}'"), vec![price.clone()], "price"),
                None => (format!("'{price}'"), vec![price.clone()], "price"),
            },
            (None, None) => continue,
        };
        if !seen.insert(name.clone()) {
            continue;
        }
        let found = references.iter().find_map(|r| catalog.retirement(r, &name, today));
        if let Some(retirement) = found {
            let path: Vec<Step> = vec![key("usage"), named(&u.name), key(field)];
            v.warning(&path, retirement.message());
        }
    }
}

/// How long a prompt written to a provider's cache lives (Anthropic: 5
/// minutes at 1.25× the input price, 1 hour at 2×).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
pub enum CacheLifetime {
    #[serde(rename = "5m")]
    FiveMinutes,
    #[serde(rename = "1h")]
    OneHour,
}

impl CacheLifetime {
    pub fn as_str(self) -> &'static str {
        match self {
            CacheLifetime::FiveMinutes => "5m",
            CacheLifetime::OneHour => "1h",
        }
    }

    /// The lifetime in seconds.
    pub fn seconds(self) -> f64 {
        match self {
            CacheLifetime::FiveMinutes => 300.0,
            CacheLifetime::OneHour => 3600.0,
        }
    }

    /// The token kind of the write price (`<model>-cache-write-5m`).
    pub fn kind(self) -> &'static str {
        match self {
            CacheLifetime::FiveMinutes => "cache-write-5m",
            CacheLifetime::OneHour => "cache-write-1h",
        }
    }
}

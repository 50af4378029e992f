//! LiteLLM's `model_prices_and_context_window.json`: one object keyed by
//! model, USD per token. Entries of the providers capplan has catalogs for
//! (`anthropic`, `openai`, `gemini`, and Vertex AI's Gemini entries where
//! the Gemini API has none) become the usage items the catalogs use:
//! `<model>-input`, `-cached-input`, `-output`, and the prompt-cache writes
//! `-cache-write-5m` (5 minutes, the name the catalogs use) and `-cache-write-1h`, per 1M tokens.
//!
//! Per token × 10⁶ is done on the decimal digits (2e-07 → 0.2, not
//! 0.19999999999999998). `*_batches` prices become `batch_discount`, the
//! lowest `*_above_<N>k_tokens` price `long_context`; priority prices and
//! non-token charges are not read. A dated snapshot (`…-20250929`) is left
//! out when its undated model is in the file at the same prices, unless
//! the catalog already names it.

use super::overlay::Stamp;
use super::{ImportOptions, Overlay, PriceFileError, json_number, json_path};
use crate::catalog::{Confidence, LongContext, UsagePrice, VolumeTier};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// LiteLLM provider → (capplan provider, the key prefix LiteLLM uses).
const PROVIDERS: [(&str, &str, &str); 4] = [
    ("anthropic", "anthropic", ""),
    ("openai", "openai", ""),
    ("gemini", "gemini", "gemini/"),
    // Vertex AI's Gemini entries: read only for models the Gemini API
    // entries lack (the catalog prices the Gemini API).
    ("vertex_ai-language-models", "gemini", ""),
];

/// The modes whose entries are token prices capplan's token lines use.
const MODES: [&str; 4] = ["chat", "completion", "responses", "embedding"];

/// (item suffix, base price key, batch price key, display suffix).
const KINDS: [(&str, &str, Option<&str>, &str); 5] = [
    ("input", "input_cost_per_token", Some("input_cost_per_token_batches"), "input"),
    ("cached-input", "cache_read_input_token_cost", None, "cached input"),
    ("output", "output_cost_per_token", Some("output_cost_per_token_batches"), "output"),
    ("cache-write-5m", "cache_creation_input_token_cost", None, "cache write (5 minutes)"),
    ("cache-write-1h", "cache_creation_input_token_cost_above_1hr", None, "cache write (1 hour)"),
];

pub(super) fn read(
    paths: &[PathBuf],
    options: &ImportOptions,
    overlay: &mut Overlay,
) -> Result<(), PriceFileError> {
    for path in paths {
        let name = path.display().to_string();
        let (text, value) = super::read_json(path)?;
        let Value::Object(root) = value else {
            return Err(PriceFileError::at(
                &name,
                None,
                "$",
                "expected LiteLLM's object of models (keyed by model name), found another JSON value",
            ));
        };
        if !root.values().any(|v| v.get("litellm_provider").is_some()) {
            return Err(PriceFileError::at(
                &name,
                None,
                "$",
                "no entry has a litellm_provider: not LiteLLM's model_prices_and_context_window.json",
            ));
        }
        let as_of = super::undated_file_date(path, options, overlay)?;
        let digest = super::sha256::hex_digest(text.as_bytes());
        let file = format!(
            "LiteLLM model_prices_and_context_window.json (github.com/BerriAI/litellm), {} bytes, sha256 {}",
            text.len(),
            &digest[..16]
        );
        read_models(&name, &root, &file, &as_of, overlay)?;
    }
    Ok(())
}

/// A model's prices per 1M tokens, by item suffix, with what goes with them.
struct Model<'a> {
    key: &'a str,
    provider: &'static str,
    name: String,
    prices: BTreeMap<&'static str, UsagePrice>,
    deprecation: Option<String>,
}

fn read_models(
    file: &str,
    root: &Map<String, Value>,
    source: &str,
    as_of: &str,
    overlay: &mut Overlay,
) -> Result<(), PriceFileError> {
    let mut models: Vec<Model> = Vec::new();
    for (key, entry) in root {
        if key == "sample_spec" {
            continue;
        }
        let Value::Object(entry) = entry else {
            return Err(PriceFileError::at(
                file,
                None,
                &json_path(&[key]),
                "expected a model's object of prices, found another JSON value",
            ));
        };
        let Some(provider) = entry.get("litellm_provider").and_then(Value::as_str) else {
            overlay.skip("an entry without a litellm_provider");
            continue;
        };
        let Some(&(_, capplan, prefix)) = PROVIDERS.iter().find(|(p, _, _)| *p == provider) else {
            overlay.skip("a provider capplan has no catalog for");
            continue;
        };
        let mode = entry.get("mode").and_then(Value::as_str).unwrap_or("chat");
        if !MODES.contains(&mode) {
            overlay.skip(format!("{capplan}: mode '{mode}' (not token prices)"));
            continue;
        }
        let name = key.strip_prefix(prefix).unwrap_or(key).to_ascii_lowercase();
        if provider == "vertex_ai-language-models" && !name.starts_with("gemini-") {
            overlay.skip("gemini: a Vertex AI entry that is not a Gemini model");
            continue;
        }
        if !super::valid_id(&name) {
            overlay.skip(format!("{capplan}: a key that is not a model id capplan can use"));
            continue;
        }
        let prices = model_prices(file, key, entry, mode == "embedding")?;
        if prices.is_empty() {
            overlay.skip(format!("{capplan}: no token price"));
            continue;
        }
        let deprecation = entry.get("deprecation_date").and_then(Value::as_str).map(str::to_string);
        models.push(Model { key, provider: capplan, name, prices, deprecation });
    }
    // The Gemini API's own entries first; Vertex only where they lack one.
    let mut chosen: BTreeMap<(&str, String), usize> = BTreeMap::new();
    for (i, m) in models.iter().enumerate() {
        let slot = (m.provider, m.name.clone());
        match chosen.get(&slot) {
            Some(&j) if models[j].key.contains('/') || !m.key.contains('/') => {
                overlay.skip(format!("{}: a second entry for one model", m.provider));
            }
            _ => {
                chosen.insert(slot, i);
            }
        }
    }
    for (&(provider, ref name), &i) in &chosen {
        let model = &models[i];
        if let Some(undated) = dated_snapshot_of(name)
            && let Some(&j) = chosen.get(&(provider, undated.to_string()))
            && same_prices(&models[j], model)
            && overlay.base().usage(&format!("{provider}/{name}-input")).is_none()
        {
            overlay.skip(format!("{provider}: a dated snapshot priced as its undated model"));
            continue;
        }
        // LiteLLM transcribes the provider's page: the page is the source,
        // the table that gave the figure its evidence.
        let stamp = Stamp {
            source: format!(
                "{} (as LiteLLM's table gives it)",
                provider_page(overlay.base(), provider)
            ),
            as_of: as_of.to_string(),
            confidence: Confidence::Medium,
            evidence: Some(format!("{source}, entry '{}'", model.key)),
        };
        for (suffix, price) in &model.prices {
            let mut usage = price.clone();
            usage.id = format!("{name}-{suffix}");
            usage.note = model
                .deprecation
                .as_ref()
                .map(|d| format!("LiteLLM gives a deprecation date of {d}"));
            overlay.usage(provider, usage, &stamp);
        }
    }
    Ok(())
}

/// The usage items of one entry (ids set later), by suffix.
fn model_prices(
    file: &str,
    key: &str,
    entry: &Map<String, Value>,
    embedding: bool,
) -> Result<BTreeMap<&'static str, UsagePrice>, PriceFileError> {
    let mut prices = BTreeMap::new();
    for (suffix, base_key, batch_key, display) in KINDS {
        if embedding && suffix != "input" {
            continue;
        }
        let Some(per_token) = json_number(file, entry, base_key, &[key])? else {
            continue;
        };
        let usd = per_million(per_token);
        let mut long_context = None;
        for (k, _) in entry {
            let Some(threshold) = k
                .strip_prefix(base_key)
                .and_then(|rest| rest.strip_prefix("_above_"))
                .and_then(|rest| rest.strip_suffix("k_tokens"))
                .and_then(|n| n.parse::<f64>().ok())
                .filter(|n| n.is_finite() && *n > 0.0)
            else {
                continue;
            };
            if let Some(above) = json_number(file, entry, k, &[key])?
                && long_context
                    .as_ref()
                    .is_none_or(|l: &LongContext| threshold * 1000.0 < l.above_tokens)
            {
                long_context = Some(LongContext {
                    above_tokens: threshold * 1000.0,
                    usd: Some(per_million(above)),
                    source: None,
                    evidence: None,
                });
            }
        }
        let batch_discount = match batch_key {
            Some(k) => json_number(file, entry, k, &[key])?
                .filter(|&b| per_token > 0.0 && b < per_token)
                .map(|b| ((1.0 - b / per_token) * 1e6).round() / 1e6),
            None => None,
        };
        prices.insert(
            suffix,
            UsagePrice {
                name: Some(format!("{key} {display}")),
                unit: "1M tokens".into(),
                price_tiers: vec![VolumeTier { start: 0.0, usd: Some(usd) }],
                batch_discount,
                long_context,
                ..UsagePrice::default()
            },
        );
    }
    Ok(prices)
}

/// USD per token → per 1M tokens on the decimal digits: the shortest text
/// of the number, its exponent raised by six, read back.
pub(crate) fn per_million(per_token: f64) -> f64 {
    let text = format!("{per_token:e}");
    let Some((mantissa, exponent)) = text.split_once('e') else {
        return per_token * 1e6;
    };
    match exponent.parse::<i32>() {
        Ok(e) => format!("{mantissa}e{}", e + 6).parse().unwrap_or(per_token * 1e6),
        Err(_) => per_token * 1e6,
    }
}

/// `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`; `gpt-4o-2024-05-13`
/// → `gpt-4o`.
fn dated_snapshot_of(name: &str) -> Option<&str> {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if let Some((base, date)) = name.rsplit_once('-')
        && date.len() == 8
        && digits(date)
    {
        return Some(base);
    }
    let parts: Vec<&str> = name.rsplitn(4, '-').collect();
    if let [d, m, y, base] = parts[..]
        && y.len() == 4
        && m.len() == 2
        && d.len() == 2
        && digits(y)
        && digits(m)
        && digits(d)
    {
        return Some(base);
    }
    None
}

fn same_prices(a: &Model, b: &Model) -> bool {
    let figures = |m: &Model| {
        m.prices
            .iter()
            .map(|(k, p)| (*k, p.price_tiers.clone(), p.long_context.clone(), p.batch_discount))
            .collect::<Vec<_>>()
    };
    figures(a) == figures(b)
}

/// The provider's own price page: the first reference of its embedded
/// catalog's `source` (`platform.claude.com/docs/en/about-claude/pricing`).
fn provider_page(base: &crate::catalog::Catalog, provider: &str) -> String {
    let source = base.provider(provider).and_then(|p| p.source.as_deref()).unwrap_or(provider);
    source
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | '('))
        .next()
        .unwrap_or(source)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_token_to_per_million_is_decimal_exact() {
        assert_eq!(per_million(3e-06), 3.0);
        assert_eq!(per_million(1.25e-07), 0.125);
        assert_eq!(per_million(3.75e-06), 3.75);
        assert_eq!(per_million(2.25e-05), 22.5);
        assert_eq!(per_million(7.5e-08), 0.075);
        assert_eq!(per_million(0.0), 0.0);
        // Gemini 3.1 Pro's cache read: the naive product is 0.19999999999999998.
        assert_eq!(per_million(2e-07), 0.2);
        assert_ne!(2e-07 * 1e6, 0.2, "the naive product is what this avoids");
    }

    #[test]
    fn dated_snapshots() {
        assert_eq!(dated_snapshot_of("claude-sonnet-4-5-20250929"), Some("claude-sonnet-4-5"));
        assert_eq!(dated_snapshot_of("gpt-4o-2024-05-13"), Some("gpt-4o"));
        assert_eq!(dated_snapshot_of("gpt-5.4"), None);
        assert_eq!(dated_snapshot_of("gemini-2.5-flash-lite"), None);
    }
}

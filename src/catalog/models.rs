//! AI models in the catalogs: a model is the usage entries of one provider
//! named `<model>-<kind>` (`claude-sonnet-5-input`, `-cached-input`,
//! `-cache-write-5m`, `-cache-write-1h`, `-output`), and a model no longer
//! sold carries `retired` (and `successor`) on those entries.

use super::{Catalog, UsagePrice, days_between};

/// The token kinds a model is priced by, as usage-id suffixes.
pub const TOKEN_KINDS: [&str; 5] =
    ["input", "cached-input", "cache-write-5m", "cache-write-1h", "output"];

/// A retired (or retiring) catalog entry as a scenario meets it.
#[derive(Debug, Clone, PartialEq)]
pub struct Retirement {
    /// What the scenario names: `anthropic/claude-sonnet-4` or a usage id.
    pub name: String,
    pub date: String,
    /// Whether the date is past (`today` or earlier).
    pub past: bool,
    /// The replacement, followed through successors that are themselves
    /// retired: each `provider/model` with its retirement date if any.
    pub successors: Vec<(String, Option<String>)>,
    /// Whether the last successor has prices in the catalog.
    pub successor_priced: bool,
}

impl Catalog {
    /// Every model that can be priced per call: `provider/model` with both
    /// an input and an output price, in catalog order.
    pub fn models(&self) -> Vec<String> {
        self.providers
            .iter()
            .flat_map(|p| {
                p.usage.iter().filter_map(move |u| {
                    let model = u.id.strip_suffix("-input")?;
                    if model.ends_with("-cached") {
                        return None;
                    }
                    let output = format!("{model}-output");
                    p.usage
                        .iter()
                        .any(|o| o.id == output)
                        .then(|| format!("{}/{model}", p.provider))
                })
            })
            .collect()
    }

    /// The token prices of a model (`provider/model`) that exist, by kind.
    pub fn model_prices(&self, model: &str) -> Vec<(&'static str, &UsagePrice)> {
        TOKEN_KINDS
            .iter()
            .filter_map(|kind| {
                let (_, price) = self.usage(&format!("{model}-{kind}"))?;
                Some((*kind, price))
            })
            .collect()
    }

    /// `model` (`provider/model`) is a model with input and output prices;
    /// else why not, listing the models there are.
    pub fn resolve_model(&self, model: &str) -> Result<(), String> {
        let models = self.models();
        if models.iter().any(|m| m == model) {
            return Ok(());
        }
        let provider = model.split_once('/').map_or(model, |(p, _)| p);
        let same: Vec<&str> = models
            .iter()
            .filter(|m| m.split('/').next() == Some(provider))
            .map(String::as_str)
            .collect();
        let expected = if same.is_empty() {
            let mut providers: Vec<&str> =
                models.iter().filter_map(|m| m.split('/').next()).collect();
            providers.dedup();
            format!(
                "provider/model of a provider with model prices, one of {}",
                providers.join(", ")
            )
        } else {
            format!("one of {}", same.join(", "))
        };
        Err(format!("unknown model '{model}': expected {expected}"))
    }

    /// The retirement of the entry `reference` (`provider/usage-id`),
    /// shown as `name`, against `today`; `None` when it is sold.
    pub fn retirement(&self, reference: &str, name: &str, today: &str) -> Option<Retirement> {
        let (provider, price) = self.usage(reference)?;
        let date = price.retired.clone()?;
        let mut successors = Vec::new();
        let mut next = price.successor.clone();
        let mut priced = false;
        // A successor may be retired in turn: follow it (a few steps, and
        // never round a loop) to the model to move to.
        while let Some(model) = next.take() {
            let full = format!("{}/{model}", provider.provider);
            if successors.iter().any(|(m, _)| m == &full) || successors.len() == 5 {
                break;
            }
            let prices = self.model_prices(&full);
            priced = !prices.is_empty();
            let retired = prices.iter().find_map(|(_, p)| p.retired.clone());
            let gone = retired
                .as_deref()
                .is_some_and(|d| days_between(d, today).is_some_and(|age| age >= 0));
            if gone {
                next = prices.iter().find_map(|(_, p)| p.successor.clone());
            }
            successors.push((full, retired.filter(|_| gone)));
        }
        Some(Retirement {
            name: name.to_string(),
            past: days_between(&date, today).is_some_and(|age| age >= 0),
            date,
            successors,
            successor_priced: priced,
        })
    }
}

impl Retirement {
    /// The warning a scenario gets: what retired when, and what replaces it.
    pub fn message(&self) -> String {
        let when = if self.past {
            format!("was retired on {}, priced here at its last published price", self.date)
        } else {
            format!("retires on {}", self.date)
        };
        let successor = match self.successors.split_last() {
            None => "the provider names no successor".to_string(),
            Some(((last, _), before)) => {
                let via: Vec<String> = before
                    .iter()
                    .map(|(m, d)| match d {
                        Some(d) => format!("{m}, itself retired on {d}"),
                        None => m.clone(),
                    })
                    .collect();
                let priced = if self.successor_priced {
                    ""
                } else {
                    " (not priced in this catalog: add its prices with --tiers)"
                };
                if via.is_empty() {
                    format!("its successor is {last}{priced}")
                } else {
                    format!("move to {last}{priced}, via {}", via.join("; "))
                }
            }
        };
        format!("{} {when}: {successor}", self.name)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn models_need_an_input_and_an_output_price() {
        let catalog = super::super::load().unwrap();
        let models = catalog.models();
        assert!(models.contains(&"anthropic/claude-sonnet-4-5".to_string()));
        // An embedding model has no output price: not a model to call.
        assert!(!models.iter().any(|m| m.contains("text-embedding")));
        assert!(!models.iter().any(|m| m.ends_with("-cached")));
        let error = catalog.resolve_model("anthropic/claude-nope").unwrap_err();
        assert!(error.contains("one of anthropic/"), "{error}");
        let error = catalog.resolve_model("nobody/x").unwrap_err();
        assert!(error.contains("openai"), "{error}");
        assert_eq!(catalog.resolve_model("openai/gpt-4.1"), Ok(()));
    }
}

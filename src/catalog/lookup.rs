//! Finding things in a catalog (`provider/offering/tier` references) and
//! what they cost: the on-demand monthly price of a tier, a usage price
//! over its volume tiers.

use super::{
    HOURS_PER_MONTH, Offering, Price, Provenance, Provider, PurchaseOption, Tier, UsagePrice,
    parse_date,
};

/// All providers, after overlays.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub providers: Vec<Provider>,
}

/// A resolved candidate of a component: an offering, or one of its tiers.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub provider: &'a Provider,
    pub offering: &'a Offering,
    /// `Some` when the candidate names one tier.
    pub tier: Option<&'a Tier>,
}

impl<'a> Candidate<'a> {
    /// The tiers the candidate lets the planner choose from: the named
    /// tier (whether or not still sold: it is what runs), else every
    /// available tier of the offering.
    pub fn tiers(self) -> Vec<TierRef<'a>> {
        let all =
            self.tier.map_or_else(|| self.offering.tiers.iter().collect::<Vec<_>>(), |t| vec![t]);
        all.into_iter()
            .map(|tier| TierRef { provider: self.provider, offering: self.offering, tier })
            .filter(|r| self.tier.is_some() || r.available())
            .collect()
    }
}

/// A tier with the offering and provider it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct TierRef<'a> {
    pub provider: &'a Provider,
    pub offering: &'a Offering,
    pub tier: &'a Tier,
}

impl Catalog {
    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.provider == id)
    }

    /// `render/web` → the offering, with its provider.
    pub fn offering(&self, reference: &str) -> Option<(&Provider, &Offering)> {
        let (provider, offering) = reference.split_once('/')?;
        let provider = self.provider(provider)?;
        let offering = provider.offerings.iter().find(|o| o.id == offering)?;
        Some((provider, offering))
    }

    /// A component's candidate: `provider/offering` (its every tier) or
    /// `provider/offering/tier` (that tier only). `Err` names what is
    /// unknown: the offering (`None`) or the tier of a known offering.
    pub fn candidate(
        &self,
        reference: &str,
    ) -> Result<Candidate<'_>, Option<(&Provider, &Offering)>> {
        if let Some(found) = self.offering(reference) {
            return Ok(Candidate { provider: found.0, offering: found.1, tier: None });
        }
        let (offering_ref, tier_id) = reference.rsplit_once('/').ok_or(None)?;
        let (provider, offering) = self.offering(offering_ref).ok_or(None)?;
        match offering.tiers.iter().find(|t| t.id == tier_id) {
            Some(tier) => Ok(Candidate { provider, offering, tier: Some(tier) }),
            None => Err(Some((provider, offering))),
        }
    }

    /// `render/web/standard` → the tier.
    pub fn tier(&self, reference: &str) -> Option<TierRef<'_>> {
        let (offering_ref, tier) = reference.rsplit_once('/')?;
        let (provider, offering) = self.offering(offering_ref)?;
        let tier = offering.tiers.iter().find(|t| t.id == tier)?;
        Some(TierRef { provider, offering, tier })
    }

    /// The oldest `as_of` among the tiers named (`provider/offering/tier`):
    /// the date a chart or report of those tiers is "as of".
    pub fn oldest_tier_as_of<'r>(
        &self,
        tiers: impl IntoIterator<Item = &'r str>,
    ) -> Option<String> {
        tiers
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .filter_map(|r| self.tier(r)?.provenance().as_of)
            .min_by_key(|d| parse_date(d).unwrap_or(i64::MAX))
    }

    /// `aws/data-transfer-out` → the usage price.
    pub fn usage(&self, reference: &str) -> Option<(&Provider, &UsagePrice)> {
        let (provider, id) = reference.split_once('/')?;
        let provider = self.provider(provider)?;
        let usage = provider.usage.iter().find(|u| u.id == id)?;
        Some((provider, usage))
    }

    /// The oldest `as_of` date of any provider, for report titles.
    pub fn oldest_as_of(&self) -> Option<&str> {
        self.providers.iter().filter_map(|p| p.as_of.as_deref()).min()
    }
}

impl TierRef<'_> {
    pub fn available(&self) -> bool {
        self.tier.available.unwrap_or(true)
    }

    /// The on-demand monthly price, or `None` when unpriced.
    pub fn monthly_usd(&self) -> Option<f64> {
        self.tier.price.monthly()
    }

    /// The monthly price under a purchase option; `None` when unpriced or
    /// when the tier does not offer the option.
    pub fn monthly_usd_with(&self, option: PurchaseOption) -> Option<f64> {
        if option == PurchaseOption::OnDemand {
            return self.monthly_usd();
        }
        let price = self
            .tier
            .price
            .purchase_options
            .get(&option)
            .or_else(|| self.offering.purchase_options.get(&option))?;
        if let Some(monthly) = price.monthly_usd.or(price.hourly_usd.map(|h| h * HOURS_PER_MONTH)) {
            return Some(monthly);
        }
        Some(self.monthly_usd()? * (1.0 - price.discount?))
    }

    /// The monthly price under a purchase option when the tier offers it,
    /// else on demand; with the option actually applied.
    pub fn monthly_usd_preferring(&self, option: PurchaseOption) -> (Option<f64>, PurchaseOption) {
        let offered = option == PurchaseOption::OnDemand
            || self.tier.price.purchase_options.contains_key(&option)
            || self.offering.purchase_options.contains_key(&option);
        if offered {
            (self.monthly_usd_with(option), option)
        } else {
            (self.monthly_usd(), PurchaseOption::OnDemand)
        }
    }

    /// The monthly price at a throughput, for stepped prices (Atlas Flex).
    /// `None` when unpriced or when the load exceeds the last step.
    pub fn monthly_usd_at_ops(&self, ops_per_sec: f64) -> Option<f64> {
        let steps = &self.tier.price.steps;
        if steps.is_empty() {
            return self.monthly_usd();
        }
        let step = steps.iter().find(|s| ops_per_sec <= s.max_ops_per_sec)?;
        step.monthly_usd.or(step.hourly_usd.map(|h| h * HOURS_PER_MONTH))
    }

    /// The nearest provenance: tier, then offering, then provider.
    pub fn provenance(&self) -> Provenance {
        Provenance {
            source: self
                .tier
                .source
                .clone()
                .or_else(|| self.offering.source.clone())
                .or_else(|| self.provider.source.clone()),
            as_of: self
                .tier
                .as_of
                .clone()
                .or_else(|| self.offering.as_of.clone())
                .or_else(|| self.provider.as_of.clone()),
            confidence: self
                .tier
                .confidence
                .or(self.offering.confidence)
                .or(self.provider.confidence),
            note: self.tier.note.clone(),
        }
    }

    /// What confirms the nearest `source`: the evidence of the level that
    /// gives it (or of a level below it, which inherits that source).
    pub fn evidence(&self) -> Option<String> {
        let levels = [
            (&self.tier.source, &self.tier.evidence),
            (&self.offering.source, &self.offering.evidence),
            (&self.provider.source, &self.provider.evidence),
        ];
        for (source, evidence) in levels {
            if evidence.is_some() || source.is_some() {
                return evidence.clone();
            }
        }
        None
    }

    /// `render/web/standard`.
    pub fn reference(&self) -> String {
        format!("{}/{}/{}", self.provider.provider, self.offering.id, self.tier.id)
    }
}

impl Price {
    /// The on-demand monthly price: `monthly_usd`, else `hourly_usd` × 730,
    /// else the first price step.
    pub fn monthly(&self) -> Option<f64> {
        self.monthly_usd.or(self.hourly_usd.map(|h| h * HOURS_PER_MONTH)).or_else(|| {
            let first = self.steps.first()?;
            first.monthly_usd.or(first.hourly_usd.map(|h| h * HOURS_PER_MONTH))
        })
    }

    /// The hourly price when the tier is priced by the hour.
    pub fn hourly(&self) -> Option<f64> {
        self.hourly_usd.or_else(|| self.steps.first().and_then(|s| s.hourly_usd))
    }
}

impl UsagePrice {
    /// Monthly cost of `quantity` units: the free quota first, then each
    /// volume tier's price from its start. `None` when a needed tier is
    /// unpriced.
    pub fn cost(&self, quantity: f64) -> Option<f64> {
        let billable = (quantity - self.free_quantity.unwrap_or(0.0)).max(0.0);
        let mut total = 0.0;
        for (i, tier) in self.price_tiers.iter().enumerate() {
            let end = self.price_tiers.get(i + 1).map_or(f64::INFINITY, |next| next.start);
            let amount = (billable.min(end) - tier.start).max(0.0);
            if amount > 0.0 {
                total += amount * tier.usd?;
            }
        }
        Some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::VolumeTier;

    #[test]
    fn volume_tiers_and_free_quota() {
        let usage = UsagePrice {
            id: "egress".into(),
            unit: "GB".into(),
            free_quantity: Some(100.0),
            price_tiers: vec![
                VolumeTier { start: 0.0, usd: Some(0.09) },
                VolumeTier { start: 10_240.0, usd: Some(0.085) },
            ],
            ..UsagePrice::default()
        };
        assert_eq!(usage.cost(50.0), Some(0.0));
        assert!((usage.cost(1100.0).unwrap() - 90.0).abs() < 1e-9);
        let big = 100.0 + 10_240.0 + 1000.0;
        assert!((usage.cost(big).unwrap() - (10_240.0 * 0.09 + 1000.0 * 0.085)).abs() < 1e-9);
        let mut unpriced = usage.clone();
        unpriced.price_tiers[1].usd = None;
        assert_eq!(unpriced.cost(1100.0).map(|c| c.round()), Some(90.0));
        assert_eq!(unpriced.cost(big), None);
    }
}

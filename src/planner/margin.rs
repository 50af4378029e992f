//! How far ahead the cheapest mix is: a lower bound on what any other
//! managed mix costs, so that the search for the next upgrade can leap
//! over user counts where the recommendation provably stays the same
//! instead of planning every 1% step.
//!
//! The argument: every option's cost grows with users (more instances,
//! more usage), and an option that cannot hold a load cannot hold a larger
//! one. So another mix costs, at `u` and above, at least what its options
//! cost at `u`: at least the cheapest option of every component, with one
//! component on another tier than the chosen mix. If the chosen mix still
//! holds at a larger count and costs there less than that bound, it is the
//! cheapest everywhere between.

use crate::catalog::Tier;

/// The search's view of one plan: what the chosen mix costs and what any
/// other costs at least.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margin {
    /// The chosen mix's search cost: instances, the charges its options
    /// carry and the platform plan fees, $/month.
    pub chosen_usd: f64,
    /// No other managed mix costs less than this, at this load or above,
    /// $/month (−∞: nothing is known, so nothing is skipped).
    pub others_at_least_usd: f64,
}

impl Margin {
    /// A plan that was not found by the joint search (a pinned or fixed
    /// mix): it certifies nothing.
    pub const UNKNOWN: Margin =
        Margin { chosen_usd: f64::INFINITY, others_at_least_usd: f64::NEG_INFINITY };

    /// Whether `later`, a plan at a larger count with the same managed
    /// mix, proves that this mix is the cheapest at every count between.
    pub fn certifies(&self, later: &Margin) -> bool {
        later.chosen_usd < self.others_at_least_usd
    }
}

/// One component's choices for the bound: the cheapest option of each
/// tier it may run on, and the tier the mix chose.
pub(super) struct Choices<'a> {
    pub(super) by_tier: Vec<(&'a Tier, f64)>,
    pub(super) chosen: &'a Tier,
}

impl<'a> Choices<'a> {
    /// The cheapest cost per tier of `options` (tier, cost).
    pub(super) fn cheapest_per_tier(
        options: impl IntoIterator<Item = (&'a Tier, f64)>,
        chosen: &'a Tier,
    ) -> Choices<'a> {
        let mut by_tier: Vec<(&'a Tier, f64)> = Vec::new();
        for (tier, cost) in options {
            match by_tier.iter_mut().find(|(t, _)| std::ptr::eq(*t, tier)) {
                Some((_, best)) => *best = best.min(cost),
                None => by_tier.push((tier, cost)),
            }
        }
        Choices { by_tier, chosen }
    }

    /// (cheapest of all, cheapest on another tier than the chosen one).
    fn bounds(&self) -> (f64, f64) {
        let (mut any, mut other) = (f64::INFINITY, f64::INFINITY);
        for &(tier, cost) in &self.by_tier {
            any = any.min(cost);
            if !std::ptr::eq(tier, self.chosen) {
                other = other.min(cost);
            }
        }
        (any, other)
    }
}

/// The margin of the mix chosen at `chosen_usd` among `components`.
/// Another managed mix either puts some component on another tier (it
/// costs at least every component's cheapest, that one's cheapest on
/// another tier), or runs the same tiers at other counts, which costs more
/// than the chosen counts for no gain while those hold. Plan fees are
/// counted at their least, zero.
pub(super) fn margin(chosen_usd: f64, components: &[Choices<'_>]) -> Margin {
    let bounds: Vec<(f64, f64)> = components.iter().map(Choices::bounds).collect();
    let floor: f64 = bounds.iter().map(|&(any, _)| any).sum();
    let others =
        bounds.iter().map(|&(any, other)| floor - any + other).fold(f64::INFINITY, f64::min);
    // NaN (from ∞ − ∞ where a component has no option) certifies nothing.
    let others_at_least_usd = if others.is_nan() { f64::NEG_INFINITY } else { others };
    Margin { chosen_usd, others_at_least_usd }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tier(id: &str) -> Tier {
        serde_yaml_ng::from_str(&format!("{{ id: {id}, price: {{ monthly_usd: 1 }} }}")).unwrap()
    }

    #[test]
    fn the_bound_swaps_the_component_with_the_smallest_step_to_another_tier() {
        let (small, large, db_a, db_b) = (tier("s"), tier("l"), tier("a"), tier("b"));
        // api: 2 × small $14 (and 3 × small $21), large $25; db: a $57, b $145.
        let api =
            Choices::cheapest_per_tier([(&small, 14.0), (&small, 21.0), (&large, 25.0)], &small);
        let db = Choices::cheapest_per_tier([(&db_b, 145.0), (&db_a, 57.0)], &db_a);
        let m = margin(71.0, &[api, db]);
        assert_eq!(m.others_at_least_usd, 57.0 + 25.0);
        assert!(m.certifies(&Margin { chosen_usd: 81.9, others_at_least_usd: 0.0 }));
        assert!(!m.certifies(&Margin { chosen_usd: 82.0, others_at_least_usd: 0.0 }));
    }

    #[test]
    fn a_component_with_one_tier_leaves_the_others_to_move() {
        let (only, a, b) = (tier("only"), tier("a"), tier("b"));
        let fixed = Choices::cheapest_per_tier([(&only, 7.0)], &only);
        let db = Choices::cheapest_per_tier([(&a, 10.0), (&b, 30.0)], &a);
        assert_eq!(margin(17.0, &[fixed, db]).others_at_least_usd, 37.0);
        // No alternative anywhere: nothing can undercut the mix.
        let alone = Choices::cheapest_per_tier([(&only, 7.0)], &only);
        assert_eq!(margin(7.0, &[alone]).others_at_least_usd, f64::INFINITY);
        assert!(!Margin::UNKNOWN.certifies(&Margin::UNKNOWN));
    }
}

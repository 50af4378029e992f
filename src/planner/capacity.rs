//! How far a plan goes: the largest user count a fixed mix serves, and
//! the next upgrade as a person would make it, which every command
//! reports the same way. The upgrade is due where the mix stops holding;
//! it keeps every tier that still holds there (so "2 → 3 × micro", not a
//! switch to 5 × nano for $3), and a switch of tiers is advised apart,
//! only where it saves more than a threshold share of the bill.

use super::*;

/// Nothing is planned beyond this many users.
pub const USER_LIMIT: f64 = 1e12;

/// The share of the bill a tier switch must save to be advised.
pub const DEFAULT_SWITCH_SAVING: f64 = 0.10;

/// Whether `cheapest` is on other tiers than `kept` and costs less than
/// `(1 − saving)` × it: the one rule for a switch worth making.
pub fn switch_pays(kept: &Plan, cheapest: &Plan, saving: f64) -> bool {
    let on_other_tiers =
        kept.components.iter().zip(&cheapest.components).any(|(a, b)| a.tier_ref != b.tier_ref);
    on_other_tiers && cheapest.monthly_usd < kept.monthly_usd * (1.0 - saving)
}

/// Where the mix must change.
#[derive(Debug, Clone)]
pub struct Change {
    /// The first user count at which the mix, its tiers kept where they
    /// hold, is another managed mix.
    pub at_users: f64,
    /// The plan there that keeps every tier still holding, or why no mix
    /// serves the load there.
    pub next: Result<Plan, Infeasible>,
    /// The same mix one user before, priced there: the upgrade's own cost
    /// is `next` minus this, with no usage growth between.
    pub before: Plan,
}

/// A switch of tiers that saves more than the threshold.
#[derive(Debug, Clone)]
pub struct Switch {
    /// The first user count (within 0.5%) at which switching saves more
    /// than the threshold.
    pub at_users: f64,
    /// The plan that keeps the tiers there.
    pub kept: Plan,
    /// The cheapest plan there, on other tiers.
    pub switched: Plan,
}

/// The largest count in `[good, …)` for which `holds` is true, by doubling
/// then bisection (`holds(good)` is true); `None` beyond 10¹².
fn last_holding(mut good: f64, holds: impl Fn(f64) -> bool) -> Option<f64> {
    let mut bad = (good * 2.0).max(good + 1.0);
    while holds(bad) {
        good = bad;
        bad *= 2.0;
        if bad > USER_LIMIT {
            return None;
        }
    }
    while bad - good > 1.0 {
        let mid = ((good + bad) / 2.0).floor();
        if holds(mid) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    Some(good)
}

impl<'a> Planner<'a> {
    /// The largest user count (at least `from`) that a fixed mix serves, by
    /// doubling then bisection (demand grows with users); `None` when it
    /// still holds at 10¹² users.
    pub fn capacity(&self, mix: &[(String, u32)], from: f64) -> Option<f64> {
        last_holding(from.floor().max(0.0), |users| self.mix_holds(mix, users))
    }

    /// The cheapest plan at `users` that keeps each tier of `kept` that
    /// still holds its component there (its count may change); a
    /// component whose tier cannot hold at any count is planned afresh.
    pub fn plan_keeping(&self, users: f64, kept: &Plan) -> Result<Plan, Infeasible> {
        let mut tiers: Vec<Option<String>> =
            kept.components.iter().map(|c| Some(c.tier_ref.clone())).collect();
        loop {
            let mut planner = Planner::new(self.scenario, self.catalog);
            planner.pinned = Some(tiers.clone());
            match planner.plan(users) {
                Ok(plan) => return Ok(plan),
                Err(e) => {
                    let failed =
                        self.scenario.components.iter().position(|c| c.name == e.component);
                    match failed.and_then(|i| tiers.get_mut(i)) {
                        Some(tier @ Some(_)) => *tier = None,
                        _ => return Err(e),
                    }
                }
            }
        }
    }

    /// The next upgrade of `plan`: where its mix stops holding
    /// (`holds_up_to`, from [`Planner::capacity`], plus one), the plan that
    /// keeps its tiers there ([`Planner::plan_keeping`]). Where that bound
    /// is conservative (a count that follows the load still holds beyond
    /// it), the search goes on by doubling and bisection to the first
    /// count whose kept plan is another managed mix. `None`: the mix holds
    /// to 10¹² users.
    ///
    /// Before the upgrade the kept plan may already differ (a second
    /// instance cheaper than one instance's CPU surplus): the mix still
    /// holds there, and a person keeps it.
    pub fn next_upgrade(&self, plan: &Plan, holds_up_to: Option<f64>) -> Option<Change> {
        let key = plan.managed_mix();
        let start = plan.demand.users;
        let same = |users: f64| match self.plan_keeping(users, plan) {
            Ok(next) if next.managed_mix() == key => (true, Ok(next)),
            other => (false, other),
        };
        let holds_up_to = holds_up_to?;
        let probe = (holds_up_to + 1.0).max(start + 1.0);
        let mut good = match same(probe) {
            (false, next) => {
                let before = self.priced_at(plan, probe - 1.0).unwrap_or_else(|| plan.clone());
                return Some(Change { at_users: probe, next, before });
            }
            (true, _) => probe,
        };
        let mut upper = (good * 2.0).max(good + 1.0);
        let (mut bad, mut next) = loop {
            if upper > USER_LIMIT {
                return None;
            }
            match same(upper) {
                (true, _) => (good, upper) = (upper, upper * 2.0),
                (false, next) => break (upper, next),
            }
        };
        while bad - good > 1.0 {
            let mid = ((good + bad) / 2.0).floor();
            match same(mid) {
                (true, _) => good = mid,
                (false, plan) => (bad, next) = (mid, plan),
            }
        }
        let before = self.priced_at(plan, good).unwrap_or_else(|| plan.clone());
        Some(Change { at_users: bad, next, before })
    }

    /// `plan`'s exact mix (its tiers and managed counts) priced at `users`;
    /// `None` where it does not hold.
    pub fn priced_at(&self, plan: &Plan, users: f64) -> Option<Plan> {
        let mut fixed = self.scenario.clone();
        let counts: Vec<Option<u32>> = plan.components.iter().map(|c| c.managed_count()).collect();
        repin_counts(&mut fixed, self.scenario, &counts);
        let tiers = plan.components.iter().map(|c| c.tier_ref.clone()).collect();
        Planner::pinned(&fixed, self.catalog, tiers).plan(users).ok()
    }

    /// The first user count from `plan`'s up to the next upgrade
    /// (`upgrade`; 10¹² without) at which the cheapest plan on other tiers
    /// costs less than `(1 − saving)` × the plan that keeps `plan`'s tiers:
    /// a switch worth making. Probed by doubling, then bisected to within
    /// 0.5%; the upgrade's own plan is not planned again.
    pub fn tier_switch(
        &self,
        plan: &Plan,
        upgrade: Option<&Change>,
        saving: f64,
    ) -> Option<Switch> {
        let until = upgrade.map(|c| c.at_users);
        let worth = |users: f64| {
            let kept = match upgrade {
                Some(Change { at_users, next: Ok(next), .. }) if *at_users == users => next.clone(),
                _ => self.plan_keeping(users, plan).ok()?,
            };
            let switched = self.plan(users).ok()?;
            switch_pays(&kept, &switched, saving).then_some(Switch {
                at_users: users,
                kept,
                switched,
            })
        };
        let start = plan.demand.users;
        let limit = until.unwrap_or(USER_LIMIT);
        let (mut good, mut found) = (start, None);
        let mut probe = (start * 2.0).max(start + 1.0).min(limit);
        while found.is_none() {
            found = worth(probe);
            if found.is_none() {
                if probe >= limit {
                    return None;
                }
                good = probe;
                probe = (probe * 2.0).min(limit);
            }
        }
        let mut found = found?;
        while found.at_users - good > (good * 0.005).max(1.0) {
            let mid = ((good + found.at_users) / 2.0).floor();
            match worth(mid) {
                Some(switch) => found = switch,
                None => good = mid,
            }
        }
        Some(found)
    }
}

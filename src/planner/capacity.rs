//! How far a plan goes: the largest user count a fixed mix serves, and
//! the first user count at which the recommendation changes (the next
//! upgrade), which every command reports the same way.

use super::*;

/// Nothing is planned beyond this many users.
pub const USER_LIMIT: f64 = 1e12;

/// Where the recommendation changes.
#[derive(Debug, Clone)]
pub struct Change {
    /// The first user count whose cheapest plan has another managed mix.
    pub at_users: f64,
    /// That plan, or why no mix serves the load there.
    pub next: Result<Plan, Infeasible>,
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

    /// The first user count above the plan's at which `plan` (the cheapest
    /// plan at its load) stops being the recommendation: another managed
    /// mix becomes cheaper, or the mix no longer holds the load
    /// (`holds_up_to`, from `capacity`). `None`: the same mix stays the
    /// cheapest to 10¹² users.
    ///
    /// The cheapest plan can change before the mix fails (a usage-priced
    /// component overtaken by instances, a storage add-on by a larger tier)
    /// and change back, so the search does not bisect blindly. It walks user
    /// counts in steps of at most 1%, and within each step it also plans at
    /// every *breakpoint* of the instance options: the largest user count at
    /// which n instances of a candidate tier hold their component. A fixed
    /// option costs the same over its range while the mix it would replace
    /// only grows, so if such an option undercuts the mix anywhere it does
    /// so at its breakpoint: bands narrower than a step are found. Then the
    /// first step that changes is bisected.
    ///
    /// Before each step it tries a leap (doubling while leaps land, halved
    /// when one fails): a plan further on that keeps the mix and costs less
    /// than any other mix can cost at the last count known to keep it (the
    /// plan's [`Margin`]) proves the mix is the cheapest everywhere
    /// between, so those counts need no step.
    pub fn next_change(&self, plan: &Plan, holds_up_to: Option<f64>) -> Option<Change> {
        let key = plan.managed_mix();
        let start = plan.demand.users;
        let mut end = holds_up_to.map_or(USER_LIMIT, |c| (c + 1.0).min(USER_LIMIT));
        // The plan at a user count, and whether it keeps the managed mix.
        let same = |users: f64| {
            let plan = self.plan(users);
            let kept = matches!(&plan, Ok(p) if p.managed_mix() == key);
            (kept, plan)
        };
        let mut breakpoints = Breakpoints::new();
        let mut good = start;
        // The margin of the plan at `good`, and the next leap's length.
        let mut margin = plan.margin;
        let mut leap = if end < USER_LIMIT { end - 1.0 - good } else { good };
        let (mut bad, mut next) = loop {
            if good >= end {
                // The fixed-mix bound is conservative where a component's
                // count follows the load (it is checked at its largest
                // count): the planner still keeps the mix there, so the
                // search goes on to the limit.
                if end < USER_LIMIT {
                    end = USER_LIMIT;
                    continue;
                }
                return None;
            }
            let step = (good * 1.01).floor().max(good + 1.0).min(end);
            let target = (good + leap).floor().min(end);
            if target > step {
                match same(target) {
                    (true, Ok(at)) if margin.certifies(&at.margin) => {
                        (good, margin) = (target, at.margin);
                        leap *= 2.0;
                    }
                    _ => leap /= 2.0,
                }
                continue;
            }
            let (kept, at_step) = same(step);
            // What each component of the mix costs at the step bounds what
            // it costs anywhere before it (costs grow with users).
            let bound: Vec<f64> = match (&at_step, kept) {
                (Ok(same_plan), true) => same_plan
                    .components
                    .iter()
                    .map(|c| c.total_monthly_usd().unwrap_or(f64::INFINITY))
                    .collect(),
                _ => vec![f64::INFINITY; plan.components.len()],
            };
            let mut changed = None;
            // Breakpoints lie strictly between the counts: none between
            // neighbours.
            let points = if step - good > 1.0 {
                breakpoints.until(self, good, step, &bound)
            } else {
                vec![]
            };
            for point in points {
                if point > good {
                    match same(point) {
                        (true, _) => good = point,
                        (false, next) => {
                            changed = Some((point, next));
                            break;
                        }
                    }
                }
            }
            match (changed, kept) {
                (Some(found), _) => break found,
                (None, true) => {
                    good = step;
                    margin = at_step.map_or(Margin::UNKNOWN, |p| p.margin);
                    leap = 2.0 * (good * 0.01).max(1.0);
                }
                (None, false) => break (step, at_step),
            }
        };
        while bad - good > 1.0 {
            let mid = ((good + bad) / 2.0).floor();
            match same(mid) {
                (true, _) => good = mid,
                (false, plan) => {
                    bad = mid;
                    next = plan;
                }
            }
        }
        Some(Change { at_users: bad, next })
    }

    /// The largest user count (from `from`) at which `ladder.count`
    /// instances of its tier hold its component alone; `None` when they do
    /// not hold at `from`, exceed the instance limit, or hold to 10¹².
    fn option_capacity(&self, ladder: &Ladder<'a>, from: f64) -> Option<f64> {
        let component = &self.scenario.components[ladder.component];
        let holds = |users: f64| {
            ComputeModel::new(component, ladder.tier, &demand(self.scenario, users)).is_ok_and(
                |m| ladder.count <= m.max_count() && m.check(ladder.count).failing.is_none(),
            )
        };
        if !holds(from) {
            return None;
        }
        last_holding(from.floor(), holds)
    }
}

/// One instance tier of a compute component: the count considered and the
/// largest user count it holds.
struct Ladder<'a> {
    component: usize,
    tier: TierRef<'a>,
    count: u32,
    holds_up_to: Option<f64>,
    /// What one instance costs per month (the cost filter).
    unit_usd: f64,
}

/// The breakpoints of every fixed-count instance option of the scenario's
/// compute components, produced in increasing order on demand. The
/// ladders are built when the first step needs them (from the count the
/// search has reached): a search that only leaps never pays for them.
struct Breakpoints<'a> {
    ladders: Option<Vec<Ladder<'a>>>,
}

impl<'a> Breakpoints<'a> {
    fn new() -> Breakpoints<'a> {
        Breakpoints { ladders: None }
    }

    fn ladders(planner: &Planner<'a>, start: f64) -> Vec<Ladder<'a>> {
        let demand = demand(planner.scenario, start);
        let mut ladders = Vec::new();
        for (index, component) in planner.scenario.components.iter().enumerate() {
            if !component.role.is_compute() || component.autoscale.is_some() {
                continue;
            }
            for tier in planner.tiers(component) {
                if tier.offering.role == Some(Role::Serverless) {
                    continue;
                }
                let Some(unit_usd) = planner.unit_price(component, &tier, &demand) else {
                    continue;
                };
                // The fewest instances that hold the start (the sizing
                // search every option uses), then its range.
                let Ok((count, _)) =
                    ComputeModel::new(component, tier, &demand).and_then(|m| m.size())
                else {
                    continue;
                };
                let mut ladder =
                    Ladder { component: index, tier, count, holds_up_to: None, unit_usd };
                ladder.holds_up_to = planner.option_capacity(&ladder, start);
                ladders.push(ladder);
            }
        }
        ladders
    }

    /// The breakpoints below `limit`, in increasing order, of options that
    /// could undercut their component in the current mix: an option can
    /// only make a mix cheaper where it costs less than the component it
    /// replaces, which costs at most `bound` (per component) before
    /// `limit`, from `from` on. Each ladder then moves to its next count.
    fn until(&mut self, planner: &Planner<'a>, from: f64, limit: f64, bound: &[f64]) -> Vec<f64> {
        let ladders = self.ladders.get_or_insert_with(|| Self::ladders(planner, from));
        let mut points = Vec::new();
        for ladder in ladders {
            while let Some(point) = ladder.holds_up_to.filter(|&p| p < limit) {
                if ladder.unit_usd * ladder.count as f64 <= bound[ladder.component] * (1.0 + 1e-9) {
                    points.push(point);
                }
                ladder.count += 1;
                ladder.holds_up_to =
                    planner.option_capacity(ladder, point).filter(|&next| next > point);
            }
        }
        points.sort_by(f64::total_cmp);
        points.dedup();
        points
    }
}

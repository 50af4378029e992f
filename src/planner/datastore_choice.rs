//! The datastore side of the joint search: the tiers of a database or
//! cache that hold everything but connections (cheapest first, with their
//! charges), the first of them whose connection limit holds a count, and
//! why none does.

use super::*;

impl<'a> Planner<'a> {
    /// The tiers of a datastore component that hold the demand apart from
    /// connections, cheapest first, with their connection limits.
    pub(super) fn datastore_tiers(
        &self,
        component: &Component,
        demand: &Demand,
    ) -> Vec<DatastoreChoice<'a>> {
        let mut tiers: Vec<DatastoreChoice<'a>> = self
            .tiers(component)
            .into_iter()
            .filter_map(|tier| {
                let check = check_datastore(
                    component,
                    &tier,
                    demand,
                    0.0,
                    Detail::Search,
                    None,
                    self.catalog,
                )
                .ok()?;
                let mut lines = egress_charges(
                    self.scenario,
                    component,
                    &tier,
                    demand,
                    self.catalog,
                    check.sized.count as f64,
                );
                lines.extend(capacity_unit_charge(
                    component,
                    &tier,
                    demand,
                    &self.shape,
                    self.catalog,
                ));
                lines.extend(usage_compute::datastore_usage_lines(
                    component,
                    &tier,
                    demand,
                    check.sized.count,
                    self.catalog,
                ));
                // A plan the offering needs weighs in the choice; the plan
                // sums it once however many components need it.
                let plans = required_plans(component, &tier);
                let seats = self.scenario.seats.unwrap_or(1);
                let fees: f64 = plans
                    .iter()
                    .map(|p| {
                        plan_fee_line(self.catalog, p, seats, "")
                            .monthly_usd
                            .unwrap_or(f64::INFINITY)
                    })
                    .sum();
                // An unknown limit the component does not accept admits no
                // connection at all.
                let connection_limit =
                    match super::datastore_needs::connection_limit(component, &tier).0 {
                        Some(limit) => Some(limit),
                        None if component
                            .accept_unverified_limits
                            .contains(&crate::scenario::UnverifiedLimit::Connections) =>
                        {
                            None
                        }
                        None => Some(0.0),
                    };
                Some(DatastoreChoice {
                    connection_limit,
                    cost: self
                        .unit_price(component, &tier, demand)
                        .map_or(f64::INFINITY, |p| p * check.sized.count as f64)
                        + charges::total(&check.charges)
                        + charges::total(&lines)
                        + fees,
                    tier,
                    lines,
                    plans,
                })
            })
            .collect();
        tiers.sort_by(|a, b| a.cost.total_cmp(&b.cost));
        tiers
    }

    /// Why no tier of a datastore serves this demand and these connections
    /// (built only when needed: the messages cost more than the checks).
    pub(super) fn datastore_rejection(
        &self,
        component: &Component,
        demand: &Demand,
        connections: f64,
    ) -> Infeasible {
        let rejections = self
            .tiers(component)
            .into_iter()
            .filter_map(|tier| {
                check_datastore(
                    component,
                    &tier,
                    demand,
                    connections,
                    Detail::Explain,
                    None,
                    self.catalog,
                )
                .err()
                .map(|r| (tier, r))
            })
            .collect();
        infeasible(component, rejections)
    }
}

#[derive(Clone)]
pub(super) struct DatastoreChoice<'a> {
    pub(super) tier: TierRef<'a>,
    /// Connections it admits: its published limit, none where the limit
    /// is unpublished and not accepted, unbounded where accepted.
    pub(super) connection_limit: Option<f64>,
    /// Instances and every charge, the ones below included.
    pub(super) cost: f64,
    /// Charges beyond the tier check's own: the egress it serves and its
    /// capacity units over the day, CPU and memory billed by use.
    pub(super) lines: Vec<UsageLine>,
    /// Platform plans the offering needs (`provider/offering/tier`).
    pub(super) plans: Vec<String>,
}

/// The cheapest tier whose connection limit (if published) holds `connections`.
pub(super) fn first_fitting<'a>(
    tiers: &[DatastoreChoice<'a>],
    connections: f64,
) -> Option<DatastoreChoice<'a>> {
    tiers.iter().find(|t| t.connection_limit.is_none_or(|limit| fits(connections, limit))).cloned()
}

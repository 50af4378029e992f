//! Serverless against instances: for a web component that lists both, the
//! cost of each at the planned load and the monthly request volume above
//! which instances are cheaper.

use crate::demand::demand;
use crate::planner::Planner;
use crate::scenario::{Component, ComponentRole};
use serde::Serialize;

/// The comparison for one web component (JSON field names are a contract).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ServerlessComparison {
    /// The web component compared (its scenario name).
    pub component: String,
    /// The cheapest serverless candidate, `provider/offering/tier`.
    pub serverless_tier: String,
    /// That serverless tier's cost at the planned load, USD per month.
    pub serverless_monthly_usd: f64,
    /// The cheapest instance candidate, `provider/offering/tier`.
    pub instances_tier: String,
    /// Instances of that tier the planned load needs.
    pub instances_count: u32,
    /// Those instances' cost at the planned load, USD per month.
    pub instances_monthly_usd: f64,
    /// Requests a month above which instances cost less (null: serverless
    /// stays cheaper up to 10⁹ users, or is never cheaper).
    pub break_even_requests_per_month: Option<f64>,
    /// The user count at that volume.
    pub break_even_users: Option<f64>,
}

const MAX_USERS: f64 = 1e9;

/// Comparisons for every web component with both kinds of candidate.
pub fn compare(planner: &Planner<'_>, users: f64) -> Vec<ServerlessComparison> {
    planner
        .scenario
        .components
        .iter()
        .filter(|c| c.role == ComponentRole::Web)
        .filter_map(|c| comparison(planner, c, users))
        .collect()
}

fn comparison(
    planner: &Planner<'_>,
    component: &Component,
    users: f64,
) -> Option<ServerlessComparison> {
    let load = users;
    let (serverless_tier, _, serverless_cost) = planner.cheapest_alone(component, load, true)?;
    let (instances_tier, instances_count, instances_cost) =
        planner.cheapest_alone(component, load, false)?;
    // Positive where instances are cheaper; where serverless cannot serve
    // the load (latency, memory) instances win; where instances cannot,
    // there is no break-even (`None`).
    let gap = |u: f64| -> Option<f64> {
        let load = u;
        let serverless =
            planner.cheapest_alone(component, load, true).map_or(f64::INFINITY, |c| c.2);
        let instances = planner.cheapest_alone(component, load, false)?.2;
        Some(serverless - instances)
    };
    let break_even_users = first_crossing(gap);
    Some(ServerlessComparison {
        component: component.name.clone(),
        serverless_tier,
        serverless_monthly_usd: serverless_cost,
        instances_tier,
        instances_count,
        instances_monthly_usd: instances_cost,
        break_even_requests_per_month: break_even_users
            .map(|u| demand(planner.scenario, u).requests_per_month),
        break_even_users,
    })
}

/// The smallest user count (to 0.1%) from which `gap` stays positive on a
/// geometric scan, refined by bisection inside the first bracket. `None`
/// when serverless is cheaper everywhere up to 10⁹ users or cheaper nowhere.
fn first_crossing(gap: impl Fn(f64) -> Option<f64>) -> Option<f64> {
    let mut below = 1.0;
    if gap(below)? > 0.0 {
        return None;
    }
    let mut above = below;
    loop {
        above *= 1.25;
        if above > MAX_USERS {
            return None;
        }
        match gap(above) {
            Some(g) if g > 0.0 => break,
            Some(_) => below = above,
            // Instances cannot serve the load there: no crossing.
            None => return None,
        }
    }
    while above / below > 1.001 {
        let mid = (below * above).sqrt();
        match gap(mid) {
            Some(g) if g <= 0.0 => below = mid,
            _ => above = mid,
        }
    }
    Some(above.ceil())
}

#[cfg(test)]
mod tests {
    use super::first_crossing;

    #[test]
    fn crossing_of_a_linear_cost_against_a_flat_one() {
        // Serverless $0.002/user against instances at $25.
        let at = first_crossing(|u| Some(0.002 * u - 25.0)).unwrap();
        assert!((at / 12_500.0 - 1.0).abs() < 0.002, "{at}");
        assert_eq!(first_crossing(|_| Some(1.0)), None);
        assert_eq!(first_crossing(|_| Some(-1.0)), None);
        // Instances running out before serverless costs more: no crossing.
        assert_eq!(first_crossing(|u| (u < 50_000.0).then_some(-1.0)), None);
        // Serverless running out (infinite gap) is where instances win.
        let at = first_crossing(|u| Some(if u < 8_000.0 { -1.0 } else { f64::INFINITY })).unwrap();
        assert!((at / 8_000.0 - 1.0).abs() < 0.002, "{at}");
    }
}

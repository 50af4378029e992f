//! Sampled worlds: the point scenario with every uncertain field drawn
//! from its distribution, reproducibly from a seed and a world index.

use super::{Percentiles, UncertainInput, fields};
use crate::catalog::Catalog;
use crate::planner::Planner;
use crate::scenario::Scenario;
use serde::Serialize;

/// The worlds of a scenario under a seed.
pub struct Worlds<'a> {
    pub base: &'a Scenario,
    pub inputs: &'a [UncertainInput],
    pub seed: u64,
}

impl Worlds<'_> {
    /// World `index`: the scenario with its sampled values, and the values
    /// in the order of `inputs`. Inputs are drawn in order from the
    /// world's own stream, so a world is the same whatever else is run.
    pub fn world(&self, index: usize) -> Result<(Scenario, Vec<f64>), String> {
        let mut stream = super::Stream::for_world(self.seed, index as u64);
        let mut scenario = self.base.clone();
        let mut values = Vec::with_capacity(self.inputs.len());
        for input in self.inputs {
            let value = input.interval.quantile(stream.next_unit());
            fields::set_number(&mut scenario, &input.path, value)
                .map_err(|e| format!("{}: {e}", input.field))?;
            values.push(value);
        }
        Ok((scenario, values))
    }
}

/// The cheapest plan's monthly cost at one user count over the worlds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostBand {
    pub users: f64,
    /// Over the worlds some mix serves; `None` when none does.
    pub monthly_usd: Option<Percentiles>,
    /// Share of the worlds in which some mix serves the load.
    pub feasible_share: f64,
}

/// The cost band at each user count, every point planned in the same
/// worlds (common random numbers: bands are smooth across points).
pub fn cost_bands(
    worlds: &Worlds<'_>,
    catalog: &Catalog,
    samples: usize,
    users: &[f64],
) -> Result<Vec<CostBand>, String> {
    let scenarios: Vec<Scenario> = (0..samples)
        .map(|i| worlds.world(i).map(|(s, _)| s))
        .collect::<Result<_, _>>()?;
    let costs: Vec<Option<f64>> = crate::parallel::map(users.len() * samples, |k| {
        let (point, world) = (k / samples, k % samples);
        Planner::new(&scenarios[world], catalog)
            .plan(users[point])
            .ok()
            .map(|p| p.monthly_usd)
    });
    Ok(users
        .iter()
        .zip(costs.chunks(samples.max(1)))
        .map(|(&users, costs)| {
            let mut feasible: Vec<f64> = costs.iter().flatten().copied().collect();
            CostBand {
                users,
                feasible_share: feasible.len() as f64 / samples.max(1) as f64,
                monthly_usd: Percentiles::of(&mut feasible),
            }
        })
        .collect())
}

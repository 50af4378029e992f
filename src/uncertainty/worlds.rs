//! Sampled worlds: the point scenario with every uncertain field drawn
//! from its distribution, reproducibly from a seed and a world index.

use super::{UncertainInput, fields};
use crate::scenario::Scenario;

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

//! Sampled worlds: the point scenario with every uncertain field drawn
//! from its distribution, reproducibly from a seed and a world index.

use super::{UncertainInput, fields};
use crate::scenario::Scenario;
use crate::support::error::Error;

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
    pub fn world(&self, index: usize) -> Result<(Scenario, Vec<f64>), Error> {
        let mut stream = super::Stream::for_world(self.seed, index as u64);
        let mut scenario = self.base.clone();
        let mut values = Vec::with_capacity(self.inputs.len());
        for input in self.inputs {
            let value = input.interval.quantile(stream.next_unit());
            fields::set_number(&mut scenario, &input.path, value)
                .map_err(|e| Error::input(format!("{}: {e}", input.field)))?;
            values.push(value);
        }
        Ok((scenario, values))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::interval::Interval;
    use crate::input::locate::Step;
    use crate::scenario::uncertain::UncertainInput;
    use crate::support::error::ErrorKind;

    fn input(field: &str, path: Vec<Step>, low: f64, high: f64) -> UncertainInput {
        UncertainInput {
            field: field.into(),
            path,
            interval: Interval::new(low, None, high, None, false).unwrap(),
            file: "app.yaml".into(),
            line: Some(3),
            fraction: false,
        }
    }

    // One failure, one kind, whichever command meets it: a field that
    // cannot take a sampled value is bad input (exit 2), and no sampled
    // world served is no answer (exit 1), in recommend and sweep alike.
    #[test]
    fn a_world_that_cannot_be_set_is_bad_input_and_no_world_served_is_infeasible() {
        let scenario = crate::scenario::load_scenario(None).unwrap().scenario;
        let bad = [input("name", vec![Step::Key("name".into())], 1.0, 2.0)];
        let worlds = Worlds { base: &scenario, inputs: &bad, seed: 42 };
        let err = worlds.world(0).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Input, "{err}");
        assert!(err.message.starts_with("name: "), "{err}");

        let catalog = crate::catalog::load().unwrap();
        let huge = [input(
            "workload.requests_per_online_user_per_min",
            vec![
                Step::Key("workload".into()),
                Step::Key("requests_per_online_user_per_min".into()),
            ],
            1e9,
            2e9,
        )];
        let options = crate::uncertainty::UncertaintyOptions {
            samples: Some(4),
            capacity: false,
            ..Default::default()
        };
        let err =
            crate::uncertainty::analyse(&scenario, &catalog, &huge, 1e9, options).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Infeasible, "{err}");
        assert!(err.message.contains("no mix serves"), "{err}");
    }
}

//! Monte Carlo options shared by `recommend`, `sweep`, `chart` and
//! `forecast`: how many worlds, the seed and the regret weights.

use super::Failure;
use capplan::scenario::ScenarioFile;
use capplan::scenario::uncertain::UncertainInput;
use capplan::uncertainty::{RegretWeights, UncertaintyOptions};
use clap::Args;

#[derive(Debug, Args, Clone)]
pub struct UncertaintyArgs {
    /// Worlds to sample when the scenario has intervals (also turns the
    /// Monte Carlo on without them) [default: 2,000; sweep, chart and
    /// forecast: 200 per point]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    samples: Option<u32>,
    /// Seed of the sampled worlds: the same seed gives the same figures
    #[arg(long, value_name = "N", default_value_t = capplan::uncertainty::DEFAULT_SEED)]
    seed: u64,
    /// Regret per dollar of the right-sized bill when a mix misses an SLO
    #[arg(long, value_name = "W", default_value_t = RegretWeights::default().under)]
    under_weight: f64,
    /// Regret per dollar paid above the right-sized bill
    #[arg(long, value_name = "W", default_value_t = RegretWeights::default().over)]
    over_weight: f64,
}

impl UncertaintyArgs {
    /// The options, or `None` when nothing is uncertain and no `--samples`
    /// asked for worlds.
    pub fn options(
        &self,
        inputs: &[UncertainInput],
    ) -> Result<Option<UncertaintyOptions>, Failure> {
        if inputs.is_empty() && self.samples.is_none() {
            return Ok(None);
        }
        self.forced().map(Some)
    }

    /// The options whatever the scenario holds (an uncertain `--growth`).
    pub fn forced(&self) -> Result<UncertaintyOptions, Failure> {
        for (flag, w) in
            [("--under-weight", self.under_weight), ("--over-weight", self.over_weight)]
        {
            if !(w.is_finite() && w >= 0.0) {
                return Err(Failure::input(format!(
                    "{flag}: expected a weight of 0 or more, got {w}"
                )));
            }
        }
        Ok(UncertaintyOptions {
            samples: self.samples.map(|n| n as usize),
            seed: self.seed,
            weights: RegretWeights { over: self.over_weight, under: self.under_weight },
            capacity: true,
        })
    }
}

/// The uncertain inputs of a run, with a warning for an interval that a
/// given peak rate overrides.
pub fn inputs_for_run(
    file: &ScenarioFile,
    rate_given: bool,
    warnings: &mut Vec<String>,
) -> Vec<UncertainInput> {
    let (inputs, dropped) =
        capplan::scenario::uncertain::sampled_inputs(&file.uncertain, rate_given);
    for field in dropped {
        warnings.push(format!(
            "{field}: the given rate sets the per-user request rate; its interval is not sampled"
        ));
    }
    inputs
}

//! Uncertain inputs: scenario fields given as intervals, sampled into
//! worlds by a seeded Monte Carlo, each world planned exactly. What comes
//! out is percentiles (cost, capacity), the probability that a mix meets
//! its SLOs, and the mix that is least regretted across the worlds.
//! `docs/uncertainty.md` explains each figure and the choices behind it.

mod least_regret;
mod report;
mod worlds;

// The inputs this analysis samples are read with the scenario, and their
// interval arithmetic is pure math below both.
use crate::input::interval::{Shape, Stream, percentile};
use crate::scenario::uncertain::{UncertainInput, fields};
pub use least_regret::{DEFAULT_SAMPLES, UncertaintyOptions, analyse};
pub use report::{FailureCount, InputReport, MixPart, MixReport, RegretWeights, UncertaintyReport};
pub use worlds::Worlds;

use serde::Serialize;

/// The 5th, 50th and 95th percentiles of a quantity over the worlds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Percentiles {
    /// 5th percentile over the worlds, in the quantity's unit.
    pub p5: f64,
    /// Median over the worlds, in the quantity's unit.
    pub p50: f64,
    /// 95th percentile over the worlds, in the quantity's unit.
    pub p95: f64,
}

impl Percentiles {
    /// Percentiles of `values` (sorted here); `None` when there are none.
    pub fn of(values: &mut [f64]) -> Option<Percentiles> {
        values.sort_by(f64::total_cmp);
        Some(Percentiles {
            p5: percentile(values, 0.05)?,
            p50: percentile(values, 0.5)?,
            p95: percentile(values, 0.95)?,
        })
    }
}

/// The default seed: results are reproducible unless `--seed` changes it.
pub const DEFAULT_SEED: u64 = 42;

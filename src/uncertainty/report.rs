#![warn(missing_docs)]
//! What `recommend` reports under uncertainty (the `uncertainty` JSON
//! object): the sampled inputs, the mixes across the worlds, the weights.

use super::{Percentiles, Shape};
use serde::Serialize;

/// How regret weighs the two ways a mix can be wrong.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RegretWeights {
    /// Per dollar of monthly cost above the world's optimum.
    pub over: f64,
    /// Per dollar of the world's optimum when the mix misses an SLO.
    pub under: f64,
}

impl Default for RegretWeights {
    fn default() -> Self {
        RegretWeights { over: 1.0, under: 4.0 }
    }
}

/// One uncertain input as sampled.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct InputReport {
    /// Dotted path of the uncertain field (`components.api.cpu_ms`).
    pub field: String,
    /// The file that gives the interval.
    pub file: String,
    /// 1-based line of the interval in `file`; null when it cannot be located.
    pub line: Option<usize>,
    /// The interval's low end, in the field's unit (a hard bound when uniform).
    pub low: f64,
    /// The median (given, or derived from `low` and `high`), in the field's
    /// unit.
    pub mid: f64,
    /// The interval's high end, in the field's unit (a hard bound when
    /// uniform).
    pub high: f64,
    /// Share 0–1 of outcomes between `low` and `high` (0.9 by default; 1 for a
    /// uniform interval).
    pub confidence: f64,
    /// The distribution fitted to the interval.
    pub distribution: Shape,
    /// Percentiles of the values drawn.
    pub sampled: Percentiles,
}

/// One component of a mix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MixPart {
    /// The scenario component's name.
    pub component: String,
    /// `provider/offering/tier`.
    pub tier: String,
    /// Instances; null where the count follows the load (autoscaled,
    /// serverless).
    pub count: Option<u32>,
}

/// How often a constraint was the first a mix failed.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FailureCount {
    /// The component that failed.
    pub component: String,
    /// The constraint it failed first (`p95` or the percentile the SLO names, `memory`, `connections`, …).
    pub constraint: String,
    /// Sampled worlds in which the mix failed this way.
    pub worlds: usize,
    /// `worlds` over all the sampled worlds, 0–1.
    pub share: f64,
}

/// A mix across the worlds.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MixReport {
    /// Each component's tier and count, in scenario order.
    pub mix: Vec<MixPart>,
    /// `api 2×standard, db M10, …`.
    pub description: String,
    /// Whether this is the mix of the plan at the medians (the point plan).
    pub point_plan: bool,
    /// Share of worlds in which it is the cheapest mix.
    pub optimal_share: f64,
    /// Mean regret per world, USD per month.
    pub mean_regret_usd: f64,
    /// Share of worlds in which it meets every SLO and limit.
    pub slo_probability: f64,
    /// Its monthly cost in the worlds where it holds.
    pub monthly_usd: Option<Percentiles>,
    /// The largest user count it serves, over the worlds (the least-regret
    /// mix only; 10¹² means no limit was found).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_users: Option<Percentiles>,
    /// The constraint that failed first, by count, most frequent first.
    pub failures: Vec<FailureCount>,
    /// Alternatives: why each lost to the least-regret mix, with counts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lost_because: Vec<String>,
}

/// `recommend` under uncertainty (the `uncertainty` JSON object).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct UncertaintyReport {
    /// Worlds sampled.
    pub samples: usize,
    /// The random seed (`--seed`, default 42): the same seed samples the same
    /// worlds.
    pub seed: u64,
    /// The user count every world is planned at.
    pub users: f64,
    /// How regret weighs cost above the optimum against a missed SLO.
    pub weights: RegretWeights,
    /// Each uncertain input as given and as sampled.
    pub inputs: Vec<InputReport>,
    /// Share of worlds in which some mix serves the load.
    pub feasible_share: f64,
    /// The cheapest plan of each world, over the worlds some mix serves.
    pub optimum_monthly_usd: Option<Percentiles>,
    /// Half-width of the 95% interval of the least-regret mix's cost P5,
    /// P50 and P95 (the widest), as a percentage of the figure: how far
    /// another seed may move them.
    pub precision_pct: f64,
    /// The mix with the least mean regret across the worlds.
    pub least_regret: MixReport,
    /// The next three mixes by regret.
    pub alternatives: Vec<MixReport>,
}

//! The fixed mixes a scenario names: other environments, stage templates
//! with their claims, and the `current:` mix.

use serde::{Deserialize, Serialize};

/// An environment besides production.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    pub name: String,
    /// Planned at this many users: the cheapest mix, as for production
    /// (without high availability).
    pub users: Option<f64>,
    /// Or a fixed mix: tier and count of the components it runs, by name;
    /// components left out are not run (or shared with production).
    #[serde(default)]
    pub mix: std::collections::BTreeMap<String, StageTier>,
    /// Identical copies (preview environments; default 1).
    pub copies: Option<u32>,
}

/// A rung of the stage ladder.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub name: String,
    /// The largest user count the stage is meant for (absent: no limit).
    pub max_users: Option<f64>,
    /// The stage's template: tier and count for every component, by name.
    #[serde(default)]
    pub mix: std::collections::BTreeMap<String, StageTier>,
    /// What the guide's authors claimed for this stage.
    #[serde(default)]
    pub claims: Claims,
}

/// One component of a stage template.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageTier {
    /// `provider/offering/tier`; retired tiers are allowed.
    pub tier: String,
    #[serde(default = "one_instance")]
    pub count: u32,
}

fn one_instance() -> u32 {
    1
}

/// What one component runs today (`current:`): a tier with a fixed count,
/// or an autoscaler's range, and for a database the storage it was given.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrentTier {
    /// `provider/offering/tier`; retired tiers are allowed.
    pub tier: String,
    /// Instances (default 1; not with `min`/`max`).
    pub count: Option<u32>,
    /// Autoscaled: the fewest instances the autoscaler keeps.
    pub min: Option<u32>,
    /// Autoscaled: the most instances it may start.
    pub max: Option<u32>,
    /// A database's provisioned storage, GB (billed whatever is stored;
    /// the mix fails when the data outgrows it).
    pub storage_gb: Option<f64>,
}

impl CurrentTier {
    /// The autoscaler's range when one is given, else the fixed count
    /// as a range of one.
    pub fn range(&self) -> (u32, u32) {
        match (self.min, self.max) {
            (Some(min), Some(max)) => (min, max),
            _ => {
                let n = self.count.unwrap_or(1);
                (n, n)
            }
        }
    }

    pub fn is_autoscaled(&self) -> bool {
        self.min.is_some() || self.max.is_some()
    }
}

/// A claimed figure: one value or a range `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ClaimValue {
    One(f64),
    Range([f64; 2]),
}

/// Claims a scaling guide made about a stage.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// Users the stage serves (a range's upper end is the capacity claim).
    pub users: Option<ClaimValue>,
    /// Peak requests per minute it handles.
    pub rpm: Option<f64>,
    /// Jobs per day it handles, by job class.
    #[serde(default)]
    pub jobs_per_day: std::collections::BTreeMap<String, f64>,
    /// Monthly cost of the template's instances, USD.
    pub monthly_usd: Option<ClaimValue>,
}

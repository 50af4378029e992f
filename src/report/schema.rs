//! The JSON contract: every JSON output is a report struct with a
//! `schema_version` in front, and `schemas/*.json` (JSON Schema 2020-12)
//! is generated from the same types by [`schemas`]. The version goes up
//! when a field is renamed or removed or its meaning changes; new fields
//! may appear within a version.

use schemars::{JsonSchema, generate::SchemaSettings};
use serde::Serialize;

/// The version of every JSON output's layout.
pub const SCHEMA_VERSION: u32 = 1;

/// A report with the schema version as its first field.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Versioned<T> {
    /// The layout version of this document (see `schemas/`).
    pub schema_version: u32,
    /// The report itself, its fields flattened beside `schema_version`.
    #[serde(flatten)]
    pub report: T,
}

/// `report` with the current schema version.
pub fn versioned<T>(report: T) -> Versioned<T> {
    Versioned { schema_version: SCHEMA_VERSION, report }
}

/// One `capplan queue --batch` answer that failed: the input line and why.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BatchError {
    /// The 1-based line number of the failing input line.
    pub line: usize,
    /// Why the line failed (a parse or solve error).
    pub error: String,
}

/// Every JSON output by name (the file `schemas/NAME.json`) with its schema.
pub fn schemas() -> Vec<(&'static str, serde_json::Value)> {
    fn one<T: JsonSchema>(name: &'static str) -> (&'static str, serde_json::Value) {
        // The contract of what capplan writes: fields skipped when empty
        // are optional.
        let generator = SchemaSettings::draft2020_12().for_serialize().into_generator();
        (name, generator.into_root_schema_for::<Versioned<T>>().to_value())
    }
    vec![
        one::<crate::report::recommend::RecommendReport>("recommend"),
        one::<crate::report::queue::QueueReport>("queue"),
        one::<BatchError>("queue-batch-error"),
        one::<crate::report::sweep::SweepReport>("sweep"),
        one::<crate::report::sweep::ForecastReport>("forecast"),
        one::<crate::report::check::CiReport>("check"),
        one::<crate::report::diff::DiffReport>("diff"),
        one::<crate::report::compare::CompareReport>("compare"),
        one::<crate::report::stages::StagesReport>("stages"),
        one::<crate::catalog::TierListReport>("tiers-list"),
        one::<crate::catalog::TierShowReport>("tiers-show"),
        one::<crate::catalog::CatalogCheckReport>("tiers-check"),
        one::<crate::catalog::TierDiffReport>("tiers-diff"),
        one::<crate::calibrate::CalibrateReport>("calibrate"),
    ]
}

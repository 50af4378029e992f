//! capplan: capacity planning and cost modelling.
//!
//! The library holds the domain — queueing engine, catalogs, scenarios,
//! demand, planner and the report structs. Argument parsing and rendering
//! (clap, comfy-table, plotters) live in the binary.
//!
//! The modules are the pipeline's stages, and a stage imports only from the
//! stages before it in this list (checked by `tests/integration/layers.rs`):
//! `support` → `input` → `queueing` → `catalog` → `scenario` → `demand` →
//! `planner` → `uncertainty` → `calibrate` → `import` → `report`.

pub mod calibrate;
pub mod catalog;
pub mod demand;
pub mod import;
pub mod input;
pub mod planner;
pub mod queueing;
pub mod report;
pub mod scenario;
pub mod support;
pub mod uncertainty;

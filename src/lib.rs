//! capplan: capacity planning and cost modelling.
//!
//! The library holds the domain — queueing engine, catalogs, scenarios,
//! demand, planner and the report structs. Argument parsing and rendering
//! (clap, comfy-table, plotters) live in the binary.

pub mod breakeven;
pub mod calibrate;
pub mod catalog;
pub mod ci;
pub mod compare;
pub mod demand;
pub mod diff;
pub mod fsio;
pub mod import;
pub mod init;
pub mod locate;
pub mod parallel;
pub mod plan_report;
pub mod planner;
pub mod problem;
pub mod progress;
pub mod queue_report;
pub mod queueing;
pub mod recommend;
pub mod scenario;
pub mod schema;
pub mod stages;
pub mod sweep;
pub mod uncertainty;
pub mod units;

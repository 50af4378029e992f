#![warn(missing_docs)]
//! One module per command's report: the library's JSON contracts, each
//! built from the planner's results and rendered by the binary.

pub mod breakeven;
pub mod check;
pub mod compare;
pub mod diff;
pub mod page;
pub mod queue;
pub mod recommend;
pub mod schema;
pub mod stages;
pub mod sweep;

//! Support with no domain knowledge: atomic file writes, the worker pool,
//! progress lines.

pub mod error;
pub mod fsio;
pub mod parallel;
pub mod progress;

//! Scenario fields given as intervals: found in the text and replaced by
//! their medians when the scenario is read (`extract`), and set in a
//! sampled world (`fields`). The analysis over those worlds is
//! `crate::uncertainty`.

mod extract;
pub mod fields;

pub use extract::{
    UncertainInput, extract, is_interval_map, is_interval_pair, parse_interval, sampled_inputs,
};
pub use fields::check_path;
pub use fields::set_number;

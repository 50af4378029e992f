//! The integration tests: the real executable and the public library API.

mod availability_cli;
mod calibrate_cli;
mod check_cli;
mod common;
mod compare_cli;
mod concurrency_cli;
mod curves_cli;
mod hostile_cli;
mod occupancy_cli;
mod one_answer_cli;
mod options_cli;
mod patch_cli;
mod planner_properties;
mod platforms_cli;
mod pricing_cli;
mod properties;
mod queue_cli;
mod recommend_cli;
mod seeds_cli;
mod simulation;
mod stages_cli;
mod tiers_cli;
mod uncertainty_cli;

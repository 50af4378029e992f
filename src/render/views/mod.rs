//! What each report shows in the tabular formats: columns, units,
//! rounding. One file per report; the number formats they share are here.

mod calibrate;
mod compare;
mod curves;
mod diff;
mod queue;
mod recommend;
mod request_classes;
mod stages;
mod tiers;
mod tiers_diff;
mod uncertainty;

pub use calibrate::calibrate;
pub use compare::compare;
pub use curves::{forecast, sweep};
pub use diff::diff;
pub use queue::queue;
pub use recommend::recommend;
pub use stages::stages;
pub use tiers::{tier_check, tier_list, tier_show};
pub use tiers_diff::tier_diff;

use capplan::input::units::{grouped, trim_float};

pub(super) fn ms(value: Option<f64>) -> String {
    value.map_or("—".to_string(), |v| format!("{} ms", grouped(v, 3)))
}

pub(super) fn num(value: Option<f64>, decimals: usize) -> String {
    value.map_or("—".to_string(), |v| trim_float(v, decimals))
}

pub(super) fn opt(value: Option<f64>, unit: &str) -> String {
    value.map_or("—".to_string(), |v| {
        if unit.is_empty() { trim_float(v, 3) } else { format!("{} {unit}", trim_float(v, 3)) }
    })
}

pub(super) fn usd(value: Option<f64>) -> String {
    value.map_or("unpriced".to_string(), |v| format!("${v:.2}"))
}

pub use capplan::input::units::{money, signed_money, thousands};

/// The note a given `--rpm`/`--rps` leaves on every report.
pub(super) fn rate_note(rate: Option<&capplan::demand::RateNote>) -> Option<String> {
    rate.map(|r| {
        format!(
            "Given rate: a peak of {} requests/s at {} users{} sets {} requests per online user per minute for this run (the scenario says {}).",
            trim_float(r.peak_rps, 3),
            thousands(r.at_users),
            if r.users_inferred { " (inferred from the rate)" } else { "" },
            trim_float(r.requests_per_online_user_per_min, 4),
            trim_float(r.scenario_requests_per_online_user_per_min, 4)
        )
    })
}

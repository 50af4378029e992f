//! What each report shows in the tabular formats: columns, units,
//! rounding. One file per report; the number formats they share are here.

mod calibrate;
mod compare;
mod curves;
mod diff;
mod queue;
mod recommend;
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

use capplan::units::trim_float;

pub(super) fn ms(value: Option<f64>) -> String {
    value.map_or("—".to_string(), |v| format!("{} ms", trim_float(v, 3)))
}

pub(super) fn num(value: Option<f64>, decimals: usize) -> String {
    value.map_or("—".to_string(), |v| trim_float(v, decimals))
}

pub(super) fn opt(value: Option<f64>, unit: &str) -> String {
    value.map_or("—".to_string(), |v| {
        if unit.is_empty() {
            trim_float(v, 3)
        } else {
            format!("{} {unit}", trim_float(v, 3))
        }
    })
}

pub(super) fn usd(value: Option<f64>) -> String {
    value.map_or("unpriced".to_string(), |v| format!("${v:.2}"))
}

/// `1234567` → `1,234,567`.
pub fn thousands(value: f64) -> String {
    let rounded = value.round();
    let digits = format!("{}", rounded.abs() as u64);
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if rounded < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

pub(crate) fn money(value: f64) -> String {
    // A credit reads "-$5.00", not "$-5.00".
    if value < 0.0 && -value >= 0.005 {
        return format!("-{}", money(-value));
    }
    if value.abs() >= 1000.0 {
        format!("${}", thousands(value))
    } else {
        format!("${value:.2}")
    }
}

pub(super) fn signed_money(value: f64) -> String {
    format!(
        "{}{}",
        if value < 0.0 { "-" } else { "+" },
        money(value.abs())
    )
}

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

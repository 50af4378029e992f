//! Request classes (`requests:` on a web component): each class's peak
//! rate and monthly volume. A `share` divides the workload's requests; a
//! class with its own rate adds to them (`per_online_user_per_min` at the
//! peak hour, `per_active_user_per_day` spread over the profile as job
//! classes are).

use super::{DAYS_PER_MONTH, LoadShape};
use crate::catalog::HOURS_PER_MONTH;
use crate::scenario::{ComponentRole, Scenario};

/// One request class's rates at one user count.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassRate {
    /// The web component that serves it.
    pub component: String,
    pub class: String,
    /// Requests per second at the sizing peak.
    pub peak_rps: f64,
    /// Requests per month (the average over the profile).
    pub per_month: f64,
    /// Outbound GB per month its `egress_kb` makes.
    pub egress_gb_per_month: f64,
}

/// What the class rates are computed from: the workload's figures at one
/// user count.
pub(super) struct Base<'a> {
    pub daily_active: f64,
    /// Online at the sizing peak (peak events included).
    pub online: f64,
    pub peak_rps: f64,
    pub requests_per_month: f64,
    pub shape: &'a LoadShape,
}

/// Every web component's request classes, in scenario order.
pub(super) fn class_rates(scenario: &Scenario, base: &Base<'_>) -> Vec<ClassRate> {
    let shape = base.shape;
    let mut rates = Vec::new();
    for c in scenario.components.iter().filter(|c| c.role == ComponentRole::Web) {
        for class in &c.requests {
            let (peak_rps, per_month) = if let Some(share) = class.share {
                (share * base.peak_rps, share * base.requests_per_month)
            } else if let Some(per_min) = class.per_online_user_per_min {
                let peak = base.online * per_min / 60.0;
                (peak, peak / shape.peak_to_average() * 3600.0 * HOURS_PER_MONTH)
            } else {
                let per_day = base.daily_active * class.per_active_user_per_day.unwrap_or(0.0);
                let peak =
                    per_day / 86_400.0 * shape.profile_peak_to_average() * shape.event_factor();
                (peak, per_day * DAYS_PER_MONTH * shape.volume_factor())
            };
            rates.push(ClassRate {
                component: c.name.clone(),
                class: class.name.clone(),
                peak_rps,
                per_month,
                egress_gb_per_month: per_month * class.egress_kb.unwrap_or(0.0) / (1024.0 * 1024.0),
            });
        }
    }
    rates
}

//! Media components on credit plans (Cloudinary): one credit is 1 GB
//! stored, 1 GB delivered or 1,000 transformations in a month.

use super::compute::Rejection;
use super::{Binding, Sized};
use crate::catalog::TierRef;
use crate::demand::{DAYS_PER_MONTH, Demand};
use crate::input::units::trim_float;
use crate::scenario::Component;

/// Credits a month the component's media use needs at this demand.
pub fn credits_per_month(component: &Component, demand: &Demand) -> f64 {
    let stored_gb = demand.users * component.media_storage_mb_per_user.unwrap_or(0.0) / 1024.0;
    let delivered_gb = demand.daily_active_users
        * component.media_delivery_mb_per_active_user_per_day.unwrap_or(0.0)
        / 1024.0
        * DAYS_PER_MONTH;
    let transformations = demand.daily_active_users
        * component.transformations_per_active_user_per_day.unwrap_or(0.0)
        * DAYS_PER_MONTH;
    stored_gb + delivered_gb + transformations / 1000.0
}

/// Checks a credit plan against the demand; `Ok` carries the report and any
/// warning (a plan that publishes no credit allowance is not checked), with
/// the arithmetic when `explain_it`.
pub(crate) fn check_media(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    explain_it: bool,
) -> Result<(Sized, Vec<String>), Rejection> {
    let needed = credits_per_month(component, demand);
    let limit = tier.tier.capacity.credits_per_month;
    let mut warnings = Vec::new();
    let utilization = match limit {
        Some(limit) if !crate::input::units::fits(needed, limit) => {
            return Err(Rejection {
                tier: tier.reference(),
                binding: Binding::Credits,
                reason: format!(
                    "needs {} credits a month, the plan includes {}",
                    trim_float(needed, 2),
                    trim_float(limit, 2)
                ),
            });
        }
        Some(limit) => Some(needed / limit),
        None => {
            warnings.push(format!(
                "{}: {} publishes no credit allowance; {} credits a month not checked",
                component.name,
                tier.reference(),
                trim_float(needed, 2)
            ));
            None
        }
    };
    let explain = if explain_it {
        vec![format!(
            "{}: {} credits a month of {} included",
            tier.reference(),
            trim_float(needed, 2),
            limit.map_or("(not published)".to_string(), |l| trim_float(l, 2))
        )]
    } else {
        Vec::new()
    };
    Ok((
        Sized {
            count: 1,
            utilization,
            occupancy: None,
            p95_ms: None,
            latency_ms: None,
            latency_percentile: None,
            binding: Binding::Credits,
            feasible: true,
            explain,
            baseline: None,
            limits: Vec::new(),
            classes: Vec::new(),
        },
        warnings,
    ))
}

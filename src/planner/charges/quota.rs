//! Monthly quotas: overage where the tier prices it, a rejection where the
//! quota is a hard limit.

use super::*;

/// The tier's monthly quotas against the demand: overage where the tier
/// prices it, a rejection where the quota is a hard limit.
pub(crate) fn quota_charges(
    component: &Component,
    tier: &TierRef<'_>,
    demand: &Demand,
    catalog: &Catalog,
    explain_it: bool,
) -> Result<Vec<UsageLine>, Rejection> {
    let mut lines = Vec::new();
    for quota in &tier.tier.quotas {
        let volume = demand.monthly_volume(quota.metric).max(quota.minimum.unwrap_or(0.0));
        if crate::planner::fits(volume, quota.per_month) {
            continue;
        }
        let Some(overage) = &quota.overage else {
            return Err(Rejection {
                tier: tier.reference(),
                binding: Binding::Quota,
                reason: if explain_it {
                    format!(
                        "{} {} a month, the plan allows {} (no overage)",
                        trim_float(volume, 0),
                        quota.metric.unit(),
                        trim_float(quota.per_month, 0)
                    )
                } else {
                    String::new()
                },
            });
        };
        let name = if quota.per_month > 0.0 {
            format!(
                "{} beyond the included {}",
                quota.metric.unit(),
                trim_float(quota.per_month, 0)
            )
        } else {
            quota.metric.unit().to_string()
        };
        lines.push(charge_line(
            catalog,
            tier,
            overage,
            name,
            volume - quota.per_month,
            &component.name,
        ));
    }
    Ok(lines)
}

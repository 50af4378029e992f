//! Platform plans: which a tier requires, why, their credits and the fee
//! line (per seat where billed so).

use super::*;

/// The platform plans this component's features need on this tier, as
/// `provider/offering/tier` references.
pub(crate) fn required_plans(component: &Component, tier: &TierRef<'_>) -> Vec<String> {
    tier.offering
        .requires
        .iter()
        .filter(|fee| match fee.feature {
            crate::catalog::Feature::Autoscaling => component.autoscale.is_some(),
            crate::catalog::Feature::Always => true,
        })
        .map(|fee| format!("{}/{}", tier.provider.provider, fee.tier))
        .collect()
}

/// Why a component needs a plan, for the plan's line: the feature, or the
/// offering itself.
pub(crate) fn plan_reason(component: &Component, tier: &TierRef<'_>, plan: &str) -> String {
    let autoscaling = tier.offering.requires.iter().any(|fee| {
        fee.feature == crate::catalog::Feature::Autoscaling
            && plan.ends_with(&format!("/{}", fee.tier))
    });
    if autoscaling && component.autoscale.is_some() {
        format!("autoscaling of {}", component.name)
    } else {
        format!("{} on {}/{}", component.name, tier.provider.provider, tier.offering.id)
    }
}

/// The usage a plan's fee includes, taken off what the plan's provider's
/// components cost (on the offerings the credit names, or all of them):
/// one negative line per plan with a `credit`, never more than the fee's
/// credit nor than what the components cost.
pub(crate) fn plan_credit_lines(
    catalog: &Catalog,
    fees: &[UsageLine],
    components: &[crate::planner::ComponentPlan],
) -> Vec<UsageLine> {
    fees.iter()
        .filter_map(|fee| {
            let plan = catalog.tier(&fee.price)?;
            let credit = plan.tier.credit.as_ref()?;
            let provider = &plan.provider.provider;
            let eligible: f64 = components
                .iter()
                .filter(|c| {
                    let mut parts = c.tier_ref.split('/');
                    parts.next() == Some(provider.as_str())
                        && parts.next().is_some_and(|offering| {
                            credit.offerings.is_empty()
                                || credit.offerings.iter().any(|o| o == offering)
                        })
                })
                .filter_map(|c| c.total_monthly_usd())
                .sum();
            let taken = credit.usd.min(eligible);
            (taken > 0.0).then(|| {
                let provenance = plan.provenance();
                UsageLine {
                    name: format!(
                        "{} plan: usage included in the fee (up to ${})",
                        plan.tier.name.as_deref().unwrap_or(&plan.tier.id),
                        trim_float(credit.usd, 2)
                    ),
                    price: fee.price.clone(),
                    quantity: 1.0,
                    unit: "month".into(),
                    monthly_usd: Some(-taken),
                    source: credit.source.clone().or(provenance.source),
                    as_of: provenance.as_of,
                    component: None,
                }
            })
        })
        .collect()
}

/// The monthly line of a required platform plan, for `seats` seats where
/// the plan is priced per seat.
pub(crate) fn plan_fee_line(
    catalog: &Catalog,
    reference: &str,
    seats: u32,
    why: &str,
) -> UsageLine {
    match catalog.tier(reference) {
        Some(plan) => {
            let per_seat = plan.tier.price.per_seat == Some(true);
            let quantity = if per_seat { seats as f64 } else { 1.0 };
            let provenance = plan.provenance();
            UsageLine {
                name: format!(
                    "{} plan, required by {why}",
                    plan.tier.name.as_deref().unwrap_or(&plan.tier.id)
                ),
                price: reference.to_string(),
                quantity,
                unit: if per_seat { "seat-month" } else { "month" }.into(),
                monthly_usd: plan.monthly_usd().map(|m| m * quantity),
                source: provenance.source,
                as_of: provenance.as_of,
                component: None,
            }
        }
        None => UsageLine {
            name: format!("plan required by {why}"),
            price: reference.to_string(),
            quantity: 1.0,
            unit: "month".into(),
            monthly_usd: None,
            source: None,
            as_of: None,
            component: None,
        },
    }
}

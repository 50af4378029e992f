//! What every instance carries beside its own price, where the offering
//! bills it: a public IPv4 address (unless the component is in a private
//! subnet) and a root volume; and for a component in a private subnet the
//! NAT gateway it reaches out by, with that gateway's own address.

use super::charge_line;
use crate::catalog::{Catalog, HOURS_PER_MONTH, TierRef};
use crate::input::units::trim_float;
use crate::planner::UsageLine;
use crate::scenario::Component;

/// The lines of `instances` instances (their monthly average where the
/// count follows the load) of a tier.
pub(crate) fn instance_charges(
    component: &Component,
    tier: &TierRef<'_>,
    instances: f64,
    catalog: &Catalog,
) -> Vec<UsageLine> {
    let mut lines = Vec::new();
    if instances <= 0.0 {
        return lines;
    }
    let private = component.private_subnet == Some(true);
    if let (Some(id), false) = (&tier.offering.public_ipv4, private) {
        lines.push(charge_line(
            catalog,
            tier,
            id,
            "public IPv4 address, one per instance".into(),
            instances * HOURS_PER_MONTH,
            &component.name,
        ));
    }
    if let Some(volume) = &tier.offering.root_volume {
        let gb = component.root_volume_gb.unwrap_or(volume.default_gb);
        lines.push(charge_line(
            catalog,
            tier,
            &volume.price,
            format!("root volume, {} GB per instance", trim_float(gb, 1)),
            instances * gb,
            &component.name,
        ));
    }
    if let (Some(nat), true) = (&tier.offering.nat_gateway, private) {
        lines.push(charge_line(
            catalog,
            tier,
            &nat.hours,
            "NAT gateway for the private subnet".into(),
            HOURS_PER_MONTH,
            &component.name,
        ));
        if let Some(id) = &tier.offering.public_ipv4 {
            lines.push(charge_line(
                catalog,
                tier,
                id,
                "public IPv4 address of the NAT gateway".into(),
                HOURS_PER_MONTH,
                &component.name,
            ));
        }
        // What the instances fetch from outside (APIs, packages) is not in
        // the scenario's model: named as unpriced rather than taken as 0.
        let mut processed = charge_line(
            catalog,
            tier,
            &nat.processed,
            "NAT gateway data processed (outbound traffic is not modelled)".into(),
            0.0,
            &component.name,
        );
        processed.monthly_usd = None;
        lines.push(processed);
    }
    lines
}

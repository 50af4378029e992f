//! Burstable and shared CPU: what a tier sustains (its baseline share of
//! each vCPU), the balance it banks below it, and the CPU a group runs
//! beyond both, hour by hour over the load profile. Unlimited modes pay
//! for that surplus; everywhere else it is a count too small.

use super::super::usage::UsageLine;
use super::charge_line;
use crate::catalog::{Burst, Catalog, TierRef};
use crate::demand::LoadShape;
use crate::input::units::trim_float;
use crate::scenario::{BurstMode, Component};

/// How a burstable tier runs for a component.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BurstRule {
    /// Share of each vCPU sustained.
    pub baseline: f64,
    pub vcpu: f64,
    /// vCPU-hours one instance can bank (0: nothing is banked, the
    /// baseline is the sustained limit every hour).
    pub max_balance: f64,
    pub mode: BurstMode,
    /// Share of the baseline the plan may use: with nothing banked a
    /// quota baseline *is* the CPU, so the component's utilization cap
    /// applies to it; a balance absorbs the swings, and a contention floor
    /// (`baseline_floor`) is the worst case under a CPU that typically
    /// runs faster, so all of it.
    pub usable: f64,
}

impl BurstRule {
    /// vCPUs one instance sustains within the plan's headroom.
    pub(crate) fn sustained(&self) -> f64 {
        self.baseline * self.vcpu * self.usable
    }
}

/// A group's CPU balance over one period of the load profile (a day or a
/// week), in its periodic steady state (the period repeated until it
/// starts where it ends).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BalanceDay {
    /// The group's balance at the end of each hour, vCPU-hours.
    pub balance: Vec<f64>,
    /// CPU used beyond the baselines and the balance, vCPU-hours a
    /// period: billed in unlimited mode, throttled (so not allowed) otherwise.
    pub deficit_per_day: f64,
    /// The most the group can bank, vCPU-hours.
    pub max_balance: f64,
}

/// Hour by hour: the balance accrues the baselines less the CPU used, up
/// to the maximum; what it cannot cover is the deficit.
pub(crate) fn burst_day(
    rule: &BurstRule,
    peak_cpu_load: f64,
    shares: &[f64],
    count: f64,
) -> BalanceDay {
    let accrual = count * rule.sustained();
    let max_balance = count * rule.max_balance;
    let mut start = max_balance;
    let mut day =
        BalanceDay { balance: Vec::with_capacity(shares.len()), deficit_per_day: 0.0, max_balance };
    // Each pass starts no higher than the last (the balance only falls
    // from full), so a few passes reach the cycle.
    for _ in 0..64 {
        day.balance.clear();
        day.deficit_per_day = 0.0;
        let mut balance = start;
        for share in shares {
            balance += accrual - peak_cpu_load * share;
            if balance < 0.0 {
                day.deficit_per_day -= balance;
                balance = 0.0;
            }
            balance = balance.min(max_balance);
            day.balance.push(balance);
        }
        if (balance - start).abs() <= 1e-9 * max_balance.max(1.0) {
            break;
        }
        start = balance;
    }
    day
}

/// CPU-hours a month a burstable group of `count` instances runs beyond
/// its baselines and banked balance (what unlimited mode bills): the
/// period's, times the periods in a month, and the peak events'.
pub(crate) fn surplus_vcpu_hours(
    rule: &BurstRule,
    peak_cpu_load: f64,
    shape: &LoadShape,
    count: f64,
) -> f64 {
    let day = burst_day(rule, peak_cpu_load, shape.hours(), count);
    day.deficit_per_day * shape.periods_per_month()
        + event_deficit(rule, peak_cpu_load, shape, count, &day)
}

/// CPU-hours a month peak events run beyond the baselines: each event's
/// hours in a row draw on the balance at its lowest point of the period.
fn event_deficit(
    rule: &BurstRule,
    peak_cpu_load: f64,
    shape: &LoadShape,
    count: f64,
    day: &BalanceDay,
) -> f64 {
    let accrual = count * rule.sustained();
    let lowest = day.balance.iter().copied().fold(day.max_balance, f64::min);
    shape
        .events()
        .iter()
        .map(|&(share, hours)| (hours * (peak_cpu_load * share - accrual) - lowest).max(0.0))
        .sum()
}

/// The fewest instances whose baselines and balance cover the period's
/// CPU hour by hour (and the peak events'): between the count whose
/// baselines cover the average and the one whose baselines cover the peak.
pub(crate) fn baseline_count(rule: &BurstRule, peak_cpu_load: f64, shape: &LoadShape) -> u32 {
    let shares = shape.hours();
    let per_instance = rule.sustained();
    let hours = shares.len().max(1) as f64;
    let average = shares.iter().map(|s| peak_cpu_load * s).sum::<f64>() / hours;
    let events = shape.events().iter().map(|e| e.0);
    let busiest = shares.iter().copied().chain(events).fold(0.0, f64::max) * peak_cpu_load;
    let bound = |load: f64| ((load / per_instance) - 1e-9).ceil().max(0.0) as u32;
    let (mut lo, mut hi) = (bound(average), bound(busiest).max(bound(average)));
    let covered = |n: u32| {
        let day = burst_day(rule, peak_cpu_load, shares, n as f64);
        day.deficit_per_day <= 1e-9
            && event_deficit(rule, peak_cpu_load, shape, n as f64, &day) <= 1e-9
    };
    if covered(lo) {
        return lo;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if covered(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// How a burstable compute tier runs for this component: its baseline,
/// balance and whether surplus is billed (unlimited, where the offering
/// prices it).
pub(crate) fn burst_mode(component: &Component, tier: &TierRef<'_>) -> Option<BurstRule> {
    let capacity = &tier.tier.capacity;
    let baseline = capacity.baseline_cpu?;
    let vcpu = capacity.vcpu?;
    let priced = tier.offering.cpu_surplus.is_some();
    let mode = match component.burst {
        Some(BurstMode::Unlimited) if priced => BurstMode::Unlimited,
        Some(_) => BurstMode::Standard,
        None if priced => BurstMode::Unlimited,
        None => BurstMode::Standard,
    };
    let max_balance = capacity.burst.map_or(0.0, |b: Burst| b.max_balance_vcpu_hours);
    let cap = match component.autoscale {
        Some(a) => a.target_utilization,
        None => {
            component.slo.max_utilization.unwrap_or(super::super::defaults::DEFAULT_MAX_UTILIZATION)
        }
    };
    Some(BurstRule {
        baseline,
        vcpu,
        max_balance,
        mode,
        usable: if max_balance > 0.0 || capacity.baseline_floor == Some(true) { 1.0 } else { cap },
    })
}

/// The surplus CPU line of a burstable tier in unlimited mode.
pub(crate) fn surplus_charge(
    component: &Component,
    tier: &TierRef<'_>,
    vcpu_hours: f64,
    baseline: f64,
    catalog: &Catalog,
) -> Option<UsageLine> {
    let id = tier.offering.cpu_surplus.as_ref()?;
    (vcpu_hours > 0.0).then(|| {
        charge_line(
            catalog,
            tier,
            id,
            format!("CPU above the {}% baseline (unlimited mode)", trim_float(baseline * 100.0, 1)),
            vcpu_hours,
            &component.name,
        )
    })
}

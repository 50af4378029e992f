//! Autoscaled compute: the instance count the load needs through the
//! profile's period (a day or a week), integrated as the provider bills it.
//!
//! The period is sampled every 10 minutes (linear between hours, wrapping
//! at its end); each sample's count is the smallest one that meets every
//! constraint at that share of the peak, clamped to the autoscaler's
//! range. A scheduled job class runs at its window's rate in the samples a
//! run covers and not at all in the others. Per-second billing pays the
//! time-weighted average count; hourly billing pays, each clock hour, the
//! largest count running in it; monthly billing pays the peak (scaling
//! down refunds nothing). A peak event's hours run the event's count in
//! place of the busiest hour's, weighted by its hours in the month.

use super::compute::{ComputeModel, Rejection};
use crate::catalog::HOURS_PER_MONTH;
use crate::catalog::{Billing, TierRef};
use crate::demand::{Demand, LoadShape};
use crate::scenario::Component;
use serde::Serialize;

pub use crate::demand::shape::SAMPLES_PER_HOUR;

/// Counts through the day and what they are billed as.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AutoscaleCounts {
    /// The fewest instances running at any time of day.
    pub min_count: u32,
    /// Time-weighted average instances running.
    pub average_count: f64,
    /// The most instances running (the peak hour).
    pub peak_count: u32,
    /// Instances paid for, averaged over the day (see the module notes).
    pub billed_count: f64,
    /// `per_second`, `hourly` or `monthly`.
    pub billing: &'static str,
    /// The most instances running in each hour of the period (0 to 23 for
    /// a day, 0 to 167 for a week from Monday 00:00).
    pub by_hour: Vec<u32>,
}

/// Instance counts over the period for a component on a tier, from the
/// peak demand and the shape's hourly shares of the peak.
pub(crate) fn autoscale_counts(
    component: &Component,
    tier: TierRef<'_>,
    peak: &Demand,
    shape: &LoadShape,
) -> Result<AutoscaleCounts, Rejection> {
    let (_, counts) = sample_counts(component, tier, peak, shape)?;
    let billing = tier.offering.billing.unwrap_or(Billing::Monthly);
    let mut summary = summarize(&counts, billing);
    if !shape.events().is_empty() {
        with_events(&mut summary, billing, shape, |share| {
            size(component, tier, &peak.at_share_of_peak(share))
        })?;
    }
    Ok(summary)
}

/// The instances needed at `demand`.
fn size(component: &Component, tier: TierRef<'_>, demand: &Demand) -> Result<u32, Rejection> {
    ComputeModel::new(component, tier, demand)?.size().map(|(count, _)| count)
}

/// Adds the peak events' hours: each runs the event's count instead of the
/// busiest hour's for its hours a month (monthly billing: the peak).
fn with_events(
    summary: &mut AutoscaleCounts,
    billing: Billing,
    shape: &LoadShape,
    size_at: impl Fn(f64) -> Result<u32, Rejection>,
) -> Result<(), Rejection> {
    let busiest = size_at(shape.busiest_hour())? as f64;
    for &(share, hours) in shape.events() {
        let count = size_at(share)?;
        let extra = (count as f64 - busiest).max(0.0) * hours / HOURS_PER_MONTH;
        summary.peak_count = summary.peak_count.max(count);
        summary.average_count += extra;
        summary.billed_count = match billing {
            Billing::Monthly => summary.peak_count as f64,
            _ => summary.billed_count + extra,
        };
    }
    Ok(())
}

/// The profile's samples (shares of the peak) and the count needed at each.
pub(crate) fn sample_counts(
    component: &Component,
    tier: TierRef<'_>,
    peak: &Demand,
    shape: &LoadShape,
) -> Result<(Vec<f64>, Vec<u32>), Rejection> {
    let samples = shape.samples();
    let scheduled = component.jobs.iter().any(|j| shape.running(&j.class, 0).is_some());
    if scheduled {
        return Ok((samples.clone(), scheduled_counts(component, tier, peak, shape, &samples)?));
    }
    let counts =
        monotone_counts(&samples, |share| size(component, tier, &peak.at_share_of_peak(share)))?;
    Ok((samples, counts))
}

/// Counts where scheduled classes run only in their windows: each sample's
/// demand is the profile's share of the peak for the other classes and
/// the window's rate (or nothing) for scheduled ones, sized once per
/// distinct (share, runs under way).
fn scheduled_counts(
    component: &Component,
    tier: TierRef<'_>,
    peak: &Demand,
    shape: &LoadShape,
    samples: &[f64],
) -> Result<Vec<u32>, Rejection> {
    let mut sized: std::collections::HashMap<(u64, Vec<bool>), u32> = Default::default();
    let mut counts = Vec::with_capacity(samples.len());
    for (i, &share) in samples.iter().enumerate() {
        let running: Vec<bool> = peak
            .peak_jobs_per_s
            .iter()
            .map(|(c, _)| shape.running(c, i).unwrap_or(false))
            .collect();
        let key = (share.to_bits(), running);
        if let Some(&count) = sized.get(&key) {
            counts.push(count);
            continue;
        }
        let mut demand = peak.at_share_of_peak(share);
        for ((class, rate), (_, peak_rate)) in
            demand.peak_jobs_per_s.iter_mut().zip(&peak.peak_jobs_per_s)
        {
            if let Some(on) = shape.running(class, i) {
                *rate = if on { *peak_rate } else { 0.0 };
            }
        }
        let count = size(component, tier, &demand)?;
        sized.insert(key, count);
        counts.push(count);
    }
    Ok(counts)
}

/// Counts at every sample summarized as `billing` pays for them.
pub(crate) fn summarize(counts: &[u32], billing: Billing) -> AutoscaleCounts {
    let peak_count = counts.iter().copied().max().unwrap_or(0);
    let min_count = counts.iter().copied().min().unwrap_or(0);
    let average_count = counts.iter().map(|&c| c as f64).sum::<f64>() / counts.len().max(1) as f64;
    let billed_count = billed(counts, billing);
    let by_hour = counts
        .chunks(SAMPLES_PER_HOUR)
        .map(|hour| hour.iter().copied().max().unwrap_or(0))
        .collect();
    AutoscaleCounts {
        by_hour,
        min_count,
        average_count,
        peak_count,
        billed_count,
        billing: match billing {
            Billing::PerSecond => "per_second",
            Billing::Hourly => "hourly",
            Billing::Monthly => "monthly",
        },
    }
}

/// Instances paid for on average, from the count at every sample.
fn billed(counts: &[u32], billing: Billing) -> f64 {
    let mean = |values: &mut dyn Iterator<Item = f64>| {
        let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
        if n == 0 { 0.0 } else { sum / n as f64 }
    };
    match billing {
        Billing::PerSecond => mean(&mut counts.iter().map(|&c| c as f64)),
        Billing::Hourly => mean(
            &mut counts
                .chunks(SAMPLES_PER_HOUR)
                .map(|hour| hour.iter().copied().max().unwrap_or(0) as f64),
        ),
        Billing::Monthly => counts.iter().copied().max().unwrap_or(0) as f64,
    }
}

/// A cheap lower bound on the billed count: at every sample the CPU cap
/// alone needs ⌈load / (vCPU × cap)⌉ instances, and never fewer than the
/// minimum. The planner skips the full integration for tiers whose bound
/// already loses to a tier it has costed.
pub(crate) fn billed_lower_bound(
    model: &ComputeModel<'_>,
    tier: TierRef<'_>,
    shape: &LoadShape,
) -> f64 {
    let counts: Vec<u32> =
        shape.samples().into_iter().map(|share| model.cpu_floor(share)).collect();
    billed(&counts, tier.offering.billing.unwrap_or(Billing::Monthly))
}

/// The count at every sample, sizing only where the count can change: the
/// needed count never falls as the load rises, so between two shares with
/// equal counts every share has that count.
fn monotone_counts(
    samples: &[f64],
    size_at: impl Fn(f64) -> Result<u32, Rejection>,
) -> Result<Vec<u32>, Rejection> {
    let mut shares: Vec<f64> = samples.to_vec();
    shares.sort_by(f64::total_cmp);
    shares.dedup();
    let mut counts: Vec<Option<u32>> = vec![None; shares.len()];
    let last = shares.len().saturating_sub(1);
    counts[0] = Some(size_at(shares[0])?);
    counts[last] = Some(size_at(shares[last])?);
    let mut stack = vec![(0, last)];
    while let Some((lo, hi)) = stack.pop() {
        if hi - lo <= 1 {
            continue;
        }
        let (a, b) = (counts[lo].unwrap_or(0), counts[hi].unwrap_or(0));
        if a == b {
            counts[lo + 1..hi].fill(Some(a));
            continue;
        }
        let mid = lo + (hi - lo) / 2;
        counts[mid] = Some(size_at(shares[mid])?);
        stack.push((lo, mid));
        stack.push((mid, hi));
    }
    Ok(samples
        .iter()
        .map(|s| {
            let i = shares.partition_point(|x| x < s);
            counts[i].unwrap_or(0)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotone_counts_equal_sizing_every_sample() {
        let samples: Vec<f64> = (0..144).map(|i| ((i as f64) * 0.37).sin().abs()).collect();
        let size = |s: f64| Ok((s * 17.0).ceil().max(2.0) as u32);
        let fast = monotone_counts(&samples, size).unwrap();
        let slow: Vec<u32> = samples.iter().map(|&s| size(s).unwrap()).collect();
        assert_eq!(fast, slow);
    }
}

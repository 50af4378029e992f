//! Curves under uncertainty: the cost band of `sweep` and `chart` (the
//! cheapest plan's P5/P50/P95 at each user count) and the months of
//! `forecast`'s events over sampled worlds.

use super::{ForecastReport, Growth, SweepReport, forecast};
use crate::catalog::Catalog;
use crate::input::interval::{Interval, Stream};
use crate::planner::Planner;
use crate::scenario::Scenario;
use crate::support::error::Error;
use crate::uncertainty::{Percentiles, Worlds};
use serde::Serialize;

/// How a curve's worlds were sampled.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SampleInfo {
    /// Sampled worlds per point.
    pub samples: usize,
    /// The random seed the worlds were drawn with (the same seed gives the same bands).
    pub seed: u64,
}

/// Worlds per point when no count is given: bands, not decisions.
pub const CURVE_SAMPLES: usize = 200;

/// The cheapest plan's monthly cost at one user count over the worlds.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CostBand {
    /// Over the worlds some mix serves; `None` when none does.
    pub monthly_usd: Option<Percentiles>,
    /// Share of the worlds in which some mix serves the load.
    pub feasible_share: f64,
}

/// The cost band at each user count, every point planned in the same
/// worlds (common random numbers: bands are smooth from point to point).
pub fn cost_bands(
    worlds: &Worlds<'_>,
    catalog: &Catalog,
    samples: usize,
    users: &[f64],
) -> Result<Vec<CostBand>, Error> {
    let samples = samples.max(1);
    let scenarios: Vec<Scenario> =
        (0..samples).map(|i| worlds.world(i).map(|(s, _)| s)).collect::<Result<_, _>>()?;
    let costs: Vec<Option<f64>> = crate::support::parallel::map(users.len() * samples, |k| {
        let (point, world) = (k / samples, k % samples);
        Planner::new(&scenarios[world], catalog).plan(users[point]).ok().map(|p| p.monthly_usd)
    });
    Ok(costs
        .chunks(samples)
        .map(|costs| {
            let mut feasible: Vec<f64> = costs.iter().flatten().copied().collect();
            CostBand {
                feasible_share: feasible.len() as f64 / samples as f64,
                monthly_usd: Percentiles::of(&mut feasible),
            }
        })
        .collect())
}

/// Gives every row of a sweep its cost band over `samples` worlds.
pub fn add_bands(
    report: &mut SweepReport,
    worlds: &Worlds<'_>,
    catalog: &Catalog,
    samples: usize,
) -> Result<(), Error> {
    let users: Vec<f64> = report.rows.iter().map(|r| r.users).collect();
    let bands = cost_bands(worlds, catalog, samples, &users)?;
    for (row, band) in report.rows.iter_mut().zip(bands) {
        row.band = Some(band);
    }
    report.sampling = Some(SampleInfo { samples: samples.max(1), seed: worlds.seed });
    Ok(())
}

/// One forecast event across the worlds.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EventMonths {
    /// `tier`, `stage` or `infeasible`.
    pub kind: &'static str,
    /// What changes: `db → m20` (a component reaches a tier), `Starter →
    /// Growth` (a stage).
    pub change: String,
    /// Share of the worlds in which it happens within the forecast.
    pub share: f64,
    /// Its month, over the worlds in which it happens.
    pub month: Percentiles,
}

/// The forecast's events over sampled worlds.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ForecastUncertainty {
    /// Sampled worlds.
    pub samples: usize,
    /// The random seed the worlds were drawn with (the same seed gives the same months).
    pub seed: u64,
    /// The growth interval sampled, when it was uncertain.
    pub growth: Option<Interval>,
    /// Events by the median month they happen, then by share.
    pub events: Vec<EventMonths>,
}

/// (kind, change, month) of one event in one world.
type WorldEvent = (&'static str, String, u32);

/// A world's events as they compare across worlds: stage changes, the
/// first month each component runs on a tier it did not start on, and
/// the month no mix serves the load. (Count changes differ from world to
/// world in every step; the point forecast lists them.)
fn world_events(report: &ForecastReport) -> Vec<WorldEvent> {
    let mut events = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for month in &report.months {
        for c in &month.row.components {
            if seen.iter().any(|(n, t)| *n == c.name && *t == c.tier) {
                continue;
            }
            seen.push((c.name.clone(), c.tier.clone()));
            if month.month > 0 {
                let short = c.tier.rsplit('/').next().unwrap_or(&c.tier);
                events.push(("tier", format!("{} → {short}", c.name), month.month));
            }
        }
    }
    events.extend(
        report
            .events
            .iter()
            .filter(|e| e.kind != "upgrade")
            .map(|e| (e.kind, e.change.clone(), e.month)),
    );
    events
}

/// The forecast in every world (the growth drawn after the scenario's
/// inputs, from the same stream), and each event's month percentiles.
pub fn forecast_events(
    worlds: &Worlds<'_>,
    catalog: &Catalog,
    start: f64,
    growth: Growth,
    growth_interval: Option<Interval>,
    months: u32,
    samples: usize,
) -> Result<ForecastUncertainty, Error> {
    let samples = samples.max(1);
    let runs: Vec<Result<Vec<WorldEvent>, Error>> = crate::support::parallel::map(samples, |i| {
        let (scenario, _) = worlds.world(i)?;
        let growth = match growth_interval {
            None => growth,
            Some(interval) => {
                // The growth is the world's next draw after its inputs.
                let mut stream = Stream::for_world(worlds.seed, i as u64);
                for _ in worlds.inputs {
                    stream.next_unit();
                }
                let value = interval.quantile(stream.next_unit());
                match growth {
                    Growth::Compound { .. } => Growth::Compound { rate: value },
                    Growth::Linear { .. } => Growth::Linear { per_month: value },
                }
            }
        };
        let report = forecast(&scenario, catalog, start, growth, months);
        Ok(world_events(&report))
    });
    let mut found: Vec<(&'static str, String, Vec<f64>)> = Vec::new();
    for run in runs {
        let mut seen: Vec<(&'static str, String)> = Vec::new();
        for (kind, change, month) in run? {
            // The first time it happens in a world counts.
            if seen.iter().any(|(k, c)| *k == kind && *c == change) {
                continue;
            }
            seen.push((kind, change.clone()));
            match found.iter_mut().find(|(k, c, _)| *k == kind && *c == change) {
                Some((_, _, months)) => months.push(month as f64),
                None => found.push((kind, change, vec![month as f64])),
            }
        }
    }
    let mut events: Vec<EventMonths> = found
        .into_iter()
        .filter_map(|(kind, change, mut months)| {
            let share = months.len() as f64 / samples as f64;
            Some(EventMonths { kind, change, share, month: Percentiles::of(&mut months)? })
        })
        .collect();
    events.sort_by(|a, b| a.month.p50.total_cmp(&b.month.p50).then(b.share.total_cmp(&a.share)));
    Ok(ForecastUncertainty { samples, seed: worlds.seed, growth: growth_interval, events })
}

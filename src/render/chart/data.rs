//! What each chart draws, from the reports: the cost chart's layers, bands,
//! fan and cut; a stack's line on the comparison chart.

use crate::render::views::thousands;
use capplan::report::sweep::{SweepReport, SweepRow};

/// One stack's line on the comparison chart.
pub(super) struct StackLine {
    pub(super) label: String,
    pub(super) points: Vec<(f64, f64)>,
    /// The last point, marked with a cross, when the stack stops serving
    /// the app inside the range drawn.
    pub(super) stop: Option<(f64, f64)>,
}

/// How many usage items get a layer of their own; the rest share "other usage".
const USAGE_LAYERS: usize = 4;

/// Everything the stacked cost chart draws.
pub(super) struct CostChart {
    pub(super) title: String,
    pub(super) x: (f64, f64),
    pub(super) y_max: f64,
    pub(super) log_x: bool,
    pub(super) bands: Vec<(f64, f64, String)>,
    pub(super) names: Vec<String>,
    pub(super) steps: Vec<(f64, Vec<f64>)>,
    pub(super) fan: Vec<(f64, f64, f64, f64)>,
    pub(super) fan_label: Option<String>,
    /// The first user count with no feasible plan, and why.
    pub(super) cut: Option<(f64, String)>,
}

/// The stacked cost chart's data from a sweep: layers per component, the
/// largest usage items and the rest, stage bands, the uncertainty fan and
/// where the range runs into user counts no mix serves (also a note).
pub(super) fn cost_data(
    report: &SweepReport,
    log_x: bool,
) -> Result<(CostChart, Vec<String>), String> {
    let rows: Vec<_> = report.rows.iter().filter(|r| r.feasible).collect();
    if rows.len() < 2 {
        let why = report
            .rows
            .iter()
            .find_map(|r| r.error.as_deref())
            .map_or(String::new(), |e| format!(" ({e})"));
        return Err(format!(
            "fewer than two user counts have a feasible plan: nothing to draw (widen --from/--to){why}"
        ));
    }
    let (top, with_other) = usage_layers(&rows);
    let with_environments = rows.iter().any(|r| r.environments_usd > 0.0);
    let names: Vec<String> = rows[0]
        .components
        .iter()
        .map(|c| c.name.clone())
        .chain(top.iter().cloned())
        .chain(with_other.then(|| "other usage".to_string()))
        .chain(with_environments.then(|| "other environments".to_string()))
        .collect();
    let steps = cumulative_steps(&rows, &top, with_other, with_environments);
    let last_feasible = rows[rows.len() - 1].users;
    let cut = report
        .rows
        .iter()
        .find(|r| !r.feasible && r.users > rows[0].users)
        .map(|r| (r.users, r.error.clone().unwrap_or_default()));
    // The axis covers the whole range asked for, served or not.
    let requested_end = report.rows.last().map_or(last_feasible, |r| r.users);
    let (x0, x1) = (rows[0].users.max(1.0), requested_end.max(2.0));
    // With sampled worlds: the cheapest plan's P5–P95 band and its P50.
    let fan: Vec<(f64, f64, f64, f64)> = report
        .rows
        .iter()
        .filter_map(|r| {
            let p = r.band.as_ref()?.monthly_usd?;
            Some((r.users.max(1.0), p.p5, p.p50, p.p95))
        })
        .filter(|(u, ..)| (x0..=x1).contains(u))
        .collect();
    let fan_label =
        report.sampling.map(|s| format!("P5–P95 over {} worlds", thousands(s.samples as f64)));
    let y_max = steps
        .iter()
        .map(|(_, c)| c.last().copied().unwrap_or(0.0))
        .chain(fan.iter().map(|f| f.3))
        .fold(1.0, f64::max)
        * 1.12;
    let title = format!(
        "{} — monthly cost by users (catalogs as of {})",
        report.scenario,
        report.catalog_as_of.as_deref().unwrap_or("unknown")
    );
    let bands = stage_bands(&rows, x0, last_feasible);
    let notes = cut
        .iter()
        .map(|(users, why)| {
            format!(
                "the chart stops at {} users: no mix serves {} users or more ({why})",
                thousands(last_feasible),
                thousands(*users)
            )
        })
        .collect();
    let chart =
        CostChart { title, x: (x0, x1), y_max, log_x, bands, names, steps, fan, fan_label, cut };
    Ok((chart, notes))
}

/// The usage items that cost most over the range, each its own layer, and
/// whether the rest share an "other usage" layer.
fn usage_layers(rows: &[&SweepRow]) -> (Vec<String>, bool) {
    // The usage items that cost most over the range get their own layer.
    let mut usage_totals: Vec<(String, f64)> = Vec::new();
    for row in rows {
        for item in &row.usage {
            let usd = item.monthly_usd.unwrap_or(0.0);
            match usage_totals.iter_mut().find(|(n, _)| *n == item.name) {
                Some(entry) => entry.1 += usd,
                None => usage_totals.push((item.name.clone(), usd)),
            }
        }
    }
    usage_totals.sort_by(|a, b| b.1.total_cmp(&a.1));
    usage_totals.retain(|(_, total)| *total > 0.0);
    let own_layer =
        if usage_totals.len() <= USAGE_LAYERS + 1 { usage_totals.len() } else { USAGE_LAYERS };
    let top: Vec<String> = usage_totals[..own_layer].iter().map(|(n, _)| n.clone()).collect();
    let with_other = usage_totals.len() > own_layer;
    (top, with_other)
}

/// Cumulative layers per row; a step before each new point makes upgrades
/// visible as jumps.
fn cumulative_steps(
    rows: &[&SweepRow],
    top: &[String],
    with_other: bool,
    with_environments: bool,
) -> Vec<(f64, Vec<f64>)> {
    let mut steps: Vec<(f64, Vec<f64>)> = Vec::new();
    for row in rows {
        let mut cumulative = Vec::new();
        let mut sum = 0.0;
        for cell in &row.components {
            sum += cell.total_monthly_usd.or(cell.monthly_usd).unwrap_or(0.0);
            cumulative.push(sum);
        }
        let mut in_layers = 0.0;
        for name in top {
            let usd: f64 =
                row.usage.iter().filter(|u| &u.name == name).filter_map(|u| u.monthly_usd).sum();
            in_layers += usd;
            sum += usd;
            cumulative.push(sum);
        }
        if with_other {
            sum += (row.usage_usd - in_layers).max(0.0);
            cumulative.push(sum);
        }
        if with_environments {
            sum += row.environments_usd;
            cumulative.push(sum);
        }
        if let Some((_, previous)) = steps.last() {
            let previous = previous.clone();
            steps.push((row.users, previous));
        }
        steps.push((row.users, cumulative));
    }
    steps
}

/// Bands from the rows' own stage labels (the rule every command uses),
/// each from its first user count to the next band's.
fn stage_bands(rows: &[&SweepRow], x0: f64, last_feasible: f64) -> Vec<(f64, f64, String)> {
    let mut bands: Vec<(f64, f64, String)> = Vec::new();
    for row in rows {
        let Some(stage) = &row.stage else { continue };
        match bands.last_mut() {
            Some(band) if &band.2 == stage => band.1 = row.users.min(last_feasible),
            _ => {
                if let Some(band) = bands.last_mut() {
                    band.1 = row.users;
                }
                bands.push((row.users.max(x0), row.users.min(last_feasible), stage.clone()));
            }
        }
    }
    if let Some(band) = bands.last_mut() {
        band.1 = last_feasible;
    }
    bands.retain(|(lo, hi, _)| lo < hi);
    bands
}

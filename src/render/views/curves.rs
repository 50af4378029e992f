//! `capplan sweep` and `capplan forecast`: one row per user count or month, and the events.

use super::{money, rate_note, thousands};
use crate::render::{Document, Section};
use capplan::input::units::trim_float;
use capplan::report::sweep::{ForecastReport, Growth, SweepReport, SweepRow};

fn sweep_header(rows: &[SweepRow], expanded: bool) -> Vec<String> {
    let mut headers = vec!["users".to_string(), "peak requests/min".into(), "stage".into()];
    if let Some(first) = rows.iter().find(|r| r.feasible) {
        for c in &first.components {
            if expanded {
                headers.extend([
                    format!("{} tier", c.name),
                    format!("{} count", c.name),
                    format!("{} USD/month", c.name),
                    format!("{} sized by", c.name),
                ]);
            } else {
                // The component's own lines (egress, storage,
                // usage-billed compute) are in its cell, as in `compare`
                // (the table's note says so).
                headers.push(format!("{} (count × tier, $/month)", c.name));
            }
        }
    }
    headers
        .push(if expanded { "shared lines USD/month" } else { "shared lines $/month" }.to_string());
    if has_environments(rows) {
        headers.push(
            if expanded { "other environments USD/month" } else { "other environments $/month" }
                .to_string(),
        );
    }
    headers.extend([
        if expanded { "total USD/month" } else { "total $/month" }.to_string(),
        if expanded { "USD per user" } else { "$ per user" }.to_string(),
    ]);
    if has_bands(rows) {
        let unit = if expanded { "USD/month" } else { "$/month" };
        headers.extend([
            format!("P5 {unit}"),
            format!("P50 {unit}"),
            format!("P95 {unit}"),
            "worlds served".into(),
        ]);
    }
    if !expanded {
        headers.push("sized by".into());
    }
    headers
}

/// Whether the rows carry cost bands over sampled worlds (columns).
fn has_bands(rows: &[SweepRow]) -> bool {
    rows.iter().any(|r| r.band.is_some())
}

/// P5, P50, P95 and the share of worlds served.
fn band_cells(row: &SweepRow, expanded: bool) -> Vec<String> {
    let Some(band) = &row.band else {
        return vec![String::new(); 4];
    };
    let cell = |v: f64| {
        if expanded { format!("{v:.2}") } else { money(v) }
    };
    let mut cells: Vec<String> = match band.monthly_usd {
        Some(p) => vec![cell(p.p5), cell(p.p50), cell(p.p95)],
        None => vec!["—".into(); 3],
    };
    cells.push(format!("{} %", trim_float(band.feasible_share * 100.0, 1)));
    cells
}

/// Whether any row prices environments besides production (a column).
fn has_environments(rows: &[SweepRow]) -> bool {
    rows.iter().any(|r| r.environments_usd > 0.0)
}

fn sweep_cells(
    row: &SweepRow,
    width: usize,
    expanded: bool,
    environments: bool,
    bands: bool,
) -> Vec<String> {
    let mut cells = vec![
        if expanded { format!("{}", row.users) } else { thousands(row.users) },
        if expanded { trim_float(row.peak_rpm, 3) } else { thousands(row.peak_rpm) },
        row.stage.clone().unwrap_or_default(),
    ];
    if !row.feasible {
        // The full reason is in JSON; the table keeps the component and constraint.
        let error = row.error.clone().unwrap_or_default();
        let short = error.split(": the largest").next().unwrap_or(&error);
        cells.push(format!("infeasible: {short}"));
        // Keep the band: other worlds may still be served here.
        let band = if bands { band_cells(row, expanded) } else { Vec::new() };
        cells.resize(width - band.len() - usize::from(!expanded), String::new());
        cells.extend(band);
        if !expanded {
            cells.push(String::new());
        }
        return cells;
    }
    for c in &row.components {
        let short = c.tier.rsplit('/').next().unwrap_or(&c.tier);
        if expanded {
            cells.extend([
                c.tier.clone(),
                c.count.to_string(),
                c.total_monthly_usd.or(c.monthly_usd).map_or(String::new(), |v| format!("{v:.2}")),
                c.binding.to_string(),
            ]);
        } else {
            cells.push(format!(
                "{} × {} ({})",
                c.count,
                short,
                c.total_monthly_usd.or(c.monthly_usd).map_or("unpriced".into(), money)
            ));
        }
    }
    let total = row.monthly_usd.unwrap_or(0.0);
    let usage = |v: f64| {
        if expanded { format!("{v:.2}") } else { money(v) }
    };
    cells.push(usage(row.usage_usd));
    if environments {
        cells.push(usage(row.environments_usd));
    }
    if expanded {
        cells.extend([format!("{total:.2}"), format!("{:.4}", row.usd_per_user.unwrap_or(0.0))]);
        if bands {
            cells.extend(band_cells(row, expanded));
        }
    } else {
        cells.extend([money(total), format!("${:.4}", row.usd_per_user.unwrap_or(0.0))]);
        if bands {
            cells.extend(band_cells(row, expanded));
        }
        let bindings: Vec<String> =
            row.components.iter().map(|c| format!("{}: {}", c.name, c.binding)).collect();
        cells.push(bindings.join(", "));
    }
    cells
}

/// `capplan sweep`: one row per user count.
pub fn sweep(r: &SweepReport, expanded: bool) -> Document {
    let headers = sweep_header(&r.rows, expanded);
    let width = headers.len();
    Document {
        title: Some(format!("{} — cost by user count", r.scenario)),
        sections: vec![Section {
            compact: None,
            heading: None,
            headers,
            rows: r
                .rows
                .iter()
                .map(|row| {
                    sweep_cells(row, width, expanded, has_environments(&r.rows), has_bands(&r.rows))
                })
                .collect(),
        }],
        notes: std::iter::once(format!(
            "USD per month at the peak-hour sizing; a component's cell holds its instances and its own lines (egress, storage, usage-billed compute), shared lines the rest (the scenario's usage items, plan fees, credits); catalogs as of {} (oldest entry used).",
            r.catalog_as_of.as_deref().unwrap_or("unknown")
        ))
        .chain(r.sampling.map(|s| format!(
            "P5/P50/P95: the cheapest plan's cost over {} sampled worlds (seed {}), the same worlds at every user count; the other columns are the plan at the medians.",
            thousands(s.samples as f64),
            s.seed
        )))
        .chain(rate_note(r.given_rate.as_ref()))
        .collect(),
    }
}

/// `capplan forecast`: month by month, then the events.
pub fn forecast(r: &ForecastReport, expanded: bool) -> Document {
    let rows: Vec<SweepRow> = r.months.iter().map(|m| m.row.clone()).collect();
    let mut headers = vec!["month".to_string()];
    headers.extend(sweep_header(&rows, expanded));
    let width = headers.len();
    let mut sections = vec![Section {
        compact: None,
        heading: None,
        headers,
        rows: r
            .months
            .iter()
            .map(|m| {
                let mut cells = vec![m.month.to_string()];
                cells.extend(sweep_cells(
                    &m.row,
                    width - 1,
                    expanded,
                    has_environments(&rows),
                    false,
                ));
                cells
            })
            .collect(),
    }];
    if !r.events.is_empty() {
        sections.push(Section {
            compact: None,
            heading: Some("Events".into()),
            headers: vec!["month".into(), "users".into(), "kind".into(), "event".into()],
            rows: r
                .events
                .iter()
                .map(|e| {
                    vec![
                        e.month.to_string(),
                        thousands(e.users),
                        e.kind.to_string(),
                        e.description.clone(),
                    ]
                })
                .collect(),
        });
    }
    if let Some(u) = &r.uncertainty {
        sections.push(Section {
            compact: None,
            heading: Some(format!(
                "Events over {} sampled worlds (seed {})",
                thousands(u.samples as f64),
                u.seed
            )),
            headers: vec![
                "kind".into(),
                "event".into(),
                "happens in".into(),
                "month P5".into(),
                "P50".into(),
                "P95".into(),
            ],
            rows: u
                .events
                .iter()
                .map(|e| {
                    vec![
                        e.kind.to_string(),
                        e.change.clone(),
                        format!("{} %", trim_float(e.share * 100.0, 1)),
                        trim_float(e.month.p5, 1),
                        trim_float(e.month.p50, 1),
                        trim_float(e.month.p95, 1),
                    ]
                })
                .collect(),
        });
    }
    let growth = match r.growth {
        Growth::Compound { rate } => format!("{}%/month compound", trim_float(rate * 100.0, 2)),
        Growth::Linear { per_month } => format!("{}/month linear", trim_float(per_month, 1)),
    };
    Document {
        title: Some(format!("{} — forecast at {growth}", r.scenario)),
        sections,
        notes: std::iter::once(format!(
            "Catalogs as of {} (oldest entry used).",
            r.catalog_as_of.as_deref().unwrap_or("unknown")
        ))
        .chain(rate_note(r.given_rate.as_ref()))
        .collect(),
    }
}

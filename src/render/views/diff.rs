//! `capplan diff`: totals per user count, then the components that change.

use super::{money, rate_note, signed_money, thousands, trim_float};
use crate::render::{Document, Section};
use capplan::report::diff::DiffReport;

/// `capplan diff`: the totals per user count, then what changed.
pub fn diff(r: &DiffReport) -> Document {
    let totals = totals_section(r);
    let changed: Vec<Vec<String>> = r
        .points
        .iter()
        .flat_map(|p| {
            p.components.iter().filter(|c| c.changed).map(move |c| {
                vec![
                    thousands(p.users),
                    c.name.clone(),
                    c.base.clone().unwrap_or_else(|| "—".into()),
                    c.head.clone().unwrap_or_else(|| "—".into()),
                    signed_money(c.delta_usd),
                ]
            })
        })
        .collect();
    let mut sections = vec![totals];
    if !changed.is_empty() {
        sections.push(Section {
            compact: None,
            heading: Some("Components that change".into()),
            headers: vec![
                "users".into(),
                "component".into(),
                "base".into(),
                "head".into(),
                "$/month".into(),
            ],
            rows: changed,
        });
    }
    let usage = usage_rows(r);
    if !usage.is_empty() {
        sections.push(Section {
            compact: None,
            heading: Some("Usage and add-ons that change".into()),
            headers: vec![
                "users".into(),
                "item".into(),
                "base".into(),
                "head".into(),
                "$/month".into(),
            ],
            rows: usage,
        });
    }
    let mut notes = Vec::new();
    for p in &r.points {
        if let Some(e) = &p.base_error {
            notes.push(format!("base at {} users: {e}", thousands(p.users)));
        }
        if let Some(e) = &p.head_error {
            notes.push(format!("head at {} users: {e}", thousands(p.users)));
        }
    }
    if sections.len() == 1 {
        notes.push("No component changes tier or count, and no usage line changes.".into());
    }
    for (side, rate) in [("base", &r.base_rate), ("head", &r.head_rate)] {
        if let Some(note) = rate_note(rate.as_ref()) {
            notes.push(format!("{side}: {note}"));
        }
    }
    Document {
        title: Some(format!("capplan cost impact: {} → {}", r.base, r.head)),
        sections,
        notes,
    }
}

/// Both sides' totals at each user count, the stage and the change.
fn totals_section(r: &DiffReport) -> Section {
    Section {
        compact: None,
        heading: None,
        headers: vec![
            "users".into(),
            "stage".into(),
            "base $/month".into(),
            "head $/month".into(),
            "change".into(),
        ],
        rows: r
            .points
            .iter()
            .map(|p| {
                let stage = match (&p.base_stage, &p.head_stage) {
                    (Some(a), Some(b)) if a == b => a.clone(),
                    (a, b) => {
                        format!("{} → {}", a.as_deref().unwrap_or("—"), b.as_deref().unwrap_or("—"))
                    }
                };
                let change = match (p.delta_usd, p.delta_pct) {
                    (Some(d), Some(pct)) => format!(
                        "{} ({}{:.1}%)",
                        signed_money(d),
                        if pct < 0.0 { "" } else { "+" },
                        pct
                    ),
                    (Some(d), None) => signed_money(d),
                    (None, _) => "infeasible".into(),
                };
                vec![
                    thousands(p.users),
                    stage,
                    p.base_usd.map_or("infeasible".into(), money),
                    p.head_usd.map_or("infeasible".into(), money),
                    change,
                ]
            })
            .collect(),
    }
}

/// The usage and add-on lines that change, quantity and cost on each side.
fn usage_rows(r: &DiffReport) -> Vec<Vec<String>> {
    r.points
        .iter()
        .flat_map(|p| {
            p.usage.iter().filter(|l| l.changed).map(move |l| {
                let side = |quantity: Option<f64>, usd: Option<f64>| match quantity {
                    None => "—".to_string(),
                    Some(q) => format!(
                        "{} {} ({})",
                        trim_float(q, 2),
                        l.unit,
                        usd.map_or("unpriced".into(), money)
                    ),
                };
                vec![
                    thousands(p.users),
                    l.item.clone(),
                    side(l.base_quantity, l.base_usd),
                    side(l.head_quantity, l.head_usd),
                    signed_money(l.delta_usd),
                ]
            })
        })
        .collect()
}

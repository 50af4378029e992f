//! `capplan tiers diff`: each price an overlay changes, old beside new.

use crate::render::{Document, Section};
use capplan::catalog::TierDiffReport;
use capplan::input::units::trim_float;

pub fn tier_diff(report: &TierDiffReport) -> Document {
    let figure = |value: Option<f64>, unit: &str| match value {
        None => "—".to_string(),
        Some(v) if unit == "fraction" => format!("{}%", trim_float(v * 100.0, 2)),
        Some(v) if unit == "USD/month" => format!("${v:.2}"),
        Some(v) => format!("${}", trim_float(v, 6)),
    };
    let rows: Vec<Vec<String>> = report
        .changes
        .iter()
        .map(|c| {
            vec![
                c.entry.clone(),
                c.price.clone(),
                c.unit.clone(),
                figure(c.old, &c.unit),
                figure(c.new, &c.unit),
                match (c.status, c.change_pct) {
                    ("added", _) => "new".into(),
                    (_, Some(p)) => {
                        format!("{}{}%", if p > 0.0 { "+" } else { "" }, trim_float(p, 1))
                    }
                    _ => "—".into(),
                },
                c.old_as_of.clone().unwrap_or_else(|| "—".into()),
                c.new_as_of.clone().unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    let mut notes = vec![format!(
        "{} price(s) changed, {} added; {} entr{} restated at the embedded price with a newer source or date.",
        report.changed,
        report.added,
        report.unchanged,
        if report.unchanged == 1 { "y" } else { "ies" }
    )];
    if report.overlays.is_empty() {
        notes.push(
            "No overlay given: pass --tiers PATH (repeatable) to see what it changes.".into(),
        );
    }
    notes.push("Sources of each side are in --format json (old_source, new_source).".into());
    Document {
        title: Some(format!(
            "What {} change{} against the embedded catalog",
            if report.overlays.is_empty() {
                "no overlay".to_string()
            } else {
                report.overlays.join(", ")
            },
            if report.overlays.len() == 1 { "s" } else { "" }
        )),
        sections: if rows.is_empty() {
            Vec::new()
        } else {
            vec![Section {
                compact: None,
                heading: None,
                headers: vec![
                    "entry".into(),
                    "price".into(),
                    "unit".into(),
                    "old".into(),
                    "new".into(),
                    "change".into(),
                    "old as_of".into(),
                    "new as_of".into(),
                ],
                rows,
            }]
        },
        notes,
    }
}

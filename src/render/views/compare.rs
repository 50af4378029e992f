//! `capplan compare`: one table per user count (the stacks side by side,
//! cheapest first), then how far each stack goes.

use super::{money, thousands};
use crate::render::{Document, Section};
use capplan::report::compare::CompareReport;

pub fn compare(r: &CompareReport) -> Document {
    let mut sections = Vec::new();
    for (i, &users) in r.users.iter().enumerate() {
        let mut rows: Vec<(f64, Vec<String>)> = r
            .stacks
            .iter()
            .filter_map(|s| s.points.get(i).map(|p| (s, p)))
            .map(|(s, p)| {
                let mix = p
                    .components
                    .iter()
                    .map(|c| {
                        // The provider is the stack's: offering/tier says enough.
                        let tier = c.tier.split_once('/').map_or(c.tier.as_str(), |(_, t)| t);
                        format!("{} {tier} ×{}", c.name, c.count)
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let binds = p
                    .components
                    .iter()
                    .map(|c| format!("{}: {}", c.name, c.binding))
                    .collect::<Vec<_>>()
                    .join(", ");
                let total = match (p.monthly_usd, p.unpriced.is_empty()) {
                    (Some(m), true) => money(m),
                    (Some(m), false) => format!("{} + unpriced", money(m)),
                    (None, _) => "infeasible".into(),
                };
                (
                    p.monthly_usd.unwrap_or(f64::INFINITY),
                    vec![
                        s.id.clone(),
                        total,
                        p.usd_per_user.map_or("—".into(), |u| format!("${u:.4}")),
                        if p.feasible { mix } else { p.error.clone().unwrap_or_default() },
                        binds,
                    ],
                )
            })
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        sections.push(Section {
            compact: None,
            heading: Some(format!("{} users", thousands(users))),
            headers: vec![
                "stack".into(),
                "$/month".into(),
                "$/user/month".into(),
                "mix (tier × count)".into(),
                "sized by".into(),
            ],
            rows: rows.into_iter().map(|(_, row)| row).collect(),
        });
    }
    sections.push(Section {
        compact: None,
        heading: Some("How far each stack goes".into()),
        headers: vec!["stack".into(), "feasible up to (users)".into(), "what stops it".into()],
        rows: r
            .stacks
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    s.feasible_up_to.map_or_else(
                        || {
                            if s.stops_because.is_some() {
                                "none of the counts".into()
                            } else {
                                format!("more than {}", thousands(s.searched_up_to))
                            }
                        },
                        |u| format!("≈ {}", thousands(u)),
                    ),
                    s.stops_because.clone().unwrap_or_else(|| "—".into()),
                ]
            })
            .collect(),
    });
    let mut notes = vec![
        "Each stack runs the scenario's components on its own offerings; totals include charges, usage items and plan fees. Outbound data is priced by the platform serving the web component.".to_string(),
    ];
    for s in &r.stacks {
        if let Some(name) = &s.name {
            notes.push(format!("{}: {name}", s.id));
        }
    }
    Document { title: Some(format!("{}: stacks compared", r.scenario)), sections, notes }
}

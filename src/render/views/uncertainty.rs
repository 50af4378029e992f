//! `recommend` under uncertainty: percentiles over the sampled worlds, the
//! mixes ranked by regret, and (with `--explain`) the sampled inputs.

use super::{money, thousands};
use crate::render::Section;
use capplan::input::units::trim_float;
use capplan::uncertainty::{MixReport, Percentiles, UncertaintyReport};

fn pct(share: f64) -> String {
    format!("{} %", trim_float(share * 100.0, 1))
}

fn users(value: f64) -> String {
    if value >= capplan::planner::USER_LIMIT { "no limit".into() } else { thousands(value) }
}

fn row(label: &str, p: Option<Percentiles>, cell: fn(f64) -> String) -> Vec<String> {
    match p {
        Some(p) => vec![label.into(), cell(p.p5), cell(p.p50), cell(p.p95)],
        None => vec![label.into(), "—".into(), "—".into(), "—".into()],
    }
}

/// The first constraints to fail: `api p95 4.5 %, db memory 2.1 %`.
fn failures(mix: &MixReport) -> String {
    mix.failures
        .iter()
        .take(3)
        .map(|f| format!("{} {} {}", f.component, f.constraint, pct(f.share)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Sections and notes for the report's `uncertainty` object.
pub fn sections(u: &UncertaintyReport, explain: bool) -> (Vec<Section>, Vec<String>) {
    let best = &u.least_regret;
    let mut sections = vec![Section {
        compact: None,
        heading: Some(format!(
            "Across {} sampled worlds (seed {})",
            thousands(u.samples as f64),
            u.seed
        )),
        headers: vec!["figure".into(), "P5".into(), "P50".into(), "P95".into()],
        rows: vec![
            row("least-regret mix, $/month", best.monthly_usd, money),
            row("each world's cheapest mix, $/month", u.optimum_monthly_usd, money),
            row("least-regret mix, max users", best.max_users, users),
        ],
    }];
    let mixes = std::iter::once(best).chain(&u.alternatives);
    sections.push(Section {
        compact: None,
        heading: Some("Mixes by regret".into()),
        headers: vec![
            "mix".into(),
            "mean regret $/month".into(),
            "meets SLOs".into(),
            "P50 $/month".into(),
            "cheapest in".into(),
        ],
        rows: mixes
            .enumerate()
            .map(|(i, m)| {
                let mut name = m.description.clone();
                if m.point_plan {
                    name.push_str(" (plan at the medians)");
                }
                if i == 0 {
                    name.push_str(" ◀ least regret");
                }
                vec![
                    name,
                    money(m.mean_regret_usd),
                    pct(m.slo_probability),
                    m.monthly_usd.map_or("—".into(), |p| money(p.p50)),
                    pct(m.optimal_share),
                ]
            })
            .collect(),
    });
    if explain {
        sections.push(Section {
            compact: None,
            heading: Some("Sampled inputs".into()),
            headers: vec![
                "field".into(),
                "low".into(),
                "mid".into(),
                "high".into(),
                "distribution".into(),
                "sampled P5".into(),
                "P50".into(),
                "P95".into(),
            ],
            rows: u
                .inputs
                .iter()
                .map(|i| {
                    let at = i.line.map_or(String::new(), |l| format!(" ({}:{l})", i.file));
                    let f = |v: f64| trim_float(v, 4);
                    vec![
                        format!("{}{at}", i.field),
                        f(i.low),
                        f(i.mid),
                        f(i.high),
                        format!(
                            "{}, {} % between low and high",
                            i.distribution.as_str(),
                            trim_float(i.confidence * 100.0, 1)
                        ),
                        f(i.sampled.p5),
                        f(i.sampled.p50),
                        f(i.sampled.p95),
                    ]
                })
                .collect(),
        });
    }
    let mut notes = vec![format!(
        "Least-regret mix: {} — meets every SLO in {} of worlds{}; regret weights: {} per $ over the right bill, {} × the right bill for a miss.",
        best.description,
        pct(best.slo_probability),
        if best.failures.is_empty() {
            String::new()
        } else {
            format!(" (first to fail: {})", failures(best))
        },
        trim_float(u.weights.over, 2),
        trim_float(u.weights.under, 2),
    )];
    if !best.point_plan {
        notes.push(
            "The plan above is the cheapest at the medians; across the ranges the least-regret mix differs from it."
                .into(),
        );
    }
    for (i, alternative) in u.alternatives.iter().enumerate() {
        notes.push(format!(
            "Alternative {} ({}): {}.",
            i + 2,
            alternative.description,
            alternative.lost_because.join("; ")
        ));
    }
    if u.feasible_share < 1.0 {
        notes.push(format!("No mix serves the load in {} of worlds.", pct(1.0 - u.feasible_share)));
    }
    notes.push(format!(
        "Sampling: the least-regret mix's cost percentiles are known to ±{} % (95% interval); more --samples narrow it.",
        trim_float(u.precision_pct, 1)
    ));
    (sections, notes)
}

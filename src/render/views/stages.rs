//! `capplan stages`: each template's capacity, cost and binding constraint beside its claims.

use super::{money, thousands};
use crate::render::{Document, Section};
use capplan::report::stages::StagesReport;
use capplan::scenario::ClaimValue;

fn claim_text(what: &str, value: &ClaimValue) -> String {
    let one = |v: f64| {
        if what == "monthly_usd" { money(v) } else { thousands(v) }
    };
    match value {
        ClaimValue::One(v) => one(*v),
        ClaimValue::Range([a, b]) => format!("{}–{}", one(*a), one(*b)),
    }
}

/// `capplan stages`: one row per stage, then the claims audit.
pub fn stages(r: &StagesReport) -> Document {
    let overview = Section {
        compact: None,
        heading: None,
        headers: vec![
            "#".into(),
            "stage".into(),
            "template".into(),
            "$/month".into(),
            "max users".into(),
            "max requests/min".into(),
            "limited by".into(),
        ],
        rows: r
            .stages
            .iter()
            .map(|s| {
                vec![
                    s.index.to_string(),
                    s.name.clone(),
                    s.mix.join(", "),
                    s.monthly_usd.map_or("unpriced".into(), money),
                    s.max_users.map_or("> 10^12".into(), thousands),
                    s.max_rpm.map_or("—".into(), thousands),
                    s.binding.clone().unwrap_or_else(|| "—".into()),
                ]
            })
            .collect(),
    };
    let claims = Section {
        compact: None,
        heading: Some(
            "Claims beside computed values (off by more than 25%, or outside a range, is flagged)"
                .into(),
        ),
        headers: vec![
            "stage".into(),
            "claim".into(),
            "claimed".into(),
            "computed".into(),
            "verdict".into(),
        ],
        rows: r
            .stages
            .iter()
            .flat_map(|s| {
                s.claims.iter().map(move |c| {
                    let computed = if c.what == "monthly_usd" {
                        money(c.computed)
                    } else if c.computed.is_finite() {
                        thousands(c.computed)
                    } else {
                        "> 10^12".into()
                    };
                    let verdict = if c.ok {
                        "ok".to_string()
                    } else {
                        match c.claimed {
                            ClaimValue::One(v) if v != 0.0 => {
                                format!("off by {:+.0}%", (c.computed - v) / v * 100.0)
                            }
                            // How far outside: against the nearer end.
                            ClaimValue::Range([_, high]) if c.computed > high && high > 0.0 => {
                                format!(
                                    "{:+.0}% above the range",
                                    (c.computed - high) / high * 100.0
                                )
                            }
                            ClaimValue::Range([low, _]) if c.computed < low && low > 0.0 => {
                                format!("{:+.0}% below the range", (c.computed - low) / low * 100.0)
                            }
                            _ => "outside the claim".to_string(),
                        }
                    };
                    vec![
                        s.name.clone(),
                        c.what.clone(),
                        claim_text(&c.what, &c.claimed),
                        computed,
                        verdict,
                    ]
                })
            })
            .collect(),
    };
    Document {
        title: Some(format!("{} — stage audit", r.scenario)),
        sections: vec![overview, claims],
        notes: vec!["max users: the largest user count the template serves within every SLO; limited by: what fails one user beyond it.".into()],
    }
}

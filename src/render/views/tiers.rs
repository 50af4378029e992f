//! `capplan tiers`: the offering list, one provider or tier in full, and catalog checks.

use super::{opt, usd};
use crate::render::{Document, Section};
use capplan::catalog::{OfferingSummary, Problem, STALE_AFTER_DAYS, Severity, TierRow, UsageRow};
use capplan::input::units::trim_float;

/// `capplan tiers`: one row per offering.
pub fn tier_list(rows: &[OfferingSummary]) -> Document {
    let stale = rows.iter().filter(|r| r.age_days.is_some_and(|d| d > STALE_AFTER_DAYS)).count();
    let mut notes = vec![
        "Show the tiers of one offering with `capplan tiers show PROVIDER/OFFERING`.".to_string(),
    ];
    if stale > 0 {
        notes.push(format!(
            "{stale} offering(s) have an as_of more than {STALE_AFTER_DAYS} days old: check their sources."
        ));
    }
    Document {
        title: Some("Tier catalogs".into()),
        sections: vec![Section {
            compact: None,
            heading: None,
            headers: vec![
                "provider".into(),
                "offering".into(),
                "role".into(),
                "tiers".into(),
                "available".into(),
                "unpriced".into(),
                "as_of".into(),
                "age (days)".into(),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        r.provider.clone(),
                        r.offering.clone(),
                        r.role.unwrap_or("usage").to_string(),
                        r.tiers.to_string(),
                        r.available_tiers.to_string(),
                        r.unpriced_tiers.to_string(),
                        r.as_of.clone().unwrap_or_else(|| "—".into()),
                        r.age_days.map_or("—".into(), |d| d.to_string()),
                    ]
                })
                .collect(),
        }],
        notes,
    }
}

/// `capplan tiers show`: capacity and price, then provenance, then usage prices.
pub fn tier_show(selector: &str, rows: &[TierRow], usage: &[UsageRow]) -> Document {
    let mut sections = vec![Section {
        compact: None,
        heading: Some("Capacity and price".into()),
        headers: vec![
            "offering/tier".into(),
            "available".into(),
            "vCPU".into(),
            "memory".into(),
            "storage".into(),
            "connections".into(),
            "ops/s".into(),
            "$/month".into(),
            "$/hour".into(),
        ],
        rows: rows
            .iter()
            .map(|r| {
                let mut monthly = usd(r.monthly_usd);
                if !r.price_steps.is_empty() {
                    monthly = format!("{monthly} (stepped)");
                }
                if !r.priced_by_usage.is_empty() && r.monthly_usd.is_none() {
                    monthly = "by use".into();
                }
                vec![
                    format!("{}/{}", r.offering, r.tier),
                    if r.available { "yes" } else { "retired" }.into(),
                    if r.shared_cpu == Some(true) { "shared".into() } else { opt(r.vcpu, "") },
                    opt(r.memory_mb, "MB"),
                    opt(r.storage_gb, "GB"),
                    opt(r.max_connections, ""),
                    opt(r.max_ops_per_sec, ""),
                    monthly,
                    r.hourly_usd.map_or("—".into(), |h| format!("${}", trim_float(h, 4))),
                ]
            })
            .collect(),
    }];
    let option_rows: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| {
            !r.purchase_options_monthly_usd.is_empty()
                || !r.price_steps.is_empty()
                || !r.priced_by_usage.is_empty()
        })
        .map(|r| {
            let mut parts: Vec<String> = r
                .purchase_options_monthly_usd
                .iter()
                .map(|(k, v)| format!("{k}: ${v:.2}/month"))
                .collect();
            parts.extend(r.price_steps.iter().cloned());
            if !r.priced_by_usage.is_empty() {
                parts.push(format!("by use: {}", r.priced_by_usage.join(" + ")));
            }
            vec![format!("{}/{}", r.offering, r.tier), parts.join("; ")]
        })
        .collect();
    if !option_rows.is_empty() {
        sections.push(Section {
            compact: None,
            heading: Some("Purchase options and price steps".into()),
            headers: vec!["offering/tier".into(), "prices".into()],
            rows: option_rows,
        });
    }
    sections.push(Section {
        compact: None,
        heading: Some("Sources".into()),
        headers: vec![
            "offering/tier".into(),
            "confidence".into(),
            "as_of".into(),
            "source".into(),
            "note".into(),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    format!("{}/{}", r.offering, r.tier),
                    r.confidence.unwrap_or("—").to_string(),
                    r.as_of.clone().unwrap_or_else(|| "—".into()),
                    r.source.clone().unwrap_or_else(|| "—".into()),
                    r.note.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    });
    if !usage.is_empty() {
        sections.push(usage_section(usage));
    }
    Document {
        title: Some(format!("Tiers of {selector} (USD; monthly = hourly × 730)")),
        sections,
        notes: vec!["'unpriced' means no sourced price: it is never counted as $0.".into()],
    }
}

/// A provider's usage prices: unit, free quantity, volume tiers, long
/// context and priority prices, retirement, provenance.
fn usage_section(usage: &[UsageRow]) -> Section {
    Section {
        compact: None,
        heading: Some("Usage prices".into()),
        headers: vec![
            "usage".into(),
            "unit".into(),
            "free per month".into(),
            "price (USD per unit, by volume)".into(),
            "confidence".into(),
            "as_of".into(),
            "source".into(),
        ],
        rows: usage
            .iter()
            .map(|u| {
                let mut prices: Vec<String> = u
                    .price_tiers
                    .iter()
                    .map(|t| {
                        format!(
                            "from {}: {}",
                            t.start,
                            t.usd.map_or("unpriced".to_string(), |usd| format!("${usd}"))
                        )
                    })
                    .collect();
                if let Some(long) = &u.long_context {
                    prices.push(format!(
                        "prompts above {}: {}",
                        trim_float(long.above_tokens, 0),
                        long.usd.map_or("unpriced".to_string(), |usd| format!("${usd}"))
                    ));
                }
                if let Some(priority) = u.priority_usd {
                    prices.push(format!("priority: ${priority}"));
                }
                let usage = match (&u.retired, &u.successor) {
                    (Some(date), Some(next)) => {
                        format!("{} (retired {date}; successor {next})", u.usage)
                    }
                    (Some(date), None) => format!("{} (retired {date})", u.usage),
                    _ => u.usage.clone(),
                };
                vec![
                    usage,
                    u.unit.clone(),
                    u.free_quantity.map_or("—".into(), |f| trim_float(f, 3)),
                    prices.join("; "),
                    u.confidence.unwrap_or("—").to_string(),
                    u.as_of.clone().unwrap_or_else(|| "—".into()),
                    u.source.clone().unwrap_or_else(|| "—".into()),
                ]
            })
            .collect(),
    }
}

/// `capplan tiers check`: every problem with its location.
pub fn tier_check(files: &[String], problems: &[Problem]) -> Document {
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    let warnings = problems.len() - errors;
    Document {
        title: Some(format!(
            "Checked {} catalog file(s): {errors} error(s), {warnings} warning(s)",
            files.len()
        )),
        sections: if problems.is_empty() {
            Vec::new()
        } else {
            vec![Section {
                compact: None,
                heading: None,
                headers: vec![
                    "severity".into(),
                    "location".into(),
                    "field".into(),
                    "problem".into(),
                ],
                rows: problems
                    .iter()
                    .map(|p| {
                        let mut location = p.file.clone();
                        if let Some(line) = p.line {
                            location.push_str(&format!(":{line}"));
                            if let Some(col) = p.column {
                                location.push_str(&format!(":{col}"));
                            }
                        }
                        vec![
                            match p.severity {
                                Severity::Error => "error".into(),
                                Severity::Warning => "warning".into(),
                            },
                            location,
                            p.field.clone(),
                            p.message.clone(),
                        ]
                    })
                    .collect(),
            }]
        },
        notes: files.iter().map(|f| format!("checked {f}")).collect(),
    }
}

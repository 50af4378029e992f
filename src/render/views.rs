//! What each report shows in the tabular formats: columns, units, rounding.

use super::{Document, Section};
use capplan::catalog::{OfferingSummary, Problem, Severity, TierRow, UsageRow};
use capplan::diff::DiffReport;
use capplan::queue_report::QueueReport;
use capplan::recommend::RecommendReport;
use capplan::scenario::ClaimValue;
use capplan::stages::StagesReport;
use capplan::sweep::{ForecastReport, Growth, SweepReport, SweepRow};
use capplan::units::trim_float;

fn ms(value: Option<f64>) -> String {
    value.map_or("—".to_string(), |v| format!("{} ms", trim_float(v, 3)))
}

fn num(value: Option<f64>, decimals: usize) -> String {
    value.map_or("—".to_string(), |v| trim_float(v, decimals))
}

/// `capplan queue`: one row per metric for one problem.
pub fn queue(report: &QueueReport) -> Document {
    let mut rows = vec![
        vec!["servers".into(), report.servers.to_string()],
        vec![
            "arrival rate".into(),
            format!("{} /s", trim_float(report.arrival_rate_per_s, 6)),
        ],
        vec![
            "service time".into(),
            format!("{} ms", trim_float(report.service_time_ms, 6)),
        ],
        vec!["service cv".into(), trim_float(report.cv, 4)],
        vec![
            "offered load".into(),
            format!("{} Erlangs", trim_float(report.offered_load_erlangs, 4)),
        ],
        vec![
            "stable".into(),
            if report.stable { "yes" } else { "no" }.into(),
        ],
    ];
    if report.stable {
        rows.extend([
            vec![
                "utilization".into(),
                report
                    .utilization
                    .map_or("—".into(), |u| format!("{:.2} %", u * 100.0)),
            ],
            vec!["wait probability".into(), num(report.wait_probability, 6)],
            vec!["mean wait".into(), ms(report.mean_wait_ms)],
            vec!["mean response".into(), ms(report.mean_response_ms)],
            vec!["p50 response".into(), ms(report.p50_response_ms)],
            vec!["p90 response".into(), ms(report.p90_response_ms)],
            vec!["p95 response".into(), ms(report.p95_response_ms)],
            vec!["p99 response".into(), ms(report.p99_response_ms)],
            vec!["p95 wait".into(), ms(report.p95_wait_ms)],
            vec![
                "mean queue length (Lq)".into(),
                format!("{} requests", num(report.mean_queue_length, 4)),
            ],
            vec![
                "mean in system (L)".into(),
                format!("{} requests", num(report.mean_in_system, 4)),
            ],
        ]);
    }
    rows.push(vec![
        "min stable servers".into(),
        report.min_stable_servers.to_string(),
    ]);
    let mut notes = Vec::new();
    if let Some(slos) = &report.slo {
        notes.push(format!(
            "Sized: {} is the smallest server count meeting {}.",
            report.servers,
            slos.join(", ")
        ));
    }
    if !report.stable {
        notes.push(format!(
            "Unstable: {} Erlangs on {} servers means the queue grows without bound; at least {} servers are needed.",
            trim_float(report.offered_load_erlangs, 4),
            report.servers,
            report.min_stable_servers
        ));
    }
    if report.model == "M/G/c" {
        notes.push("M/G/c figures use a two-moment approximation (Allen–Cunneen; Cosmetatos for cv < 1); see README.".into());
    }
    Document {
        title: Some(format!("{} queue", report.model)),
        sections: vec![Section {
            heading: None,
            headers: vec!["metric".into(), "value".into()],
            rows,
        }],
        notes,
    }
}

fn opt(value: Option<f64>, unit: &str) -> String {
    value.map_or("—".to_string(), |v| {
        if unit.is_empty() {
            trim_float(v, 3)
        } else {
            format!("{} {unit}", trim_float(v, 3))
        }
    })
}

fn usd(value: Option<f64>) -> String {
    value.map_or("unpriced".to_string(), |v| format!("${v:.2}"))
}

/// `capplan tiers`: one row per offering.
pub fn tier_list(rows: &[OfferingSummary]) -> Document {
    let stale = rows
        .iter()
        .filter(|r| r.age_days.is_some_and(|d| d > 365))
        .count();
    let mut notes = vec![
        "Show the tiers of one offering with `capplan tiers show PROVIDER/OFFERING`.".to_string(),
    ];
    if stale > 0 {
        notes.push(format!(
            "{stale} offering(s) have an as_of more than 365 days old: check their sources."
        ));
    }
    Document {
        title: Some("Tier catalogs".into()),
        sections: vec![Section {
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
                    if r.shared_cpu == Some(true) {
                        "shared".into()
                    } else {
                        opt(r.vcpu, "")
                    },
                    opt(r.memory_mb, "MB"),
                    opt(r.storage_gb, "GB"),
                    opt(r.max_connections, ""),
                    opt(r.max_ops_per_sec, ""),
                    monthly,
                    r.hourly_usd
                        .map_or("—".into(), |h| format!("${}", trim_float(h, 4))),
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
            heading: Some("Purchase options and price steps".into()),
            headers: vec!["offering/tier".into(), "prices".into()],
            rows: option_rows,
        });
    }
    sections.push(Section {
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
        sections.push(Section {
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
                    vec![
                        u.usage.clone(),
                        u.unit.clone(),
                        u.free_quantity.map_or("—".into(), |f| trim_float(f, 3)),
                        u.price_tiers.join("; "),
                        u.confidence.unwrap_or("—").to_string(),
                        u.as_of.clone().unwrap_or_else(|| "—".into()),
                        u.source.clone().unwrap_or_else(|| "—".into()),
                    ]
                })
                .collect(),
        });
    }
    Document {
        title: Some(format!("Tiers of {selector} (USD; monthly = hourly × 730)")),
        sections,
        notes: vec!["'unpriced' means no sourced price: it is never counted as $0.".into()],
    }
}

/// `capplan tiers check`: every problem with its location.
pub fn tier_check(files: &[String], problems: &[Problem]) -> Document {
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
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

/// `1234567` → `1,234,567`.
pub fn thousands(value: f64) -> String {
    let rounded = value.round();
    let digits = format!("{}", rounded.abs() as u64);
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if rounded < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

fn money(value: f64) -> String {
    if value.abs() >= 1000.0 {
        format!("${}", thousands(value))
    } else {
        format!("${value:.2}")
    }
}

/// `capplan recommend`.
pub fn recommend(r: &RecommendReport, explain: bool) -> Document {
    let d = &r.demand;
    let stage = r.stage.as_ref().map_or(String::new(), |s| {
        format!(" — stage {}: {}", s.index, s.name)
    });
    let mut sections = vec![Section {
        heading: Some("Demand at the peak hour".into()),
        headers: vec!["quantity".into(), "value".into()],
        rows: {
            let mut rows = vec![
                vec!["daily active users".into(), thousands(d.daily_active_users)],
                vec!["online at peak".into(), thousands(d.online_users)],
                vec![
                    "requests".into(),
                    format!(
                        "{} /min ({} /s)",
                        thousands(d.peak_rpm),
                        trim_float(d.peak_rps, 2)
                    ),
                ],
            ];
            for job in &d.peak_jobs_per_s {
                rows.push(vec![
                    format!("{} jobs", job.class),
                    format!(
                        "{} /min ({} /month)",
                        trim_float(job.per_s * 60.0, 2),
                        thousands(job.per_month)
                    ),
                ]);
            }
            rows.extend([
                vec![
                    "database operations".into(),
                    format!("{} /s", trim_float(d.db_ops_per_s, 1)),
                ],
                vec![
                    "cache operations".into(),
                    format!("{} /s", trim_float(d.cache_ops_per_s, 1)),
                ],
                vec![
                    "stored data".into(),
                    format!("{} GB", trim_float(d.storage_gb, 2)),
                ],
                vec![
                    "cache memory".into(),
                    format!("{} MB", trim_float(d.cache_mb, 1)),
                ],
                vec![
                    "egress".into(),
                    format!("{} GB/month", trim_float(d.egress_gb_per_month, 1)),
                ],
            ]);
            rows
        },
    }];
    sections.push(Section {
        heading: Some("Instance mix".into()),
        headers: vec![
            "component".into(),
            "role".into(),
            "provider/offering/tier".into(),
            "count".into(),
            "$/month".into(),
            "CPU / slots busy".into(),
            "p95".into(),
            "sized by".into(),
        ],
        rows: r
            .components
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    c.role.to_string(),
                    format!("{}/{}/{}", c.provider, c.offering, c.tier),
                    match &c.autoscale {
                        Some(a) => format!("{}–{} (auto)", a.min_count, a.peak_count),
                        None if c.serverless => format!("{} concurrent", c.count),
                        None => c.count.to_string(),
                    },
                    c.monthly_usd.map_or("unpriced".into(), money),
                    match (c.utilization, c.occupancy) {
                        (Some(u), Some(o)) => format!("{:.1} % / {:.1} %", u * 100.0, o * 100.0),
                        (Some(u), None) => format!("{:.1} %", u * 100.0),
                        _ => "—".into(),
                    },
                    c.p95_ms.map_or("—".into(), |p| {
                        format!(
                            "{} ms{}",
                            trim_float(p, 1),
                            if c.role == "worker" { " wait" } else { "" }
                        )
                    }),
                    c.binding.to_string(),
                ]
            })
            .collect(),
    });
    // The tiers' own charges (storage add-ons, credits, egress, load
    // balancers) first, then the scenario's usage items and plan fees.
    let lines: Vec<&capplan::planner::UsageLine> = r
        .components
        .iter()
        .flat_map(|c| &c.charges)
        .chain(&r.usage)
        .collect();
    if !lines.is_empty() {
        let has_charges = r.components.iter().any(|c| !c.charges.is_empty());
        sections.push(Section {
            heading: Some(
                if has_charges {
                    "Add-ons and usage-priced items (average load)"
                } else {
                    "Usage-priced items (average load)"
                }
                .into(),
            ),
            headers: vec![
                "item".into(),
                "price".into(),
                "quantity".into(),
                "$/month".into(),
            ],
            rows: lines
                .iter()
                .map(|u| {
                    vec![
                        match &u.component {
                            Some(component) => format!("{component}: {}", u.name),
                            None => u.name.clone(),
                        },
                        u.price.clone(),
                        format!("{} {}", trim_float(u.quantity, 3), u.unit),
                        u.monthly_usd.map_or("unpriced".into(), money),
                    ]
                })
                .collect(),
        });
    }
    if !r.environments.is_empty() {
        sections.push(environments_section(&r.environments));
    }
    if explain {
        sections.push(Section {
            heading: Some("How each size was set".into()),
            headers: vec!["component".into(), "arithmetic".into()],
            rows: r
                .components
                .iter()
                .flat_map(|c| {
                    c.explain
                        .iter()
                        .map(move |line| vec![c.name.clone(), line.clone()])
                })
                .collect(),
        });
    }
    let mut notes = vec![format!(
        "Total: {}/month ({} per user per month){}",
        money(r.monthly_usd),
        if r.usd_per_user < 0.01 {
            format!("${:.4}", r.usd_per_user)
        } else {
            format!("${:.2}", r.usd_per_user)
        },
        if r.unpriced.is_empty() {
            String::new()
        } else {
            format!("; excludes unpriced: {}", r.unpriced.join(", "))
        }
    )];
    if !r.environments.is_empty() {
        let others: f64 = r.environments.iter().map(|e| e.monthly_usd).sum();
        notes.push(format!(
            "Of which production {}/month and other environments {}/month.",
            money(r.monthly_usd - others),
            money(others)
        ));
    }
    for c in &r.components {
        if !c.unverified_limits.is_empty() {
            notes.push(format!(
                "{}: this plan rests on limits {}/{}/{} does not publish ({}), accepted by the scenario.",
                c.name,
                c.provider,
                c.offering,
                c.tier,
                c.unverified_limits.join(", ")
            ));
        }
        if let (Some(saving), true) = (c.purchase_saving_usd, c.purchase_option != "on_demand") {
            notes.push(format!(
                "{}: {} saves {}/month against on demand ({}/month).",
                c.name,
                c.purchase_option,
                money(saving),
                c.on_demand_monthly_usd.map_or("unpriced".into(), money)
            ));
        }
        if let Some(a) = &c.autoscale {
            notes.push(format!(
                "{}: autoscaled, {} to {} instances through the day (average {}); billed {} on average ({} billing): {}/month against {}/month fixed at the peak{}.",
                c.name,
                a.min_count,
                a.peak_count,
                trim_float(a.average_count, 2),
                trim_float(a.billed_count, 2),
                a.billing.replace('_', "-"),
                c.monthly_usd.map_or("unpriced".into(), money),
                a.fixed_peak_monthly_usd.map_or("unpriced".into(), money),
                a.saving_usd
                    .map_or(String::new(), |s| format!(", saving {}", money(s)))
            ));
        }
    }
    for s in &r.serverless {
        notes.push(format!(
            "{}: serverless {} costs {}/month; instances ({} × {}) {}/month. {}",
            s.component,
            s.serverless_tier,
            money(s.serverless_monthly_usd),
            s.instances_count,
            s.instances_tier,
            money(s.instances_monthly_usd),
            match (s.break_even_requests_per_month, s.break_even_users) {
                (Some(requests), Some(users)) => format!(
                    "Instances become cheaper above {} requests/month (~{} users).",
                    thousands(requests),
                    thousands(users)
                ),
                _ => "No break-even between 1 and 10^9 users.".into(),
            }
        ));
    }
    let beyond = |v: Option<f64>| v.map_or("more than 10^12".into(), thousands);
    notes.push(match (r.max_users, r.mix_max_users) {
        (Some(max), holds) if holds.is_none_or(|h| h > max) => format!(
            "This mix stays the cheapest up to {} users (it holds the load up to {}; another mix is cheaper beyond).",
            thousands(max),
            beyond(holds)
        ),
        (max, _) => format!("This mix serves up to {} users.", beyond(max)),
    });
    if let Some(t) = &r.stage_template {
        notes.push(format!(
            "Stage template {}: {}/month for up to {} users{}.",
            t.name,
            t.monthly_usd.map_or("unpriced".into(), money),
            t.max_users.map_or("more than 10^12".into(), thousands),
            match t.optimizer_saving_usd {
                Some(s) if s > 0.005 =>
                    format!("; the mix above costs {} less in instances", money(s)),
                _ => String::new(),
            }
        ));
    }
    if let Some(n) = &r.next_stage {
        notes.push(format!(
            "Next stage: {} at ~{} users.",
            n.name,
            thousands(n.at_users)
        ));
    }
    match &r.next_upgrade {
        Some(u) => notes.push(format!(
            "Next upgrade: at {} users: {}, {}/month in total ({}/month in instances).",
            thousands(u.at_users),
            u.change,
            signed_money(u.delta_usd),
            signed_money(u.instances_delta_usd)
        )),
        None => notes.push("Next upgrade: none found.".into()),
    }
    notes.extend(rate_note(r.given_rate.as_ref()));
    if let Some(date) = &r.catalog_as_of {
        notes.push(format!("Prices from the catalogs (oldest entry used: {date}); `capplan tiers show` lists sources."));
    }
    for warning in &r.warnings {
        notes.push(format!("warning: {warning}"));
    }
    Document {
        title: Some(format!(
            "{} — {} users{stage}",
            r.scenario,
            thousands(r.users)
        )),
        sections,
        notes,
    }
}

fn sweep_header(rows: &[SweepRow], expanded: bool) -> Vec<String> {
    let mut headers = vec![
        "users".to_string(),
        "peak requests/min".into(),
        "stage".into(),
    ];
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
                headers.push(format!("{} (count × tier, $/month)", c.name));
            }
        }
    }
    headers.push(
        if expanded {
            "usage USD/month"
        } else {
            "usage $/month"
        }
        .to_string(),
    );
    if has_environments(rows) {
        headers.push(
            if expanded {
                "other environments USD/month"
            } else {
                "other environments $/month"
            }
            .to_string(),
        );
    }
    headers.extend([
        if expanded {
            "total USD/month"
        } else {
            "total $/month"
        }
        .to_string(),
        if expanded {
            "USD per user"
        } else {
            "$ per user"
        }
        .to_string(),
    ]);
    if !expanded {
        headers.push("sized by".into());
    }
    headers
}

/// Whether any row prices environments besides production (a column).
fn has_environments(rows: &[SweepRow]) -> bool {
    rows.iter().any(|r| r.environments_usd > 0.0)
}

fn sweep_cells(row: &SweepRow, width: usize, expanded: bool, environments: bool) -> Vec<String> {
    let mut cells = vec![
        if expanded {
            format!("{}", row.users)
        } else {
            thousands(row.users)
        },
        if expanded {
            trim_float(row.peak_rpm, 3)
        } else {
            thousands(row.peak_rpm)
        },
        row.stage.clone().unwrap_or_default(),
    ];
    if !row.feasible {
        // The full reason is in JSON; the table keeps the component and constraint.
        let error = row.error.clone().unwrap_or_default();
        let short = error.split(": the largest").next().unwrap_or(&error);
        cells.push(format!("infeasible: {short}"));
        cells.resize(width, String::new());
        return cells;
    }
    for c in &row.components {
        let short = c.tier.rsplit('/').next().unwrap_or(&c.tier);
        if expanded {
            cells.extend([
                c.tier.clone(),
                c.count.to_string(),
                c.total_monthly_usd
                    .or(c.monthly_usd)
                    .map_or(String::new(), |v| format!("{v:.2}")),
                c.binding.to_string(),
            ]);
        } else {
            cells.push(format!(
                "{} × {} ({})",
                c.count,
                short,
                c.total_monthly_usd
                    .or(c.monthly_usd)
                    .map_or("unpriced".into(), money)
            ));
        }
    }
    let total = row.monthly_usd.unwrap_or(0.0);
    let usage = |v: f64| {
        if expanded {
            format!("{v:.2}")
        } else {
            money(v)
        }
    };
    cells.push(usage(row.usage_usd));
    if environments {
        cells.push(usage(row.environments_usd));
    }
    if expanded {
        cells.extend([
            format!("{total:.2}"),
            format!("{:.4}", row.usd_per_user.unwrap_or(0.0)),
        ]);
    } else {
        cells.extend([
            money(total),
            format!("${:.4}", row.usd_per_user.unwrap_or(0.0)),
        ]);
        let bindings: Vec<String> = row
            .components
            .iter()
            .map(|c| format!("{}: {}", c.name, c.binding))
            .collect();
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
            heading: None,
            headers,
            rows: r
                .rows
                .iter()
                .map(|row| sweep_cells(row, width, expanded, has_environments(&r.rows)))
                .collect(),
        }],
        notes: std::iter::once(format!(
            "USD per month at the peak-hour sizing; catalogs as of {} (oldest entry used).",
            r.catalog_as_of.as_deref().unwrap_or("unknown")
        ))
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
                ));
                cells
            })
            .collect(),
    }];
    if !r.events.is_empty() {
        sections.push(Section {
            heading: Some("Events".into()),
            headers: vec![
                "month".into(),
                "users".into(),
                "kind".into(),
                "event".into(),
            ],
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

/// The note a given `--rpm`/`--rps` leaves on every report.
fn rate_note(rate: Option<&capplan::demand::RateNote>) -> Option<String> {
    rate.map(|r| {
        format!(
            "Given rate: a peak of {} requests/s at {} users{} sets {} requests per online user per minute for this run (the scenario says {}).",
            trim_float(r.peak_rps, 3),
            thousands(r.at_users),
            if r.users_inferred { " (inferred from the rate)" } else { "" },
            trim_float(r.requests_per_online_user_per_min, 4),
            trim_float(r.scenario_requests_per_online_user_per_min, 4)
        )
    })
}

fn signed_money(value: f64) -> String {
    format!(
        "{}{}",
        if value < 0.0 { "-" } else { "+" },
        money(value.abs())
    )
}

/// `capplan diff`: the totals per user count, then what changed.
pub fn diff(r: &DiffReport) -> Document {
    let totals = Section {
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
                    (a, b) => format!(
                        "{} → {}",
                        a.as_deref().unwrap_or("—"),
                        b.as_deref().unwrap_or("—")
                    ),
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
    };
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
        notes.push("No component changes tier or count.".into());
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

fn claim_text(what: &str, value: &ClaimValue) -> String {
    let one = |v: f64| {
        if what == "monthly_usd" {
            money(v)
        } else {
            thousands(v)
        }
    };
    match value {
        ClaimValue::One(v) => one(*v),
        ClaimValue::Range([a, b]) => format!("{}–{}", one(*a), one(*b)),
    }
}

/// `capplan stages`: one row per stage, then the claims audit.
pub fn stages(r: &StagesReport) -> Document {
    let overview = Section {
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

/// Environments besides production: load or fixed mix, what runs, and
/// the cost of all copies.
fn environments_section(environments: &[capplan::planner::EnvironmentCost]) -> Section {
    Section {
        heading: Some("Other environments (in the total)".into()),
        headers: vec![
            "environment".into(),
            "planned at".into(),
            "copies".into(),
            "mix".into(),
            "$/month".into(),
        ],
        rows: environments
            .iter()
            .map(|e| {
                let mix: Vec<String> = e
                    .components
                    .iter()
                    .map(|c| format!("{} {} × {}", c.name, c.count, c.tier_ref))
                    .collect();
                let mut cost = money(e.monthly_usd);
                if !e.shared_plans.is_empty() {
                    cost.push_str(&format!(" (shares {})", e.shared_plans.join(", ")));
                }
                vec![
                    e.name.clone(),
                    e.users
                        .map_or("fixed mix".into(), |u| format!("{} users", thousands(u))),
                    e.copies.to_string(),
                    mix.join(", "),
                    cost,
                ]
            })
            .collect(),
    }
}

//! `capplan recommend`: demand, the instance mix, add-ons and usage, environments, the arithmetic and the notes.

use super::{money, rate_note, signed_money, thousands};
use crate::render::{Document, Section};
use capplan::catalog::LimitBasis;
use capplan::input::units::trim_float;
use capplan::planner::defaults::DEFAULT_PERCENTILE;
use capplan::planner::percentile_name;
use capplan::report::recommend::RecommendReport;

/// `capplan recommend`.
pub fn recommend(r: &RecommendReport, explain: bool) -> Document {
    let stage =
        r.stage.as_ref().map_or(String::new(), |s| format!(" — stage {}: {}", s.index, s.name));
    let mut sections = vec![demand_section(r), mix_section(r)];
    sections.extend(super::request_classes::section(r));
    sections.extend(charges_section(r));
    if !r.environments.is_empty() {
        sections.push(environments_section(&r.environments));
    }
    if let Some(current) = &r.current {
        sections.push(current_section(current));
    }
    let (uncertain_sections, uncertain_notes) = r
        .uncertainty
        .as_ref()
        .map(|u| super::uncertainty::sections(u, explain))
        .unwrap_or_default();
    sections.extend(uncertain_sections);
    if explain {
        sections.push(explain_section(r));
    }
    let mut notes = total_notes(r);
    notes.extend(component_notes(r));
    notes.extend(serverless_notes(r));
    notes.extend(capacity_notes(r));
    notes.extend(rate_note(r.given_rate.as_ref()));
    if !r.patched.is_empty() {
        let fields: Vec<String> = r
            .patched
            .iter()
            .map(|p| match p.line {
                Some(line) => format!("{} = {} ({}:{line})", p.field, p.value, p.file),
                None => format!("{} = {} ({})", p.field, p.value, p.file),
            })
            .collect();
        notes.push(format!("From patches: {}.", fields.join("; ")));
    }
    notes.extend(uncertain_notes);
    notes.extend(usage_sources(&r.usage));
    if let Some(date) = &r.catalog_as_of {
        notes.push(format!("Prices from the catalogs (oldest entry used: {date}); `capplan tiers show` lists sources."));
    }
    for warning in &r.warnings {
        notes.push(format!("warning: {warning}"));
    }
    Document {
        title: Some(format!("{} — {} users{stage}", r.scenario, thousands(r.users))),
        sections,
        notes,
    }
}

/// The demand at the peak hour, one quantity per row with its unit.
fn demand_section(r: &RecommendReport) -> Section {
    let d = &r.demand;
    Section {
        compact: None,
        heading: Some("Demand at the peak hour".into()),
        headers: vec!["quantity".into(), "value".into()],
        rows: {
            let mut rows = vec![
                vec!["daily active users".into(), thousands(d.daily_active_users)],
                vec!["online at peak".into(), thousands(d.online_users)],
                vec![
                    "requests".into(),
                    format!("{} /min ({} /s)", thousands(d.peak_rpm), trim_float(d.peak_rps, 2)),
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
                vec!["database operations".into(), format!("{} /s", trim_float(d.db_ops_per_s, 1))],
                vec!["cache operations".into(), format!("{} /s", trim_float(d.cache_ops_per_s, 1))],
                vec!["stored data".into(), format!("{} GB", trim_float(d.storage_gb, 2))],
                vec!["cache memory".into(), format!("{} MB", trim_float(d.cache_mb, 1))],
                vec!["egress".into(), format!("{} GB/month", trim_float(d.egress_gb_per_month, 1))],
            ]);
            rows
        },
    }
}

/// The instance mix: per component its tier, count, cost, how busy and
/// what set its size; at a narrow terminal, the compact form
/// `component | tier | count | $/month | busy | p50 … | sized by` with each
/// provider/offering said once in the heading.
fn mix_section(r: &RecommendReport) -> Section {
    let shared = shared_percentile(r);
    let latency = shared.map_or("latency".into(), percentile_name);
    let cells: Vec<[String; 5]> = r.components.iter().map(|c| mix_cells(c, shared)).collect();
    let row = |first: String, place: String, cells: &[String; 5]| {
        let mut row = vec![first, place];
        row.extend(cells.iter().cloned());
        row
    };
    let headers = |first: &str, place: &str| {
        [first, place, "count", "$/month", "CPU / slots busy", latency.as_str(), "sized by"]
            .map(String::from)
            .to_vec()
    };
    // Components on each provider/offering, in the order they come.
    let mut offerings: Vec<(String, Vec<&str>)> = Vec::new();
    for c in &r.components {
        let offering = format!("{}/{}", c.provider, c.offering);
        match offerings.iter_mut().find(|(o, _)| *o == offering) {
            Some((_, names)) => names.push(&c.name),
            None => offerings.push((offering, vec![&c.name])),
        }
    }
    let on: Vec<String> =
        offerings.iter().map(|(o, names)| format!("{o}: {}", names.join(", "))).collect();
    let mut compact_headers = headers("component", "tier");
    compact_headers[4] = "busy".into();
    let compact = Section {
        compact: None,
        heading: Some(format!("Instance mix ({})", on.join("; "))),
        headers: compact_headers,
        rows: r
            .components
            .iter()
            .zip(&cells)
            .map(|(c, cells)| row(c.name.clone(), c.tier.clone(), cells))
            .collect(),
    };
    Section {
        compact: Some(Box::new(compact)),
        heading: Some("Instance mix".into()),
        headers: headers("component (role)", "provider/offering/tier"),
        rows: r
            .components
            .iter()
            .zip(&cells)
            .map(|(c, cells)| {
                row(
                    format!("{} ({})", c.name, c.role),
                    format!("{}/{}/{}", c.provider, c.offering, c.tier),
                    cells,
                )
            })
            .collect(),
    }
}

/// The percentile every latency in the mix is at, if they agree: the
/// column is then named by it, else each cell names its own.
fn shared_percentile(r: &RecommendReport) -> Option<f64> {
    let mut percentiles = r.components.iter().filter_map(|c| c.latency_percentile);
    let first = percentiles.next().unwrap_or(DEFAULT_PERCENTILE);
    percentiles.all(|p| p == first).then_some(first)
}

/// A component's count, $/month, busy share, latency and what sized it:
/// the cells both forms of the mix share. The latency cell names its
/// percentile unless the column does (`shared`).
fn mix_cells(c: &capplan::report::recommend::ComponentRow, shared: Option<f64>) -> [String; 5] {
    let count = match &c.autoscale {
        Some(a) => format!("{}–{} (auto)", a.min_count, a.peak_count),
        None if c.serverless => format!("{} concurrent", c.count),
        None => c.count.to_string(),
    };
    let cost = match c.monthly_usd {
        Some(m) if c.usage_priced && m == 0.0 => "by use".into(),
        other => other.map_or("unpriced".into(), money),
    };
    let cpu = match (c.utilization, c.occupancy) {
        (Some(u), Some(o)) => format!("{:.1} % / {:.1} %", u * 100.0, o * 100.0),
        (Some(u), None) => format!("{:.1} %", u * 100.0),
        _ => "—".into(),
    };
    let busy = match &c.baseline {
        Some(b) => format!(
            "{cpu}; avg {}{:.0} % of baseline",
            if b.basis == LimitBasis::Estimated { "≈" } else { "" },
            b.average_of_baseline * 100.0
        ),
        None => cpu,
    };
    let named = match c.latency_percentile {
        Some(p) if shared.is_none() => format!("{} ", percentile_name(p)),
        _ => String::new(),
    };
    let latency = c.latency_ms.map_or("—".into(), |p| {
        format!(
            "{named}{} ms{}",
            capplan::input::units::grouped(p, 1),
            if c.role == "worker" { " wait" } else { "" }
        )
    });
    let sized_by = if c.limits.iter().any(|l| l.basis == LimitBasis::Estimated) {
        format!("{} (≈ estimated limits)", c.binding)
    } else {
        c.binding.clone()
    };
    [count, cost, busy, latency, sized_by]
}

/// The tiers' own charges (storage add-ons, credits, egress, load
/// balancers) first, then the scenario's usage items and plan fees.
fn charges_section(r: &RecommendReport) -> Option<Section> {
    let lines: Vec<&capplan::planner::UsageLine> =
        r.components.iter().flat_map(|c| &c.charges).chain(&r.usage).collect();
    if lines.is_empty() {
        return None;
    }
    {
        let has_charges = r.components.iter().any(|c| !c.charges.is_empty());
        Some(Section {
            compact: None,
            heading: Some(
                if has_charges {
                    "Add-ons and usage-priced items (average load)"
                } else {
                    "Usage-priced items (average load)"
                }
                .into(),
            ),
            headers: vec!["item".into(), "price".into(), "quantity".into(), "$/month".into()],
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
        })
    }
}

/// The arithmetic behind each size (`--explain`).
fn explain_section(r: &RecommendReport) -> Section {
    Section {
        compact: None,
        heading: Some("How each size was set".into()),
        headers: vec!["component".into(), "arithmetic".into()],
        rows: r
            .components
            .iter()
            .flat_map(|c| c.explain.iter().map(move |line| vec![c.name.clone(), line.clone()]))
            .collect(),
    }
}

/// The total, per user and what it leaves out; production against the
/// other environments.
fn total_notes(r: &RecommendReport) -> Vec<String> {
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
    notes
}

/// Per component: limits accepted unpublished, purchase-option savings,
/// autoscaling.
fn component_notes(r: &RecommendReport) -> Vec<String> {
    let mut notes = Vec::new();
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
        if let (Some(a), true) = (&c.autoscale, c.usage_priced) {
            notes.push(format!(
                "{}: {} to {} instances through the day (average {}), billed by use: {}/month (CPU, memory and requests are among the items).",
                c.name,
                a.min_count,
                a.peak_count,
                trim_float(a.average_count, 2),
                c.total_monthly_usd.map_or("unpriced".into(), money),
            ));
        } else if let Some(a) = &c.autoscale {
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
    notes
}

/// Serverless against instances for each web component that could be either.
fn serverless_notes(r: &RecommendReport) -> Vec<String> {
    let mut notes = Vec::new();
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
    notes
}

/// How far the mix goes: capacity, stage template, next stage, next upgrade.
fn capacity_notes(r: &RecommendReport) -> Vec<String> {
    let mut notes = Vec::new();
    let beyond = |v: Option<f64>| v.map_or("more than 10^12".into(), thousands);
    notes.push(match (r.max_users, &r.max_users_binding) {
        (Some(max), Some(binding)) => {
            format!("This mix serves up to {} users ({binding} binds beyond).", thousands(max))
        }
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
        notes.push(format!("Next stage: {} at ~{} users.", n.name, thousands(n.at_users)));
    }
    match &r.next_upgrade {
        Some(u) => notes.push(format!(
            "Next upgrade: at {} users: {}, {}/month for what changes (the whole bill {}/month from {} users).",
            thousands(u.at_users),
            u.change,
            signed_money(u.components_delta_usd),
            signed_money(u.delta_usd),
            thousands(r.users)
        )),
        None => notes.push("Next upgrade: none up to 10^12 users.".into()),
    }
    if let Some(s) = &r.tier_switch {
        notes.push(format!(
            "Tier switch worth making: at {} users, {} saves {}/month ({:.0}% of the bill; advised above {}%).",
            thousands(s.at_users),
            s.change,
            money(s.saving_usd),
            s.saving_share * 100.0,
            trim_float(s.threshold_share * 100.0, 1)
        ));
    }
    notes
}

/// Environments besides production: load or fixed mix, what runs, and
/// the cost of all copies.
fn environments_section(environments: &[capplan::planner::EnvironmentCost]) -> Section {
    Section {
        compact: None,
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
                    e.users.map_or("fixed mix".into(), |u| format!("{} users", thousands(u))),
                    e.copies.to_string(),
                    mix.join(", "),
                    cost,
                ]
            })
            .collect(),
    }
}

/// The mix that runs today beside the recommendation: per component its
/// cost and what the recommendation changes, then the verdict.
/// `tier × 2`, `tier × 1–3 (autoscaled; 2 at the peak)`, `+ 40 GB`.
fn runs_today(c: &capplan::planner::CurrentComponent) -> String {
    let count = match (c.min, c.max) {
        (Some(lo), Some(hi)) => format!("{lo}–{hi} (autoscaled; {} at the peak)", c.count),
        _ => c.count.to_string(),
    };
    let storage =
        c.storage_gb.map_or(String::new(), |gb| format!(", {} GB storage", trim_float(gb, 1)));
    format!("{} × {count}{storage}", c.tier)
}

fn current_section(current: &capplan::planner::CurrentMix) -> Section {
    let mut rows: Vec<Vec<String>> = current
        .components
        .iter()
        .map(|c| {
            let change = current.vs_recommended.changes.iter().find(|ch| ch.component == c.name);
            vec![
                c.name.clone(),
                // Tier first: a cell that starts with a number reads as a
                // figure and is set right-aligned.
                runs_today(c),
                match (c.monthly_usd, c.unpriced.is_empty()) {
                    (None, _) => "unpriced".into(),
                    (Some(usd), true) => money(usd),
                    (Some(usd), false) => {
                        format!("{} + unpriced {}", money(usd), c.unpriced.join(", "))
                    }
                },
                change.map_or("keep".into(), |ch| {
                    let delta = ch.delta_usd.map_or(String::new(), |d| {
                        format!(" ({}{}/month)", if d < 0.0 { "−" } else { "+" }, money(d.abs()))
                    });
                    format!("→ {}{delta}", ch.to)
                }),
            ]
        })
        .collect();
    if current.shared_usd.abs() >= 0.005 {
        rows.push(vec![
            "plan fees and usage".into(),
            "lines of no one component".into(),
            money(current.shared_usd),
            String::new(),
        ]);
    }
    let verdict = match (&current.failing, current.max_users) {
        (Some(failing), max) => format!(
            "does not hold: {failing} fails{}{}",
            current.failing_detail.as_ref().map_or(String::new(), |d| format!(" ({d})")),
            max.map_or(String::new(), |m| format!("; holds up to {} users", thousands(m)))
        ),
        (None, Some(max)) => format!(
            "holds, up to {} users{}",
            thousands(max),
            current.binding.as_ref().map_or(String::new(), |b| format!(" ({b} binds first)"))
        ),
        (None, None) => "holds beyond 10¹² users".into(),
    };
    rows.push(vec![
        "total".into(),
        verdict,
        format!("{} ({})", money(current.monthly_usd), current.cost_basis),
        current.vs_recommended.delta_usd.map_or("—".into(), |d| {
            format!("recommended {}{}/month", if d < 0.0 { "−" } else { "+" }, money(d.abs()))
        }),
    ]);
    Section {
        compact: None,
        heading: Some("Current mix (scenario `current:`)".into()),
        headers: vec![
            "component".into(),
            "runs today".into(),
            "$/month".into(),
            "recommended change".into(),
        ],
        rows,
    }
}

/// Where the scenario's usage items (token prices, egress, fees) are priced
/// from, one note per source: the table names the price, this its origin.
fn usage_sources(lines: &[capplan::planner::UsageLine]) -> Vec<String> {
    let mut by_source: Vec<(String, Vec<&str>)> = Vec::new();
    for line in lines.iter().filter(|l| l.component.is_none()) {
        let Some(source) = &line.source else { continue };
        let origin = match &line.as_of {
            Some(date) => format!("{source} (as of {date})"),
            None => source.clone(),
        };
        match by_source.iter_mut().find(|(o, _)| *o == origin) {
            Some((_, prices)) if !prices.contains(&line.price.as_str()) => prices.push(&line.price),
            Some(_) => {}
            None => by_source.push((origin, vec![&line.price])),
        }
    }
    by_source
        .into_iter()
        .map(|(origin, prices)| format!("Priced from {origin}: {}.", prices.join(", ")))
        .collect()
}

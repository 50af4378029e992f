//! A scenario's assertions evaluated on the plans they name: budgets,
//! current mix, limits, stage, latency and percentiles over sampled worlds.

use super::*;

/// Evaluates the assertions, returning the plans they were checked on.
pub(super) fn evaluate(
    file: &ScenarioFile,
    catalog: &Catalog,
    out: &mut Vec<AssertionResult>,
) -> Vec<RecommendReport> {
    let mut reports = Vec::new();
    for (index, a) in file.scenario.assertions.iter().enumerate() {
        let line = line_of_item(&file.text, "assert", index);
        // A rate follows the one rule of every command: it sets the per-user
        // request rate at the assertion's users (or the users it implies).
        let (scenario, load, at) = match (a.users, a.rpm) {
            (users, Some(rpm)) => {
                let given = crate::demand::GivenRate { rps: rpm / 60.0, users };
                let at = match users {
                    Some(u) => format!("users={} rpm={}", trim_float(u, 0), trim_float(rpm, 1)),
                    None => format!("rpm={}", trim_float(rpm, 1)),
                };
                match given.apply(&file.scenario) {
                    Ok(run) => (std::borrow::Cow::Owned(run.scenario), run.users, at),
                    Err(e) => {
                        out.push(AssertionResult {
                            file: file.name.clone(),
                            line,
                            at,
                            check: "feasible".into(),
                            limit: "true".into(),
                            value: format!("false ({e})"),
                            pass: false,
                        });
                        continue;
                    }
                }
            }
            (Some(users), None) => (
                std::borrow::Cow::Borrowed(&file.scenario),
                users,
                format!("users={}", trim_float(users, 0)),
            ),
            (None, None) => continue,
        };
        let mut push = |check: &str, limit: String, value: String, pass: bool| {
            out.push(AssertionResult {
                file: file.name.clone(),
                line,
                at: at.clone(),
                check: check.to_string(),
                limit,
                value,
                pass,
            })
        };
        let report = recommend(&scenario, catalog, load, RecommendOptions::default());
        let expect_feasible = a.feasible.unwrap_or(true);
        let report = match report {
            Err(e) => {
                push(
                    "feasible",
                    expect_feasible.to_string(),
                    format!("false ({e})"),
                    !expect_feasible,
                );
                continue;
            }
            Ok(report) => {
                if a.feasible.is_some() || !expect_feasible {
                    push("feasible", expect_feasible.to_string(), "true".into(), expect_feasible);
                }
                report
            }
        };
        check_limits(a, &report, &mut push);
        if a.max_monthly_usd_p95.is_some() || a.min_slo_probability.is_some() {
            let (inputs, _) =
                crate::scenario::uncertain::sampled_inputs(&file.uncertain, a.rpm.is_some());
            let analysis = crate::uncertainty::analyse(
                &scenario,
                catalog,
                &inputs,
                report.users,
                crate::uncertainty::UncertaintyOptions { capacity: false, ..Default::default() },
            );
            check_percentiles(a, analysis, &mut push);
        }
        reports.push(report);
    }
    reports
}

fn check_limits(
    a: &Assertion,
    report: &crate::report::recommend::RecommendReport,
    push: &mut impl FnMut(&str, String, String, bool),
) {
    check_budgets(a, report, push);
    if let Some(expected) = a.current_holds {
        let (value, pass) = match &report.current {
            None => ("no current: mix in the scenario".to_string(), false),
            Some(c) => (
                match &c.failing {
                    None => "true".to_string(),
                    Some(f) => format!("false ({f})"),
                },
                c.holds == expected,
            ),
        };
        push("current_holds", expected.to_string(), value, pass);
    }
    if a.published_limits_only == Some(true) {
        let estimated: Vec<String> = report
            .components
            .iter()
            .flat_map(|c| {
                c.limits
                    .iter()
                    .filter(|l| l.basis == crate::catalog::LimitBasis::Estimated)
                    .map(move |l| format!("{} {} ≈ {}", c.name, l.what, trim_float(l.limit, 0)))
            })
            .collect();
        push(
            "published_limits_only",
            "no estimated limit".into(),
            if estimated.is_empty() {
                "none estimated".into()
            } else {
                format!("estimated: {}", estimated.join(", "))
            },
            estimated.is_empty(),
        );
    }
    if let Some(stage) = &a.stage {
        let actual = report.stage.as_ref().map_or("—".to_string(), |s| s.name.clone());
        push("stage", stage.clone(), actual.clone(), &actual == stage);
    }
    if let Some(max) = a.max_p95_ms {
        let candidates: Vec<(String, f64)> = report
            .components
            .iter()
            .filter(|c| a.component.as_ref().is_none_or(|name| &c.name == name))
            .filter_map(|c| Some((c.name.clone(), c.p95_ms?)))
            .collect();
        let worst = candidates.iter().cloned().fold(None::<(String, f64)>, |acc, c| match acc {
            Some(a) if a.1 >= c.1 => Some(a),
            _ => Some(c),
        });
        match worst {
            Some((name, p95)) => push(
                "max_p95_ms",
                format!("{} ms", trim_float(max, 1)),
                format!("{} ms ({name})", trim_float(p95, 1)),
                p95 <= max,
            ),
            None => push(
                "max_p95_ms",
                format!("{} ms", trim_float(max, 1)),
                "no p95 (no web or worker component)".into(),
                false,
            ),
        }
    }
}

/// The budgets: the recommended plan's total and per-user cost, or the
/// current mix's where the assertion targets it (a mix that does not hold
/// fails the budget whatever it costs).
fn check_budgets(
    a: &Assertion,
    report: &crate::report::recommend::RecommendReport,
    push: &mut impl FnMut(&str, String, String, bool),
) {
    let excluded = if report.unpriced.is_empty() {
        String::new()
    } else {
        format!(" (excludes unpriced: {})", report.unpriced.join(", "))
    };
    let on_current = a.target == Some(crate::scenario::AssertionTarget::Current);
    if on_current && (a.max_monthly_usd.is_some() || a.max_usd_per_user.is_some()) {
        // The current mix's bill; a mix that does not hold fails the
        // budget whatever it costs (its usage at that load means nothing).
        let (value, pass) = match &report.current {
            None => ("no current: mix in the scenario".to_string(), false),
            Some(c) if !c.holds => (
                format!(
                    "${:.2} ({}); the current mix does not hold: {}",
                    c.monthly_usd,
                    c.cost_basis,
                    c.failing.as_deref().unwrap_or("?")
                ),
                false,
            ),
            Some(c) => (format!("${:.2} (current mix)", c.monthly_usd), true),
        };
        let current_usd = report.current.as_ref().map_or(f64::NAN, |c| c.monthly_usd);
        if let Some(max) = a.max_monthly_usd {
            push(
                "max_monthly_usd",
                format!("${max:.2} (current mix)"),
                value.clone(),
                pass && current_usd <= max + 1e-9,
            );
        }
        if let Some(max) = a.max_usd_per_user {
            let per_user = current_usd / report.users.max(1.0);
            push(
                "max_usd_per_user",
                format!("${max:.4} (current mix)"),
                format!("${per_user:.4} (current mix)"),
                pass && per_user <= max + 1e-12,
            );
        }
    }
    if let (Some(max), false) = (a.max_monthly_usd, on_current) {
        push(
            "max_monthly_usd",
            format!("${max:.2}"),
            format!("${:.2}{excluded}", report.monthly_usd),
            report.monthly_usd <= max + 1e-9,
        );
    }
    if let (Some(max), false) = (a.max_usd_per_user, on_current) {
        push(
            "max_usd_per_user",
            format!("${max:.4}"),
            format!("${:.4}{excluded}", report.usd_per_user),
            report.usd_per_user <= max + 1e-12,
        );
    }
}

/// Limits on percentiles over the sampled worlds (the least-regret mix).
fn check_percentiles(
    a: &Assertion,
    analysis: Result<crate::uncertainty::UncertaintyReport, String>,
    push: &mut impl FnMut(&str, String, String, bool),
) {
    let limits = [
        ("max_monthly_usd_p95", a.max_monthly_usd_p95.map(|m| format!("${m:.2}"))),
        ("min_slo_probability", a.min_slo_probability.map(|p| trim_float(p, 4))),
    ];
    let u = match analysis {
        Ok(u) => u,
        Err(e) => {
            for (check, limit) in limits {
                if let Some(limit) = limit {
                    push(check, limit, format!("no value ({e})"), false);
                }
            }
            return;
        }
    };
    let worlds = format!("{} worlds, seed {}", u.samples, u.seed);
    if let (Some(max), (check, Some(limit))) = (a.max_monthly_usd_p95, &limits[0]) {
        let p95 = u.least_regret.monthly_usd.map(|p| p.p95);
        push(
            check,
            limit.clone(),
            p95.map_or(format!("no world holds ({worlds})"), |v| {
                format!("${v:.2} ({}; {worlds})", u.least_regret.description)
            }),
            p95.is_some_and(|v| v <= max + 1e-9),
        );
    }
    if let (Some(min), (check, Some(limit))) = (a.min_slo_probability, &limits[1]) {
        let p = u.least_regret.slo_probability;
        push(
            check,
            limit.clone(),
            format!("{} ({}; {worlds})", trim_float(p, 4), u.least_regret.description),
            p + 1e-12 >= min,
        );
    }
}

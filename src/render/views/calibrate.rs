//! `capplan calibrate`: each fitted field with its range, samples and
//! method; the load levels seen; what could not be fitted and why.

use super::{num, opt};
use crate::render::{Document, Section};
use capplan::calibrate::{Calibration, Estimate};

pub fn calibrate(c: &Calibration, component: &str) -> Document {
    let rows = fitted_rows(c);
    let fitted = Section {
        compact: None,
        heading: Some(format!("Fitted for {component}")),
        headers: vec![
            "field".into(),
            "value".into(),
            "range (95%)".into(),
            "samples".into(),
            "how".into(),
        ],
        rows,
    };
    let levels = levels_section(c);
    let mut notes: Vec<String> = c
        .sources
        .iter()
        .map(|s| {
            format!(
                "Read {} as {} ({} sample(s), {} row(s)).",
                s.file,
                s.format.name(),
                s.samples,
                s.rows
            )
        })
        .collect();
    if c.levels.len() > 30 {
        notes.push(format!("Showing 30 of {} rows.", c.levels.len()));
    }
    if let Some(cpu) = c.cpu_ms_from_scenario {
        notes.push(format!(
            "No CPU in the data: io_ms splits the latency with the scenario's cpu_ms ({cpu} ms)."
        ));
    }
    for w in &c.warnings {
        notes.push(format!("warning: {w}."));
    }
    for n in &c.not_fitted {
        notes.push(format!("Not fitted: {}: {}.", n.field, n.reason));
    }
    Document { title: Some("capplan calibrate".into()), sections: vec![fitted, levels], notes }
}

/// One row per fitted field: value, 95% range, samples and method.
fn fitted_rows(c: &Calibration) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut add = |field: &str, unit: &str, e: &Option<Estimate>| {
        if let Some(e) = e {
            let range = match (e.low, e.high) {
                (Some(lo), Some(hi)) => format!("{} – {}", num(Some(lo), 3), num(Some(hi), 3)),
                _ => "—".into(),
            };
            rows.push(vec![
                field.to_string(),
                opt(Some(e.value), unit),
                range,
                e.samples.to_string(),
                e.method.clone(),
            ]);
        }
    };
    add("cpu_ms", "ms", &c.cpu_ms);
    add("holding time", "ms", &c.holding_ms);
    add("io_ms", "ms", &c.io_ms);
    add("cv", "", &c.cv);
    add("requests_per_online_user_per_min", "", &c.requests_per_online_user_per_min);
    if let Some(s) = &c.slots {
        rows.push(vec![
            "saturation".into(),
            format!("{} req/s", num(Some(s.saturation_rps), 1)),
            "—".into(),
            s.plateau_levels.to_string(),
            format!(
                "plateau of the ramp ({}): {} requests in service per instance (throughput × holding time) over {} instance(s){}",
                s.shown_by,
                num(Some(s.per_instance), 2),
                num(Some(s.instances), 0),
                s.cpu_cores_at_peak.map_or(String::new(), |c| format!(
                    ", {} CPU cores busy per instance",
                    num(Some(c), 2)
                ))
            ),
        ]);
    }
    if let Some(m) = &c.model {
        rows.push(vec![
            "concurrency".into(),
            format!(
                "{:?}{}",
                m.concurrency,
                m.workers.map_or(String::new(), |w| format!(", {w} worker(s)"))
            )
            .to_lowercase(),
            "—".into(),
            "—".into(),
            m.reason.clone(),
        ]);
    }
    if let Some(s) = &c.scheduling {
        rows.push(vec![
            "scheduling".into(),
            format!("{:?}", s.scheduling).to_lowercase(),
            "—".into(),
            s.levels.to_string(),
            s.reason.clone(),
        ]);
    }
    if let Some(u) = &c.usl {
        rows.push(vec![
            "usl".into(),
            format!("σ {}, κ {}", num(Some(u.sigma), 4), num(Some(u.kappa), 5)),
            "—".into(),
            u.levels.to_string(),
            format!(
                "over {} levels of {}, R² {:.3}; {}{}",
                u.levels,
                u.over,
                u.r2,
                match (u.peak_rps, u.peak_n) {
                    (Some(rps), Some(n)) =>
                        format!("peak {} req/s at N* = {}", num(Some(rps), 1), num(Some(n), 1)),
                    _ => "no peak: κ = 0, so the fitted throughput levels off without falling"
                        .to_string(),
                },
                if u.across.is_none() { " (the test's clients: not applied)" } else { "" }
            ),
        ]);
    }
    if let Some(p) = &c.load_profile {
        rows.push(vec![
            "load_profile".into(),
            format!("peak/avg {}", num(Some(p.peak_to_average), 2)),
            "—".into(),
            p.samples.to_string(),
            format!("hourly means over {:.1} day(s), UTC hours", p.days),
        ]);
    }
    rows
}

/// The load levels the fit used (the first 30).
fn levels_section(c: &Calibration) -> Section {
    Section {
        compact: None,
        heading: Some("Load levels and samples used".into()),
        headers: vec![
            "clients".into(),
            "instances".into(),
            "req/s".into(),
            "mean ms".into(),
            "p95 ms".into(),
            "CPU cores".into(),
            "CPU ms/req".into(),
        ],
        rows: c
            .levels
            .iter()
            .take(30)
            .map(|l| {
                vec![
                    num(l.concurrency, 0),
                    num(l.instances, 0),
                    num(l.requests_per_s, 2),
                    num(l.mean_ms, 1),
                    num(l.p95_ms, 1),
                    format!(
                        "{}{}",
                        num(l.cpu_cores, 3),
                        if l.cpu_saturated { " (saturated)" } else { "" }
                    ),
                    num(l.cpu_ms_per_request, 2),
                ]
            })
            .collect(),
    }
}

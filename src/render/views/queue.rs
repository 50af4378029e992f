//! `capplan queue`: the station, the results and the SLO checks.

use super::{ms, num};
use crate::render::{Document, Section};
use capplan::input::units::trim_float;
use capplan::report::queue::QueueReport;

/// `capplan queue`: one row per metric for one problem.
pub fn queue(report: &QueueReport) -> Document {
    let mut rows = vec![
        vec!["servers".into(), report.servers.to_string()],
        vec!["arrival rate".into(), format!("{} /s", trim_float(report.arrival_rate_per_s, 6))],
        vec!["service time".into(), format!("{} ms", trim_float(report.service_time_ms, 6))],
        vec!["service cv".into(), trim_float(report.cv, 4)],
        vec![
            "offered load".into(),
            format!("{} Erlangs", trim_float(report.offered_load_erlangs, 4)),
        ],
        vec!["stable".into(), if report.stable { "yes" } else { "no" }.into()],
    ];
    if report.stable {
        rows.extend([
            vec![
                "utilization".into(),
                report.utilization.map_or("—".into(), |u| format!("{:.2} %", u * 100.0)),
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
    rows.push(vec!["min stable servers".into(), report.min_stable_servers.to_string()]);
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
            compact: None,
            heading: None,
            headers: vec!["metric".into(), "value".into()],
            rows,
        }],
        notes,
    }
}

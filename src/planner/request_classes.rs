//! Request classes in a plan: each class's latency against its own target
//! (the row reports show under the component), and the serverless side of
//! a class mixture (each class's own duration billed, its latency checked).

use super::Binding;
use crate::demand::Demand;
use crate::input::units::trim_float;
use crate::queueing::{ServiceTime, solve_decreasing};
use crate::scenario::{Component, RequestClass};
use serde::Serialize;

/// One request class of a web component at the planned size.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RequestClassRow {
    /// The class's name in the component's `requests`.
    pub name: String,
    /// Its requests per second at the sizing peak.
    pub peak_rps: f64,
    /// Its requests per month.
    pub requests_per_month: f64,
    /// Its 95th percentile response incl. I/O, ms; null when the queue is unstable.
    pub p95_ms: Option<f64>,
    /// Its response at `latency_percentile`, ms: the figure its target is checked against.
    pub latency_ms: Option<f64>,
    /// The percentile of its target (its `slo.percentile`, else the component's, else 95).
    pub latency_percentile: f64,
    /// Its response target at that percentile, ms.
    pub target_ms: f64,
    /// Whether `latency_ms` is within `target_ms`.
    pub holds: bool,
    /// Whether this class's target set the component's size (binding `p95 (name)`).
    pub binds: bool,
}

/// A class's percentile and response target, seconds: its own, else the
/// component's, else the defaults.
pub(crate) fn class_target(component: &Component, class: &RequestClass) -> (f64, f64) {
    let percentile = class
        .slo
        .percentile
        .or(component.slo.percentile)
        .unwrap_or(super::defaults::DEFAULT_PERCENTILE);
    let response_ms = class
        .slo
        .response_ms
        .or(component.slo.response_ms)
        .unwrap_or(super::defaults::DEFAULT_RESPONSE_MS);
    (percentile, response_ms / 1000.0)
}

/// The binding's name with the class whose target set the size: `p95 (chat)`.
pub fn binding_label(
    binding: Binding,
    percentile: Option<f64>,
    classes: &[RequestClassRow],
) -> String {
    match classes.iter().find(|c| c.binds) {
        Some(class) if binding == Binding::P95 => {
            format!("{} ({})", super::percentile_name(class.latency_percentile), class.name)
        }
        _ => binding.label(percentile),
    }
}

/// A serverless function serving a class mixture: one execution per
/// request, each class billed for its own duration (CPU + I/O: a streamed
/// reply holds the function while it streams).
pub(crate) struct ServerlessClasses {
    pub rows: Vec<RequestClassRow>,
    /// Requests per month, all classes.
    pub requests_per_month: f64,
    /// Request-seconds per month: Σ requests × duration.
    pub duration_s_per_month: f64,
    /// Concurrent executions at the peak: Σ rate × duration.
    pub concurrency: f64,
    /// The largest memory one execution holds beyond its process, MB.
    pub memory_mb: f64,
    /// The mixture's response at `percentile` and at the 95th, seconds.
    pub latency_s: f64,
    pub p95_s: f64,
    /// The largest latency ÷ target of any class.
    pub latency_ratio: f64,
}

/// Each class's latency without queueing, against its target; `Err` names
/// the first class that misses it.
pub(crate) fn serverless_classes(
    component: &Component,
    demand: &Demand,
    percentile: f64,
) -> Result<ServerlessClasses, String> {
    let mut out = ServerlessClasses {
        rows: Vec::new(),
        requests_per_month: 0.0,
        duration_s_per_month: 0.0,
        concurrency: 0.0,
        memory_mb: 0.0,
        latency_s: 0.0,
        p95_s: 0.0,
        latency_ratio: 0.0,
    };
    let mut parts = Vec::new();
    for (class, rate) in component.requests.iter().zip(demand.classes_of(&component.name)) {
        let cpu_s = class.cpu_ms.unwrap_or(0.0) / 1000.0;
        let io_s = class.io_ms.unwrap_or(0.0) / 1000.0;
        let service = ServiceTime::new(cpu_s, class.cv.unwrap_or(1.0));
        let (p, target_s) = class_target(component, class);
        let latency = service.percentile(p / 100.0) + io_s;
        if latency > target_s {
            return Err(format!(
                "{} response of class '{}' {} ms exceeds its target {} ms",
                super::percentile_name(p),
                class.name,
                trim_float(latency * 1e3, 1),
                trim_float(target_s * 1e3, 1)
            ));
        }
        out.requests_per_month += rate.per_month;
        out.duration_s_per_month += rate.per_month * (cpu_s + io_s);
        out.concurrency += rate.peak_rps * (cpu_s + io_s);
        out.memory_mb = out
            .memory_mb
            .max(class.memory_mb_while_running.or(component.memory_mb_per_request).unwrap_or(0.0));
        out.latency_ratio = out.latency_ratio.max(latency / target_s);
        out.rows.push(RequestClassRow {
            name: class.name.clone(),
            peak_rps: rate.peak_rps,
            requests_per_month: rate.per_month,
            p95_ms: Some((service.percentile(0.95) + io_s) * 1e3),
            latency_ms: Some(latency * 1e3),
            latency_percentile: p,
            target_ms: target_s * 1e3,
            holds: true,
            binds: false,
        });
        parts.push((rate.peak_rps, service, io_s));
    }
    let total: f64 = parts.iter().map(|p| p.0).sum();
    // The mixture's tail: each class's by its share of the requests.
    let tail = |t: f64| -> f64 {
        parts
            .iter()
            .map(|(r, s, io)| {
                let w = if total > 0.0 { r / total } else { 1.0 / parts.len() as f64 };
                w * s.survival(t - io)
            })
            .sum()
    };
    let hint = out.duration_s_per_month / out.requests_per_month.max(f64::MIN_POSITIVE);
    let quantile = |p: f64| solve_decreasing(|t| tail(t) - (1.0 - p), hint.max(1e-6));
    out.latency_s = quantile(percentile / 100.0);
    out.p95_s = quantile(0.95);
    Ok(out)
}

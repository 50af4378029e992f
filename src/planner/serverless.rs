//! Serverless web components (AWS Lambda): no queue, one execution per
//! request, priced by requests and GB-seconds after the free tier.

use super::Binding;
use super::compute::Rejection;
use super::defaults::{DEFAULT_MAX_MEMORY_UTILIZATION, DEFAULT_PERCENTILE, DEFAULT_RESPONSE_MS};
use crate::catalog::{Catalog, TierRef};
use crate::demand::Demand;
use crate::input::units::trim_float;
use crate::queueing::ServiceTime;
use crate::scenario::Component;

/// A serverless tier (a memory setting) at one load.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ServerlessCost {
    /// Concurrent executions at the peak (Little's law), at least 1.
    pub concurrency: u32,
    /// Response at the SLO's percentile: the service-time percentile
    /// plus I/O (no queueing).
    pub latency_s: f64,
    /// The same at the 95th percentile.
    pub p95_s: f64,
    /// The percentile the SLO names, in percent.
    pub percentile: f64,
    /// Requests plus duration, after the free tier; `None` when unpriced.
    pub monthly_usd: Option<f64>,
    pub memory_mb: f64,
    /// Billed duration of one request, seconds.
    pub duration_s: f64,
    pub binding: Binding,
    /// Request classes: each one's latency, its target and its share of the bill.
    pub classes: Vec<super::request_classes::RequestClassRow>,
}

/// Prices and checks a serverless tier for a web component.
pub(crate) fn serverless_cost(
    component: &Component,
    tier: TierRef<'_>,
    demand: &Demand,
    catalog: &Catalog,
) -> Result<ServerlessCost, Rejection> {
    let reject = |binding, reason: String| Rejection { tier: tier.reference(), binding, reason };
    let memory_mb = tier.tier.capacity.memory_mb.ok_or_else(|| {
        reject(Binding::Memory, "the catalog gives no memory size for this setting".into())
    })?;
    let max_memory =
        memory_mb * component.slo.max_memory_utilization.unwrap_or(DEFAULT_MAX_MEMORY_UTILIZATION);
    // One execution serves one request: a process plus one request's memory.
    let percentile = component.slo.percentile.unwrap_or(DEFAULT_PERCENTILE);
    let classes = if component.requests.is_empty() {
        None
    } else {
        Some(
            super::request_classes::serverless_classes(component, demand, percentile)
                .map_err(|reason| reject(Binding::P95, reason))?,
        )
    };
    let per_request = match &classes {
        Some(c) => c.memory_mb,
        None => component.memory_mb_per_request.unwrap_or(0.0),
    };
    let needed = component.memory_mb_per_worker.unwrap_or(0.0) + per_request;
    if !crate::input::units::fits(needed, max_memory) {
        return Err(reject(
            Binding::Memory,
            format!(
                "one execution needs {} MB, the setting allows {} MB",
                trim_float(needed, 1),
                trim_float(max_memory, 1)
            ),
        ));
    }
    if let Some(classes) = classes {
        return Ok(class_mixture_cost(
            classes,
            tier,
            catalog,
            memory_mb,
            needed / max_memory,
            percentile,
        ));
    }
    let cpu_s = component.cpu_ms.unwrap_or(0.0) / 1000.0;
    let io_s = component.io_ms.unwrap_or(0.0) / 1000.0;
    let service = ServiceTime::new(cpu_s, component.cv.unwrap_or(1.0));
    let latency_s = service.percentile(percentile / 100.0) + io_s;
    let target = component.slo.response_ms.unwrap_or(DEFAULT_RESPONSE_MS) / 1000.0;
    if latency_s > target {
        return Err(reject(
            Binding::P95,
            format!(
                "{} response {} ms exceeds the target {} ms",
                super::percentile_name(percentile),
                trim_float(latency_s * 1e3, 1),
                trim_float(target * 1e3, 1)
            ),
        ));
    }
    let duration_s = cpu_s + io_s;
    let monthly_usd = monthly_cost(
        tier,
        catalog,
        demand.requests_per_month,
        demand.requests_per_month * duration_s * memory_mb / 1024.0,
    );
    Ok(ServerlessCost {
        concurrency: ((demand.peak_rps * duration_s).ceil() as u32).max(1),
        latency_s,
        p95_s: service.percentile(0.95) + io_s,
        percentile,
        monthly_usd,
        memory_mb,
        duration_s,
        binding: if needed > 0.0 && needed / max_memory > latency_s / target {
            Binding::Memory
        } else {
            Binding::P95
        },
        classes: Vec::new(),
    })
}

/// Requests and GB-seconds at the tier's serverless prices; `None` when unpriced.
fn monthly_cost(
    tier: TierRef<'_>,
    catalog: &Catalog,
    requests: f64,
    gb_seconds: f64,
) -> Option<f64> {
    let pricing = tier.offering.serverless.as_ref()?;
    let provider = &tier.provider.provider;
    let (_, request_price) = catalog.usage(&format!("{provider}/{}", pricing.requests))?;
    let (_, duration) = catalog.usage(&format!("{provider}/{}", pricing.duration))?;
    Some(request_price.cost(requests / 1e6)? + duration.cost(gb_seconds)?)
}

/// A class mixture on a serverless setting: every class's requests, each
/// billed for its own duration at the setting's memory (what the function
/// is configured with, whatever a request holds of it).
fn class_mixture_cost(
    mut classes: super::request_classes::ServerlessClasses,
    tier: TierRef<'_>,
    catalog: &Catalog,
    memory_mb: f64,
    memory_ratio: f64,
    percentile: f64,
) -> ServerlessCost {
    let gb_seconds = classes.duration_s_per_month * memory_mb / 1024.0;
    let binding = if memory_ratio > 0.0 && memory_ratio > classes.latency_ratio {
        Binding::Memory
    } else {
        Binding::P95
    };
    if binding == Binding::P95 {
        let ratio =
            |r: &super::request_classes::RequestClassRow| r.latency_ms.unwrap_or(0.0) / r.target_ms;
        let worst = classes.rows.iter().map(ratio).fold(0.0, f64::max);
        if let Some(row) = classes.rows.iter_mut().find(|r| ratio(r) >= worst) {
            row.binds = true;
        }
    }
    ServerlessCost {
        concurrency: (classes.concurrency.ceil() as u32).max(1),
        latency_s: classes.latency_s,
        p95_s: classes.p95_s,
        percentile,
        monthly_usd: monthly_cost(tier, catalog, classes.requests_per_month, gb_seconds),
        memory_mb,
        duration_s: classes.duration_s_per_month
            / classes.requests_per_month.max(f64::MIN_POSITIVE),
        binding,
        classes: classes.rows,
    }
}

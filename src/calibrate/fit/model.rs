//! Whether workers or CPU bound a plateau: the concurrency model the
//! measurements imply.

use super::*;

/// Blocking workers when the plateau comes with idle CPU; async when CPU
/// is what saturates.
pub(super) fn infer_model(
    per_instance: f64,
    cpu_at_peak: Option<f64>,
    setup: &Setup,
) -> Option<Model> {
    let rounded = per_instance.round().max(1.0) as u32;
    if let Some(workers) = setup.workers {
        let threads = (per_instance / workers as f64).round().max(1.0) as u32;
        return Some(Model {
            concurrency: Concurrency::Blocking,
            workers: Some(workers),
            threads: Some(threads),
            reason: format!(
                "{per_instance:.2} requests in service per instance at the plateau over the {workers} worker(s) given: {threads} thread(s) each"
            ),
        });
    }
    let (busy, vcpus) = (cpu_at_peak?, setup.vcpus?);
    let share = busy / vcpus;
    if share < 0.6 {
        Some(Model {
            concurrency: Concurrency::Blocking,
            workers: Some(rounded),
            threads: None,
            reason: format!(
                "throughput levels off with CPU at {:.0}% of {vcpus} vCPU(s): requests wait for one of {per_instance:.2} ≈ {rounded} worker(s), not for CPU",
                share * 100.0
            ),
        })
    } else if share > 0.85 {
        Some(Model {
            concurrency: Concurrency::Async,
            workers: None,
            threads: None,
            reason: format!(
                "throughput levels off with CPU at {:.0}% of {vcpus} vCPU(s): CPU is what saturates",
                share * 100.0
            ),
        })
    } else if per_instance + 0.5 < vcpus {
        // Fewer requests in service than vCPUs: CPU cannot be what caps it.
        Some(Model {
            concurrency: Concurrency::Blocking,
            workers: Some(rounded),
            threads: None,
            reason: format!(
                "throughput levels off with {per_instance:.2} requests in service, fewer than the {vcpus} vCPU(s), and CPU at {:.0}%: requests wait for one of {rounded} worker(s)",
                share * 100.0
            ),
        })
    } else {
        None
    }
}

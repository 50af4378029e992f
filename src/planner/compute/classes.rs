//! A web component's request classes as one queue: the mixture's rate,
//! rate-weighted mean and SCV (as a worker's job classes), and each
//! class's response against its own target. FCFS: the wait is the
//! mixture's, common to every class, and the class's own time in a slot
//! follows it; PS: the class's sizes through the mixture's slowdown.

use super::{Check, ComputeModel, InstanceQueue, Rejection, fits};
use crate::demand::Demand;
use crate::input::units::trim_float;
use crate::planner::request_classes::{RequestClassRow, class_target};
use crate::planner::{Binding, percentile_name};
use crate::queueing::{PsService, ServiceTime, solve_decreasing};

/// One request class of the component on one tier.
#[derive(Debug, Clone)]
pub(crate) struct ClassModel {
    pub name: String,
    /// Requests per second at the peak.
    pub rate: f64,
    /// Requests per month.
    pub per_month: f64,
    /// Time alone in a slot: CPU at one vCPU's speed (or the fraction a
    /// tier sells) plus I/O that holds the worker, seconds.
    pub service_s: f64,
    pub cv: f64,
    /// I/O after the slot is freed (async servers), seconds.
    pub io_after_s: f64,
    /// The percentile of its target, percent, and the target, seconds.
    pub percentile: f64,
    pub target_s: f64,
    /// Its own sizes as processor-sharing nodes (`scheduling: ps`).
    pub ps: Option<PsService>,
}

/// What the mixture's queue is built from.
pub(super) struct Mixture {
    pub rate: f64,
    pub cpu_s: f64,
    pub io_s: f64,
    pub cv: f64,
    /// Memory a request in flight holds, weighted by rate × time in flight.
    pub memory_per_request_mb: f64,
}

impl ComputeModel<'_> {
    /// The component's classes on this tier and their mixture; a class
    /// whose I/O alone uses its target rejects the tier.
    pub(super) fn class_mixture(
        &self,
        demand: &Demand,
        ps: bool,
    ) -> Result<(Vec<ClassModel>, Mixture), Rejection> {
        let c = self.component;
        let speed = self.vcpu.min(1.0);
        let mut classes = Vec::with_capacity(c.requests.len());
        let (mut rate, mut cpu, mut io, mut first, mut second) = (0.0, 0.0, 0.0, 0.0, 0.0);
        let (mut held_time, mut held_memory) = (0.0, 0.0);
        for (class, r) in c.requests.iter().zip(demand.classes_of(&c.name)) {
            let cpu_s = class.cpu_ms.unwrap_or(0.0) / 1000.0;
            let io_s = class.io_ms.unwrap_or(0.0) / 1000.0;
            let held_io_s = if self.blocking { io_s } else { 0.0 };
            let cv = class.cv.unwrap_or(1.0);
            let service_s = cpu_s / speed + held_io_s;
            let io_after_s = io_s - held_io_s;
            let (percentile, target_s) = class_target(c, class);
            if io_after_s >= target_s {
                return Err(self.reject(
                    Binding::P95,
                    format!(
                        "io_ms of class '{}' alone ({} ms) uses its whole response target",
                        class.name,
                        trim_float(io_s * 1e3, 1)
                    ),
                ));
            }
            let lam = r.peak_rps;
            rate += lam;
            cpu += lam * cpu_s;
            io += lam * io_s;
            first += lam * service_s;
            second += lam * service_s * service_s * (1.0 + cv * cv);
            let memory = class.memory_mb_while_running.or(c.memory_mb_per_request).unwrap_or(0.0);
            held_time += lam * (service_s + io_after_s);
            held_memory += lam * (service_s + io_after_s) * memory;
            classes.push(ClassModel {
                name: class.name.clone(),
                rate: lam,
                per_month: r.per_month,
                service_s,
                cv,
                io_after_s,
                percentile,
                target_s,
                ps: ps.then(|| PsService::new(cv)),
            });
        }
        let per = |x: f64| if rate > 0.0 { x / rate } else { 0.0 };
        let mean = per(first);
        let scv = if mean > 0.0 { (per(second) / (mean * mean) - 1.0).max(0.0) } else { 1.0 };
        let mixture = Mixture {
            rate,
            cpu_s: per(cpu),
            io_s: per(io),
            cv: scv.sqrt().min(10.0),
            memory_per_request_mb: if held_time > 0.0 { held_memory / held_time } else { 0.0 },
        };
        Ok((classes, mixture))
    }

    /// The class's own time in a slot at this queue: its nominal time
    /// stretched as the mixture's is (shared CPU, contention).
    fn class_service(&self, q: &InstanceQueue, class: &ClassModel) -> ServiceTime {
        let nominal = self.station.map_or(0.0, |s| s.service_time);
        let scale = if nominal > 0.0 { q.queue.mean_in_slot() / nominal } else { 1.0 };
        ServiceTime::new(class.service_s * scale, class.cv)
    }

    /// P(response of `class` > t), I/O after the slot excluded.
    fn class_tail(&self, q: &InstanceQueue, class: &ClassModel, t: f64) -> f64 {
        let service = self.class_service(q, class);
        q.queue.class_response_tail(&service, class.ps.as_ref(), t / q.stretch)
    }

    /// The class's response at `p` (0–1), I/O included, seconds.
    fn class_percentile(&self, q: &InstanceQueue, class: &ClassModel, p: f64) -> f64 {
        let service = self.class_service(q, class);
        q.queue.class_response_percentile(&service, class.ps.as_ref(), p) * q.stretch
            + class.io_after_s
    }

    /// The first class whose target this queue misses.
    pub(super) fn failing_class(&self, q: &InstanceQueue) -> Option<usize> {
        self.classes.iter().position(|class| {
            let tail = self.class_tail(q, class, class.target_s - class.io_after_s);
            !fits(tail, 1.0 - class.percentile / 100.0)
        })
    }

    /// The whole mixture's response at `p` (0–1), I/O included: each
    /// class's tail weighted by its share of the requests.
    pub(super) fn mixture_percentile(&self, q: &InstanceQueue, p: f64) -> f64 {
        let total: f64 = self.classes.iter().map(|c| c.rate).sum();
        let n = self.classes.len() as f64;
        let services: Vec<ServiceTime> =
            self.classes.iter().map(|c| self.class_service(q, c)).collect();
        let tail = |t: f64| -> f64 {
            self.classes
                .iter()
                .zip(&services)
                .map(|(c, s)| {
                    let w = if total > 0.0 { c.rate / total } else { 1.0 / n };
                    let t = (t - c.io_after_s) / q.stretch;
                    w * q.queue.class_response_tail(s, c.ps.as_ref(), t)
                })
                .sum()
        };
        let hint = q.mean_response() + self.io_after_service();
        solve_decreasing(|t| tail(t) - (1.0 - p), hint.max(1e-9))
    }

    /// Each class at a count: its latency, its target and whether it
    /// holds; `binds` marks the class whose target one instance fewer
    /// misses when that set the size.
    pub(super) fn class_rows(
        &self,
        check: &Check,
        binding: Binding,
        count: u32,
    ) -> Vec<RequestClassRow> {
        let binding_class = if binding == Binding::P95 && count > 1 {
            self.check(count - 1).queue.as_ref().and_then(|q| self.failing_class(q))
        } else {
            None
        };
        self.classes
            .iter()
            .enumerate()
            .map(|(i, class)| {
                let at = |p: f64| check.queue.as_ref().map(|q| self.class_percentile(q, class, p));
                let latency = at(class.percentile / 100.0);
                RequestClassRow {
                    name: class.name.clone(),
                    peak_rps: class.rate,
                    requests_per_month: class.per_month,
                    p95_ms: at(0.95).map(|s| s * 1e3),
                    latency_ms: latency.map(|s| s * 1e3),
                    latency_percentile: class.percentile,
                    target_ms: class.target_s * 1e3,
                    holds: latency.is_some_and(|l| fits(l, class.target_s)),
                    binds: binding_class == Some(i),
                }
            })
            .collect()
    }

    /// What a class that misses its target falls short of.
    pub(super) fn class_shortfall(&self, check: &Check) -> Option<String> {
        let q = check.queue.as_ref()?;
        let class = &self.classes[self.failing_class(q)?];
        Some(format!(
            "{} of class '{}' {} misses its target {}",
            percentile_name(class.percentile),
            class.name,
            crate::input::units::format_duration(self.class_percentile(
                q,
                class,
                class.percentile / 100.0
            )),
            crate::input::units::format_duration(class.target_s)
        ))
    }
}

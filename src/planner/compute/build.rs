//! A compute component on one tier as a queueing model: the tier's vCPUs
//! and memory, the instance range, and the web or worker station with its
//! target.

use super::*;
use crate::queueing::DEFAULT_PERIOD_S;

impl<'a> ComputeModel<'a> {
    /// The component on `tier` at `demand`; a tier it cannot run on (no
    /// published vCPUs or memory, a minimum above the tier's limit, workers
    /// that do not fit the memory, I/O alone over the target) is rejected.
    pub(crate) fn new(
        component: &'a Component,
        tier: TierRef<'a>,
        demand: &Demand,
    ) -> Result<Self, Rejection> {
        let reject =
            |binding, reason: String| Rejection { tier: tier.reference(), binding, reason };
        let cap = &tier.tier.capacity;
        let vcpu = cap.vcpu.ok_or_else(|| {
            reject(Binding::Utilization, "the catalog publishes no vCPU count for this tier".into())
        })?;
        let memory_mb = cap.memory_mb.ok_or_else(|| {
            reject(Binding::Memory, "the catalog publishes no memory size for this tier".into())
        })?;
        let slo = &component.slo;
        let percentile = slo.percentile.unwrap_or(DEFAULT_PERCENTILE);
        // An autoscaler holds CPU at its target: that is the cap it sizes to.
        let max_utilization = match component.autoscale {
            Some(a) => a.target_utilization.min(slo.max_utilization.unwrap_or(1.0)),
            None => slo.max_utilization.unwrap_or(DEFAULT_MAX_UTILIZATION),
        };
        let max_memory =
            memory_mb * slo.max_memory_utilization.unwrap_or(DEFAULT_MAX_MEMORY_UTILIZATION);
        let min = match component.autoscale {
            Some(a) => Some(a.min),
            None => component.min_instances,
        };
        let hi = instance_limit(component, &tier);
        let floor = component.availability_floor();
        let lo = min.unwrap_or(1).max(floor);
        let lo_binding = if floor > min.unwrap_or(1) {
            Binding::HighAvailability
        } else {
            Binding::MinInstances
        };
        if lo > hi {
            return Err(reject(
                lo_binding,
                if lo_binding == Binding::HighAvailability {
                    format!("high availability needs {lo} instances; the tier allows at most {hi}")
                } else {
                    format!("the minimum of {lo} instances is above the tier's limit of {hi}")
                },
            ));
        }
        let mut model = ComputeModel {
            component,
            tier,
            vcpu,
            memory_mb,
            per_instance: 1,
            processes: 1,
            blocking: false,
            usl: None,
            station: None,
            shared: None,
            ps: None,
            slos: Vec::new(),
            percentile,
            cpu_load: 0.0,
            runs: Vec::new(),
            max_utilization,
            max_memory,
            io_s: 0.0,
            classes: Vec::new(),
            memory_per_request_mb: 0.0,
            lo,
            lo_binding,
            hi,
        };
        match component.role {
            ComponentRole::Web => model.model_web(demand, percentile)?,
            ComponentRole::Worker => model.model_worker(demand, percentile)?,
            _ => {
                return Err(reject(
                    Binding::Utilization,
                    "only web and worker components run on compute tiers".into(),
                ));
            }
        }
        Ok(model)
    }

    /// A rejection of this tier.
    pub(super) fn reject(&self, binding: Binding, reason: String) -> Rejection {
        Rejection { tier: self.tier.reference(), binding, reason }
    }

    /// A web component: workers and threads per instance, CPU shared by
    /// the workers, held or released I/O, the memory of its workers and the
    /// response-time target.
    fn model_web(&mut self, demand: &Demand, percentile: f64) -> Result<(), Rejection> {
        let component = self.component;
        let slo = &component.slo;
        let workers = component.workers_per_instance.unwrap_or((self.vcpu.floor() as u32).max(1));
        self.blocking = component.concurrency == Some(Concurrency::Blocking);
        // A blocking worker is held for the request's CPU and its
        // I/O; an async one only for its CPU.
        let threads = if self.blocking { component.threads_per_worker.unwrap_or(1) } else { 1 };
        self.processes = workers;
        self.per_instance = workers.saturating_mul(threads);
        let ps = component.scheduling == Some(Scheduling::Ps);
        // Request classes: the queue serves their mixture (rate-weighted
        // means, the mixture's SCV); one class from the component's fields.
        let (rate, cpu_s, io_s, cv) = if component.requests.is_empty() {
            self.memory_per_request_mb = component.memory_mb_per_request.unwrap_or(0.0);
            let cpu_s = component.cpu_ms.unwrap_or(0.0) / 1000.0;
            (
                demand.peak_rps,
                cpu_s,
                component.io_ms.unwrap_or(0.0) / 1000.0,
                component.cv.unwrap_or(1.0),
            )
        } else {
            let (classes, mix) = self.class_mixture(demand, ps)?;
            self.classes = classes;
            self.memory_per_request_mb = mix.memory_per_request_mb;
            (mix.rate, mix.cpu_s, mix.io_s, mix.cv)
        };
        self.io_s = io_s;
        let held_io_s = if self.blocking { self.io_s } else { 0.0 };
        // A request alone on the instance runs at full speed (a
        // fractional vCPU caps it); more slots than vCPUs slow it
        // only while the CPU is shared.
        let service_s = cpu_s / self.vcpu.min(1.0) + held_io_s;
        if cpu_s + held_io_s > 0.0 {
            // A fractional vCPU is sold as a CFS quota; no catalog gives
            // its period, so Linux's default (docs/scenarios.md).
            let shared = SharedCpu::new(self.per_instance, self.vcpu, cpu_s, held_io_s, cv)
                .and_then(|s| s.with_quota(DEFAULT_PERIOD_S))
                .map_err(|e| self.reject(Binding::P95, e.to_string()))?;
            self.shared = (!shared.is_linear()).then_some(shared);
        }
        // Processor sharing where requests run at a fixed speed; with more
        // slots than vCPUs the flow-equivalent server already shares the
        // CPU among the requests holding a slot (docs/scenarios.md).
        if ps && self.shared.is_none() {
            self.ps = Some(PsService::new(cv));
        }
        self.usl = component.usl;
        let target =
            slo.response_ms.unwrap_or(DEFAULT_RESPONSE_MS) / 1000.0 - self.io_after_service();
        if self.classes.is_empty() && target <= 0.0 {
            return Err(self.reject(
                Binding::P95,
                format!(
                    "io_ms alone ({} ms) uses the whole response target",
                    trim_float(self.io_s * 1e3, 1)
                ),
            ));
        }
        let base = workers as f64 * component.memory_mb_per_worker.unwrap_or(0.0);
        if !fits(base, self.max_memory) {
            return Err(self.reject(
                Binding::Memory,
                format!(
                    "memory {} MB ({workers} worker(s) × {} MB) > {:.0}% of {} MB",
                    trim_float(base, 1),
                    trim_float(component.memory_mb_per_worker.unwrap_or(0.0), 1),
                    self.max_memory / self.memory_mb * 100.0,
                    trim_float(self.memory_mb, 0)
                ),
            ));
        }
        if rate > 0.0 {
            let station = Station::new(rate, service_s, cv)
                .map_err(|e| self.reject(Binding::P95, e.to_string()))?;
            self.station = Some(station);
            // With classes each class's own target is checked instead.
            if self.classes.is_empty() {
                self.slos = vec![Slo::Percentile {
                    metric: TimeMetric::Response,
                    percentile,
                    limit: target,
                }];
            }
        }
        // The single-class product as it always was (same rounding).
        self.cpu_load = if self.classes.is_empty() {
            demand.peak_rps * component.cpu_ms.unwrap_or(0.0) / 1000.0
        } else {
            rate * cpu_s
        };
        Ok(())
    }

    /// A worker component: concurrent jobs per instance, their memory,
    /// the job mix as one station and the queue-wait target.
    fn model_worker(&mut self, demand: &Demand, percentile: f64) -> Result<(), Rejection> {
        let component = self.component;
        let slo = &component.slo;
        let slots = component.concurrency_per_instance.unwrap_or(1);
        self.per_instance = slots;
        let job_memory = slots as f64 * component.memory_mb_per_job.unwrap_or(0.0);
        if !fits(job_memory, self.max_memory) {
            return Err(self.reject(
                Binding::Memory,
                format!(
                    "memory {} MB ({slots} concurrent jobs × {} MB) > {:.0}% of {} MB",
                    trim_float(job_memory, 1),
                    trim_float(component.memory_mb_per_job.unwrap_or(0.0), 1),
                    self.max_memory / self.memory_mb * 100.0,
                    trim_float(self.memory_mb, 0)
                ),
            ));
        }
        let (mut rate, mut first, mut second, mut cpu) = (0.0, 0.0, 0.0, 0.0);
        let coincident = demand.coincident_rates(&component.jobs);
        for (i, job) in component.jobs.iter().enumerate() {
            let r =
                coincident.as_ref().map_or_else(|| demand.peak_jobs(&job.class), |rates| rates[i]);
            let cv = job.cv.unwrap_or(1.0);
            rate += r;
            first += r * job.duration_s;
            second += r * job.duration_s * job.duration_s * (1.0 + cv * cv);
            cpu += r * job.cpu_ms / 1000.0;
        }
        self.cpu_load = cpu;
        // Scheduled classes arrive at the rate that finishes a run within
        // its window; a worker running only such classes may keep a job
        // waiting until the window's end less the job's own duration.
        let mut window_wait = f64::INFINITY;
        for job in &component.jobs {
            if let Some(run) = demand.scheduled.iter().find(|r| r.class == job.class) {
                window_wait = window_wait.min((run.window_s - job.duration_s).max(1.0));
                self.runs.push((run.clone(), job.duration_s));
            }
        }
        let all_scheduled = !component.jobs.is_empty() && self.runs.len() == component.jobs.len();
        let wait_limit = match slo.wait_s {
            Some(wait) => wait,
            None if all_scheduled => window_wait,
            None => DEFAULT_WAIT_S,
        };
        if rate > 0.0 {
            let mean = first / rate;
            let scv = (second / rate / (mean * mean) - 1.0).max(0.0);
            let station = Station::new(rate, mean, scv.sqrt().min(10.0))
                .map_err(|e| self.reject(Binding::P95, e.to_string()))?;
            self.station = Some(station);
            self.slos =
                vec![Slo::Percentile { metric: TimeMetric::Wait, percentile, limit: wait_limit }];
        }
        Ok(())
    }
}

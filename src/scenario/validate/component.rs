//! A scenario's components: names, candidates of the right role, fields
//! that apply to the component's role, numbers in range, instance ranges,
//! job classes and targets.

use super::{Validator, key, named};
use crate::catalog::Catalog;
use crate::input::locate::Step;
use crate::scenario::{Component, ComponentRole, Scenario, Workload};
use std::collections::HashSet;

const WEB: &[ComponentRole] = &[ComponentRole::Web];
const WORKER: &[ComponentRole] = &[ComponentRole::Worker];
const COMPUTE: &[ComponentRole] = &[ComponentRole::Web, ComponentRole::Worker];
const DATABASE: &[ComponentRole] = &[ComponentRole::Database];
const CACHE: &[ComponentRole] = &[ComponentRole::Cache];
const DATASTORE: &[ComponentRole] = &[ComponentRole::Database, ComponentRole::Cache];
const MEDIA: &[ComponentRole] = &[ComponentRole::Media];
/// Every role a purchase option can apply to (all but serverless-only items).
const PRICED: &[ComponentRole] = &[
    ComponentRole::Web,
    ComponentRole::Worker,
    ComponentRole::Database,
    ComponentRole::Cache,
    ComponentRole::Media,
];

/// The fields that apply to some roles only: the field, whether the
/// component sets it, and the roles it applies to.
type RoleField = (&'static str, fn(&Component) -> bool, &'static [ComponentRole]);
const ROLE_FIELDS: &[RoleField] = &[
    ("cpu_ms", |c| c.cpu_ms.is_some(), WEB),
    ("io_ms", |c| c.io_ms.is_some(), WEB),
    ("workers_per_instance", |c| c.workers_per_instance.is_some(), WEB),
    ("balancing", |c| c.balancing.is_some(), WEB),
    ("concurrency", |c| c.concurrency.is_some(), WEB),
    ("scheduling", |c| c.scheduling.is_some(), WEB),
    ("threads_per_worker", |c| c.threads_per_worker.is_some(), WEB),
    ("memory_mb_per_worker", |c| c.memory_mb_per_worker.is_some(), WEB),
    ("memory_mb_per_request", |c| c.memory_mb_per_request.is_some(), WEB),
    ("db_ops_per_request", |c| c.db_ops_per_request.is_some(), WEB),
    ("cache_ops_per_request", |c| c.cache_ops_per_request.is_some(), WEB),
    ("concurrency_per_instance", |c| c.concurrency_per_instance.is_some(), WORKER),
    ("jobs", |c| !c.jobs.is_empty(), WORKER),
    ("memory_mb_per_job", |c| c.memory_mb_per_job.is_some(), WORKER),
    ("db_ops_per_job", |c| c.db_ops_per_job.is_some(), WORKER),
    ("cache_ops_per_job", |c| c.cache_ops_per_job.is_some(), WORKER),
    ("cv", |c| c.cv.is_some(), WEB),
    ("min_instances", |c| c.min_instances.is_some(), COMPUTE),
    ("max_instances", |c| c.max_instances.is_some(), COMPUTE),
    ("db_pool_per_instance", |c| c.db_pool_per_instance.is_some(), COMPUTE),
    ("cache_connections_per_instance", |c| c.cache_connections_per_instance.is_some(), COMPUTE),
    ("purchase_option", |c| c.purchase_option.is_some(), PRICED),
    ("autoscale", |c| c.autoscale.is_some(), COMPUTE),
    ("media_storage_mb_per_user", |c| c.media_storage_mb_per_user.is_some(), MEDIA),
    (
        "media_delivery_mb_per_active_user_per_day",
        |c| c.media_delivery_mb_per_active_user_per_day.is_some(),
        MEDIA,
    ),
    (
        "transformations_per_active_user_per_day",
        |c| c.transformations_per_active_user_per_day.is_some(),
        MEDIA,
    ),
    ("storage_headroom", |c| c.storage_headroom.is_some(), DATABASE),
    ("storage_gb", |c| c.storage_gb.is_some(), DATABASE),
    ("result_kb_per_operation", |c| c.result_kb_per_operation.is_some(), DATASTORE),
    ("root_volume_gb", |c| c.root_volume_gb.is_some(), COMPUTE),
    ("private_subnet", |c| c.private_subnet.is_some(), COMPUTE),
    ("backup_size_ratio", |c| c.backup_size_ratio.is_some(), DATABASE),
    ("ops_per_vcpu", |c| c.ops_per_vcpu.is_some(), DATABASE),
    ("read_replicas", |c| c.read_replicas.is_some(), DATABASE),
    ("memory_headroom", |c| c.memory_headroom.is_some(), CACHE),
    ("slo.response_ms", |c| c.slo.response_ms.is_some(), WEB),
    ("slo.wait_s", |c| c.slo.wait_s.is_some(), WORKER),
];

/// The path of one of a component's fields.
fn at(c: &Component, field: &str) -> Vec<Step> {
    vec![key("components"), named(&c.name), key(field)]
}

impl Validator<'_> {
    pub(super) fn components(&mut self, s: &Scenario, catalog: &Catalog) {
        if s.components.is_empty() {
            self.error(&[key("components")], "expected at least one component, found none".into());
        }
        let mut names = HashSet::new();
        let (mut databases, mut caches) = (0, 0);
        for c in &s.components {
            if !names.insert(c.name.as_str()) {
                self.error(&at(c, "name")[..2], format!("duplicate component name '{}'", c.name));
            }
            match c.role {
                ComponentRole::Database => databases += 1,
                ComponentRole::Cache => caches += 1,
                _ => {}
            }
            self.candidates(c, catalog);
            self.role_fields(c);
            self.component_numbers(c);
            self.instance_range(c);
            self.worker_jobs(c, &s.workload);
            self.component_slo(c);
        }
        if databases > 1 || caches > 1 {
            self.error(&[key("components")], format!("expected at most one database and one cache component, found {databases} and {caches}"));
        }
    }

    /// Each candidate a known offering (or tier) of the component's role.
    fn candidates(&mut self, c: &Component, catalog: &Catalog) {
        let cp = |k: &str| at(c, k);
        if c.candidates.is_empty() {
            self.error(
                &cp("candidates"),
                "expected at least one offering such as render/web".into(),
            );
        }
        let expected_roles = c.role.offering_roles();
        let role_names =
            || expected_roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" or ");
        for candidate in &c.candidates {
            match catalog.candidate(candidate).map(|c| (c.provider, c.offering)) {
                Err(Some((provider, offering))) => {
                    let tier = candidate.rsplit('/').next().unwrap_or_default();
                    self.error(
                        &cp("candidates"),
                        format!(
                            "unknown tier '{tier}' of {}/{}: expected one of {}",
                            provider.provider,
                            offering.id,
                            offering
                                .tiers
                                .iter()
                                .map(|t| t.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
                Err(None) => {
                    let known: Vec<String> = catalog
                        .providers
                        .iter()
                        .flat_map(|p| {
                            p.offerings
                                .iter()
                                .filter(|o| o.role.is_some_and(|r| expected_roles.contains(&r)))
                                .map(move |o| format!("{}/{}", p.provider, o.id))
                        })
                        .collect();
                    self.error(
                        &cp("candidates"),
                        format!(
                            "unknown offering '{candidate}': expected provider/offering or provider/offering/tier, offerings: {}",
                            known.join(", ")
                        ),
                    );
                }
                Ok((_, offering))
                    if !offering.role.is_some_and(|r| expected_roles.contains(&r)) =>
                {
                    self.error(
                        &cp("candidates"),
                        format!(
                            "'{candidate}' is a {} offering; a {} component needs a {} offering",
                            offering.role.map_or("untyped", |r| r.as_str()),
                            c.role.as_str(),
                            role_names()
                        ),
                    );
                }
                _ => {}
            }
        }
    }

    /// Fields set on a component whose role they do not apply to.
    fn role_fields(&mut self, c: &Component) {
        let cp = |k: &str| at(c, k);
        for (field, is_set, roles) in ROLE_FIELDS {
            let present = is_set(c);
            if present && !roles.contains(&c.role) {
                let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                self.error(
                    &cp(field.split('.').next_back().unwrap_or(field)),
                    format!(
                        "'{field}' applies to {} components, not to a {} component",
                        names.join(" or "),
                        c.role.as_str()
                    ),
                );
            }
        }
    }

    /// The component's numbers: CPU, sizes, ratios, headrooms and USL.
    fn component_numbers(&mut self, c: &Component) {
        let cp = |k: &str| at(c, k);
        if c.role == ComponentRole::Web && c.cpu_ms.is_none() && c.requests.is_empty() {
            self.error(
                &cp("name"),
                "a web component needs cpu_ms (CPU time per request, ms) or request classes ('requests')".into(),
            );
        }
        self.number(&cp("cpu_ms"), c.cpu_ms, |v| v > 0.0, "a positive CPU time in ms");
        self.number(
            &cp("cv"),
            c.cv,
            |v| (0.0..=10.0).contains(&v),
            "a coefficient of variation from 0 to 10",
        );
        for (name, value) in [
            ("io_ms", c.io_ms),
            ("memory_mb_per_worker", c.memory_mb_per_worker),
            ("memory_mb_per_request", c.memory_mb_per_request),
            ("memory_mb_per_job", c.memory_mb_per_job),
            ("db_ops_per_request", c.db_ops_per_request),
            ("cache_ops_per_request", c.cache_ops_per_request),
            ("db_ops_per_job", c.db_ops_per_job),
            ("cache_ops_per_job", c.cache_ops_per_job),
            ("db_pool_per_instance", c.db_pool_per_instance),
            ("media_storage_mb_per_user", c.media_storage_mb_per_user),
            (
                "media_delivery_mb_per_active_user_per_day",
                c.media_delivery_mb_per_active_user_per_day,
            ),
            ("transformations_per_active_user_per_day", c.transformations_per_active_user_per_day),
            ("cache_connections_per_instance", c.cache_connections_per_instance),
        ] {
            self.number(&cp(name), value, |v| v >= 0.0, "zero or a positive number");
        }
        self.number(
            &cp("backup_size_ratio"),
            c.backup_size_ratio,
            |v| v >= 0.0,
            "zero (no backups) or a positive multiple of the data stored",
        );
        self.number(
            &cp("result_kb_per_operation"),
            c.result_kb_per_operation,
            |v| (0.0..=1e6).contains(&v),
            "a reply size in KB of at least 0",
        );
        self.number(
            &cp("root_volume_gb"),
            c.root_volume_gb,
            |v| (1.0..=65536.0).contains(&v),
            "a volume size in GB from 1 to 65,536",
        );
        self.number(
            &cp("storage_gb"),
            c.storage_gb,
            |v| v > 0.0 && v <= 1e7,
            "a storage size in GB above 0",
        );
        self.number(
            &cp("storage_headroom"),
            c.storage_headroom,
            |v| v >= 1.0,
            "a headroom factor of at least 1",
        );
        self.number(
            &cp("memory_headroom"),
            c.memory_headroom,
            |v| v >= 1.0,
            "a headroom factor of at least 1",
        );
        self.number(
            &cp("ops_per_vcpu"),
            c.ops_per_vcpu,
            |v| v > 0.0,
            "a positive number of operations per second",
        );
        if let Some(usl) = &c.usl {
            let mut at = cp("usl");
            at.push(Step::Key("sigma".into()));
            self.number(
                &at,
                Some(usl.sigma),
                |v| (0.0..1.0).contains(&v),
                "a contention share from 0 up to (not including) 1",
            );
            at.pop();
            at.push(Step::Key("kappa".into()));
            self.number(&at, Some(usl.kappa), |v| v >= 0.0, "a coherency cost of 0 or more");
        }
    }

    /// Worker counts, the instance range, the autoscaler and read replicas.
    fn instance_range(&mut self, c: &Component) {
        let cp = |k: &str| at(c, k);
        if c.threads_per_worker.is_some()
            && c.role == ComponentRole::Web
            && c.concurrency != Some(crate::scenario::Concurrency::Blocking)
        {
            self.error(
                &cp("threads_per_worker"),
                "threads_per_worker applies to blocking servers: add concurrency: blocking (an async worker is not held by I/O)".into(),
            );
        }
        for (name, value) in [
            ("workers_per_instance", c.workers_per_instance),
            ("threads_per_worker", c.threads_per_worker),
            ("concurrency_per_instance", c.concurrency_per_instance),
            ("min_instances", c.min_instances),
            ("max_instances", c.max_instances),
        ] {
            if value == Some(0) {
                self.error(&cp(name), "expected at least 1, found 0".into());
            }
        }
        if let (Some(min), Some(max)) = (c.min_instances, c.max_instances)
            && min > max
        {
            self.error(
                &cp("min_instances"),
                format!("min_instances {min} is above max_instances {max}"),
            );
        }
        if let Some(a) = c.autoscale {
            let ap = |k: &str| vec![key("components"), named(&c.name), key("autoscale"), key(k)];
            if a.min == 0 {
                self.error(&ap("min"), "expected at least 1 instance, found 0".into());
            }
            if a.max < a.min {
                self.error(
                    &ap("max"),
                    format!("expected max at least min ({}), found {}", a.min, a.max),
                );
            }
            self.number(
                &ap("target_utilization"),
                Some(a.target_utilization),
                |v| v > 0.0 && v < 1.0,
                "a fraction above 0 and below 1",
            );
            if c.min_instances.is_some() || c.max_instances.is_some() {
                self.error(
                    &cp("autoscale"),
                    "give the instance range once: autoscale.min and autoscale.max replace min_instances and max_instances".into(),
                );
            }
        }
        if let Some(r) = c.read_replicas {
            let rp =
                |k: &str| vec![key("components"), named(&c.name), key("read_replicas"), key(k)];
            if r.max < r.min {
                self.error(
                    &rp("max"),
                    format!("expected max at least min ({}), found {}", r.min, r.max),
                );
            }
            self.number(
                &rp("read_share"),
                Some(r.read_share),
                |v| (0.0..=1.0).contains(&v),
                "a fraction from 0 to 1",
            );
        }
    }

    /// A worker's job classes: known to the workload, durations and CPU.
    fn worker_jobs(&mut self, c: &Component, w: &Workload) {
        let cp = |k: &str| at(c, k);
        if c.role == ComponentRole::Worker && c.jobs.is_empty() {
            self.error(
                &cp("jobs"),
                "a worker component needs jobs (the job classes it runs)".into(),
            );
        }
        for job in &c.jobs {
            let jp = vec![key("components"), named(&c.name), key("jobs"), key("class")];
            if !w.jobs.iter().any(|j| j.name == job.class) {
                let known: Vec<&str> = w.jobs.iter().map(|j| j.name.as_str()).collect();
                self.error(
                    &jp,
                    format!(
                        "unknown job class '{}': expected one of the workload's job classes ({})",
                        job.class,
                        known.join(", ")
                    ),
                );
            }
            self.number(
                &jp[..3],
                Some(job.duration_s),
                |v| v > 0.0,
                "a positive job duration in seconds",
            );
            self.number(
                &jp[..3],
                Some(job.cpu_ms),
                |v| v >= 0.0,
                "zero or a positive CPU time in ms",
            );
            self.number(
                &jp[..3],
                job.cv,
                |v| (0.0..=10.0).contains(&v),
                "a coefficient of variation from 0 to 10",
            );
        }
    }

    /// The component's latency and utilization targets.
    fn component_slo(&mut self, c: &Component) {
        let sp = |k: &str| vec![key("components"), named(&c.name), key("slo"), key(k)];
        self.number(
            &sp("percentile"),
            c.slo.percentile,
            |v| (1.0..=99.9).contains(&v),
            "a percentile from 1 to 99.9",
        );
        self.number(&sp("response_ms"), c.slo.response_ms, |v| v > 0.0, "a positive time in ms");
        self.number(&sp("wait_s"), c.slo.wait_s, |v| v > 0.0, "a positive time in seconds");
        self.number(
            &sp("max_utilization"),
            c.slo.max_utilization,
            |v| v > 0.0 && v < 1.0,
            "a fraction above 0 and below 1",
        );
        self.number(
            &sp("max_memory_utilization"),
            c.slo.max_memory_utilization,
            |v| v > 0.0 && v <= 1.0,
            "a fraction above 0 and at most 1",
        );
    }
}

//! Checks a scenario against itself and the catalog: every problem, each
//! with file, line, field path, what was expected and what was found.

use super::{ComponentRole, Scenario, ScenarioError, ScenarioFile, UsageDriver};
use crate::catalog::{Catalog, Role};
use crate::input::locate::{Step, field_path, line_of};
use crate::input::problem::{Problem, Severity};
use std::collections::HashSet;

mod model_items;
pub use model_items::CacheLifetime;

/// The largest number a scenario field may hold (see `Checker::number`).
pub const MAX_MAGNITUDE: f64 = 1e15;

/// All problems of a scenario; `Err` when any is an error.
pub fn validate(file: &ScenarioFile, catalog: &Catalog) -> Result<Vec<Problem>, ScenarioError> {
    let mut v = Validator {
        file,
        problems: Vec::new(),
    };
    v.scenario(&file.scenario, catalog);
    model_items::warn_retired(&mut v, &file.scenario, catalog, &crate::catalog::today());
    if v.problems.iter().any(|p| p.severity == Severity::Error) {
        Err(ScenarioError {
            problems: v.problems,
        })
    } else {
        Ok(v.problems)
    }
}

pub(super) struct Validator<'a> {
    file: &'a ScenarioFile,
    problems: Vec<Problem>,
}

pub(super) fn key(k: &str) -> Step {
    Step::Key(k.to_string())
}

pub(super) fn named(n: &str) -> Step {
    Step::Name(n.to_string())
}

impl Validator<'_> {
    pub(super) fn error(&mut self, path: &[Step], message: String) {
        self.push(Severity::Error, path, message);
    }

    pub(super) fn warning(&mut self, path: &[Step], message: String) {
        self.push(Severity::Warning, path, message);
    }

    fn push(&mut self, severity: Severity, path: &[Step], message: String) {
        let field = field_path(path);
        // A field a patch set is located in the patch (the last one that set it).
        let patched = self
            .file
            .patched
            .iter()
            .rev()
            .find(|p| field == p.field || field.starts_with(&format!("{}.", p.field)));
        let (file, line) = match patched {
            Some(p) => (p.file.clone(), p.line),
            None => (self.file.name.clone(), line_of(&self.file.text, path)),
        };
        self.problems.push(Problem {
            severity,
            file,
            line,
            column: None,
            field,
            message,
        });
    }

    /// A number in a range; `what` says the range for the message.
    /// Every number of a scenario is finite and at most 10^15 in size, so
    /// that no product the planner forms from them (users up to 10^12 times
    /// a few ratios) can overflow to infinity.
    pub(super) fn number(
        &mut self,
        path: &[Step],
        value: Option<f64>,
        ok: impl Fn(f64) -> bool,
        what: &str,
    ) {
        if let Some(v) = value {
            if !(v.is_finite() && ok(v)) {
                self.error(path, format!("expected {what}, found {}", show(v)));
            } else if v.abs() > MAX_MAGNITUDE {
                self.error(
                    path,
                    format!("expected {what} of at most 10^15, found {}", show(v)),
                );
            }
        }
    }

    /// A stage's claims: finite, positive user and rate figures, costs and
    /// job counts of zero or more, ranges low to high.
    fn claims(&mut self, path: &[Step], claims: &super::Claims) {
        let at = |k: &str| {
            let mut p = path.to_vec();
            p.push(key(k));
            p
        };
        // A single figure is positive (a cost may be zero); a range starts
        // at zero or more ("up to 1,000 users" is [0, 1000]).
        for (name, value, allow_zero) in [
            ("users", claims.users, false),
            ("monthly_usd", claims.monthly_usd, true),
        ] {
            match value {
                Some(super::ClaimValue::One(v))
                    if !(v.is_finite() && (v > 0.0 || allow_zero && v == 0.0)) =>
                {
                    let what = if allow_zero {
                        "zero or a positive number"
                    } else {
                        "a positive number"
                    };
                    self.error(&at(name), format!("expected {what}, found {}", show(v)))
                }
                Some(super::ClaimValue::Range([low, high])) => {
                    let finite = low.is_finite() && high.is_finite();
                    if !finite || low < 0.0 || high <= 0.0 || low > high {
                        self.error(
                            &at(name),
                            format!(
                                "expected [low, high] with 0 ≤ low ≤ high and high above 0, found [{}, {}]",
                                show(low),
                                show(high)
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
        self.number(
            &at("rpm"),
            claims.rpm,
            |v| v > 0.0,
            "a positive request rate per minute",
        );
        for (class, count) in &claims.jobs_per_day {
            let mut p = at("jobs_per_day");
            p.push(key(class));
            self.number(
                &p,
                Some(*count),
                |v| v >= 0.0,
                "zero or a positive number of jobs",
            );
        }
    }

    /// One component's tier in a fixed mix (a stage template or an
    /// environment): a known component, an instance tier of its role, and
    /// at least one instance.
    fn mix_entry(
        &mut self,
        path: &[Step],
        s: &Scenario,
        catalog: &Catalog,
        name: &str,
        tier: &str,
        count: u32,
    ) {
        let Some(component) = s.component(name) else {
            self.error(path, format!("unknown component '{name}' in the mix"));
            return;
        };
        let expected = component.role.offering_roles();
        match catalog.tier(tier) {
            None => self.error(path, format!("unknown tier '{tier}' for component '{name}': expected provider/offering/tier as listed by `capplan tiers show`")),
            Some(t) if !t.offering.role.is_some_and(|r| expected.contains(&r)) => self.error(
                path,
                format!(
                    "'{tier}' is not a {} tier, as component '{name}' needs",
                    expected.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" or ")
                ),
            ),
            Some(t) if t.offering.role == Some(Role::Serverless) => self.error(
                path,
                format!("'{tier}' is serverless; a fixed mix names instance tiers"),
            ),
            _ => {}
        }
        if count == 0 {
            self.error(
                path,
                format!("component '{name}': expected at least 1 instance, found 0"),
            );
        }
    }

    /// One component of the current mix: a mix entry, with either a count
    /// or an autoscaler's range (compute only), and storage for a database
    /// whose offering sells it.
    fn current_entry(
        &mut self,
        path: &[Step],
        s: &Scenario,
        catalog: &Catalog,
        name: &str,
        choice: &super::CurrentTier,
    ) {
        let (min, _) = choice.range();
        self.mix_entry(path, s, catalog, name, &choice.tier, min.max(1));
        let at = |k: &str| [path, &[key(k)]].concat();
        let compute = s.component(name).is_some_and(|c| c.role.is_compute());
        match (choice.count, choice.min, choice.max) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => self.error(
                &at("count"),
                format!("component '{name}': expected count (a fixed mix) or min and max (autoscaled), found both"),
            ),
            (None, Some(_), None) | (None, None, Some(_)) => self.error(
                &at(if choice.min.is_some() { "max" } else { "min" }),
                format!("component '{name}': an autoscaled component needs both min and max"),
            ),
            (None, Some(_), Some(_)) if !compute => self.error(
                &at("min"),
                format!("component '{name}': min and max are for web and worker components; give count"),
            ),
            (None, Some(lo), Some(hi)) if lo == 0 || lo > hi => self.error(
                &at("min"),
                format!("component '{name}': expected 1 ≤ min ≤ max, found min {lo}, max {hi}"),
            ),
            _ => {}
        }
        if let Some(gb) = choice.storage_gb {
            let sells_storage = catalog
                .tier(&choice.tier)
                .is_some_and(|t| t.offering.storage.is_some());
            if !(gb.is_finite() && gb > 0.0) {
                self.error(
                    &at("storage_gb"),
                    format!("expected a storage size in GB above 0, found {gb}"),
                );
            } else if !sells_storage {
                self.error(
                    &at("storage_gb"),
                    format!(
                        "'{}' sells no storage beyond the tier's own: remove storage_gb",
                        choice.tier
                    ),
                );
            }
        }
    }

    fn scenario(&mut self, s: &Scenario, catalog: &Catalog) {
        if s.name.trim().is_empty() {
            self.error(&[key("name")], "expected a scenario name, found ''".into());
        }
        let w = &s.workload;
        let wp = |k: &str| vec![key("workload"), key(k)];
        self.number(
            &wp("users"),
            w.users,
            |v| (1.0..=1e12).contains(&v),
            "a user count from 1 to 10^12",
        );
        self.number(
            &wp("daily_active_ratio"),
            Some(w.daily_active_ratio),
            |v| v > 0.0 && v <= 1.0,
            "a fraction above 0 and at most 1",
        );
        // A day's actives are also the month's: at least that share.
        let daily = w.daily_active_ratio;
        self.number(
            &wp("monthly_active_ratio"),
            w.monthly_active_ratio,
            |v| v >= daily && v <= 1.0,
            "a fraction from the daily_active_ratio to 1 (a day's active users are active that month)",
        );
        self.number(
            &wp("fixed_data_gb"),
            w.fixed_data_gb,
            |v| (0.0..=1e7).contains(&v),
            "a size in GB of at least 0",
        );
        self.number(
            &wp("peak_online_ratio"),
            Some(w.peak_online_ratio),
            |v| v > 0.0 && v <= 1.0,
            "a fraction above 0 and at most 1",
        );
        self.number(
            &wp("requests_per_online_user_per_min"),
            Some(w.requests_per_online_user_per_min),
            |v| v > 0.0,
            "a positive number of requests per minute",
        );
        for (name, value) in [
            ("storage_mb_per_user", w.storage_mb_per_user),
            ("cache_kb_per_online_user", w.cache_kb_per_online_user),
            ("cache_hot_data_mb", w.cache_hot_data_mb),
            (
                "egress_mb_per_active_user_per_day",
                w.egress_mb_per_active_user_per_day,
            ),
        ] {
            self.number(
                &wp(name),
                Some(value),
                |v| v >= 0.0,
                "zero or a positive number",
            );
        }
        self.number(
            &wp("requests_per_connection"),
            w.requests_per_connection,
            |v| v >= 1.0,
            "at least 1 request per connection",
        );
        if let Some(seats) = s.seats
            && seats == 0
        {
            self.error(&[key("seats")], "expected at least 1 seat, found 0".into());
        }
        self.number(
            &wp("working_set_ratio"),
            Some(w.working_set_ratio),
            |v| (0.0..=1.0).contains(&v),
            "a fraction from 0 to 1",
        );
        if let Some(profile) = &w.load_profile {
            if profile.len() != 24 {
                self.error(
                    &wp("load_profile"),
                    format!("expected 24 hourly values, found {}", profile.len()),
                );
            } else if profile.iter().any(|v| !v.is_finite() || *v < 0.0)
                || profile.iter().all(|v| *v == 0.0)
            {
                self.error(
                    &wp("load_profile"),
                    "expected non-negative hourly values, at least one above 0".into(),
                );
            }
        }
        let mut classes = HashSet::new();
        for job in &w.jobs {
            let path = vec![
                key("workload"),
                key("jobs"),
                named(&job.name),
                key("per_active_user_per_day"),
            ];
            if !classes.insert(job.name.as_str()) {
                self.error(&path[..3], format!("duplicate job class '{}'", job.name));
            }
            self.number(
                &path,
                Some(job.per_active_user_per_day),
                |v| v >= 0.0,
                "zero or a positive number of jobs",
            );
        }
        if s.components.is_empty() {
            self.error(
                &[key("components")],
                "expected at least one component, found none".into(),
            );
        }
        let mut names = HashSet::new();
        let (mut databases, mut caches) = (0, 0);
        for c in &s.components {
            let cp = |k: &str| vec![key("components"), named(&c.name), key(k)];
            if !names.insert(c.name.as_str()) {
                self.error(
                    &cp("name")[..2],
                    format!("duplicate component name '{}'", c.name),
                );
            }
            match c.role {
                ComponentRole::Database => databases += 1,
                ComponentRole::Cache => caches += 1,
                _ => {}
            }
            if c.candidates.is_empty() {
                self.error(
                    &cp("candidates"),
                    "expected at least one offering such as render/web".into(),
                );
            }
            let expected_roles = c.role.offering_roles();
            let role_names = || {
                expected_roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            };
            for candidate in &c.candidates {
                match catalog
                    .candidate(candidate)
                    .map(|c| (c.provider, c.offering))
                {
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
            let applies: &[(&str, bool, &[ComponentRole])] = &[
                ("cpu_ms", c.cpu_ms.is_some(), &[ComponentRole::Web]),
                ("io_ms", c.io_ms.is_some(), &[ComponentRole::Web]),
                (
                    "workers_per_instance",
                    c.workers_per_instance.is_some(),
                    &[ComponentRole::Web],
                ),
                ("balancing", c.balancing.is_some(), &[ComponentRole::Web]),
                (
                    "concurrency",
                    c.concurrency.is_some(),
                    &[ComponentRole::Web],
                ),
                (
                    "threads_per_worker",
                    c.threads_per_worker.is_some(),
                    &[ComponentRole::Web],
                ),
                (
                    "memory_mb_per_worker",
                    c.memory_mb_per_worker.is_some(),
                    &[ComponentRole::Web],
                ),
                (
                    "memory_mb_per_request",
                    c.memory_mb_per_request.is_some(),
                    &[ComponentRole::Web],
                ),
                (
                    "db_ops_per_request",
                    c.db_ops_per_request.is_some(),
                    &[ComponentRole::Web],
                ),
                (
                    "cache_ops_per_request",
                    c.cache_ops_per_request.is_some(),
                    &[ComponentRole::Web],
                ),
                (
                    "concurrency_per_instance",
                    c.concurrency_per_instance.is_some(),
                    &[ComponentRole::Worker],
                ),
                ("jobs", !c.jobs.is_empty(), &[ComponentRole::Worker]),
                (
                    "memory_mb_per_job",
                    c.memory_mb_per_job.is_some(),
                    &[ComponentRole::Worker],
                ),
                (
                    "db_ops_per_job",
                    c.db_ops_per_job.is_some(),
                    &[ComponentRole::Worker],
                ),
                (
                    "cache_ops_per_job",
                    c.cache_ops_per_job.is_some(),
                    &[ComponentRole::Worker],
                ),
                ("cv", c.cv.is_some(), &[ComponentRole::Web]),
                (
                    "min_instances",
                    c.min_instances.is_some(),
                    &[ComponentRole::Web, ComponentRole::Worker],
                ),
                (
                    "max_instances",
                    c.max_instances.is_some(),
                    &[ComponentRole::Web, ComponentRole::Worker],
                ),
                (
                    "db_pool_per_instance",
                    c.db_pool_per_instance.is_some(),
                    &[ComponentRole::Web, ComponentRole::Worker],
                ),
                (
                    "cache_connections_per_instance",
                    c.cache_connections_per_instance.is_some(),
                    &[ComponentRole::Web, ComponentRole::Worker],
                ),
                (
                    "purchase_option",
                    c.purchase_option.is_some(),
                    &[
                        ComponentRole::Web,
                        ComponentRole::Worker,
                        ComponentRole::Database,
                        ComponentRole::Cache,
                        ComponentRole::Media,
                    ],
                ),
                (
                    "autoscale",
                    c.autoscale.is_some(),
                    &[ComponentRole::Web, ComponentRole::Worker],
                ),
                (
                    "media_storage_mb_per_user",
                    c.media_storage_mb_per_user.is_some(),
                    &[ComponentRole::Media],
                ),
                (
                    "media_delivery_mb_per_active_user_per_day",
                    c.media_delivery_mb_per_active_user_per_day.is_some(),
                    &[ComponentRole::Media],
                ),
                (
                    "transformations_per_active_user_per_day",
                    c.transformations_per_active_user_per_day.is_some(),
                    &[ComponentRole::Media],
                ),
                (
                    "storage_headroom",
                    c.storage_headroom.is_some(),
                    &[ComponentRole::Database],
                ),
                (
                    "storage_gb",
                    c.storage_gb.is_some(),
                    &[ComponentRole::Database],
                ),
                (
                    "result_kb_per_operation",
                    c.result_kb_per_operation.is_some(),
                    &[ComponentRole::Database, ComponentRole::Cache],
                ),
                (
                    "root_volume_gb",
                    c.root_volume_gb.is_some(),
                    &[ComponentRole::Web, ComponentRole::Worker],
                ),
                (
                    "private_subnet",
                    c.private_subnet.is_some(),
                    &[ComponentRole::Web, ComponentRole::Worker],
                ),
                (
                    "backup_size_ratio",
                    c.backup_size_ratio.is_some(),
                    &[ComponentRole::Database],
                ),
                (
                    "ops_per_vcpu",
                    c.ops_per_vcpu.is_some(),
                    &[ComponentRole::Database],
                ),
                (
                    "read_replicas",
                    c.read_replicas.is_some(),
                    &[ComponentRole::Database],
                ),
                (
                    "memory_headroom",
                    c.memory_headroom.is_some(),
                    &[ComponentRole::Cache],
                ),
                (
                    "slo.response_ms",
                    c.slo.response_ms.is_some(),
                    &[ComponentRole::Web],
                ),
                (
                    "slo.wait_s",
                    c.slo.wait_s.is_some(),
                    &[ComponentRole::Worker],
                ),
            ];
            for (field, present, roles) in applies {
                if *present && !roles.contains(&c.role) {
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
            if c.role == ComponentRole::Web && c.cpu_ms.is_none() {
                self.error(
                    &cp("name"),
                    "a web component needs cpu_ms (CPU time per request, ms)".into(),
                );
            }
            self.number(
                &cp("cpu_ms"),
                c.cpu_ms,
                |v| v > 0.0,
                "a positive CPU time in ms",
            );
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
                (
                    "transformations_per_active_user_per_day",
                    c.transformations_per_active_user_per_day,
                ),
                (
                    "cache_connections_per_instance",
                    c.cache_connections_per_instance,
                ),
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
                self.number(
                    &at,
                    Some(usl.kappa),
                    |v| v >= 0.0,
                    "a coherency cost of 0 or more",
                );
            }
            if c.threads_per_worker.is_some()
                && c.role == ComponentRole::Web
                && c.concurrency != Some(super::Concurrency::Blocking)
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
                let ap =
                    |k: &str| vec![key("components"), named(&c.name), key("autoscale"), key(k)];
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
                let rp = |k: &str| {
                    vec![
                        key("components"),
                        named(&c.name),
                        key("read_replicas"),
                        key(k),
                    ]
                };
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
                    self.error(&jp, format!("unknown job class '{}': expected one of the workload's job classes ({})", job.class, known.join(", ")));
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
            let sp = |k: &str| vec![key("components"), named(&c.name), key("slo"), key(k)];
            self.number(
                &sp("percentile"),
                c.slo.percentile,
                |v| (1.0..=99.9).contains(&v),
                "a percentile from 1 to 99.9",
            );
            self.number(
                &sp("response_ms"),
                c.slo.response_ms,
                |v| v > 0.0,
                "a positive time in ms",
            );
            self.number(
                &sp("wait_s"),
                c.slo.wait_s,
                |v| v > 0.0,
                "a positive time in seconds",
            );
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
        if databases > 1 || caches > 1 {
            self.error(&[key("components")], format!("expected at most one database and one cache component, found {databases} and {caches}"));
        }
        for u in &s.usage {
            let up = |k: &str| vec![key("usage"), named(&u.name), key(k)];
            model_items::check_item(self, u, catalog);
            match (&u.price, &u.served_by) {
                _ if u.model.is_some() => {}
                (Some(price), None) => {
                    if catalog.usage(price).is_none() && catalog.tier(price).is_none() {
                        self.error(&up("price"), format!("unknown usage price '{price}': expected provider/usage-id or provider/offering/tier as listed by `capplan tiers show PROVIDER`"));
                    }
                }
                (None, Some(name)) => {
                    if !s.components.iter().any(|c| &c.name == name && (c.role.is_compute() || c.role == ComponentRole::Database)) {
                        self.error(&up("served_by"), format!("unknown component '{name}': expected the name of a web, worker or database component"));
                    }
                    if !matches!(u.driver, UsageDriver::EgressGb | UsageDriver::DbOperations) {
                        self.error(&up("served_by"), "'served_by' applies only to drivers 'egress_gb' and 'db_operations' (with amount in GB per operation)".into());
                    }
                }
                (Some(_), Some(_)) => self.error(&up("served_by"), "give 'price' or 'served_by', not both".into()),
                (None, None) => self.error(&[key("usage"), named(&u.name)], "expected 'price' (provider/usage-id) or 'served_by' (a component whose platform prices the egress)".into()),
            }
            match (u.driver, &u.class) {
                (UsageDriver::Jobs, None) => self.error(
                    &up("driver"),
                    "driver 'jobs' needs 'class' (a workload job class)".into(),
                ),
                (UsageDriver::Jobs, Some(class)) if !w.jobs.iter().any(|j| &j.name == class) => {
                    self.error(&up("class"), format!("unknown job class '{class}'"))
                }
                (UsageDriver::Jobs, _) => {}
                (_, Some(_)) => {
                    self.error(&up("class"), "'class' applies only to driver 'jobs'".into())
                }
                _ => {}
            }
            self.number(
                &up("amount"),
                Some(u.amount),
                |v| v >= 0.0,
                "zero or a positive amount",
            );
            self.number(
                &up("cache_hit_ratio"),
                Some(u.cache_hit_ratio),
                |v| (0.0..1.0).contains(&v),
                "a fraction from 0 to below 1",
            );
        }
        for a in &s.assertions {
            let ap = |k: &str| vec![key("assert"), key(k)];
            if a.users.is_none() && a.rpm.is_none() {
                self.error(
                    &[key("assert")],
                    "each assertion needs 'users', 'rpm' or both (a rate at a user count)".into(),
                );
            }
            self.number(
                &ap("users"),
                a.users,
                |v| (1.0..=1e12).contains(&v),
                "a user count from 1 to 10^12",
            );
            self.number(
                &ap("rpm"),
                a.rpm,
                |v| v > 0.0,
                "a positive request rate per minute",
            );
            self.number(
                &ap("max_monthly_usd"),
                a.max_monthly_usd,
                |v| v >= 0.0,
                "zero or a positive budget in USD",
            );
            self.number(
                &ap("max_monthly_usd_p95"),
                a.max_monthly_usd_p95,
                |v| v >= 0.0,
                "zero or a positive budget in USD",
            );
            self.number(
                &ap("min_slo_probability"),
                a.min_slo_probability,
                |v| (0.0..=1.0).contains(&v),
                "a probability from 0 to 1 (0.95: the mix meets every SLO in 95% of sampled worlds)",
            );
            self.number(
                &ap("max_usd_per_user"),
                a.max_usd_per_user,
                |v| v >= 0.0,
                "zero or a positive budget in USD",
            );
            self.number(
                &ap("max_p95_ms"),
                a.max_p95_ms,
                |v| v > 0.0,
                "a positive time in ms",
            );
            if let Some(stage) = &a.stage
                && !s.stages.iter().any(|st| &st.name == stage)
            {
                let names: Vec<&str> = s.stages.iter().map(|st| st.name.as_str()).collect();
                self.error(
                    &ap("stage"),
                    format!(
                        "unknown stage '{stage}': expected one of {}",
                        names.join(", ")
                    ),
                );
            }
            if let Some(component) = &a.component
                && s.component(component).is_none()
            {
                self.error(&ap("component"), format!("unknown component '{component}'"));
            }
        }
        let mut stage_names = HashSet::new();
        for stage in &s.stages {
            let sp = |k: &str| vec![key("stages"), named(&stage.name), key(k)];
            if !stage_names.insert(stage.name.as_str()) {
                self.error(
                    &sp("name"),
                    format!("duplicate stage name '{}'", stage.name),
                );
            }
            self.claims(&sp("claims"), &stage.claims);
            if stage.mix.is_empty() {
                continue;
            }
            for c in &s.components {
                if !stage.mix.contains_key(&c.name) {
                    self.error(
                        &sp("mix"),
                        format!("the template gives no tier for component '{}'", c.name),
                    );
                }
            }
            for (name, choice) in &stage.mix {
                self.mix_entry(&sp("mix"), s, catalog, name, &choice.tier, choice.count);
            }
            for class in stage.claims.jobs_per_day.keys() {
                if !w.jobs.iter().any(|j| &j.name == class) {
                    self.error(
                        &sp("claims"),
                        format!("unknown job class '{class}' in jobs_per_day"),
                    );
                }
            }
        }
        if let Some(current) = &s.current {
            let cp = || vec![key("current")];
            for c in &s.components {
                if !current.contains_key(&c.name) {
                    self.error(
                        &cp(),
                        format!("the current mix gives no tier for component '{}'", c.name),
                    );
                }
            }
            for (name, choice) in current {
                self.current_entry(&[key("current"), key(name)], s, catalog, name, choice);
            }
        }
        let mut environment_names = HashSet::new();
        for environment in &s.environments {
            let ep = |k: &str| vec![key("environments"), named(&environment.name), key(k)];
            if environment.name.trim().is_empty() {
                self.error(&ep("name"), "expected a name, found an empty one".into());
            }
            if !environment_names.insert(environment.name.as_str()) {
                self.error(
                    &ep("name"),
                    format!("duplicate environment name '{}'", environment.name),
                );
            }
            match (environment.users, environment.mix.is_empty()) {
                (Some(_), false) => self.error(
                    &ep("users"),
                    "expected either users (planned at that load) or mix (a fixed mix), found both"
                        .into(),
                ),
                (None, true) => self.error(
                    &ep("users"),
                    "expected users (planned at that load) or mix (a fixed mix), found neither"
                        .into(),
                ),
                _ => {}
            }
            self.number(
                &ep("users"),
                environment.users,
                |v| v > 0.0,
                "a positive user count",
            );
            if environment.copies == Some(0) {
                self.error(&ep("copies"), "expected at least 1 copy, found 0".into());
            }
            for (name, choice) in &environment.mix {
                self.mix_entry(&ep("mix"), s, catalog, name, &choice.tier, choice.count);
            }
        }
        let mut last = 0.0;
        for (i, stage) in s.stages.iter().enumerate() {
            let path = vec![key("stages"), named(&stage.name), key("max_users")];
            match stage.max_users {
                Some(m) if !(m.is_finite() && m > last) => {
                    self.error(
                        &path,
                        format!("expected stages in increasing max_users, found {m} after {last}"),
                    );
                }
                Some(m) => last = m,
                None if i + 1 != s.stages.len() => {
                    self.error(&path[..2], "only the last stage may omit max_users".into());
                }
                None => {}
            }
        }
    }
}

/// A number as found: scientific notation when plain digits would be unreadable.
fn show(v: f64) -> String {
    if v.is_finite() && v != 0.0 && (v.abs() >= 1e15 || v.abs() < 1e-6) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

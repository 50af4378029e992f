//! Which scenario fields may be uncertain, and setting one in a sampled
//! world. Inputs (what the app does per user, per request, per job, per
//! usage item) may take an interval; targets (SLOs, budgets), stage
//! templates and counts are decisions or whole numbers and may not.

use crate::input::locate::{Step, field_path};
use crate::scenario::{Component, Scenario};

/// Fields that are shares of a whole: samples are kept within 0 to 1.
const FRACTIONS: &[&str] = &[
    "daily_active_ratio",
    "peak_online_ratio",
    "working_set_ratio",
    "cache_hit_ratio",
    "read_share",
    "target_utilization",
];

/// Whether a field's samples are kept at or below 1.
pub fn is_fraction(path: &[Step]) -> bool {
    matches!(path.last(), Some(Step::Key(k)) if FRACTIONS.contains(&k.as_str()))
}

enum Slot<'a> {
    Plain(&'a mut f64),
    Optional(&'a mut Option<f64>),
}

fn refuse(path: &[Step]) -> String {
    format!(
        "`{}` cannot take an interval: intervals are for numeric inputs of the workload, the components (per request, per job, storage, contention) and usage items; targets, templates and whole-number counts take one value",
        field_path(path)
    )
}

fn key(step: Option<&Step>) -> Option<&str> {
    match step? {
        Step::Key(k) => Some(k),
        _ => None,
    }
}

fn name(step: Option<&Step>) -> Option<&str> {
    match step? {
        Step::Name(n) | Step::Id(n) => Some(n),
        _ => None,
    }
}

fn slot<'a>(scenario: &'a mut Scenario, path: &[Step]) -> Result<Slot<'a>, String> {
    let missing = |what: &str| format!("the scenario has no {what} `{}`", field_path(path));
    let steps: Vec<Option<&str>> = path.iter().map(|s| key(Some(s))).collect();
    match steps.first().copied().flatten() {
        Some("workload") => {
            let w = &mut scenario.workload;
            if let (Some("jobs"), Some(job), Some("per_active_user_per_day")) =
                (key(path.get(1)), name(path.get(2)), key(path.get(3)))
            {
                let job = w
                    .jobs
                    .iter_mut()
                    .find(|j| j.name == job)
                    .ok_or_else(|| missing("job class"))?;
                return Ok(Slot::Plain(&mut job.per_active_user_per_day));
            }
            if path.len() != 2 {
                return Err(refuse(path));
            }
            Ok(match key(path.get(1)).unwrap_or_default() {
                "daily_active_ratio" => Slot::Plain(&mut w.daily_active_ratio),
                "peak_online_ratio" => Slot::Plain(&mut w.peak_online_ratio),
                "requests_per_online_user_per_min" => {
                    Slot::Plain(&mut w.requests_per_online_user_per_min)
                }
                "storage_mb_per_user" => Slot::Plain(&mut w.storage_mb_per_user),
                "working_set_ratio" => Slot::Plain(&mut w.working_set_ratio),
                "cache_kb_per_online_user" => Slot::Plain(&mut w.cache_kb_per_online_user),
                "cache_hot_data_mb" => Slot::Plain(&mut w.cache_hot_data_mb),
                "egress_mb_per_active_user_per_day" => {
                    Slot::Plain(&mut w.egress_mb_per_active_user_per_day)
                }
                "requests_per_connection" => Slot::Optional(&mut w.requests_per_connection),
                _ => return Err(refuse(path)),
            })
        }
        Some("components") => {
            let component_name = name(path.get(1)).ok_or_else(|| refuse(path))?;
            let c = scenario
                .components
                .iter_mut()
                .find(|c| c.name == component_name)
                .ok_or_else(|| missing("component of"))?;
            component_slot(c, path, &missing)
        }
        Some("usage") => {
            let item_name = name(path.get(1)).ok_or_else(|| refuse(path))?;
            let u = scenario
                .usage
                .iter_mut()
                .find(|u| u.name == item_name)
                .ok_or_else(|| missing("usage item of"))?;
            if path.len() != 3 {
                return Err(refuse(path));
            }
            Ok(match key(path.get(2)).unwrap_or_default() {
                "amount" => Slot::Plain(&mut u.amount),
                "cache_hit_ratio" => Slot::Plain(&mut u.cache_hit_ratio),
                "input_tokens" => Slot::Optional(&mut u.input_tokens),
                "cached_input_tokens" => Slot::Optional(&mut u.cached_input_tokens),
                "output_tokens" => Slot::Optional(&mut u.output_tokens),
                _ => return Err(refuse(path)),
            })
        }
        _ => Err(refuse(path)),
    }
}

fn component_slot<'a>(
    c: &'a mut Component,
    path: &[Step],
    missing: &dyn Fn(&str) -> String,
) -> Result<Slot<'a>, String> {
    let field = key(path.get(2)).ok_or_else(|| refuse(path))?;
    let nested = key(path.get(3));
    match (field, path.len()) {
        ("jobs", 5) => {
            let class = name(path.get(3)).ok_or_else(|| refuse(path))?;
            let job =
                c.jobs.iter_mut().find(|j| j.class == class).ok_or_else(|| missing("job of"))?;
            Ok(match key(path.get(4)).unwrap_or_default() {
                "duration_s" => Slot::Plain(&mut job.duration_s),
                "cpu_ms" => Slot::Plain(&mut job.cpu_ms),
                "cv" => Slot::Optional(&mut job.cv),
                _ => return Err(refuse(path)),
            })
        }
        ("usl", 4) => {
            let usl = c.usl.as_mut().ok_or_else(|| missing("usl of"))?;
            match nested {
                Some("sigma") => Ok(Slot::Plain(&mut usl.sigma)),
                Some("kappa") => Ok(Slot::Plain(&mut usl.kappa)),
                _ => Err(refuse(path)),
            }
        }
        ("autoscale", 4) if nested == Some("target_utilization") => {
            let a = c.autoscale.as_mut().ok_or_else(|| missing("autoscale of"))?;
            Ok(Slot::Plain(&mut a.target_utilization))
        }
        ("read_replicas", 4) if nested == Some("read_share") => {
            let r = c.read_replicas.as_mut().ok_or_else(|| missing("read_replicas of"))?;
            Ok(Slot::Plain(&mut r.read_share))
        }
        (_, 3) => Ok(Slot::Optional(match field {
            "cpu_ms" => &mut c.cpu_ms,
            "cv" => &mut c.cv,
            "io_ms" => &mut c.io_ms,
            "memory_mb_per_worker" => &mut c.memory_mb_per_worker,
            "memory_mb_per_request" => &mut c.memory_mb_per_request,
            "db_ops_per_request" => &mut c.db_ops_per_request,
            "cache_ops_per_request" => &mut c.cache_ops_per_request,
            "memory_mb_per_job" => &mut c.memory_mb_per_job,
            "db_ops_per_job" => &mut c.db_ops_per_job,
            "cache_ops_per_job" => &mut c.cache_ops_per_job,
            "db_pool_per_instance" => &mut c.db_pool_per_instance,
            "cache_connections_per_instance" => &mut c.cache_connections_per_instance,
            "storage_headroom" => &mut c.storage_headroom,
            "backup_size_ratio" => &mut c.backup_size_ratio,
            "ops_per_vcpu" => &mut c.ops_per_vcpu,
            "memory_headroom" => &mut c.memory_headroom,
            "media_storage_mb_per_user" => &mut c.media_storage_mb_per_user,
            "media_delivery_mb_per_active_user_per_day" => {
                &mut c.media_delivery_mb_per_active_user_per_day
            }
            "transformations_per_active_user_per_day" => {
                &mut c.transformations_per_active_user_per_day
            }
            _ => return Err(refuse(path)),
        })),
        _ => Err(refuse(path)),
    }
}

/// Whether the field at `path` may take an interval, whatever the
/// scenario holds: the path is tried on a probe scenario that has every
/// named item and optional block the path names.
pub fn check_path(path: &[Step]) -> Result<(), String> {
    let names: Vec<&str> = path.iter().filter_map(|s| name(Some(s))).collect();
    let first = names.first().copied().unwrap_or("x");
    let second = names.get(1).copied().unwrap_or("x");
    let yaml = format!(
        "version: 1\nname: probe\nworkload:\n  daily_active_ratio: 0\n  peak_online_ratio: 0\n  requests_per_online_user_per_min: 0\n  jobs: [{{ name: {first:?}, per_active_user_per_day: 0 }}]\ncomponents:\n  - name: {first:?}\n    role: worker\n    candidates: []\n    jobs: [{{ class: {second:?}, duration_s: 1 }}]\n    usl: {{ sigma: 0, kappa: 0 }}\n    autoscale: {{ min: 1, max: 1, target_utilization: 0.5 }}\n    read_replicas: {{ max: 1, read_share: 0.5 }}\nusage:\n  - {{ name: {first:?}, driver: fixed }}\n"
    );
    let mut probe: Scenario =
        serde_yaml_ng::from_str(&yaml).map_err(|e| format!("internal: probe scenario: {e}"))?;
    set_number(&mut probe, path, 0.0)
}

/// Sets the field at `path` to `value` (kept within 0 to 1 for shares).
pub fn set_number(scenario: &mut Scenario, path: &[Step], value: f64) -> Result<(), String> {
    let value = if is_fraction(path) { value.clamp(0.0, 1.0) } else { value.max(0.0) };
    match slot(scenario, path)? {
        Slot::Plain(v) => *v = value,
        Slot::Optional(v) => *v = Some(value),
    }
    Ok(())
}

//! One docker-compose service as the file gives it: skipped (profiles,
//! one-off jobs, zero replicas) or its count, its CPU and memory (limit,
//! older service-level key, then reservation, with `${VAR:-default}`
//! applied) and the datastore its image runs.

use super::values::{self, interpolate, locate, num, shown};
use crate::catalog::Engine;
use crate::import::{ImportError, ImportResult};
use serde_yaml_ng::Value;
use std::collections::BTreeMap;

/// The most replicas read as a count (render.yaml's numInstances too).
const MAX_REPLICAS: u32 = 1000;

/// Images run by a datastore the catalog may sell managed: the image's
/// first word, the component's role, the engine and its name.
const STORES: [(&str, &str, Option<Engine>, &str); 10] = [
    ("postgres", "database", Some(Engine::Postgres), "PostgreSQL"),
    ("postgresql", "database", Some(Engine::Postgres), "PostgreSQL"),
    ("postgis", "database", Some(Engine::Postgres), "PostgreSQL"),
    ("mysql", "database", Some(Engine::Mysql), "MySQL"),
    ("mariadb", "database", Some(Engine::Mysql), "MariaDB"),
    ("mongo", "database", Some(Engine::Mongodb), "MongoDB"),
    ("mongodb", "database", Some(Engine::Mongodb), "MongoDB"),
    ("redis", "cache", Some(Engine::Redis), "Redis"),
    ("valkey", "cache", Some(Engine::Valkey), "Valkey"),
    ("memcached", "cache", None, "Memcached"),
];

/// Words that make an image a tool beside a datastore, not the datastore
/// (`postgres-exporter`, `mongo-express`, `redis-commander`).
const TOOLS: [&str; 12] = [
    "exporter",
    "express",
    "commander",
    "admin",
    "ui",
    "gui",
    "backup",
    "insight",
    "sentinel",
    "operator",
    "cli",
    "migrate",
];

/// Services another waits for with `condition:
/// service_completed_successfully`: one-off jobs (migrations, seeds),
/// each with the service that waits.
pub(super) fn one_off_jobs(services: &serde_yaml_ng::Mapping) -> BTreeMap<String, String> {
    let mut jobs = BTreeMap::new();
    for (name, service) in services {
        if let (Some(name), Some(Value::Mapping(deps))) = (name.as_str(), service.get("depends_on"))
        {
            for (dep, how) in deps {
                let done = how.get("condition").and_then(Value::as_str)
                    == Some("service_completed_successfully");
                if let (true, Some(dep)) = (done, dep.as_str()) {
                    jobs.entry(dep.to_string()).or_insert_with(|| name.to_string());
                }
            }
        }
    }
    jobs
}

/// What the file says of one service, before a tier is chosen.
pub(super) struct Service {
    pub(super) name: String,
    pub(super) store: Option<Store>,
    pub(super) web: bool,
    pub(super) cpus: Option<f64>,
    pub(super) memory_mb: Option<f64>,
    pub(super) count: u32,
    /// Where the count is written (`deploy.replicas` or `scale`).
    pub(super) count_at: Vec<String>,
    pub(super) notes: Vec<String>,
}

/// A datastore image: its role, engine (none: the catalog sells none)
/// and the engine's name.
#[derive(Clone, Copy)]
pub(super) struct Store {
    pub(super) role: &'static str,
    pub(super) engine: Option<Engine>,
    pub(super) label: &'static str,
}

/// `postgres:16`, `bitnami/redis`, `${POSTGRES_IMAGE}` → the datastore;
/// `postgres-exporter`, `myorg/api` → none.
fn store_of(image: &str) -> Option<Store> {
    let image = interpolate(image)
        .map_or_else(|_| image.to_ascii_lowercase(), |r| r.0.to_ascii_lowercase());
    let no_digest = image.split('@').next().unwrap_or(&image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    let repository = last.split(':').next().unwrap_or(last);
    let words: Vec<&str> =
        repository.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    if words.iter().any(|w| TOOLS.contains(w)) {
        return None;
    }
    let first = words.first()?;
    STORES.iter().find(|s| s.0 == *first).map(|&(_, role, engine, label)| Store {
        role,
        engine,
        label,
    })
}

pub(super) struct Reader<'t> {
    pub(super) file: &'t str,
    pub(super) text: &'t str,
    /// Sizing values set from the environment with no default, located.
    pub(super) unresolved: Vec<String>,
    /// The first such variable's name, for the hint.
    pub(super) first_variable: Option<String>,
    /// The managed database and cache chosen so far: role and service.
    pub(super) stores: Vec<(&'static str, String)>,
}

impl Reader<'_> {
    /// `file:line:col: services.web.deploy.replicas` (the key's place
    /// when `key`, else the value's), or without line:col when the
    /// path is not written out.
    pub(super) fn at(&self, path: &[&str], key: bool) -> String {
        let dotted = path.join(".");
        match locate(self.text, path, key) {
            Some((line, col)) => format!("{}:{line}:{col}: {dotted}", self.file),
            None => format!("{}: {dotted}", self.file),
        }
    }

    /// A sizing field's text with Compose's defaults applied; `None` when
    /// absent, or set from the environment (recorded for one error).
    fn text_of(
        &mut self,
        path: &[&str],
        value: Option<&Value>,
        expected: &str,
        notes: &mut Vec<String>,
    ) -> Result<Option<String>, ImportError> {
        let raw = match value {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Number(n)) => return Ok(Some(n.to_string())),
            Some(Value::String(s)) => s,
            Some(other) => {
                return Err(format!(
                    "{}: expected {expected}, found {}",
                    self.at(path, false),
                    shown(other)
                ));
            }
        };
        match interpolate(raw) {
            Ok((text, defaults)) => {
                if !defaults.is_empty() {
                    notes.push(format!(
                        "{} is '{raw}' in the file: the default, {text}, is used (the environment may set another)",
                        path.get(2..).unwrap_or(path).join(".")
                    ));
                }
                Ok(Some(text))
            }
            Err(var) => {
                let name: String = var
                    .trim_start_matches(['$', '{'])
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                self.first_variable.get_or_insert(name);
                self.unresolved.push(format!(
                    "{}: expected {expected}, found '{raw}': {var} is set from the environment when Compose runs, so the file does not say it",
                    self.at(path, false)
                ));
                Ok(None)
            }
        }
    }

    /// One service: skipped (with why), or what is needed to choose its tier.
    pub(super) fn service(
        &mut self,
        name: &str,
        service: &Value,
        one_offs: &BTreeMap<String, String>,
        result: &mut ImportResult,
    ) -> Result<Option<Service>, ImportError> {
        let base = ["services", name];
        let path =
            |rest: &[&'static str]| -> Vec<&str> { base.iter().chain(rest).copied().collect() };
        if !matches!(service, Value::Mapping(_) | Value::Null) {
            return Err(format!(
                "{}: expected a service mapping, found {}",
                self.at(&base, false),
                shown(service)
            ));
        }
        let mut notes = Vec::new();
        if let Some(Value::Sequence(profiles)) = service.get("profiles")
            && !profiles.is_empty()
        {
            let names: Vec<String> = profiles.iter().map(shown).collect();
            result.skipped.push(format!(
                "{name} (profiles {}: started only with --profile)",
                names.join(", ")
            ));
            return Ok(None);
        }
        if let Some(waiter) = one_offs.get(name) {
            result
                .skipped
                .push(format!("{name} (a one-off job: {waiter} waits for it to complete)"));
            return Ok(None);
        }
        let deploy = service.get("deploy");
        let mode = deploy.and_then(|d| d.get("mode"));
        let global = match mode {
            None | Some(Value::Null) => false,
            Some(Value::String(m)) if m == "replicated" => false,
            Some(Value::String(m)) if m == "global" => true,
            Some(Value::String(m)) if m == "replicated-job" || m == "global-job" => {
                result.skipped.push(format!("{name} (mode {m}: a job that runs to completion)"));
                return Ok(None);
            }
            Some(other) => {
                return Err(format!(
                    "{}: expected replicated, global, replicated-job or global-job, found {}",
                    self.at(&path(&["deploy", "mode"]), false),
                    shown(other)
                ));
            }
        };
        let replicas_path = path(&["deploy", "replicas"]);
        let scale_path = path(&["scale"]);
        let (count_path, count_value) = match deploy.and_then(|d| d.get("replicas")) {
            Some(v) => (&replicas_path, Some(v)),
            None => (&scale_path, service.get("scale")),
        };
        let expected = "a whole number of replicas from 0 to 1000";
        let mut count = match self.text_of(count_path, count_value, expected, &mut notes)? {
            None => 1,
            Some(t) => {
                t.trim().parse::<u32>().ok().filter(|n| *n <= MAX_REPLICAS).ok_or_else(|| {
                    format!(
                        "{}: expected {expected}, found {}",
                        self.at(count_path, false),
                        count_value.map_or("nothing".into(), shown)
                    )
                })?
            }
        };
        if count == 0 {
            result.skipped.push(format!("{name} (0 replicas)"));
            return Ok(None);
        }
        if global {
            count = 1;
            notes.push("deploy.mode global runs one per node: counted as 1; give the node count with --current".into());
        }
        if count > 1 && service.get("container_name").is_some() {
            notes.push(format!("container_name is set, which Compose cannot scale past one container (Swarm ignores it): counted as the {count} replicas the file asks for"));
        }
        if service.get("extends").is_some() {
            notes.push("extends is not followed: sized from this service's own keys".into());
        }
        let resources = deploy.and_then(|d| d.get("resources"));
        let limits = resources.and_then(|r| r.get("limits"));
        let reservations = resources.and_then(|r| r.get("reservations"));
        for (keys, value) in [
            (&["deploy"][..], deploy),
            (&["deploy", "resources"], resources),
            (&["deploy", "resources", "limits"], limits),
            (&["deploy", "resources", "reservations"], reservations),
        ] {
            if let Some(v) = value
                && !matches!(v, Value::Mapping(_) | Value::Null)
            {
                return Err(format!(
                    "{}: expected a mapping, found {}",
                    self.at(&path(keys), false),
                    shown(v)
                ));
            }
        }
        if let Some(Value::Sequence(devices)) = reservations.and_then(|r| r.get("devices"))
            && devices.iter().any(|d| {
                d.get("capabilities")
                    .and_then(Value::as_sequence)
                    .is_some_and(|c| c.iter().any(|c| c.as_str() == Some("gpu")))
            })
        {
            return Err(format!(
                "{}: a GPU reservation: GPU containers are not in the catalog, so this mix cannot be priced",
                self.at(&path(&["deploy", "resources", "reservations", "devices"]), false)
            ));
        }
        // Each size from the first place that gives it: the limit, the
        // older service-level key, then the reservation.
        let cpu_places = [
            (
                path(&["deploy", "resources", "limits", "cpus"]),
                limits.and_then(|l| l.get("cpus")),
                false,
            ),
            (path(&["cpus"]), service.get("cpus"), false),
            (
                path(&["deploy", "resources", "reservations", "cpus"]),
                reservations.and_then(|r| r.get("cpus")),
                true,
            ),
        ];
        let mut cpus = None;
        for (at, value, reserved) in &cpu_places {
            let expected = "a number of CPUs such as '0.5' or 2";
            if let Some(t) = self.text_of(at, *value, expected, &mut notes)? {
                let c = values::cpus(&t).ok_or_else(|| {
                    format!(
                        "{}: expected {expected}, found {}",
                        self.at(at, false),
                        value.map_or("nothing".into(), shown)
                    )
                })?;
                if c > 0.0 {
                    if *reserved {
                        notes.push(format!(
                            "no CPU limit: sized on the reservation ({} CPU)",
                            num(c)
                        ));
                    }
                    cpus = Some(c);
                    break;
                }
            }
        }
        let memory_places = [
            (
                path(&["deploy", "resources", "limits", "memory"]),
                limits.and_then(|l| l.get("memory")),
                false,
            ),
            (path(&["mem_limit"]), service.get("mem_limit"), false),
            (
                path(&["deploy", "resources", "reservations", "memory"]),
                reservations.and_then(|r| r.get("memory")),
                true,
            ),
            (path(&["mem_reservation"]), service.get("mem_reservation"), true),
        ];
        let mut memory_mb = None;
        for (at, value, reserved) in &memory_places {
            let expected = "a size such as 512M or 1G";
            if let Some(t) = self.text_of(at, *value, expected, &mut notes)? {
                let mb = values::memory_mb(&t).map_err(|why| {
                    format!(
                        "{}: expected {expected}, found {} ({why})",
                        self.at(at, false),
                        value.map_or("nothing".into(), shown)
                    )
                })?;
                if *reserved {
                    notes.push(format!(
                        "no memory limit: sized on the reservation ({} MB)",
                        num(mb)
                    ));
                }
                memory_mb = Some(mb);
                break;
            }
        }
        let image = service.get("image").and_then(Value::as_str);
        let store = match image {
            Some(image) => store_of(image),
            None => store_of(name),
        };
        let web = service.get("ports").and_then(Value::as_sequence).is_some_and(|p| !p.is_empty());
        Ok(Some(Service {
            name: name.to_string(),
            store,
            web,
            cpus,
            memory_mb,
            count,
            count_at: count_path.iter().map(|k| k.to_string()).collect(),
            notes,
        }))
    }
}

//! DigitalOcean App Platform specs (`.do/app.yaml`, or a deploy template
//! wrapped in `spec:`): `services[]` (web) and `workers[]`, each with
//! `instance_size_slug` and `instance_count` or `autoscaling`, and
//! `databases[]` (`engine`, `production`, `size`, `num_nodes`). Jobs,
//! functions and static sites are listed as not imported. Docs:
//! docs.digitalocean.com/products/app-platform/reference/app-spec.

use super::{Count, ImportError, ImportResult, Imported};
use serde_yaml_ng::Value;

const APPS: &str = "digitalocean/app-platform";
/// The size App Platform gives a component whose spec names none (the
/// smallest container); said in a note.
const ASSUMED_SLUG: &str = "apps-s-1vcpu-0.5gb";
/// A production database's size lives on its cluster, not in the app
/// spec: the smallest node is assumed and said.
const ASSUMED_DATABASE: &str = "db-s-1vcpu-1gb";
const ASSUMED_CACHE: &str = "1gb";

pub fn import(file: &str, text: &str) -> Result<ImportResult, ImportError> {
    let doc: Value = serde_yaml_ng::from_str(text).map_err(|e| match e.location() {
        Some(at) => format!("{file}:{}:{}: not YAML: {e}", at.line(), at.column()),
        None => format!("{file}: not YAML: {e}"),
    })?;
    // Deploy templates wrap the spec in `spec:`; app specs usually do not.
    let (spec, prefix) = match doc.get("spec") {
        Some(spec) if spec.is_mapping() => (spec, "spec."),
        _ => (&doc, ""),
    };
    if !spec.is_mapping() {
        return Err(format!(
            "{file}: expected an App Platform spec mapping with services, workers or databases"
        ));
    }
    let mut result = ImportResult::default();
    for (key, role) in [("services", "web"), ("workers", "worker")] {
        for (i, component) in list(file, prefix, spec, key)?.iter().enumerate() {
            let at = format!("{prefix}{key}[{i}]");
            result.components.push(container(file, &at, component, role)?);
        }
    }
    for key in ["jobs", "functions", "static_sites"] {
        for (i, item) in list(file, prefix, spec, key)?.iter().enumerate() {
            let name = text_of(item, "name").unwrap_or_else(|| format!("{key}[{i}]"));
            result.skipped.push(format!("{name} ({key}: not modelled)"));
        }
    }
    for (i, database) in list(file, prefix, spec, "databases")?.iter().enumerate() {
        let at = format!("{prefix}databases[{i}]");
        if let Some(component) = datastore(file, &at, database, &mut result)? {
            result.components.push(component);
        }
    }
    if result.components.is_empty() {
        return Err(format!("{file}: no services, workers or databases to import"));
    }
    Ok(result)
}

fn list(file: &str, prefix: &str, spec: &Value, key: &str) -> Result<Vec<Value>, ImportError> {
    match spec.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Sequence(items)) => Ok(items.clone()),
        Some(_) => Err(format!("{file}: {prefix}{key}: expected a list")),
    }
}

fn text_of(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

/// A service or worker: its slug and its count or autoscaler.
fn container(
    file: &str,
    at: &str,
    component: &Value,
    role: &'static str,
) -> Result<Imported, ImportError> {
    let name = text_of(component, "name")
        .ok_or_else(|| format!("{file}: {at}.name: expected the component's name"))?;
    let mut notes = Vec::new();
    let slug = match component.get("instance_size_slug") {
        None | Some(Value::Null) => {
            notes.push(format!(
                "no instance_size_slug in the file: assumed {ASSUMED_SLUG}, the smallest container"
            ));
            ASSUMED_SLUG.to_string()
        }
        Some(Value::String(s)) => s.trim().to_lowercase(),
        Some(other) => {
            return Err(format!(
                "{file}: {at}.instance_size_slug: expected a size such as apps-s-1vcpu-1gb, found {other:?}"
            ));
        }
    };
    // A legacy size (research pricing-providers.yaml: "apps created before
    // 2024-05-07: basic-xxs $5 ... professional-xl $300; to be deprecated").
    let legacy = (slug.starts_with("basic-") || slug.starts_with("professional-")).then(|| {
        format!(
            "'{slug}' is a legacy size (apps created before 2024-05-07) the catalog does not price; DigitalOcean is retiring them: expected one of today's sizes, such as apps-s-1vcpu-0.5gb, apps-s-1vcpu-1gb, apps-d-1vcpu-0.5gb (`capplan tiers show digitalocean`)"
        )
    });
    let whole = |key: &str, v: &Value, least: u64| -> Result<u32, ImportError> {
        v.as_u64().filter(|&n| (least..=1000).contains(&n)).map(|n| n as u32).ok_or_else(|| {
            format!("{file}: {at}.{key}: expected a whole number from {least} to 1000, found {v:?}")
        })
    };
    let count = match component.get("autoscaling") {
        Some(scaling) if scaling.is_mapping() => {
            let min = match scaling.get("min_instance_count") {
                Some(v) => whole("autoscaling.min_instance_count", v, 1)?,
                None => 1,
            };
            let max = match scaling.get("max_instance_count") {
                Some(v) => whole("autoscaling.max_instance_count", v, 1)?,
                None => min,
            };
            if max < min {
                return Err(format!(
                    "{file}: {at}.autoscaling.max_instance_count: expected at least min_instance_count ({min}), found {max}"
                ));
            }
            let percent =
                scaling.get("metrics").and_then(|m| m.get("cpu")).and_then(|c| c.get("percent"));
            let target_cpu = match percent {
                None => None,
                Some(p) => Some(
                    p.as_f64()
                        .filter(|p| *p > 0.0 && *p <= 100.0)
                        .map(|p| p / 100.0)
                        .ok_or_else(|| {
                            format!("{file}: {at}.autoscaling.metrics.cpu.percent: expected a percentage from 1 to 100, found {p:?}")
                        })?,
                ),
            };
            Count::Autoscaled { min, max, target_cpu }
        }
        Some(other) if !other.is_null() => {
            return Err(format!(
                "{file}: {at}.autoscaling: expected {{min_instance_count, max_instance_count, metrics}}, found {other:?}"
            ));
        }
        _ => match component.get("instance_count") {
            Some(v) => Count::Fixed(whole("instance_count", v, 1)?),
            None => Count::Fixed(1),
        },
    };
    let mut imported = Imported::new(&name, role, APPS, &slug, 1)
        .read_at(format!("{file}: {at}.instance_size_slug"));
    imported.tier_problem = legacy;
    imported.count = count;
    imported.notes = notes;
    Ok(imported)
}

/// A database: PostgreSQL to Managed PostgreSQL, Redis and Valkey to
/// Managed Caching (Valkey, which replaced Managed Redis); other engines
/// and development databases are listed as not imported (unpriced).
fn datastore(
    file: &str,
    at: &str,
    database: &Value,
    result: &mut ImportResult,
) -> Result<Option<Imported>, ImportError> {
    let engine = text_of(database, "engine")
        .ok_or_else(|| format!("{file}: {at}.engine: expected PG, MYSQL, REDIS, VALKEY, MONGODB, KAFKA or OPENSEARCH"))?
        .to_uppercase();
    let name = text_of(database, "name")
        .or_else(|| text_of(database, "cluster_name"))
        .unwrap_or_else(|| engine.to_lowercase());
    let production = database.get("production").and_then(Value::as_bool).unwrap_or(false);
    let size = text_of(database, "size");
    if !production || size.as_deref() == Some("db-s-dev-database") {
        result
            .skipped
            .push(format!("{name} (a development database: not in the catalog, unpriced)"));
        return Ok(None);
    }
    let mut notes = Vec::new();
    let (role, offering, assumed) = match engine.as_str() {
        "PG" => ("database", "digitalocean/postgres", ASSUMED_DATABASE),
        "REDIS" | "VALKEY" => {
            if engine == "REDIS" {
                notes.push(
                    "Managed Redis is replaced by Managed Caching (Valkey): priced as Valkey"
                        .into(),
                );
            }
            ("cache", "digitalocean/valkey", ASSUMED_CACHE)
        }
        other => {
            result.skipped.push(format!("{name} ({other}: not in the catalog, unpriced)"));
            return Ok(None);
        }
    };
    let tier = match size {
        Some(s) => s.to_lowercase(),
        None => {
            notes.push(format!(
                "the cluster's size is not in the app spec: assumed {assumed}, the smallest; give --current {name}={offering}/SIZE"
            ));
            assumed.to_string()
        }
    };
    let mut imported =
        Imported::new(&name, role, offering, &tier, 1).read_at(format!("{file}: {at}.size"));
    if let Some(nodes) = database.get("num_nodes").and_then(Value::as_u64)
        && nodes > 1
    {
        notes.push(format!(
            "num_nodes {nodes}: a primary and standby nodes, priced as high availability"
        ));
        imported.fields.push(("high_availability", "true".to_string()));
    }
    imported.notes = notes;
    Ok(Some(imported))
}

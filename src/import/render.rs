//! Render Blueprints (`render.yaml`): `services[]` (web, pserv, worker,
//! keyvalue/redis; `plan`, `numInstances`, `scaling`) and `databases[]`
//! (`plan`, `diskSizeGB`). Cron jobs and static sites (`type: static`, or
//! `type: web` with `runtime: static`) are listed as not
//! imported. Docs: render.com/docs/blueprint-spec.

use super::{Count, ImportError, ImportResult, Imported};
use serde_yaml_ng::Value;

/// The plan Render assumes when a Blueprint gives none; said in a comment.
const ASSUMED_PLAN: &str = "starter";

pub fn import(file: &str, text: &str) -> Result<ImportResult, ImportError> {
    let doc: Value = serde_yaml_ng::from_str(text).map_err(|e| match e.location() {
        Some(at) => format!("{file}:{}:{}: not YAML: {e}", at.line(), at.column()),
        None => format!("{file}: not YAML: {e}"),
    })?;
    if !doc.is_mapping() {
        return Err(format!("{file}: expected a Blueprint mapping with services or databases"));
    }
    let mut result = ImportResult::default();
    // Services and databases at the top, and in projects[].environments[]
    // (the newer layout).
    read_services(file, "", &doc, &mut result)?;
    if let Some(Value::Sequence(projects)) = doc.get("projects") {
        for (p, project) in projects.iter().enumerate() {
            if let Some(Value::Sequence(environments)) = project.get("environments") {
                for (e, environment) in environments.iter().enumerate() {
                    let prefix = format!("projects[{p}].environments[{e}].");
                    read_services(file, &prefix, environment, &mut result)?;
                }
            }
        }
    }
    if result.components.is_empty() {
        return Err(format!("{file}: no services or databases to import"));
    }
    Ok(result)
}

/// The `services` and `databases` of one mapping (the file, or one
/// project environment), `prefix` locating them in the file.
fn read_services(
    file: &str,
    prefix: &str,
    source: &Value,
    result: &mut ImportResult,
) -> Result<(), ImportError> {
    let list = |key: &str| -> Result<Vec<Value>, ImportError> {
        match source.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Sequence(items)) => Ok(items.clone()),
            Some(_) => Err(format!("{file}: {prefix}{key}: expected a list")),
        }
    };
    for (i, service) in list("services")?.iter().enumerate() {
        let at = format!("{prefix}services[{i}]");
        let text_of = |key: &str| service.get(key).and_then(Value::as_str).map(str::to_string);
        let name = text_of("name").unwrap_or_else(|| format!("service-{i}"));
        let kind = text_of("type").ok_or_else(|| {
            format!("{file}: {at}.type: expected web, pserv, worker, cron, keyvalue or redis")
        })?;
        // A static site is `type: web` with `runtime: static` (`env:` in
        // older Blueprints): files on Render's CDN, no instance to price.
        let runtime = text_of("runtime").or_else(|| text_of("env"));
        if kind == "web" && runtime.as_deref() == Some("static") {
            result.skipped.push(format!("{name} (static site: files on the CDN, not an instance)"));
            continue;
        }
        let (role, offering) = match kind.as_str() {
            "web" | "pserv" => ("web", "render/web"),
            "worker" => ("worker", "render/worker"),
            "keyvalue" | "redis" => ("cache", "render/key-value"),
            "cron" | "static" => {
                result.skipped.push(format!("{name} ({kind}: not modelled)"));
                continue;
            }
            other => {
                return Err(format!(
                    "{file}: {at}.type: unknown service type '{other}': expected web, pserv, worker, cron, keyvalue or redis"
                ));
            }
        };
        let mut notes = Vec::new();
        if kind == "pserv" {
            notes.push("a private service, priced as a web service of the same plan".into());
        }
        let tier = plan_id(text_of("plan"), &mut notes);
        let count = instances(file, &at, service, &mut notes)?;
        result.components.push(Imported {
            name,
            role,
            offering: offering.into(),
            tier,
            count,
            storage_gb: None,
            fields: Vec::new(),
            notes,
            tier_at: Some(format!("{file}: {at}.plan")),
            tier_problem: None,
        });
    }
    for (i, database) in list("databases")?.iter().enumerate() {
        let at = format!("{prefix}databases[{i}]");
        let name = database
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("database-{i}"), str::to_string);
        let mut notes = Vec::new();
        let tier =
            plan_id(database.get("plan").and_then(Value::as_str).map(str::to_string), &mut notes);
        let storage_gb = match database.get("diskSizeGB") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_f64().filter(|gb| *gb > 0.0).ok_or_else(|| {
                format!("{file}: {at}.diskSizeGB: expected a size in GB above 0, found {v:?}")
            })?),
        };
        if database.get("storageAutoscalingEnabled").and_then(Value::as_bool) == Some(true) {
            notes.push("storage autoscaling is on: the disk grows past diskSizeGB as data does; storage_gb is today's size".into());
        }
        result.components.push(Imported {
            name,
            role: "database",
            offering: "render/postgres".into(),
            tier,
            count: Count::Fixed(1),
            storage_gb,
            fields: Vec::new(),
            notes,
            tier_at: Some(format!("{file}: {at}.plan")),
            tier_problem: None,
        });
    }
    Ok(())
}

/// `Starter`, `pro plus` → the catalog's ids (`starter`, `pro-plus`).
fn plan_id(plan: Option<String>, notes: &mut Vec<String>) -> String {
    match plan {
        Some(p) => p.trim().to_lowercase().replace(' ', "-"),
        None => {
            notes.push(format!("no plan in the file: assumed {ASSUMED_PLAN}"));
            ASSUMED_PLAN.into()
        }
    }
}

/// `numInstances`, or `scaling` (`minInstances`, `maxInstances`,
/// `targetCPUPercent`) for an autoscaled service.
fn instances(
    file: &str,
    at: &str,
    service: &Value,
    notes: &mut Vec<String>,
) -> Result<Count, ImportError> {
    let count = |key: &str, v: &Value| -> Result<u32, ImportError> {
        v.as_u64().filter(|&n| (1..=1000).contains(&n)).map(|n| n as u32).ok_or_else(|| {
            format!("{file}: {at}.{key}: expected a whole number from 1 to 1000, found {v:?}")
        })
    };
    if let Some(scaling) = service.get("scaling") {
        let min = scaling
            .get("minInstances")
            .map(|v| count("scaling.minInstances", v))
            .transpose()?
            .unwrap_or(1);
        let max = scaling
            .get("maxInstances")
            .map(|v| count("scaling.maxInstances", v))
            .transpose()?
            .unwrap_or(min);
        if max < min {
            return Err(format!(
                "{file}: {at}.scaling.maxInstances: expected at least minInstances ({min}), found {max}"
            ));
        }
        let target_cpu = match scaling.get("targetCPUPercent") {
            None => None,
            Some(v) => Some(
                v.as_f64()
                    .filter(|p| *p > 0.0 && *p <= 100.0)
                    .map(|p| p / 100.0)
                    .ok_or_else(|| {
                        format!("{file}: {at}.scaling.targetCPUPercent: expected a percentage from 1 to 100, found {v:?}")
                    })?,
            ),
        };
        if scaling.get("targetMemoryPercent").is_some() {
            notes
                .push("targetMemoryPercent is not modelled: the autoscaler is sized on CPU".into());
        }
        return Ok(Count::Autoscaled { min, max, target_cpu });
    }
    match service.get("numInstances") {
        Some(v) => count("numInstances", v).map(Count::Fixed),
        None => Ok(Count::Fixed(1)),
    }
}

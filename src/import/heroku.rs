//! Heroku `app.json` (`formation.<type>.{size, quantity}`, `addons`) and
//! the `Procfile` that names the process types. A process type is a
//! component: `web` takes the HTTP traffic, every other a worker; the
//! `release` phase is not a dyno that runs. Heroku Postgres and Key-Value
//! Store add-ons are the datastores; other add-ons are third-party and
//! unpriced, listed as not imported. Docs:
//! devcenter.heroku.com/articles/app-json-schema.

use super::{Count, ImportError, ImportResult, Imported, known_tier};
use crate::catalog::Catalog;
use serde_json::Value;

const DYNOS: &str = "heroku/dynos";
/// Assumed when the formation gives no size; said in a note.
const ASSUMED_SIZE: &str = "standard-1x";

/// Reads an `app.json`, with the Procfile (name, text) beside it when
/// given: its process types the formation lacks run one dyno each.
pub fn import(
    file: &str,
    text: &str,
    procfile: Option<&(String, String)>,
) -> Result<ImportResult, ImportError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "{file}:{}:{}: not JSON: {e} (app.json is plain JSON: no comments)",
            e.line(),
            e.column()
        )
    })?;
    let Some(app) = doc.as_object() else {
        return Err(format!("{file}: expected an app.json object with formation or addons"));
    };
    let mut result = ImportResult::default();
    let formation = match app.get("formation") {
        None | Some(Value::Null) => serde_json::Map::new(),
        Some(Value::Object(f)) => f.clone(),
        Some(other) => {
            return Err(format!(
                "{file}: formation: expected an object of process types, found {}",
                kind(other)
            ));
        }
    };
    for (process, entry) in &formation {
        let at = format!("formation.{process}");
        let Some(entry) = entry.as_object() else {
            return Err(format!(
                "{file}: {at}: expected {{\"size\": …, \"quantity\": …}}, found {}",
                kind(entry)
            ));
        };
        let quantity = match entry.get("quantity") {
            None => 1,
            Some(q) => q.as_u64().filter(|&n| n <= 1000).ok_or_else(|| {
                format!("{file}: {at}.quantity: expected a whole number from 0 to 1000, found {q}")
            })? as u32,
        };
        if quantity == 0 {
            result.skipped.push(format!("{process} (quantity 0: not running)"));
            continue;
        }
        let mut notes = Vec::new();
        let size = match entry.get("size") {
            None => {
                notes.push(format!(
                    "no size in the file: assumed {ASSUMED_SIZE}; give --current {process}={DYNOS}/SIZE"
                ));
                ASSUMED_SIZE.to_string()
            }
            Some(Value::String(s)) => s.trim().to_lowercase(),
            Some(other) => {
                return Err(format!(
                    "{file}: {at}.size: expected a dyno size such as \"standard-2x\", found {other}"
                ));
            }
        };
        if size == "eco" {
            return Err(format!(
                "{file}: {at}.size: Eco dynos share an account-wide pool of hours that the catalog does not price per dyno: size the process with a per-dyno plan (basic, standard-1x, …) in the file"
            ));
        }
        result
            .components
            .push(dyno(process, &size, quantity, notes).read_at(format!("{file}: {at}.size")));
    }
    if let Some((procfile_name, procfile_text)) = procfile {
        for (line, process) in process_types(procfile_text) {
            if process == "release" || formation.contains_key(&process) {
                continue;
            }
            let notes = vec![format!(
                "in {procfile_name} (line {line}) but not in the formation: assumed 1 × {ASSUMED_SIZE}; give --current {process}={DYNOS}/SIZE:N"
            )];
            result.components.push(dyno(&process, ASSUMED_SIZE, 1, notes));
        }
    }
    read_addons(file, app.get("addons"), &mut result)?;
    if result.components.is_empty() {
        return Err(format!(
            "{file}: no formation, Procfile process or Heroku Postgres / Key-Value add-on to import"
        ));
    }
    Ok(result)
}

/// A Procfile alone: its process types, one dyno each at the assumed
/// size, each said in a note (the sizes and counts are in the formation
/// or the dashboard, not in the Procfile).
pub fn import_procfile(
    file: &str,
    text: &str,
    catalog: &Catalog,
) -> Result<ImportResult, ImportError> {
    known_tier(catalog, file, "size", DYNOS, ASSUMED_SIZE)?;
    let mut result = ImportResult::default();
    for (line, process) in process_types(text) {
        if process == "release" {
            continue;
        }
        let notes = vec![format!(
            "{file} line {line} names the process type only: assumed 1 × {ASSUMED_SIZE}; give app.json beside it, or --current {process}={DYNOS}/SIZE:N"
        )];
        result.components.push(dyno(&process, ASSUMED_SIZE, 1, notes));
    }
    if result.components.is_empty() {
        return Err(format!("{file}: no process types (lines such as `web: gunicorn app:app`)"));
    }
    Ok(result)
}

fn dyno(process: &str, size: &str, quantity: u32, notes: Vec<String>) -> Imported {
    let mut component = Imported::new(
        process,
        if process == "web" { "web" } else { "worker" },
        DYNOS,
        size,
        quantity,
    );
    component.notes = notes;
    component
}

/// The process types of a Procfile with their line numbers: `name:
/// command` lines; comments and blank lines skipped.
fn process_types(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let (name, _) = line.split_once(':')?;
            let name = name.trim();
            let valid = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            valid.then(|| (i + 1, name.to_string()))
        })
        .collect()
}

/// Heroku Postgres and Key-Value Store add-ons; others listed as not
/// imported (third-party: not in the catalog, unpriced).
fn read_addons(
    file: &str,
    addons: Option<&Value>,
    result: &mut ImportResult,
) -> Result<(), ImportError> {
    let list = match addons {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(list)) => list,
        Some(other) => {
            return Err(format!("{file}: addons: expected a list, found {}", kind(other)));
        }
    };
    for (i, addon) in list.iter().enumerate() {
        let at = format!("addons[{i}]");
        let (spec, alias) = match addon {
            Value::String(s) => (s.as_str(), None),
            Value::Object(o) => match o.get("plan").and_then(Value::as_str) {
                Some(plan) => (plan, o.get("as").and_then(Value::as_str)),
                None => {
                    return Err(format!(
                        "{file}: {at}.plan: expected \"service:plan\" such as \"heroku-postgresql:essential-0\""
                    ));
                }
            },
            other => {
                return Err(format!(
                    "{file}: {at}: expected \"service:plan\" or {{\"plan\": …}}, found {}",
                    kind(other)
                ));
            }
        };
        let (service, plan) = match spec.split_once(':') {
            Some((s, p)) => (s.trim(), Some(p.trim().to_lowercase())),
            None => (spec.trim(), None),
        };
        let (role, name) = match service {
            "heroku-postgresql" => ("database", alias.unwrap_or("database")),
            "heroku-redis" => ("cache", alias.unwrap_or("cache")),
            _ => {
                result.skipped.push(format!("{spec} (add-on not in the catalog: unpriced)"));
                continue;
            }
        };
        let name = name.to_lowercase();
        let mut notes = Vec::new();
        let plan = match plan.as_deref() {
            Some("in-dyno") => {
                result.skipped.push(format!("{spec} (Heroku CI's in-dyno test database)"));
                continue;
            }
            Some(p) => p.to_string(),
            None if role == "database" => {
                notes.push("no plan in the file: assumed essential-0, the smallest Heroku Postgres plan; give --current database=heroku/postgres-…/PLAN".into());
                "essential-0".into()
            }
            None => {
                notes.push("no plan in the file: assumed mini, the smallest Key-Value Store plan; give --current cache=heroku/key-value/PLAN".into());
                "mini".into()
            }
        };
        let (offering, tier) = if role == "cache" {
            ("heroku/key-value".to_string(), plan)
        } else {
            postgres_plan(&plan, &mut notes)
        };
        if result.components.iter().any(|c| c.name == name) {
            return Err(format!(
                "{file}: {at}: a second {service} add-on named '{name}': give it an \"as\" name"
            ));
        }
        let mut component = Imported::new(&name, role, &offering, &tier, 1)
            .read_at(format!("{file}: {at} ({spec})"));
        component.count = Count::Fixed(1);
        component.notes = notes;
        result.components.push(component);
    }
    Ok(())
}

/// A Heroku Postgres plan to its offering: `essential-N`, `standard-N`,
/// `premium-N`; the retired Mini and Basic to the Essential plans that
/// replaced them (research pricing-providers.yaml heroku: "Mini ($5, 1 GB)
/// and Basic ($9, 10 GB) are EOL, replaced by Essential-0/1").
fn postgres_plan(plan: &str, notes: &mut Vec<String>) -> (String, String) {
    let replaced = match plan {
        "mini" => Some("essential-0"),
        "basic" => Some("essential-1"),
        _ => None,
    };
    let plan = match replaced {
        Some(now) => {
            notes.push(format!(
                "heroku-postgresql:{plan} is retired; Heroku moved it to {now}, priced here"
            ));
            now.to_string()
        }
        None => plan.to_string(),
    };
    let family = plan.split('-').next().unwrap_or("");
    let offering = match family {
        "standard" => "heroku/postgres-standard",
        "premium" => "heroku/postgres-premium",
        _ => "heroku/postgres-essential",
    };
    (offering.into(), plan)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

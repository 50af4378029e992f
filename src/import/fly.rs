//! Fly.io `fly.toml`: process groups (`[processes]`), their Machines'
//! size (`[[vm]]`: `size`, or `cpu_kind`/`cpus`/`memory`/`memory_mb`,
//! per `processes` or for all) and the web group (`[http_service]`). The
//! file holds no Machine count: it is `--count GROUP=N`, else the web
//! group's `min_machines_running`, else 1, and the scenario says which.
//! Docs: fly.io/docs/reference/configuration.

use super::{ImportError, ImportResult, Imported};
use std::collections::BTreeMap;
use toml::Value;

const OFFERING: &str = "fly/machines";

/// Preset sizes and their memory (fly.io/docs/machines/guides-examples/machine-sizing:
/// shared-cpu-Nx 256 MB per CPU, performance-Nx 2 GB per CPU).
fn preset(size: &str) -> Option<(&'static str, u32, u32)> {
    let (kind, rest) = if let Some(r) = size.strip_prefix("shared-cpu-") {
        ("shared", r)
    } else if let Some(r) = size.strip_prefix("performance-") {
        ("performance", r)
    } else {
        return None;
    };
    let cpus: u32 = rest.strip_suffix('x')?.parse().ok()?;
    let memory = if kind == "shared" { 256 * cpus } else { 2048 * cpus };
    Some((kind, cpus, memory))
}

/// `"512mb"`, `"2gb"`, `1024` (MB) → MB.
fn memory_mb(value: &Value) -> Option<u32> {
    match value {
        Value::Integer(n) => u32::try_from(*n).ok(),
        Value::String(s) => {
            let s = s.trim().to_lowercase();
            if let Some(gb) = s.strip_suffix("gb") {
                gb.trim().parse::<f64>().ok().map(|g| (g * 1024.0).round() as u32)
            } else {
                s.strip_suffix("mb").unwrap_or(&s).trim().parse().ok()
            }
        }
        _ => None,
    }
}

fn tier_id(kind: &str, cpus: u32, memory: u32) -> String {
    let mem = if memory >= 1024 && memory.is_multiple_of(1024) {
        format!("{}gb", memory / 1024)
    } else {
        format!("{memory}mb")
    };
    match kind {
        "performance" => format!("performance-{cpus}x-{mem}"),
        _ => format!("shared-cpu-{cpus}x-{mem}"),
    }
}

/// Line and column of a byte offset, for located errors.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(before.len(), |i| before.len() - i - 1) + 1;
    (line, col)
}

pub fn import(
    file: &str,
    text: &str,
    counts: &BTreeMap<String, u32>,
) -> Result<ImportResult, ImportError> {
    let doc: toml::Table = text.parse().map_err(|e: toml::de::Error| match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{file}:{line}:{col}: not TOML: {}", e.message())
        }
        None => format!("{file}: not TOML: {}", e.message()),
    })?;
    let groups: Vec<String> = match doc.get("processes") {
        Some(Value::Table(t)) if !t.is_empty() => t.keys().cloned().collect(),
        Some(Value::Table(_)) | None => vec!["app".into()],
        Some(_) => {
            return Err(format!("{file}: processes: expected a table of process groups"));
        }
    };
    for group in counts.keys() {
        if !groups.contains(group) {
            return Err(format!(
                "--count {group}=…: the file has no process group '{group}': expected one of {}",
                groups.join(", ")
            ));
        }
    }
    let http = doc.get("http_service").and_then(Value::as_table);
    let web_groups: Vec<String> = match http.and_then(|h| h.get("processes")) {
        Some(Value::Array(list)) => {
            list.iter().filter_map(Value::as_str).map(str::to_string).collect()
        }
        _ if http.is_some() => vec![groups[0].clone()],
        _ => Vec::new(),
    };
    let min_running = http
        .and_then(|h| h.get("min_machines_running"))
        .and_then(Value::as_integer)
        .and_then(|n| u32::try_from(n).ok())
        .filter(|&n| n >= 1);
    let vms: Vec<&toml::Table> = match doc.get("vm") {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_table).collect(),
        Some(Value::Table(t)) => vec![t],
        _ => Vec::new(),
    };
    let mut result = ImportResult::default();
    for group in &groups {
        let mut notes = Vec::new();
        let found = vms.iter().enumerate().find(|(_, vm)| match vm.get("processes") {
            Some(Value::Array(list)) => list.iter().any(|p| p.as_str() == Some(group.as_str())),
            _ => true,
        });
        let (tier, tier_at) = match found {
            None => {
                notes
                    .push("no [[vm]] for it in the file: assumed shared-cpu-1x with 256 MB".into());
                (tier_id("shared", 1, 256), None)
            }
            Some((i, vm)) => {
                let (tier, at) = vm_tier(file, i, vm)?;
                (tier, Some(at))
            }
        };
        let is_web = web_groups.contains(group);
        let count = match (counts.get(group), is_web.then_some(min_running).flatten()) {
            (Some(&n), _) => n,
            (None, Some(n)) => {
                notes.push(format!("the Machine count is not in fly.toml: assumed {n} (min_machines_running); give --count {group}=N"));
                n
            }
            (None, None) => {
                notes.push(format!(
                    "the Machine count is not in fly.toml: assumed 1; give --count {group}=N"
                ));
                1
            }
        };
        result.components.push(Imported {
            name: group.clone(),
            role: if is_web { "web" } else { "worker" },
            offering: OFFERING.into(),
            tier,
            count: super::Count::Fixed(count),
            storage_gb: None,
            fields: Vec::new(),
            notes,
            tier_at,
            tier_problem: None,
        });
    }
    Ok(result)
}

/// The Fly.io tier of one `[[vm]]` entry: its size preset, CPU kind, CPUs
/// and memory; GPU Machines and unknown sizes are located errors.
fn vm_tier(file: &str, i: usize, vm: &toml::Table) -> Result<(String, String), ImportError> {
    let at = format!("vm[{i}]");
    if vm.contains_key("gpu_kind") || vm.contains_key("gpus") {
        return Err(format!(
            "{file}: {at}.gpu_kind: GPU Machines are not in the catalog, so this mix cannot be priced"
        ));
    }
    let size = vm.get("size").and_then(Value::as_str);
    let (mut kind, mut cpus, mut memory) = match size {
        Some(s) => preset(s).ok_or_else(|| {
            format!("{file}: {at}.size: unknown size '{s}': expected shared-cpu-Nx or performance-Nx (GPU Machines are not in the catalog)")
        })?,
        None => ("shared", 1, 256),
    };
    if let Some(k) = vm.get("cpu_kind").and_then(Value::as_str) {
        kind = match k {
            "shared" => "shared",
            "performance" => "performance",
            other => {
                return Err(format!(
                    "{file}: {at}.cpu_kind: expected shared or performance, found '{other}'"
                ));
            }
        };
    }
    if let Some(n) = vm.get("cpus") {
        cpus = n.as_integer().and_then(|n| u32::try_from(n).ok()).filter(|&n| n >= 1).ok_or_else(
            || format!("{file}: {at}.cpus: expected a whole number of CPUs, found {n}"),
        )?;
        if size.is_none() && vm.get("memory").is_none() && vm.get("memory_mb").is_none() {
            memory = if kind == "shared" { 256 * cpus } else { 2048 * cpus };
        }
    }
    if let Some(m) = vm.get("memory").or_else(|| vm.get("memory_mb")) {
        memory = memory_mb(m).ok_or_else(|| {
            format!("{file}: {at}.memory: expected a size such as \"512mb\" or \"2gb\", found {m}")
        })?;
    }
    Ok((tier_id(kind, cpus, memory), format!("{file}: {at}")))
}

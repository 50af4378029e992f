//! Intervals in scenario text: found, checked, and replaced by their
//! median, so that the strict scenario parser reads a point scenario with
//! every line where it was (its errors stay located) and the intervals
//! are kept apart for sampling.

use super::fields;
use crate::input::interval::Interval;
use crate::input::locate::{Step, field_path, line_of};
use crate::input::problem::Problem;
use serde::Serialize;
use serde_yaml_ng::Value;

/// One scenario field given as an interval.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct UncertainInput {
    /// Dotted path, as validation names fields: `components.api.cpu_ms`.
    pub field: String,
    #[serde(skip)]
    pub path: Vec<Step>,
    pub interval: Interval,
    pub file: String,
    pub line: Option<usize>,
    /// Whether samples are kept within 0 to 1 (a share).
    #[serde(skip)]
    pub fraction: bool,
}

/// The inputs a run samples. A given peak rate (`--rpm`, an assertion's
/// `rpm`) sets the per-user request rate for the run, so an interval on
/// that field is left out; its field is returned apart for a warning.
pub fn sampled_inputs(
    inputs: &[UncertainInput],
    rate_given: bool,
) -> (Vec<UncertainInput>, Vec<String>) {
    let (dropped, kept): (Vec<_>, Vec<_>) = inputs.iter().cloned().partition(|input| {
        rate_given && input.field == "workload.requests_per_online_user_per_min"
    });
    (kept, dropped.into_iter().map(|i| i.field).collect())
}

/// Top-level sections whose numbers are decisions or claims, not inputs.
const NOT_INPUTS: &[&str] = &["version", "stages", "assert", "environments", "seats"];

/// The intervals of scenario text and the text with each replaced by its
/// median (line count unchanged). Text that does not parse is returned as
/// is, for the strict parser to report.
pub fn extract(name: &str, text: &str) -> Result<(String, Vec<UncertainInput>), Vec<Problem>> {
    let toml = crate::input::read::is_toml(name);
    let value: Option<Value> = if toml {
        toml::from_str::<toml::Value>(text).ok().and_then(|t| serde_yaml_ng::to_value(t).ok())
    } else {
        crate::input::yaml::from_yaml(name, text).ok()
    };
    let Some(Value::Mapping(root)) = value else {
        return Ok((text.to_string(), Vec::new()));
    };
    let mut found = Vec::new();
    for (key, value) in &root {
        let Some(key) = key.as_str() else { continue };
        if NOT_INPUTS.contains(&key) {
            continue;
        }
        walk(value, &mut vec![Step::Key(key.to_string())], &mut found);
    }
    if found.is_empty() {
        return Ok((text.to_string(), Vec::new()));
    }
    let mut problems = Vec::new();
    let mut inputs = Vec::new();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for (path, raw) in found {
        let line = line_of(text, &path);
        let field = field_path(&path);
        let fail = |message: String| Problem::error(name, line, None, &field, &message);
        let interval = match parse_interval(&raw) {
            Ok(interval) => interval,
            Err(message) => {
                problems.push(fail(message));
                continue;
            }
        };
        if let Err(message) = fields::check_path(&path) {
            problems.push(fail(message));
            continue;
        }
        let fraction = fields::is_fraction(&path);
        if fraction && interval.high > 1.0 {
            problems
                .push(fail(format!("expected a share from 0 to 1, found high {}", interval.high)));
            continue;
        }
        match line.and_then(|l| replace_on_line(&mut lines, l - 1, &path, interval.mid)) {
            Some(()) => inputs.push(UncertainInput {
                field,
                path,
                interval,
                file: name.to_string(),
                line,
                fraction,
            }),
            None => problems.push(fail(
                "write the interval on the field's own line (`cpu_ms: { low: 20, high: 40 }` or `cpu_ms: [20, 40]`) or as an indented block below it".into(),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rewritten = lines.join("\n");
    if text.ends_with('\n') {
        rewritten.push('\n');
    }
    Ok((rewritten, inputs))
}

/// Collects (path, raw interval) pairs under `value`.
fn walk(value: &Value, path: &mut Vec<Step>, found: &mut Vec<(Vec<Step>, Value)>) {
    match value {
        Value::Mapping(_) if is_interval_map(value) => {
            found.push((path.clone(), value.clone()));
        }
        Value::Mapping(map) => {
            for (key, inner) in map {
                if let Some(key) = key.as_str() {
                    path.push(Step::Key(key.to_string()));
                    walk(inner, path, found);
                    path.pop();
                }
            }
        }
        Value::Sequence(_) if is_interval_pair(value, path) => {
            found.push((path.clone(), value.clone()));
        }
        Value::Sequence(items) => {
            for item in items {
                let label =
                    ["name", "class"].iter().find_map(|k| item.get(k).and_then(Value::as_str));
                if let Some(label) = label {
                    path.push(Step::Name(label.to_string()));
                    walk(item, path, found);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// `[low, high]`: two numbers, except anywhere under `load_profile` (lists
/// of hourly shares, its `weekday` and `weekend` too, which may happen to
/// hold two).
pub fn is_interval_pair(value: &Value, path: &[Step]) -> bool {
    let Value::Sequence(items) = value else {
        return false;
    };
    let in_profile = path.iter().any(|s| matches!(s, Step::Key(k) if k == "load_profile"));
    items.len() == 2 && items.iter().all(Value::is_number) && !in_profile
}

const INTERVAL_KEYS: &[&str] = &["low", "mid", "high", "confidence", "distribution"];

pub fn is_interval_map(value: &Value) -> bool {
    let Value::Mapping(map) = value else {
        return false;
    };
    map.get("low").is_some()
        && map.get("high").is_some()
        && map.keys().all(|k| k.as_str().is_some_and(|k| INTERVAL_KEYS.contains(&k)))
}

/// An interval from `{ low, mid, high, confidence, distribution }` or
/// `[low, high]`.
pub fn parse_interval(raw: &Value) -> Result<Interval, String> {
    let number = |v: Option<&Value>, what: &str| -> Result<Option<f64>, String> {
        match v {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| format!("expected a number for {what}, found {v:?}")),
        }
    };
    match raw {
        Value::Sequence(items) => {
            let low = number(items.first(), "low")?.unwrap_or(f64::NAN);
            let high = number(items.get(1), "high")?.unwrap_or(f64::NAN);
            Interval::new(low, None, high, None, false)
        }
        Value::Mapping(map) => {
            let uniform = match map.get("distribution") {
                None => false,
                Some(v) => match v.as_str() {
                    Some("uniform") => true,
                    Some("fitted") => false,
                    _ => {
                        return Err(format!(
                            "expected distribution `fitted` (the default) or `uniform`, found {v:?}"
                        ));
                    }
                },
            };
            Interval::new(
                number(map.get("low"), "low")?.unwrap_or(f64::NAN),
                number(map.get("mid"), "mid")?,
                number(map.get("high"), "high")?.unwrap_or(f64::NAN),
                number(map.get("confidence"), "confidence")?,
                uniform,
            )
        }
        _ => Err("expected { low, mid, high } or [low, high]".into()),
    }
}

/// Replaces the interval after the field's key on line `index` by `mid`:
/// a one-line `{…}` or `[…]`, or an indented block below the key (whose
/// lines are emptied, keeping the line count).
fn replace_on_line(lines: &mut [String], index: usize, path: &[Step], mid: f64) -> Option<()> {
    let Some(Step::Key(key)) = path.last() else {
        return None;
    };
    let line = lines.get(index)?.clone();
    let start = key_value_start(&line, key)?;
    let rest = &line[start..];
    let trimmed = rest.trim_start();
    let offset = start + (rest.len() - trimmed.len());
    let number = format!("{mid:?}");
    if trimmed.starts_with(['{', '[']) {
        let end = offset + closing(&line[offset..])?;
        lines[index] = format!("{}{number}{}", &line[..offset], &line[end..]);
        return Some(());
    }
    if trimmed.is_empty() || trimmed.starts_with('#') {
        let indent = line.len() - line.trim_start_matches([' ', '-']).len();
        let mut next = index + 1;
        let mut blanked = 0;
        while let Some(l) = lines.get(next) {
            let own = l.len() - l.trim_start().len();
            if !l.trim().is_empty() && own <= indent {
                break;
            }
            lines[next] = String::new();
            blanked += 1;
            next += 1;
        }
        if blanked == 0 {
            return None;
        }
        lines[index] = format!("{} {number}", line[..offset].trim_end());
        return Some(());
    }
    None
}

/// The byte offset just after `key:` or `key =` on a line.
fn key_value_start(line: &str, key: &str) -> Option<usize> {
    line.match_indices(key).find_map(|(i, _)| {
        let before = line[..i].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        let after = line[i + key.len()..].trim_start();
        let sep = after.strip_prefix(':').or_else(|| after.strip_prefix('='))?;
        Some(line.len() - sep.len())
    })
}

/// The byte length of the balanced bracket group `text` starts with.
fn closing(text: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in text.char_indices() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_replaced_in_place() {
        let text = "workload:\n  requests_per_online_user_per_min: [2, 8]  # guess\n  daily_active_ratio:\n    low: 0.2\n    mid: 0.3\n    high: 0.4\n  peak_online_ratio: 0.1\ncomponents:\n  - name: w\n    jobs:\n      - { class: gen, duration_s: { low: 4, high: 9 }, cpu_ms: 5 }\n";
        let (out, inputs) = extract("s.yaml", text).unwrap();
        assert_eq!(out.lines().count(), text.lines().count());
        assert!(out.contains("requests_per_online_user_per_min: 4.0  # guess"), "{out}");
        assert!(out.contains("daily_active_ratio: 0.3\n\n\n\n"), "{out}");
        assert!(out.contains("duration_s: 6.0, cpu_ms: 5 }"), "{out}");
        let fields: Vec<&str> = inputs.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "workload.requests_per_online_user_per_min",
                "workload.daily_active_ratio",
                "components.w.jobs.gen.duration_s"
            ]
        );
        assert_eq!(inputs[1].line, Some(3));
        assert!(inputs[1].fraction);
    }

    #[test]
    fn located_errors() {
        let e = extract("s.yaml", "workload:\n  cpu: 1\n  daily_active_ratio: [0.5, 1.5]\n")
            .unwrap_err();
        assert!(e[0].to_string().contains("s.yaml:3"), "{}", e[0]);
        assert!(e[0].message.contains("share from 0 to 1"), "{}", e[0]);
        let e = extract("s.yaml", "workload:\n  storage_mb_per_user: { low: 9, high: 3 }\n")
            .unwrap_err();
        assert!(e[0].message.contains("low ≤ high"), "{}", e[0]);
        let e = extract(
            "s.yaml",
            "components:\n  - name: api\n    slo:\n      response_ms: [100, 300]\n    min_instances: [1, 2]\n",
        )
        .unwrap_err();
        assert!(e[0].message.contains("cannot take an interval"), "{}", e[0]);
        assert_eq!((e[0].line, e[1].line), (Some(4), Some(5)));
    }
}

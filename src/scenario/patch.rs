//! Scenario patches: partial scenarios (written by `capplan calibrate`, or
//! by hand) merged over a scenario in order. Mappings merge key by key;
//! lists of named items (components, usage, stages, environments, jobs)
//! merge item by item on `name`; any other value replaces the scenario's.
//! Every field a patch sets is remembered with its file and line, so that
//! validation problems point into the patch and `recommend` can say which
//! figures came from one.

use super::uncertain::{self, UncertainInput};
use super::{Scenario, ScenarioError};
use crate::input::interval::Interval;
use crate::input::locate::{Step, field_path, line_of};
use crate::input::problem::Problem;
use serde::Serialize;
use serde_yaml_ng::{Mapping, Value};

/// One field a patch set.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PatchedField {
    /// Dotted path, as validation names fields: `components.api.cpu_ms`.
    pub field: String,
    /// The value set, as inline YAML.
    pub value: String,
    /// The patch file that sets the field.
    pub file: String,
    /// 1-based line of the field in `file`; null when it cannot be located.
    pub line: Option<usize>,
}

/// A patch file as read: its name, text and parsed mapping.
pub struct Patch {
    pub name: String,
    pub text: String,
    root: Mapping,
}

/// Lists whose items are matched by `name` rather than replaced whole.
const NAMED_LISTS: &[&str] = &["components", "usage", "stages", "environments", "jobs"];

impl Patch {
    /// Parses patch text: YAML, or TOML when the name ends in `.toml`.
    pub fn parse(name: &str, text: &str) -> Result<Patch, ScenarioError> {
        let value: Value = if crate::input::read::is_toml(name) {
            let table: toml::Value = toml::from_str(text).map_err(|e| {
                let line =
                    e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
                ScenarioError::error(name, line, None, "", e.message())
            })?;
            serde_yaml_ng::to_value(table)
                .map_err(|e| ScenarioError::error(name, None, None, "", &e.to_string()))?
        } else {
            crate::input::yaml::from_yaml(name, text).map_err(ScenarioError::one)?
        };
        let root = match value {
            Value::Mapping(m) => m,
            Value::Null => Mapping::new(),
            other => {
                return Err(ScenarioError::error(
                    name,
                    Some(1),
                    None,
                    "",
                    &format!(
                        "expected a mapping of scenario fields (a partial scenario), found {}",
                        kind(&other)
                    ),
                ));
            }
        };
        Ok(Patch { name: name.to_string(), text: text.to_string(), root })
    }

    /// Reads and parses a patch file.
    pub fn read(path: &std::path::Path) -> Result<Patch, ScenarioError> {
        let name = path.display().to_string();
        let text = crate::input::read::read_input(path)
            .map_err(|p| ScenarioError { problems: vec![p] })?;
        Patch::parse(&name, &text)
    }
}

/// A leaf of a patch: where it goes and what it sets (an interval's
/// median, the interval kept apart).
struct Leaf {
    path: Vec<Step>,
    value: Value,
    /// An interval given, and its text (`value` holds its median).
    interval: Option<(Interval, Value)>,
}

/// What a patch set: every field, and those given as intervals (which
/// replace the scenario's own interval or value for sampling).
#[derive(Debug, Clone, Default)]
pub struct Applied {
    pub fields: Vec<PatchedField>,
    pub uncertain: Vec<UncertainInput>,
}

/// Applies `patch` over `scenario`; returns the fields it set, or every
/// problem, each located in the patch.
pub fn apply_patch(scenario: &mut Scenario, patch: &Patch) -> Result<Applied, ScenarioError> {
    let mut leaves = Vec::new();
    let mut problems = Vec::new();
    collect(&patch.root, &mut Vec::new(), &mut leaves, &mut problems, patch);
    let base = serde_yaml_ng::to_value(&*scenario)
        .map_err(|e| ScenarioError::error(&patch.name, None, None, "", &e.to_string()))?;
    let mut merged = base.clone();
    for leaf in &leaves {
        if let Err(message) = set(&mut merged, &leaf.path, leaf.value.clone()) {
            problems.push(located(patch, &leaf.path, &message));
        }
    }
    if !problems.is_empty() {
        return Err(ScenarioError { problems });
    }
    match serde_yaml_ng::from_value::<Scenario>(merged) {
        Ok(patched) => *scenario = patched,
        Err(whole) => {
            // Find the leaves that break the scenario on their own, so that
            // each problem names its line in the patch.
            for leaf in &leaves {
                let mut one = base.clone();
                if set(&mut one, &leaf.path, leaf.value.clone()).is_ok()
                    && let Err(e) = serde_yaml_ng::from_value::<Scenario>(one)
                {
                    problems.push(located(patch, &leaf.path, &serde_message(&e)));
                }
            }
            if problems.is_empty() {
                problems.push(Problem::error(&patch.name, None, None, "", &serde_message(&whole)));
            }
            return Err(ScenarioError { problems });
        }
    }
    let line = |leaf: &Leaf| line_of(&patch.text, &leaf.path);
    Ok(Applied {
        fields: leaves
            .iter()
            .map(|leaf| PatchedField {
                field: field_path(&leaf.path),
                value: inline(leaf.interval.as_ref().map_or(&leaf.value, |(_, raw)| raw)),
                file: patch.name.clone(),
                line: line(leaf),
            })
            .collect(),
        uncertain: leaves
            .iter()
            .filter_map(|leaf| {
                Some(UncertainInput {
                    field: field_path(&leaf.path),
                    path: leaf.path.clone(),
                    interval: leaf.interval.as_ref()?.0,
                    file: patch.name.clone(),
                    line: line(leaf),
                    fraction: uncertain::fields::is_fraction(&leaf.path),
                })
            })
            .collect(),
    })
}

/// A patch value that is an interval (`[low, high]` or `{ low, mid, high
/// }`) on a field that takes one: its median goes into the scenario.
fn interval_leaf(path: &[Step], value: &Value) -> Option<Result<Leaf, String>> {
    if path.len() < 2
        || !(uncertain::is_interval_map(value) || uncertain::is_interval_pair(value, path))
    {
        return None;
    }
    let checked = uncertain::parse_interval(value).and_then(|interval| {
        uncertain::check_path(path)?;
        if uncertain::fields::is_fraction(path) && interval.high > 1.0 {
            return Err(format!("expected a share from 0 to 1, found high {}", interval.high));
        }
        Ok(Leaf {
            path: path.to_vec(),
            value: Value::from(interval.mid),
            interval: Some((interval, value.clone())),
        })
    });
    Some(checked)
}

fn located(patch: &Patch, path: &[Step], message: &str) -> Problem {
    Problem::error(&patch.name, line_of(&patch.text, path), None, &field_path(path), message)
}

/// serde's message without the location serde_yaml_ng appends (a merged
/// value has no lines of its own).
fn serde_message(e: &serde_yaml_ng::Error) -> String {
    let message = e.to_string();
    message.split(" at line ").next().unwrap_or(&message).to_string()
}

/// The leaves of a patch mapping, with named-list items kept apart.
fn collect(
    map: &Mapping,
    path: &mut Vec<Step>,
    leaves: &mut Vec<Leaf>,
    problems: &mut Vec<Problem>,
    patch: &Patch,
) {
    for (key, value) in map {
        let Some(key) = key.as_str() else {
            problems.push(located(patch, path, "expected text keys"));
            continue;
        };
        path.push(Step::Key(key.to_string()));
        if path.len() == 1 && key == "version" {
            problems.push(located(
                patch,
                path,
                "a patch cannot change the scenario's version; leave it out",
            ));
        } else if let Some(leaf) = interval_leaf(path, value) {
            match leaf {
                Ok(leaf) => leaves.push(leaf),
                Err(message) => problems.push(located(patch, path, &message)),
            }
        } else if let Value::Mapping(inner) = value {
            collect(inner, path, leaves, problems, patch);
        } else if let (true, Value::Sequence(items)) = (NAMED_LISTS.contains(&key), value) {
            for (i, item) in items.iter().enumerate() {
                let name = item.as_mapping().and_then(|m| m.get("name")).and_then(Value::as_str);
                match (item, name) {
                    (Value::Mapping(inner), Some(name)) => {
                        path.push(Step::Name(name.to_string()));
                        // Keep the patch's order (remove would swap entries).
                        let rest: Mapping = inner
                            .iter()
                            .filter(|(k, _)| k.as_str() != Some("name"))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                        if rest.is_empty() {
                            problems.push(located(patch, path, "the item sets no field besides its name"));
                        }
                        collect(&rest, path, leaves, problems, patch);
                        path.pop();
                    }
                    _ => problems.push(Problem::error(
                        &patch.name,
                        crate::input::locate::line_of_item(&patch.text, key, i).or_else(|| line_of(&patch.text, path)),
                        None,
                        &field_path(path),
                        &format!(
                            "expected items with a `name` (item {} has none): a patch changes the {key} the scenario already has, by name",
                            i + 1
                        ),
                    )),
                }
            }
        } else {
            leaves.push(Leaf { path: path.clone(), value: value.clone(), interval: None });
        }
        path.pop();
    }
}

/// Sets `value` at `path` in a serialized scenario; named steps pick the
/// list item with that `name`, which must exist.
fn set(root: &mut Value, path: &[Step], value: Value) -> Result<(), String> {
    let mut node = root;
    for (i, step) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        node = match step {
            Step::Key(key) => {
                let map = match node {
                    Value::Mapping(m) => m,
                    Value::Null => {
                        *node = Value::Mapping(Mapping::new());
                        match node {
                            Value::Mapping(m) => m,
                            _ => return Err("internal: not a mapping".into()),
                        }
                    }
                    other => {
                        return Err(format!(
                            "`{}` is {} in the scenario, not a mapping",
                            field_path(&path[..i]),
                            kind(other)
                        ));
                    }
                };
                if last {
                    map.insert(Value::String(key.clone()), value);
                    return Ok(());
                }
                map.entry(Value::String(key.clone())).or_insert(Value::Null)
            }
            Step::Name(name) | Step::Id(name) => {
                let list = field_path(&path[..i]);
                let items = node
                    .as_sequence_mut()
                    .ok_or_else(|| format!("the scenario has no {list} list"))?;
                let known: Vec<String> = items
                    .iter()
                    .filter_map(|item| item.get("name").and_then(Value::as_str).map(str::to_string))
                    .collect();
                items
                    .iter_mut()
                    .find(|item| item.get("name").and_then(Value::as_str) == Some(name.as_str()))
                    .ok_or_else(|| {
                        format!(
                            "the scenario has no {list} item named '{name}' (it has: {}); a patch changes existing items",
                            if known.is_empty() { "none".to_string() } else { known.join(", ") }
                        )
                    })?
            }
        };
    }
    *node = value;
    Ok(())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// A value as one line of YAML: `12.5`, `blocking`, `[1.0, 0.8]`.
fn inline(value: &Value) -> String {
    match value {
        Value::Sequence(items) => {
            format!("[{}]", items.iter().map(inline).collect::<Vec<_>>().join(", "))
        }
        Value::Mapping(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", inline(k), inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Tagged(t) => inline(&t.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Scenario {
        super::super::parse_scenario(
            super::super::DEFAULT_SCENARIO.0,
            super::super::DEFAULT_SCENARIO.1,
        )
        .unwrap()
        .scenario
    }

    #[test]
    fn merges_named_items_and_records_lines() {
        let mut s = base();
        let web = s
            .components
            .iter()
            .find(|c| c.role == crate::scenario::ComponentRole::Web)
            .unwrap()
            .name
            .clone();
        let text = format!(
            "workload:\n  requests_per_online_user_per_min: 4.5\ncomponents:\n  - name: {web}\n    cpu_ms: 12.5\n    concurrency: blocking\n"
        );
        let patch = Patch::parse("p.yaml", &text).unwrap();
        let fields = apply_patch(&mut s, &patch).unwrap().fields;
        assert_eq!(s.workload.requests_per_online_user_per_min, 4.5);
        let c = s.component(&web).unwrap();
        assert_eq!(c.cpu_ms, Some(12.5));
        assert_eq!(c.concurrency, Some(crate::scenario::Concurrency::Blocking));
        assert_eq!(fields.len(), 3);
        assert_eq!(fields[1].field, format!("components.{web}.cpu_ms"));
        assert_eq!(fields[1].line, Some(5));
        assert_eq!(fields[2].value, "blocking");
    }

    #[test]
    fn intervals_set_their_median_and_are_kept_for_sampling() {
        let mut s = base();
        let web = s.components[0].name.clone();
        let text = format!(
            "components:\n  - name: {web}\n    cpu_ms: {{ low: 8, mid: 10, high: 14 }}\n    io_ms: [4, 16]\n"
        );
        let applied = apply_patch(&mut s, &Patch::parse("p.yaml", &text).unwrap()).unwrap();
        let c = s.component(&web).unwrap();
        assert_eq!((c.cpu_ms, c.io_ms), (Some(10.0), Some(8.0)));
        let u = &applied.uncertain;
        assert_eq!(u.len(), 2);
        assert_eq!((u[0].interval.low, u[0].interval.high, u[0].line), (8.0, 14.0, Some(3)));
        assert_eq!(u[1].field, format!("components.{web}.io_ms"));
        assert_eq!(applied.fields[0].value, "{low: 8, mid: 10, high: 14}");
    }

    #[test]
    fn located_errors() {
        let mut s = base();
        let patch = Patch::parse("p.yaml", "components:\n  - name: nope\n    cpu_ms: 3\n").unwrap();
        let e = apply_patch(&mut s, &patch).unwrap_err();
        assert!(e.to_string().contains("p.yaml:3"), "{e}");
        assert!(e.to_string().contains("no components item named 'nope'"), "{e}");
        let web = s.components[0].name.clone();
        let patch = Patch::parse(
            "p.yaml",
            &format!("workload:\n  users: 10\ncomponents:\n  - name: {web}\n    cpu_msx: 3\n"),
        )
        .unwrap();
        let e = apply_patch(&mut s, &patch).unwrap_err();
        assert!(e.to_string().contains("p.yaml:5"), "{e}");
        assert!(e.to_string().contains("unknown field `cpu_msx`"), "{e}");
        assert!(Patch::parse("p.yaml", "- 1\n").is_err());
        let patch = Patch::parse("p.yaml", "version: 2\n").unwrap();
        assert!(apply_patch(&mut s, &patch).unwrap_err().to_string().contains("version"));
    }
}

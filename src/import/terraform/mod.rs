//! Terraform plans in JSON (`terraform show -json PLAN`; format_version 0.1,
//! 0.2 and 1.x): what runs once the plan is applied. Read from
//! `resource_changes[]` (`change.after`; a resource whose actions are only
//! `delete` (or `read`, `forget`) is not running, `create`, `update`, `no-op`
//! and replacements are), or, without it, from `planned_values.root_module`
//! and its nested `child_modules[]` (a state's `values` alike). Data sources
//! are not resources that run and are left out. The AWS resources capplan
//! prices are mapped in `aws.rs`; references between resources (an
//! autoscaling group's launch template, a cluster's instances) are followed
//! by value (`id`, `name`) or through the plan's `configuration` section.
//! The lines hashicorp/setup-terraform's wrapper writes around the JSON
//! (`[command]…terraform-bin show -json…`, `::debug::…`, `::set-output…`)
//! are skipped. Docs: developer.hashicorp.com/terraform/internals/json-format.

mod aws;
mod datastores;
mod ec2;

use super::{ImportError, ImportResult};
use crate::catalog::Catalog;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// One resource instance as it is after the plan.
pub(super) struct Resource<'a> {
    /// JSON path of its attribute values (`resource_changes[3].change.after`).
    pub at: String,
    /// `module.db.aws_db_instance.this[0]`.
    pub address: String,
    /// The module calls from the root (`["db", "db_1"]`), without count or
    /// for_each keys.
    pub module: Vec<String>,
    pub kind: &'a str,
    pub name: &'a str,
    pub values: &'a Map<String, Value>,
    /// Its values before the plan, where it exists already.
    pub before: Option<&'a Map<String, Value>>,
    /// Created by this plan: it does not run yet.
    pub created: bool,
}

/// The resources of a plan with what locates references between them.
pub(super) struct Plan<'a> {
    pub resources: Vec<Resource<'a>>,
    pub configuration: Option<&'a Value>,
    pub variables: Option<&'a Value>,
}

pub fn import(file: &str, text: &str, catalog: &Catalog) -> Result<ImportResult, ImportError> {
    let text = without_wrapper(text.strip_prefix('\u{feff}').unwrap_or(text));
    if text.trim().is_empty() {
        return Err(format!(
            "{file}: no JSON in the file (captured through hashicorp/setup-terraform with nothing but its own lines?): expected the output of `terraform show -json PLAN`"
        ));
    }
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{file}:{}:{}: not JSON: {e}", e.line(), e.column()))?;
    let Some(top) = doc.as_object() else {
        return Err(format!(
            "{file}: expected the object `terraform show -json PLAN` writes, found {}",
            shown(&doc)
        ));
    };
    let plan = Plan {
        resources: read_resources(file, top)?,
        configuration: top.get("configuration"),
        variables: top.get("variables"),
    };
    aws::import(file, &plan, catalog)
}

/// The text with the setup-terraform wrapper's lines blanked, so that the
/// JSON's lines and columns stay those of the file: when the first line is
/// its `[command]…`, that line and every line starting `::` (`::debug::`,
/// `::set-output`, which repeat the output) are emptied.
fn without_wrapper(text: &str) -> Cow<'_, str> {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if !first.trim_start().starts_with("[command]") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("[command]") || trimmed.starts_with("::") {
            if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(line);
        }
    }
    Cow::Owned(out)
}

/// Every managed resource that runs after the plan: from
/// `resource_changes`, else from `planned_values` (or a state's `values`).
fn read_resources<'a>(
    file: &str,
    top: &'a Map<String, Value>,
) -> Result<Vec<Resource<'a>>, ImportError> {
    let mut out = Vec::new();
    match top.get("resource_changes") {
        Some(Value::Array(changes)) if !changes.is_empty() => {
            for (i, change) in changes.iter().enumerate() {
                out.extend(from_change(file, i, change)?);
            }
            return Ok(out);
        }
        Some(Value::Array(_) | Value::Null) | None => {}
        Some(other) => {
            return Err(format!(
                "{file}: resource_changes: expected a list, found {}",
                shown(other)
            ));
        }
    }
    for key in ["planned_values", "values"] {
        if let Some(values) = top.get(key) {
            let at = format!("{key}.root_module");
            match values.get("root_module") {
                Some(root @ Value::Object(_)) => walk_module(file, root, &at, &mut out)?,
                Some(Value::Null) | None => {}
                Some(other) => {
                    return Err(format!(
                        "{file}: {at}: expected a module object, found {}",
                        shown(other)
                    ));
                }
            }
            return Ok(out);
        }
    }
    Err(format!(
        "{file}: expected resource_changes or planned_values (the output of `terraform show -json PLAN`), found neither{}",
        if top.contains_key("format_version") {
            ""
        } else {
            " (and no format_version: not a Terraform plan?)"
        }
    ))
}

fn from_change<'a>(
    file: &str,
    i: usize,
    change: &'a Value,
) -> Result<Option<Resource<'a>>, ImportError> {
    let at = format!("resource_changes[{i}]");
    let Some(entry) = change.as_object() else {
        return Err(format!(
            "{file}: {at}: expected a resource change object, found {}",
            shown(change)
        ));
    };
    if entry.get("mode").and_then(Value::as_str) == Some("data") {
        return Ok(None);
    }
    let kind = resource_type(file, &at, entry)?;
    let Some(Value::Object(body)) = entry.get("change") else {
        return Err(format!(
            "{file}: {at}.change: expected an object with actions and after, found {}",
            entry.get("change").map_or("nothing".into(), shown)
        ));
    };
    let Some(Value::Array(actions)) = body.get("actions") else {
        return Err(format!(
            "{file}: {at}.change.actions: expected a list such as [\"create\"], found {}",
            body.get("actions").map_or("nothing".into(), shown)
        ));
    };
    let actions: Vec<&str> = actions.iter().filter_map(Value::as_str).collect();
    if !actions.iter().any(|a| matches!(*a, "create" | "update" | "no-op")) {
        return Ok(None);
    }
    let values = match body.get("after") {
        Some(Value::Object(values)) => values,
        Some(Value::Null) | None => return Ok(None),
        Some(other) => {
            return Err(format!(
                "{file}: {at}.change.after: expected the resource's attributes, found {}",
                shown(other)
            ));
        }
    };
    let name = entry.get("name").and_then(Value::as_str).unwrap_or("");
    let address = address(entry, kind, name);
    // The module from module_address, else from the address itself.
    let module = match entry.get("module_address").and_then(Value::as_str) {
        Some(module) => module_path(module),
        None => module_path(&address),
    };
    Ok(Some(Resource {
        at: format!("{at}.change.after"),
        address,
        module,
        kind,
        name,
        values,
        before: body.get("before").and_then(Value::as_object),
        created: actions == ["create"],
    }))
}

/// The resources of one module of `planned_values` and of its children.
fn walk_module<'a>(
    file: &str,
    module: &'a Value,
    at: &str,
    out: &mut Vec<Resource<'a>>,
) -> Result<(), ImportError> {
    let path = module_path(module.get("address").and_then(Value::as_str).unwrap_or(""));
    for (j, resource) in list(file, at, module, "resources")?.iter().enumerate() {
        let at = format!("{at}.resources[{j}]");
        let Some(entry) = resource.as_object() else {
            return Err(format!(
                "{file}: {at}: expected a resource object, found {}",
                shown(resource)
            ));
        };
        if entry.get("mode").and_then(Value::as_str) == Some("data") {
            continue;
        }
        let kind = resource_type(file, &at, entry)?;
        let values = match entry.get("values") {
            Some(Value::Object(values)) => values,
            Some(Value::Null) | None => continue,
            Some(other) => {
                return Err(format!(
                    "{file}: {at}.values: expected the resource's attributes, found {}",
                    shown(other)
                ));
            }
        };
        let name = entry.get("name").and_then(Value::as_str).unwrap_or("");
        out.push(Resource {
            at: format!("{at}.values"),
            address: address(entry, kind, name),
            module: path.clone(),
            kind,
            name,
            values,
            before: None,
            created: false,
        });
    }
    for (k, child) in list(file, at, module, "child_modules")?.iter().enumerate() {
        walk_module(file, child, &format!("{at}.child_modules[{k}]"), out)?;
    }
    Ok(())
}

/// A list member of a module, empty when absent.
fn list<'a>(
    file: &str,
    at: &str,
    module: &'a Value,
    key: &str,
) -> Result<&'a [Value], ImportError> {
    match module.get(key) {
        Some(Value::Array(items)) => Ok(items),
        Some(Value::Null) | None => Ok(&[]),
        Some(other) => Err(format!("{file}: {at}.{key}: expected a list, found {}", shown(other))),
    }
}

fn resource_type<'a>(
    file: &str,
    at: &str,
    entry: &'a Map<String, Value>,
) -> Result<&'a str, ImportError> {
    entry.get("type").and_then(Value::as_str).filter(|t| !t.is_empty()).ok_or_else(|| {
        format!(
            "{file}: {at}.type: expected a resource type such as \"aws_instance\", found {}",
            entry.get("type").map_or("nothing".into(), shown)
        )
    })
}

fn address(entry: &Map<String, Value>, kind: &str, name: &str) -> String {
    entry
        .get("address")
        .and_then(Value::as_str)
        .map_or_else(|| format!("{kind}.{name}"), str::to_string)
}

/// `module.a["x.y"].module.b[0]` (or a resource address within it) →
/// `["a", "b"]`: the module calls, without their count or for_each keys.
fn module_path(address: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in address.chars() {
        if quoted {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' if depth > 0 => quoted = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => parts.push(std::mem::take(&mut current)),
            _ if depth == 0 => current.push(c),
            _ => {}
        }
    }
    parts.push(current);
    parts
        .chunks(2)
        .filter(|pair| pair.len() == 2 && pair[0] == "module")
        .map(|pair| pair[1].clone())
        .collect()
}

impl<'a> Plan<'a> {
    /// A resource's block in the `configuration` section: its expressions.
    fn expressions(&self, r: &Resource<'_>) -> Option<&'a Map<String, Value>> {
        let mut module = self.configuration?.get("root_module")?;
        for call in &r.module {
            module = module.get("module_calls")?.get(call)?.get("module")?;
        }
        let address = format!("{}.{}", r.kind, r.name);
        module
            .get("resources")?
            .as_array()?
            .iter()
            .find(|c| c.get("address").and_then(Value::as_str) == Some(address.as_str()))?
            .get("expressions")?
            .as_object()
    }

    /// Whether the configuration gives `from` an expression for `key`.
    pub fn configures(&self, from: &Resource<'_>, key: &str) -> bool {
        self.expressions(from).is_some_and(|e| e.contains_key(key))
    }

    /// The resource of one of `kinds` that `from` points at: one whose
    /// `keys` attribute (`id`, `name`) equals `value`, else the one the
    /// configuration references at `path` (`launch_template.0.id`) in
    /// `from`'s module. Its index in `resources`.
    pub fn referenced(
        &self,
        from: &Resource<'_>,
        value: Option<&str>,
        keys: &[&str],
        path: &str,
        kinds: &[&str],
    ) -> Option<usize> {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            let by_value = self.resources.iter().position(|r| {
                kinds.contains(&r.kind)
                    && keys.iter().any(|k| r.values.get(*k).and_then(Value::as_str) == Some(value))
            });
            if by_value.is_some() {
                return by_value;
            }
        }
        let mut steps = path.split('.');
        let mut node = self.expressions(from)?.get(steps.next()?)?;
        for step in steps {
            node = match step.parse::<usize>() {
                Ok(i) => node.get(i)?,
                Err(_) => node.get(step)?,
            };
        }
        node.get("references")?.as_array()?.iter().filter_map(Value::as_str).find_map(|reference| {
            let mut parts = reference.split('.');
            let kind = parts.next()?;
            let name = parts.next()?.split('[').next()?;
            if !kinds.contains(&kind) {
                return None;
            }
            self.resources
                .iter()
                .position(|r| r.kind == kind && r.name == name && r.module == from.module)
        })
    }

    /// The AWS regions the plan's provider blocks name, as constants or
    /// through a variable's value.
    pub fn regions(&self) -> Vec<String> {
        let Some(Value::Object(providers)) =
            self.configuration.and_then(|c| c.get("provider_config"))
        else {
            return Vec::new();
        };
        let mut regions: Vec<String> = providers
            .iter()
            .filter(|(key, p)| {
                p.get("name").and_then(Value::as_str) == Some("aws") || key.starts_with("aws")
            })
            .filter_map(|(_, p)| {
                let region = p.get("expressions")?.get("region")?;
                if let Some(constant) = region.get("constant_value").and_then(Value::as_str) {
                    return Some(constant.to_string());
                }
                let variable = region
                    .get("references")?
                    .as_array()?
                    .iter()
                    .filter_map(Value::as_str)
                    .find_map(|r| r.strip_prefix("var."))?;
                let value = self.variables?.get(variable)?.get("value")?.as_str()?;
                Some(value.to_string())
            })
            .collect();
        regions.sort();
        regions.dedup();
        regions
    }
}

/// A value as an error shows it: strings and numbers as JSON (cut at 60
/// characters), containers by kind.
pub(super) fn shown(value: &Value) -> String {
    match value {
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
        Value::Null => "null".into(),
        other => {
            let text = other.to_string();
            match text.char_indices().nth(60) {
                Some((cut, _)) => format!("{}…", &text[..cut]),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_drop_count_and_for_each_keys() {
        assert_eq!(module_path("module.db.module.db_1[0].module.x[\"a.b]\"]"), ["db", "db_1", "x"]);
        assert_eq!(module_path("module.app.aws_instance.web[0]"), ["app"]);
        assert!(module_path("aws_instance.web").is_empty());
        assert!(module_path("").is_empty());
    }

    #[test]
    fn the_wrapper_lines_are_blanked_and_lines_kept() {
        let text =
            "[command]/tmp/x/terraform-bin show -json p\n{\"a\":\n1}\n::debug::stdout: {\"a\":1}\n";
        assert_eq!(without_wrapper(text), "\n{\"a\":\n1}\n\n");
        assert_eq!(without_wrapper("{}"), "{}");
    }
}

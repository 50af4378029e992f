//! The overlay as YAML: one provider per document, fields that are absent
//! left out, checked exactly as `--tiers` would check it before it is
//! handed back, so that a file written is a file that loads.

use super::{PriceFileError, PriceImport};
use crate::catalog::{Catalog, Severity};
use serde_json::Value;

impl PriceImport {
    /// The overlay text: `header` as comment lines, then the providers.
    /// An overlay that would not load is an error (a bug), never output.
    pub fn overlay_text(&self, base: &Catalog, header: &str) -> Result<String, PriceFileError> {
        let mut text = String::new();
        for line in header.lines() {
            text.push_str("# ");
            text.push_str(line);
            text.push('\n');
        }
        for (i, provider) in self.providers.iter().enumerate() {
            if i > 0 {
                text.push_str("---\n");
            }
            let value = serde_json::to_value(provider).map_err(|e| bug(&e.to_string()))?;
            let yaml =
                serde_yaml_ng::to_string(&compact(value)).map_err(|e| bug(&e.to_string()))?;
            text.push_str(&yaml);
        }
        let name = "imported overlay";
        let files = crate::catalog::parse_file(name, &text).map_err(|e| bug(&e.to_string()))?;
        for file in &files {
            let embedded = base.providers.iter().find(|p| p.provider == file.provider.provider);
            let problems = crate::catalog::check::check_provider(
                file,
                embedded,
                crate::catalog::STALE_AFTER_DAYS,
            );
            if let Some(problem) = problems.iter().find(|p| p.severity == Severity::Error) {
                return Err(bug(&problem.to_string()));
            }
        }
        Ok(text)
    }
}

fn bug(message: &str) -> PriceFileError {
    PriceFileError::at(
        "",
        None,
        "",
        &format!("the overlay capplan built does not load (a bug in tiers import): {message}"),
    )
}

/// The value without nulls, empty lists and empty maps (every such field
/// of a catalog is optional), so the overlay says only what it sets.
fn compact(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter().map(|(k, v)| (k, compact(v))).filter(|(_, v)| !is_empty(v)).collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(compact).collect()),
        other => other,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

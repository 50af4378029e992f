//! Finds the line of a field in a YAML document by walking a path of keys
//! and `id=` selectors, so that problems found after deserializing (which
//! keeps no spans) can still name a line.

/// One step of a path: a mapping key, or the list item with `id: X`.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Id(String),
    /// The list item with `name: X` (YAML) or `name = "X"` (TOML).
    Name(String),
}

/// The dotted field path of a step path: `components.api.cpu_ms`.
pub fn field_path(path: &[Step]) -> String {
    path.iter()
        .map(|s| match s {
            Step::Key(k) | Step::Id(k) | Step::Name(k) => k.as_str(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The 1-based line of the deepest step found, or `None` if not even the
/// first step is in the text.
pub fn line_of(text: &str, path: &[Step]) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0usize;
    let mut found = None;
    for step in path {
        let hit = lines
            .iter()
            .enumerate()
            .skip(from)
            .find(|(_, line)| matches(line, step))
            .map(|(i, _)| i);
        match hit {
            Some(i) => {
                found = Some(i + 1);
                from = i;
            }
            None => break,
        }
    }
    found
}

/// The 1-based line of item `index` (0-based) of the block list under the
/// top-level `key`, e.g. the third `- ` entry below `assert:`.
pub fn line_of_item(text: &str, key: &str, index: usize) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| has_key(l, key).is_some() && !l.starts_with(' '))?;
    lines
        .iter()
        .enumerate()
        .skip(start + 1)
        .take_while(|(_, l)| l.trim().is_empty() || l.starts_with([' ', '-', '#']))
        .filter(|(_, l)| l.trim_start().starts_with("- "))
        .nth(index)
        .map(|(i, _)| i + 1)
}

fn matches(line: &str, step: &Step) -> bool {
    let code = line.split(" #").next().unwrap_or(line);
    match step {
        Step::Key(key) => has_key(code, key).is_some() || is_table_header(code, key),
        Step::Id(id) => has_value(code, "id", id),
        // Worker jobs are named by their `class`.
        Step::Name(name) => has_value(code, "name", name) || has_value(code, "class", name),
    }
}

/// Whether the line is a TOML table header `[key]`, `[[key]]` or
/// `[parent.key]` (a TOML scenario's `[[components]]` holds its list).
fn is_table_header(code: &str, key: &str) -> bool {
    let name = code.trim().trim_start_matches('[').trim_end_matches(']').trim();
    code.trim_start().starts_with('[')
        && (name == key || name.rsplit('.').next().is_some_and(|last| last.trim() == key))
}

/// The byte offset just after `key:` or `key =` where `key` stands as a
/// whole word.
fn has_key(code: &str, key: &str) -> Option<usize> {
    code.match_indices(key).find_map(|(i, _)| {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return None;
        }
        let rest = &code[i + key.len()..];
        let trimmed = rest.trim_start_matches([' ', '"']);
        let sep = trimmed.chars().next()?;
        (sep == ':' || sep == '=').then(|| code.len() - trimmed.len() + 1)
    })
}

/// Whether `key: value` (quoted or not, YAML or TOML) is on the line.
fn has_value(code: &str, key: &str, value: &str) -> bool {
    let Some(after) = has_key(code, key) else {
        return false;
    };
    let rest = code[after..].trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    rest.strip_prefix(value)
        .is_some_and(|tail| tail.is_empty() || tail.starts_with(['"', '\'', ',', '}', ' ', ']']))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "version: 1\nprovider: x\nofferings:\n  - id: web\n    tiers:\n      - { id: free, price: { monthly_usd: 0 } }\n      - id: standard\n        price:\n          monthly_usd: -25\n  - id: worker\n";

    #[test]
    fn finds_nested_fields() {
        let path = [
            Step::Key("offerings".into()),
            Step::Id("web".into()),
            Step::Key("tiers".into()),
            Step::Id("standard".into()),
            Step::Key("monthly_usd".into()),
        ];
        assert_eq!(line_of(DOC, &path), Some(9));
        assert_eq!(
            line_of(DOC, &[Step::Id("free".into()), Step::Key("monthly_usd".into())]),
            Some(6)
        );
        assert_eq!(line_of(DOC, &[Step::Id("worker".into())]), Some(10));
        assert_eq!(line_of(DOC, &[Step::Id("nope".into())]), None);
        let toml = "[[components]]\nname = \"api\"\ncpu_ms = -3\n";
        assert_eq!(line_of(toml, &[Step::Name("api".into()), Step::Key("cpu_ms".into())]), Some(3));
        let toml =
            "name = \"api\"\n[workload]\ncpu_ms = 1\n[[components]]\nname = \"api\"\ncpu_ms = -3\n";
        let path =
            [Step::Key("components".into()), Step::Name("api".into()), Step::Key("cpu_ms".into())];
        assert_eq!(line_of(toml, &path), Some(6));
        assert_eq!(
            line_of(
                "  - { id: standard-plus }\n  - { id: standard }\n",
                &[Step::Id("standard".into())]
            ),
            Some(2)
        );
    }
}

//! Finds the line of a field in a YAML document by walking a path of keys
//! and `id=` selectors, so that problems found after deserializing (which
//! keeps no spans) can still name a line.

/// One step of a path: a mapping key, or the list item with `id: X`.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Id(String),
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

fn matches(line: &str, step: &Step) -> bool {
    let code = line.split(" #").next().unwrap_or(line);
    match step {
        Step::Key(key) => {
            let pattern = format!("{key}:");
            code.match_indices(&pattern).any(|(i, _)| {
                i == 0
                    || !code.as_bytes()[i - 1].is_ascii_alphanumeric()
                        && code.as_bytes()[i - 1] != b'_'
            })
        }
        Step::Id(id) => ["id: ", "id:"].iter().any(|prefix| {
            [
                format!("{prefix}{id}"),
                format!("{prefix}\"{id}\""),
                format!("{prefix}'{id}'"),
            ]
            .iter()
            .any(|needle| {
                code.match_indices(needle.as_str()).any(|(i, _)| {
                    let before_ok = i == 0
                        || !code.as_bytes()[i - 1].is_ascii_alphanumeric()
                            && code.as_bytes()[i - 1] != b'_';
                    let after = &code[i + needle.len()..];
                    before_ok
                        && (after.trim_start().is_empty() || after.starts_with([',', '}', ' ']))
                })
            })
        }),
    }
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
            line_of(
                DOC,
                &[Step::Id("free".into()), Step::Key("monthly_usd".into())]
            ),
            Some(6)
        );
        assert_eq!(line_of(DOC, &[Step::Id("worker".into())]), Some(10));
        assert_eq!(line_of(DOC, &[Step::Id("nope".into())]), None);
    }
}

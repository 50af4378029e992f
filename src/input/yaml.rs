//! YAML read strictly and safely: the structure pass (nesting depth, tags,
//! alias expansion) before any parser sees the text, and deserialization
//! that reports every bad field, located.

use super::problem::Problem;
use std::fmt;

/// YAML text parsed after the structure pass ([`structure_problem`]): the
/// parser is quadratic on deep flow nesting, so no text it did not check
/// reaches it. A problem is located at the line and column serde gives.
pub fn from_yaml<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<T, Problem> {
    if let Some(problem) = structure_problem(name, text) {
        return Err(problem);
    }
    serde_yaml_ng::from_str(text).map_err(|e| {
        let location = e.location();
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        Problem::error(
            name,
            location.as_ref().map(|l| l.line()),
            location.as_ref().map(|l| l.column()),
            "",
            message,
        )
    })
}

/// Strict YAML deserialization that reports every unknown field and every
/// wrongly typed scalar, not only the first: after each error on a simple
/// `key: value` line, that line is blanked (keeping line numbers) and the
/// text parsed again, up to 50 times.
pub fn parse_yaml_all<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
) -> Result<T, Vec<Problem>> {
    match parse_yaml_recovering(name, text) {
        (Some(value), problems) if problems.is_empty() => Ok(value),
        (_, problems) => Err(problems),
    }
}

/// Like [`parse_yaml_all`], and also the value parsed once the reported
/// lines were blanked, so that later checks can still report their problems.
pub fn parse_yaml_recovering<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
) -> (Option<T>, Vec<Problem>) {
    if let Some(problem) = structure_problem(name, text) {
        return (None, vec![problem]);
    }
    let mut text = text.to_string();
    let mut problems = Vec::new();
    let mut blanked: Option<String> = None;
    for _ in 0..50 {
        match serde_yaml_ng::from_str::<T>(&text) {
            Ok(value) => return (Some(value), problems),
            Err(e) => {
                let location = e.location();
                let full = e.to_string();
                let message = match full.rfind(" at line ") {
                    Some(i) => full[..i].to_string(),
                    None => full.clone(),
                };
                // A field we removed ourselves is not the user's problem.
                if let Some(key) = &blanked
                    && message.contains(&format!("missing field `{key}`"))
                {
                    return (None, problems);
                }
                let (field, rest) = match message.split_once(": ") {
                    Some((field, rest)) if !field.contains(' ') => {
                        (field.to_string(), rest.to_string())
                    }
                    _ => (String::new(), message.clone()),
                };
                let mut line = location.as_ref().map(|l| l.line());
                let mut rest = rest;
                // Several documents: point at the separator that starts the second.
                if line.is_none() && rest.contains("more than one document") {
                    line = second_document_line(&text);
                    rest = "expected one YAML document; a second one starts here (a scenario is one document; a catalog file holds one provider per document, separated by `---` lines)".into();
                }
                problems.push(Problem::error(
                    name,
                    line,
                    location.as_ref().map(|l| l.column()),
                    &field,
                    &rest,
                ));
                let recoverable = rest.starts_with("unknown field")
                    || rest.starts_with("invalid type")
                    || rest.starts_with("invalid value");
                match line.filter(|_| recoverable).and_then(|l| blank_scalar_line(&text, l)) {
                    Some((next, key)) => {
                        text = next;
                        blanked = Some(key);
                    }
                    None => return (None, problems),
                }
            }
        }
    }
    (None, problems)
}

/// The deepest nesting of collections accepted (serde_yaml_ng stops at 128;
/// checking first keeps the YAML parser from running on hostile input).
pub const MAX_DEPTH: usize = 64;

/// Tags a scenario or catalog may carry: YAML's core schema. Others
/// (`!!binary`, `!!timestamp`, application tags) would be read silently as
/// something else, so they are errors.
const ALLOWED_TAGS: [&str; 7] = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!seq", "!!map"];

/// A quick pass over the text before the YAML parser sees it: nesting
/// deeper than [`MAX_DEPTH`] (flow brackets, block indentation and
/// `- - -` sequences), and tags outside the core schema. Quoted scalars and
/// comments are skipped; a bracket inside a plain scalar counts, which only
/// makes the bound stricter by a level or two.
pub fn structure_problem(name: &str, text: &str) -> Option<Problem> {
    let mut aliases = false;
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    let mut quote: Option<char> = None;
    for (index, line) in text.split('\n').enumerate() {
        let number = index + 1;
        let mut chars = line.char_indices().peekable();
        let mut at_token_start = true;
        let mut column_of_content = None;
        let mut block_extra = 0usize;
        // The column is counted only for a problem: counting it for every
        // character would make a long line quadratic.
        let located = |offset: usize, message: &str| {
            let column = line[..offset].chars().count() + 1;
            Some(Problem::error(name, Some(number), Some(column), "", message))
        };
        while let Some((offset, c)) = chars.next() {
            if let Some(q) = quote {
                if c == '\\' && q == '"' {
                    chars.next();
                } else if c == q {
                    if q == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                continue;
            }
            if column_of_content.is_none() && flow == 0 {
                if c == ' ' {
                    continue;
                }
                if c == '#' {
                    break;
                }
                column_of_content = Some(offset);
                while indents.last().is_some_and(|&i| i >= offset) {
                    indents.pop();
                }
                indents.push(offset);
            }
            match c {
                '#' if at_token_start => break,
                '\'' | '"' if at_token_start => quote = Some(c),
                '[' | '{' => flow += 1,
                ']' | '}' => flow = flow.saturating_sub(1),
                '-' if at_token_start
                    && flow == 0
                    && chars.peek().is_none_or(|(_, n)| *n == ' ') =>
                {
                    block_extra += 1
                }
                '*' if at_token_start => aliases = true,
                '!' if at_token_start => {
                    let tag: String = line[offset..]
                        .chars()
                        .take_while(|ch| !ch.is_whitespace() && !matches!(ch, ',' | ']' | '}'))
                        .collect();
                    if !ALLOWED_TAGS.contains(&tag.as_str()) {
                        return located(
                            offset,
                            &format!(
                                "unsupported YAML tag `{tag}`: give the value plainly (tags other than the core schema's !!str, !!int, !!float, !!bool, !!null are not read)"
                            ),
                        );
                    }
                }
                _ => {}
            }
            let depth = indents.len() + block_extra + flow;
            if depth > MAX_DEPTH {
                return located(
                    offset,
                    &format!(
                        "nesting deeper than {MAX_DEPTH} levels: no scenario or catalog needs more"
                    ),
                );
            }
            at_token_start = c.is_whitespace() || matches!(c, '[' | '{' | ',' | ':' | '-');
        }
    }
    // Only a document with aliases can hold more values than its text.
    if aliases { expansion_problem(name, text) } else { None }
}

/// The most values a document may hold once its aliases are expanded: far
/// above any scenario or catalog, low enough that a "billion laughs" file
/// fails at the alias that crosses it, within a few MB.
pub const MAX_EXPANDED_VALUES: usize = 100_000;

/// The values of every document counted as the parser expands aliases,
/// without keeping them; a problem at the alias that passes
/// [`MAX_EXPANDED_VALUES`]. Other errors are left to the real parse.
fn expansion_problem(name: &str, text: &str) -> Option<Problem> {
    use serde::de::DeserializeSeed;
    let left = std::cell::Cell::new(MAX_EXPANDED_VALUES);
    for document in serde_yaml_ng::Deserializer::from_str(text) {
        if let Err(e) = (Count { left: &left }).deserialize(document) {
            let message = e.to_string();
            if !message.contains(TOO_MANY_VALUES) {
                return None;
            }
            let at = e.location();
            return Some(Problem::error(
                name,
                at.as_ref().map(|l| l.line()),
                at.as_ref().map(|l| l.column()),
                "",
                &format!("{TOO_MANY_VALUES} (more than {MAX_EXPANDED_VALUES}), repeating this one"),
            ));
        }
    }
    None
}

const TOO_MANY_VALUES: &str =
    "more values than any scenario or catalog holds once aliases are expanded";

/// Counts values down from `left`, keeping nothing.
struct Count<'a> {
    left: &'a std::cell::Cell<usize>,
}

impl Count<'_> {
    fn one<E: serde::de::Error>(&self) -> Result<(), E> {
        let left = self.left.get().checked_sub(1).ok_or_else(|| E::custom(TOO_MANY_VALUES))?;
        self.left.set(left);
        Ok(())
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Count<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Count<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.one()
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.one()
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.one()
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.one()
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        self.one()
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.one()
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.one()
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.one()?;
        while seq.next_element_seed(Count { left: self.left })?.is_some() {}
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.one()?;
        while map.next_key_seed(Count { left: self.left })?.is_some() {
            map.next_value_seed(Count { left: self.left })?;
        }
        Ok(())
    }
}

/// The line of the `---` that starts a second document (after content).
fn second_document_line(text: &str) -> Option<usize> {
    let mut content = false;
    for (index, line) in text.split('\n').enumerate() {
        let trimmed = line.trim();
        if line.starts_with("---") && content {
            return Some(index + 1);
        }
        if !trimmed.is_empty() && !trimmed.starts_with('#') && !line.starts_with("---") {
            content = true;
        }
    }
    None
}

/// The text with line `line` emptied when it is a `key: scalar` entry of a
/// block mapping (so the rest still parses), with that key.
fn blank_scalar_line(text: &str, line: usize) -> Option<(String, String)> {
    let lines: Vec<&str> = text.split('\n').collect();
    let target = *lines.get(line.checked_sub(1)?)?;
    let trimmed = target.trim_start();
    let indent = target.len() - trimmed.len();
    let (key, value) = trimmed.split_once(':')?;
    if key.is_empty()
        || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        || value.trim().is_empty()
    {
        return None;
    }
    let next_indent =
        lines[line..].iter().find(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len());
    if next_indent.is_some_and(|n| n > indent) {
        return None;
    }
    let mut out: Vec<&str> = lines.clone();
    out[line - 1] = "";
    Some((out.join("\n"), key.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        a: u32,
        b: Option<f64>,
        c: Option<String>,
    }

    #[test]
    fn a_nesting_or_tag_problem_is_located_in_characters_after_a_long_line() {
        // A 200,000-character quoted value of multi-byte characters, then 65
        // brackets after "b: ": the 64th (column 67) is one level too deep
        // beside the mapping. Columns count characters, not bytes.
        let long = "é".repeat(200_000);
        let text = format!("a: \"{long}\"\nb: {}{}\n", "[".repeat(65), "]".repeat(65));
        let problem = structure_problem("f.yaml", &text).expect("too deep");
        assert_eq!((problem.line, problem.column), (Some(2), Some(3 + 64)));
        let text = format!("a: \"{long}\" \nb: x !!binary aGk=\n");
        let problem = structure_problem("f.yaml", &text).expect("a tag");
        assert_eq!((problem.line, problem.column), (Some(2), Some(6)));
        assert!(structure_problem("f.yaml", &format!("a: \"{long}[[[\"\n")).is_none());
    }

    #[test]
    fn an_alias_bomb_is_refused_at_the_alias_that_repeats_too_much() {
        let mut text = format!("a0: &a0 [{}]\n", ["1"; 9].join(","));
        for i in 1..10 {
            text.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                vec![format!("*a{}", i - 1); 9].join(",")
            ));
        }
        let problem = structure_problem("bomb.yaml", &format!("{text}b: *a9\n")).expect("a bomb");
        assert!(problem.message.contains("aliases are expanded"), "{problem}");
        assert!(problem.line.is_some(), "{problem}");
        // A few aliases, as a catalog may use them, are fine.
        assert!(structure_problem("ok.yaml", "a: &x [1, 2]\nb: *x\nc: *x\n").is_none());
    }

    #[test]
    fn reports_every_unknown_field_and_bad_scalar() {
        let problems =
            parse_yaml_all::<Doc>("x.yaml", "a: 1\nzz: 2\nb: lots\nyy: 3\n").unwrap_err();
        let lines: Vec<Option<usize>> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![Some(2), Some(3), Some(4)], "{problems:?}");
        // A required field with a bad value is reported once, not as missing too.
        let problems = parse_yaml_all::<Doc>("x.yaml", "a: many\n").unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(parse_yaml_all::<Doc>("x.yaml", "a: 1\nb: 2.5\n").is_ok());
    }
}

//! A located problem in an input file: severity, file, line, column, field
//! path and message. Shared by catalogs and scenarios.

use serde::Serialize;
use std::fmt;

/// How serious a problem is: `error` (the input cannot be used as it stands) or
/// `warning`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a file, located as precisely as the parser allows.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Problem {
    /// `error` or `warning`.
    pub severity: Severity,
    /// The file the problem is in.
    pub file: String,
    /// 1-based line of the problem; null when it cannot be located.
    pub line: Option<usize>,
    /// 1-based column, in characters; null when not known.
    pub column: Option<usize>,
    /// The field path, e.g. `offerings.web.tiers.standard.price.monthly_usd`.
    pub field: String,
    /// What is wrong, and how to fix it where known.
    pub message: String,
}

impl Problem {
    /// A problem whose field and message are made [`concise`] here, where
    /// every problem is built, so that each output (the error line, the
    /// `check` and `tiers check` tables, JSON) shows the same short text.
    pub fn new(
        severity: Severity,
        file: &str,
        line: Option<usize>,
        column: Option<usize>,
        field: &str,
        message: &str,
    ) -> Self {
        Problem {
            severity,
            file: file.to_string(),
            line,
            column,
            field: concise_field(field),
            message: concise(message),
        }
    }

    pub fn error(
        file: &str,
        line: Option<usize>,
        column: Option<usize>,
        field: &str,
        message: &str,
    ) -> Self {
        Problem::new(Severity::Error, file, line, column, field, message)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if self.severity == Severity::Warning {
            write!(f, ": warning")?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", concise_field(&self.field))?;
        }
        write!(f, ": {}", concise(&self.message))
    }
}

/// The longest quoted value an error echoes: a 1 MB key is shown by its
/// first characters and an ellipsis.
const MAX_ECHO: usize = 80;
/// The most items a `one of a, b, c` list shows before `and N more`.
const MAX_LISTED: usize = 20;
/// The longest message shown whole.
const MAX_MESSAGE: usize = 2000;

/// A message made short enough to read: quoted values (in backticks,
/// single or double quotes) cut to [`MAX_ECHO`] characters, the list after
/// each `one of ` cut to [`MAX_LISTED`] items with how many more, and the
/// whole cut at [`MAX_MESSAGE`].
pub fn concise(message: &str) -> String {
    let mut out = cut_lists(&cut_quoted(message));
    if out.chars().count() > MAX_MESSAGE {
        out = out.chars().take(MAX_MESSAGE).collect::<String>() + "…";
    }
    out
}

/// A field path with each step cut to [`MAX_ECHO`] characters: a path
/// holds the user's names (`components.NAME.cpu_ms`), which may be huge.
pub fn concise_field(field: &str) -> String {
    if field.chars().count() <= MAX_ECHO {
        return field.to_string();
    }
    field
        .split('.')
        .map(|step| match step.char_indices().nth(MAX_ECHO) {
            Some((end, _)) => format!("{}…", &step[..end]),
            None => step.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Every list of more than [`MAX_LISTED`] + 1 items cut to its first
/// [`MAX_LISTED`] and how many more. A list is a run of `, `-separated
/// items without spaces (`a/b, c/d`, `` `x`, `y` ``), whatever introduces
/// it (`one of `, `offerings: `, `it has: `), so no message needs its own cut.
fn cut_lists(message: &str) -> String {
    let parts: Vec<&str> = message.split(", ").collect();
    let plain = |part: &str| !part.contains([' ', ';', '(', ')', '\n']);
    let mut out = String::with_capacity(message.len().min(4 * MAX_MESSAGE));
    let mut i = 0;
    while i < parts.len() {
        // The run is parts[i] (text, then its first item) up to the first
        // later part that holds more than an item (its last item, then text).
        let mut end = i + 1;
        while end < parts.len() && plain(parts[end]) {
            end += 1;
        }
        let last = end.min(parts.len() - 1);
        let items = last - i + 1;
        if i > 0 {
            out.push_str(", ");
        }
        if items > MAX_LISTED + 1 {
            out.push_str(&parts[i..i + MAX_LISTED].join(", "));
            let tail = parts[last];
            let item_end = tail.find([' ', ';', '(', ')', '\n']).unwrap_or(tail.len());
            out.push_str(&format!(", and {} more{}", items - MAX_LISTED, &tail[item_end..]));
            i = last + 1;
        } else {
            out.push_str(parts[i]);
            i += 1;
        }
    }
    out
}

/// Each quoted run longer than [`MAX_ECHO`] characters cut to it.
fn cut_quoted(message: &str) -> String {
    let chars: Vec<char> = message.chars().collect();
    let mut out = String::with_capacity(message.len().min(4 * MAX_MESSAGE));
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // A quote opens a value when it follows a space, a start or an
        // opening bracket (so apostrophes in words are left alone).
        let opens = matches!(c, '`' | '\'' | '"')
            && (i == 0 || matches!(chars[i - 1], ' ' | '(' | '[' | '{' | ':' | '='));
        let close = if opens {
            chars[i + 1..].iter().position(|&d| d == c).map(|p| i + 1 + p)
        } else {
            None
        };
        match close {
            Some(end) if end - i - 1 > MAX_ECHO => {
                out.push(c);
                out.extend(&chars[i + 1..i + 1 + MAX_ECHO - 1]);
                out.push('…');
                out.push(c);
                out.push_str(&format!(" ({} characters)", end - i - 1));
                i = end + 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// The error-severity problems, one per line and each once (two checks
/// that find the same fault say it once): the message of a failed load.
pub fn error_lines(problems: &[Problem]) -> String {
    let mut seen = std::collections::HashSet::new();
    problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.to_string())
        .filter(|line| seen.insert(line.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every problem that makes an input unusable (a catalog, a scenario, a
/// measurement file), each located: the one error type for bad input.
#[derive(Debug, Clone, PartialEq)]
pub struct Problems {
    pub problems: Vec<Problem>,
}

impl Problems {
    /// One error problem.
    pub fn one(problem: Problem) -> Self {
        Problems { problems: vec![problem] }
    }

    /// One error at a file's line, column and field.
    pub fn error(
        file: &str,
        line: Option<usize>,
        column: Option<usize>,
        field: &str,
        message: &str,
    ) -> Self {
        Problems::one(Problem::error(file, line, column, field, message))
    }

    /// One error `at` a line number or, for structured files, a field path.
    pub fn at(file: &str, at: &str, message: impl Into<String>) -> Self {
        let (line, field) = match at.parse::<usize>() {
            Ok(line) => (Some(line), String::new()),
            Err(_) => (None, at.to_string()),
        };
        Problems::error(file, line, None, &field, &message.into())
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&error_lines(&self.problems))
    }
}

impl std::error::Error for Problems {}

/// (errors, warnings) among problems.
pub fn tally(problems: &[Problem]) -> (usize, usize) {
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    (errors, problems.len() - errors)
}

/// Largest scenario or catalog file capplan reads: far above any real one,
/// low enough that a runaway file fails fast instead of exhausting memory.
pub const MAX_INPUT_BYTES: usize = 10 * 1024 * 1024;

/// Reads an input file as UTF-8 text within [`MAX_INPUT_BYTES`].
pub fn read_input(path: &std::path::Path) -> Result<String, Problem> {
    read_text(path, MAX_INPUT_BYTES)
}

/// Reads a regular file as UTF-8 text of at most `limit` bytes: the one
/// reader of every document capplan parses whole (a device, a named pipe
/// or a file past the limit is a located error, never read without end).
pub fn read_text(path: &std::path::Path, limit: usize) -> Result<String, Problem> {
    let name = path.display().to_string();
    let fail = |message: String| Problem::error(&name, None, None, "", &message);
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(fail("expected a file, found a folder".into()));
    }
    // A named pipe or a device never ends or never holds a document:
    // reading one would hang or grow without bound.
    if !meta.is_file() {
        return Err(fail("expected a regular file, found a named pipe, socket or device".into()));
    }
    let too_big = |size: u64| {
        fail(format!(
            "the file is {:.1} MB; files of this kind are limited to {} MB",
            size as f64 / 1048576.0,
            limit / 1048576
        ))
    };
    if meta.len() as usize > limit {
        return Err(too_big(meta.len()));
    }
    // Stop at the limit even if the file grows while it is read.
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(format!("cannot read: {e}")))?;
    if bytes.len() > limit {
        return Err(too_big(bytes.len() as u64));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        // Located like any other problem: the line and column of the byte.
        let valid =
            std::str::from_utf8(&e.as_bytes()[..e.utf8_error().valid_up_to()]).unwrap_or_default();
        let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
        Problem::error(
            &name,
            Some(valid.matches('\n').count() + 1),
            Some(valid[line_start..].chars().count() + 1),
            "",
            "the file is not UTF-8 text (an invalid byte here)",
        )
    })?;
    // A UTF-8 byte-order mark is not part of the document.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Whether a file name says TOML (any case: `app.TOML`).
pub fn is_toml(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".toml")
}

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

#[cfg(test)]
mod concise_tests {
    use super::concise;

    #[test]
    fn long_values_and_lists_are_cut_and_short_ones_kept() {
        let key = "k".repeat(1_000_000);
        let message = format!("unknown field `{key}`, expected `version`");
        let short = concise(&message);
        assert!(short.len() < 200, "{short}");
        assert!(short.contains("(1000000 characters)"), "{short}");
        assert!(short.ends_with("expected `version`"), "{short}");
        let classes: Vec<String> = (0..5000).map(|i| format!("job{i}")).collect();
        let listed =
            concise(&format!("unknown class 'x': expected one of {}; add it", classes.join(", ")));
        assert!(listed.contains("job19, and 4980 more; add it"), "{listed}");
        assert!(!listed.contains("job20,"), "{listed}");
        let plain = "the tier's 'max' is 3, expected one of a, b, c";
        assert_eq!(concise(plain), plain);
    }
}

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

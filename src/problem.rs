//! A located problem in an input file: severity, file, line, column, field
//! path and message. Shared by catalogs and scenarios.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a file, located as precisely as the parser allows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The field path, e.g. `offerings.web.tiers.standard.price.monthly_usd`.
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn error(
        file: &str,
        line: Option<usize>,
        column: Option<usize>,
        field: &str,
        message: &str,
    ) -> Self {
        Problem {
            severity: Severity::Error,
            file: file.to_string(),
            line,
            column,
            field: field.to_string(),
            message: message.to_string(),
        }
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
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

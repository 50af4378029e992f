//! Checks a scenario against itself and the catalog: every problem, each
//! with file, line, field path, what was expected and what was found.

use super::{Scenario, ScenarioError, ScenarioFile};
use crate::catalog::Catalog;
use crate::input::locate::{Step, field_path, line_of};
use crate::input::problem::{Problem, Severity};

mod assertions;
mod component;
mod model_items;
mod requests;
mod stages;
mod timing;
mod usage;
mod workload;
pub use model_items::CacheLifetime;

/// The largest number a scenario field may hold (see `Checker::number`).
pub const MAX_MAGNITUDE: f64 = 1e15;

/// All problems of a scenario; `Err` when any is an error.
pub fn validate(file: &ScenarioFile, catalog: &Catalog) -> Result<Vec<Problem>, ScenarioError> {
    let mut v = Validator { file, problems: Vec::new() };
    v.scenario(&file.scenario, catalog);
    model_items::warn_retired(&mut v, &file.scenario, catalog, &crate::catalog::today());
    if v.problems.iter().any(|p| p.severity == Severity::Error) {
        Err(ScenarioError { problems: v.problems })
    } else {
        Ok(v.problems)
    }
}

pub(super) struct Validator<'a> {
    file: &'a ScenarioFile,
    problems: Vec<Problem>,
}

pub(super) fn key(k: &str) -> Step {
    Step::Key(k.to_string())
}

pub(super) fn named(n: &str) -> Step {
    Step::Name(n.to_string())
}

impl Validator<'_> {
    pub(super) fn error(&mut self, path: &[Step], message: String) {
        self.push(Severity::Error, path, message);
    }

    pub(super) fn warning(&mut self, path: &[Step], message: String) {
        self.push(Severity::Warning, path, message);
    }

    /// Gives the problems from `from` on the column of their field's key
    /// (`cpu_ms:`) or item name on their line, where it can be found.
    pub(super) fn locate_columns(&mut self, from: usize) {
        let text = &self.file.text;
        for problem in self.problems.iter_mut().skip(from) {
            if problem.file != self.file.name || problem.column.is_some() {
                continue;
            }
            let last = problem.field.rsplit('.').next().unwrap_or_default();
            let Some(line) = problem.line.and_then(|l| text.lines().nth(l.saturating_sub(1)))
            else {
                continue;
            };
            if let Some(at) = line.find(&format!("{last}:")).or_else(|| line.find(last)) {
                problem.column = Some(line[..at].chars().count() + 1);
            }
        }
    }

    fn push(&mut self, severity: Severity, path: &[Step], message: String) {
        let field = field_path(path);
        // A field a patch set is located in the patch (the last one that set it).
        let patched = self
            .file
            .patched
            .iter()
            .rev()
            .find(|p| field == p.field || field.starts_with(&format!("{}.", p.field)));
        let (file, line) = match patched {
            Some(p) => (p.file.clone(), p.line),
            None => (self.file.name.clone(), line_of(&self.file.text, path)),
        };
        self.problems.push(Problem::new(severity, &file, line, None, &field, &message));
    }

    /// A number in a range; `what` says the range for the message.
    /// Every number of a scenario is finite and at most 10^15 in size, so
    /// that no product the planner forms from them (users up to 10^12 times
    /// a few ratios) can overflow to infinity.
    pub(super) fn number(
        &mut self,
        path: &[Step],
        value: Option<f64>,
        ok: impl Fn(f64) -> bool,
        what: &str,
    ) {
        if let Some(v) = value {
            if !(v.is_finite() && ok(v)) {
                self.error(path, format!("expected {what}, found {}", show(v)));
            } else if v.abs() > MAX_MAGNITUDE {
                self.error(path, format!("expected {what} of at most 10^15, found {}", show(v)));
            }
        }
    }

    /// Every check, in the order the problems are reported.
    fn scenario(&mut self, s: &Scenario, catalog: &Catalog) {
        if s.name.trim().is_empty() {
            self.error(&[key("name")], "expected a scenario name, found ''".into());
        }
        self.workload(s);
        self.components(s, catalog);
        self.request_classes(s);
        self.usage(s, catalog);
        self.assertions(s);
        self.stages(s, catalog);
        self.current(s, catalog);
        self.environments(s, catalog);
        self.stage_order(s);
    }
}

/// A number as found: scientific notation when plain digits would be unreadable.
pub(super) fn show(v: f64) -> String {
    if v.is_finite() && v != 0.0 && (v.abs() >= 1e15 || v.abs() < 1e-6) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

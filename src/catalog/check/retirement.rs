//! Checks of a usage price's retirement: the date, and the successor the
//! scenarios that use it are told to move to.

use super::{Checker, Severity, key, valid_id};
use crate::catalog::{Provider, UsagePrice, parse_date};
use crate::input::locate::Step;

impl Checker<'_> {
    /// `retired` is a date; `successor` names a model id, warned about (once
    /// per file) when this catalog prices no such model: the replacement
    /// may be newer than the catalog.
    pub(super) fn retirement(&mut self, p: &Provider, upath: &[Step], u: &UsagePrice) {
        if let Some(text) = &u.retired
            && parse_date(text).is_none()
        {
            let mut path = upath.to_vec();
            path.push(key("retired"));
            self.error(&path, format!("expected the retirement date YYYY-MM-DD, found '{text}'"));
        }
        let Some(successor) = &u.successor else {
            return;
        };
        let mut path = upath.to_vec();
        path.push(key("successor"));
        if !valid_id(successor) {
            self.error(&path, format!("expected a model id of this provider, found '{successor}'"));
            return;
        }
        let prefix = format!("{successor}-");
        let priced = |p: &Provider| p.usage.iter().any(|x| x.id.starts_with(&prefix));
        if !(priced(p) || self.base.is_some_and(priced))
            && self.unpriced_successors.insert(successor.clone())
        {
            self.push(
                Severity::Warning,
                &path,
                format!(
                    "successor '{successor}' has no price in this catalog (no '{successor}-input' entry): scenarios are told to move to a model they cannot price here"
                ),
            );
        }
    }
}

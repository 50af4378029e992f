//! A web component's request classes (`requests:`): one rate each (a
//! share or its own), shares summing to at most 1, a CPU time, numbers in
//! range, names unique in the scenario, and no single-class fields beside
//! them.

use super::{Validator, key, named};
use crate::input::locate::Step;
use crate::scenario::{Component, ComponentRole, Scenario};
use std::collections::HashSet;

/// The single-class fields the classes replace.
const CLASS_FIELDS: [&str; 3] = ["cpu_ms", "io_ms", "cv"];

impl Validator<'_> {
    pub(super) fn request_classes(&mut self, s: &Scenario) {
        let from = self.problems.len();
        let mut names = HashSet::new();
        for c in &s.components {
            if c.requests.is_empty() {
                continue;
            }
            let cp = |k: &str| vec![key("components"), named(&c.name), key(k)];
            if c.role != ComponentRole::Web {
                self.error(
                    &cp("requests"),
                    format!(
                        "'requests' applies to web components, not to a {} component",
                        c.role.as_str()
                    ),
                );
                continue;
            }
            for (field, set) in CLASS_FIELDS.iter().zip([c.cpu_ms, c.io_ms, c.cv]) {
                if set.is_some() {
                    self.error(
                        &cp(field),
                        format!("expected {field} on each request class under 'requests' (the component lists its classes), found it on the component"),
                    );
                }
            }
            let mut shares = 0.0;
            for class in &c.requests {
                if !names.insert(class.name.as_str()) {
                    self.error(
                        &[key("components"), named(&c.name), key("requests"), named(&class.name)],
                        format!("duplicate request class '{}': expected names unique in the scenario (usage items name them in 'class')", class.name),
                    );
                }
                shares += self.request_class(c, class);
            }
            if shares > 1.0 + 1e-9 {
                self.error(
                    &cp("requests"),
                    format!("expected the classes' shares of the workload's requests to sum to at most 1, found {}", crate::input::units::trim_float(shares, 6)),
                );
            }
        }
        self.locate_columns(from);
    }

    /// One class's fields; returns its share (0 with a rate of its own).
    fn request_class(&mut self, c: &Component, class: &crate::scenario::RequestClass) -> f64 {
        let base = vec![key("components"), named(&c.name), key("requests"), named(&class.name)];
        let at = |k: &str| {
            let mut p = base.clone();
            p.push(key(k));
            p
        };
        if class.name.trim().is_empty() {
            self.error(&at("name"), "expected a class name, found ''".into());
        }
        let rates = [
            ("share", class.share),
            ("per_online_user_per_min", class.per_online_user_per_min),
            ("per_active_user_per_day", class.per_active_user_per_day),
        ];
        let given: Vec<&str> = rates.iter().filter(|r| r.1.is_some()).map(|r| r.0).collect();
        match given.len() {
            0 => self.error(
                &base,
                format!("request class '{}' needs a rate: expected one of share (of the workload's requests, 0 to 1), per_online_user_per_min or per_active_user_per_day, found none", class.name),
            ),
            1 => {}
            _ => self.error(
                &at(given[1]),
                format!("expected one rate for request class '{}', found {}", class.name, given.join(" and ")),
            ),
        }
        self.number(&at("share"), class.share, |v| (0.0..=1.0).contains(&v), "a share from 0 to 1");
        for (field, value) in &rates[1..] {
            self.number(&at(field), *value, |v| v >= 0.0, "zero or a positive rate");
        }
        if class.cpu_ms.is_none() {
            self.error(
                &base,
                format!(
                    "request class '{}' needs cpu_ms (CPU time per request, ms), found none",
                    class.name
                ),
            );
        }
        self.number(&at("cpu_ms"), class.cpu_ms, |v| v > 0.0, "a positive CPU time in ms");
        self.number(
            &at("cv"),
            class.cv,
            |v| (0.0..=10.0).contains(&v),
            "a coefficient of variation from 0 to 10",
        );
        for (field, value) in [
            ("io_ms", class.io_ms),
            ("memory_mb_while_running", class.memory_mb_while_running),
            ("egress_kb", class.egress_kb),
        ] {
            self.number(&at(field), value, |v| v >= 0.0, "zero or a positive number");
        }
        let slo = |k: &str| {
            let mut p = at("slo");
            p.push(Step::Key(k.into()));
            p
        };
        self.number(
            &slo("percentile"),
            class.slo.percentile,
            |v| (1.0..=99.9).contains(&v),
            "a percentile from 1 to 99.9",
        );
        self.number(
            &slo("response_ms"),
            class.slo.response_ms,
            |v| v > 0.0,
            "a positive time in ms",
        );
        class.share.unwrap_or(0.0)
    }
}

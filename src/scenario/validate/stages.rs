//! The fixed mixes a scenario names: stage templates with their claims,
//! the `current:` mix and staging or preview environments.

use super::{Validator, key, named, show};
use crate::catalog::{Catalog, Role};
use crate::input::locate::Step;
use crate::scenario::Scenario;
use std::collections::HashSet;

impl Validator<'_> {
    pub(super) fn stages(&mut self, s: &Scenario, catalog: &Catalog) {
        let w = &s.workload;
        let mut stage_names = HashSet::new();
        for stage in &s.stages {
            let sp = |k: &str| vec![key("stages"), named(&stage.name), key(k)];
            if !stage_names.insert(stage.name.as_str()) {
                self.error(&sp("name"), format!("duplicate stage name '{}'", stage.name));
            }
            self.claims(&sp("claims"), &stage.claims);
            if stage.mix.is_empty() {
                continue;
            }
            for c in &s.components {
                if !stage.mix.contains_key(&c.name) {
                    self.error(
                        &sp("mix"),
                        format!("the template gives no tier for component '{}'", c.name),
                    );
                }
            }
            for (name, choice) in &stage.mix {
                self.mix_entry(&sp("mix"), s, catalog, name, &choice.tier, choice.count);
            }
            for class in stage.claims.jobs_per_day.keys() {
                if !w.jobs.iter().any(|j| &j.name == class) {
                    self.error(
                        &sp("claims"),
                        format!("unknown job class '{class}' in jobs_per_day"),
                    );
                }
            }
        }
    }

    /// Stages in increasing `max_users`, only the last without one.
    pub(super) fn stage_order(&mut self, s: &Scenario) {
        let mut last = 0.0;
        for (i, stage) in s.stages.iter().enumerate() {
            let path = vec![key("stages"), named(&stage.name), key("max_users")];
            match stage.max_users {
                Some(m) if !(m.is_finite() && m > last) => {
                    self.error(
                        &path,
                        format!("expected stages in increasing max_users, found {m} after {last}"),
                    );
                }
                Some(m) => last = m,
                None if i + 1 != s.stages.len() => {
                    self.error(&path[..2], "only the last stage may omit max_users".into());
                }
                None => {}
            }
        }
    }

    pub(super) fn current(&mut self, s: &Scenario, catalog: &Catalog) {
        if let Some(current) = &s.current {
            let cp = || vec![key("current")];
            for c in &s.components {
                if !current.contains_key(&c.name) {
                    self.error(
                        &cp(),
                        format!("the current mix gives no tier for component '{}'", c.name),
                    );
                }
            }
            for (name, choice) in current {
                self.current_entry(&[key("current"), key(name)], s, catalog, name, choice);
            }
        }
    }

    pub(super) fn environments(&mut self, s: &Scenario, catalog: &Catalog) {
        let mut environment_names = HashSet::new();
        for environment in &s.environments {
            let ep = |k: &str| vec![key("environments"), named(&environment.name), key(k)];
            if environment.name.trim().is_empty() {
                self.error(&ep("name"), "expected a name, found an empty one".into());
            }
            if !environment_names.insert(environment.name.as_str()) {
                self.error(
                    &ep("name"),
                    format!("duplicate environment name '{}'", environment.name),
                );
            }
            match (environment.users, environment.mix.is_empty()) {
                (Some(_), false) => self.error(
                    &ep("users"),
                    "expected either users (planned at that load) or mix (a fixed mix), found both"
                        .into(),
                ),
                (None, true) => self.error(
                    &ep("users"),
                    "expected users (planned at that load) or mix (a fixed mix), found neither"
                        .into(),
                ),
                _ => {}
            }
            self.number(&ep("users"), environment.users, |v| v > 0.0, "a positive user count");
            if environment.copies == Some(0) {
                self.error(&ep("copies"), "expected at least 1 copy, found 0".into());
            }
            for (name, choice) in &environment.mix {
                self.mix_entry(&ep("mix"), s, catalog, name, &choice.tier, choice.count);
            }
        }
    }

    /// A stage's claims: finite, positive user and rate figures, costs and
    /// job counts of zero or more, ranges low to high.
    fn claims(&mut self, path: &[Step], claims: &crate::scenario::Claims) {
        let at = |k: &str| {
            let mut p = path.to_vec();
            p.push(key(k));
            p
        };
        // A single figure is positive (a cost may be zero); a range starts
        // at zero or more ("up to 1,000 users" is [0, 1000]).
        for (name, value, allow_zero) in
            [("users", claims.users, false), ("monthly_usd", claims.monthly_usd, true)]
        {
            match value {
                Some(crate::scenario::ClaimValue::One(v))
                    if !(v.is_finite() && (v > 0.0 || allow_zero && v == 0.0)) =>
                {
                    let what =
                        if allow_zero { "zero or a positive number" } else { "a positive number" };
                    self.error(&at(name), format!("expected {what}, found {}", show(v)))
                }
                Some(crate::scenario::ClaimValue::Range([low, high])) => {
                    let finite = low.is_finite() && high.is_finite();
                    if !finite || low < 0.0 || high <= 0.0 || low > high {
                        self.error(
                            &at(name),
                            format!(
                                "expected [low, high] with 0 ≤ low ≤ high and high above 0, found [{}, {}]",
                                show(low),
                                show(high)
                            ),
                        );
                    }
                }
                _ => {}
            }
        }
        self.number(&at("rpm"), claims.rpm, |v| v > 0.0, "a positive request rate per minute");
        for (class, count) in &claims.jobs_per_day {
            let mut p = at("jobs_per_day");
            p.push(key(class));
            self.number(&p, Some(*count), |v| v >= 0.0, "zero or a positive number of jobs");
        }
    }

    /// One component's tier in a fixed mix (a stage template or an
    /// environment): a known component, an instance tier of its role, and
    /// at least one instance.
    fn mix_entry(
        &mut self,
        path: &[Step],
        s: &Scenario,
        catalog: &Catalog,
        name: &str,
        tier: &str,
        count: u32,
    ) {
        let Some(component) = s.component(name) else {
            self.error(path, format!("unknown component '{name}' in the mix"));
            return;
        };
        let expected = component.role.offering_roles();
        match catalog.tier(tier) {
            None => self.error(path, format!("unknown tier '{tier}' for component '{name}': expected provider/offering/tier as listed by `capplan tiers show`")),
            Some(t) if !t.offering.role.is_some_and(|r| expected.contains(&r)) => self.error(
                path,
                format!(
                    "'{tier}' is not a {} tier, as component '{name}' needs",
                    expected.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" or ")
                ),
            ),
            Some(t) if t.offering.role == Some(Role::Serverless) => self.error(
                path,
                format!("'{tier}' is serverless; a fixed mix names instance tiers"),
            ),
            _ => {}
        }
        if count == 0 {
            self.error(path, format!("component '{name}': expected at least 1 instance, found 0"));
        }
    }

    /// One component of the current mix: a mix entry, with either a count
    /// or an autoscaler's range (compute only), and storage for a database
    /// whose offering sells it.
    fn current_entry(
        &mut self,
        path: &[Step],
        s: &Scenario,
        catalog: &Catalog,
        name: &str,
        choice: &crate::scenario::CurrentTier,
    ) {
        let (min, _) = choice.range();
        self.mix_entry(path, s, catalog, name, &choice.tier, min.max(1));
        let at = |k: &str| [path, &[key(k)]].concat();
        let compute = s.component(name).is_some_and(|c| c.role.is_compute());
        match (choice.count, choice.min, choice.max) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => self.error(
                &at("count"),
                format!("component '{name}': expected count (a fixed mix) or min and max (autoscaled), found both"),
            ),
            (None, Some(_), None) | (None, None, Some(_)) => self.error(
                &at(if choice.min.is_some() { "max" } else { "min" }),
                format!("component '{name}': an autoscaled component needs both min and max"),
            ),
            (None, Some(_), Some(_)) if !compute => self.error(
                &at("min"),
                format!("component '{name}': min and max are for web and worker components; give count"),
            ),
            (None, Some(lo), Some(hi)) if lo == 0 || lo > hi => self.error(
                &at("min"),
                format!("component '{name}': expected 1 ≤ min ≤ max, found min {lo}, max {hi}"),
            ),
            _ => {}
        }
        if let Some(gb) = choice.storage_gb {
            let sells_storage =
                catalog.tier(&choice.tier).is_some_and(|t| t.offering.storage.is_some());
            if !(gb.is_finite() && gb > 0.0) {
                self.error(
                    &at("storage_gb"),
                    format!("expected a storage size in GB above 0, found {gb}"),
                );
            } else if !sells_storage {
                self.error(
                    &at("storage_gb"),
                    format!(
                        "'{}' sells no storage beyond the tier's own: remove storage_gb",
                        choice.tier
                    ),
                );
            }
        }
    }
}

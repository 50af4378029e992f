//! A scenario's assertions (`assert:`): a load to check at, budgets and
//! targets in range, known stages and components.

use super::{Validator, key};
use crate::scenario::Scenario;

impl Validator<'_> {
    pub(super) fn assertions(&mut self, s: &Scenario) {
        for a in &s.assertions {
            let ap = |k: &str| vec![key("assert"), key(k)];
            if a.users.is_none() && a.rpm.is_none() {
                self.error(
                    &[key("assert")],
                    "each assertion needs 'users', 'rpm' or both (a rate at a user count)".into(),
                );
            }
            self.number(
                &ap("users"),
                a.users,
                |v| (1.0..=1e12).contains(&v),
                "a user count from 1 to 10^12",
            );
            self.number(&ap("rpm"), a.rpm, |v| v > 0.0, "a positive request rate per minute");
            self.number(
                &ap("max_monthly_usd"),
                a.max_monthly_usd,
                |v| v >= 0.0,
                "zero or a positive budget in USD",
            );
            self.number(
                &ap("max_monthly_usd_p95"),
                a.max_monthly_usd_p95,
                |v| v >= 0.0,
                "zero or a positive budget in USD",
            );
            self.number(
                &ap("min_slo_probability"),
                a.min_slo_probability,
                |v| (0.0..=1.0).contains(&v),
                "a probability from 0 to 1 (0.95: the mix meets every SLO in 95% of sampled worlds)",
            );
            self.number(
                &ap("max_usd_per_user"),
                a.max_usd_per_user,
                |v| v >= 0.0,
                "zero or a positive budget in USD",
            );
            self.number(&ap("max_p95_ms"), a.max_p95_ms, |v| v > 0.0, "a positive time in ms");
            if let Some(stage) = &a.stage
                && !s.stages.iter().any(|st| &st.name == stage)
            {
                let names: Vec<&str> = s.stages.iter().map(|st| st.name.as_str()).collect();
                self.error(
                    &ap("stage"),
                    format!("unknown stage '{stage}': expected one of {}", names.join(", ")),
                );
            }
            if let Some(component) = &a.component
                && s.component(component).is_none()
            {
                self.error(&ap("component"), format!("unknown component '{component}'"));
            }
        }
    }
}

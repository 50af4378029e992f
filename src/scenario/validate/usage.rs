//! A scenario's usage items: a known price or a serving component, a
//! driver that fits, amounts in range.

use super::{Validator, key, named};
use crate::catalog::Catalog;
use crate::scenario::{ComponentRole, Scenario, UsageDriver};

impl Validator<'_> {
    pub(super) fn usage(&mut self, s: &Scenario, catalog: &Catalog) {
        let w = &s.workload;
        for u in &s.usage {
            let up = |k: &str| vec![key("usage"), named(&u.name), key(k)];
            super::model_items::check_item(self, u, catalog);
            match (&u.price, &u.served_by) {
                _ if u.model.is_some() => {}
                (Some(price), None) => {
                    if catalog.usage(price).is_none() && catalog.tier(price).is_none() {
                        self.error(&up("price"), format!("unknown usage price '{price}': expected provider/usage-id or provider/offering/tier as listed by `capplan tiers show PROVIDER`"));
                    }
                }
                (None, Some(name)) => {
                    if !s.components.iter().any(|c| &c.name == name && (c.role.is_compute() || c.role == ComponentRole::Database)) {
                        self.error(&up("served_by"), format!("unknown component '{name}': expected the name of a web, worker or database component"));
                    }
                    if !matches!(u.driver, UsageDriver::EgressGb | UsageDriver::DbOperations) {
                        self.error(&up("served_by"), "'served_by' applies only to drivers 'egress_gb' and 'db_operations' (with amount in GB per operation)".into());
                    }
                }
                (Some(_), Some(_)) => self.error(&up("served_by"), "give 'price' or 'served_by', not both".into()),
                (None, None) => self.error(&[key("usage"), named(&u.name)], "expected 'price' (provider/usage-id) or 'served_by' (a component whose platform prices the egress)".into()),
            }
            match (u.driver, &u.class) {
                (UsageDriver::Jobs, None) => self.error(
                    &up("driver"),
                    "driver 'jobs' needs 'class' (a workload job class)".into(),
                ),
                (UsageDriver::Jobs, Some(class)) if !w.jobs.iter().any(|j| &j.name == class) => {
                    self.error(&up("class"), format!("unknown job class '{class}'"))
                }
                (UsageDriver::Jobs, _) => {}
                (UsageDriver::Requests, Some(class)) => {
                    let known: Vec<&str> = s
                        .components
                        .iter()
                        .flat_map(|c| c.requests.iter().map(|r| r.name.as_str()))
                        .collect();
                    if !known.contains(&class.as_str()) {
                        self.error(
                            &up("class"),
                            format!(
                                "unknown request class '{class}': expected one of the web components' request classes ({})",
                                if known.is_empty() { "none is listed".to_string() } else { known.join(", ") }
                            ),
                        );
                    }
                }
                (_, Some(_)) => self.error(
                    &up("class"),
                    "'class' applies only to drivers 'jobs' (a job class) and 'requests' (a request class)".into(),
                ),
                _ => {}
            }
            self.number(&up("amount"), Some(u.amount), |v| v >= 0.0, "zero or a positive amount");
            if let Some(mb) = u.files_mb_per_user {
                self.number(
                    &up("files_mb_per_user"),
                    Some(mb),
                    |v| v >= 0.0,
                    "zero or more MB per user",
                );
                let per_gb = u
                    .price
                    .as_deref()
                    .and_then(|p| catalog.usage(p))
                    .map(|(_, price)| price.unit.starts_with("GB"));
                if u.driver != UsageDriver::RegisteredUsers {
                    self.error(
                        &up("files_mb_per_user"),
                        "'files_mb_per_user' needs driver 'registered_users' (files are kept for every user, active or not)".into(),
                    );
                } else if per_gb == Some(false) {
                    self.error(
                        &up("files_mb_per_user"),
                        "'files_mb_per_user' needs a price per GB or GB-month (storage), such as aws/s3-standard-storage".into(),
                    );
                }
            }
            self.number(
                &up("cache_hit_ratio"),
                Some(u.cache_hit_ratio),
                |v| (0.0..1.0).contains(&v),
                "a fraction from 0 to below 1",
            );
        }
    }
}

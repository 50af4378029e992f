//! A scenario's workload: user counts and ratios, rates, sizes, the load
//! profile and job classes (their timing in `timing.rs`).

use super::{Validator, key, named};
use crate::scenario::Scenario;
use std::collections::HashSet;

impl Validator<'_> {
    pub(super) fn workload(&mut self, s: &Scenario) {
        let w = &s.workload;
        let wp = |k: &str| vec![key("workload"), key(k)];
        self.number(
            &wp("users"),
            w.users,
            |v| (1.0..=1e12).contains(&v),
            "a user count from 1 to 10^12",
        );
        self.number(
            &wp("daily_active_ratio"),
            Some(w.daily_active_ratio),
            |v| v > 0.0 && v <= 1.0,
            "a fraction above 0 and at most 1",
        );
        // A day's actives are also the month's: at least that share.
        let daily = w.daily_active_ratio;
        self.number(
            &wp("monthly_active_ratio"),
            w.monthly_active_ratio,
            |v| v >= daily && v <= 1.0,
            "a fraction from the daily_active_ratio to 1 (a day's active users are active that month)",
        );
        self.number(
            &wp("fixed_data_gb"),
            w.fixed_data_gb,
            |v| (0.0..=1e7).contains(&v),
            "a size in GB of at least 0",
        );
        self.number(
            &wp("peak_online_ratio"),
            Some(w.peak_online_ratio),
            |v| v > 0.0 && v <= 1.0,
            "a fraction above 0 and at most 1",
        );
        self.number(
            &wp("requests_per_online_user_per_min"),
            Some(w.requests_per_online_user_per_min),
            |v| v > 0.0,
            "a positive number of requests per minute",
        );
        for (name, value) in [
            ("storage_mb_per_user", w.storage_mb_per_user),
            ("cache_kb_per_online_user", w.cache_kb_per_online_user),
            ("cache_hot_data_mb", w.cache_hot_data_mb),
            ("egress_mb_per_active_user_per_day", w.egress_mb_per_active_user_per_day),
        ] {
            self.number(&wp(name), Some(value), |v| v >= 0.0, "zero or a positive number");
        }
        self.number(
            &wp("requests_per_connection"),
            w.requests_per_connection,
            |v| v >= 1.0,
            "at least 1 request per connection",
        );
        if let Some(seats) = s.seats
            && seats == 0
        {
            self.error(&[key("seats")], "expected at least 1 seat, found 0".into());
        }
        self.number(
            &wp("working_set_ratio"),
            Some(w.working_set_ratio),
            |v| (0.0..=1.0).contains(&v),
            "a fraction from 0 to 1",
        );
        self.timing(s);
        let mut classes = HashSet::new();
        for job in &w.jobs {
            let path = vec![
                key("workload"),
                key("jobs"),
                named(&job.name),
                key("per_active_user_per_day"),
            ];
            if !classes.insert(job.name.as_str()) {
                self.error(&path[..3], format!("duplicate job class '{}'", job.name));
            }
            self.number(
                &path,
                Some(job.per_active_user_per_day),
                |v| v >= 0.0,
                "zero or a positive number of jobs",
            );
        }
    }
}

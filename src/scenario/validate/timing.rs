//! The load's timing: the hourly profile (24 or 168 values, or a weekday
//! and a weekend day), peak events and job schedules.

use super::{Validator, key, named};
use crate::input::locate::Step;
use crate::scenario::{LoadProfile, Scenario};
use std::collections::HashSet;

impl Validator<'_> {
    pub(super) fn timing(&mut self, s: &Scenario) {
        let w = &s.workload;
        if let Some(profile) = &w.load_profile {
            self.profile(profile);
        }
        let mut names = HashSet::new();
        for peak in &w.peaks {
            let path = |k: &str| vec![key("workload"), key("peaks"), named(&peak.name), key(k)];
            if peak.name.trim().is_empty() || !names.insert(peak.name.as_str()) {
                self.error(
                    &path("name")[..3],
                    format!("expected a unique peak event name, found '{}'", peak.name),
                );
            }
            self.number(
                &path("factor"),
                Some(peak.factor),
                |v| v >= 1.0,
                "a multiple of the busiest hour's load of at least 1",
            );
            self.number(
                &path("hours_per_month"),
                Some(peak.hours_per_month),
                |v| v > 0.0 && v <= crate::catalog::HOURS_PER_MONTH,
                "hours a month above 0 and at most 730",
            );
        }
        for job in &w.jobs {
            let Some(schedule) = &job.schedule else { continue };
            let path = |k: &str| {
                vec![key("workload"), key("jobs"), named(&job.name), key("schedule"), key(k)]
            };
            if let Err(message) = schedule.start_minute() {
                self.error(&path("at"), message);
            }
            if let Err(message) = schedule.run_days() {
                self.error(&path("days"), message);
            }
            self.number(
                &path("window_minutes"),
                Some(schedule.window_minutes),
                |v| (1.0..=1440.0).contains(&v),
                "a window from 1 to 1440 minutes",
            );
        }
    }

    fn profile(&mut self, profile: &LoadProfile) {
        let week_form = matches!(profile, LoadProfile::Week(_));
        for (part, values) in profile.lists() {
            let mut path: Vec<Step> = vec![key("workload"), key("load_profile")];
            if !part.is_empty() {
                path.push(key(part));
            }
            let lengths = if week_form {
                "24 hourly values"
            } else {
                "24 hourly values (a day) or 168 (a week, Monday 00:00 first)"
            };
            if week_form && values.len() != 24 || !week_form && ![24, 168].contains(&values.len()) {
                self.error(&path, format!("expected {lengths}, found {}", values.len()));
            } else if let Some((i, v)) =
                values.iter().enumerate().find(|(_, v)| !v.is_finite() || **v < 0.0)
            {
                self.error(
                    &path,
                    format!(
                        "expected non-negative hourly values, found {} at hour {i}",
                        super::show(*v)
                    ),
                );
            } else if values.iter().all(|v| *v == 0.0) && !week_form {
                self.error(
                    &path,
                    "expected non-negative hourly values, at least one above 0, found all 0".into(),
                );
            }
        }
        if week_form && profile.hours().iter().all(|v| *v == 0.0) {
            self.error(
                &[key("workload"), key("load_profile")],
                "expected non-negative hourly values, at least one above 0, found all 0".into(),
            );
        }
    }
}

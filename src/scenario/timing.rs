//! How the load is spread in time as a scenario gives it: the hourly
//! profile (a day, a week, or a weekday and a weekend day), named peak
//! events, and job schedules. `demand::shape` turns them into the one
//! week-shaped profile the planner reads.

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// Relative load hour by hour. The busiest hour is the peak that sizes
/// instances; the average over the period is what usage is billed on.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum LoadProfile {
    /// 24 values (each hour of every day, 00:00 first) or 168 values (each
    /// hour of the week, Monday 00:00 first).
    Hours(Vec<f64>),
    /// A weekday (Monday to Friday) and a weekend day (Saturday, Sunday),
    /// 24 values each: the same as the 168 values they repeat into.
    Week(WeekParts),
}

/// A profile given as one weekday and one weekend day.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeekParts {
    /// Relative load in each hour of Monday to Friday (24 values, 00:00 first).
    pub weekday: Vec<f64>,
    /// Relative load in each hour of Saturday and Sunday (24 values, 00:00 first).
    pub weekend: Vec<f64>,
}

impl LoadProfile {
    /// The values as given, each list under its field name.
    pub fn lists(&self) -> Vec<(&'static str, &[f64])> {
        match self {
            LoadProfile::Hours(hours) => vec![("", hours.as_slice())],
            LoadProfile::Week(w) => {
                vec![("weekday", w.weekday.as_slice()), ("weekend", w.weekend.as_slice())]
            }
        }
    }

    /// The hourly values over the period they describe: 24 for a day, 168
    /// for a week (Monday 00:00 first).
    pub fn hours(&self) -> Vec<f64> {
        match self {
            LoadProfile::Hours(hours) => hours.clone(),
            LoadProfile::Week(w) => {
                let mut week = Vec::with_capacity(168);
                for day in 0..7 {
                    week.extend_from_slice(if day < 5 { &w.weekday } else { &w.weekend });
                }
                week
            }
        }
    }
}

impl<'de> Deserialize<'de> for LoadProfile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Shape;
        impl<'de> Visitor<'de> for Shape {
            type Value = LoadProfile;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "24 hourly values (a day), 168 (a week, Monday 00:00 first) or \
                     {weekday: [24 values], weekend: [24 values]}",
                )
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<LoadProfile, A::Error> {
                Vec::<f64>::deserialize(SeqAccessDeserializer::new(seq)).map(LoadProfile::Hours)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<LoadProfile, A::Error> {
                WeekParts::deserialize(MapAccessDeserializer::new(map)).map(LoadProfile::Week)
            }
        }
        deserializer.deserialize_any(Shape)
    }
}

/// A named event (a launch, a sale) during which the busiest hour's load
/// is `factor` times the profile's: instances are sized for it; its extra
/// volume, (factor − 1) × the busiest hour for `hours_per_month` hours,
/// is added to the month's usage and nothing else changes.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeakEvent {
    /// What the event is called (reports name it).
    pub name: String,
    /// The event's load as a multiple of the profile's busiest hour (at least 1).
    pub factor: f64,
    /// Hours a month the event lasts (above 0, at most 730).
    pub hours_per_month: f64,
}

/// When a scheduled job class runs: once at `at` on each day of `days`,
/// all of a run's jobs to be done within `window_minutes`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Start time of each run, "HH:MM" (00:00 to 23:59, the profile's clock).
    pub at: String,
    /// The days it runs: `daily` (default), `weekdays`, `weekends`, or a
    /// list of days (`[mon, sat]`).
    #[serde(default)]
    pub days: Option<ScheduleDays>,
    /// Minutes a run may take, from 1 to 1440: the workers are sized to
    /// finish a run's jobs within it.
    pub window_minutes: f64,
}

/// The days a schedule names.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ScheduleDays {
    /// `daily`, `weekdays` or `weekends`.
    Named(String),
    /// Days of the week: `mon`, `tue`, `wed`, `thu`, `fri`, `sat`, `sun`.
    List(Vec<String>),
}

/// The days of the week, Monday first.
pub const WEEKDAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Schedule {
    /// Minutes after midnight a run starts, or why `at` is not a time.
    pub fn start_minute(&self) -> Result<u32, String> {
        let bad =
            || format!("expected a time \"HH:MM\" from 00:00 to 23:59, found \"{}\"", self.at);
        let (h, m) = self.at.split_once(':').ok_or_else(bad)?;
        let digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(h) || !digits(m) {
            return Err(bad());
        }
        let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if h > 23 || m > 59 {
            return Err(bad());
        }
        Ok(h * 60 + m)
    }

    /// Which days of the week (Monday first) a run starts on, or why
    /// `days` names none.
    pub fn run_days(&self) -> Result<[bool; 7], String> {
        let named = |name: &str| -> Option<[bool; 7]> {
            match name {
                "daily" => Some([true; 7]),
                "weekdays" => Some([true, true, true, true, true, false, false]),
                "weekends" => Some([false, false, false, false, false, true, true]),
                _ => None,
            }
        };
        match &self.days {
            None => Ok([true; 7]),
            Some(ScheduleDays::Named(name)) => named(name).ok_or_else(|| {
                format!(
                    "expected daily, weekdays, weekends or a list of days (mon … sun), found \"{name}\""
                )
            }),
            Some(ScheduleDays::List(list)) => {
                let mut days = [false; 7];
                for day in list {
                    let i = WEEKDAY_NAMES.iter().position(|d| d == day).ok_or_else(|| {
                        format!("expected a day of the week (mon … sun), found \"{day}\"")
                    })?;
                    days[i] = true;
                }
                if list.is_empty() {
                    return Err("expected at least one day of the week, found none".into());
                }
                Ok(days)
            }
        }
    }

    /// The days as written: `daily`, `weekdays`, `mon, sat`.
    pub fn days_label(&self) -> String {
        match &self.days {
            None => "daily".into(),
            Some(ScheduleDays::Named(name)) => name.clone(),
            Some(ScheduleDays::List(list)) => list.join(", "),
        }
    }

    /// Whether it runs every day (the profile may stay a day long).
    pub fn is_daily(&self) -> bool {
        self.run_days().is_ok_and(|d| d.iter().all(|&r| r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Schedule {
        Schedule { at: s.into(), days: None, window_minutes: 60.0 }
    }

    #[test]
    fn times_and_days() {
        assert_eq!(at("02:00").start_minute(), Ok(120));
        assert_eq!(at("23:59").start_minute(), Ok(1439));
        for bad in ["24:00", "2:00", "02:60", "0200", "ab:cd", ""] {
            assert!(at(bad).start_minute().is_err(), "{bad}");
        }
        let mut s = at("01:00");
        s.days = Some(ScheduleDays::List(vec!["mon".into(), "sat".into()]));
        assert_eq!(s.run_days(), Ok([true, false, false, false, false, true, false]));
        s.days = Some(ScheduleDays::Named("fortnightly".into()));
        assert!(s.run_days().is_err());
    }
}

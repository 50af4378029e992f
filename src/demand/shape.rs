//! The load over time as the planner reads it: one periodic profile (a day
//! of 24 hours, or a week of 168 hours from Monday 00:00) as shares of the
//! sizing peak, the scenario's peak events, and when scheduled job classes
//! run. Every hour-by-hour charge (autoscaling, CPU credits, load balancer
//! and capacity units, cache writes) integrates over `hours()` and weights
//! one period to the 730-hour month with `periods_per_month()`, so no
//! charge assumes a period of 24 hours.
//!
//! Peak events: an event is `hours_per_month` hours in which the busiest
//! hour's load is `factor` × the profile's. The sizing peak is the busiest
//! hour times the largest factor; each event adds (factor − 1) × the
//! busiest hour's volume for its hours to the month (the event hours are
//! busiest hours raised by the factor); the rest of the month is the
//! profile. Autoscaled instances run the event's count during its hours.

use crate::catalog::HOURS_PER_MONTH;
use crate::scenario::{JobClass, PeakEvent, Workload};

/// Samples per hour of the profile (every 10 minutes): autoscaling and
/// scheduled runs.
pub const SAMPLES_PER_HOUR: usize = 6;

/// One period of load, as shares of the sizing peak.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadShape {
    /// Shares of the sizing peak, hour by hour (24 or 168 of them).
    hours: Vec<f64>,
    /// Peak events: their share of the sizing peak and hours a month.
    events: Vec<(f64, f64)>,
    /// The profile's busiest hour ÷ its average hour.
    profile_ratio: f64,
    /// The largest event factor (1 without events).
    event_factor: f64,
    /// Σ (factor − 1) × hours a month: the events' extra volume in busiest hours.
    extra_peak_hours: f64,
    /// Scheduled job classes: at each 10-minute sample of the period,
    /// whether a run is under way.
    runs: Vec<(String, Vec<bool>)>,
}

impl LoadShape {
    /// The shape of a workload: its profile (flat without one), a week
    /// long when the profile or a schedule needs a week, its events and
    /// its schedules. A 24-value profile without weekly schedules stays a
    /// day, so it means exactly what it always has.
    pub fn new(w: &Workload) -> LoadShape {
        let given = w.load_profile.as_ref().map(|p| p.hours()).unwrap_or_default();
        Self::build(given, &w.peaks, &w.jobs)
    }

    /// A bare profile's shape (no events, no schedules).
    pub fn from_profile(values: Vec<f64>) -> LoadShape {
        Self::build(values, &[], &[])
    }

    fn build(given: Vec<f64>, peaks: &[PeakEvent], jobs: &[JobClass]) -> LoadShape {
        let max = given.iter().cloned().fold(0.0, f64::max);
        let (mut raw, max) =
            if given.is_empty() || max <= 0.0 { (vec![1.0; 24], 1.0) } else { (given, max) };
        let mean = raw.iter().sum::<f64>() / raw.len() as f64;
        let profile_ratio = if mean > 0.0 { max / mean } else { 1.0 };
        let weekly_schedule =
            jobs.iter().filter_map(|j| j.schedule.as_ref()).any(|s| !s.is_daily());
        if raw.len() == 24 && weekly_schedule {
            raw = raw.repeat(7);
        }
        let event_factor = peaks.iter().map(|p| p.factor).fold(1.0, f64::max);
        let hours = raw.iter().map(|v| v / max / event_factor).collect();
        let events = peaks.iter().map(|p| (p.factor / event_factor, p.hours_per_month)).collect();
        let extra_peak_hours =
            peaks.iter().map(|p| (p.factor - 1.0).max(0.0) * p.hours_per_month).sum();
        let period_minutes = raw.len() * 60;
        let runs = jobs
            .iter()
            .filter_map(|j| {
                Some((j.name.clone(), run_samples(j.schedule.as_ref()?, period_minutes)))
            })
            .collect();
        LoadShape { hours, events, profile_ratio, event_factor, extra_peak_hours, runs }
    }

    /// Shares of the sizing peak, hour by hour over the period.
    pub fn hours(&self) -> &[f64] {
        &self.hours
    }

    /// Hours in one period: 24 or 168.
    pub fn period_hours(&self) -> f64 {
        self.hours.len().max(1) as f64
    }

    /// Periods in a 730-hour month (30.42 days, or 4.35 weeks).
    pub fn periods_per_month(&self) -> f64 {
        HOURS_PER_MONTH / self.period_hours()
    }

    /// Seconds one hour of the period adds up to in a month.
    pub fn hour_seconds_per_month(&self) -> f64 {
        self.periods_per_month() * 3600.0
    }

    /// The busiest hour of the profile, as a share of the sizing peak
    /// (below 1 when an event raises the peak).
    pub fn busiest_hour(&self) -> f64 {
        self.hours.iter().copied().fold(0.0, f64::max)
    }

    /// The sizing peak over the profile's busiest hour (the largest
    /// event factor; 1 without events).
    pub fn event_factor(&self) -> f64 {
        self.event_factor
    }

    /// Peak events as (share of the sizing peak, hours a month).
    pub fn events(&self) -> &[(f64, f64)] {
        &self.events
    }

    /// Sizing peak ÷ the month's average hour, events included.
    pub fn peak_to_average(&self) -> f64 {
        if self.events.is_empty() {
            self.profile_ratio
        } else {
            self.event_factor / (1.0 / self.profile_ratio + self.extra_peak_hours / HOURS_PER_MONTH)
        }
    }

    /// The month's volume over the profile's alone: 1 + the events' extra.
    pub fn volume_factor(&self) -> f64 {
        1.0 + self.extra_peak_hours * self.profile_ratio / HOURS_PER_MONTH
    }

    /// The profile's busiest hour over its average hour (no events).
    pub fn profile_peak_to_average(&self) -> f64 {
        self.profile_ratio
    }

    /// The profile sampled every 10 minutes: linear between hours, wrapping.
    pub fn samples(&self) -> Vec<f64> {
        let hours = self.hours.len().max(1);
        (0..hours * SAMPLES_PER_HOUR)
            .map(|i| {
                let (hour, step) = (i / SAMPLES_PER_HOUR, i % SAMPLES_PER_HOUR);
                let from = self.hours.get(hour).copied().unwrap_or(1.0);
                let to = self.hours.get((hour + 1) % hours).copied().unwrap_or(1.0);
                from + (to - from) * step as f64 / SAMPLES_PER_HOUR as f64
            })
            .collect()
    }

    /// When the scheduled classes run, beside the others' share at each
    /// sample (1 at the busiest, which peak events raise to the sizing
    /// peak); `None` without a scheduled class.
    pub fn run_times(&self) -> Option<std::sync::Arc<super::RunTimes>> {
        if self.runs.is_empty() {
            return None;
        }
        let busiest = self.busiest_hour();
        let shares = self
            .samples()
            .into_iter()
            .map(|share| if share >= busiest * (1.0 - 1e-12) { 1.0 } else { share })
            .collect();
        Some(std::sync::Arc::new(super::RunTimes { shares, runs: self.runs.clone() }))
    }

    /// Whether any job class runs on a schedule.
    pub fn has_runs(&self) -> bool {
        !self.runs.is_empty()
    }

    /// Whether `class` runs on a schedule, and if so whether a run is under
    /// way at 10-minute sample `sample` of the period.
    pub fn running(&self, class: &str, sample: usize) -> Option<bool> {
        self.runs
            .iter()
            .find(|(c, _)| c == class)
            .map(|(_, s)| s.get(sample).copied().unwrap_or(false))
    }
}

/// Runs a month of a schedule (one on each scheduled day of the week,
/// weighted to 730 hours) and its start minute.
pub fn runs_per_month(schedule: &crate::scenario::Schedule) -> f64 {
    let days = schedule.run_days().map_or(7, |d| d.iter().filter(|&&r| r).count());
    days as f64 * HOURS_PER_MONTH / 168.0
}

/// At each 10-minute sample of a period of `period_minutes`, whether a run
/// of `schedule` covers any of its 10 minutes (runs wrap past the period's
/// end into its start).
fn run_samples(schedule: &crate::scenario::Schedule, period_minutes: usize) -> Vec<bool> {
    let step = 60 / SAMPLES_PER_HOUR;
    let mut covered = vec![false; period_minutes.div_ceil(step)];
    let start = schedule.start_minute().unwrap_or(0) as usize;
    let window = schedule.window_minutes.clamp(1.0, 1440.0).ceil() as usize;
    let days = schedule.run_days().unwrap_or([true; 7]);
    let day_count = period_minutes / 1440;
    // A day-long period holds only daily schedules.
    for (day, &runs) in days.iter().enumerate().take(day_count) {
        if day_count == 7 && !runs {
            continue;
        }
        let first = day * 1440 + start;
        for minute in first..first + window {
            let m = minute % period_minutes;
            covered[m / step] = true;
        }
    }
    covered
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{DEFAULT_SCENARIO, LoadProfile, WeekParts, parse_scenario};

    fn workload() -> Workload {
        parse_scenario(DEFAULT_SCENARIO.0, DEFAULT_SCENARIO.1).unwrap().scenario.workload
    }

    #[test]
    fn a_day_stays_a_day_and_a_week_form_repeats() {
        let mut w = workload();
        let day: Vec<f64> = (0..24).map(|h| 1.0 + h as f64).collect();
        w.load_profile = Some(LoadProfile::Hours(day.clone()));
        let shape = LoadShape::new(&w);
        assert_eq!(shape.hours().len(), 24);
        assert_eq!(shape.periods_per_month(), HOURS_PER_MONTH / 24.0);
        assert_eq!(shape.peak_to_average(), 24.0 / 12.5);
        w.load_profile = Some(LoadProfile::Week(WeekParts { weekday: day.clone(), weekend: day }));
        let week = LoadShape::new(&w);
        assert_eq!(week.hours().len(), 168);
        assert_eq!(&week.hours()[144..168], shape.hours());
    }

    #[test]
    fn a_peak_event_raises_the_peak_and_adds_its_hours() {
        let mut w = workload();
        w.load_profile = Some(LoadProfile::Hours(vec![1.0; 24]));
        w.peaks = vec![crate::scenario::PeakEvent {
            name: "launch".into(),
            factor: 3.0,
            hours_per_month: 73.0,
        }];
        let shape = LoadShape::new(&w);
        // Flat at a third of the sizing peak; the month's mean is
        // 1 + 2 × 73 / 730 = 1.2 busiest hours: peak ÷ mean = 3 / 1.2.
        assert!((shape.busiest_hour() - 1.0 / 3.0).abs() < 1e-12);
        assert!((shape.peak_to_average() - 2.5).abs() < 1e-12);
        assert!((shape.volume_factor() - 1.2).abs() < 1e-12);
    }
}

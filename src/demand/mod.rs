//! The demand model: users → daily active → online at peak → request and
//! job rates, database and cache operations, storage, cache memory, egress.
//! Instance sizing uses the peak hour (raised by peak events); usage costs
//! use the average over the profile's period (a day or a week, `shape`).
//! A scheduled job class runs at the rate that finishes a run in its window.

pub mod classes;
pub mod shape;

pub use classes::ClassRate;
pub use shape::LoadShape;

use crate::catalog::{HOURS_PER_MONTH, QuotaMetric};
use crate::scenario::{Component, ComponentRole, Scenario, WorkerJob};
use serde::Serialize;
use std::sync::Arc;

/// Rates and sizes for one user count. Rates per second, sizes in GB/MB.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Demand {
    pub users: f64,
    pub daily_active_users: f64,
    /// Registered users × `monthly_active_ratio` (all of them without it).
    pub monthly_active_users: f64,
    pub online_users: f64,
    pub peak_rps: f64,
    pub peak_rpm: f64,
    pub average_rps: f64,
    /// Peak jobs per second, by workload job class (scenario order).
    pub peak_jobs_per_s: Vec<(String, f64)>,
    pub jobs_per_month: Vec<(String, f64)>,
    pub requests_per_month: f64,
    pub db_ops_per_s: f64,
    pub cache_ops_per_s: f64,
    pub storage_gb: f64,
    pub working_set_gb: f64,
    pub cache_mb: f64,
    pub egress_gb_per_month: f64,
    /// Peak hour ÷ average hour of the load profile.
    pub peak_to_average: f64,
    /// The providers the web and worker components may run on (their
    /// candidates'): a datastore elsewhere sends its replies out of its
    /// platform, which bills them as egress.
    #[serde(skip)]
    #[schemars(skip)]
    pub compute_providers: Vec<String>,
    /// Components whose outbound data the scenario's usage items give
    /// (`served_by`): what they send is not estimated again.
    #[serde(skip)]
    #[schemars(skip)]
    pub egress_served_by: Vec<String>,
    /// Job classes run on a schedule: how big a run is and its window.
    #[serde(skip)]
    #[schemars(skip)]
    pub scheduled: Vec<ScheduledRun>,
    /// When the scheduled classes run beside the others, so that a worker
    /// is sized at the moment its classes together are busiest, not as if
    /// every class peaked at once. `None`: no schedule, or the rates are
    /// already those of one moment (`at_share_of_peak`).
    #[serde(skip)]
    #[schemars(skip)]
    pub run_times: Option<Arc<RunTimes>>,
    /// Web components' request classes (`requests:`), scenario order.
    #[serde(skip)]
    #[schemars(skip)]
    pub request_classes: Vec<ClassRate>,
}

/// One scheduled job class's run at this demand.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledRun {
    pub class: String,
    /// Jobs in one run (daily active users × the class's jobs per user).
    pub jobs_per_run: f64,
    /// The time a run must finish in, seconds.
    pub window_s: f64,
    /// When it runs, as the scenario says it ("02:00 daily").
    pub when: String,
}

/// Every 10-minute sample of the load's period: the unscheduled classes'
/// rate as a share of their peak, and which scheduled classes run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunTimes {
    /// 1 in the busiest samples (where peak events raise the load), else
    /// the profile's share there.
    pub shares: Vec<f64>,
    /// Scheduled classes: at each sample, whether a run is under way.
    pub runs: Vec<(String, Vec<bool>)>,
}

pub const DAYS_PER_MONTH: f64 = HOURS_PER_MONTH / 24.0;

impl Demand {
    /// A quota metric's monthly volume (average load, not the peak): what
    /// a provider's monthly quota counts.
    pub fn monthly_volume(&self, metric: QuotaMetric) -> f64 {
        let seconds_per_month = HOURS_PER_MONTH * 3600.0;
        let average = |peak_per_s: f64| peak_per_s / self.peak_to_average * seconds_per_month;
        match metric {
            QuotaMetric::CacheCommands => average(self.cache_ops_per_s),
            QuotaMetric::DbOperations => average(self.db_ops_per_s),
            QuotaMetric::Requests => self.requests_per_month,
            QuotaMetric::CacheGb => self.cache_mb / 1024.0,
            QuotaMetric::EgressGb => self.egress_gb_per_month,
        }
    }

    /// The demand when the request and job rates are `factor` × the peak
    /// (an hour of the load profile); sizes and monthly volumes unchanged.
    pub fn at_share_of_peak(&self, factor: f64) -> Demand {
        let mut scaled = self.clone();
        scaled.peak_rps *= factor;
        scaled.peak_rpm *= factor;
        scaled.db_ops_per_s *= factor;
        scaled.cache_ops_per_s *= factor;
        for (_, rate) in &mut scaled.peak_jobs_per_s {
            *rate *= factor;
        }
        for class in &mut scaled.request_classes {
            class.peak_rps *= factor;
        }
        // One moment's rates: the caller sets the scheduled ones.
        scaled.run_times = None;
        scaled
    }

    /// A worker's job rates, one per job, at the sizing moment where one
    /// of its classes runs on a schedule: the 10-minute sample where its
    /// classes together keep the most jobs in progress (Σ rate × duration),
    /// a scheduled class at its window's rate while a run is under way and
    /// 0 between runs, the others at the profile's share. `None`: no class
    /// of its runs on a schedule, so each class's peak rate sizes it.
    pub fn coincident_rates(&self, jobs: &[WorkerJob]) -> Option<Vec<f64>> {
        let times = self.run_times.as_ref()?;
        let runs: Vec<Option<&Vec<bool>>> = jobs
            .iter()
            .map(|j| times.runs.iter().find(|(c, _)| *c == j.class).map(|(_, on)| on))
            .collect();
        if runs.iter().all(Option::is_none) {
            return None;
        }
        let peak: Vec<f64> = jobs.iter().map(|j| self.peak_jobs(&j.class)).collect();
        let at = |sample: usize, share: f64| -> Vec<f64> {
            peak.iter()
                .zip(&runs)
                .map(|(&rate, on)| match on {
                    Some(on) if on.get(sample).copied().unwrap_or(false) => rate,
                    Some(_) => 0.0,
                    None => rate * share,
                })
                .collect()
        };
        let mut best: Option<(f64, Vec<f64>)> = None;
        for (sample, &share) in times.shares.iter().enumerate() {
            let rates = at(sample, share);
            let busy: f64 = rates.iter().zip(jobs).map(|(r, j)| r * j.duration_s).sum();
            if best.as_ref().is_none_or(|(most, _)| busy > *most) {
                best = Some((busy, rates));
            }
        }
        best.map(|(_, rates)| rates)
    }

    /// The request classes a web component serves (none in the single-class form).
    pub fn classes_of<'a>(&'a self, component: &'a str) -> impl Iterator<Item = &'a ClassRate> {
        self.request_classes.iter().filter(move |c| c.component == component)
    }

    /// A web component's peak requests per second: its classes' together,
    /// or the workload's in the single-class form.
    pub fn component_peak_rps(&self, component: &Component) -> f64 {
        if component.requests.is_empty() {
            self.peak_rps
        } else {
            self.classes_of(&component.name).map(|c| c.peak_rps).sum()
        }
    }

    /// A web component's requests per month, as `component_peak_rps` counts them.
    pub fn component_requests_per_month(&self, component: &Component) -> f64 {
        if component.requests.is_empty() {
            self.requests_per_month
        } else {
            self.classes_of(&component.name).map(|c| c.per_month).sum()
        }
    }

    /// One request class's requests per month (0 for an unknown name).
    pub fn class_requests_per_month(&self, class: &str) -> f64 {
        self.request_classes.iter().find(|c| c.class == class).map_or(0.0, |c| c.per_month)
    }

    pub fn peak_jobs(&self, class: &str) -> f64 {
        self.peak_jobs_per_s.iter().find(|(c, _)| c == class).map_or(0.0, |(_, r)| *r)
    }

    pub fn monthly_jobs(&self, class: &str) -> f64 {
        self.jobs_per_month.iter().find(|(c, _)| c == class).map_or(0.0, |(_, r)| *r)
    }
}

/// Sizing peak ÷ the month's average hour of a scenario's load (1 if flat).
pub fn peak_to_average(scenario: &Scenario) -> f64 {
    LoadShape::new(&scenario.workload).peak_to_average()
}

/// Users whose peak request rate is `rps` under the scenario's ratios.
pub fn users_for_rps(scenario: &Scenario, rps: f64) -> f64 {
    let w = &scenario.workload;
    rps * 60.0 / (w.requests_per_online_user_per_min * w.peak_online_ratio * w.daily_active_ratio)
}

/// A user count as every command takes it: rounded to whole users, at
/// least one. `None` when it is not a finite count that rounds to 1 or more.
pub fn whole_users(users: f64) -> Option<f64> {
    let rounded = users.round();
    (rounded.is_finite() && rounded >= 1.0).then_some(rounded)
}

/// A peak request rate given on the command line (or in a `check`
/// assertion), with or without a user count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GivenRate {
    pub rps: f64,
    pub users: Option<f64>,
}

/// The run a given rate describes: the users to plan and the scenario
/// whose per-user request rate produces exactly the given rate at them.
#[derive(Debug, Clone)]
pub struct RateRun {
    pub scenario: Scenario,
    pub users: f64,
    pub note: RateNote,
}

/// What a given rate changed, for the report (JSON `given_rate`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RateNote {
    /// The given peak request rate, requests/s.
    pub peak_rps: f64,
    /// The users planned at: given, or inferred from the rate (made whole).
    pub at_users: f64,
    /// Whether the users were inferred from the rate (no user count given).
    pub users_inferred: bool,
    /// The scenario's own requests per online user per minute.
    pub scenario_requests_per_online_user_per_min: f64,
    /// The value the given rate set for the whole run.
    pub requests_per_online_user_per_min: f64,
}

impl GivenRate {
    /// The one rule for a given rate: it sets the requests per online user
    /// for the whole run (plan, capacity, next upgrade, curves), so that
    /// the users (given, or inferred from the scenario's ratios and made
    /// whole) make exactly this peak rate. Everything else (jobs, storage,
    /// egress) follows the users.
    pub fn apply(&self, scenario: &Scenario) -> Result<RateRun, String> {
        if !(self.rps.is_finite() && self.rps > 0.0 && self.rps <= 1e12) {
            return Err(format!(
                "expected a positive request rate of at most 10^12 per second, got {} per second",
                self.rps
            ));
        }
        let w = &scenario.workload;
        let online_per_user = w.daily_active_ratio * w.peak_online_ratio;
        if online_per_user.is_nan() || online_per_user <= 0.0 {
            return Err(
                "the scenario's daily_active_ratio × peak_online_ratio is 0: no user is online to make the rate"
                    .into(),
            );
        }
        let inferred = || {
            if w.requests_per_online_user_per_min > 0.0 {
                Ok(users_for_rps(scenario, self.rps))
            } else {
                Err("the scenario's requests_per_online_user_per_min is 0, so the rate implies no user count: give --users too".to_string())
            }
        };
        let raw = match self.users {
            Some(users) => users,
            None => inferred()?,
        };
        let users = whole_users(raw).unwrap_or(1.0);
        if users > 1e12 {
            return Err(format!(
                "the rate implies {raw:.3e} users, more than the 10^12 capplan plans"
            ));
        }
        let per_user = self.rps * 60.0 / (users * online_per_user);
        let mut calibrated = scenario.clone();
        calibrated.workload.requests_per_online_user_per_min = per_user;
        Ok(RateRun {
            scenario: calibrated,
            users,
            note: RateNote {
                peak_rps: self.rps,
                at_users: users,
                users_inferred: self.users.is_none(),
                scenario_requests_per_online_user_per_min: w.requests_per_online_user_per_min,
                requests_per_online_user_per_min: per_user,
            },
        })
    }
}

/// Rates and sizes at `users` registered users.
pub fn demand(scenario: &Scenario, users: f64) -> Demand {
    let w = &scenario.workload;
    let daily_active = users * w.daily_active_ratio;
    let online = daily_active * w.peak_online_ratio;
    let shape = LoadShape::new(w);
    // Online users at the sizing peak: the busiest hour's, × a peak event's factor.
    let online = online * shape.event_factor();
    let peak_rps = online * w.requests_per_online_user_per_min / 60.0;
    let ratio = shape.peak_to_average();
    let average_rps = peak_rps / ratio;
    let volume = shape.volume_factor();
    let mut peak_jobs = Vec::new();
    let mut monthly_jobs = Vec::new();
    let mut scheduled = Vec::new();
    for job in &w.jobs {
        let per_day = daily_active * job.per_active_user_per_day;
        match &job.schedule {
            // A run's jobs at the rate that finishes them in the window.
            Some(schedule) => {
                scheduled.push(ScheduledRun {
                    class: job.name.clone(),
                    jobs_per_run: per_day,
                    window_s: schedule.window_minutes * 60.0,
                    when: format!("{} {}", schedule.at, schedule.days_label()),
                });
                peak_jobs.push((job.name.clone(), per_day / (schedule.window_minutes * 60.0)));
                monthly_jobs.push((job.name.clone(), per_day * shape::runs_per_month(schedule)));
            }
            None => {
                let peak = per_day / 86_400.0 * shape.profile_peak_to_average();
                peak_jobs.push((job.name.clone(), peak * shape.event_factor()));
                monthly_jobs.push((job.name.clone(), per_day * DAYS_PER_MONTH * volume));
            }
        }
    }
    let requests_per_month = average_rps * 3600.0 * HOURS_PER_MONTH;
    let request_classes = classes::class_rates(
        scenario,
        &classes::Base { daily_active, online, peak_rps, requests_per_month, shape: &shape },
    );
    let (mut db_ops, mut cache_ops) = (0.0, 0.0);
    for c in &scenario.components {
        match c.role {
            ComponentRole::Web => {
                let rate = if c.requests.is_empty() {
                    peak_rps
                } else {
                    request_classes
                        .iter()
                        .filter(|r| r.component == c.name)
                        .map(|r| r.peak_rps)
                        .sum()
                };
                db_ops += rate * c.db_ops_per_request.unwrap_or(0.0);
                cache_ops += rate * c.cache_ops_per_request.unwrap_or(0.0);
            }
            ComponentRole::Worker => {
                let jobs: f64 = c
                    .jobs
                    .iter()
                    .map(|j| peak_jobs.iter().find(|(n, _)| *n == j.class).map_or(0.0, |(_, r)| *r))
                    .sum();
                db_ops += jobs * c.db_ops_per_job.unwrap_or(0.0);
                cache_ops += jobs * c.cache_ops_per_job.unwrap_or(0.0);
            }
            _ => {}
        }
    }
    let storage_gb = users * w.storage_mb_per_user / 1024.0 + w.fixed_data_gb.unwrap_or(0.0);
    let mut compute_providers: Vec<String> = Vec::new();
    for c in scenario.components.iter().filter(|c| c.role.is_compute()) {
        for candidate in &c.candidates {
            let provider = candidate.split('/').next().unwrap_or("");
            if !compute_providers.iter().any(|p| p == provider) {
                compute_providers.push(provider.to_string());
            }
        }
    }
    Demand {
        users,
        daily_active_users: daily_active,
        monthly_active_users: users * w.monthly_active_ratio.unwrap_or(1.0),
        online_users: online,
        peak_rps,
        peak_rpm: peak_rps * 60.0,
        average_rps,
        peak_jobs_per_s: peak_jobs,
        jobs_per_month: monthly_jobs,
        requests_per_month,
        db_ops_per_s: db_ops,
        cache_ops_per_s: cache_ops,
        storage_gb,
        working_set_gb: storage_gb * w.working_set_ratio,
        cache_mb: online * w.cache_kb_per_online_user / 1024.0 + w.cache_hot_data_mb,
        egress_gb_per_month: daily_active * w.egress_mb_per_active_user_per_day / 1024.0
            * DAYS_PER_MONTH
            * volume
            + request_classes.iter().map(|r| r.egress_gb_per_month).sum::<f64>(),
        peak_to_average: ratio,
        compute_providers,
        egress_served_by: scenario.usage.iter().filter_map(|u| u.served_by.clone()).collect(),
        run_times: shape.run_times(),
        scheduled,
        request_classes,
    }
}

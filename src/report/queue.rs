//! `capplan queue`: one station evaluated at a server count or sized
//! against SLOs, as a serializable report (the JSON field names and units
//! are a contract), plus the JSON Lines batch problem format.

use crate::queueing::{Evaluation, Queue, Slo, Station, size};
use serde::{Deserialize, Serialize};

/// What to do with a station: evaluate a server count or size for SLOs.
#[derive(Debug, Clone, PartialEq)]
pub enum QueueTask {
    /// Evaluate the station at a given server count.
    Evaluate {
        /// The server count to evaluate (at least 1).
        servers: u64,
    },
    /// Find the fewest servers that meet every SLO.
    Size {
        /// The objectives to meet: a percentile or mean of response or wait time, or a maximum
        /// utilization.
        slos: Vec<Slo>,
    },
}

/// The result of `capplan queue`, one per problem. Times in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct QueueReport {
    /// The queueing model: "M/M/c" for exponential service (cv 1), "M/G/c" otherwise.
    pub model: &'static str,
    /// Servers (c): the count given, or the fewest that meet the SLOs in sizing mode.
    pub servers: u64,
    /// Arrival rate λ, requests per second.
    pub arrival_rate_per_s: f64,
    /// Mean service time s, ms.
    pub service_time_ms: f64,
    /// Coefficient of variation of the service time (1 = exponential).
    pub cv: f64,
    /// λ·s, Erlangs: defined even when the queue is unstable.
    pub offered_load_erlangs: f64,
    /// Whether the queue is stable (utilization below 1); when false every metric below is null.
    pub stable: bool,
    /// Utilization ρ = λ·s / c, a share 0-1; null when unstable.
    pub utilization: Option<f64>,
    /// Probability that a request waits for a server, 0-1; null when unstable.
    pub wait_probability: Option<f64>,
    /// Mean wait in the queue, ms; null when unstable.
    pub mean_wait_ms: Option<f64>,
    /// Mean response time (wait plus service), ms; null when unstable.
    pub mean_response_ms: Option<f64>,
    /// Median response time, ms; null when unstable.
    pub p50_response_ms: Option<f64>,
    /// 90th percentile response time, ms; null when unstable.
    pub p90_response_ms: Option<f64>,
    /// 95th percentile response time, ms; null when unstable.
    pub p95_response_ms: Option<f64>,
    /// 99th percentile response time, ms; null when unstable.
    pub p99_response_ms: Option<f64>,
    /// 95th percentile wait in the queue, ms; null when unstable.
    pub p95_wait_ms: Option<f64>,
    /// Lq, requests waiting on average.
    pub mean_queue_length: Option<f64>,
    /// L, requests in the system on average.
    pub mean_in_system: Option<f64>,
    /// The fewest servers with utilization below 1 (⌊λ·s⌋ + 1).
    pub min_stable_servers: u64,
    /// The targets, in sizing mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slo: Option<Vec<String>>,
}

/// Why a queue problem has no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum QueueFailure {
    /// The inputs are invalid (exit 2 on the command line).
    Input(String),
    /// The inputs are valid but no server count meets the SLOs (exit 1).
    Infeasible(String),
}

impl std::fmt::Display for QueueFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueueFailure::Input(m) | QueueFailure::Infeasible(m) => f.write_str(m),
        }
    }
}

/// Evaluates or sizes one station.
pub fn solve(station: &Station, task: &QueueTask) -> Result<QueueReport, QueueFailure> {
    match task {
        QueueTask::Evaluate { servers } => {
            let evaluation =
                station.with_servers(*servers).map_err(|e| QueueFailure::Input(e.to_string()))?;
            Ok(report(station, evaluation, None))
        }
        QueueTask::Size { slos } => {
            let queue = size(station, slos).map_err(|e| QueueFailure::Infeasible(e.to_string()))?;
            let targets = slos.iter().map(|s| s.to_string()).collect();
            Ok(report(station, Evaluation::Stable(queue), Some(targets)))
        }
    }
}

fn report(station: &Station, evaluation: Evaluation, slo: Option<Vec<String>>) -> QueueReport {
    let ms = |s: f64| s * 1e3;
    let (servers, queue): (u64, Option<Queue>) = match evaluation {
        Evaluation::Stable(q) => (q.servers, Some(q)),
        Evaluation::Unstable(u) => (u.servers, None),
    };
    let metric = |f: &dyn Fn(&Queue) -> f64| queue.as_ref().map(f);
    QueueReport {
        model: station.model_name(),
        servers,
        arrival_rate_per_s: station.arrival_rate,
        service_time_ms: ms(station.service_time),
        cv: station.cv,
        offered_load_erlangs: station.offered_load(),
        stable: queue.is_some(),
        utilization: metric(&|q| q.utilization()),
        wait_probability: metric(&|q| q.wait_probability),
        mean_wait_ms: metric(&|q| ms(q.mean_wait())),
        mean_response_ms: metric(&|q| ms(q.mean_response())),
        p50_response_ms: metric(&|q| ms(q.response_percentile(0.50))),
        p90_response_ms: metric(&|q| ms(q.response_percentile(0.90))),
        p95_response_ms: metric(&|q| ms(q.response_percentile(0.95))),
        p99_response_ms: metric(&|q| ms(q.response_percentile(0.99))),
        p95_wait_ms: metric(&|q| ms(q.wait_percentile(0.95))),
        mean_queue_length: metric(&|q| q.mean_queue_length()),
        mean_in_system: metric(&|q| q.mean_in_system()),
        min_stable_servers: station.min_stable_servers(),
        slo,
    }
}

/// One line of `capplan queue --batch`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchProblem {
    arrival_rate: f64,
    service_time_s: f64,
    #[serde(default = "default_cv")]
    cv: f64,
    servers: Option<u64>,
    slo: Option<Vec<String>>,
}

fn default_cv() -> f64 {
    1.0
}

/// Solves one JSON Lines batch problem; errors are one-line messages,
/// short however long the line's keys or values.
pub fn solve_batch_line(line: &str) -> Result<QueueReport, String> {
    solve_line(line).map_err(|e| crate::input::problem::concise(&e))
}

fn solve_line(line: &str) -> Result<QueueReport, String> {
    let problem: BatchProblem =
        serde_json::from_str(line).map_err(|e| format!("invalid problem: {e}"))?;
    let station = Station::new(problem.arrival_rate, problem.service_time_s, problem.cv)
        .map_err(|e| e.to_string())?;
    let task = match (problem.servers, problem.slo) {
        (Some(servers), None) => QueueTask::Evaluate { servers },
        (None, Some(slos)) if !slos.is_empty() => QueueTask::Size {
            slos: slos
                .iter()
                .map(|s| Slo::parse(s).map_err(|e| format!("slo: {e}")))
                .collect::<Result<_, _>>()?,
        },
        (Some(_), Some(_)) => return Err("give either 'servers' or 'slo', not both".into()),
        _ => return Err(
            "missing 'servers' (a count to evaluate) or 'slo' (an array of targets to size for)"
                .into(),
        ),
    };
    solve(&station, &task).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_line_sizes_and_evaluates() {
        let sized = solve_batch_line(
            r#"{"arrival_rate": 120, "service_time_s": 0.05, "slo": ["p95 response <= 200ms"]}"#,
        )
        .unwrap();
        assert_eq!(sized.model, "M/M/c");
        assert!(sized.p95_response_ms.unwrap() <= 200.0);
        let evaluated = solve_batch_line(&format!(
            r#"{{"arrival_rate": 120, "service_time_s": 0.05, "servers": {}}}"#,
            sized.servers - 1
        ))
        .unwrap();
        assert!(evaluated.p95_response_ms.is_none_or(|p| p > 200.0));
    }

    #[test]
    fn batch_line_errors_are_messages() {
        for bad in [
            "",
            "{}",
            r#"{"arrival_rate": -1, "service_time_s": 0.05, "servers": 3}"#,
            r#"{"arrival_rate": 1, "service_time_s": 0.05}"#,
            r#"{"arrival_rate": 1, "service_time_s": 0.05, "servers": 0}"#,
            r#"{"arrival_rate": 1, "service_time_s": 0.05, "slo": ["p100 wait <= 1s"]}"#,
            r#"{"arrival_rate": 1, "service_time_s": 0.05, "servers": 1, "color": "red"}"#,
        ] {
            assert!(solve_batch_line(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unstable_reports_have_no_metrics() {
        let station = Station::new(10.0, 1.0, 1.0).unwrap();
        let report = solve(&station, &QueueTask::Evaluate { servers: 3 }).unwrap();
        assert!(!report.stable);
        assert_eq!(report.wait_probability, None);
        assert_eq!(report.min_stable_servers, 11);
    }
}

//! Service-level objectives: `p95 response <= 200ms`, `mean wait <= 2s`,
//! `utilization <= 0.7`.

use super::model::Queue;
use crate::input::units::fits;
use crate::input::units::{format_duration, parse_duration, trim_float};
use std::fmt;

/// Which time an objective constrains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeMetric {
    /// Time in queue before service starts.
    Wait,
    /// Wait plus service.
    Response,
}

impl TimeMetric {
    fn name(self) -> &'static str {
        match self {
            TimeMetric::Wait => "wait",
            TimeMetric::Response => "response",
        }
    }
}

/// One objective; times in seconds, percentiles in percent (95.0, 99.9).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Slo {
    Percentile { metric: TimeMetric, percentile: f64, limit: f64 },
    Mean { metric: TimeMetric, limit: f64 },
    Utilization { max: f64 },
}

/// An objective that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct SloError {
    pub found: String,
    pub reason: String,
}

impl fmt::Display for SloError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected an SLO such as 'p95 response <= 200ms', 'p99 wait <= 2s', \
             'mean response <= 300ms' or 'utilization <= 0.7'; got '{}' ({})",
            self.found, self.reason
        )
    }
}

impl std::error::Error for SloError {}

impl Slo {
    /// Parses `pNN response <= DUR`, `pNN wait <= DUR`, `mean response <= DUR`,
    /// `mean wait <= DUR` or `utilization <= X` (NN from 1 to 99.9).
    pub fn parse(text: &str) -> Result<Slo, SloError> {
        let fail = |reason: &str| SloError { found: text.to_string(), reason: reason.to_string() };
        let (left, right) = text.split_once("<=").ok_or_else(|| fail("missing '<='"))?;
        let words: Vec<&str> = left.split_whitespace().collect();
        let right = right.trim();
        match words.as_slice() {
            ["utilization"] | ["utilisation"] => {
                let max: f64 = right
                    .trim_end_matches('%')
                    .parse()
                    .map_err(|_| fail("the utilization limit is not a number"))?;
                let max = if right.ends_with('%') { max / 100.0 } else { max };
                if !(max > 0.0 && max < 1.0) {
                    return Err(fail("utilization must be above 0 and below 1 (or 100%)"));
                }
                Ok(Slo::Utilization { max })
            }
            [stat, metric] => {
                let metric = match *metric {
                    "response" => TimeMetric::Response,
                    "wait" => TimeMetric::Wait,
                    _ => return Err(fail("the metric must be 'response' or 'wait'")),
                };
                let limit = parse_duration(right).map_err(|e| fail(&e.to_string()))?;
                if *stat == "mean" {
                    return Ok(Slo::Mean { metric, limit });
                }
                let percentile: f64 =
                    stat.strip_prefix('p').and_then(|n| n.parse().ok()).ok_or_else(|| {
                        fail("the statistic must be 'mean' or a percentile such as p95")
                    })?;
                if !(1.0..=99.9).contains(&percentile) {
                    return Err(fail("percentiles run from p1 to p99.9"));
                }
                Ok(Slo::Percentile { metric, percentile, limit })
            }
            _ => Err(fail("expected '<statistic> <metric> <= <limit>'")),
        }
    }

    /// Whether the queue meets the objective.
    pub fn is_met(&self, queue: &Queue) -> bool {
        match *self {
            Slo::Percentile { metric, percentile, limit } => {
                let allowed = 1.0 - percentile / 100.0;
                let tail = match metric {
                    TimeMetric::Wait => queue.wait_tail(limit),
                    TimeMetric::Response => queue.response_tail(limit),
                };
                fits(tail, allowed)
            }
            Slo::Mean { metric, limit } => match metric {
                TimeMetric::Wait => fits(queue.mean_wait(), limit),
                TimeMetric::Response => fits(queue.mean_response(), limit),
            },
            Slo::Utilization { max } => fits(queue.utilization(), max),
        }
    }

    /// The value of the objective's statistic for this queue (seconds, or a
    /// fraction for utilization).
    pub fn value(&self, queue: &Queue) -> f64 {
        match *self {
            Slo::Percentile { metric, percentile, .. } => match metric {
                TimeMetric::Wait => queue.wait_percentile(percentile / 100.0),
                TimeMetric::Response => queue.response_percentile(percentile / 100.0),
            },
            Slo::Mean { metric, .. } => match metric {
                TimeMetric::Wait => queue.mean_wait(),
                TimeMetric::Response => queue.mean_response(),
            },
            Slo::Utilization { .. } => queue.utilization(),
        }
    }

    /// A short name for reports: `p95`, `mean`, `utilization`.
    pub fn short_name(&self) -> String {
        match self {
            Slo::Percentile { percentile, .. } => format!("p{}", trim_float(*percentile, 1)),
            Slo::Mean { .. } => "mean".to_string(),
            Slo::Utilization { .. } => "utilization".to_string(),
        }
    }
}

impl fmt::Display for Slo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Slo::Percentile { metric, percentile, limit } => write!(
                f,
                "p{} {} <= {}",
                trim_float(*percentile, 1),
                metric.name(),
                format_duration(*limit).replace(' ', "")
            ),
            Slo::Mean { metric, limit } => {
                write!(f, "mean {} <= {}", metric.name(), format_duration(*limit).replace(' ', ""))
            }
            Slo::Utilization { max } => write!(f, "utilization <= {}", trim_float(*max, 4)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!(
            Slo::parse("p95 response <= 200ms").unwrap(),
            Slo::Percentile { metric: TimeMetric::Response, percentile: 95.0, limit: 0.2 }
        );
        assert_eq!(
            Slo::parse("p99.9 wait <= 2s").unwrap(),
            Slo::Percentile { metric: TimeMetric::Wait, percentile: 99.9, limit: 2.0 }
        );
        assert_eq!(
            Slo::parse("mean response<=300ms").unwrap(),
            Slo::Mean { metric: TimeMetric::Response, limit: 0.3 }
        );
        assert_eq!(Slo::parse("utilization <= 0.7").unwrap(), Slo::Utilization { max: 0.7 });
        assert_eq!(Slo::parse("utilization <= 70%").unwrap(), Slo::Utilization { max: 0.7 });
    }

    #[test]
    fn rejects_impossible_objectives() {
        for bad in [
            "p100 response <= 1s",
            "p0.5 response <= 1s",
            "utilization <= 1.5",
            "utilization <= 0",
            "p95 latency <= 1s",
            "p95 response < 1s",
            "p95 response <= -1s",
            "p95 response <= soon",
            "q95 response <= 1s",
            "",
        ] {
            assert!(Slo::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_round_trips() {
        for text in
            ["p95 response <= 200ms", "p99.9 wait <= 2s", "mean wait <= 1.5s", "utilization <= 0.7"]
        {
            let slo = Slo::parse(text).unwrap();
            assert_eq!(slo.to_string(), text);
            assert_eq!(Slo::parse(&slo.to_string()).unwrap(), slo);
        }
    }
}

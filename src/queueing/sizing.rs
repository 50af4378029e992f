//! The smallest server count that meets a set of SLOs.

use super::erlang::ErlangBTable;
use super::model::{MAX_SERVERS, Queue, Station};
use super::slo::{Slo, TimeMetric};
use std::fmt;

/// Why no server count meets the objectives.
#[derive(Debug, Clone, PartialEq)]
pub enum SizingError {
    /// Even with unlimited servers (no waiting) the objective fails, because
    /// the service time alone exceeds it. `best` is the value with no wait.
    Unreachable { slo: Slo, best: f64 },
    /// The answer would exceed [`MAX_SERVERS`].
    TooManyServers { needed_at_least: u64 },
}

impl fmt::Display for SizingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SizingError::Unreachable { slo, best } => write!(
                f,
                "no server count can meet '{slo}': with no waiting at all the service time alone gives {}",
                crate::input::units::format_duration(*best)
            ),
            SizingError::TooManyServers { needed_at_least } => write!(
                f,
                "the load needs at least {needed_at_least} servers, above the limit of {MAX_SERVERS}"
            ),
        }
    }
}

impl std::error::Error for SizingError {}

/// The smallest c meeting every SLO, with the queue at that c.
///
/// Feasibility is monotone in c, so the search starts at the lower bound set
/// by stability and utilization caps, grows the step exponentially until a
/// feasible c is found, then bisects. Erlang B values are shared across
/// probes through one recursion table.
pub fn size(station: &Station, slos: &[Slo]) -> Result<Queue, SizingError> {
    for slo in slos {
        if let Some(best) = unreachable(station, slo) {
            return Err(SizingError::Unreachable { slo: *slo, best });
        }
    }
    let load = station.offered_load();
    let mut start = station.min_stable_servers();
    for slo in slos {
        if let Slo::Utilization { max } = slo {
            start = start.max((load / max).ceil() as u64);
        }
    }
    let start = start.max(1);
    if start > MAX_SERVERS {
        return Err(SizingError::TooManyServers { needed_at_least: start });
    }
    let mut table = ErlangBTable::new(load);
    let mut probe = |c: u64| -> Option<Queue> {
        if load / c as f64 >= 1.0 {
            return None;
        }
        let queue = Queue::from_erlang_b(*station, c, table.get(c));
        slos.iter().all(|slo| slo.is_met(&queue)).then_some(queue)
    };
    if let Some(queue) = probe(start) {
        return Ok(queue);
    }
    let mut infeasible = start;
    let mut step = 1u64;
    let (mut feasible, mut best) = loop {
        let candidate = start.saturating_add(step);
        if candidate > MAX_SERVERS {
            return Err(SizingError::TooManyServers { needed_at_least: infeasible + 1 });
        }
        if let Some(queue) = probe(candidate) {
            break (candidate, queue);
        }
        infeasible = candidate;
        step *= 2;
    };
    while feasible - infeasible > 1 {
        let mid = infeasible + (feasible - infeasible) / 2;
        match probe(mid) {
            Some(queue) => {
                feasible = mid;
                best = queue;
            }
            None => infeasible = mid,
        }
    }
    Ok(best)
}

/// The objective's best value with infinitely many servers when that value
/// still misses the objective, else `None`.
fn unreachable(station: &Station, slo: &Slo) -> Option<f64> {
    let service = station.service();
    match *slo {
        Slo::Percentile { metric: TimeMetric::Response, percentile, limit } => {
            let allowed = 1.0 - percentile / 100.0;
            // With no waiting the response time is the service time. Strictly
            // below: at any finite c waiting only adds to the tail.
            (service.survival(limit) >= allowed
                && !(station.cv == 0.0 && limit >= station.service_time))
                .then(|| service_quantile(station, percentile / 100.0))
        }
        Slo::Mean { metric: TimeMetric::Response, limit } => {
            (station.service_time >= limit).then_some(station.service_time)
        }
        _ => None,
    }
}

/// The p-quantile of the service time alone.
fn service_quantile(station: &Station, p: f64) -> f64 {
    let service = station.service();
    if station.cv == 0.0 {
        return station.service_time;
    }
    let (mut lo, mut hi) = (0.0, station.service_time);
    while service.survival(hi) > 1.0 - p {
        lo = hi;
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if service.survival(mid) > 1.0 - p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_the_call_centre() {
        // 10 Erlangs: 80% answered within 20 s needs 14 agents; 13 answer
        // only 1 − 0.2853·e^(−20/60) ≈ 79.6% in time.
        let station = Station::new(100.0 / 1800.0, 180.0, 1.0).unwrap();
        let slo = Slo::parse("p80 wait <= 20s").unwrap();
        let queue = size(&station, &[slo]).unwrap();
        assert_eq!(queue.servers, 14);
        // And 12 would not do.
        let thirteen = match station.with_servers(13).unwrap() {
            crate::queueing::Evaluation::Stable(q) => q,
            _ => unreachable!(),
        };
        assert!(!slo.is_met(&thirteen));
    }

    #[test]
    fn utilization_cap_sets_the_floor() {
        let station = Station::new(120.0, 0.05, 1.0).unwrap();
        let queue = size(&station, &[Slo::parse("utilization <= 0.5").unwrap()]).unwrap();
        assert_eq!(queue.servers, 12);
    }

    #[test]
    fn response_faster_than_service_is_unreachable() {
        let station = Station::new(120.0, 0.05, 1.0).unwrap();
        let err = size(&station, &[Slo::parse("p95 response <= 100ms").unwrap()]).unwrap_err();
        match err {
            SizingError::Unreachable { best, .. } => {
                // p95 of Exp(mean 50 ms) is 50·ln 20 ≈ 149.8 ms.
                assert!((best - 0.05 * 20f64.ln()).abs() < 1e-9);
            }
            other => panic!("{other:?}"),
        }
        let constant = Station::new(120.0, 0.05, 0.0).unwrap();
        assert!(size(&constant, &[Slo::parse("mean response <= 50ms").unwrap()]).is_err());
        assert!(size(&constant, &[Slo::parse("p95 response <= 50ms").unwrap()]).is_ok());
    }

    #[test]
    fn thousand_server_sizing_matches_linear_scan() {
        let station = Station::new(19_000.0, 0.05, 1.0).unwrap();
        let slo = Slo::parse("p95 response <= 160ms").unwrap();
        let queue = size(&station, &[slo]).unwrap();
        let mut c = station.min_stable_servers();
        loop {
            if let Ok(crate::queueing::Evaluation::Stable(q)) = station.with_servers(c)
                && slo.is_met(&q)
            {
                break;
            }
            c += 1;
        }
        assert_eq!(queue.servers, c);
    }
}

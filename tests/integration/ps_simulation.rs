//! A seeded discrete-event simulation of M/G/c processor sharing (every
//! request in progress served at min(1, c/n) of full speed), to hold
//! `capplan::queueing::PsQueue` to it: the mean response is exact
//! (insensitivity), the p95 and p99 a two-moment approximation
//! (`src/queueing/ps.rs`).

use crate::simulation::Rng;
use capplan::queueing::{PsQueue, PsService, Station};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Simulated responses of M/G/c-PS at utilization `rho`, unit mean service
/// (after a warm-up of a tenth of the customers).
///
/// Every request in progress advances at the same rate, so one virtual
/// clock (service attained by each) orders the departures: a request
/// leaves when the clock reaches its arrival reading plus its size.
pub(crate) fn simulate(servers: usize, rho: f64, cv: f64, customers: usize, seed: u64) -> Vec<f64> {
    let c = servers as f64;
    let rate = rho * c;
    let mut rng = Rng(seed);
    // (virtual finish, arrival index) as integer keys for the heap.
    let scale = 1e9;
    let mut in_progress: BinaryHeap<Reverse<(u64, usize)>> = BinaryHeap::new();
    let mut arrived_at = Vec::with_capacity(customers);
    let mut responses = Vec::with_capacity(customers);
    let (mut now, mut clock) = (0.0f64, 0.0f64);
    let mut next_arrival = rng.exponential(1.0 / rate);
    let warmup = customers / 10;
    while responses.len() < customers {
        let n = in_progress.len() as f64;
        let speed = if n > 0.0 { (c / n).min(1.0) } else { 0.0 };
        let next_departure = in_progress
            .peek()
            .map_or(f64::INFINITY, |Reverse((v, _))| now + (*v as f64 / scale - clock) / speed);
        if arrivals_first(next_arrival, next_departure) && arrived_at.len() < customers * 2 {
            clock += (next_arrival - now) * speed;
            now = next_arrival;
            let size = rng.service(1.0, cv);
            in_progress.push(Reverse((((clock + size) * scale) as u64, arrived_at.len())));
            arrived_at.push(now);
            next_arrival = now + rng.exponential(1.0 / rate);
        } else {
            let Reverse((v, index)) = in_progress.pop().expect("a request in progress");
            clock = v as f64 / scale;
            now = next_departure;
            if index >= warmup {
                responses.push(now - arrived_at[index]);
            }
        }
    }
    responses
}

fn arrivals_first(arrival: f64, departure: f64) -> bool {
    arrival < departure
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

struct Compared {
    label: String,
    mean: (f64, f64),
    p95: (f64, f64),
    p99: (f64, f64),
}

fn compare(servers: usize, rho: f64, cv: f64) -> Compared {
    let mut sim = simulate(servers, rho, cv, 200_000, 0x5EED + servers as u64);
    sim.sort_by(f64::total_cmp);
    let mean = sim.iter().sum::<f64>() / sim.len() as f64;
    let station = Station::new(rho * servers as f64, 1.0, cv).unwrap();
    let q = PsQueue::new(station, servers as u64, &PsService::new(cv)).unwrap();
    Compared {
        label: format!("c={servers} ρ={rho} cv={cv}"),
        mean: (q.mean_response(), mean),
        p95: (q.response_percentile(0.95), percentile(&sim, 0.95)),
        p99: (q.response_percentile(0.99), percentile(&sim, 0.99)),
    }
}

fn error((model, sim): (f64, f64)) -> f64 {
    (model - sim) / sim
}

#[test]
fn ps_percentiles_match_a_simulation() {
    let cases = [
        (1, 0.40, 1.0),
        (1, 0.65, 1.0),
        (1, 0.85, 1.0),
        (1, 0.65, 0.5),
        (1, 0.65, 2.0),
        (2, 0.65, 1.0),
        (4, 0.65, 1.0),
        (4, 0.85, 1.0),
        (4, 0.65, 0.5),
    ];
    let mut report = String::new();
    let mut worst: (f64, f64, f64) = (0.0, 0.0, 0.0);
    for (c, rho, cv) in cases {
        let r = compare(c, rho, cv);
        let (e_mean, e95, e99) = (error(r.mean), error(r.p95), error(r.p99));
        report.push_str(&format!(
            "{}: mean {:.3} vs {:.3} ({:+.1}%), p95 {:.3} vs {:.3} ({:+.1}%), p99 {:.3} vs {:.3} ({:+.1}%)\n",
            r.label, r.mean.0, r.mean.1, e_mean * 100.0, r.p95.0, r.p95.1, e95 * 100.0, r.p99.0,
            r.p99.1, e99 * 100.0
        ));
        worst = (worst.0.max(e_mean.abs()), worst.1.max(e95.abs()), worst.2.max(e99.abs()));
    }
    eprintln!("{report}");
    assert!(
        worst.0 < 0.05,
        "mean (exact up to simulation noise) off by {:.1}%:\n{report}",
        worst.0 * 100.0
    );
    assert!(worst.1 < 0.06, "p95 off by {:.1}%:\n{report}", worst.1 * 100.0);
    assert!(worst.2 < 0.15, "p99 off by {:.1}%:\n{report}", worst.2 * 100.0);
}

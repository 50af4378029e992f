//! A seeded discrete-event simulation of FCFS M/G/c, to measure the error of
//! the two-moment approximation (README, "Accuracy of the M/G/c model").

use capplan::queueing::{Evaluation, Station};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// SplitMix64: small, fast and good enough for simulation (also used by
/// the shared-CPU simulation).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    pub(crate) fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    pub(crate) fn exponential(&mut self, mean: f64) -> f64 {
        -mean * self.uniform().ln()
    }

    fn normal(&mut self) -> f64 {
        (-2.0 * self.uniform().ln()).sqrt() * (std::f64::consts::TAU * self.uniform()).cos()
    }

    /// Gamma(shape, 1) by Marsaglia–Tsang, boosted for shape < 1.
    fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            return self.gamma(shape + 1.0) * self.uniform().powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = (1.0 + c * x).powi(3);
            if v <= 0.0 {
                continue;
            }
            let u = self.uniform();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    pub(crate) fn service(&mut self, mean: f64, cv: f64) -> f64 {
        if cv == 0.0 {
            mean
        } else {
            let shape = 1.0 / (cv * cv);
            self.gamma(shape) * mean / shape
        }
    }
}

/// Simulated mean wait and p95 response for FCFS M/G/c (after a warm-up).
fn simulate(servers: usize, rho: f64, cv: f64, customers: usize, seed: u64) -> (f64, f64) {
    let service_mean = 1.0;
    let rate = rho * servers as f64 / service_mean;
    let mut rng = Rng(seed);
    let mut free_at: BinaryHeap<Reverse<u64>> = (0..servers).map(|_| Reverse(0u64)).collect();
    // Times as integer nanoseconds-of-a-unit so the heap can order them.
    let scale = 1e9;
    let warmup = customers / 10;
    let mut now = 0.0f64;
    let mut waits = 0.0;
    let mut responses = Vec::with_capacity(customers - warmup);
    for i in 0..customers {
        now += rng.exponential(1.0 / rate);
        let Reverse(free) = free_at.pop().unwrap_or(Reverse(0));
        let start = now.max(free as f64 / scale);
        let service = rng.service(service_mean, cv);
        free_at.push(Reverse(((start + service) * scale) as u64));
        if i >= warmup {
            waits += start - now;
            responses.push(start - now + service);
        }
    }
    let n = responses.len();
    let index = ((n as f64) * 0.95).ceil() as usize - 1;
    let p95 = *responses.select_nth_unstable_by(index, |a, b| a.total_cmp(b)).1;
    (waits / n as f64, p95)
}

#[test]
fn mgc_approximation_is_within_targets() {
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for &cv in &[0.0, 0.5, 2.0] {
        for &servers in &[1usize, 4, 16] {
            for &rho in &[0.5, 0.8] {
                let customers = if rho > 0.7 { 400_000 } else { 200_000 };
                let seed = 0x5EED
                    ^ ((servers as u64) << 8)
                    ^ ((cv * 10.0) as u64) << 16
                    ^ (rho * 100.0) as u64;
                let (sim_wait, sim_p95) = simulate(servers, rho, cv, customers, seed);
                let station = Station::new(rho * servers as f64, 1.0, cv).unwrap();
                let Ok(Evaluation::Stable(q)) = station.with_servers(servers as u64) else {
                    panic!("stable by construction");
                };
                let (model_wait, model_p95) = (q.mean_wait(), q.response_percentile(0.95));
                let wait_error = (model_wait - sim_wait) / sim_wait.max(1e-12);
                let p95_error = (model_p95 - sim_p95) / sim_p95;
                // Mean wait within 15%, or within 1% of the service time where waits are tiny.
                // Known limit: for cv > 1 on several servers Allen–Cunneen overestimates
                // the mean wait by up to ~25% (measured, README). That errs on the safe
                // side (more servers), so it is bounded here rather than hidden.
                let wait_ok = wait_error.abs() <= 0.15
                    || (model_wait - sim_wait).abs() <= 0.01
                    || (cv > 1.0 && wait_error > 0.0 && wait_error <= 0.30);
                let p95_ok = p95_error.abs() <= 0.10;
                rows.push(format!(
                    "| {cv} | {servers} | {rho} | {sim_wait:.4} | {model_wait:.4} | {:+.1}% | {sim_p95:.3} | {model_p95:.3} | {:+.1}% |",
                    wait_error * 100.0,
                    p95_error * 100.0
                ));
                if !(wait_ok && p95_ok) {
                    failures.push(rows.last().cloned().unwrap_or_default());
                }
            }
        }
    }
    println!(
        "| cv | c | ρ | sim mean wait (s) | model | error | sim p95 response (s) | model | error |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for row in &rows {
        println!("{row}");
    }
    assert!(failures.is_empty(), "outside targets:\n{}", failures.join("\n"));
}

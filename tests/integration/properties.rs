//! Properties of the queueing engine over many random stations.

use capplan::queueing::{Evaluation, Queue, Slo, Station, size};
use proptest::prelude::*;

fn stable(station: &Station, c: u64) -> Option<Queue> {
    match station.with_servers(c).ok()? {
        Evaluation::Stable(q) => Some(q),
        Evaluation::Unstable(_) => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn waits_fall_as_servers_are_added(load in 0.1f64..200.0, service in 0.001f64..10.0, cv in 0.0f64..3.0, extra in 0u64..20) {
        let station = Station::new(load / service, service, cv).unwrap();
        let c = station.min_stable_servers() + extra;
        let (a, b) = (stable(&station, c).unwrap(), stable(&station, c + 1).unwrap());
        prop_assert!(b.wait_probability <= a.wait_probability + 1e-12);
        prop_assert!(b.mean_wait() <= a.mean_wait() * (1.0 + 1e-9));
        prop_assert!(b.response_percentile(0.95) <= a.response_percentile(0.95) * (1.0 + 1e-9));
    }

    #[test]
    fn waits_grow_with_load(rate in 0.1f64..100.0, service in 0.001f64..1.0, grow in 1.001f64..1.5, c in 1u64..64) {
        let light = Station::new(rate, service, 1.0).unwrap();
        let heavy = Station::new(rate * grow, service, 1.0).unwrap();
        if let (Some(a), Some(b)) = (stable(&light, c), stable(&heavy, c)) {
            prop_assert!(b.wait_probability >= a.wait_probability - 1e-12);
            prop_assert!(b.mean_wait() >= a.mean_wait() * (1.0 - 1e-9));
        }
    }

    #[test]
    fn littles_law_holds(rate in 0.1f64..1000.0, service in 0.001f64..1.0, cv in 0.0f64..3.0, extra in 0u64..10) {
        let station = Station::new(rate, service, cv).unwrap();
        let q = stable(&station, station.min_stable_servers() + extra).unwrap();
        prop_assert!((q.mean_queue_length() - rate * q.mean_wait()).abs() <= 1e-9 * q.mean_queue_length().max(1.0));
        // L − Lq is the mean number in service, which is the offered load.
        prop_assert!((q.mean_in_system() - q.mean_queue_length() - station.offered_load()).abs() <= 1e-9 * station.offered_load().max(1.0));
    }

    #[test]
    fn single_server_matches_mm1(rho in 0.01f64..0.99, service in 0.001f64..10.0) {
        let station = Station::new(rho / service, service, 1.0).unwrap();
        let q = stable(&station, 1).unwrap();
        prop_assert!((q.wait_probability - rho).abs() < 1e-12);
        let response = service / (1.0 - rho);
        prop_assert!((q.mean_response() - response).abs() <= 1e-9 * response);
        for p in [0.5, 0.9, 0.95, 0.99] {
            let exact = -(1.0f64 - p).ln() * response;
            prop_assert!((q.response_percentile(p) - exact).abs() <= 1e-9 * exact);
        }
    }

    #[test]
    fn percentiles_are_ordered(rate in 0.1f64..500.0, service in 0.001f64..1.0, cv in 0.0f64..3.0, extra in 0u64..10) {
        let station = Station::new(rate, service, cv).unwrap();
        let q = stable(&station, station.min_stable_servers() + extra).unwrap();
        let ps: Vec<f64> = [0.5, 0.9, 0.95, 0.99, 0.999].iter().map(|&p| q.response_percentile(p)).collect();
        prop_assert!(ps.windows(2).all(|w| w[0] <= w[1] * (1.0 + 1e-12)), "{:?}", ps);
        prop_assert!(q.wait_percentile(0.95) <= q.wait_percentile(0.99));
    }

    #[test]
    fn cv_one_is_exactly_mmc(rate in 0.1f64..500.0, service in 0.001f64..1.0, extra in 0u64..10) {
        // The general response-tail code with gamma shape 1 against the closed form.
        let exponential = Station::new(rate, service, 1.0).unwrap();
        let c = exponential.min_stable_servers() + extra;
        let q = stable(&exponential, c).unwrap();
        let almost = stable(&Station::new(rate, service, 1.0 + 1e-9).unwrap(), c).unwrap();
        prop_assert!((q.mean_wait() - almost.mean_wait()).abs() <= 1e-6 * q.mean_wait().max(1e-12));
        prop_assert!((q.response_percentile(0.95) - almost.response_percentile(0.95)).abs() <= 1e-5 * q.response_percentile(0.95));
    }

    #[test]
    fn sizing_finds_the_smallest_feasible_count(rate in 0.1f64..2000.0, service in 0.001f64..0.5, factor in 3.1f64..10.0) {
        let station = Station::new(rate, service, 1.0).unwrap();
        let slo = Slo::Percentile { metric: capplan::queueing::TimeMetric::Response, percentile: 95.0, limit: service * factor };
        let q = size(&station, &[slo]).unwrap();
        prop_assert!(slo.is_met(&q));
        if let Some(fewer) = stable(&station, q.servers - 1) {
            prop_assert!(!slo.is_met(&fewer));
        }
    }
}

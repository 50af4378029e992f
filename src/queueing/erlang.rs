//! Erlang B and Erlang C by the numerically stable recursion.
//!
//! Factorials and powers overflow past c ≈ 170, so B is built up with
//! B₀ = 1, Bₖ = a·Bₖ₋₁ / (k + a·Bₖ₋₁): every intermediate value lies in
//! (0, 1], which keeps the result exact to rounding for c up to 10⁵ and
//! beyond.

/// Erlang B blocking probability for offered load `a` (Erlangs) on `c` servers.
pub fn erlang_b(a: f64, c: u64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    b
}

/// Erlang C wait probability, or `None` when the system is unstable (a ≥ c).
pub fn erlang_c(a: f64, c: u64) -> Option<f64> {
    let rho = a / c as f64;
    if c == 0 || rho >= 1.0 {
        return None;
    }
    Some(erlang_c_from_b(erlang_b(a, c), rho))
}

/// C = B / (1 − ρ(1 − B)); only meaningful for ρ < 1.
pub(crate) fn erlang_c_from_b(b: f64, rho: f64) -> f64 {
    b / (1.0 - rho * (1.0 - b))
}

/// Erlang B values for one offered load, extended on demand.
///
/// Sizing probes many server counts for the same load; the recursion is
/// shared, so probing costs O(largest c) in total instead of O(c) per probe.
#[derive(Debug, Clone)]
pub(crate) struct ErlangBTable {
    load: f64,
    values: Vec<f64>,
}

impl ErlangBTable {
    pub(crate) fn new(load: f64) -> Self {
        ErlangBTable { load, values: vec![1.0] }
    }

    pub(crate) fn get(&mut self, c: u64) -> f64 {
        let c = c as usize;
        if c >= self.values.len() {
            self.values.reserve(c + 1 - self.values.len());
            let mut b = *self.values.last().unwrap_or(&1.0);
            for k in self.values.len()..=c {
                b = self.load * b / (k as f64 + self.load * b);
                self.values.push(b);
            }
        }
        self.values[c]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn erlang_b_published_values() {
        assert!(close(erlang_b(2.0, 5), 0.0367, 5e-5));
        assert!(close(erlang_b(10.0, 14), 0.0568, 5e-5));
        assert!(close(erlang_b(5.0, 10), 0.0184, 5e-5));
    }

    #[test]
    fn erlang_c_published_values() {
        assert!(close(erlang_c(10.0, 14).unwrap(), 0.1741319, 5e-8));
        assert!(close(erlang_c(10.0, 11).unwrap(), 0.6821182, 5e-8));
        assert!(close(erlang_c(10.0, 12).unwrap(), 0.4493882, 5e-8));
        assert!(close(erlang_c(10.0, 13).unwrap(), 0.2852705, 5e-8));
        assert!(close(erlang_c(48.0, 55).unwrap(), 0.2387, 5e-5));
    }

    #[test]
    fn unstable_load_has_no_wait_probability() {
        // 10 Erlangs on 3 servers: a tool printing 6.85 here has a bug.
        assert_eq!(erlang_c(10.0, 3), None);
        assert_eq!(erlang_c(10.0, 10), None);
        assert_eq!(erlang_c(1.0, 0), None);
    }

    #[test]
    fn large_server_counts_stay_finite() {
        for &(a, c) in &[(9.0e4, 100_000u64), (99_900.0, 100_000), (10.0, 100_000)] {
            let value = erlang_c(a, c).unwrap();
            assert!(value.is_finite() && (0.0..=1.0).contains(&value), "{a} {c} {value}");
        }
        // Heavy traffic: Halfin–Whitt regime, a = c − β√c with β = 1 gives C ≈ 0.22.
        let c = 100_000u64;
        let a = c as f64 - (c as f64).sqrt();
        let value = erlang_c(a, c).unwrap();
        assert!(value > 0.2 && value < 0.25, "{value}");
    }

    #[test]
    fn table_matches_direct_recursion() {
        let mut table = ErlangBTable::new(37.5);
        for c in [60u64, 3, 45, 100, 1] {
            assert_eq!(table.get(c), erlang_b(37.5, c));
        }
    }
}

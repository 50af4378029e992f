//! An uncertain number: the interval a scenario gives, the distribution
//! fitted to it, and a seeded random stream to sample it with.
//!
//! `{ low, mid, high }` reads as the 5th, 50th and 95th percentiles (or
//! the `confidence` given). The fitted distribution is a *split* one: a
//! normal with one spread below the median and another above, so that it
//! passes through all three figures exactly whatever the skew. When `low`
//! is above zero the split normal is taken of the logarithm (a split
//! lognormal): quantities such as request rates and CPU times cannot go
//! negative and are usually skewed to the right, and a lognormal is the
//! textbook model of a positive quantity known "within a factor". With
//! `low` at zero the split normal is used as is and cut at zero. `[low,
//! high]` takes the median as the geometric mean (the arithmetic mean when
//! `low` is zero). `distribution: uniform` reads `low` and `high` as hard
//! bounds instead, every value between them equally likely.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

/// How an interval is turned into a distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// A split lognormal through low, mid and high (low > 0).
    SplitLognormal,
    /// A split normal through low, mid and high, cut at zero (low = 0).
    SplitNormal,
    /// Every value between the bounds equally likely.
    Uniform,
}

impl Shape {
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::SplitLognormal => "split lognormal",
            Shape::SplitNormal => "split normal",
            Shape::Uniform => "uniform",
        }
    }
}

/// An interval and its fitted distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Interval {
    /// The low end, in the field's unit: the (1 − confidence)/2 quantile (the
    /// 5th percentile by default), or a hard bound when uniform.
    pub low: f64,
    /// The median (given, or derived from `[low, high]`).
    pub mid: f64,
    /// The high end, in the field's unit: the (1 + confidence)/2 quantile (the
    /// 95th percentile by default), or a hard bound when uniform.
    pub high: f64,
    /// The share of outcomes between `low` and `high` (0.9 by default;
    /// 1 for a uniform interval).
    pub confidence: f64,
    /// The distribution fitted to the interval.
    pub shape: Shape,
}

/// The default confidence: low and high are the 5th and 95th percentiles.
pub const DEFAULT_CONFIDENCE: f64 = 0.9;

impl Interval {
    /// An interval from its figures, checked: finite, `0 ≤ low ≤ mid ≤
    /// high`, confidence strictly between 0 and 1.
    pub fn new(
        low: f64,
        mid: Option<f64>,
        high: f64,
        confidence: Option<f64>,
        uniform: bool,
    ) -> Result<Interval, String> {
        let figures = [Some(low), mid, Some(high), confidence];
        if figures.iter().flatten().any(|x| !x.is_finite()) {
            return Err("expected finite numbers".into());
        }
        if low < 0.0 {
            return Err(format!(
                "expected low ≥ 0 (scenario quantities are not negative), found {low}"
            ));
        }
        if high < low {
            return Err(format!("expected low ≤ high, found low {low} > high {high}"));
        }
        if let Some(m) = mid
            && !(low..=high).contains(&m)
        {
            return Err(format!("expected low ≤ mid ≤ high, found {low}, {m}, {high}"));
        }
        if uniform {
            if confidence.is_some() {
                return Err("a uniform interval has hard bounds: leave out confidence".into());
            }
            if let Some(m) = mid
                && (m - (low + high) / 2.0).abs() > 1e-9 * high.max(1.0)
            {
                return Err(format!(
                    "a uniform interval's median is the middle of its bounds ({}); leave out mid",
                    (low + high) / 2.0
                ));
            }
            return Ok(Interval {
                low,
                mid: (low + high) / 2.0,
                high,
                confidence: 1.0,
                shape: Shape::Uniform,
            });
        }
        let confidence = confidence.unwrap_or(DEFAULT_CONFIDENCE);
        if !(confidence > 0.0 && confidence < 1.0) {
            return Err(format!(
                "expected a confidence between 0 and 1 (0.9: low and high are the 5th and 95th percentiles), found {confidence}"
            ));
        }
        let positive = low > 0.0;
        let mid = mid.unwrap_or(if positive { (low * high).sqrt() } else { (low + high) / 2.0 });
        Ok(Interval {
            low,
            mid,
            high,
            confidence,
            shape: if positive { Shape::SplitLognormal } else { Shape::SplitNormal },
        })
    }

    /// The value at cumulative probability `u` (0 < u < 1): the quantile
    /// function, exact at the interval's own percentiles.
    pub fn quantile(&self, u: f64) -> f64 {
        if self.low == self.high {
            // A degenerate interval is its point value, bit for bit.
            return self.mid;
        }
        match self.shape {
            Shape::Uniform => self.low + u * (self.high - self.low),
            Shape::SplitNormal | Shape::SplitLognormal => {
                let z = standard_normal_quantile(u);
                let edge = standard_normal_quantile(0.5 + self.confidence / 2.0);
                let log = self.shape == Shape::SplitLognormal;
                let map = |x: f64| if log { x.ln() } else { x };
                let (low, mid, high) = (map(self.low), map(self.mid), map(self.high));
                let spread = if z < 0.0 { mid - low } else { high - mid } / edge;
                let value = mid + z * spread;
                if log { value.exp() } else { value.max(0.0) }
            }
        }
    }
}

/// Φ⁻¹(p) of the standard normal.
pub fn standard_normal_quantile(p: f64) -> f64 {
    // `Normal::standard()` cannot fail; the fallback keeps this total.
    Normal::standard().inverse_cdf(p.clamp(1e-15, 1.0 - 1e-15))
}

/// A small, fast, seedable random stream (SplitMix64): the same seed gives
/// the same numbers on every platform, and each world seeds its own
/// stream, so results do not depend on how worlds are spread over threads.
#[derive(Debug, Clone)]
pub struct Stream(u64);

impl Stream {
    /// The stream of world `index` under `seed`.
    pub fn for_world(seed: u64, index: u64) -> Stream {
        let mut s = Stream(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        s.next_u64();
        s
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number strictly between 0 and 1.
    pub fn next_unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

/// The `p` quantile (0 ≤ p ≤ 1) of sorted values, interpolating linearly
/// between order statistics (Hyndman and Fan's type 7, the default of R
/// and NumPy).
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let (i, frac) = (h.floor() as usize, h - h.floor());
    let next = sorted.get(i + 1).copied().unwrap_or(sorted[i]);
    Some(sorted[i] + frac * (next - sorted[i]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_pass_through_the_interval() {
        for (low, mid, high) in [(2.0, 3.0, 6.0), (0.0, 1.0, 5.0), (10.0, 10.0, 10.0)] {
            let i = Interval::new(low, Some(mid), high, None, false).unwrap();
            assert!((i.quantile(0.05) - low).abs() < 1e-9 * high.max(1.0), "{i:?}");
            assert!((i.quantile(0.5) - mid).abs() < 1e-9 * high.max(1.0));
            assert!((i.quantile(0.95) - high).abs() < 1e-9 * high.max(1.0));
        }
        let i = Interval::new(1.0, None, 4.0, Some(0.8), false).unwrap();
        assert_eq!(i.mid, 2.0);
        assert!((i.quantile(0.1) - 1.0).abs() < 1e-9);
        let u = Interval::new(2.0, None, 4.0, None, true).unwrap();
        assert_eq!(u.quantile(0.25), 2.5);
    }

    #[test]
    fn bad_intervals() {
        assert!(Interval::new(3.0, None, 2.0, None, false).is_err());
        assert!(Interval::new(1.0, Some(5.0), 2.0, None, false).is_err());
        assert!(Interval::new(-1.0, None, 2.0, None, false).is_err());
        assert!(Interval::new(1.0, None, f64::NAN, None, false).is_err());
        assert!(Interval::new(1.0, None, 2.0, Some(1.0), false).is_err());
        assert!(Interval::new(1.0, None, 2.0, Some(0.9), true).is_err());
    }

    #[test]
    fn stream_is_seeded_and_uniform() {
        let a: Vec<u64> = (0..3).map(|_| Stream::for_world(7, 1).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Stream::for_world(7, 1).next_u64(), Stream::for_world(7, 2).next_u64());
        let mut s = Stream::for_world(1, 0);
        let mean: f64 = (0..100_000).map(|_| s.next_unit()).sum::<f64>() / 1e5;
        assert!((mean - 0.5).abs() < 0.005, "{mean}");
    }

    #[test]
    fn percentiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&v, 0.5), Some(3.0));
        assert_eq!(percentile(&v, 0.05), Some(1.2));
        assert_eq!(percentile(&[], 0.5), None);
    }
}

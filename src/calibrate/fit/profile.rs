//! The daily load profile: hourly request rates as shares of the peak hour.

use super::*;

/// The 24-hour shape of the request rate (UTC hours), from at least a day.
pub(super) fn profile(rows: &[Row], skip: &mut impl FnMut(&str, String)) -> Option<Profile> {
    let series: Vec<(f64, f64)> = rows
        .iter()
        .filter(|r| r.span.is_none())
        .filter_map(|r| Some((r.t?, r.get(Metric::RequestsPerS)?)))
        .collect();
    let mut sums = [(0.0, 0usize); 24];
    for (t, v) in &series {
        let hour = (t.rem_euclid(86400.0) / 3600.0) as usize % 24;
        sums[hour].0 += v;
        sums[hour].1 += 1;
    }
    let missing = sums.iter().filter(|s| s.1 == 0).count();
    if series.is_empty() || missing > 0 {
        skip(
            "load_profile",
            format!(
                "a request-rate time series covering every hour of the day is needed; {} of 24 hours have samples",
                24 - missing
            ),
        );
        return None;
    }
    let means: Vec<f64> = sums.iter().map(|(s, n)| s / *n as f64).collect();
    let peak = means.iter().copied().fold(0.0, f64::max);
    if peak <= 0.0 {
        skip("load_profile", "the request rate is zero throughout".into());
        return None;
    }
    let average = means.iter().sum::<f64>() / 24.0;
    let first = series.first().map_or(0.0, |s| s.0);
    let last = series.last().map_or(0.0, |s| s.0);
    Some(Profile {
        hours: means.iter().map(|m| (m / peak * 1000.0).round() / 1000.0).collect(),
        peak_to_average: peak / average,
        days: (last - first) / 86400.0,
        samples: series.len(),
    })
}

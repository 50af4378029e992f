//! Axis labels: how many fit, and one number format on every axis.

/// Axis label counts for a plot of `(width, height)` pixels: one label per
/// ~130 px across (a label like "1,000,000" is ~60 px at 13 px type, so
/// neighbours never touch) and per ~60 px up.
pub(super) fn label_counts((width, height): (u32, u32)) -> (usize, usize) {
    ((width as usize / 130).clamp(2, 12), (height as usize / 60).clamp(2, 12))
}

/// One number format on every axis: 950, 1.5k, 20k, 1M (no separators,
/// which small type turns into look-alike dots and commas), cents below 10.
pub(super) fn axis_number(value: f64) -> String {
    let trim = |v: f64| {
        let text = format!("{v:.1}");
        text.trim_end_matches(".0").to_string()
    };
    let magnitude = value.abs();
    if magnitude >= 1e6 {
        format!("{}M", trim(value / 1e6))
    } else if magnitude >= 1e3 {
        format!("{}k", trim(value / 1e3))
    } else if magnitude != 0.0 && magnitude < 10.0 && value.fract() != 0.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.0}")
    }
}

pub(super) fn usd_label(y: f64) -> String {
    format!("${}", axis_number(y))
}

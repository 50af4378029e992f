//! Axis labels and colours: how many labels fit, one number format on every
//! axis, and the palette every chart draws with.

use plotters::style::RGBColor;

/// Layer and line colours (Tableau 10, then two darks) so a dozen stacks
/// stay apart.
pub(super) const PALETTE: [RGBColor; 12] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(0, 0, 0),
    RGBColor(0, 0, 128),
];

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

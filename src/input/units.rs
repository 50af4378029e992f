//! Quantities with units, as users type them: `120/s`, `7200/min`, `50ms`,
//! `2min`, `1.5GB`. Everything is converted to seconds, per-second rates,
//! megabytes or gigabytes before the engine sees it.

use std::fmt;

/// A quantity that could not be read; the message says what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantityError {
    pub expected: &'static str,
    pub found: String,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}, got '{}'", self.expected, self.found)
    }
}

impl std::error::Error for QuantityError {}

const DURATION: &str =
    "a positive duration such as 50ms, 0.05s, 3s or 2min (a plain number is seconds)";
const RATE: &str =
    "a positive rate such as 120/s, 7200/min or 432000/h (a plain number is per second)";

/// Splits "12.5ms" into (12.5, "ms"); the number must be finite.
fn split_number(text: &str) -> Option<(f64, &str)> {
    let text = text.trim();
    // No unit starts with 'e', so exponents ("1e-3s") can be taken greedily.
    let end = text
        .find(|ch: char| !(ch.is_ascii_digit() || matches!(ch, '.' | '+' | '-' | 'e' | 'E')))
        .unwrap_or(text.len());
    let number: f64 = text[..end].parse().ok()?;
    number.is_finite().then_some((number, text[end..].trim()))
}

/// A duration in seconds: `50ms`, `0.05s`, `3s`, `2min`, `1h`, `250us`; a
/// plain number is seconds.
pub fn parse_duration(text: &str) -> Result<f64, QuantityError> {
    let error = || QuantityError { expected: DURATION, found: text.to_string() };
    let (value, unit) = split_number(text).ok_or_else(error)?;
    let scale = match unit {
        "" | "s" | "sec" | "secs" => 1.0,
        "ms" => 1e-3,
        "us" | "µs" => 1e-6,
        "min" | "m" => 60.0,
        "h" | "hr" => 3600.0,
        _ => return Err(error()),
    };
    let seconds = value * scale;
    if seconds > 0.0 && seconds.is_finite() { Ok(seconds) } else { Err(error()) }
}

/// A rate per second: `120/s`, `7200/min`, `432000/h`, `5000rpm`; a plain
/// number is per second.
pub fn parse_rate(text: &str) -> Result<f64, QuantityError> {
    let error = || QuantityError { expected: RATE, found: text.to_string() };
    let (value, unit) = split_number(text).ok_or_else(error)?;
    let per = match unit {
        "" | "/s" | "/sec" | "rps" => 1.0,
        "/min" | "/m" | "rpm" => 60.0,
        "/h" | "/hr" | "/hour" => 3600.0,
        "/day" | "/d" => 86400.0,
        _ => return Err(error()),
    };
    let rate = value / per;
    if rate > 0.0 && rate.is_finite() { Ok(rate) } else { Err(error()) }
}

/// Formats seconds for people: `850 µs`, `42.5 ms`, `3.20 s`, `2.5 min`.
pub fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "∞".to_string();
    }
    if seconds < 1e-3 {
        format!("{:.0} µs", seconds * 1e6)
    } else if seconds < 1.0 {
        format!("{} ms", trim_float(seconds * 1e3, 1))
    } else if seconds < 120.0 {
        format!("{} s", trim_float(seconds, 2))
    } else {
        format!("{} min", trim_float(seconds / 60.0, 1))
    }
}

/// A number with at most `decimals` decimals and no trailing zeros.
pub fn trim_float(value: f64, decimals: usize) -> String {
    // A whole number prints as an integer (what the trimming below leaves)
    // without the exact-decimal formatting, the planner's most frequent
    // case; -0.0 keeps its sign through the general path.
    if value.fract() == 0.0 && value.abs() < 1e15 && !(value == 0.0 && value.is_sign_negative()) {
        return (value as i64).to_string();
    }
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// [`trim_float`] with thousands separators in the whole part, as the
/// tables print every count: `8,339.6`, `116.3`, `-1,200`.
pub fn grouped(value: f64, decimals: usize) -> String {
    let text = trim_float(value, decimals);
    let (sign, body) = match text.strip_prefix('-') {
        Some(body) => ("-", body),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = match body.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (body, None),
    };
    if whole.len() <= 3 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return text;
    }
    let mut out = format!("{sign}{}", group_digits(whole));
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// One relative tolerance wherever a requirement meets a limit: a need
/// equal to the limit (up to float rounding) fits. Every check where a
/// requirement meets a limit (planner and queueing SLOs) uses it.
pub fn fits(needed: f64, limit: f64) -> bool {
    needed <= limit + limit.abs() * 1e-9 + 1e-12
}

/// `1234567` → `1,234,567` (rounded to a whole number).
pub fn thousands(value: f64) -> String {
    let rounded = value.round();
    let out = group_digits(&format!("{}", rounded.abs() as u64));
    if rounded < 0.0 { format!("-{out}") } else { out }
}

/// `1234567` → `1,234,567`: a comma before every third digit from the right.
fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Dollars as people read them: `$7.00`, `$1,234`, a credit `-$5.00`.
pub fn money(value: f64) -> String {
    if value < 0.0 && -value >= 0.005 {
        return format!("-{}", money(-value));
    }
    if value.abs() >= 1000.0 { format!("${}", thousands(value)) } else { format!("${value:.2}") }
}

/// `+$7.00`, `-$1,234`.
pub fn signed_money(value: f64) -> String {
    format!("{}{}", if value < 0.0 { "-" } else { "+" }, money(value.abs()))
}

#[cfg(test)]
mod tests {
    use super::fits;

    #[test]
    fn grouped_separates_thousands_and_keeps_the_decimals() {
        use super::grouped;
        assert_eq!(grouped(8339.62, 1), "8,339.6");
        assert_eq!(grouped(116.3, 1), "116.3");
        assert_eq!(grouped(-1200.0, 1), "-1,200");
        assert_eq!(grouped(1234567.891, 3), "1,234,567.891");
        assert_eq!(grouped(f64::INFINITY, 1), "inf");
    }

    #[test]
    fn a_requirement_equal_to_its_limit_fits() {
        // Issue 12's cases: 217.6 MB against 217.6, 70.0% against a 70% cap
        // as floats compute them (0.1 × 7 = 0.7000000000000001).
        assert!(fits(217.6, 217.6));
        assert!(fits(0.1 * 7.0, 0.7));
        assert!(fits(217.6 * (1.0 + 1e-12), 217.6));
        assert!(!fits(217.7, 217.6));
        assert!(!fits(0.7001, 0.7));
        assert!(fits(0.0, 0.0));
    }

    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("50ms").unwrap(), 0.05);
        assert_eq!(parse_duration("0.05s").unwrap(), 0.05);
        assert_eq!(parse_duration("3s").unwrap(), 3.0);
        assert_eq!(parse_duration("2min").unwrap(), 120.0);
        assert_eq!(parse_duration("1.5").unwrap(), 1.5);
        assert_eq!(parse_duration("1e-3s").unwrap(), 1e-3);
        assert_eq!(parse_duration(" 200 ms ").unwrap(), 0.2);
        for bad in ["", "ms", "-1s", "0", "5 parsecs", "NaN", "inf", "1e400s", "1..2s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("120/s").unwrap(), 120.0);
        assert_eq!(parse_rate("7200/min").unwrap(), 120.0);
        assert_eq!(parse_rate("432000/h").unwrap(), 120.0);
        assert_eq!(parse_rate("120").unwrap(), 120.0);
        for bad in ["", "/s", "-3/s", "0", "3/fortnight", "nan", "1e999"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formatting() {
        assert_eq!(format_duration(0.0425), "42.5 ms");
        assert_eq!(format_duration(3.2), "3.2 s");
        assert_eq!(format_duration(150.0), "2.5 min");
        assert_eq!(trim_float(2.50, 2), "2.5");
    }

    /// The whole-number shortcut prints what exact-decimal formatting and
    /// trimming print.
    #[test]
    fn whole_numbers_print_as_formatting_would() {
        let general = |value: f64, decimals: usize| {
            let text = format!("{value:.decimals$}");
            if text.contains('.') {
                text.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                text
            }
        };
        let mut values = vec![0.0, -0.0, 1e15 - 1.0, -(1e15 - 1.0), 1e15, 2f64.powi(60)];
        values.extend((-2000..2000).map(f64::from));
        values.extend((0..50).map(|k| 2f64.powi(k)));
        values.extend((0..50).map(|k| -(3f64.powi(k / 2))));
        for value in values {
            for decimals in [0, 1, 2, 3] {
                assert_eq!(trim_float(value, decimals), general(value, decimals), "{value}");
            }
        }
    }
}

//! Dates of catalog entries: parsing, ages, and today's date.

/// How old (in days) an `as_of` may be before capplan warns that the
/// price needs re-checking; `capplan check --max-price-age` overrides it.
pub const STALE_AFTER_DAYS: i64 = 365;

/// Today's date as `YYYY-MM-DD` (UTC), or `CAPPLAN_TODAY` when set so that
/// reports with ages are reproducible.
/// Read once per process: the planner asks for every component it prices,
/// and one run should not straddle two dates.
pub fn today() -> String {
    static TODAY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TODAY
        .get_or_init(|| {
            if let Ok(value) = std::env::var("CAPPLAN_TODAY")
                && parse_date(&value).is_some()
            {
                return value;
            }
            let days = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() / 86_400)
                .unwrap_or(0) as i64;
            let (y, m, d) = civil_from_days(days);
            format!("{y:04}-{m:02}-{d:02}")
        })
        .clone()
}

/// The UTC date (`YYYY-MM-DD`) of a time in seconds since 1970-01-01.
pub fn date_of_unix_seconds(seconds: u64) -> String {
    let (y, m, d) = civil_from_days((seconds / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date. `YYYY-MM` and `YYYY` (for
/// sources dated only that precisely) take the first day; a range `A .. B`
/// takes B.
pub fn parse_date(text: &str) -> Option<i64> {
    let text = text.rsplit("..").next()?.trim();
    let mut parts = text.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next().map_or(Some(1), |m| m.parse().ok())?;
    let d: u32 = parts.next().map_or(Some(1), |d| d.parse().ok())?;
    if !(1..=12).contains(&m) || !(1900..=9999).contains(&y) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Days since 1970-01-01 of a full `YYYY-MM-DD` date (calendar-checked).
pub fn parse_civil_date(text: &str) -> Option<i64> {
    (text.len() == 10 && text.matches('-').count() == 2).then(|| parse_date(text)).flatten()
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// An `as_of` date as text: YAML reads `as_of: 2026` as a number, which
/// the build-time JSON would then refuse; a bare year is a date too.
pub(crate) fn date_text<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Date {
        Text(String),
        Year(u32),
    }
    Ok(<Option<Date> as serde::Deserialize>::deserialize(deserializer)?.map(|d| match d {
        Date::Text(text) => text,
        Date::Year(year) => year.to_string(),
    }))
}

/// Days between two dates (b − a), when both parse.
pub fn days_between(a: &str, b: &str) -> Option<i64> {
    Some(parse_date(b)? - parse_date(a)?)
}

// Howard Hinnant's civil-calendar algorithms.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(days_between("2025-11-21", "2026-11-21"), Some(365));
        assert_eq!(days_between("2024-01-01", "2025-01-01"), Some(366));
        assert_eq!(civil_from_days(parse_date("2026-02-28").unwrap() + 1), (2026, 3, 1));
        assert_eq!(parse_date("2022-09-26 .. 2026-10-05"), parse_date("2026-10-05"));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("2026-04-31"), None);
        assert!(parse_date("2028-02-29").is_some());
        assert_eq!(parse_date("2100-02-29"), None);
        assert_eq!(parse_date("soon"), None);
        assert_eq!(parse_date("2025"), parse_date("2025-01-01"));
        assert_eq!(parse_date("2025-12"), parse_date("2025-12-01"));
        assert_eq!(date_of_unix_seconds(0), "1970-01-01");
        assert_eq!(date_of_unix_seconds(1_757_717_588), "2025-09-12");
    }
}

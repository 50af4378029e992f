//! Prices older than `--max-price-age` in the plans a scenario makes.

use super::*;

/// Warnings for the prices the scenario's plans use whose catalog entry is
/// more than `max_age_days` old: one per source (the entries citing it
/// listed), since re-checking a source re-dates every entry from it.
pub(super) fn stale_prices(
    file: &str,
    reports: &[RecommendReport],
    max_age_days: i64,
) -> Vec<Problem> {
    let today = today();
    let mut seen = std::collections::BTreeMap::new();
    for report in reports {
        for c in &report.components {
            let entry = format!("{}/{}/{}", c.provider, c.offering, c.tier);
            seen.entry(entry).or_insert((c.as_of.clone(), c.source.clone()));
        }
        let lines = report.usage.iter().chain(report.components.iter().flat_map(|c| &c.charges));
        for line in lines {
            seen.entry(line.price.clone()).or_insert((line.as_of.clone(), line.source.clone()));
        }
    }
    /// (entry, as_of, age in days).
    type Stale = (String, String, i64);
    // Source → its stale entries, in entry order.
    let mut by_source: Vec<(Option<String>, Vec<Stale>)> = Vec::new();
    for (entry, (as_of, source)) in seen {
        let Some(as_of) = as_of else { continue };
        let Some(age) = days_between(&as_of, &today) else {
            continue;
        };
        if age <= max_age_days {
            continue;
        }
        match by_source.iter_mut().find(|(s, _)| *s == source) {
            Some((_, entries)) => entries.push((entry, as_of, age)),
            None => by_source.push((source, vec![(entry, as_of, age)])),
        }
    }
    by_source
        .into_iter()
        .map(|(source, entries)| {
            let source = source.as_deref().unwrap_or("its source");
            let message = match &entries[..] {
                [(entry, as_of, age)] => format!(
                    "the plan prices {entry} from an entry dated {as_of}, {age} days old (more than {max_age_days}): re-check {source}"
                ),
                _ => {
                    let oldest = entries.iter().map(|e| e.2).max().unwrap_or(0);
                    let mut dates: Vec<&str> = entries.iter().map(|e| e.1.as_str()).collect();
                    dates.sort_by_key(|d| crate::catalog::parse_date(d).unwrap_or(i64::MAX));
                    dates.dedup();
                    let dated = match &dates[..] {
                        [one] => format!("dated {one}, {oldest} days old"),
                        [first, .., last] => {
                            format!("dated {first} to {last}, up to {oldest} days old")
                        }
                        [] => String::new(),
                    };
                    let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
                    format!(
                        "the plan prices {} from {} entries {dated} (more than {max_age_days}), all from one source: re-check {source}",
                        and_list(&names),
                        names.len()
                    )
                }
            };
            Problem::new(Severity::Warning, file, None, None, "", &message)
        })
        .collect()
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

//! Request classes under their web component (`requests:`): one line per
//! class with its rate, latency and target, units in every column.

use crate::render::Section;
use capplan::input::units::{grouped, trim_float};
use capplan::planner::percentile_name;
use capplan::report::recommend::RecommendReport;

/// The classes of every web component that lists them; `None` when none does.
pub fn section(r: &RecommendReport) -> Option<Section> {
    let rows: Vec<Vec<String>> = r
        .components
        .iter()
        .flat_map(|c| c.classes.iter().map(move |class| (c, class)))
        .map(|(c, class)| {
            let ms =
                |v: Option<f64>| v.map_or("unstable".into(), |v| format!("{} ms", grouped(v, 1)));
            vec![
                c.name.clone(),
                class.name.clone(),
                format!("{} req/s", trim_float(class.peak_rps, 3)),
                format!("{} req/month", super::thousands(class.requests_per_month)),
                ms(class.p95_ms),
                format!(
                    "{} {} of {} ms",
                    percentile_name(class.latency_percentile),
                    ms(class.latency_ms),
                    grouped(class.target_ms, 1)
                ),
                match (class.holds, class.binds) {
                    (true, true) => "yes (sets the size)".into(),
                    (true, false) => "yes".into(),
                    (false, _) => "no".into(),
                },
            ]
        })
        .collect();
    (!rows.is_empty()).then(|| Section {
        heading: Some("Request classes".into()),
        headers: ["component", "class", "peak rate", "volume", "p95", "at its target", "holds"]
            .map(String::from)
            .to_vec(),
        rows,
        compact: None,
    })
}

//! The shareable HTML report (`capplan report`): one self-contained page,
//! no network fetches (inline CSS and SVG, no fonts or scripts from
//! elsewhere), readable from a phone to a desktop. Tables come from the
//! same views as the terminal's; every total carries its exact figure in a
//! `data-usd` attribute.

use super::views::{self, money, thousands};
use super::{Document, Section};
use capplan::report::page::PlanReport;

/// The page for `report`, with the cost curve as inline SVG.
pub fn page(report: &PlanReport, curve_svg: &str, curve_notes: &[String]) -> String {
    let mut body = String::new();
    body.push_str(&format!(
        "<header><h1>{}</h1><p class=\"meta\">Capacity plan made on {} with capplan {}. Prices from sourced, dated catalogs (oldest entry used: {}); every price's source is listed at the end.</p></header>\n",
        escape(&report.scenario),
        escape(&report.made_on),
        env!("CARGO_PKG_VERSION"),
        escape(
            report
                .recommendations
                .iter()
                .filter_map(|r| r.catalog_as_of.as_deref())
                .min()
                .unwrap_or("unknown")
        ),
    ));
    // The summary cards: what to run and what it costs, at each count.
    body.push_str("<section class=\"cards\">\n");
    for r in &report.recommendations {
        let stage = r.stage.as_ref().map_or("—".to_string(), |s| s.name.clone());
        let next = r.next_upgrade.as_ref().map_or("none within the search".to_string(), |n| {
            format!("at {} users: {}", thousands(n.at_users), n.change)
        });
        body.push_str(&format!(
            "<div class=\"card\"><div class=\"users\">{} users</div><div class=\"total\" data-users=\"{}\" data-usd=\"{}\">{}<span class=\"unit\">/month</span></div><div>stage: <b>{}</b></div><div>serves {}</div><div>next upgrade: {}</div></div>\n",
            thousands(r.users),
            r.users,
            r.monthly_usd,
            escape(&money(r.monthly_usd)),
            escape(&stage),
            r.max_users
                .map_or("any count searched".to_string(), |m| format!("up to {} users", thousands(m))),
            escape(&next),
        ));
    }
    body.push_str("</section>\n");
    for r in &report.recommendations {
        body.push_str(&format!("<section><h2>At {} users</h2>\n", thousands(r.users)));
        body.push_str(&document(&views::recommend(r, true)));
        body.push_str("</section>\n");
    }
    body.push_str("<section><h2>Monthly cost by users</h2>\n<figure>");
    body.push_str(&responsive_svg(curve_svg));
    body.push_str("</figure>\n");
    for note in curve_notes {
        body.push_str(&format!("<p class=\"warning\">{}</p>\n", escape(note)));
    }
    body.push_str("</section>\n");
    if let Some(stages) = &report.stages {
        body.push_str("<section><h2>Stage ladder and audit</h2>\n");
        body.push_str(&document(&views::stages(stages)));
        body.push_str("</section>\n");
    }
    body.push_str("<section><h2>Sources of every price used</h2>\n");
    body.push_str(&table(&Section {
        compact: None,
        heading: None,
        headers: ["price", "source", "as of", "confidence"].map(String::from).to_vec(),
        rows: report
            .sources
            .iter()
            .map(|s| {
                vec![
                    s.price.clone(),
                    s.source.clone().unwrap_or_else(|| "—".into()),
                    s.as_of.clone().unwrap_or_else(|| "—".into()),
                    s.confidence.unwrap_or("—").to_string(),
                ]
            })
            .collect(),
    }));
    body.push_str("</section>\n");
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title} — capacity plan</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        title = escape(&report.scenario),
    )
}

/// Readable from 320 px up: cards wrap, wide tables scroll inside their box
/// rather than widening the page, the chart scales to the column.
const STYLE: &str = "
:root { color-scheme: light; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1a1a1a; background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.6rem; margin: 0.2em 0; } h2 { font-size: 1.25rem; margin-top: 2em; } h3 { font-size: 1rem; }
.meta { color: #555; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { flex: 1 1 220px; background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 12px 16px; }
.card .users { color: #555; } .card .total { font-size: 1.8rem; font-weight: 600; } .card .unit { font-size: 1rem; color: #555; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; background: #fff; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
th { background: #f0f0f0; }
figure { margin: 0; } svg { max-width: 100%; height: auto; display: block; }
.note { color: #333; } .warning { color: #a01010; }
";

/// Marks the page when it is wider than the window (a phone test reads it).
const SCRIPT: &str = "document.documentElement.dataset.overflow = String(document.documentElement.scrollWidth > window.innerWidth + 1);";

fn document(doc: &Document) -> String {
    let mut out = String::new();
    for section in doc.sections.iter().filter(|s| !s.rows.is_empty()) {
        if let Some(heading) = &section.heading {
            out.push_str(&format!("<h3>{}</h3>\n", escape(heading)));
        }
        out.push_str(&table(section));
    }
    for note in &doc.notes {
        let class = if note.starts_with("warning") { "warning" } else { "note" };
        out.push_str(&format!("<p class=\"{class}\">{}</p>\n", escape(note)));
    }
    out
}

fn table(section: &Section) -> String {
    let mut out = String::from("<div class=\"scroll\"><table>\n<thead><tr>");
    for header in &section.headers {
        out.push_str(&format!("<th>{}</th>", escape(header)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &section.rows {
        out.push_str("<tr>");
        for cell in row {
            let numeric = super::table::is_figure(cell);
            let class = if numeric { " class=\"num\"" } else { "" };
            out.push_str(&format!("<td{class}>{}</td>", escape(cell)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

/// The chart's SVG scaled to its column: the fixed size leaves, the
/// viewBox (which plotters writes) keeps the proportions.
fn responsive_svg(svg: &str) -> String {
    let Some(start) = svg.find("<svg") else {
        return String::new();
    };
    let svg = &svg[start..];
    let Some(end) = svg.find('>') else {
        return String::new();
    };
    let tag = &svg[..end];
    let mut cleaned = String::from("<svg role=\"img\" aria-label=\"Monthly cost by users\"");
    for attribute in ["viewBox", "xmlns"] {
        if let Some(at) = tag.find(&format!("{attribute}=\"")) {
            let rest = &tag[at..];
            let close = rest[attribute.len() + 2..]
                .find('"')
                .map_or(rest.len(), |i| i + attribute.len() + 3);
            cleaned.push(' ');
            cleaned.push_str(&rest[..close]);
        }
    }
    cleaned.push_str(&svg[end..]);
    cleaned
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn svg_keeps_its_view_box_and_loses_its_fixed_size() {
        let svg = "<svg width=\"800\" height=\"600\" viewBox=\"0 0 800 600\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/></svg>";
        let out = super::responsive_svg(svg);
        assert!(out.starts_with("<svg role=\"img\" aria-label=\"Monthly cost by users\" viewBox=\"0 0 800 600\" xmlns=\"http://www.w3.org/2000/svg\">"), "{out}");
        assert!(!out.contains("width=\"800\""));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(super::escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}

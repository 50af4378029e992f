//! GitHub-flavoured Markdown, for docs and pull-request comments.

use super::Document;

pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    if let Some(title) = &doc.title {
        out.push_str(&format!("### {}\n\n", escape(title)));
    }
    // A table with no rows says nothing: it is left out.
    for section in doc.sections.iter().filter(|s| !s.rows.is_empty()) {
        if let Some(heading) = &section.heading {
            out.push_str(&format!("**{}**\n\n", escape(heading)));
        }
        let line = |cells: &[String]| {
            format!("| {} |\n", cells.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | "))
        };
        out.push_str(&line(&section.headers));
        out.push_str(&format!(
            "|{}|\n",
            section.headers.iter().map(|_| " --- ").collect::<Vec<_>>().join("|")
        ));
        for row in &section.rows {
            out.push_str(&line(row));
        }
        out.push('\n');
    }
    for note in &doc.notes {
        out.push_str(&format!("> {}\n", escape(note)));
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

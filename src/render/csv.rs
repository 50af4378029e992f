//! CSV (RFC 4180) for spreadsheets: one header line then rows; several
//! sections are separated by a blank line. Titles and notes are left out.

use super::Document;

pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    for (i, section) in doc.sections.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&line(&section.headers));
        for row in &section.rows {
            out.push_str(&line(row));
        }
    }
    out
}

fn line(cells: &[String]) -> String {
    let mut text = cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",");
    text.push('\n');
    text
}

fn field(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn quotes_fields_that_need_it() {
        assert_eq!(super::field("a,b"), "\"a,b\"");
        assert_eq!(super::field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::field("plain"), "plain");
    }
}

//! Terminal tables (comfy-table) for people.

use super::Document;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    if let Some(title) = &doc.title {
        out.push_str(title);
        out.push('\n');
    }
    for section in &doc.sections {
        if let Some(heading) = &section.heading {
            out.push('\n');
            out.push_str(heading);
            out.push('\n');
        }
        let mut table = Table::new();
        table
            .load_style(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(section.headers.iter().map(Cell::new));
        for row in &section.rows {
            table.add_row(row.iter().map(|cell| {
                // Figures right-aligned; sentences that happen to start with a digit are not.
                let numeric = cell.chars().count() <= 28
                    && cell
                        .trim_start_matches(['$', '-', '+', '~'])
                        .starts_with(|c: char| c.is_ascii_digit());
                let cell_out = Cell::new(cell);
                if numeric {
                    cell_out.set_alignment(CellAlignment::Right)
                } else {
                    cell_out
                }
            }));
        }
        out.push_str(&table.to_string());
        out.push('\n');
    }
    for note in &doc.notes {
        out.push_str(note);
        out.push('\n');
    }
    out
}

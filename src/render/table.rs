//! Terminal tables (comfy-table) for people, fitted to the reader's width.
//!
//! A table that fits is drawn as is. One that does not is drawn in its
//! compact form when it has one (fewer, narrower columns), else with its
//! text columns wrapped while figures keep their full width (a number is
//! never split, a word is broken only at a space or after a `/`); when even
//! that cannot fit, each row is printed as a record of `header │ value`
//! lines, as `psql \x` does. No figure is ever dropped.

use super::{Document, Layout, Section};
use comfy_table::{
    Attribute, Cell, CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED,
};

/// The narrowest a wrapped text column may become before records are used.
const MIN_TEXT_COLUMN: usize = 6;

pub fn render(doc: &Document, layout: &Layout) -> String {
    let mut out = String::new();
    if let Some(title) = &doc.title {
        out.push_str(&layout.bold(&wrap_line(title, layout.width, "")));
    }
    // A table with no rows says nothing: it is left out.
    for section in doc.sections.iter().filter(|s| !s.rows.is_empty()) {
        let (heading, table) = fit_section(section, layout);
        if let Some(heading) = heading {
            out.push('\n');
            out.push_str(&layout.bold(&wrap_line(heading, layout.width, "")));
        }
        out.push_str(&table);
        out.push('\n');
    }
    for note in &doc.notes {
        out.push_str(&wrap_line(note, layout.width, "  "));
    }
    out
}

/// Figures right-aligned; sentences that happen to start with a digit are not.
pub(crate) fn is_figure(cell: &str) -> bool {
    cell.chars().count() <= 28
        && cell
            .trim_start_matches(['$', '-', '+', '~', '≥', '≤', '<', '>'])
            .starts_with(|c: char| c.is_ascii_digit())
}

fn build(headers: &[String], rows: &[Vec<String>], layout: &Layout) -> Table {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Disabled);
    if layout.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(headers.iter().map(|header| {
        let cell = Cell::new(header);
        if layout.color { cell.add_attribute(Attribute::Bold) } else { cell }
    }));
    for row in rows {
        table.add_row(row.iter().map(|cell| {
            let out = Cell::new(cell);
            if is_figure(cell) { out.set_alignment(CellAlignment::Right) } else { out }
        }));
    }
    table
}

fn fits(text: &str, width: usize) -> bool {
    text.lines().all(|line| strip_ansi(line).chars().count() <= width)
}

/// A section laid out for the width, with the heading that goes with the
/// form chosen: the table as it is, else its compact form (as it is or
/// wrapped), else the table wrapped, else its rows as records.
fn fit_section<'a>(section: &'a Section, layout: &Layout) -> (Option<&'a String>, String) {
    let natural = build(&section.headers, &section.rows, layout).to_string();
    let Some(width) = layout.width else {
        return (section.heading.as_ref(), natural);
    };
    if fits(&natural, width) {
        return (section.heading.as_ref(), natural);
    }
    let compact = section.compact.as_deref().filter(|c| !c.rows.is_empty());
    if let Some(compact) = compact
        && let Some(table) = wrapped(&compact.headers, &compact.rows, layout, width)
    {
        return (compact.heading.as_ref(), table);
    }
    if compact.is_none()
        && let Some(table) = wrapped(&section.headers, &section.rows, layout, width)
    {
        return (section.heading.as_ref(), table);
    }
    (section.heading.as_ref(), records(&section.headers, &section.rows, width, layout))
}

/// The table as it is if it fits the width, else with its columns
/// narrowed and wrapped; `None` when even that does not fit.
fn wrapped(
    headers: &[String],
    rows: &[Vec<String>],
    layout: &Layout,
    width: usize,
) -> Option<String> {
    let natural = build(headers, rows, layout).to_string();
    if fits(&natural, width) {
        return Some(natural);
    }
    // Shrink the widest column that can still give, one character at a
    // time: short columns keep their natural width, long text wraps, and a
    // column of figures never goes below its longest number (so figures
    // wrap between number and unit, never inside a number).
    let columns = headers.len();
    let overhead = 1 + 3 * columns; // "│ " … " ┆ " … " │"
    let mut widths = Vec::with_capacity(columns);
    let mut floors = Vec::with_capacity(columns);
    let mut figure_column = Vec::with_capacity(columns);
    for (index, header) in headers.iter().enumerate() {
        let cells: Vec<&str> =
            rows.iter().filter_map(|row| row.get(index).map(String::as_str)).collect();
        let longest_line = |text: &str| text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        let natural = cells
            .iter()
            .map(|cell| longest_line(cell))
            .chain(std::iter::once(longest_line(header)))
            .max()
            .unwrap_or(1)
            .max(1);
        let figures = !cells.is_empty() && cells.iter().all(|cell| is_figure(cell) || *cell == "—");
        // A column never narrows below its longest unbreakable piece: a
        // number with its unit for figures, a word (or a path's piece up
        // to a `/`) for text, headers included, so nothing is split inside
        // a word. When the floors do not fit, rows become records.
        let floor = if figures {
            cells
                .iter()
                .flat_map(|cell| cell.split_whitespace())
                .chain(unbreakable_pieces(header))
                .map(|token| token.chars().count())
                .max()
                .unwrap_or(1)
        } else {
            cells
                .iter()
                .copied()
                .chain(std::iter::once(header.as_str()))
                .flat_map(unbreakable_pieces)
                .map(|piece| piece.chars().count())
                .max()
                .unwrap_or(1)
                .max(MIN_TEXT_COLUMN)
        };
        widths.push(natural);
        floors.push(floor.min(natural));
        figure_column.push(figures);
    }
    let available = width.saturating_sub(overhead);
    // Text gives first (it wraps between words); figures keep their
    // whole width until no text column can give more.
    while widths.iter().sum::<usize>() > available {
        let widest_of = |want_figures: bool| {
            (0..columns)
                .filter(|&i| widths[i] > floors[i] && figure_column[i] == want_figures)
                .max_by_key(|&i| (widths[i], std::cmp::Reverse(i)))
        };
        let Some(widest) = widest_of(false).or_else(|| widest_of(true)) else {
            break;
        };
        widths[widest] -= 1;
    }
    if widths.iter().sum::<usize>() <= available {
        let wrap_row = |row: &[String]| -> Vec<String> {
            row.iter().zip(&widths).map(|(cell, &w)| wrap_cell(cell, w).join("\n")).collect()
        };
        let headers = wrap_row(headers);
        let rows: Vec<Vec<String>> = rows.iter().map(|row| wrap_row(row)).collect();
        let wrapped = build(&headers, &rows, layout).to_string();
        if fits(&wrapped, width) {
            return Some(wrapped);
        }
    }
    None
}

/// Each row as a block of `header │ value` lines, values wrapped to the width.
fn records(headers: &[String], rows: &[Vec<String>], width: usize, layout: &Layout) -> String {
    let label_width = headers.iter().map(|h| h.chars().count()).max().unwrap_or(0).min(width / 2);
    let value_width = width.saturating_sub(label_width + 3).max(1);
    let mut out = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let name = row.first().map(String::as_str).unwrap_or("");
        let rule = format!("─[ {} {} ]", index + 1, name);
        let fill = width.saturating_sub(rule.chars().count());
        out.push(layout.bold(&truncate_rule(&format!("{rule}{}", "─".repeat(fill)), width)));
        for (header, value) in headers.iter().zip(row) {
            // A value with a piece wider than its column (a long id in a
            // source) goes under its label at full width, not cut.
            if unbreakable_pieces(value).any(|piece| piece.chars().count() > value_width) {
                out.push(format!("{header} │"));
                for line in wrap_cell(value, width.saturating_sub(2)) {
                    out.push(format!("  {line}").trim_end().to_string());
                }
                continue;
            }
            let label_lines = wrap_cell(header, label_width);
            let value_lines = wrap_cell(value, value_width);
            for line in 0..label_lines.len().max(value_lines.len()) {
                let label = label_lines.get(line).map(String::as_str).unwrap_or("");
                let value = value_lines.get(line).map(String::as_str).unwrap_or("");
                let pad = label_width.saturating_sub(label.chars().count());
                out.push(format!("{label}{} │ {value}", " ".repeat(pad)).trim_end().to_string());
            }
        }
    }
    out.join("\n")
}

fn truncate_rule(rule: &str, width: usize) -> String {
    rule.chars().take(width).collect::<String>().trim_end().to_string()
}

/// One line of prose wrapped at spaces to the width (continuations indented),
/// with a trailing newline. Without a width the line is left whole.
pub fn wrap_line(text: &str, width: Option<usize>, indent: &str) -> String {
    let mut out = String::new();
    for paragraph in text.split('\n') {
        let Some(width) = width.filter(|&w| strip_ansi(paragraph).chars().count() > w) else {
            // Whole (spacing kept) when it fits or there is no width.
            out.push_str(paragraph);
            out.push('\n');
            continue;
        };
        let first = wrap_words(paragraph, width);
        let mut lines = first.into_iter();
        if let Some(line) = lines.next() {
            out.push_str(&line);
            out.push('\n');
        } else {
            out.push('\n');
        }
        let rest: Vec<String> = lines.collect();
        if !rest.is_empty() {
            let joined = rest.join(" ");
            let inner = width.saturating_sub(indent.chars().count()).max(1);
            for line in wrap_words(&joined, inner) {
                out.push_str(indent);
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}

/// Words packed into lines no wider than `width`; a word longer than the
/// width is cut (at characters) rather than left overflowing.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for source in text.split('\n') {
        let mut line = String::new();
        let mut line_len = 0;
        for word in source.split(' ').filter(|w| !w.is_empty()) {
            let mut word: Vec<char> = word.chars().collect();
            while word.len() > width {
                if line_len > 0 {
                    lines.push(std::mem::take(&mut line));
                    line_len = 0;
                }
                lines.push(word.drain(..width).collect());
            }
            let len = word.len();
            if len == 0 {
                continue;
            }
            if line_len > 0 && line_len + 1 + len > width {
                lines.push(std::mem::take(&mut line));
                line_len = 0;
            }
            if line_len > 0 {
                line.push(' ');
                line_len += 1;
            }
            line.extend(word);
            line_len += len;
        }
        lines.push(line);
    }
    lines
}

/// The pieces a cell may be broken into: words, and a path's parts each
/// with its `/` (`render/`, `web/`, `starter`).
fn unbreakable_pieces(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace().flat_map(|word| word.split_inclusive('/'))
}

/// A cell's text in lines of at most `width`: broken at spaces, else after
/// a `/` (a path reads well split there), else cut (a piece longer than
/// the column, which the column floors avoid).
fn wrap_cell(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for line in wrap_words(text, usize::MAX) {
        let mut rest: Vec<char> = line.chars().collect();
        while rest.len() > width {
            let window = &rest[..=width];
            let cut = if let Some(space) = window.iter().rposition(|&c| c == ' ') {
                (space, space + 1)
            } else if let Some(mark) = window[..width].iter().rposition(|&c| c == '/') {
                (mark + 1, mark + 1)
            } else {
                (width, width)
            };
            let (end, next) = if cut.0 == 0 { (width, width) } else { cut };
            out.push(rest[..end].iter().collect::<String>().trim_end().to_string());
            rest.drain(..next);
        }
        out.push(rest.into_iter().collect());
    }
    out
}

/// Text without ANSI escape sequences (for measuring styled lines).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Section;

    fn layout(width: Option<usize>) -> Layout {
        Layout { width, color: false }
    }

    fn wide_doc() -> Document {
        Document {
            title: Some("A title that is rather long and goes on past the width of a narrow terminal".into()),
            sections: vec![Section {
                compact: None,
                heading: Some("Mix".into()),
                headers: ["component", "provider/offering/tier", "count", "$/month", "sized by"]
                    .map(String::from)
                    .to_vec(),
                rows: vec![
                    ["api", "render/web/standard-plus-with-a-long-name", "12", "$1,234.56", "p95 response <= 200ms at the peak hour"]
                        .map(String::from)
                        .to_vec(),
                    ["db", "atlas/cluster/m30", "1", "$388.80", "storage"].map(String::from).to_vec(),
                ],
            }],
            notes: vec!["Total: $1,623.36/month; excludes unpriced: db: backups (atlas/cluster: no published backup rate)".into()],
        }
    }

    fn figures_whole(text: &str) {
        for figure in ["$1,234.56", "$388.80", "$1,623.36/month;"] {
            assert!(text.contains(figure), "{figure} was split or lost in:\n{text}");
        }
    }

    #[test]
    fn every_line_fits_and_no_figure_is_split() {
        for width in [40, 60, 80, 100] {
            let text = render(&wide_doc(), &layout(Some(width)));
            for line in text.lines() {
                assert!(line.chars().count() <= width, "{width}: {line:?}");
            }
            figures_whole(&text);
        }
    }

    #[test]
    fn wide_keeps_each_row_on_one_line() {
        let text = render(&wide_doc(), &layout(None));
        assert!(text.lines().any(|l| l.contains("render/web/standard-plus-with-a-long-name")
            && l.contains("$1,234.56")
            && l.contains("p95 response <= 200ms at the peak hour")));
    }

    #[test]
    fn narrow_widths_fall_back_to_records() {
        let text = render(&wide_doc(), &layout(Some(40)));
        assert!(text.contains("─[ 1 api ]"), "{text}");
        assert!(text.contains("│ $1,234.56\n"), "{text}");
    }

    #[test]
    fn wrapping_keeps_words_and_cuts_only_overlong_ones() {
        assert_eq!(wrap_words("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap_words("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap_line("aaa bbb ccc", Some(7), "  "), "aaa bbb\n  ccc\n");
    }

    #[test]
    fn styled_lines_are_measured_without_escapes() {
        assert_eq!(strip_ansi("\u{1b}[1mbold\u{1b}[0m"), "bold");
    }
}

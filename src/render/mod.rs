//! Output formats. Every command builds one report struct (in the library);
//! `views` turns it into a format-neutral [`Document`] and each format module
//! lays that out. JSON serializes the report struct itself.

pub mod chart;
pub mod csv;
pub mod markdown;
pub mod table;
pub mod views;

use serde::Serialize;

/// The output formats every command accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Csv,
}

/// Format-neutral content: a title, tables, and notes.
#[derive(Debug, Default, Clone)]
pub struct Document {
    pub title: Option<String>,
    pub sections: Vec<Section>,
    pub notes: Vec<String>,
}

/// One table: a heading, column headers (with units) and rows of cells.
#[derive(Debug, Default, Clone)]
pub struct Section {
    pub heading: Option<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Renders a report: JSON from the struct, the other formats from its view.
pub fn render<T: Serialize>(format: Format, report: &T, view: impl FnOnce() -> Document) -> String {
    match format {
        Format::Json => json(report),
        Format::Table => table::render(&view()),
        Format::Markdown => markdown::render(&view()),
        Format::Csv => csv::render(&view()),
    }
}

/// Pretty JSON with a trailing newline.
pub fn json<T: Serialize>(report: &T) -> String {
    // Reports hold only strings, numbers, options and vectors: serializing
    // them cannot fail, but an error is still shown rather than a panic.
    let mut text = serde_json::to_string_pretty(report)
        .unwrap_or_else(|e| format!("{{\"error\": \"serializing the report failed: {e}\"}}"));
    text.push('\n');
    text
}

//! Output formats. Every command builds one report struct (in the library);
//! `views` turns it into a format-neutral [`Document`] and each format module
//! lays that out. JSON serializes the report struct itself.

pub mod chart;
pub mod csv;
pub mod html;
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
    /// The same table in fewer, narrower columns (what repeats said once,
    /// in its heading), for a terminal too narrow for this one; only the
    /// terminal table uses it.
    pub compact: Option<Box<Section>>,
}

/// How tables are laid out for the reader: the width to fit (`None` with
/// `--wide`) and whether to use colour (a terminal, and `NO_COLOR` unset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub width: Option<usize>,
    pub color: bool,
}

/// The width tables fit on a terminal whose width cannot be read.
pub const DEFAULT_WIDTH: usize = 80;

impl Layout {
    /// `--wide` keeps full width; otherwise `COLUMNS`, else the terminal's
    /// width (80 when it cannot be read); piped without `COLUMNS`, full
    /// width. Colour only on a terminal, never with `NO_COLOR` set
    /// (to anything non-empty, as no-color.org asks) or `TERM=dumb`.
    pub fn detect(wide: bool) -> Layout {
        use std::io::IsTerminal;
        let terminal = std::io::stdout().is_terminal();
        let width = if wide {
            None
        } else if let Some(columns) = std::env::var("COLUMNS")
            .ok()
            .and_then(|text| text.trim().parse::<usize>().ok())
            .filter(|&columns| columns >= 20)
        {
            Some(columns)
        } else if terminal {
            Some(comfy_table::Table::new().width().map_or(DEFAULT_WIDTH, usize::from))
        } else {
            // Piped or redirected with no COLUMNS: a file or a pager has no
            // width to fit, so rows stay whole (as ripgrep and most CLIs do).
            None
        };
        Layout { width, color: terminal && color_allowed() }
    }

    /// `text` in red when colour is on (failures and errors).
    pub fn red(&self, text: &str) -> String {
        self.paint("31", text)
    }

    /// `text` in green when colour is on (passing checks).
    pub fn green(&self, text: &str) -> String {
        self.paint("32", text)
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color { format!("\u{1b}[{code}m{text}\u{1b}[0m") } else { text.to_string() }
    }

    /// Bold each line of `text` when colour is on.
    pub fn bold(&self, text: &str) -> String {
        if !self.color {
            return text.to_string();
        }
        text.split_inclusive('\n')
            .map(|line| {
                let (body, end) = line.strip_suffix('\n').map_or((line, ""), |body| (body, "\n"));
                format!("\u{1b}[1m{body}\u{1b}[0m{end}")
            })
            .collect()
    }
}

/// `NO_COLOR` (non-empty) and `TERM=dumb` turn colour off.
pub fn color_allowed() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|term| term == "dumb");
    !no_color && !dumb
}

/// Output settings given once on the command line (global flags).
#[derive(Debug, Clone)]
pub struct Options {
    pub layout: Layout,
    /// `--table NAME`: with CSV, only that table.
    pub csv_table: Option<String>,
}

static OPTIONS: std::sync::OnceLock<Options> = std::sync::OnceLock::new();

/// Sets the output settings for this process (the first call wins).
pub fn configure(options: Options) {
    let _ = OPTIONS.set(options);
}

/// The layout this process renders with.
pub fn layout() -> Layout {
    options().layout
}

fn options() -> Options {
    OPTIONS.get().cloned().unwrap_or(Options {
        layout: Layout { width: Some(DEFAULT_WIDTH), color: false },
        csv_table: None,
    })
}

/// Renders a report: JSON and CSV from the struct, the other formats from
/// its view. Fails only for a `--table` the report does not have.
pub fn render<T: Serialize>(
    format: Format,
    report: &T,
    view: impl FnOnce() -> Document,
) -> Result<String, String> {
    let options = options();
    Ok(match format {
        Format::Json => json(report),
        Format::Table => table::render(&view(), &options.layout),
        Format::Markdown => markdown::render(&view()),
        Format::Csv => {
            let value = serde_json::to_value(capplan::report::schema::versioned(report))
                .map_err(|e| format!("serializing the report failed: {e}"))?;
            csv::render(&value, options.csv_table.as_deref())?
        }
    })
}

/// Pretty JSON with a trailing newline.
pub fn json<T: Serialize>(report: &T) -> String {
    // Reports hold only strings, numbers, options and vectors: serializing
    // them cannot fail, but an error is still shown rather than a panic.
    let mut text = serde_json::to_string_pretty(&capplan::report::schema::versioned(report))
        .unwrap_or_else(|e| format!("{{\"error\": \"serializing the report failed: {e}\"}}"));
    text.push('\n');
    text
}

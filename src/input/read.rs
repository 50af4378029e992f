//! The one bounded reader of every document capplan parses whole: regular
//! files only, within a byte limit, UTF-8 located to its line and column.

use super::problem::Problem;

/// Largest scenario or catalog file capplan reads: far above any real one,
/// low enough that a runaway file fails fast instead of exhausting memory.
pub const MAX_INPUT_BYTES: usize = 10 * 1024 * 1024;

/// Reads an input file as UTF-8 text within [`MAX_INPUT_BYTES`].
pub fn read_input(path: &std::path::Path) -> Result<String, Problem> {
    read_text(path, MAX_INPUT_BYTES)
}

/// Reads a regular file as UTF-8 text of at most `limit` bytes: the one
/// reader of every document capplan parses whole (a device, a named pipe
/// or a file past the limit is a located error, never read without end).
pub fn read_text(path: &std::path::Path, limit: usize) -> Result<String, Problem> {
    let name = path.display().to_string();
    let fail = |message: String| Problem::error(&name, None, None, "", &message);
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(fail("expected a file, found a folder".into()));
    }
    // A named pipe or a device never ends or never holds a document:
    // reading one would hang or grow without bound.
    if !meta.is_file() {
        return Err(fail("expected a regular file, found a named pipe, socket or device".into()));
    }
    let too_big = |size: u64| {
        fail(format!(
            "the file is {:.1} MB; files of this kind are limited to {} MB",
            size as f64 / 1048576.0,
            limit / 1048576
        ))
    };
    if meta.len() as usize > limit {
        return Err(too_big(meta.len()));
    }
    // Stop at the limit even if the file grows while it is read.
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(format!("cannot read: {e}")))?;
    if bytes.len() > limit {
        return Err(too_big(bytes.len() as u64));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        // Located like any other problem: the line and column of the byte.
        let valid =
            std::str::from_utf8(&e.as_bytes()[..e.utf8_error().valid_up_to()]).unwrap_or_default();
        let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
        Problem::error(
            &name,
            Some(valid.matches('\n').count() + 1),
            Some(valid[line_start..].chars().count() + 1),
            "",
            "the file is not UTF-8 text (an invalid byte here)",
        )
    })?;
    // A UTF-8 byte-order mark is not part of the document.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Whether a file name says TOML (any case: `app.TOML`).
pub fn is_toml(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".toml")
}

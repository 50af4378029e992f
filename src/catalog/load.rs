//! Reading catalog files and folders: each parsed strictly, with errors
//! that name the file, line and column. Checking and merging overlays is
//! `overlay.rs`; the catalogs compiled in are `embedded.rs`. build.rs
//! includes this file to parse `tiers/*.yaml` the same way.

use super::{LoadedFile, Problem, Provider};
use std::path::{Path, PathBuf};

/// A catalog that cannot be used: every error found, with locations.
pub type CatalogError = crate::input::problem::Problems;

/// Reads every overlay file named by the paths, in order (folders sorted).
pub fn overlay_files(paths: &[PathBuf]) -> Result<Vec<LoadedFile>, CatalogError> {
    let mut files = Vec::new();
    for path in paths {
        for file in catalog_paths(path)? {
            files.extend(load_file(&file)?);
        }
    }
    Ok(files)
}

/// A file, or the sorted `.yaml`/`.yml` files of a folder.
pub fn catalog_paths(path: &Path) -> Result<Vec<PathBuf>, CatalogError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        CatalogError::one(Problem::error(&name, None, None, "", &format!("cannot read: {e}")))
    })?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|e| {
        CatalogError::one(Problem::error(
            &name,
            None,
            None,
            "",
            &format!("cannot list the folder: {e}"),
        ))
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(CatalogError::one(Problem::error(
            &name,
            None,
            None,
            "",
            "the folder holds no .yaml catalog files",
        )));
    }
    Ok(files)
}

/// Reads and parses one catalog file (one provider per YAML document).
pub fn load_file(path: &Path) -> Result<Vec<LoadedFile>, CatalogError> {
    let text = crate::input::read::read_input(path).map_err(CatalogError::one)?;
    parse_file(&path.display().to_string(), &text)
}

/// Parses one catalog file strictly (unknown fields, wrong types and
/// duplicate keys are errors with line and column). A file may hold several
/// providers as YAML documents separated by `---` lines (a guide's overlay).
pub fn parse_file(name: &str, text: &str) -> Result<Vec<LoadedFile>, CatalogError> {
    let documents = split_documents(text);
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for document in &documents {
        if documents.len() > 1 && document.trim().is_empty() {
            continue;
        }
        match parse_document(name, document) {
            Ok(file) => files.push(file),
            Err(e) => problems.extend(e.problems),
        }
    }
    if problems.is_empty() { Ok(files) } else { Err(CatalogError { problems }) }
}

/// The documents of a YAML stream, each as the whole file's text with the
/// other documents' lines blanked, so that line numbers stay the file's.
fn split_documents(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut starts = vec![0];
    for (i, line) in lines.iter().enumerate() {
        // `---` alone or followed by a comment separates documents.
        if let Some(rest) = line.strip_prefix("---")
            && (rest.trim().is_empty() || rest.trim_start().starts_with('#'))
            && (rest.is_empty() || rest.starts_with([' ', '\t']))
        {
            starts.push(i + 1);
        }
    }
    let mut documents = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(lines.len(), |next| next - 1);
        let document: Vec<&str> = lines
            .iter()
            .enumerate()
            .map(|(i, line)| if i >= start && i < end { *line } else { "" })
            .collect();
        documents.push(document.join("\n"));
    }
    documents
}

fn parse_document(name: &str, text: &str) -> Result<LoadedFile, CatalogError> {
    if text.trim().is_empty() {
        return Err(CatalogError::one(Problem::error(
            name,
            None,
            None,
            "",
            "the catalog is empty: missing field `version` (and provider, source, as_of)",
        )));
    }
    let provider: Provider = crate::input::yaml::parse_yaml_all(name, text)
        .map_err(|problems| CatalogError { problems })?;
    Ok(LoadedFile { name: name.to_string(), text: text.to_string(), provider })
}

/// serde_yaml_ng appends " at line L column C"; the location is reported apart.
pub fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// "offerings[0].tiers[1]: unknown field `x`" → ("offerings[0].tiers[1]", "unknown field `x`").
pub fn split_field(message: &str) -> (String, String) {
    match message.split_once(": ") {
        Some((field, rest)) if !field.contains(' ') => (field.to_string(), rest.to_string()),
        _ => (String::new(), message.to_string()),
    }
}

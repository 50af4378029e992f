//! Reading catalogs: the embedded files, then `--tiers` overlays, each parsed
//! strictly and checked, with errors that name the file, line and column.

use super::check::{Severity, check_provider};
use super::overlay::merge_provider;
use super::{Catalog, Problem, Provider};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// The catalogs compiled into the binary.
const EMBEDDED: [(&str, &str); 18] = [
    ("tiers/render.yaml", include_str!("../../tiers/render.yaml")),
    ("tiers/atlas.yaml", include_str!("../../tiers/atlas.yaml")),
    ("tiers/redis-cloud.yaml", include_str!("../../tiers/redis-cloud.yaml")),
    ("tiers/aws.yaml", include_str!("../../tiers/aws.yaml")),
    ("tiers/openai.yaml", include_str!("../../tiers/openai.yaml")),
    ("tiers/cloudinary.yaml", include_str!("../../tiers/cloudinary.yaml")),
    ("tiers/upstash.yaml", include_str!("../../tiers/upstash.yaml")),
    ("tiers/neon.yaml", include_str!("../../tiers/neon.yaml")),
    ("tiers/gcp.yaml", include_str!("../../tiers/gcp.yaml")),
    ("tiers/fly.yaml", include_str!("../../tiers/fly.yaml")),
    ("tiers/railway.yaml", include_str!("../../tiers/railway.yaml")),
    ("tiers/heroku.yaml", include_str!("../../tiers/heroku.yaml")),
    ("tiers/digitalocean.yaml", include_str!("../../tiers/digitalocean.yaml")),
    ("tiers/supabase.yaml", include_str!("../../tiers/supabase.yaml")),
    ("tiers/vercel.yaml", include_str!("../../tiers/vercel.yaml")),
    ("tiers/azure.yaml", include_str!("../../tiers/azure.yaml")),
    ("tiers/anthropic.yaml", include_str!("../../tiers/anthropic.yaml")),
    ("tiers/gemini.yaml", include_str!("../../tiers/gemini.yaml")),
];

/// A catalog file as read: its name, text and parsed provider.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub name: String,
    pub text: String,
    pub provider: Provider,
}

/// A catalog that cannot be used: every error found, with locations.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::input::problem::error_lines(&self.problems))
    }
}

impl std::error::Error for CatalogError {}

impl CatalogError {
    fn single(problem: Problem) -> Self {
        CatalogError { problems: vec![problem] }
    }
}

/// The embedded catalogs as JSON, converted from the YAML at build time
/// (build.rs): `{"tiers/render.yaml": {...}, ...}`.
const EMBEDDED_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/catalogs.json"));

/// The embedded providers for planning: from the build-time JSON where a
/// file converted, else from its YAML (which reports any error with its
/// line). Identical content either way; a test checks it.
pub fn embedded_providers() -> Result<Vec<Provider>, CatalogError> {
    // Straight from the text into providers (no intermediate JSON values):
    // the fast path, taken when every file converted.
    if let Ok(mut direct) =
        serde_json::from_str::<std::collections::HashMap<&str, Provider>>(EMBEDDED_JSON)
        && EMBEDDED.iter().all(|(name, _)| direct.contains_key(name))
    {
        return Ok(EMBEDDED.iter().filter_map(|(name, _)| direct.remove(name)).collect());
    }
    let converted: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(EMBEDDED_JSON).unwrap_or_default();
    EMBEDDED
        .iter()
        .map(|(name, text)| match converted.get(*name) {
            Some(value) => Provider::deserialize(value).or_else(|_| single_provider(name, text)),
            None => single_provider(name, text),
        })
        .collect()
}

/// An embedded file's one provider document.
fn single_provider(name: &str, text: &str) -> Result<Provider, CatalogError> {
    let mut files = parse_file(name, text)?;
    match files.len() {
        1 => Ok(files.remove(0).provider),
        n => Err(CatalogError::single(Problem::error(
            name,
            None,
            None,
            "",
            &format!("expected one provider document in an embedded catalog, found {n}"),
        ))),
    }
}

/// The embedded catalog files, parsed.
pub fn embedded_files() -> Result<Vec<LoadedFile>, CatalogError> {
    let mut files = Vec::new();
    for (name, text) in EMBEDDED {
        files.extend(parse_file(name, text)?);
    }
    Ok(files)
}

/// The embedded catalogs alone.
pub fn load() -> Result<Catalog, CatalogError> {
    load_with_overlays(&[]).map(|(catalog, _)| catalog)
}

/// The embedded catalogs with each overlay path (a file, or a folder of
/// `.yaml`/`.yml` files) applied in order. Any error in any file fails the
/// whole load; warnings are returned with the catalog.
pub fn load_with_overlays(paths: &[PathBuf]) -> Result<(Catalog, Vec<Problem>), CatalogError> {
    let mut catalog = Catalog::default();
    let mut warnings = Vec::new();
    catalog.providers = embedded_providers()?;
    for file in overlay_files(paths)? {
        let base = catalog.providers.iter().find(|p| p.provider == file.provider.provider);
        let problems = check_provider(&file, base, super::STALE_AFTER_DAYS);
        if problems.iter().any(|p| p.severity == Severity::Error) {
            return Err(CatalogError { problems });
        }
        warnings.extend(problems);
        match catalog.providers.iter_mut().find(|p| p.provider == file.provider.provider) {
            Some(base) => merge_provider(base, file.provider),
            // A provider new to the catalog keeps its own provenance.
            None => catalog.providers.push(file.provider),
        }
    }
    Ok((catalog, warnings))
}

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
        CatalogError::single(Problem::error(&name, None, None, "", &format!("cannot read: {e}")))
    })?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|e| {
        CatalogError::single(Problem::error(
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
        return Err(CatalogError::single(Problem::error(
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
    let text = crate::input::problem::read_input(path).map_err(CatalogError::single)?;
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
        return Err(CatalogError::single(Problem::error(
            name,
            None,
            None,
            "",
            "the catalog is empty: missing field `version` (and provider, source, as_of)",
        )));
    }
    let provider: Provider = crate::input::problem::parse_yaml_all(name, text)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path must hold for every embedded file: a file whose JSON
    /// does not deserialize silently falls back to parsing its YAML at
    /// every start, several times slower.
    #[test]
    fn every_embedded_catalog_uses_the_build_time_json() {
        let converted: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(EMBEDDED_JSON).unwrap();
        for (name, _) in EMBEDDED {
            let value = converted
                .get(name)
                .unwrap_or_else(|| panic!("{name} was not converted at build time"));
            if let Err(e) = Provider::deserialize(value) {
                panic!("{name}: the build-time JSON does not deserialize: {e}");
            }
        }
    }
}

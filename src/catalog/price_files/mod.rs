//! `capplan tiers import`: providers' own machine-readable price files read
//! into a dated catalog overlay (the format `--tiers` takes). One reader per
//! format; this module holds what they share: the options, the overlay they
//! fill (an entry the embedded catalog has is updated, one it lacks becomes
//! a new tier only where the file gives its capacity and on-demand price),
//! the file dates, and the YAML that is checked before it is returned.
//!
//! Every entry written carries its own `source` (the file's URL or version)
//! and `as_of` (the file's publication date, else `--as-of`, else the
//! file's modification date), so each imported number traces to its file.

mod aws_offer;
mod azure_retail;
pub mod csv;
mod digitalocean;
mod litellm;
mod output;
mod overlay;
mod sha256;

pub use overlay::{Overlay, TierPrice};

use super::{Catalog, Problem, Provider};
use std::fmt;
use std::path::{Path, PathBuf};

/// The price files capplan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceFormat {
    /// LiteLLM's `model_prices_and_context_window.json`.
    Litellm,
    /// An AWS Price List bulk offer file in CSV (EC2, RDS, ElastiCache).
    AwsOffer,
    /// Pages of the Azure Retail Prices API.
    AzureRetail,
    /// DigitalOcean `/v2/sizes` and `/v2/apps/tiers/instance_sizes`.
    Digitalocean,
}

impl PriceFormat {
    pub const ALL: [PriceFormat; 4] = [
        PriceFormat::Litellm,
        PriceFormat::AwsOffer,
        PriceFormat::AzureRetail,
        PriceFormat::Digitalocean,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PriceFormat::Litellm => "litellm",
            PriceFormat::AwsOffer => "aws-offer",
            PriceFormat::AzureRetail => "azure-retail",
            PriceFormat::Digitalocean => "digitalocean",
        }
    }

    pub fn parse(text: &str) -> Option<PriceFormat> {
        Self::ALL.into_iter().find(|f| f.name() == text)
    }

    /// The region the embedded catalog prices, for formats with regions.
    pub fn default_region(self) -> Option<&'static str> {
        match self {
            PriceFormat::AwsOffer => Some("us-east-1"),
            PriceFormat::AzureRetail => Some("eastus"),
            PriceFormat::Litellm | PriceFormat::Digitalocean => None,
        }
    }

    /// Whether the file carries its own date (so `--as-of` does not apply).
    pub fn dated(self) -> bool {
        self == PriceFormat::AwsOffer
    }
}

/// What the user asked for beyond the files.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The date the numbers were true, for files that carry none.
    pub as_of: Option<String>,
    /// The region to read (AWS `Region Code`, Azure `armRegionName`).
    pub region: Option<String>,
    /// Update entries the embedded catalog has; add none.
    pub existing_only: bool,
}

/// A finished import: the overlay's providers and what was left out.
#[derive(Debug, Clone)]
pub struct PriceImport {
    pub format: PriceFormat,
    pub providers: Vec<Provider>,
    /// Entries of the embedded catalog the overlay sets.
    pub updated: usize,
    /// Entries the overlay adds.
    pub added: usize,
    /// Records left out, by reason, with how many.
    pub skipped: Vec<(String, usize)>,
    /// Facts about the import worth reading (dates taken, pages missing).
    pub notes: Vec<String>,
}

/// Why a price file cannot be imported: every problem, located.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceFileError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for PriceFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self
            .problems
            .iter()
            .map(|p| {
                if p.file.is_empty() && p.field.is_empty() {
                    crate::input::problem::concise(&p.message)
                } else if p.file.is_empty() {
                    format!(
                        "{}: {}",
                        crate::input::problem::concise(&p.field),
                        crate::input::problem::concise(&p.message)
                    )
                } else {
                    p.to_string()
                }
            })
            .collect();
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for PriceFileError {}

impl PriceFileError {
    pub(crate) fn at(file: &str, line: Option<usize>, field: &str, message: &str) -> Self {
        PriceFileError { problems: vec![Problem::error(file, line, None, field, message)] }
    }
}

impl From<Problem> for PriceFileError {
    fn from(problem: Problem) -> Self {
        PriceFileError { problems: vec![problem] }
    }
}

/// Reads `paths` as `format` against the embedded catalog `base`.
pub fn import(
    format: PriceFormat,
    paths: &[PathBuf],
    base: &Catalog,
    options: &ImportOptions,
) -> Result<PriceImport, PriceFileError> {
    if paths.is_empty() {
        return Err(PriceFileError::at("", None, "", "expected at least one price file"));
    }
    if options.as_of.is_some() && format.dated() {
        return Err(PriceFileError::at(
            "",
            None,
            "",
            &format!(
                "--as-of does not apply to {}: the file carries its own publication date",
                format.name()
            ),
        ));
    }
    if options.region.is_some() && format.default_region().is_none() {
        return Err(PriceFileError::at(
            "",
            None,
            "",
            &format!(
                "--region does not apply to {}: its prices are the same everywhere",
                format.name()
            ),
        ));
    }
    if let Some(date) = &options.as_of
        && super::parse_civil_date(date).is_none()
    {
        return Err(PriceFileError::at(
            "",
            None,
            "",
            &format!("--as-of: expected a date YYYY-MM-DD, found '{date}'"),
        ));
    }
    let mut overlay = Overlay::new(base, options.existing_only);
    match format {
        PriceFormat::Litellm => litellm::read(paths, options, &mut overlay)?,
        PriceFormat::AwsOffer => aws_offer::read(paths, options, &mut overlay)?,
        PriceFormat::AzureRetail => azure_retail::read(paths, options, &mut overlay)?,
        PriceFormat::Digitalocean => digitalocean::read(paths, options, &mut overlay)?,
    }
    // Nothing imported is about the files as a whole: it names them.
    overlay.finish(format).map_err(|mut e| {
        let files: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        for problem in e.problems.iter_mut().filter(|p| p.file.is_empty()) {
            problem.file = files.join(", ");
        }
        e
    })
}

/// The date a file's numbers were true when the file says none: `--as-of`,
/// else the day the file was last modified (UTC), noted.
pub(crate) fn undated_file_date(
    path: &Path,
    options: &ImportOptions,
    overlay: &mut Overlay,
) -> Result<String, PriceFileError> {
    if let Some(date) = &options.as_of {
        return Ok(date.clone());
    }
    let name = path.display().to_string();
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(|e| PriceFileError::at(&name, None, "", &format!("cannot read: {e}")))?;
    let seconds = modified.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let date = super::dates::date_of_unix_seconds(seconds);
    overlay.note(format!(
        "{name} carries no date: as_of {date} is the day it was last modified (pass --as-of to say when it was downloaded)"
    ));
    Ok(date)
}

/// A price file read whole as UTF-8 JSON text within the input limit.
pub(crate) fn read_json(path: &Path) -> Result<(String, serde_json::Value), PriceFileError> {
    let name = path.display().to_string();
    let text = crate::input::read::read_input(path)?;
    let value = serde_json::from_str(&text).map_err(|e| {
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        PriceFileError {
            problems: vec![Problem::error(
                &name,
                Some(e.line()),
                Some(e.column()),
                "",
                &format!("not valid JSON ({message}): the file is truncated or not a price file"),
            )],
        }
    })?;
    Ok((text, value))
}

/// `$.sizes[3].price_monthly`-style paths for located JSON errors.
pub(crate) fn json_path(parts: &[&str]) -> String {
    let mut path = String::from("$");
    for part in parts {
        if part.starts_with('[') {
            path.push_str(part);
        } else if part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            path.push('.');
            path.push_str(part);
        } else {
            path.push_str(&format!("[{part:?}]"));
        }
    }
    path
}

/// A number field of a JSON object: absent or null → `None`; a number or a
/// numeric string (DigitalOcean writes `"5.00"`) → its value; anything else,
/// or a negative or non-finite number, is an error at `path`.
pub(crate) fn json_number(
    file: &str,
    object: &serde_json::Map<String, serde_json::Value>,
    key: &str,
    path: &[&str],
) -> Result<Option<f64>, PriceFileError> {
    let at = |found: String| {
        let mut full = path.to_vec();
        full.push(key);
        PriceFileError::at(
            file,
            None,
            &json_path(&full),
            &format!("expected a number of at least 0, found {found}"),
        )
    };
    let value = match object.get(key) {
        None | Some(serde_json::Value::Null) => return Ok(None),
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(other) => return Err(at(crate::input::problem::concise(&other.to_string()))),
    };
    match value {
        Some(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        _ => Err(at(crate::input::problem::concise(
            &object.get(key).map(|v| v.to_string()).unwrap_or_default(),
        ))),
    }
}

/// An id capplan's catalogs accept (lower case, digits, `-`, `.`, `+`, `_`).
pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '+' | '_')
        })
}

//! What several commands share on the way out: the catalog they load and the
//! warnings they append under their report.

use super::Failure;
use crate::render::{self, Format};
use capplan::catalog::{Catalog, Problem, load_with_overlays};
use std::fmt::Display;
use std::path::PathBuf;

/// The embedded catalogs with the user's price overlays applied, and the
/// overlays' warnings; a bad overlay is an input error (exit 2).
///
/// The catalog lives until the process exits, so it is leaked: freeing its
/// thousands of strings at exit cost 8% of a whole `recommend` run.
pub(crate) fn load_catalog(
    overlays: &[PathBuf],
) -> Result<(&'static Catalog, Vec<Problem>), Failure> {
    let (catalog, warnings) =
        load_with_overlays(overlays).map_err(|e| Failure::input(e.to_string()))?;
    Ok((Box::leak(Box::new(catalog)), warnings))
}

/// Warnings go under a table or Markdown report, wrapped like the table, and
/// to stderr for machine formats so that stdout stays parseable.
pub(crate) fn append_warnings<W: Display>(text: &mut String, warnings: &[W], format: Format) {
    for warning in warnings {
        let line = format!("warning: {warning}");
        match format {
            Format::Table => {
                text.push_str(&render::table::wrap_line(&line, render::layout().width, "    "))
            }
            Format::Markdown => {
                text.push_str(&line);
                text.push('\n');
            }
            _ => super::stderr_line(&line),
        }
    }
}

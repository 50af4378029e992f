//! `capplan tiers`: list, show and check the tier catalogs.

use super::output::{append_warnings, load_catalog};
use super::{Failure, Output};
use crate::render::{self, Format, views};
use capplan::catalog::{
    self, CatalogCheckReport, LoadedFile, Problem, TierListReport, TierShowReport, check_catalog,
    embedded_files, offering_summaries, tier_rows, usage_rows,
};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    about = "List, show and check the tier catalogs (prices, limits, sources)",
    after_help = "Examples:
  capplan tiers                              # providers and offerings, tier counts, as_of and age
  capplan tiers show render/web              # tiers with capacity, price, source and confidence
  capplan tiers show atlas --format json
  capplan tiers show render --tiers my-prices.yaml   # with a negotiated-price overlay
  capplan tiers check                        # validate the embedded catalogs
  capplan tiers check tiers/ my-prices.yaml  # validate files or folders
  capplan tiers import litellm model_prices_and_context_window.json --out ai-prices.yaml
  capplan tiers diff --tiers ai-prices.yaml  # what an overlay changes, price by price"
)]
pub struct TiersArgs {
    #[command(subcommand)]
    command: Option<TiersCommand>,
    /// Overlay catalog file or folder (repeatable): same ids replace fields, new ids add
    #[arg(long = "tiers", value_name = "PATH", global = true)]
    overlays: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value = "table", global = true)]
    format: Format,
}

#[derive(Debug, Subcommand)]
enum TiersCommand {
    /// Providers and offerings with tier counts, as_of and age (the default)
    List,
    /// The tiers of PROVIDER or PROVIDER/OFFERING
    Show {
        /// e.g. render, render/web, aws/ec2
        selector: String,
    },
    /// Validate catalog files (the embedded ones when no PATH is given)
    Check {
        /// Catalog files or folders
        paths: Vec<PathBuf>,
    },
    /// Read a provider's price file into a dated overlay (litellm, aws-offer, azure-retail, digitalocean)
    Import(super::tiers_import::ImportArgs),
    /// What --tiers overlays change against the embedded catalog, price by price
    Diff,
}

/// Loads the embedded catalogs plus overlays; a bad overlay is exit 2.
pub fn run(args: TiersArgs) -> Result<Output, Failure> {
    match args.command.unwrap_or(TiersCommand::List) {
        TiersCommand::List => {
            let (catalog, warnings) = load_catalog(&args.overlays)?;
            let report = TierListReport { offerings: offering_summaries(catalog) };
            let mut text =
                render::render(args.format, &report, || views::tier_list(&report.offerings))
                    .map_err(Failure::input)?;
            append_warnings(&mut text, &warnings, args.format);
            Ok(Output::ok(text))
        }
        TiersCommand::Show { selector } => {
            let (catalog, warnings) = load_catalog(&args.overlays)?;
            let rows = tier_rows(catalog, &selector).ok_or_else(|| {
                let known: Vec<String> = catalog
                    .providers
                    .iter()
                    .flat_map(|p| p.offerings.iter().map(move |o| format!("{}/{}", p.provider, o.id)))
                    .collect();
                Failure::input(format!(
                    "tiers show: expected a provider or provider/offering, one of {}; got '{selector}'",
                    known.join(", ")
                ))
            })?;
            let provider = selector.split('/').next().unwrap_or_default();
            let usage =
                if selector.contains('/') { Vec::new() } else { usage_rows(catalog, provider) };
            let report =
                TierShowReport { selector: selector.clone(), tiers: rows, usage_prices: usage };
            let mut text = render::render(args.format, &report, || {
                views::tier_show(&selector, &report.tiers, &report.usage_prices)
            })
            .map_err(Failure::input)?;
            append_warnings(&mut text, &warnings, args.format);
            Ok(Output::ok(text))
        }
        TiersCommand::Check { paths } => check(&paths, &args.overlays, args.format),
        TiersCommand::Import(import) => {
            super::tiers_import::run(import, &args.overlays, args.format)
        }
        TiersCommand::Diff => super::tiers_import::diff(&args.overlays, args.format),
    }
}

/// The files named (the embedded catalogs when none), then each `--tiers`
/// overlay, checked as it would load: over the providers before it.
fn check(paths: &[PathBuf], overlays: &[PathBuf], format: Format) -> Result<Output, Failure> {
    let mut files: Vec<LoadedFile> = Vec::new();
    let mut problems = Vec::new();
    let mut names = Vec::new();
    if paths.is_empty() {
        match embedded_files() {
            Ok(loaded) => files = loaded,
            Err(e) => problems.extend(e.problems),
        }
        names = files.iter().map(|f| f.name.clone()).collect();
    } else {
        for path in paths {
            // Each file separately, so one bad file does not hide the others.
            for file in expand_for_check(path, &mut problems) {
                names.push(file.display().to_string());
                match catalog::load_file(&file) {
                    Ok(loaded) => files.extend(loaded),
                    Err(e) => problems.extend(e.problems),
                }
            }
        }
    }
    for path in overlays {
        for file in expand_for_check(path, &mut problems) {
            names.push(file.display().to_string());
            match catalog::load_file(&file) {
                Ok(loaded) => files.extend(loaded),
                Err(e) => problems.extend(e.problems),
            }
        }
    }
    if !paths.is_empty() {
        held_to_embedded_sites(&mut files);
    }
    problems.extend(check_catalog(&files));
    let (errors, warnings) = capplan::input::problem::tally(&problems);
    let report = CatalogCheckReport { errors, warnings, files: names, problems };
    let text =
        render::render(format, &report, || views::tier_check(&report.files, &report.problems))
            .map_err(Failure::input)?;
    Ok(Output { text, code: u8::from(report.errors > 0) })
}

/// A file is held to the sites of the embedded provider it extends too, as
/// when it is loaded over it: an overlay checked alone still has its
/// sources checked.
fn held_to_embedded_sites(files: &mut [LoadedFile]) {
    let Ok(embedded) = catalog::load() else { return };
    for file in files.iter_mut() {
        if let Some(provider) = embedded.provider(&file.provider.provider) {
            for site in &provider.sites {
                if !file.provider.sites.contains(site) {
                    file.provider.sites.push(site.clone());
                }
            }
        }
    }
}

fn expand_for_check(path: &std::path::Path, problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    match catalog::catalog_paths(path) {
        Ok(files) => files,
        Err(e) => {
            problems.extend(e.problems);
            Vec::new()
        }
    }
}

//! `capplan tiers import` (a provider's price file → a dated overlay) and
//! `capplan tiers diff` (what overlays change, price by price).

use super::{Failure, Output};
use crate::render::{self, Format, views};
use capplan::catalog::price_files::{self, ImportOptions, PriceFormat};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    about = "Read a provider's price file into a dated catalog overlay (the format --tiers takes)",
    after_help = "Formats and the files they read (docs/prices.md says where to download each):
  litellm        LiteLLM's model_prices_and_context_window.json (Anthropic, OpenAI, Gemini token prices)
  aws-offer      AWS Price List offer CSV: AmazonEC2, AmazonRDS or AmazonElastiCache, one region
  azure-retail   Azure Retail Prices API pages saved as JSON (one or many)
  digitalocean   GET /v2/sizes and GET /v2/apps/tiers/instance_sizes saved as JSON

Examples:
  capplan tiers import litellm model_prices_and_context_window.json --out prices/ai.yaml
  capplan tiers import aws-offer AmazonEC2.csv AmazonRDS.csv --out prices/aws.yaml
  capplan tiers import azure-retail page-1.json page-2.json --region eastus --out prices/azure.yaml
  capplan tiers diff --tiers prices/aws.yaml        # what it changes, price by price
  capplan recommend --tiers prices/aws.yaml         # the plan at the imported prices

Entries the embedded catalog has are updated; an entry it lacks is added only
where the file gives its capacity and on-demand price. Every entry carries the
file's source and as_of: the offer file's publication date, else --as-of, else
the file's modification date. Without --out the overlay is printed."
)]
pub struct ImportArgs {
    /// litellm, aws-offer, azure-retail or digitalocean
    #[arg(value_name = "FORMAT", value_parser = ["litellm", "aws-offer", "azure-retail", "digitalocean"])]
    price_format: String,
    /// The price files
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Write the overlay here (atomically) instead of printing it
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Replace --out if it exists
    #[arg(long)]
    force: bool,
    /// The date the prices were true, for files that carry none (litellm, azure-retail, digitalocean)
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<String>,
    /// The region to read: aws-offer (default us-east-1), azure-retail (default eastus)
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// Update entries the embedded catalog has; add none
    #[arg(long)]
    existing_only: bool,
}

pub fn run(args: ImportArgs, overlays: &[PathBuf], format: Format) -> Result<Output, Failure> {
    if !overlays.is_empty() {
        return Err(Failure::input(
            "tiers import compares the file with the embedded catalog: --tiers does not apply (use tiers diff --tiers OVERLAY to compare)",
        ));
    }
    if format != Format::Table {
        return Err(Failure::input("tiers import writes a YAML overlay: --format does not apply"));
    }
    let Some(price_format) = PriceFormat::parse(&args.price_format) else {
        return Err(Failure::input(format!(
            "tiers import: expected a format, one of litellm, aws-offer, azure-retail, digitalocean; got '{}'",
            args.price_format
        )));
    };
    if let Some(out) = &args.out
        && out.exists()
        && !args.force
    {
        return Err(Failure::input(format!(
            "{} exists; pass --force to replace it, or give another path",
            out.display()
        )));
    }
    let (catalog, _) = super::output::load_catalog(&[])?;
    let options = ImportOptions {
        as_of: args.as_of.clone(),
        region: args.region.clone(),
        existing_only: args.existing_only,
    };
    let imported = price_files::import(price_format, &args.files, catalog, &options)
        .map_err(|e| Failure::input(e.to_string()))?;
    let files: Vec<String> = args.files.iter().map(|f| f.display().to_string()).collect();
    let counts = format!(
        "{} entr{} of the embedded catalog updated, {} added",
        imported.updated,
        if imported.updated == 1 { "y" } else { "ies" },
        imported.added
    );
    let mut summary = vec![counts.clone()];
    if !imported.skipped.is_empty() {
        summary.push(format!(
            "left out: {}",
            imported
                .skipped
                .iter()
                .map(|(reason, n)| format!("{n} × {reason}"))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    summary.extend(imported.notes.iter().cloned());
    let header = format!(
        "capplan tiers import {} {} (capplan {}, {})\n{counts}; each entry carries its file's source and as_of.\nWhat it changes: capplan tiers diff --tiers {}",
        price_format.name(),
        files.join(" "),
        env!("CARGO_PKG_VERSION"),
        capplan::catalog::today(),
        args.out.as_ref().map_or("OVERLAY".to_string(), |o| o.display().to_string())
    );
    let text =
        imported.overlay_text(catalog, &header).map_err(|e| Failure::input(e.to_string()))?;
    let Some(out) = args.out else {
        for line in &summary {
            super::stderr_line(&format!("tiers import: {line}"));
        }
        return Ok(Output::ok(text));
    };
    let name = out.display().to_string();
    capplan::support::fsio::write_atomically(&out, text.as_bytes())
        .map_err(|e| Failure::input(format!("{name}: {e}")))?;
    let mut message = format!("wrote {name} from {}: ", files.join(", "));
    message.push_str(&summary.join("\n  "));
    message.push_str(&format!(
        "\nnext:\n  capplan tiers diff --tiers {name}\n  capplan recommend --tiers {name}\n"
    ));
    Ok(Output::ok(message))
}

/// `capplan tiers diff`: the overlays against the embedded catalog.
pub fn diff(overlays: &[PathBuf], format: Format) -> Result<Output, Failure> {
    let (embedded, _) = super::output::load_catalog(&[])?;
    let (overlaid, warnings) = super::output::load_catalog(overlays)?;
    let names: Vec<String> = overlays.iter().map(|p| p.display().to_string()).collect();
    let report = capplan::catalog::tier_diff(embedded, overlaid, &names);
    let mut text =
        render::render(format, &report, || views::tier_diff(&report)).map_err(Failure::input)?;
    super::output::append_warnings(&mut text, &warnings, format);
    Ok(Output::ok(text))
}

//! DigitalOcean's API responses, saved as JSON: `GET /v2/sizes` (Droplets:
//! `sizes[]` with slug, vcpus, memory in MB, transfer in TB, price_monthly)
//! → `digitalocean/droplets`, and `GET /v2/apps/tiers/instance_sizes` (App
//! Platform: `instance_sizes[]` with slug, cpus, memory_bytes, cpu_type,
//! usd_per_month) → `digitalocean/app-platform`. Told apart by their list.
//!
//! Sizes marked unavailable and GPU Droplets (capplan does not model GPUs)
//! are left out. Basic Droplets and `SHARED` App Platform sizes have shared
//! vCPUs. A `meta.total` above the sizes given means pages are missing (the
//! API pages by 20 unless `?per_page=200`), which is noted.

use super::overlay::Stamp;
use super::{ImportOptions, Overlay, PriceFileError, TierPrice, json_number, json_path};
use crate::catalog::Confidence;
use serde_json::{Map, Value};
use std::path::PathBuf;

pub(super) fn read(
    paths: &[PathBuf],
    options: &ImportOptions,
    overlay: &mut Overlay,
) -> Result<(), PriceFileError> {
    for path in paths {
        let name = path.display().to_string();
        let (_, value) = super::read_json(path)?;
        let (list, endpoint, offering) = if value.get("sizes").is_some() {
            ("sizes", "/v2/sizes", "droplets")
        } else if value.get("instance_sizes").is_some() {
            ("instance_sizes", "/v2/apps/tiers/instance_sizes", "app-platform")
        } else {
            return Err(PriceFileError::at(
                &name,
                None,
                "$",
                "expected a DigitalOcean API response with a 'sizes' list (GET /v2/sizes) or an 'instance_sizes' list (GET /v2/apps/tiers/instance_sizes)",
            ));
        };
        let Some(sizes) = value.get(list).and_then(Value::as_array) else {
            return Err(PriceFileError::at(
                &name,
                None,
                &json_path(&[list]),
                "expected a list of sizes, found another JSON value",
            ));
        };
        if let Some(total) = value.pointer("/meta/total").and_then(Value::as_u64)
            && total > sizes.len() as u64
        {
            overlay.note(format!(
                "{name}: meta.total is {total} but the file has {} sizes: fetch every page (?per_page=200)",
                sizes.len()
            ));
        }
        let as_of = super::undated_file_date(path, options, overlay)?;
        for (i, size) in sizes.iter().enumerate() {
            let index = format!("[{i}]");
            let Value::Object(size) = size else {
                return Err(PriceFileError::at(
                    &name,
                    None,
                    &json_path(&[list, &index]),
                    "expected a size (an object), found another JSON value",
                ));
            };
            let Some(slug) = size.get("slug").and_then(Value::as_str) else {
                return Err(PriceFileError::at(
                    &name,
                    None,
                    &json_path(&[list, &index, "slug"]),
                    "expected the size's slug, found none",
                ));
            };
            let stamp = Stamp {
                source: format!(
                    "api.digitalocean.com{endpoint} (DigitalOcean API GET, saved as {name}), entry '{slug}'"
                ),
                as_of: as_of.clone(),
                confidence: Confidence::High,
                evidence: None,
            };
            let at = [list, index.as_str()];
            let price = if list == "sizes" {
                droplet(&name, size, &at, overlay)?
            } else {
                app_size(&name, size, &at)?
            };
            if let Some(price) = price {
                overlay.tier("digitalocean", offering, slug, price, &stamp);
            }
        }
    }
    Ok(())
}

/// A `/v2/sizes` entry: `None` when it is not one capplan prices.
fn droplet(
    file: &str,
    size: &Map<String, Value>,
    at: &[&str],
    overlay: &mut Overlay,
) -> Result<Option<TierPrice>, PriceFileError> {
    if size.get("available") == Some(&Value::Bool(false)) {
        overlay.skip("digitalocean/droplets: a size marked unavailable");
        return Ok(None);
    }
    if size.get("gpu_info").is_some_and(|g| !g.is_null()) {
        overlay.skip("digitalocean/droplets: a GPU Droplet (capplan does not model GPUs)");
        return Ok(None);
    }
    let description = size.get("description").and_then(Value::as_str).unwrap_or_default();
    Ok(Some(TierPrice {
        monthly_usd: json_number(file, size, "price_monthly", at)?,
        vcpu: json_number(file, size, "vcpus", at)?.filter(|v| *v > 0.0),
        memory_mb: json_number(file, size, "memory", at)?.filter(|m| *m > 0.0),
        shared_cpu: Some(description.contains("Basic")),
        bandwidth_gb_per_month: json_number(file, size, "transfer", at)?
            .filter(|t| *t > 0.0)
            .map(|tb| (tb * 1000.0).round()),
        name: Some(format!("{} ({description})", slug_of(size))),
        ..TierPrice::default()
    }))
}

/// An `/v2/apps/tiers/instance_sizes` entry (numbers as strings).
fn app_size(
    file: &str,
    size: &Map<String, Value>,
    at: &[&str],
) -> Result<Option<TierPrice>, PriceFileError> {
    let cpu_type = size.get("cpu_type").and_then(Value::as_str).unwrap_or_default();
    Ok(Some(TierPrice {
        monthly_usd: json_number(file, size, "usd_per_month", at)?,
        vcpu: json_number(file, size, "cpus", at)?.filter(|v| *v > 0.0),
        memory_mb: json_number(file, size, "memory_bytes", at)?
            .filter(|b| *b > 0.0)
            .map(|b| b / 1_048_576.0),
        shared_cpu: Some(cpu_type.eq_ignore_ascii_case("shared")),
        name: size.get("name").and_then(Value::as_str).map(str::to_string),
        ..TierPrice::default()
    }))
}

fn slug_of(size: &Map<String, Value>) -> &str {
    size.get("slug").and_then(Value::as_str).unwrap_or_default()
}

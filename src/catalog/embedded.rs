//! The catalogs compiled into the binary. build.rs finds every
//! `tiers/*.yaml`, parses and checks it, and writes the providers in a form
//! read here without YAML; adding `tiers/acme.yaml` adds a provider. The
//! catalog a command plans with is these plus any `--tiers` overlays.

use super::load::{overlay_files, parse_file};
use super::overlay::apply_overlays;
use super::{Catalog, CatalogError, LoadedFile, Problem, Provider};
use std::path::PathBuf;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/catalogs.rs"));
}

pub use generated::{PROVIDER_IDS, STACK_IDS};

/// The providers as build.rs parsed them, written out as the Rust code
/// that builds them (types are this folder's, maps collect from pairs).
#[allow(clippy::all)]
mod providers {
    use crate::catalog::rules::*;
    use crate::catalog::types::*;
    include!(concat!(env!("OUT_DIR"), "/providers.rs"));
}

/// The embedded providers for planning, in file-name order. build.rs has
/// already parsed and checked them; this only builds the values.
pub fn embedded_providers() -> Vec<Provider> {
    providers::providers()
}

/// The embedded catalog files, parsed from their YAML: for `tiers check`,
/// which needs each file's text to name lines.
pub fn embedded_files() -> Result<Vec<LoadedFile>, CatalogError> {
    let mut files = Vec::new();
    for (name, text) in generated::FILES {
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
    let mut catalog = Catalog { providers: embedded_providers() };
    let warnings = apply_overlays(&mut catalog, overlay_files(paths)?)?;
    Ok((catalog, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{PurchaseOption, Severity, check_catalog};

    #[test]
    fn every_embedded_catalog_loads_without_errors() {
        let files = embedded_files().unwrap_or_else(|e| panic!("{e}"));
        let errors: Vec<String> = check_catalog(&files)
            .into_iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| p.to_string())
            .collect();
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }

    /// The decoded form is the YAML's meaning, file by file.
    #[test]
    fn embedded_form_matches_the_yaml() {
        let from_yaml: Vec<Provider> =
            embedded_files().unwrap().into_iter().map(|f| f.provider).collect();
        assert_eq!(embedded_providers(), from_yaml);
    }

    #[test]
    fn prices_derive_from_the_research_file() {
        let catalog = load().unwrap();
        let price = |r: &str| catalog.tier(r).unwrap().monthly_usd();
        assert_eq!(price("render/web/standard"), Some(25.0));
        assert_eq!(price("atlas/cluster/m10"), Some(56.94));
        assert!((price("atlas/cluster/m30").unwrap() - 0.54 * 730.0).abs() < 1e-9);
        assert!((price("aws/ec2/m5.large").unwrap() - 70.08).abs() < 1e-9);
        assert_eq!(price("redis-cloud/essentials/2.5gb"), None);
        let t3 = catalog.tier("aws/ec2/t3.medium").unwrap();
        // The per-type Standard RI rate (pricesim), not the generic discount.
        let reserved = t3.monthly_usd_with(PurchaseOption::Reserved1y).unwrap();
        assert!((reserved - 0.0261 * 730.0).abs() < 1e-9);
        // infracost's golden for the same reservation: $19.05.
        assert!((reserved - 19.05).abs() < 0.01);
        let m5 = catalog.tier("aws/ec2/m5.large").unwrap();
        assert!((m5.monthly_usd_with(PurchaseOption::Spot).unwrap() - 70.08 * 0.35).abs() < 1e-9);
        let flex = catalog.tier("atlas/cluster/flex").unwrap();
        assert_eq!(flex.monthly_usd_at_ops(150.0), Some(15.0));
        assert_eq!(flex.monthly_usd_at_ops(501.0), None);
        assert!(!catalog.tier("atlas/cluster/m2").unwrap().available());
    }

    /// The discovery rule: one provider per file in tiers/, named after
    /// it, in file-name order; nothing listed by hand.
    #[test]
    fn every_file_in_tiers_is_a_provider() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tiers");
        let mut stems: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        stems.sort();
        let ids: Vec<String> = embedded_providers().into_iter().map(|p| p.provider).collect();
        assert_eq!(ids, stems);
        assert_eq!(PROVIDER_IDS.to_vec(), stems);
        let names: Vec<&str> = generated::FILES.iter().map(|(n, _)| *n).collect();
        let expected: Vec<String> = stems.iter().map(|s| format!("tiers/{s}.yaml")).collect();
        assert_eq!(names, expected);
    }
}

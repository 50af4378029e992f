//! AWS Price List bulk offer files in CSV (`offers/v1.0/aws/<Offer>/
//! <version>/<region>/index.csv`): five metadata rows (format version,
//! disclaimer, publication date, version, offer code), a header, then one
//! row per price. Read as a stream, one row in memory at a time, keeping
//! only the rows capplan prices:
//!
//! - AmazonEC2 `Compute Instance`: Linux, Shared tenancy, no pre-installed
//!   software, capacity status Used → `aws/ec2`;
//! - AmazonRDS `Database Instance`: PostgreSQL, Single-AZ → `aws/rds-postgres`,
//!   Multi-AZ → `aws/rds-postgres-multi-az`;
//! - AmazonElastiCache `Cache Instance`: Redis → `aws/elasticache-redis`,
//!   Valkey → `aws/elasticache-valkey`;
//!
//! in one region, on demand (`Hrs`) and the Standard No Upfront reserved
//! terms (`reserved_1y`, `reserved_3y`) where the catalog models them.
//! `as_of` is the file's publication date, `source` its offer and version.

use super::csv::Records;
use super::overlay::Stamp;
use super::{ImportOptions, Overlay, PriceFileError, TierPrice};
use crate::catalog::{Confidence, PurchaseOption};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The metadata rows, in order, before the header.
const METADATA: [&str; 5] =
    ["FormatVersion", "Disclaimer", "Publication Date", "Version", "OfferCode"];

pub(super) fn read(
    paths: &[PathBuf],
    options: &ImportOptions,
    overlay: &mut Overlay,
) -> Result<(), PriceFileError> {
    let region = options.region.as_deref().unwrap_or("us-east-1").to_string();
    for path in paths {
        read_file(path, &region, overlay)?;
    }
    if region != "us-east-1" {
        overlay.rename_provider("aws", format!("Amazon Web Services ({region})"));
        overlay.note(format!(
            "prices of {region}: entries the overlay does not set keep the embedded catalog's us-east-1 prices"
        ));
    }
    Ok(())
}

/// The columns one offer's rows are read by.
struct Columns {
    term: usize,
    description: usize,
    unit: usize,
    price: usize,
    currency: usize,
    lease: usize,
    purchase: usize,
    class: usize,
    instance: usize,
    vcpu: Option<usize>,
    memory: Option<usize>,
    region: usize,
    /// (column, wanted value) that every kept row matches.
    filters: Vec<(usize, &'static str)>,
    /// The column naming the offering, and value → offering id.
    offering_by: Option<(usize, &'static [(&'static str, &'static str)])>,
    offering: &'static str,
}

/// What the rows give for one instance type.
#[derive(Default)]
struct Found {
    line: usize,
    price: TierPrice,
}

fn read_file(path: &Path, region: &str, overlay: &mut Overlay) -> Result<(), PriceFileError> {
    let name = path.display().to_string();
    let fail = |line: Option<usize>, message: String| PriceFileError::at(&name, line, "", &message);
    let meta = std::fs::metadata(path).map_err(|e| fail(None, format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(fail(None, "expected a regular file".into()));
    }
    let file = std::fs::File::open(path).map_err(|e| fail(None, format!("cannot read: {e}")))?;
    let mut records = Records::new(std::io::BufReader::with_capacity(1 << 16, file));
    let next = |records: &mut Records<_>| -> Result<bool, PriceFileError> {
        records.next_record().map_err(|e| PriceFileError::at(&name, Some(e.line), "", &e.message))
    };
    let metadata = read_metadata(&mut records, &name)?;
    let published = metadata["Publication Date"].clone();
    let as_of = published.get(..10).unwrap_or_default().to_string();
    if crate::catalog::parse_civil_date(&as_of).is_none() {
        return Err(fail(
            Some(3),
            format!(
                "expected a publication date such as 2025-09-12T22:53:08Z, found '{published}'"
            ),
        ));
    }
    let offer = metadata["OfferCode"].clone();
    let version = metadata["Version"].clone();
    if !next(&mut records)? {
        return Err(fail(None, "the file ends before its header row".into()));
    }
    let header: Vec<String> = records.cells().map(str::to_string).collect();
    let header_line = records.line();
    let columns = columns(&offer, &header).map_err(|m| fail(Some(header_line), m))?;
    let width = header.len();
    let stamp = Stamp {
        source: format!(
            "pricing.us-east-1.amazonaws.com/offers/v1.0/aws/{offer}/{version}/{region}/index.csv (AWS Price List offer {offer} version {version}), region {region}"
        ),
        as_of,
        confidence: Confidence::High,
        evidence: None,
    };
    let mut found: BTreeMap<(&'static str, String), Found> = BTreeMap::new();
    while next(&mut records)? {
        let line = records.line();
        if records.count() != width {
            return Err(fail(
                Some(line),
                format!(
                    "expected {width} cells like the header (line {header_line}), found {}: the file is truncated or not one offer's CSV",
                    records.count()
                ),
            ));
        }
        if records.cell(columns.region) != region
            || columns.filters.iter().any(|&(c, want)| records.cell(c) != want)
        {
            continue;
        }
        let Some((offering, term)) = classify(&records, &columns) else {
            continue;
        };
        let currency = records.cell(columns.currency);
        if currency != "USD" {
            return Err(fail(
                Some(line),
                format!(
                    "Currency: expected USD (capplan's catalogs are in USD), found '{currency}'"
                ),
            ));
        }
        let text = records.cell(columns.price);
        let usd =
            text.parse::<f64>().ok().filter(|p| p.is_finite() && *p >= 0.0).ok_or_else(|| {
                fail(Some(line), format!("PricePerUnit: expected a price in USD, found '{text}'"))
            })?;
        let instance = records.cell(columns.instance).to_ascii_lowercase();
        let entry = found
            .entry((offering, instance.clone()))
            .or_insert_with(|| Found { line, ..Found::default() });
        match term {
            None => {
                if entry.price.hourly_usd.is_some_and(|p| p != usd) {
                    overlay.note(format!(
                        "{name}:{line}: a second on-demand price for {instance} ({usd}); the one at line {} is kept",
                        entry.line
                    ));
                } else {
                    entry.price.hourly_usd = Some(usd);
                }
            }
            Some(option) => {
                entry.price.options.entry(option).or_insert(usd);
            }
        }
        entry.price.vcpu = columns
            .vcpu
            .and_then(|c| records.cell(c).parse().ok())
            .filter(|v: &f64| v.is_finite() && *v > 0.0);
        entry.price.memory_mb = columns.memory.and_then(|c| memory_mb(records.cell(c)));
        entry.price.burstable = burstable(&instance);
    }
    if found.is_empty() {
        overlay.skip(format!("{offer}: no row for region {region} passes the filters"));
    }
    for ((offering, instance), entry) in found {
        overlay.tier("aws", offering, &instance, entry.price, &stamp);
    }
    Ok(())
}

/// The offering and purchase term of a row the reader keeps: on demand
/// (`None`) or a no-upfront standard reservation; `None` for every other
/// row (other offerings, capacity reservations, other terms).
fn classify<R: std::io::BufRead>(
    records: &Records<R>,
    columns: &Columns,
) -> Option<(&'static str, Option<PurchaseOption>)> {
    let offering = match columns.offering_by {
        Some((column, values)) => {
            let value = records.cell(column);
            match values.iter().find(|(v, _)| *v == value) {
                Some((_, offering)) => *offering,
                None => return None,
            }
        }
        None => columns.offering,
    };
    let term = match (records.cell(columns.term), records.cell(columns.unit)) {
        // Capacity reservations and applied reservations are listed as
        // on-demand rows at $0: not the on-demand price.
        ("OnDemand", "Hrs")
            if records.cell(columns.description).contains("reserved instance applied")
                || records.cell(columns.description).contains("Reservation") =>
        {
            return None;
        }
        ("OnDemand", "Hrs") => None,
        ("Reserved", "Hrs")
            if records.cell(columns.purchase) == "No Upfront"
                && matches!(records.cell(columns.class), "" | "standard") =>
        {
            match records.cell(columns.lease) {
                "1yr" => Some(PurchaseOption::Reserved1y),
                "3yr" => Some(PurchaseOption::Reserved3y),
                _ => return None,
            }
        }
        _ => return None,
    };
    Some((offering, term))
}

/// The metadata rows an AWS offer CSV starts with, by key.
fn read_metadata<R: std::io::BufRead>(
    records: &mut Records<R>,
    name: &str,
) -> Result<BTreeMap<&'static str, String>, PriceFileError> {
    let fail = |line: Option<usize>, message: String| PriceFileError::at(name, line, "", &message);
    let mut metadata = BTreeMap::new();
    for key in METADATA {
        if !next_record(records, name)? {
            return Err(fail(
                None,
                format!("the file ends before its '{key}' row: not an AWS offer CSV, or truncated"),
            ));
        }
        if records.cell(0).trim_start_matches('\u{feff}') != key || records.count() < 2 {
            return Err(fail(
                Some(records.line()),
                format!(
                    "expected the metadata row \"{key}\",\"…\" (an AWS offer CSV starts with FormatVersion, Disclaimer, Publication Date, Version, OfferCode), found '{}'",
                    records.cells().collect::<Vec<_>>().join(",")
                ),
            ));
        }
        metadata.insert(key, records.cell(1).to_string());
    }
    Ok(metadata)
}

/// The next record, or a located error.
fn next_record<R: std::io::BufRead>(
    records: &mut Records<R>,
    name: &str,
) -> Result<bool, PriceFileError> {
    records.next_record().map_err(|e| PriceFileError::at(name, Some(e.line), "", &e.message))
}

/// The columns and filters of one offer, found by their header names.
fn columns(offer: &str, header: &[String]) -> Result<Columns, String> {
    let find = |name: &str| -> Result<usize, String> {
        header.iter().position(|h| h == name).ok_or_else(|| {
            format!("the header has no '{name}' column: not an {offer} offer CSV, or another format version")
        })
    };
    let mut columns = Columns {
        term: find("TermType")?,
        description: find("PriceDescription")?,
        unit: find("Unit")?,
        price: find("PricePerUnit")?,
        currency: find("Currency")?,
        lease: find("LeaseContractLength")?,
        purchase: find("PurchaseOption")?,
        class: find("OfferingClass")?,
        instance: find("Instance Type")?,
        vcpu: header.iter().position(|h| h == "vCPU"),
        memory: header.iter().position(|h| h == "Memory"),
        region: find("Region Code")?,
        filters: Vec::new(),
        offering_by: None,
        offering: "ec2",
    };
    match offer {
        "AmazonEC2" => {
            columns.filters = vec![
                (find("Product Family")?, "Compute Instance"),
                (find("Operating System")?, "Linux"),
                (find("Tenancy")?, "Shared"),
                (find("Pre Installed S/W")?, "NA"),
                (find("CapacityStatus")?, "Used"),
            ];
        }
        "AmazonRDS" => {
            columns.filters = vec![
                (find("Product Family")?, "Database Instance"),
                (find("Database Engine")?, "PostgreSQL"),
            ];
            columns.offering_by = Some((
                find("Deployment Option")?,
                &[("Single-AZ", "rds-postgres"), ("Multi-AZ", "rds-postgres-multi-az")],
            ));
        }
        "AmazonElastiCache" => {
            columns.filters = vec![(find("Product Family")?, "Cache Instance")];
            columns.offering_by = Some((
                find("Cache Engine")?,
                &[("Redis", "elasticache-redis"), ("Valkey", "elasticache-valkey")],
            ));
        }
        other => {
            return Err(format!(
                "offer '{other}': capplan imports AmazonEC2, AmazonRDS and AmazonElastiCache"
            ));
        }
    }
    Ok(columns)
}

/// t2, t3, t3a, t4g (and their db./cache. classes): burstable CPUs whose
/// baseline the offer file does not give.
fn burstable(instance: &str) -> bool {
    let bare = instance
        .strip_prefix("db.")
        .or_else(|| instance.strip_prefix("cache."))
        .unwrap_or(instance);
    let family = bare.split('.').next().unwrap_or(bare);
    let mut chars = family.chars();
    chars.next() == Some('t') && chars.next().is_some_and(|c| c.is_ascii_digit())
}

/// `8 GiB`, `0.5 GiB`, `1,952 GiB` → MB (1 GiB = 1,024 MB, as the catalog).
fn memory_mb(text: &str) -> Option<f64> {
    let number = text
        .trim()
        .strip_suffix("GiB")
        .or_else(|| text.trim().strip_suffix("Gib"))?
        .trim()
        .replace(',', "");
    number.parse::<f64>().ok().filter(|g| g.is_finite() && *g > 0.0).map(|g| (g * 1024.0).round())
}

#[cfg(test)]
mod tests {
    use super::{burstable, memory_mb};
    use crate::catalog::PurchaseOption;
    use crate::catalog::price_files::{ImportOptions, PriceFormat, import};

    /// AmazonRDS's header as published (the 58 columns of the 2026-04-28
    /// offer quoted in block/Version-Guard's aurora pricing test); the rows
    /// are made up for this test, each cell in its column.
    const RDS_HEADER: &str = "\"SKU\",\"OfferTermCode\",\"RateCode\",\"TermType\",\"PriceDescription\",\"EffectiveDate\",\"StartingRange\",\"EndingRange\",\"Unit\",\"PricePerUnit\",\"Currency\",\"RelatedTo\",\"LeaseContractLength\",\"PurchaseOption\",\"OfferingClass\",\"Product Family\",\"serviceCode\",\"Location\",\"Location Type\",\"Instance Type\",\"Current Generation\",\"Instance Family\",\"vCPU\",\"Physical Processor\",\"Clock Speed\",\"Memory\",\"Storage\",\"Network Performance\",\"Processor Architecture\",\"Storage Media\",\"Volume Type\",\"Min Volume Size\",\"Max Volume Size\",\"Engine Code\",\"Database Engine\",\"Database Edition\",\"License Model\",\"Deployment Option\",\"Group\",\"Group Description\",\"usageType\",\"operation\",\"ACU\",\"Dedicated EBS Throughput\",\"Deployment Model\",\"Engine Major Version\",\"Engine Media Type\",\"Enhanced Networking Supported\",\"Extended Support Pricing Year\",\"Instance Type Family\",\"LimitlessPreview\",\"Normalization Size Factor\",\"Processor Features\",\"Region Code\",\"serviceName\",\"Unbundled Licensing\",\"Volume Name\",\"WindowsLicenseMultiplier\"";

    fn rds_row(set: &[(&str, &str)]) -> String {
        let names: Vec<&str> = RDS_HEADER.split(',').map(|n| n.trim_matches('"')).collect();
        let cells: Vec<String> = names
            .iter()
            .map(|n| {
                let value = set.iter().find(|(k, _)| k == n).map_or("", |(_, v)| *v);
                format!("\"{value}\"")
            })
            .collect();
        cells.join(",")
    }

    #[test]
    fn rds_rows_map_to_single_and_multi_az_offerings() {
        let common = [
            ("Product Family", "Database Instance"),
            ("Database Engine", "PostgreSQL"),
            ("Region Code", "us-east-1"),
            ("Currency", "USD"),
            ("Unit", "Hrs"),
            ("Instance Type", "db.m5.large"),
            ("vCPU", "2"),
            ("Memory", "8 GiB"),
        ];
        let row = |extra: &[(&str, &str)]| {
            let mut all = common.to_vec();
            all.extend_from_slice(extra);
            rds_row(&all)
        };
        let text = [
            "\"FormatVersion\",\"v1.0\"".to_string(),
            "\"Disclaimer\",\"This pricing list is for informational purposes only.\"".into(),
            "\"Publication Date\",\"2026-04-28T17:07:46Z\"".into(),
            "\"Version\",\"20260428170746\"".into(),
            "\"OfferCode\",\"AmazonRDS\"".into(),
            RDS_HEADER.into(),
            row(&[
                ("TermType", "OnDemand"),
                ("Deployment Option", "Single-AZ"),
                ("PricePerUnit", "0.1780000000"),
            ]),
            row(&[
                ("TermType", "OnDemand"),
                ("Deployment Option", "Multi-AZ"),
                ("PricePerUnit", "0.3560000000"),
            ]),
            row(&[
                ("TermType", "Reserved"),
                ("Deployment Option", "Single-AZ"),
                ("PricePerUnit", "0.1110000000"),
                ("LeaseContractLength", "1yr"),
                ("PurchaseOption", "No Upfront"),
            ]),
            row(&[
                ("TermType", "Reserved"),
                ("Deployment Option", "Single-AZ"),
                ("PricePerUnit", "0"),
                ("LeaseContractLength", "1yr"),
                ("PurchaseOption", "All Upfront"),
            ]),
            row(&[
                ("TermType", "OnDemand"),
                ("Deployment Option", "Single-AZ"),
                ("PricePerUnit", "9"),
                ("Database Engine", "MySQL"),
            ]),
            row(&[
                ("TermType", "OnDemand"),
                ("Deployment Option", "Multi-AZ (readable standbys)"),
                ("PricePerUnit", "9"),
            ]),
        ]
        .join("\n");
        let dir = std::env::temp_dir().join(format!("capplan-rds-offer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("AmazonRDS.csv");
        std::fs::write(&path, text).unwrap();
        let catalog = crate::catalog::load().unwrap();
        let result =
            import(PriceFormat::AwsOffer, &[path], &catalog, &ImportOptions::default()).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let aws = &result.providers[0];
        let tier = |offering: &str| {
            aws.offerings
                .iter()
                .find(|o| o.id == offering)
                .and_then(|o| o.tiers.iter().find(|t| t.id == "db.m5.large"))
                .unwrap_or_else(|| panic!("{offering}/db.m5.large"))
        };
        let single = tier("rds-postgres");
        assert_eq!(single.price.hourly_usd, Some(0.178));
        assert_eq!(single.as_of.as_deref(), Some("2026-04-28"));
        let multi = tier("rds-postgres-multi-az");
        assert_eq!(multi.price.hourly_usd, Some(0.356));
        // Reserved only where the catalog models it for the offering.
        let modeled = catalog
            .offering("aws/rds-postgres")
            .map(|(_, o)| {
                !o.purchase_options.is_empty()
                    || o.tiers.iter().any(|t| !t.price.purchase_options.is_empty())
            })
            .unwrap();
        assert_eq!(
            single
                .price
                .purchase_options
                .get(&PurchaseOption::Reserved1y)
                .and_then(|p| p.hourly_usd),
            modeled.then_some(0.111)
        );
    }

    #[test]
    fn burstable_families() {
        for t in ["t3.micro", "t4g.large", "db.t3.medium", "cache.t4g.small", "t3a.nano"] {
            assert!(burstable(t), "{t}");
        }
        for t in ["trn1.2xlarge", "m5.large", "db.r6g.large", "cache.m7g.xlarge"] {
            assert!(!burstable(t), "{t}");
        }
    }

    #[test]
    fn memory_in_gib() {
        assert_eq!(memory_mb("8 GiB"), Some(8192.0));
        assert_eq!(memory_mb("0.5 GiB"), Some(512.0));
        assert_eq!(memory_mb("1,952 GiB"), Some(1952.0 * 1024.0));
        assert_eq!(memory_mb("NA"), None);
    }
}

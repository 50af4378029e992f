//! `capplan tiers import aws-offer`: the real EC2 offer excerpt and the
//! records of its BigQuery export (tests/fixtures/prices, PROVENANCE.md),
//! and a generated offer file over 100 MB for the memory bound.

use crate::common::{close, run, scratch_dir, write_file};
use capplan::catalog::PurchaseOption;
use capplan::catalog::price_files::csv::Records;
use std::path::Path;

fn fixture(name: &str) -> String {
    format!("tests/fixtures/prices/{name}")
}

fn import(dir: &Path, name: &str, args: &[&str]) -> capplan::catalog::Catalog {
    super::tiers_import::import(dir, name, args).1
}

/// An offer CSV in the fixture's layout (its five metadata rows and real
/// header) whose rows are the BigQuery export's records of the same offer,
/// each cell moved to the header's column of the same name.
fn offer_from_bigquery_rows(dir: &Path) -> String {
    let offer = std::fs::read_to_string(fixture("aws-ec2-offer-excerpt.csv")).unwrap();
    let head: Vec<&str> = offer.lines().take(6).collect();
    let mut header = Records::new(head[5].as_bytes());
    assert!(header.next_record().unwrap());
    let names: Vec<String> = header.cells().map(str::to_string).collect();
    let exported = std::fs::read_to_string(fixture("aws-ec2-bigquery-export-rows.csv")).unwrap();
    let mut rows = Records::new(exported.as_bytes());
    assert!(rows.next_record().unwrap());
    let key = |s: &str| s.to_ascii_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "");
    let exported_names: Vec<String> = rows.cells().map(key).collect();
    let mut text = head.join("\n") + "\n";
    while rows.next_record().unwrap() {
        let cells: Vec<String> = names
            .iter()
            .map(|n| {
                let i = exported_names
                    .iter()
                    .position(|e| *e == key(n))
                    .unwrap_or_else(|| panic!("{n}"));
                format!("\"{}\"", rows.cell(i).replace('"', "\"\""))
            })
            .collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    write_file(dir, "AmazonEC2-ap-northeast-1.csv", &text)
}

#[test]
fn aws_offer_reserved_hourly_price_equals_the_csv_row() {
    let dir = scratch_dir("import-aws-rows");
    let offer = offer_from_bigquery_rows(&dir);
    let catalog = import(&dir, "aws.yaml", &["aws-offer", &offer, "--region", "ap-northeast-1"]);
    // EP8EJMA4GKSUCMU6: Linux, Shared, NA, Used, c5.xlarge, Reserved 3yr
    // No Upfront standard, "0.0920000000" USD per hour.
    let tier = catalog.tier("aws/ec2/c5.xlarge").unwrap();
    let option = &tier.tier.price.purchase_options[&PurchaseOption::Reserved3y];
    assert_eq!(option.hourly_usd, Some(0.092));
    assert!(close(
        tier.monthly_usd_with(PurchaseOption::Reserved3y).unwrap(),
        0.092 * 730.0,
        1e-12
    ));
    // Dated by the offer's publication date, sourced by its version.
    assert_eq!(tier.provenance().as_of.as_deref(), Some("2025-09-12"));
    let source = tier.provenance().source.unwrap();
    assert!(
        source.contains("AmazonEC2 version 20250912225308") && source.contains("ap-northeast-1"),
        "{source}"
    );
    // No on-demand row passes the filters: the on-demand price stays.
    let embedded = capplan::catalog::load().unwrap();
    assert_eq!(tier.monthly_usd(), embedded.tier("aws/ec2/c5.xlarge").unwrap().monthly_usd());
    assert_eq!(
        catalog.provider("aws").unwrap().name.as_deref(),
        Some("Amazon Web Services (ap-northeast-1)")
    );
}

#[test]
fn aws_offer_filters_leave_nothing_of_the_excerpt_and_say_why() {
    let file = fixture("aws-ec2-offer-excerpt.csv");
    for region in ["us-east-1", "us-west-2"] {
        let (code, _, stderr) = run(&["tiers", "import", "aws-offer", &file, "--region", region]);
        assert_eq!(code, 2, "{stderr}");
        // us-east-1 has an RHEL row, us-west-2 a Host-tenancy row: filtered.
        assert!(
            stderr.contains(&format!("no row for region {region} passes the filters")),
            "{stderr}"
        );
    }
    let (code, _, stderr) = run(&["tiers", "import", "aws-offer", &file, "--as-of", "2026-01-01"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("carries its own publication date"), "{stderr}");
}

/// The header and one row of the fixture's offer, with chosen cells.
struct OfferRows {
    header: Vec<String>,
    template: Vec<String>,
}

impl OfferRows {
    fn new() -> Self {
        let text = std::fs::read_to_string(fixture("aws-ec2-offer-excerpt.csv")).unwrap();
        let mut records = Records::new(text.as_bytes());
        for _ in 0..6 {
            assert!(records.next_record().unwrap());
        }
        let header: Vec<String> = records.cells().map(str::to_string).collect();
        assert!(records.next_record().unwrap());
        let template = records.cells().map(str::to_string).collect();
        OfferRows { header, template }
    }

    fn row(&self, set: &[(&str, &str)]) -> String {
        let mut cells = self.template.clone();
        for (name, value) in set {
            let i = self.header.iter().position(|h| h == name).unwrap();
            cells[i] = value.to_string();
        }
        let quoted: Vec<String> = cells.iter().map(|c| format!("\"{c}\"")).collect();
        quoted.join(",") + "\n"
    }
}

/// A generated offer file over 100 MB in the fixture's schema: most rows
/// are filtered out (Windows, RHEL, dedicated), one on-demand Linux row per
/// instance type passes. Importing it stays under 100 MB of memory.
#[test]
fn a_large_offer_file_is_streamed_in_bounded_memory() {
    let dir = scratch_dir("import-aws-large");
    let rows = OfferRows::new();
    let text = std::fs::read_to_string(fixture("aws-ec2-offer-excerpt.csv")).unwrap();
    let mut out = String::with_capacity(8 << 20);
    for line in text.lines().take(6) {
        out.push_str(line);
        out.push('\n');
    }
    let path = dir.join("AmazonEC2-large.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    use std::io::Write;
    file.write_all(out.as_bytes()).unwrap();
    // As in a region's EC2 file: ~900 instance types, each with some 90
    // rows (operating systems, tenancies, regions, terms) of which three
    // pass the filters: on demand, and reserved 1 and 3 years No Upfront.
    let mut written = 0usize;
    let mut types = 0usize;
    while written < 110 << 20 {
        let instance =
            if types == 0 { "m5.large".to_string() } else { format!("gen{types}.xlarge") };
        let price = 0.1 + types as f64 / 10_000.0;
        for variant in 0..90usize {
            let (term, lease, purchase, unit_price) = match variant {
                0 => ("OnDemand", "", "", price),
                1 => ("Reserved", "1yr", "No Upfront", price * 0.6),
                2 => ("Reserved", "3yr", "No Upfront", price * 0.4),
                v if v % 3 == 0 => ("Reserved", "1yr", "Partial Upfront", price * 0.5),
                _ => ("OnDemand", "", "", price * 2.0),
            };
            let os = if variant < 3 {
                "Linux"
            } else {
                ["Windows", "RHEL", "SUSE", "Linux"][variant % 4]
            };
            let region = if variant < 3 || variant % 4 != 3 { "us-east-1" } else { "eu-west-1" };
            let row = rows.row(&[
                ("SKU", &format!("GEN{types:06}{variant:03}")),
                ("TermType", term),
                ("PriceDescription", "generated"),
                ("Unit", "Hrs"),
                ("PricePerUnit", &format!("{unit_price:.10}")),
                ("LeaseContractLength", lease),
                ("PurchaseOption", purchase),
                ("OfferingClass", if term == "Reserved" { "standard" } else { "" }),
                ("Operating System", os),
                ("Tenancy", if variant % 5 == 4 { "Dedicated" } else { "Shared" }),
                ("Pre Installed S/W", "NA"),
                ("CapacityStatus", "Used"),
                ("Region Code", region),
                ("Instance Type", &instance),
                ("vCPU", "4"),
                ("Memory", "16 GiB"),
            ]);
            written += row.len();
            file.write_all(row.as_bytes()).unwrap();
        }
        types += 1;
    }
    file.flush().unwrap();
    drop(file);
    let overlay = dir.join("large.yaml");
    let mut process = std::process::Command::new(assert_cmd::cargo::cargo_bin("capplan"))
        .args(["tiers", "import", "aws-offer"])
        .arg(&path)
        .arg("--out")
        .arg(&overlay)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", process.id());
    let mut peak_kb = 0u64;
    let status = loop {
        if let Ok(status) = std::fs::read_to_string(&status_file)
            && let Some(kb) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<u64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = process.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    assert!(status.success(), "import failed: {status}");
    assert!(peak_kb > 0, "no memory figure read from {status_file}");
    assert!(peak_kb < 100 * 1024, "peak resident memory {peak_kb} kB on a {written}-byte file");
    let (catalog, _) =
        capplan::catalog::load_with_overlays(std::slice::from_ref(&overlay)).unwrap();
    // The one Linux row of m5.large: "0.1000000000" an hour.
    let m5 = catalog.tier("aws/ec2/m5.large").unwrap();
    assert_eq!(m5.tier.price.hourly_usd, Some(0.1));
    assert!(close(m5.monthly_usd().unwrap(), 73.0, 1e-12));
    // A type the catalog lacks, with vCPU and memory, is a new tier.
    let added = catalog.tier("aws/ec2/gen7.xlarge").unwrap();
    assert_eq!(
        (added.tier.capacity.vcpu, added.tier.capacity.memory_mb),
        (Some(4.0), Some(16384.0))
    );
    assert_eq!(added.tier.price.hourly_usd, Some(0.1007));
    let reserved = &added.tier.price.purchase_options[&PurchaseOption::Reserved3y];
    assert_eq!(reserved.hourly_usd, Some((0.1007f64 * 0.4 * 1e10).round() / 1e10));
    let _ = std::fs::remove_file(&path);
}

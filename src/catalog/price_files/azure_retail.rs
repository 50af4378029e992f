//! Pages of the Azure Retail Prices API (`prices.azure.com/api/retail/
//! prices`, saved as JSON: `{Items: […], NextPageLink, …}`), one or many
//! files. Items of one region become the catalog's Azure tiers:
//!
//! - App Service plans on Linux (`… Plan - Linux`, meter per hour) →
//!   `azure/app-service-linux/<sku>` (`P1 v3` → `p1v3`);
//! - Azure Cache for Redis, the `<sku> Cache` meter (the whole cache: one
//!   node on Basic, primary and replica on Standard and Premium; else the
//!   `Cache Instance` meter times those nodes) → `azure/cache-for-redis/
//!   <tier>-<sku>`;
//! - PostgreSQL Flexible Server compute → `azure/postgres-flexible/…`: a
//!   Burstable SKU by name, a General Purpose or Memory Optimized tier as
//!   its series' `N vCore` price (or the per-vCore price × N), and the
//!   storage and backup meters → `postgres-storage`, `postgres-backup`.
//!
//! The API gives no vCPU or memory, so it updates tiers the catalog has and
//! adds none. Of a meter's effective-dated rows the latest that has started
//! by the file's date counts. Reservations (whole-term prices) and savings
//! plans are read only where the catalog models those purchase options.

use super::overlay::Stamp;
use super::{ImportOptions, Overlay, PriceFileError, TierPrice, json_number, json_path};
use crate::catalog::{Confidence, PurchaseOption, UsagePrice, VolumeTier};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What one item prices, once mapped.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    Tier(&'static str, String),
    /// A per-vCore price of a PostgreSQL series (`gp-standard`, `dsv3`).
    VcorePrice(&'static str, String),
    /// A series' price for N vCores.
    VcoreCount(&'static str, String, u32),
    /// A Redis `Cache Instance` meter: per node.
    RedisNode(String),
    Usage(&'static str),
}

/// A price with where it came from.
#[derive(Debug, Clone)]
struct Row {
    effective: String,
    usd: f64,
    stamp: Stamp,
    option: Option<PurchaseOption>,
}

pub(super) fn read(
    paths: &[PathBuf],
    options: &ImportOptions,
    overlay: &mut Overlay,
) -> Result<(), PriceFileError> {
    let region = options.region.as_deref().unwrap_or("eastus").to_string();
    let mut rows: BTreeMap<(Target, Option<PurchaseOption>), Vec<Row>> = BTreeMap::new();
    let mut last_link = None;
    for path in paths {
        let name = path.display().to_string();
        let (_, value) = super::read_json(path)?;
        let Some(items) = value.get("Items").and_then(Value::as_array) else {
            return Err(PriceFileError::at(
                &name,
                None,
                "$.Items",
                "expected an Azure Retail Prices API page ({\"Items\": [...], \"NextPageLink\": ...}), found no Items list",
            ));
        };
        last_link = value
            .get("NextPageLink")
            .and_then(Value::as_str)
            .map(|link| (name.clone(), link.to_string()));
        let as_of = super::undated_file_date(path, options, overlay)?;
        for (i, item) in items.iter().enumerate() {
            let index = format!("[{i}]");
            let Value::Object(item) = item else {
                return Err(PriceFileError::at(
                    &name,
                    None,
                    &json_path(&["Items", &index]),
                    "expected a price item (an object), found another JSON value",
                ));
            };
            let text = |key: &str| item.get(key).and_then(Value::as_str).unwrap_or_default();
            if text("armRegionName") != region {
                continue;
            }
            let Some((target, option, years)) = target(item) else {
                overlay.skip("a meter capplan does not price");
                continue;
            };
            let currency = text("currencyCode");
            if currency != "USD" {
                return Err(PriceFileError::at(
                    &name,
                    None,
                    &json_path(&["Items", &index, "currencyCode"]),
                    &format!("expected USD (capplan's catalogs are in USD), found '{currency}'"),
                ));
            }
            let Some(price) = json_number(&name, item, "retailPrice", &["Items", &index])? else {
                return Err(PriceFileError::at(
                    &name,
                    None,
                    &json_path(&["Items", &index, "retailPrice"]),
                    "expected the item's retailPrice, found none",
                ));
            };
            let stamp = Stamp {
                source: format!(
                    "prices.azure.com/api/retail/prices (Azure Retail Prices API page {name}), region {region}, entry '{}'",
                    text("meterId")
                ),
                as_of: as_of.clone(),
                confidence: Confidence::High,
                evidence: None,
            };
            let effective = text("effectiveStartDate").get(..10).unwrap_or("").to_string();
            let mut push = |option: Option<PurchaseOption>, usd: f64| {
                rows.entry((target.clone(), option)).or_default().push(Row {
                    effective: effective.clone(),
                    usd,
                    stamp: stamp.clone(),
                    option,
                });
            };
            // A reservation's price is for the whole term.
            push(option, years.map_or(price, |y| price / (y * 8760.0)));
            if let Some(Value::Array(plans)) = item.get("savingsPlan") {
                for (j, plan) in plans.iter().enumerate() {
                    let Value::Object(plan) = plan else { continue };
                    let at = format!("[{j}]");
                    let option = match plan.get("term").and_then(Value::as_str) {
                        Some("1 Year") => PurchaseOption::SavingsPlan1y,
                        Some("3 Years") => PurchaseOption::SavingsPlan3y,
                        _ => continue,
                    };
                    if let Some(usd) = json_number(
                        &name,
                        plan,
                        "retailPrice",
                        &["Items", &index, "savingsPlan", &at],
                    )? {
                        push(Some(option), usd);
                    }
                }
            }
        }
    }
    if let Some((name, link)) = last_link {
        overlay.note(format!(
            "{name} names a next page ({}): pages not given are not imported; save every page until NextPageLink is null",
            crate::input::problem::concise(&format!("'{link}'"))
        ));
    }
    apply(rows, overlay);
    if region != "eastus" {
        overlay.rename_provider("azure", format!("Microsoft Azure ({region})"));
        overlay.note(format!(
            "prices of {region}: entries the overlay does not set keep the embedded catalog's prices"
        ));
    }
    Ok(())
}

/// The catalog entry an item prices, with its purchase option and, for a
/// reservation, the years its price covers.
fn target(item: &Map<String, Value>) -> Option<(Target, Option<PurchaseOption>, Option<f64>)> {
    let text = |key: &str| item.get(key).and_then(Value::as_str).unwrap_or_default();
    let (option, years) = match (text("type"), text("reservationTerm")) {
        ("Consumption", _) => (None, None),
        ("Reservation", "1 Year") => (Some(PurchaseOption::Reserved1y), Some(1.0)),
        ("Reservation", "3 Years") => (Some(PurchaseOption::Reserved3y), Some(3.0)),
        _ => return None,
    };
    let product = text("productName");
    let sku = text("skuName");
    let meter = text("meterName");
    let hourly = text("unitOfMeasure") == "1 Hour";
    if meter.contains("Spot") || meter.contains("Low Priority") {
        return None;
    }
    let target = match text("serviceName") {
        "Azure App Service" if product.ends_with(" Plan - Linux") && hourly => {
            Target::Tier("app-service-linux", sku.replace(' ', "").to_ascii_lowercase())
        }
        "Redis Cache" if hourly => {
            let tier = product.strip_prefix("Azure Redis Cache ")?;
            if !matches!(tier, "Basic" | "Standard" | "Premium") {
                return None;
            }
            let id = format!("{}-{}", tier.to_ascii_lowercase(), sku.to_ascii_lowercase());
            if meter == format!("{sku} Cache") {
                Target::Tier("cache-for-redis", id)
            } else if meter == format!("{sku} Cache Instance") {
                Target::RedisNode(id)
            } else {
                return None;
            }
        }
        "Azure Database for PostgreSQL" => postgres(product, sku, meter, hourly)?,
        _ => return None,
    };
    Some((target, option, years))
}

fn postgres(product: &str, sku: &str, meter: &str, hourly: bool) -> Option<Target> {
    if product.ends_with("Flexible Server Backup Storage")
        && meter == "Backup Storage LRS Data Stored"
    {
        return Some(Target::Usage("postgres-backup"));
    }
    if product.ends_with("Flexible Server Storage") && meter == "Storage Data Stored" {
        return Some(Target::Usage("postgres-storage"));
    }
    let rest = product
        .strip_prefix("Azure Database for PostgreSQL Flexible Server ")?
        .strip_suffix(" Series Compute")?;
    if !hourly {
        return None;
    }
    if rest == "Burstable BS" {
        return Some(Target::Tier(
            "postgres-flexible",
            format!("b-standard-{}", sku.to_ascii_lowercase()),
        ));
    }
    let (prefix, series) = if let Some(series) = rest.strip_prefix("General Purpose ") {
        ("gp-standard", series)
    } else if let Some(series) = rest.strip_prefix("Memory Optimized ") {
        ("mo-standard", series)
    } else {
        return None;
    };
    let series = series.to_ascii_lowercase();
    match sku.strip_suffix(" vCore").or(if sku == "vCore" { Some("1") } else { None }) {
        Some("1") => Some(Target::VcorePrice(prefix, series)),
        Some(n) => Some(Target::VcoreCount(prefix, series, n.trim().parse().ok()?)),
        None => None,
    }
}

/// The row in force on the file's date: the latest that has started.
fn current(rows: &[Row]) -> Option<&Row> {
    rows.iter()
        .filter(|r| r.effective.as_str() <= r.stamp.as_of.as_str())
        .max_by(|a, b| a.effective.cmp(&b.effective))
}

/// Prices per catalog entry, into the overlay.
fn apply(rows: BTreeMap<(Target, Option<PurchaseOption>), Vec<Row>>, overlay: &mut Overlay) {
    let base = overlay.base();
    let mut tiers: BTreeMap<(&'static str, String), (TierPrice, Option<Stamp>)> = BTreeMap::new();
    let mut set = |offering: &'static str, id: String, row: &Row, usd: f64| {
        let (price, stamp) = tiers.entry((offering, id)).or_default();
        match row.option {
            None => {
                price.hourly_usd = Some(usd);
                *stamp = Some(row.stamp.clone());
            }
            Some(option) => {
                price.options.insert(option, usd);
                stamp.get_or_insert_with(|| row.stamp.clone());
            }
        }
    };
    for ((target, _), candidates) in &rows {
        let Some(row) = current(candidates) else {
            overlay.skip("a meter whose prices all start after the file's date");
            continue;
        };
        match target {
            Target::Tier(offering, id) => set(offering, id.clone(), row, row.usd),
            Target::RedisNode(id) => {
                // The whole-cache meter wins where both are given.
                let whole = rows.keys().any(|(t, o)| {
                    *o == row.option && *t == Target::Tier("cache-for-redis", id.clone())
                });
                if !whole {
                    let nodes = if id.starts_with("basic-") { 1.0 } else { 2.0 };
                    set("cache-for-redis", id.clone(), row, row.usd * nodes);
                }
            }
            Target::VcorePrice(prefix, series) | Target::VcoreCount(prefix, series, _) => {
                let Some((_, offering)) = base.offering("azure/postgres-flexible") else {
                    continue;
                };
                for tier in &offering.tiers {
                    let Some((p, s, n)) = vcore_tier(&tier.id) else {
                        continue;
                    };
                    if p != *prefix || s != *series {
                        continue;
                    }
                    let usd = match target {
                        Target::VcoreCount(_, _, count) if *count == n => row.usd,
                        // The per-vCore price counts only where no N vCore row does.
                        Target::VcorePrice(..)
                            if !rows.keys().any(|(t, o)| {
                                *o == row.option
                                    && *t == Target::VcoreCount(prefix, series.clone(), n)
                            }) =>
                        {
                            row.usd * f64::from(n)
                        }
                        _ => continue,
                    };
                    set("postgres-flexible", tier.id.clone(), row, usd);
                }
            }
            Target::Usage(id) => {
                if row.option.is_none() && base.usage(&format!("azure/{id}")).is_some() {
                    overlay.usage(
                        "azure",
                        UsagePrice {
                            id: id.to_string(),
                            unit: "GB-month".into(),
                            price_tiers: vec![VolumeTier { start: 0.0, usd: Some(row.usd) }],
                            ..UsagePrice::default()
                        },
                        &row.stamp,
                    );
                }
            }
        }
    }
    for ((offering, id), (price, stamp)) in tiers {
        if let Some(stamp) = stamp {
            overlay.tier("azure", offering, &id, price, &stamp);
        }
    }
}

/// `gp-standard-d4s-v3` → (`gp-standard`, `dsv3`, 4): a vCore tier's series
/// and size, named as the API's product names them.
fn vcore_tier(id: &str) -> Option<(&str, String, u32)> {
    let (prefix, sku) = ["gp-standard", "mo-standard"]
        .into_iter()
        .find_map(|p| Some((p, id.strip_prefix(p)?.strip_prefix('-')?)))?;
    let mut chars = sku.chars();
    let letter = chars.next()?;
    let rest: String = chars.collect();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let n = digits.parse().ok()?;
    let suffix = rest[digits.len()..].replace('-', "");
    Some((prefix, format!("{letter}{suffix}"), n))
}

#[cfg(test)]
mod tests {
    use super::vcore_tier;

    #[test]
    fn vcore_tiers_name_their_series() {
        assert_eq!(vcore_tier("gp-standard-d4s-v3"), Some(("gp-standard", "dsv3".to_string(), 4)));
        assert_eq!(
            vcore_tier("gp-standard-d16ds-v5"),
            Some(("gp-standard", "ddsv5".to_string(), 16))
        );
        assert_eq!(vcore_tier("b-standard-b1ms"), None);
    }
}

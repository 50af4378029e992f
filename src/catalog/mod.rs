//! Tier catalogs: what each provider sells, its capacity, its price, and
//! where each number came from. Data, never code: every `tiers/*.yaml` is
//! compiled into the binary by build.rs and can be overlaid with
//! `--tiers PATH`.
//!
//! Capacity and price are separate maps on every tier: the queueing model
//! reads capacity, costing reads price. A missing price is `None` and is
//! reported as unpriced, never as $0.
//!
//! This file only declares and re-exports: `types` (what a file says),
//! `lookup` (references and prices), `load` (files), `overlay` (check and
//! merge), `embedded` (the compiled-in catalogs).

mod check;
mod dates;
mod diff;
mod embedded;
mod load;
mod lookup;
mod models;
mod overlay;
pub mod price_files;
mod rules;
mod types;
mod view;

pub use check::{CatalogCheckReport, Problem, Severity, check_catalog, check_catalog_aged};
pub use dates::{
    STALE_AFTER_DAYS, date_of_unix_seconds, days_between, parse_civil_date, parse_date, today,
};
pub use diff::{PriceChange, TierDiffReport, tier_diff};
pub use embedded::{
    PROVIDER_IDS, STACK_IDS, embedded_files, embedded_providers, load, load_with_overlays,
};
pub use load::{
    CatalogError, catalog_paths, load_file, overlay_files, parse_file, split_field, strip_location,
};
pub use lookup::{Candidate, Catalog, TierRef};
pub use models::{Retirement, TOKEN_KINDS};
pub use overlay::apply_overlays;
pub use rules::{
    BackupPricing, CapacityUnits, Feature, FeatureFee, HighAvailability, LCU_ACTIVE_CONNECTIONS,
    LCU_NEW_CONNECTIONS_PER_S, LCU_PROCESSED_GB_PER_HOUR, LoadBalancerRule, LongContext, Metered,
    PlanCredit, Quota, QuotaMetric, Scaling, StorageMetering, StoragePricing, StorageRule,
    TierBackup, UsageCompute, seconds_per_unit,
};
pub use rules::{Basis, IdlePricing, NatGateway, RootVolume};
pub use types::{
    Billing, Burst, Capacity, Confidence, Engine, HOURS_PER_MONTH, LimitBasis, LoadedFile,
    Offering, OptionPrice, Price, PriceStep, Provenance, Provider, PurchaseOption, Role,
    ServerlessPricing, Tier, UsagePrice, VolumeTier,
};
pub use view::{
    OfferingSummary, TierListReport, TierRow, TierShowReport, UsageRow, offering_summaries,
    tier_rows, usage_rows,
};

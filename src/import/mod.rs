//! `capplan import`: a scenario with its `current:` mix from the files a
//! founder already has. One module per file format; each returns the
//! components it found, and [`scenario_text`] writes the one scenario.

pub mod fly;
pub mod render;

use crate::catalog::Catalog;

/// A component found in a platform file, with what runs today.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub name: String,
    /// `web`, `worker`, `database` or `cache`.
    pub role: &'static str,
    /// `provider/offering`.
    pub offering: String,
    /// The tier id within the offering.
    pub tier: String,
    pub count: u32,
    /// What was assumed or read beyond the plan and count, written as
    /// comments next to the component.
    pub notes: Vec<String>,
}

/// What a file gave: its components and what it skipped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportResult {
    pub components: Vec<Imported>,
    pub skipped: Vec<String>,
}

/// An import failure located in its file: `file:line: what`.
pub type ImportError = String;

/// Checks that `offering/tier` exists; else an error listing the tiers.
pub(crate) fn known_tier(
    catalog: &Catalog,
    file: &str,
    at: &str,
    offering: &str,
    tier: &str,
) -> Result<(), ImportError> {
    let Some((_, found)) = catalog.offering(offering) else {
        return Err(format!(
            "{file}: {at}: the catalog has no offering {offering}"
        ));
    };
    if found.tiers.iter().any(|t| t.id == tier) {
        return Ok(());
    }
    Err(format!(
        "{file}: {at}: unknown plan '{tier}' for {offering} (a legacy plan? the catalog has today's): expected one of {}",
        found
            .tiers
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// The scenario: commented workload defaults to measure, the components
/// with their platform's offering as candidates, and `current:`.
pub fn scenario_text(name: &str, users: f64, imported: &ImportResult) -> String {
    let has_worker = imported.components.iter().any(|c| c.role == "worker");
    let mut out = format!(
        "# Imported by `capplan import` from {name}. The tiers and counts under\n\
         # `current:` are read from the file; the workload below is NOT in it:\n\
         # these are defaults, replace them with measurements (`capplan calibrate`\n\
         # fits cpu_ms and io_ms from a load test).\n\
         version: 1\n\
         name: {name:?}\n\
         workload:\n\
         \x20 users: {users}\n\
         \x20 daily_active_ratio: 0.3                # share of users active on a day\n\
         \x20 peak_online_ratio: 0.1                 # share of daily actives online at the peak\n\
         \x20 requests_per_online_user_per_min: 2\n\
         \x20 storage_mb_per_user: 1\n"
    );
    if has_worker {
        out.push_str("  jobs:\n    - { name: job, per_active_user_per_day: 1 }   # background jobs per active user\n");
    }
    out.push_str("components:\n");
    for c in &imported.components {
        for note in &c.notes {
            out.push_str(&format!("  # {}: {note}\n", c.name));
        }
        out.push_str(&format!(
            "  - name: {:?}\n    role: {}\n    candidates: [{}]\n",
            c.name, c.role, c.offering
        ));
        match c.role {
            "web" => out.push_str(
                "    cpu_ms: 20                   # CPU per request: measure it\n\
                 \x20   io_ms: 30                    # waiting on the database or APIs per request\n\
                 \x20   db_ops_per_request: 2\n",
            ),
            "worker" => out.push_str(
                "    jobs: [{ class: job, duration_s: 1, cpu_ms: 100 }]   # measure them\n",
            ),
            _ => {}
        }
    }
    out.push_str("current:\n");
    for c in &imported.components {
        out.push_str(&format!(
            "  {:?}: {{ tier: {}/{}, count: {} }}\n",
            c.name, c.offering, c.tier, c.count
        ));
    }
    for skipped in &imported.skipped {
        out.push_str(&format!("# not imported: {skipped}\n"));
    }
    out
}

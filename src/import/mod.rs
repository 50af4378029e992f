//! `capplan import`: a scenario with its `current:` mix from the files a
//! founder already has. One module per file format; each returns the
//! components it found, and [`scenario_text`] writes the one scenario.

pub mod compose;
pub mod digitalocean;
pub mod fly;
pub mod heroku;
pub mod render;
pub mod terraform;

use crate::catalog::Catalog;
use std::collections::BTreeMap;

/// The file formats `capplan import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Render,
    Fly,
    Heroku,
    Procfile,
    DigitalOcean,
    Compose,
    Terraform,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Render,
        Format::Fly,
        Format::Heroku,
        Format::Procfile,
        Format::DigitalOcean,
        Format::Compose,
        Format::Terraform,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Render => "render",
            Format::Fly => "fly",
            Format::Heroku => "heroku",
            Format::Procfile => "procfile",
            Format::DigitalOcean => "digitalocean",
            Format::Compose => "compose",
            Format::Terraform => "terraform",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }

    /// What a file is, from its name and its first keys: `fly.toml` and
    /// any `.toml`; `Procfile`; JSON with `format_version` and planned
    /// resources (Terraform) or else `app.json`; YAML whose `services` is
    /// a mapping (Compose), with a `spec:` wrapper or App Platform keys
    /// (DigitalOcean), else a Render Blueprint. `None`: not one of them.
    pub fn detect(file_name: &str, text: &str) -> Option<Format> {
        let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
        let lower = base.to_lowercase();
        if lower.ends_with(".toml") {
            return Some(Format::Fly);
        }
        if lower == "procfile" || lower.ends_with(".procfile") {
            return Some(Format::Procfile);
        }
        let head: String = text.chars().take(4096).collect();
        let json_like = lower.ends_with(".json") || head.trim_start().starts_with('{');
        if json_like || head.contains("terraform-bin show") {
            if head.contains("\"format_version\"")
                && (text.contains("\"resource_changes\"") || text.contains("\"planned_values\""))
            {
                return Some(Format::Terraform);
            }
            return Some(Format::Heroku);
        }
        if lower.contains("compose") || lower.contains("docker-stack") {
            return Some(Format::Compose);
        }
        // Too deep to be a platform file: not parsed (import_file says why).
        if crate::input::yaml::structure_problem(file_name, text).is_some() {
            return Some(Format::Render);
        }
        let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).ok()?;
        let services = doc.get("services");
        if services.is_some_and(serde_yaml_ng::Value::is_mapping) {
            return Some(Format::Compose);
        }
        let app_platform_keys =
            ["spec", "workers", "static_sites", "jobs", "functions", "region", "ingress"];
        let has_slug = |list: Option<&serde_yaml_ng::Value>| {
            list.and_then(serde_yaml_ng::Value::as_sequence).is_some_and(|items| {
                items.iter().any(|i| {
                    [
                        "instance_size_slug",
                        "instance_count",
                        "http_port",
                        "engine",
                        "github",
                        "git",
                        "environment_slug",
                    ]
                    .iter()
                    .any(|k| i.get(k).is_some())
                })
            })
        };
        if app_platform_keys.iter().any(|k| doc.get(k).is_some())
            || has_slug(services)
            || has_slug(doc.get("databases"))
        {
            return Some(Format::DigitalOcean);
        }
        if services.is_some() || doc.get("databases").is_some() || doc.get("projects").is_some() {
            return Some(Format::Render);
        }
        None
    }
}

/// Why [`Format::detect`] found no format: a YAML syntax error at its line
/// and column (a broken render.yaml is not "an unknown format"), else the
/// formats capplan reads.
pub fn undetected(file: &str, text: &str) -> String {
    if let Err(e) = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text)
        && let Some(at) = e.location()
    {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        return format!("{file}:{}:{}: not YAML: {message}", at.line(), at.column());
    }
    format!(
        "{file}: not a format capplan imports (render.yaml, fly.toml, app.json, Procfile, App Platform spec, docker-compose, Terraform plan JSON); pass --format to say which"
    )
}

/// Largest platform file `capplan import` reads: a Terraform plan of a
/// large estate is tens of MB; more is not a platform file.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// What the command line adds to the files.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Machines per fly.toml process group (`--count GROUP=N`).
    pub counts: BTreeMap<String, u32>,
    /// The platform a docker-compose file is mapped to (`--platform`).
    pub platform: Option<String>,
    /// A Procfile to read beside an app.json: its text and file name.
    pub procfile: Option<(String, String)>,
}

/// Reads one file of a known format.
pub fn import_file(
    format: Format,
    file: &str,
    text: &str,
    catalog: &Catalog,
    options: &ImportOptions,
) -> Result<ImportResult, ImportError> {
    // YAML formats get the same bounded pass as scenarios and catalogs
    // before the parser sees them (nesting depth, tags).
    if matches!(format, Format::Render | Format::DigitalOcean | Format::Compose)
        && let Some(problem) = crate::input::yaml::structure_problem(file, text)
    {
        return Err(problem.to_string());
    }
    match format {
        Format::Render => render::import(file, text),
        Format::Fly => fly::import(file, text, &options.counts),
        Format::Heroku => heroku::import(file, text, options.procfile.as_ref()),
        Format::Procfile => heroku::import_procfile(file, text, catalog),
        Format::DigitalOcean => digitalocean::import(file, text),
        Format::Compose => compose::import(file, text, catalog, options.platform.as_deref()),
        Format::Terraform => terraform::import(file, text, catalog),
    }
}

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
    pub count: Count,
    /// A database's provisioned storage, GB, where the file gives it.
    pub storage_gb: Option<f64>,
    /// Component fields the file implies, written under the component as
    /// `key: value` (YAML): `high_availability: true` for a Multi-AZ
    /// database or a cache with a replica node, `accept_unverified_limits`
    /// for a database whose limits are unpublished (Aurora).
    pub fields: Vec<(&'static str, String)>,
    /// What was assumed or read beyond the plan and count, written as
    /// comments next to the component.
    pub notes: Vec<String>,
    /// Where the file named `tier` (`render.yaml: databases[0].plan`):
    /// checked by [`combine`] once `--current` has replaced what it
    /// replaces, so a plan the catalog does not sell can be overridden.
    /// `None`: the tier did not come from a file (assumed, or mapped).
    pub tier_at: Option<String>,
    /// Why the file's tier cannot be priced, where the importer knows
    /// better than "unknown plan" (a legacy size): the error [`combine`]
    /// gives unless `--current` replaces the tier.
    pub tier_problem: Option<String>,
}

/// How many instances run: a fixed count or an autoscaler's range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Count {
    Fixed(u32),
    /// `target_cpu`: the CPU share the autoscaler holds (0–1), when the
    /// file gives one.
    Autoscaled {
        min: u32,
        max: u32,
        target_cpu: Option<f64>,
    },
}

impl Imported {
    /// A component with a fixed count and no storage or notes.
    pub fn new(name: &str, role: &'static str, offering: &str, tier: &str, count: u32) -> Self {
        Imported {
            name: name.to_string(),
            role,
            offering: offering.to_string(),
            tier: tier.to_string(),
            count: Count::Fixed(count),
            storage_gb: None,
            fields: Vec::new(),
            notes: Vec::new(),
            tier_at: None,
            tier_problem: None,
        }
    }

    /// The same, with where the file named the tier.
    pub fn read_at(mut self, at: String) -> Self {
        self.tier_at = Some(at);
        self
    }
}

/// What a file gave: its components and what it skipped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportResult {
    pub components: Vec<Imported>,
    pub skipped: Vec<String>,
}

/// An import failure located in its file: `file:line: what`.
pub type ImportError = String;

/// The CPU share an autoscaler holds when the file names none (Render's
/// and DigitalOcean's dashboards suggest 70–80%; capplan's cap is 0.7).
const DEFAULT_TARGET_CPU: f64 = 0.7;

/// Checks that `offering/tier` exists; else an error listing the tiers.
pub(crate) fn known_tier(
    catalog: &Catalog,
    file: &str,
    at: &str,
    offering: &str,
    tier: &str,
) -> Result<(), ImportError> {
    match unknown_tier(catalog, offering, tier) {
        None => Ok(()),
        Some(problem) => Err(format!("{file}: {at}: {problem}")),
    }
}

/// Why `offering/tier` is not a tier of the catalog, listing the valid
/// ones; `None` when it is.
fn unknown_tier(catalog: &Catalog, offering: &str, tier: &str) -> Option<String> {
    let Some((_, found)) = catalog.offering(offering) else {
        return Some(format!("the catalog has no offering {offering}"));
    };
    if found.tiers.iter().any(|t| t.id == tier) {
        return None;
    }
    Some(format!(
        "unknown plan '{tier}' for {offering}: expected one of {}",
        found.tiers.iter().map(|t| t.id.as_str()).collect::<Vec<_>>().join(", ")
    ))
}

/// A component's tier, checked once `--current` has had its say: a plan
/// name the catalog lists as retired (read or assumed) is priced as its
/// successor, with the catalog's note; any other unknown plan a file
/// named is that file's located error, which says how to give what runs.
fn check_file_tier(catalog: &Catalog, component: &mut Imported) -> Result<(), ImportError> {
    let at = component.tier_at.take();
    let known = component.tier_problem.take();
    let Some(problem) =
        known.or_else(|| unknown_tier(catalog, &component.offering, &component.tier))
    else {
        return Ok(());
    };
    let retired = catalog
        .offering(&component.offering)
        .and_then(|(_, o)| o.retired_tiers.iter().find(|r| r.id == component.tier));
    if let Some(retired) = retired {
        component.notes.push(format!(
            "plan '{}': {}",
            retired.id,
            retired.note.as_deref().unwrap_or("a retired plan, priced as its successor")
        ));
        component.tier = retired.successor.clone();
        return Ok(());
    }
    let Some(at) = at else {
        return Ok(());
    };
    Err(format!(
        "{at}: {problem}; or give what runs: --current {}={}/TIER",
        component.name, component.offering
    ))
}

/// What `recommend` may move a component within: its compute offering;
/// for a datastore, every offering of its provider with the same role and
/// engine (Heroku Postgres Essential, Standard and Premium).
fn candidates(catalog: &Catalog, component: &Imported) -> Vec<String> {
    let Some((provider, own)) = catalog.offering(&component.offering) else {
        return vec![component.offering.clone()];
    };
    if !matches!(component.role, "database" | "cache") {
        return vec![component.offering.clone()];
    }
    let mut found: Vec<String> = provider
        .offerings
        .iter()
        .filter(|o| o.role == own.role && o.engine == own.engine && !o.tiers.is_empty())
        .map(|o| format!("{}/{}", provider.provider, o.id))
        .collect();
    if !found.contains(&component.offering) {
        found.insert(0, component.offering.clone());
    }
    found
}

/// The scenario: commented workload defaults to measure, the components
/// with their platform's offering as candidates, and `current:`.
pub fn scenario_text(name: &str, users: f64, imported: &ImportResult, catalog: &Catalog) -> String {
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
            c.name,
            c.role,
            candidates(catalog, c).join(", ")
        ));
        for (key, value) in &c.fields {
            out.push_str(&format!("    {key}: {value}\n"));
        }
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
        if let Count::Autoscaled { min, max, target_cpu } = c.count {
            out.push_str(&format!(
                "    autoscale: {{ min: {min}, max: {max}, target_utilization: {} }}{}\n",
                target_cpu.unwrap_or(DEFAULT_TARGET_CPU),
                if target_cpu.is_none() { "   # no CPU target in the file: assumed" } else { "" }
            ));
        }
    }
    out.push_str("current:\n");
    for c in &imported.components {
        let count = match c.count {
            Count::Fixed(n) => format!("count: {n}"),
            Count::Autoscaled { min, max, .. } => format!("min: {min}, max: {max}"),
        };
        let storage = c.storage_gb.map_or(String::new(), |gb| format!(", storage_gb: {gb}"));
        out.push_str(&format!(
            "  {:?}: {{ tier: {}/{}, {count}{storage} }}\n",
            c.name, c.offering, c.tier
        ));
    }
    for skipped in &imported.skipped {
        out.push_str(&format!("# not imported: {skipped}\n"));
    }
    out
}

/// `--current COMPONENT=provider/offering/tier[:N|:MIN-MAX]`: a component
/// the files do not hold (an Atlas cluster beside a render.yaml), or a
/// tier or count that replaces what a file said.
#[derive(Debug, Clone, PartialEq)]
pub struct CurrentOverride {
    pub component: String,
    pub tier: String,
    pub count: Option<Count>,
}

impl CurrentOverride {
    /// Parses `db=atlas/cluster/m10`, `web=render/web/standard:3`,
    /// `web=render/web/standard:2-4`.
    pub fn parse(text: &str) -> Result<CurrentOverride, String> {
        let (component, rest) = text.split_once('=').ok_or_else(|| {
            format!("expected COMPONENT=provider/offering/tier[:N], such as db=atlas/cluster/m10, found '{text}'")
        })?;
        let (tier, count) = match rest.split_once(':') {
            None => (rest, None),
            Some((tier, n)) => {
                let number = |s: &str| {
                    s.trim().parse::<u32>().ok().filter(|n| (1..=1000).contains(n)).ok_or_else(
                        || format!("expected a count from 1 to 1000 after ':', found '{n}'"),
                    )
                };
                let count = match n.split_once('-') {
                    Some((lo, hi)) => {
                        let (min, max) = (number(lo)?, number(hi)?);
                        if min > max {
                            return Err(format!("expected MIN-MAX with MIN ≤ MAX, found '{n}'"));
                        }
                        Count::Autoscaled { min, max, target_cpu: None }
                    }
                    None => Count::Fixed(number(n)?),
                };
                (tier, Some(count))
            }
        };
        if component.trim().is_empty() || tier.split('/').count() != 3 {
            return Err(format!(
                "expected COMPONENT=provider/offering/tier[:N], such as db=atlas/cluster/m10, found '{text}'"
            ));
        }
        Ok(CurrentOverride {
            component: component.trim().to_string(),
            tier: tier.trim().to_string(),
            count,
        })
    }
}

/// Several files' components in one result: a name given twice is an
/// error naming both files; then each `--current` replaces a component's
/// tier (and count, when given) or adds the component.
pub fn combine(
    results: Vec<(String, ImportResult)>,
    overrides: &[CurrentOverride],
    catalog: &Catalog,
) -> Result<ImportResult, ImportError> {
    let mut combined = ImportResult::default();
    let mut origin: BTreeMap<String, String> = BTreeMap::new();
    for (file, result) in results {
        let mut in_this_file = std::collections::BTreeSet::new();
        for mut component in result.components {
            // One file may name a service and its database alike (Render
            // names are unique per kind): the later takes its role.
            if !in_this_file.insert(component.name.clone()) {
                let renamed = format!("{}-{}", component.name, component.role);
                component.notes.push(format!(
                    "named '{}' in the file, like another component: called {renamed} here",
                    component.name
                ));
                component.name = renamed;
            }
            if let Some(first) = origin.get(&component.name) {
                return Err(format!(
                    "{file}: component '{}' is also in {first}: rename one of them",
                    component.name
                ));
            }
            origin.insert(component.name.clone(), file.clone());
            combined.components.push(component);
        }
        combined.skipped.extend(result.skipped);
    }
    for o in overrides {
        let at = format!("--current {}", o.component);
        let Some(tier) = catalog.tier(&o.tier) else {
            let (offering, id) = o.tier.rsplit_once('/').unwrap_or((&o.tier, ""));
            known_tier(catalog, "command line", &at, offering, id)?;
            return Err(format!("command line: {at}: unknown tier '{}'", o.tier));
        };
        let role = match tier.offering.role {
            Some(crate::catalog::Role::Database) => "database",
            Some(crate::catalog::Role::Cache) => "cache",
            Some(crate::catalog::Role::Compute) => "web",
            other => {
                return Err(format!(
                    "command line: {at}: '{}' is a {} offering: expected a compute, database or cache tier",
                    o.tier,
                    other.map_or("role-less", |r| r.as_str())
                ));
            }
        };
        let (offering, id) = o.tier.rsplit_once('/').expect("three parts checked");
        match combined.components.iter_mut().find(|c| c.name == o.component) {
            Some(existing) => {
                if existing.role != role && !(role == "web" && existing.role == "worker") {
                    return Err(format!(
                        "command line: {at}: '{}' is a {role} tier but component '{}' is a {}",
                        o.tier, o.component, existing.role
                    ));
                }
                existing.notes.push(format!(
                    "from --current (the file said {}/{})",
                    existing.offering, existing.tier
                ));
                existing.offering = offering.to_string();
                existing.tier = id.to_string();
                // What the file said is replaced: no longer checked.
                existing.tier_at = None;
                existing.tier_problem = None;
                if let Some(count) = o.count {
                    existing.count = count;
                }
            }
            None => {
                let mut added = Imported::new(&o.component, role, offering, id, 1);
                if let Some(count) = o.count {
                    added.count = count;
                }
                added.notes.push("from --current".into());
                combined.components.push(added);
            }
        }
    }
    // Every tier at once: a file with three legacy plans says all three.
    let problems: Vec<ImportError> = combined
        .components
        .iter_mut()
        .filter_map(|component| check_file_tier(catalog, component).err())
        .collect();
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    if combined.components.is_empty() {
        return Err("import: no components to write".into());
    }
    Ok(combined)
}

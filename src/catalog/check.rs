//! Validation of one catalog file: schema facts serde cannot express
//! (unique ids, positive numbers, provenance, dates, ordered tiers).

use super::{Capacity, LoadedFile, Provider, STALE_AFTER_DAYS, days_between, parse_date, today};
use crate::input::locate::{Step, field_path, line_of};
pub use crate::input::problem::{Problem, Severity};
use std::collections::HashSet;

// An explicit path: build.rs includes this file by #[path] too.
#[path = "check/offerings.rs"]
mod offerings;
#[path = "check/retirement.rs"]
mod retirement;
#[path = "check/sources.rs"]
mod sources;

/// The result of `capplan tiers check` (its JSON contract).
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct CatalogCheckReport {
    /// The catalog files checked (the embedded ones when none are named), then
    /// each overlay.
    pub files: Vec<String>,
    /// Problems of severity `error` (any makes the exit code 1).
    pub errors: usize,
    /// Problems of severity `warning`.
    pub warnings: usize,
    /// Every problem found, located in its file.
    pub problems: Vec<Problem>,
}

/// Checks every embedded catalog and any overlays, their sources too; used
/// by `tiers check`.
pub fn check_catalog(files: &[LoadedFile]) -> Vec<Problem> {
    check_catalog_aged(files, STALE_AFTER_DAYS)
}

/// As `check_catalog`, warning on entries whose `as_of` is more than
/// `max_age_days` old.
pub fn check_catalog_aged(files: &[LoadedFile], max_age_days: i64) -> Vec<Problem> {
    files
        .iter()
        .enumerate()
        .flat_map(|(i, file)| {
            // An overlay may name usage and tiers of the provider it extends.
            let base = files[..i]
                .iter()
                .rev()
                .find(|f| f.provider.provider == file.provider.provider)
                .map(|f| &f.provider);
            let mut problems = check_provider(file, base, max_age_days);
            problems.extend(check_sources(file, base));
            problems
        })
        .collect()
}

/// Problems of one file; `base` is the provider an overlay extends, whose
/// usage entries and tiers the file may name. Overlays must carry
/// provenance like any catalog.
pub(crate) fn check_provider(
    file: &LoadedFile,
    base: Option<&Provider>,
    max_age_days: i64,
) -> Vec<Problem> {
    let mut checker = Checker {
        file,
        base,
        problems: Vec::new(),
        today: today(),
        max_age_days,
        unpriced_successors: HashSet::new(),
        stale: Vec::new(),
    };
    checker.provider(&file.provider);
    checker.stale_warnings();
    checker.problems
}

/// Sources that do not begin on the provider's sites. Part of the catalog
/// checks (`tiers check`, the build, `check FILE.yaml`), not of loading an
/// overlay to plan with: a negotiated or a guide's price is the user's to
/// cite, and a plan should not repeat it on every run.
pub(crate) fn check_sources(file: &LoadedFile, base: Option<&Provider>) -> Vec<Problem> {
    let mut checker = Checker {
        file,
        base,
        problems: Vec::new(),
        today: String::new(),
        max_age_days: 0,
        unpriced_successors: HashSet::new(),
        stale: Vec::new(),
    };
    checker.sources(&file.provider);
    checker.problems
}

struct Checker<'a> {
    file: &'a LoadedFile,
    base: Option<&'a Provider>,
    problems: Vec<Problem>,
    today: String,
    max_age_days: i64,
    /// Successors already warned about (once per file, not per entry).
    unpriced_successors: HashSet<String>,
    /// Entries dated more than `max_age_days` ago, with the source they
    /// cite: warned about once per source, after the whole file.
    stale: Vec<Stale>,
}

/// One entry whose `as_of` is old.
struct Stale {
    source: String,
    as_of: String,
    age: i64,
    path: Vec<Step>,
}

impl Checker<'_> {
    fn push(&mut self, severity: Severity, path: &[Step], message: String) {
        let field = field_path(path);
        self.problems.push(Problem::new(
            severity,
            &self.file.name,
            line_of(&self.file.text, path),
            None,
            &field,
            &message,
        ));
    }

    fn error(&mut self, path: &[Step], message: String) {
        self.push(Severity::Error, path, message);
    }

    fn positive(&mut self, path: &[Step], name: &str, value: Option<f64>, allow_zero: bool) {
        let Some(v) = value else { return };
        let ok = v.is_finite() && (v > 0.0 || allow_zero && v == 0.0);
        if !ok {
            let mut full = path.to_vec();
            full.push(key(name));
            let expected =
                if allow_zero { "zero or a positive number" } else { "a positive number" };
            self.error(&full, format!("expected {expected}, found {v}"));
        }
    }

    /// Checks an `as_of`; `source` is the one the entry cites (its own or
    /// the nearest enclosing one), which its staleness warning names.
    fn date(&mut self, path: &[Step], as_of: &Option<String>, source: Option<&str>) {
        let Some(text) = as_of else { return };
        let mut full = path.to_vec();
        full.push(key("as_of"));
        if parse_date(text).is_none() {
            self.error(
                &full,
                format!("expected a date YYYY-MM-DD (or a range 'A .. B'), found '{text}'"),
            );
            return;
        }
        if let Some(age) = days_between(text, &self.today)
            && age > self.max_age_days
        {
            self.stale.push(Stale {
                source: source.unwrap_or_default().to_string(),
                as_of: text.clone(),
                age,
                path: full,
            });
        }
    }

    /// One warning per cited source, at its oldest entry, naming how many
    /// other entries cite it (a source re-checked fixes them all).
    fn stale_warnings(&mut self) {
        let mut groups: Vec<Vec<Stale>> = Vec::new();
        for entry in std::mem::take(&mut self.stale) {
            match groups.iter_mut().find(|g| g[0].source == entry.source) {
                Some(group) => group.push(entry),
                None => groups.push(vec![entry]),
            }
        }
        for mut group in groups {
            group.sort_by_key(|e| std::cmp::Reverse(e.age));
            let oldest = &group[0];
            let mut message = format!(
                "as_of {} is {} days old (more than {}): re-check the source",
                oldest.as_of, oldest.age, self.max_age_days
            );
            if !oldest.source.is_empty() {
                message.push_str(&format!(" '{}'", oldest.source));
            }
            if group.len() > 1 {
                let entry = |path: &[Step]| match field_path(&path[..path.len().saturating_sub(1)])
                {
                    field if field.is_empty() => "the provider".to_string(),
                    field => field,
                };
                // The first few by name: an imported overlay cites one file
                // from thousands of entries.
                const NAMED: usize = 10;
                let others = group.len() - 1;
                let mut named: Vec<String> =
                    group[1..].iter().take(NAMED).map(|e| entry(&e.path)).collect();
                if others > NAMED {
                    named.push(format!("and {} more", others - NAMED));
                }
                message.push_str(&format!(
                    "; it is cited by {others} more entr{} of this file dated more than {} days ago: {}",
                    if others == 1 { "y" } else { "ies" },
                    self.max_age_days,
                    named.join(", ")
                ));
            }
            let path = oldest.path.clone();
            self.push(Severity::Warning, &path, message);
        }
    }

    fn provider(&mut self, p: &Provider) {
        let root: Vec<Step> = vec![];
        if p.version != 1 {
            self.error(&[key("version")], format!("expected version 1, found {}", p.version));
        }
        if !valid_id(&p.provider) {
            self.error(
                &[key("provider")],
                format!(
                    "expected a lower-case id (a-z, 0-9, '-', '.', '+'), found '{}'",
                    p.provider
                ),
            );
        }
        if p.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            self.error(
                &[key("provider")],
                "missing 'source': every catalog file names where its numbers come from".into(),
            );
        }
        if p.as_of.is_none() {
            self.error(
                &[key("provider")],
                "missing 'as_of': every catalog file says when its numbers were true".into(),
            );
        }
        self.date(&root, &p.as_of, p.source.as_deref());
        let mut offering_ids = HashSet::new();
        for o in &p.offerings {
            let opath = vec![key("offerings"), Step::Id(o.id.clone())];
            if !offering_ids.insert(o.id.clone()) {
                self.error(&opath, format!("duplicate offering id '{}'", o.id));
            }
            if !valid_id(&o.id) {
                self.error(&opath, format!("expected a lower-case id, found '{}'", o.id));
            }
            let offering_source = o.source.as_deref().or(p.source.as_deref());
            self.date(&opath, &o.as_of, offering_source);
            self.offering_rules(p, o, &opath, offering_source);
            let mut tier_ids = HashSet::new();
            for t in &o.tiers {
                let mut tpath = opath.clone();
                tpath.extend([key("tiers"), Step::Id(t.id.clone())]);
                if !tier_ids.insert(t.id.clone()) {
                    self.error(
                        &tpath,
                        format!("duplicate tier id '{}' in offering '{}'", t.id, o.id),
                    );
                }
                if !valid_id(&t.id) {
                    self.error(&tpath, format!("expected a lower-case id, found '{}'", t.id));
                }
                self.tier(p, &tpath, t, offering_source);
            }
        }
        let mut usage_ids = HashSet::new();
        for u in &p.usage {
            if !usage_ids.insert(u.id.clone()) {
                self.error(
                    &[key("usage"), Step::Id(u.id.clone())],
                    format!("duplicate usage id '{}'", u.id),
                );
            }
            self.usage(p, u);
        }
    }

    /// A usage id of this provider named by a field of an offering or tier.
    fn usage_ref(&mut self, p: &Provider, base: &[Step], fields: &[&str], id: &str) {
        let known = |p: &Provider| p.usage.iter().any(|u| u.id == id);
        if known(p) || self.base.is_some_and(known) {
            return;
        }
        let mut path = base.to_vec();
        path.extend(fields.iter().map(|f| key(f)));
        let known: Vec<&str> = p.usage.iter().map(|u| u.id.as_str()).collect();
        self.error(
            &path,
            format!(
                "unknown usage id '{id}': expected one of this provider's usage entries ({})",
                known.join(", ")
            ),
        );
    }

    /// An `offering/tier` of this provider named by an offering field.
    fn tier_ref(&mut self, p: &Provider, base: &[Step], fields: &[&str], reference: &str) {
        let has = |p: &Provider| {
            reference.split_once('/').is_some_and(|(offering, tier)| {
                p.offerings.iter().any(|o| o.id == offering && o.tiers.iter().any(|t| t.id == tier))
            })
        };
        let found = has(p) || self.base.is_some_and(has);
        if !found {
            let mut path = base.to_vec();
            path.extend(fields.iter().map(|f| key(f)));
            self.error(
                &path,
                format!("unknown tier '{reference}': expected offering/tier of this provider"),
            );
        }
    }

    fn option_price(&mut self, path: &[Step], price: &super::OptionPrice, source: Option<&str>) {
        self.positive(path, "monthly_usd", price.monthly_usd, true);
        self.positive(path, "hourly_usd", price.hourly_usd, true);
        if let Some(d) = price.discount
            && !(0.0..1.0).contains(&d)
        {
            let mut full = path.to_vec();
            full.push(key("discount"));
            self.error(&full, format!("expected a discount from 0 to below 1, found {d}"));
        }
        if price.monthly_usd.is_none() && price.hourly_usd.is_none() && price.discount.is_none() {
            self.error(path, "expected monthly_usd, hourly_usd or discount".into());
        }
        self.date(path, &price.as_of, price.source.as_deref().or(source));
    }
}

fn key(name: &str) -> Step {
    Step::Key(name.to_string())
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '+' | '_')
        })
}

/// Whether a capacity field named in `estimates` has a value.
fn capacity_has(c: &Capacity, field: &str) -> bool {
    match field {
        "vcpu" => c.vcpu.is_some(),
        "memory_mb" => c.memory_mb.is_some(),
        "storage_gb" => c.storage_gb.is_some(),
        "max_storage_gb" => c.max_storage_gb.is_some(),
        "max_connections" => c.max_connections.is_some(),
        "max_ops_per_sec" => c.max_ops_per_sec.is_some(),
        "bandwidth_gb_per_month" => c.bandwidth_gb_per_month.is_some(),
        "max_instances" => c.max_instances.is_some(),
        "credits_per_month" => c.credits_per_month.is_some(),
        "max_databases" => c.max_databases.is_some(),
        "baseline_cpu" => c.baseline_cpu.is_some(),
        _ => false,
    }
}

//! docker-compose files (`docker-compose.yml`, `compose.yaml`, Swarm
//! `docker-stack.yml`): one component per service on the platform named
//! with `--platform PROVIDER[/OFFERING]`, since a Compose file says what a
//! container may use but not where it runs. The size is
//! `deploy.resources.limits.{cpus, memory}` (else the service's `cpus` and
//! `mem_limit`, else the reservations), mapped to the platform's cheapest
//! tier that fits; the count is `deploy.replicas` (else `scale`, else 1).
//! PostgreSQL, MongoDB, Redis and Valkey images go to the platform's
//! managed offering of that engine where it has one. docs/import.md lists
//! each field. Spec: docs.docker.com/reference/compose-file.

mod service;
mod values;

use super::{Count, ImportError, ImportResult, Imported};
use crate::catalog::{Catalog, Engine, Offering, Provider, Role, TierRef};
use serde_yaml_ng::Value;
use service::{Reader, Service, Store, one_off_jobs};
use values::{num, shown};

/// Compute offerings in the catalog that cannot run a container image.
const NOT_CONTAINERS: [(&str, &str); 1] =
    [("vercel/functions", "Vercel Functions run code bundles, not container images")];

pub fn import(
    file: &str,
    text: &str,
    catalog: &Catalog,
    platform: Option<&str>,
) -> Result<ImportResult, ImportError> {
    let platform = Platform::resolve(file, catalog, platform)?;
    let mut doc: Value = serde_yaml_ng::from_str(text).map_err(|e| match e.location() {
        Some(at) => format!("{file}:{}:{}: not YAML: {e}", at.line(), at.column()),
        None => format!("{file}: not YAML: {e}"),
    })?;
    doc.apply_merge()
        .map_err(|e| format!("{file}: a merge key (<<) that is not a mapping: {e}"))?;
    let Some(Value::Mapping(services)) = doc.get("services") else {
        return Err(format!(
            "{file}: expected a top-level services mapping (a docker-compose file), found {}",
            doc.get("services").map_or("none".into(), shown)
        ));
    };
    let mut reader =
        Reader { file, text, unresolved: Vec::new(), first_variable: None, stores: Vec::new() };
    let one_offs = one_off_jobs(services);
    let mut result = ImportResult::default();
    let mut read = Vec::new();
    for (key, service) in services {
        let Some(name) = key.as_str() else {
            return Err(format!(
                "{}: expected service names, found {}",
                reader.at(&["services"], true),
                shown(key)
            ));
        };
        if let Some(s) = reader.service(name, service, &one_offs, &mut result)? {
            read.push(s);
        }
    }
    if !reader.unresolved.is_empty() {
        return Err(format!(
            "{}\nno tier or count can be chosen without them: write the values in, give each a default (${{{}:-VALUE}}), or import the file as Compose fills it in:\n  docker compose config > resolved.yaml && capplan import resolved.yaml --platform {}",
            reader.unresolved.join("\n"),
            reader.first_variable.as_deref().unwrap_or("VAR"),
            platform.name
        ));
    }
    for service in read {
        result.components.push(reader.component(catalog, &platform, service)?);
    }
    if result.components.is_empty() {
        return Err(format!(
            "{file}: no services to import (not imported: {})",
            result.skipped.join(", ")
        ));
    }
    Ok(result)
}

/// Where the containers run: a provider, or one of its compute offerings.
struct Platform<'a> {
    name: String,
    provider: &'a Provider,
    /// `--platform render/web`: every container on this offering.
    only: Option<&'a Offering>,
}

fn runs_containers(provider: &Provider, offering: &Offering) -> bool {
    offering.role == Some(Role::Compute)
        && !NOT_CONTAINERS
            .iter()
            .any(|(r, _)| *r == format!("{}/{}", provider.provider, offering.id))
}

impl<'a> Platform<'a> {
    fn resolve(
        file: &str,
        catalog: &'a Catalog,
        name: Option<&str>,
    ) -> Result<Platform<'a>, ImportError> {
        let mut valid: Vec<&str> = catalog
            .providers
            .iter()
            .filter(|p| p.offerings.iter().any(|o| runs_containers(p, o)))
            .map(|p| p.provider.as_str())
            .collect();
        valid.sort_unstable();
        valid.dedup();
        let valid = valid.join(", ");
        let Some(name) = name.map(str::trim) else {
            return Err(format!(
                "{file}: a docker-compose file says what each container may use, not where it runs: give the platform with --platform, one of {valid} (the providers whose compute runs containers), or PROVIDER/OFFERING to use one offering; for example:\n  capplan import {file} --platform render"
            ));
        };
        let (provider_id, offering_id) = match name.split_once('/') {
            Some((p, o)) => (p, Some(o)),
            None => (name, None),
        };
        let Some(provider) = catalog.provider(provider_id) else {
            return Err(format!(
                "command line: --platform {name}: unknown platform '{provider_id}': expected one of {valid}"
            ));
        };
        let compute: Vec<&Offering> =
            provider.offerings.iter().filter(|o| runs_containers(provider, o)).collect();
        if compute.is_empty() {
            let why = NOT_CONTAINERS
                .iter()
                .find(|(r, _)| r.split('/').next() == Some(provider_id))
                .map_or("it sells no compute", |(_, why)| why);
            return Err(format!(
                "command line: --platform {name}: {provider_id} cannot run the containers ({why}): expected one of {valid}"
            ));
        }
        let only = match offering_id {
            None => None,
            Some(id) => Some(*compute.iter().find(|o| o.id == id).ok_or_else(|| {
                format!(
                    "command line: --platform {name}: not a compute offering of {provider_id} that runs containers: expected {}",
                    compute
                        .iter()
                        .map(|o| format!("{provider_id}/{}", o.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?),
        };
        Ok(Platform { name: name.to_string(), provider, only })
    }

    /// The offerings a web or worker container may go on: the one named
    /// with --platform, else those named for the role (Render's web and
    /// worker), else every compute offering that runs containers.
    fn compute(&self, role: &str) -> Vec<&'a Offering> {
        if let Some(only) = self.only {
            return vec![only];
        }
        let all: Vec<&'a Offering> =
            self.provider.offerings.iter().filter(|o| runs_containers(self.provider, o)).collect();
        let named: Vec<&'a Offering> = all.iter().copied().filter(|o| o.id == role).collect();
        if named.is_empty() { all } else { named }
    }

    fn tiers(&self, offerings: &[&'a Offering], count: u32) -> Vec<TierRef<'a>> {
        offerings
            .iter()
            .flat_map(|o| {
                o.tiers.iter().map(|tier| TierRef { provider: self.provider, offering: o, tier })
            })
            .filter(|t| usable(t, count))
            .collect()
    }
}

/// A tier the import may choose: sold; priced above zero (free tiers
/// sleep, expire or stop at one instance) or billed by use; priced by
/// the tier, not by capacity units over the day (Aurora Serverless); and
/// able to run `count` instances.
fn usable(t: &TierRef<'_>, count: u32) -> bool {
    let cap = &t.tier.capacity;
    let priced = match t.monthly_usd() {
        Some(usd) => usd > 0.0,
        None => t.offering.usage_compute.is_some(),
    };
    t.available()
        && priced
        && cap.sleeps_when_idle != Some(true)
        && t.offering.capacity_units.is_none()
        && cap.max_instances.is_none_or(|m| m >= count)
        && t.offering.max_instances.is_none_or(|m| m >= count)
}

/// The cheapest of `tiers` that fit, the first listed on a tie; where no
/// fitting tier has a price (billed by use), the smallest.
fn cheapest<'a>(tiers: &[TierRef<'a>], fits: impl Fn(&TierRef<'_>) -> bool) -> Option<TierRef<'a>> {
    let fitting: Vec<TierRef<'a>> = tiers.iter().copied().filter(|t| fits(t)).collect();
    let priced = fitting
        .iter()
        .filter_map(|t| t.monthly_usd().map(|usd| (usd, *t)))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, t)| t);
    priced.or_else(|| {
        let size = |t: &TierRef<'_>| {
            let c = &t.tier.capacity;
            (c.memory_mb.unwrap_or(f64::MAX), c.vcpu.unwrap_or(f64::MAX))
        };
        fitting.iter().copied().min_by(|a, b| {
            let (a, b) = (size(a), size(b));
            a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
        })
    })
}

/// `standard (1 vCPU, 2048 MB, $25.00/month)`, `billed by use` in place
/// of a price; with its offering when several were compared.
fn described(t: &TierRef<'_>, with_offering: bool) -> String {
    let c = &t.tier.capacity;
    let mut parts = Vec::new();
    if let Some(v) = c.vcpu {
        let shared = if c.shared_cpu == Some(true) { " shared" } else { "" };
        parts.push(format!("{} vCPU{shared}", num(v)));
    }
    if let Some(m) = c.memory_mb {
        parts.push(format!("{} MB", num(m)));
    }
    parts.push(t.monthly_usd().map_or("billed by use".into(), |usd| format!("${usd:.2}/month")));
    let id =
        if with_offering { format!("{}/{}", t.offering.id, t.tier.id) } else { t.tier.id.clone() };
    format!("{id} ({})", parts.join(", "))
}

/// An AWS Graviton type (`t4g.nano`, `m7g.large`, `c6gn.xlarge`): a `g`
/// among the letters after the family's generation digit. Arm64 only.
fn graviton(t: &TierRef<'_>) -> bool {
    let family = t.tier.id.split('.').next().unwrap_or("");
    t.provider.provider == "aws"
        && family.find(|c: char| c.is_ascii_digit()).is_some_and(|i| {
            family[i..].trim_start_matches(|c: char| c.is_ascii_digit()).contains('g')
        })
}

impl Reader<'_> {
    /// The component: a managed datastore where the platform sells the
    /// image's engine, else a web or worker container.
    fn component(
        &mut self,
        catalog: &Catalog,
        platform: &Platform<'_>,
        mut s: Service,
    ) -> Result<Imported, ImportError> {
        if let Some(store) = s.store {
            let (tiers, also) = store_tiers(platform, store);
            let first = self.stores.iter().find(|(role, _)| *role == store.role);
            let instance = if store.engine.is_none() {
                format!("no provider in the catalog sells a managed {}", store.label)
            } else if tiers.is_empty() {
                format!(
                    "{} sells no managed {} in the catalog{}",
                    platform.provider.provider,
                    store.label,
                    elsewhere(catalog, platform.provider, store, &s.name)
                )
            } else if let Some((_, first)) = first {
                // A scenario has one database and one cache: the first of each.
                format!("a scenario has one {} component, and {first} is it", store.role)
            } else {
                let tier = self.managed(&tiers, also, store, &mut s)?;
                if s.count > 1 {
                    s.notes.push(format!(
                        "{} replicas in the file: a managed {} is counted as one",
                        s.count, store.label
                    ));
                }
                self.stores.push((store.role, s.name.clone()));
                return Ok(imported(s, store.role, tier, 1));
            };
            s.notes.push(format!("a {} image on a compute instance: {instance}", store.label));
        }
        let role = if s.web && s.store.is_none() { "web" } else { "worker" };
        let offerings = platform.compute(role);
        let tiers = platform.tiers(&offerings, s.count);
        let several = offerings.len() > 1;
        let label = match offerings.as_slice() {
            [one] => format!("{}/{}", platform.provider.provider, one.id),
            _ => format!("{} compute", platform.provider.provider),
        };
        if tiers.is_empty() {
            let most = offerings.iter().filter_map(|o| o.max_instances).max();
            let count_at: Vec<&str> = s.count_at.iter().map(String::as_str).collect();
            return Err(format!(
                "{}: {} replicas: {label} runs at most {} instances",
                self.at(&count_at, false),
                s.count,
                most.map_or("fewer".into(), |m| m.to_string())
            ));
        }
        let fits = |t: &TierRef<'_>| {
            let c = &t.tier.capacity;
            s.cpus.is_none_or(|need| c.vcpu.is_some_and(|v| v + 1e-9 >= need))
                && s.memory_mb.is_none_or(|need| c.memory_mb.is_some_and(|m| m + 1e-9 >= need))
        };
        let need = match (s.cpus, s.memory_mb) {
            (Some(c), Some(m)) => format!("{} CPU and {} MB", num(c), num(m)),
            (Some(c), None) => format!("{} CPU (no memory limit in the file)", num(c)),
            (None, Some(m)) => format!("{} MB (no CPU limit in the file)", num(m)),
            (None, None) => String::new(),
        };
        let Some(tier) = cheapest(&tiers, fits) else {
            let instances =
                if s.count > 1 { format!(" for {} instances", s.count) } else { String::new() };
            let largest = tiers.iter().max_by(|a, b| {
                let size = |t: &TierRef<'_>| {
                    (t.tier.capacity.vcpu.unwrap_or(0.0), t.tier.capacity.memory_mb.unwrap_or(0.0))
                };
                let (a, b) = (size(a), size(b));
                a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
            });
            return Err(format!(
                "{}: needs {need}: no {label} tier{instances} is that large (the largest: {})",
                self.at(&["services", &s.name], true),
                largest.map_or(String::new(), |t| described(t, several))
            ));
        };
        let label = if s.count > 1 {
            format!("{label} tier that runs {}", s.count)
        } else {
            format!("{label} tier")
        };
        let what = match (tier.monthly_usd().is_none(), need.is_empty()) {
            (true, true) => format!(
                "billed by use, so a tier is only the replica's limit: the smallest {label}"
            ),
            (true, false) => format!(
                "billed by use, so a tier is only the replica's limit: the smallest {label} with at least that"
            ),
            (false, true) => format!("the cheapest {label}"),
            (false, false) => format!("the cheapest {label} with at least that"),
        };
        s.notes.push(if need.is_empty() {
            format!(
                "no CPU or memory limit or reservation in the file: {what}, {}",
                described(&tier, several)
            )
        } else {
            format!("needs {need}: {what} is {}", described(&tier, several))
        });
        let cap = &tier.tier.capacity;
        if let (Some(base), Some(vcpu), Some(limit)) = (cap.baseline_cpu, cap.vcpu, s.cpus)
            && base * vcpu + 1e-9 < limit
        {
            s.notes.push(format!(
                "{} sustains {} vCPU ({} of each of its {}) and bursts above it, less than the {} CPU limit: recommend checks the load against that baseline",
                tier.tier.id, num(base * vcpu), num(base), num(vcpu), num(limit)
            ));
        }
        if graviton(&tier) {
            let x86 = cheapest(&tiers, |t| fits(t) && !graviton(t));
            s.notes.push(format!(
                "{} is a Graviton (arm64) type: the images must be built for arm64{}",
                tier.tier.id,
                x86.map_or(String::new(), |t| format!(
                    "; the cheapest x86 one is {}: --current {}={}",
                    described(&t, several),
                    s.name,
                    t.reference()
                ))
            ));
        }
        let count = s.count;
        Ok(imported(s, role, tier, count))
    }

    /// Of the platform's managed tiers for the image's engine, the
    /// cheapest with at least the memory limit (any, with none).
    fn managed<'a>(
        &self,
        tiers: &[TierRef<'a>],
        also: &str,
        store: Store,
        s: &mut Service,
    ) -> Result<TierRef<'a>, ImportError> {
        let fits = |t: &TierRef<'_>| {
            s.memory_mb
                .is_none_or(|need| t.tier.capacity.memory_mb.is_some_and(|m| m + 1e-9 >= need))
        };
        let Some(tier) = cheapest(tiers, fits) else {
            let largest =
                tiers.iter().filter_map(|t| t.tier.capacity.memory_mb).fold(0.0, f64::max);
            return Err(format!(
                "{}: needs {} MB: the largest managed {} tier {} sells has {} MB",
                self.at(&["services", &s.name], true),
                num(s.memory_mb.unwrap_or(0.0)),
                store.label,
                tiers.first().map_or("", |t| t.provider.provider.as_str()),
                num(largest)
            ));
        };
        let offering = format!("{}/{}", tier.provider.provider, tier.offering.id);
        s.notes.push(match s.memory_mb {
            Some(mb) => format!(
                "a {} image: the managed {offering}{also}; needs {} MB: its cheapest tier with at least that memory is {}",
                store.label, num(mb), described(&tier, false)
            ),
            None => format!(
                "a {} image: the managed {offering}{also}; no memory limit in the file: its cheapest tier, {}",
                store.label, described(&tier, false)
            ),
        });
        if s.cpus.is_some() {
            s.notes.push(
                "the CPU limit is not used: a managed datastore's tier is chosen by memory".into(),
            );
        }
        Ok(tier)
    }
}

/// The tiers of the platform's managed offerings for the image's engine,
/// else of a Redis-compatible one for Redis or Valkey (with that said).
fn store_tiers<'a>(platform: &Platform<'a>, store: Store) -> (Vec<TierRef<'a>>, &'static str) {
    let Some(engine) = store.engine else {
        return (Vec::new(), "");
    };
    let role = if store.role == "database" { Role::Database } else { Role::Cache };
    let of = |e: Engine| -> Vec<&'a Offering> {
        platform
            .provider
            .offerings
            .iter()
            .filter(|o| o.role == Some(role) && o.engine == Some(e))
            .collect()
    };
    let tiers = platform.tiers(&of(engine), 1);
    let compatible = match engine {
        Engine::Redis => Some(Engine::Valkey),
        Engine::Valkey => Some(Engine::Redis),
        _ => None,
    };
    match compatible {
        Some(other) if tiers.is_empty() => {
            (platform.tiers(&of(other), 1), " (Redis and Valkey speak the same protocol)")
        }
        _ => (tiers, ""),
    }
}

/// Other providers that sell the engine managed, as a `--current` hint.
fn elsewhere(catalog: &Catalog, platform: &Provider, store: Store, name: &str) -> String {
    let Some(engine) = store.engine else {
        return String::new();
    };
    let sellers: Vec<String> = catalog
        .providers
        .iter()
        .filter(|p| p.provider != platform.provider)
        .flat_map(|p| {
            p.offerings
                .iter()
                .filter(|o| o.engine == Some(engine) && !o.tiers.is_empty())
                .map(|o| format!("{}/{}", p.provider, o.id))
        })
        .take(3)
        .collect();
    match sellers.first() {
        None => String::new(),
        Some(first) => {
            format!(" (sold by {}: --current {name}={first}/TIER to price one)", sellers.join(", "))
        }
    }
}

fn imported(s: Service, role: &'static str, tier: TierRef<'_>, count: u32) -> Imported {
    Imported {
        tier_at: None,
        tier_problem: None,
        name: s.name,
        role,
        offering: format!("{}/{}", tier.provider.provider, tier.offering.id),
        tier: tier.tier.id.clone(),
        count: Count::Fixed(count),
        storage_gb: None,
        fields: Vec::new(),
        notes: s.notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_files_fail_located_or_import_without_panicking() {
        let catalog = crate::catalog::load().expect("the embedded catalog loads");
        let run = |text: &str| import("c.yml", text, &catalog, Some("render"));
        for text in [
            "",
            "services: []",
            "services: {}",
            "services:\n  a: ~\n",
            "services:\n  1: {image: x}\n",
            "services:\n  a: {deploy: {resources: {limits: {cpus: .inf, memory: .nan}}}}\n",
            "services:\n  a: {deploy: {replicas: -1}}\n",
            "services:\n  a: {deploy: {resources: {limits: {cpus: '-2'}}}}\n",
            "services:\n  a: {deploy: {resources: {limits: {memory: '\u{e9}\u{e9}G'}}}}\n",
            "services:\n  a: {deploy: {resources: {limits: {memory: '${X:-${Y}}'}}}}\n",
            "services:\n  a: {deploy: {resources: [1, 2]}, ports: {x: 1}, profiles: nope}\n",
            "services:\n  a: {<<: 3}\n",
            "services:\n  a: {image: [postgres], depends_on: [b]}\n",
            "services:\n  a: !custom {image: x}\n",
            "services:\n  a: {image: '${}', mem_limit: '$'}\n",
        ] {
            match run(text) {
                Ok(result) => assert!(!result.components.is_empty(), "{text}"),
                Err(e) => assert!(e.starts_with("c.yml"), "{text}: {e}"),
            }
        }
        assert!(
            run("services:\n  a: {deploy: {replicas: -1}}\n").unwrap_err().starts_with("c.yml:2:")
        );
    }
}

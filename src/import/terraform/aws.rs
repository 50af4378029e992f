//! The AWS resources of a plan as components (tiers/aws.yaml): EC2
//! instances, grouped by type and module, and autoscaling groups on
//! `aws/ec2`, all web; RDS for PostgreSQL on `aws/rds-postgres` or
//! `-multi-az`; Aurora PostgreSQL Serverless v2; ElastiCache Redis OSS and
//! Valkey nodes. Load balancers are notes on the web components (the ALB
//! is priced by the ec2 offering's `load_balancer` rule). Whatever the
//! catalog does not price is listed as not imported, with the reason.

use super::{Plan, Resource, shown};
use crate::catalog::Catalog;
use crate::import::{Count, ImportError, ImportResult, Imported};
use serde_json::Value;
use std::collections::BTreeMap;

pub(super) const EC2: &str = "aws/ec2";
/// The largest count or size read from a plan.
const MOST: u64 = 10_000;

/// Types read only through a resource that refers to them.
const REFERRED: [&str; 4] = [
    "aws_launch_template",
    "aws_launch_configuration",
    "aws_autoscaling_policy",
    "aws_rds_cluster_instance",
];

/// An EC2 component before it is named.
pub(super) struct Ec2 {
    pub(super) module: Vec<String>,
    /// Its resource name (one resource block), else `ec2-<type>`.
    pub(super) leaf: String,
    pub(super) tier: String,
    pub(super) count: Count,
    /// Instances: each resource block with its instance count.
    pub(super) sources: Vec<(String, u32)>,
    pub(super) created: u32,
    pub(super) ebs_gb: f64,
    pub(super) notes: Vec<String>,
    /// Where the plan first named `tier` (checked by `import::combine`).
    pub(super) tier_at: String,
}

pub(super) struct Reader<'p, 'a> {
    pub(super) file: &'p str,
    pub(super) catalog: &'p Catalog,
    pub(super) plan: &'p Plan<'a>,
    pub(super) used: Vec<bool>,
    /// The autoscaling group a policy scales, the cluster an Aurora
    /// instance belongs to (by index), found once.
    pub(super) points_at: Vec<Option<usize>>,
    pub(super) ec2: Vec<Ec2>,
    pub(super) database: Option<Imported>,
    pub(super) cache: Option<Imported>,
    /// `aws_lb.main (application)`, with whether it is a network one.
    pub(super) load_balancers: Vec<(String, bool)>,
    pub(super) skipped: Vec<String>,
    pub(super) other: BTreeMap<String, usize>,
}

pub(super) fn import(
    file: &str,
    plan: &Plan<'_>,
    catalog: &Catalog,
) -> Result<ImportResult, ImportError> {
    let mut reader = Reader {
        file,
        catalog,
        plan,
        used: vec![false; plan.resources.len()],
        points_at: plan
            .resources
            .iter()
            .map(|r| match r.kind {
                "aws_autoscaling_policy" => plan.referenced(
                    r,
                    text(r, "autoscaling_group_name"),
                    &["name", "id"],
                    "autoscaling_group_name",
                    &["aws_autoscaling_group"],
                ),
                "aws_rds_cluster_instance" => plan.referenced(
                    r,
                    text(r, "cluster_identifier"),
                    &["cluster_identifier", "id"],
                    "cluster_identifier",
                    &["aws_rds_cluster"],
                ),
                _ => None,
            })
            .collect(),
        ec2: Vec::new(),
        database: None,
        cache: None,
        load_balancers: Vec::new(),
        skipped: Vec::new(),
        other: BTreeMap::new(),
    };
    for (i, r) in plan.resources.iter().enumerate() {
        match r.kind {
            "aws_instance" => reader.instance(i)?,
            "aws_autoscaling_group" => reader.autoscaling_group(i)?,
            "aws_db_instance" => reader.db_instance(r)?,
            "aws_rds_cluster" => reader.rds_cluster(i)?,
            "aws_elasticache_cluster" => reader.cache(r, false)?,
            "aws_elasticache_replication_group" => reader.cache(r, true)?,
            "aws_lb" | "aws_alb" => match text(r, "load_balancer_type").unwrap_or("application") {
                kind @ ("application" | "network") => reader
                    .load_balancers
                    .push((format!("{} ({kind})", r.address), kind == "network")),
                _ => reader.count_other(r.kind),
            },
            kind if REFERRED.contains(&kind) => {}
            kind => reader.count_other(kind),
        }
    }
    reader.finish()
}

/// A text attribute, trimmed; `None` when absent, null or empty.
pub(super) fn text<'a>(r: &Resource<'a>, key: &str) -> Option<&'a str> {
    r.values.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// `at`'s whole number from `min` to `MOST`; `None` when absent or null.
pub(super) fn whole(
    file: &str,
    at: &str,
    value: Option<&Value>,
    min: u64,
) -> Result<Option<u32>, ImportError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u64))
            .filter(|n| (min..=MOST).contains(n))
            .map(|n| Some(n as u32))
            .ok_or_else(|| {
                format!(
                    "{file}: {at}: expected a whole number from {min} to {MOST}, found {}",
                    shown(v)
                )
            }),
    }
}

/// The nested value at `path` (`a.0.b`) of a resource's attributes.
pub(super) fn nested<'a>(r: &Resource<'a>, path: &str) -> Option<&'a Value> {
    let mut steps = path.split('.');
    let mut node = r.values.get(steps.next()?)?;
    for step in steps {
        node = match step.parse::<usize>() {
            Ok(i) => node.get(i)?,
            Err(_) => node.get(step)?,
        };
    }
    let empty = node.is_null()
        || node.as_array().is_some_and(Vec::is_empty)
        || node.as_str().is_some_and(|s| s.trim().is_empty());
    (!empty).then_some(node)
}

/// `from ADDRESS`, with whether the plan creates it or changes `attr`.
pub(super) fn origin(r: &Resource<'_>, attr: &str) -> String {
    let mut said = format!("from {}", r.address);
    if r.created {
        said.push_str(", created by this plan (priced as running)");
    }
    if let Some(before) = r.before.and_then(|b| b.get(attr)).and_then(Value::as_str)
        && Some(before) != text(r, attr)
    {
        said.push_str(&format!("; this plan changes {attr} from {before}"));
    }
    said
}

impl<'p, 'a> Reader<'p, 'a> {
    fn count_other(&mut self, kind: &str) {
        *self.other.entry(kind.to_string()).or_default() += 1;
    }

    pub(super) fn at(&self, r: &Resource<'_>, key: &str) -> String {
        format!("{}.{key} ({})", r.at, r.address)
    }

    pub(super) fn number(
        &self,
        r: &Resource<'_>,
        key: &str,
        min: u64,
    ) -> Result<Option<u32>, ImportError> {
        whole(self.file, &self.at(r, key), r.values.get(key), min)
    }

    fn finish(mut self) -> Result<ImportResult, ImportError> {
        let plan = self.plan;
        for (r, used) in plan.resources.iter().zip(&self.used) {
            if REFERRED.contains(&r.kind) && !used {
                *self.other.entry(r.kind.to_string()).or_default() += 1;
            }
        }
        let rule = self.catalog.offering(EC2).and_then(|(_, o)| o.load_balancer.clone());
        let from = rule.as_ref().map_or(2, |r| r.min_instances.unwrap_or(2));
        let lbs: Vec<&str> = self.load_balancers.iter().map(|(a, _)| a.as_str()).collect();
        let total = self.ec2.len();
        let mut components = Vec::new();
        let mut with_lb = 0;
        let groups = std::mem::take(&mut self.ec2);
        let mut blocks: std::collections::HashMap<(&[String], &str), usize> =
            std::collections::HashMap::new();
        for g in &groups {
            *blocks.entry((&g.module, &g.leaf)).or_default() += 1;
        }
        for g in &groups {
            // One resource block of several instance types (a type per
            // count index) is one component per type.
            let shared = blocks.get(&(g.module.as_slice(), g.leaf.as_str())).copied().unwrap_or(1);
            let mut parts = g.module.clone();
            parts.push(if shared > 1 { format!("{}-{}", g.leaf, g.tier) } else { g.leaf.clone() });
            let name = if total == 1 { "web".to_string() } else { parts.join(".") };
            let mut c = Imported::new(&name, "web", EC2, &g.tier, 0).read_at(g.tier_at.clone());
            c.count = g.count;
            instance_notes(g, &mut c);
            let most = match g.count {
                Count::Fixed(n) => n,
                Count::Autoscaled { max, .. } => max,
            };
            if let Some(rule) = &rule
                && most >= from
            {
                with_lb += 1;
                c.notes.push(format!(
                    "a load balancer is priced by the catalog's {EC2} rule ({} hours and {} capacity units from {from} instances on), not read from the plan; {}",
                    rule.tier,
                    rule.capacity_unit,
                    if lbs.is_empty() { "the plan has no aws_lb".to_string() } else { format!("the plan has {}", lbs.join(", ")) }
                ));
                for (lb, _) in self.load_balancers.iter().filter(|(_, network)| *network) {
                    c.notes.push(format!(
                        "{lb} is a network load balancer: priced as the rule's {}",
                        rule.tier
                    ));
                }
            } else if !lbs.is_empty() {
                c.notes.push(format!("{most} instance(s): no load balancer is priced (the {EC2} rule starts at {from})"));
            }
            components.push(c);
        }
        for (k, (lb, _)) in self.load_balancers.iter().enumerate() {
            if k >= with_lb {
                self.skipped.push(format!(
                    "{lb}: not priced ({})",
                    if total == 0 {
                        "no EC2 web component in the plan to put it in front of".to_string()
                    } else if with_lb == 0 {
                        format!("the catalog prices a load balancer in front of {from} or more EC2 instances")
                    } else {
                        "one load balancer per web component is priced".to_string()
                    }
                ));
            }
        }
        components.extend(self.database.take());
        components.extend(self.cache.take());
        unique_names(&mut components);
        let regions: Vec<String> =
            plan.regions().into_iter().filter(|r| r != "us-east-1").collect();
        if let Some(first) = components.first_mut()
            && !regions.is_empty()
        {
            first.notes.push(format!(
                "the plan's AWS region is {}; the catalog prices us-east-1 (every component)",
                regions.join(", ")
            ));
        }
        for (kind, n) in &self.other {
            self.skipped.push(format!("{kind} × {n} (not modelled)"));
        }
        if components.is_empty() {
            return Err(format!(
                "{}: no resource capplan prices (aws_instance, aws_autoscaling_group, aws_db_instance with engine postgres, aws_rds_cluster for Aurora PostgreSQL Serverless v2, aws_elasticache_cluster or _replication_group for Redis OSS or Valkey){}",
                self.file,
                if self.skipped.is_empty() {
                    ": the plan has no resources".to_string()
                } else {
                    format!("; found {}", self.skipped.join(", "))
                }
            ));
        }
        Ok(ImportResult { components, skipped: self.skipped })
    }
}

/// Where a group's instances come from (at most six resources named), how
/// many the plan creates, and the EBS volumes priced as each instance's
/// root volume.
fn instance_notes(g: &Ec2, c: &mut Imported) {
    if !g.sources.is_empty() {
        let n: u32 = g.sources.iter().map(|(_, n)| n).sum();
        let mut listed: Vec<String> = g
            .sources
            .iter()
            .take(6)
            .map(|(a, k)| if *k > 1 { format!("{a} ({k})") } else { a.clone() })
            .collect();
        if g.sources.len() > 6 {
            listed.push(format!("and {} more", g.sources.len() - 6));
        }
        let created = match g.created {
            0 => String::new(),
            k if k == n && n == 1 => ", created by this plan (priced as running)".into(),
            k => format!("; {k} of them created by this plan (priced as running)"),
        };
        c.notes.push(format!("{n} × {} from {}{created}", g.tier, listed.join(", ")));
    }
    c.notes.extend(g.notes.iter().cloned());
    let instances: u32 = g.sources.iter().map(|(_, n)| n).sum();
    if g.ebs_gb > 0.0 && instances > 0 {
        // The catalog prices each instance's root volume (gp3): the
        // plan's volumes, root and attached, per instance.
        let per_instance = g.ebs_gb / instances as f64;
        c.fields.push(("root_volume_gb", crate::input::units::trim_float(per_instance, 1)));
        c.notes.push(format!(
            "{} GB of EBS volumes on its instances (root_block_device, ebs_block_device): {} GB per instance, priced as gp3",
            g.ebs_gb,
            crate::input::units::trim_float(per_instance, 1)
        ));
    }
}

/// Names stay unique: a compute resource may be called `database`.
fn unique_names(components: &mut [Imported]) {
    let mut taken = std::collections::HashSet::new();
    for c in components.iter_mut() {
        let base = c.name.clone();
        let mut n = 1;
        while !taken.insert(c.name.clone()) {
            n += 1;
            c.name = format!("{base}-{n}");
        }
    }
}

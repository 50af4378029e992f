//! Datastores from a plan: RDS for PostgreSQL (`aws_db_instance`), Aurora
//! PostgreSQL Serverless v2 (`aws_rds_cluster` with its
//! `aws_rds_cluster_instance`s) and ElastiCache Redis OSS / Valkey nodes
//! (`aws_elasticache_cluster`, `aws_elasticache_replication_group`).

use super::aws::{Reader, nested, origin, text, whole};
use super::{Resource, shown};
use crate::import::{Count, ImportError, Imported, known_tier};
use serde_json::Value;

const AURORA: &str = "aws/aurora-postgres-serverless-v2";

impl Reader<'_, '_> {
    pub(super) fn db_instance(&mut self, r: &Resource<'_>) -> Result<(), ImportError> {
        let engine = text(r, "engine").unwrap_or("").to_lowercase();
        let class = text(r, "instance_class");
        if let Some(source) = text(r, "replicate_source_db") {
            self.skipped.push(format!("{} (a read replica of {source}: not priced; give the database read_replicas to plan replicas)", r.address));
            return Ok(());
        }
        if engine != "postgres" {
            self.skipped.push(format!(
                "{} ({}{}): the catalog prices RDS for PostgreSQL only; unpriced",
                r.address,
                if engine.is_empty() { "no engine" } else { &engine },
                class.map_or(String::new(), |c| format!(" {c}"))
            ));
            return Ok(());
        }
        let class = class.ok_or_else(|| {
            format!(
                "{}: {}: expected a DB instance class such as \"db.t4g.medium\", found nothing",
                self.file,
                self.at(r, "instance_class")
            )
        })?;
        let multi_az = r.values.get("multi_az").and_then(Value::as_bool) == Some(true);
        let offering = if multi_az { "aws/rds-postgres-multi-az" } else { "aws/rds-postgres" };
        if self.database.is_some() {
            self.skipped.push(format!("{} (postgres {class}): a second database; capplan plans one per scenario: not priced", r.address));
            return Ok(());
        }
        let mut db = Imported::new("database", "database", offering, class, 1).read_at(format!(
            "{}: {}",
            self.file,
            self.at(r, "instance_class")
        ));
        db.notes.push(origin(r, "instance_class"));
        if multi_az {
            db.fields.push(("high_availability", "true".into()));
            db.notes.push(format!("multi_az: a standby in a second zone, in the price of {offering} (2 × Single-AZ) and of its storage"));
        }
        let storage = self.catalog.offering(offering).and_then(|(_, o)| o.storage.as_ref());
        match r.values.get("allocated_storage").and_then(Value::as_f64) {
            Some(gb) if gb.is_finite() && gb > 0.0 => {
                let least = storage.and_then(|s| s.min_gb).unwrap_or(0.0);
                if gb < least {
                    db.notes.push(format!("allocated_storage {gb} GB is below the {least} GB the catalog sells (gp2/gp3): priced at {least} GB"));
                }
                db.storage_gb = Some(gb.max(least));
            }
            None => db.notes.push(
                "no allocated_storage in the plan: storage is sized from the workload".into(),
            ),
            Some(_) => {
                return Err(format!(
                    "{}: {}: expected a size in GB above 0, found {}",
                    self.file,
                    self.at(r, "allocated_storage"),
                    r.values.get("allocated_storage").map_or("nothing".into(), shown)
                ));
            }
        }
        if let Some(kind @ ("io1" | "io2" | "standard")) = text(r, "storage_type") {
            db.notes.push(format!(
                "storage_type {kind} priced at the catalog's gp2/gp3 rate ({}){}",
                storage.map_or("none", |s| s.price.as_str()),
                match self.number(r, "iops", 0)? {
                    Some(iops) if kind != "standard" =>
                        format!("; its {iops} provisioned IOPS are not priced"),
                    _ => String::new(),
                }
            ));
        }
        if let (Some(most), Some(gb)) = (self.number(r, "max_allocated_storage", 0)?, db.storage_gb)
            && f64::from(most) > gb
        {
            db.notes.push(format!("storage autoscaling up to {most} GB (max_allocated_storage): storage_gb is today's allocation"));
        }
        self.database = Some(db);
        Ok(())
    }

    /// Aurora PostgreSQL with Serverless v2 scaling, with its instances;
    /// other Aurora clusters are not in the catalog.
    pub(super) fn rds_cluster(&mut self, i: usize) -> Result<(), ImportError> {
        let plan = self.plan;
        let r = &plan.resources[i];
        let instances: Vec<usize> = (0..plan.resources.len())
            .filter(|&j| {
                let m = &plan.resources[j];
                m.kind == "aws_rds_cluster_instance"
                    && !self.used[j]
                    && self.points_at[j] == Some(i)
            })
            .collect();
        let (serverless, provisioned): (Vec<usize>, Vec<usize>) = instances
            .iter()
            .partition(|&&j| text(&plan.resources[j], "instance_class") == Some("db.serverless"));
        for &j in &instances {
            self.used[j] = true;
        }
        let engine = text(r, "engine").unwrap_or("aurora").to_lowercase();
        let mode = text(r, "engine_mode").unwrap_or("provisioned");
        let scaling = nested(r, "serverlessv2_scaling_configuration.0");
        if engine != "aurora-postgresql" || mode != "provisioned" || scaling.is_none() {
            self.skipped.push(format!(
                "{} ({engine}, engine_mode {mode}{}, {} instance(s)): the catalog prices Aurora PostgreSQL Serverless v2 only; unpriced",
                r.address,
                if scaling.is_none() { ", no serverlessv2_scaling_configuration" } else { "" },
                instances.len()
            ));
            return Ok(());
        }
        for &j in &provisioned {
            let m = &plan.resources[j];
            self.skipped.push(format!(
                "{} ({}): a provisioned Aurora instance; the catalog prices Serverless v2 only; unpriced",
                m.address,
                text(m, "instance_class").unwrap_or("no instance_class")
            ));
        }
        known_tier(self.catalog, self.file, &self.at(r, "engine"), AURORA, "standard")?;
        if self.database.is_some() {
            self.skipped.push(format!("{} (Aurora PostgreSQL): a second database; capplan plans one per scenario: not priced", r.address));
            return Ok(());
        }
        let mut db = Imported::new("database", "database", AURORA, "standard", 1);
        db.notes.push(origin(r, "engine"));
        db.fields.push(("accept_unverified_limits", "[max_storage, ops, connections]".into()));
        db.notes.push("Aurora publishes no operations or connections per ACU and no storage maximum: accepted (accept_unverified_limits) so that the mix is priced; its limits rest on them".into());
        let units = self.catalog.offering(AURORA).and_then(|(_, o)| o.capacity_units.as_ref());
        let acu = |key: &str| scaling.and_then(|s| s.get(key)).and_then(Value::as_f64);
        if let (Some(units), Some(low), Some(high)) =
            (units, acu("min_capacity"), acu("max_capacity"))
            && (low != units.min || high != units.max)
        {
            db.notes.push(format!(
                "serverlessv2_scaling_configuration {low}–{high} ACU: the catalog prices the ACUs the load needs, from {} to {}{}",
                units.min,
                units.max,
                if low > units.min {
                    format!("; the plan's floor of {low} ACU is not priced where the load needs less")
                } else {
                    String::new()
                }
            ));
        }
        match serverless.len() {
            0 => db.notes.push("no db.serverless aws_rds_cluster_instance of it in the plan: priced as one".into()),
            1 => {}
            n => self.skipped.push(format!(
                "{} further db.serverless instance(s) of {} (each bills its own ACU-hours; the scenario prices one)",
                n - 1,
                r.address
            )),
        }
        self.database = Some(db);
        Ok(())
    }

    pub(super) fn cache(&mut self, r: &Resource<'_>, group: bool) -> Result<(), ImportError> {
        if !group && let Some(owner) = text(r, "replication_group_id") {
            self.skipped.push(format!(
                "{} (a node of replication group {owner}: counted with it)",
                r.address
            ));
            return Ok(());
        }
        let engine = text(r, "engine").unwrap_or(if group { "redis" } else { "" }).to_lowercase();
        let offering = match engine.as_str() {
            "redis" => "aws/elasticache-redis",
            "valkey" => "aws/elasticache-valkey",
            other => {
                self.skipped.push(format!(
                    "{} ({}): the catalog prices ElastiCache nodes for Redis OSS and Valkey only; unpriced",
                    r.address,
                    if other.is_empty() { "no engine" } else { other }
                ));
                return Ok(());
            }
        };
        let node = text(r, "node_type").ok_or_else(|| {
            format!(
                "{}: {}: expected a node type such as \"cache.t4g.micro\", found nothing",
                self.file,
                self.at(r, "node_type")
            )
        })?;
        let (nodes, shape) = if group {
            self.group_nodes(r)?
        } else {
            (self.number(r, "num_cache_nodes", 1)?.unwrap_or(1), String::new())
        };
        if self.cache.is_some() {
            self.skipped.push(format!(
                "{} ({nodes} × {node}): a second cache; capplan plans one per scenario: not priced",
                r.address
            ));
            return Ok(());
        }
        let mut cache = Imported::new("cache", "cache", offering, node, 1).read_at(format!(
            "{}: {}",
            self.file,
            self.at(r, "node_type")
        ));
        cache.notes.push(origin(r, "node_type"));
        let standby = self
            .catalog
            .offering(offering)
            .and_then(|(_, o)| o.high_availability.as_ref())
            .map_or(0, |ha| ha.standby_nodes);
        let priced = if nodes > 1 && standby > 0 {
            cache.fields.push(("high_availability", "true".into()));
            cache.count = Count::Fixed(1 + standby);
            cache.notes.push(format!(
                "{nodes} nodes{shape}: priced as a primary and {standby} replica (high_availability: {offering} adds {standby} standby node at the node price)"
            ));
            1 + standby
        } else {
            1
        };
        if nodes > priced {
            self.skipped.push(format!(
                "{} further node(s) of {node} in {} ({nodes} nodes{shape}; the scenario prices {priced})",
                nodes - priced,
                r.address
            ));
        }
        self.cache = Some(cache);
        Ok(())
    }

    /// A replication group's nodes: `num_cache_clusters`, else cluster
    /// mode's `num_node_groups` × (1 + `replicas_per_node_group`), also in
    /// the older `cluster_mode` block; with how they are laid out.
    fn group_nodes(&self, r: &Resource<'_>) -> Result<(u32, String), ImportError> {
        for key in ["num_cache_clusters", "number_cache_clusters"] {
            if let Some(n) = self.number(r, key, 1)? {
                return Ok((n, String::new()));
            }
        }
        let mut shards = self.number(r, "num_node_groups", 1)?;
        let mut replicas = self.number(r, "replicas_per_node_group", 0)?;
        let mode = "cluster_mode.0";
        if shards.is_none() && nested(r, mode).is_some() {
            let at = |k: &str| format!("{}.cluster_mode[0].{k} ({})", r.at, r.address);
            shards = whole(
                self.file,
                &at("num_node_groups"),
                nested(r, &format!("{mode}.num_node_groups")),
                1,
            )?;
            replicas = whole(
                self.file,
                &at("replicas_per_node_group"),
                nested(r, &format!("{mode}.replicas_per_node_group")),
                0,
            )?;
        }
        Ok(match shards {
            Some(s) => {
                let per = 1 + replicas.unwrap_or(0);
                (
                    s.saturating_mul(per),
                    format!(
                        ", cluster mode: {s} shard(s) × {per} node(s) (shards are not modelled)"
                    ),
                )
            }
            None => (1, ", no num_cache_clusters or num_node_groups in the plan: assumed 1".into()),
        })
    }
}

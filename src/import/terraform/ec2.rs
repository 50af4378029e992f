//! EC2 from a plan: `aws_instance`s grouped by type and module, and
//! `aws_autoscaling_group`s with the instance type of the launch template
//! or configuration they name (and the CPU target of their target-tracking
//! policy), all web components on `aws/ec2`.

use super::aws::{Ec2, Reader, nested, origin, text};
use super::shown;
use crate::import::{Count, ImportError};
use serde_json::Value;

impl Reader<'_, '_> {
    pub(super) fn instance(&mut self, i: usize) -> Result<(), ImportError> {
        let plan = self.plan;
        let r = &plan.resources[i];
        let mut notes = Vec::new();
        let (tier, at) = match text(r, "instance_type") {
            Some(t) => (t.to_string(), self.at(r, "instance_type")),
            None => self.launched_type(i, &mut notes)?.ok_or_else(|| {
                format!(
                    "{}: {}: expected an instance type such as \"t3.small\" (or a launch_template that gives one), found {}",
                    self.file,
                    self.at(r, "instance_type"),
                    r.values.get("instance_type").map_or("nothing (known only after apply?)".into(), shown)
                )
            })?,
        };
        if let Some(before) = r.before.and_then(|b| b.get("instance_type")).and_then(Value::as_str)
            && before != tier
        {
            notes.push(format!("{}: this plan changes instance_type from {before}", r.address));
        }
        let ebs_gb: f64 = ["root_block_device", "ebs_block_device"]
            .iter()
            .filter_map(|k| r.values.get(*k).and_then(Value::as_array))
            .flatten()
            .filter_map(|d| d.get("volume_size").and_then(Value::as_f64))
            .filter(|gb| gb.is_finite() && *gb > 0.0)
            .sum();
        let base = match r.address.rfind('[') {
            Some(cut) if r.address.ends_with(']') => &r.address[..cut],
            _ => r.address.as_str(),
        };
        let group = match self
            .ec2
            .iter()
            .position(|g| g.module == r.module && g.tier == tier && !g.sources.is_empty())
        {
            Some(g) => &mut self.ec2[g],
            None => {
                let g = self.ec2.len();
                self.ec2.push(Ec2 {
                    module: r.module.clone(),
                    leaf: r.name.to_string(),
                    tier: tier.clone(),
                    count: Count::Fixed(0),
                    sources: Vec::new(),
                    created: 0,
                    ebs_gb: 0.0,
                    notes: Vec::new(),
                    tier_at: format!("{}: {at}", self.file),
                });
                &mut self.ec2[g]
            }
        };
        if let Count::Fixed(n) = &mut group.count {
            *n += 1;
        }
        match group.sources.iter_mut().find(|(a, _)| a == base) {
            Some((_, n)) => *n += 1,
            None => group.sources.push((base.to_string(), 1)),
        }
        if group.leaf != r.name {
            group.leaf = format!("ec2-{tier}");
        }
        group.created += u32::from(r.created);
        group.ebs_gb += ebs_gb;
        group.notes.extend(notes);
        Ok(())
    }

    /// The instance type the launch template or configuration `r` names
    /// gives (its `mixed_instances_policy`'s first override first), with
    /// where it is in the file; `None` when `r` names none.
    fn launched_type(
        &mut self,
        i: usize,
        notes: &mut Vec<String>,
    ) -> Result<Option<(String, String)>, ImportError> {
        let plan = self.plan;
        let r = &plan.resources[i];
        let given = |key: &str| nested(r, key).is_some() || plan.configures(r, key);
        let (field, value, paths, kinds): (&str, Option<&str>, [&str; 2], &[&str]) = if given(
            "mixed_instances_policy",
        ) {
            let spec = "mixed_instances_policy.0.launch_template.0";
            let overrides = nested(r, &format!("{spec}.override")).and_then(Value::as_array);
            let first =
                overrides.into_iter().flatten().enumerate().find_map(|(k, o)| {
                    o.get("instance_type").and_then(Value::as_str).map(|t| (k, t))
                });
            if let Some((k, t)) = first {
                let all: Vec<&str> = overrides
                    .into_iter()
                    .flatten()
                    .filter_map(|o| o.get("instance_type").and_then(Value::as_str))
                    .collect();
                if all.len() > 1 {
                    notes.push(format!("mixed_instances_policy overrides {}: priced as the first, {t} (the highest priority under AWS's default prioritized allocation)", all.join(", ")));
                }
                let at = format!(
                    "{}.mixed_instances_policy[0].launch_template[0].override[{k}].instance_type ({})",
                    r.at, r.address
                );
                return Ok(Some((t.to_string(), at)));
            }
            let id =
                nested(r, &format!("{spec}.launch_template_specification.0.launch_template_id"));
            let name =
                nested(r, &format!("{spec}.launch_template_specification.0.launch_template_name"));
            (
                "mixed_instances_policy",
                id.or(name).and_then(Value::as_str),
                [
                    "mixed_instances_policy.0.launch_template.0.launch_template_specification.0.launch_template_id",
                    "mixed_instances_policy.0.launch_template.0.launch_template_specification.0.launch_template_name",
                ],
                &["aws_launch_template"],
            )
        } else if given("launch_template") {
            let id = nested(r, "launch_template.0.id");
            let name = nested(r, "launch_template.0.name");
            (
                "launch_template",
                id.or(name).and_then(Value::as_str),
                ["launch_template.0.id", "launch_template.0.name"],
                &["aws_launch_template"],
            )
        } else if given("launch_configuration") {
            (
                "launch_configuration",
                text(r, "launch_configuration"),
                ["launch_configuration", "launch_configuration"],
                &["aws_launch_configuration"],
            )
        } else {
            return Ok(None);
        };
        let found =
            paths.iter().find_map(|path| plan.referenced(r, value, &["id", "name"], path, kinds));
        let Some(t) = found else {
            return Err(format!(
                "{}: {}: the instance type could not be resolved: expected the {} it names in the plan (by its id or name, or by a reference in the configuration section), found {}",
                self.file,
                self.at(r, field),
                kinds[0],
                match value {
                    Some(v) => format!("'{v}', which no {} in the plan has", kinds[0]),
                    None if plan.configuration.is_none() => "a value known only after apply, and the plan has no configuration section".into(),
                    None => "a value known only after apply, and no reference the configuration section resolves".into(),
                }
            ));
        };
        self.used[t] = true;
        let source = &plan.resources[t];
        let tier = text(source, "instance_type").ok_or_else(|| {
            format!(
                "{}: {}: expected the instance type {} launches, found {}",
                self.file,
                self.at(source, "instance_type"),
                r.address,
                source.values.get("instance_type").map_or("nothing".into(), shown)
            )
        })?;
        notes.push(format!("instance type from {}", source.address));
        Ok(Some((tier.to_string(), self.at(source, "instance_type"))))
    }

    pub(super) fn autoscaling_group(&mut self, i: usize) -> Result<(), ImportError> {
        let plan = self.plan;
        let r = &plan.resources[i];
        let required = |key: &str| -> Result<u32, ImportError> {
            self.number(r, key, 0)?.ok_or_else(|| {
                format!(
                    "{}: {}: expected a whole number, found nothing (known only after apply?)",
                    self.file,
                    self.at(r, key)
                )
            })
        };
        let (min, max) = (required("min_size")?, required("max_size")?);
        let desired = self.number(r, "desired_capacity", 0)?;
        if max < min {
            return Err(format!(
                "{}: {}: expected at least min_size ({min}), found {max}",
                self.file,
                self.at(r, "max_size")
            ));
        }
        if max == 0 {
            self.skipped.push(format!("{} (max_size 0: not running)", r.address));
            return Ok(());
        }
        let mut notes = vec![origin(r, "max_size")];
        let (tier, at) = self.launched_type(i, &mut notes)?.ok_or_else(|| {
            format!(
                "{}: {}: the instance type could not be resolved: expected launch_template, launch_configuration or mixed_instances_policy, found none",
                self.file,
                self.at(r, "launch_template")
            )
        })?;
        let target_cpu = self.scaling_policies(i, &mut notes)?;
        let count = if min == max {
            notes.push(format!("min_size = max_size = {min}: a fixed count"));
            Count::Fixed(min)
        } else {
            if min == 0 {
                notes
                    .push("min_size 0: priced from 1 instance (capplan plans at least one)".into());
            }
            notes.push(match desired {
                Some(d) => format!("desired_capacity {d} in the plan: what it starts with; the autoscaler moves between min_size and max_size"),
                None => "no desired_capacity: AWS starts at min_size".into(),
            });
            Count::Autoscaled { min: min.max(1), max, target_cpu }
        };
        let index = r.address.rfind('[').filter(|_| r.address.ends_with(']'));
        let leaf = match index {
            Some(cut) => {
                format!("{}-{}", r.name, r.address[cut + 1..r.address.len() - 1].trim_matches('"'))
            }
            None => r.name.to_string(),
        };
        self.ec2.push(Ec2 {
            module: r.module.clone(),
            leaf,
            tier,
            count,
            sources: Vec::new(),
            created: 0,
            ebs_gb: 0.0,
            notes,
            tier_at: format!("{}: {at}", self.file),
        });
        Ok(())
    }

    /// The CPU target of the target-tracking policy on autoscaling group
    /// `asg`; other policies are said not to be modelled.
    fn scaling_policies(
        &mut self,
        asg: usize,
        notes: &mut Vec<String>,
    ) -> Result<Option<f64>, ImportError> {
        let plan = self.plan;
        let mut target = None;
        for (p, policy) in plan.resources.iter().enumerate() {
            if policy.kind != "aws_autoscaling_policy" || self.used[p] {
                continue;
            }
            if self.points_at[p] != Some(asg) {
                continue;
            }
            self.used[p] = true;
            let kind = text(policy, "policy_type").unwrap_or("SimpleScaling");
            let metric = nested(policy, "target_tracking_configuration.0.predefined_metric_specification.0.predefined_metric_type")
                .and_then(Value::as_str);
            if kind == "TargetTrackingScaling" && metric == Some("ASGAverageCPUUtilization") {
                let value = nested(policy, "target_tracking_configuration.0.target_value");
                let percent = value.and_then(Value::as_f64).filter(|p| *p > 0.0 && *p < 100.0).ok_or_else(|| {
                    format!(
                        "{}: {}.target_tracking_configuration[0].target_value ({}): expected a CPU percentage above 0 and below 100, found {}",
                        self.file, policy.at, policy.address, value.map_or("nothing".into(), shown)
                    )
                })?;
                notes.push(format!("CPU target {percent}% from {}", policy.address));
                target = Some(percent / 100.0);
            } else {
                notes.push(format!(
                    "{} ({kind}{}) is not modelled: the autoscaler is sized on CPU",
                    policy.address,
                    metric.map_or(String::new(), |m| format!(", {m}"))
                ));
            }
        }
        Ok(target)
    }
}

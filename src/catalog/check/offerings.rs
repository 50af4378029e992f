//! The checks of one offering's pricing rules, one tier and one usage
//! price (capacity, quotas, credits, prices and their steps). build.rs
//! includes this file by #[path] with check.rs.

use super::*;
use crate::catalog::{Offering, Tier, UsagePrice};

impl Checker<'_> {
    /// An offering's pricing rules: the usage ids and tiers they name,
    /// their shares and sizes, its purchase options.
    pub(super) fn offering_rules(
        &mut self,
        p: &Provider,
        o: &Offering,
        opath: &[Step],
        offering_source: Option<&str>,
    ) {
        let mut refs: Vec<(Vec<&str>, &str)> = Vec::new();
        if let Some(pricing) = &o.serverless {
            refs.push((vec!["serverless", "requests"], &pricing.requests));
            refs.push((vec!["serverless", "duration"], &pricing.duration));
        }
        if let Some(storage) = &o.storage {
            refs.push((vec!["storage", "price"], &storage.price));
            for (name, value) in [("min_gb", storage.min_gb), ("max_gb", storage.max_gb)] {
                let mut spath = opath.to_vec();
                spath.push(key("storage"));
                self.positive(&spath, name, value, false);
            }
        }
        if let Some(share) = o.high_availability.as_ref().and_then(|h| h.usable_memory)
            && !(share > 0.0 && share <= 1.0)
        {
            let mut hpath = opath.to_vec();
            hpath.extend([key("high_availability"), key("usable_memory")]);
            self.error(
                &hpath,
                format!("expected a share of memory above 0 and at most 1, found {share}"),
            );
        }
        if let Some(units) = &o.capacity_units {
            refs.push((vec!["capacity_units", "price"], &units.price));
            let mut upath = opath.to_vec();
            upath.push(key("capacity_units"));
            for (name, value) in [
                ("min", Some(units.min)),
                ("max", Some(units.max)),
                ("step", Some(units.step)),
                ("memory_mb_per_unit", Some(units.memory_mb_per_unit)),
                ("vcpu_per_unit", units.vcpu_per_unit),
            ] {
                self.positive(&upath, name, value, false);
            }
            if units.max < units.min {
                let mut path = upath.clone();
                path.push(key("max"));
                self.error(
                    &path,
                    format!("expected max at least min ({}), found {}", units.min, units.max),
                );
            }
        }
        if let Some(backup) = &o.backup {
            if let Some(id) = &backup.price {
                refs.push((vec!["backup", "price"], id));
            }
            let mut bpath = opath.to_vec();
            bpath.push(key("backup"));
            self.positive(&bpath, "free_share_of_storage", backup.free_share_of_storage, true);
        }
        if let Some(rule) = &o.usage_compute {
            let mut timed: Vec<(Vec<&str>, &str)> = Vec::new();
            if let Some(cpu) = &rule.cpu {
                timed.push((vec!["usage_compute", "cpu", "price"], &cpu.price));
            }
            if let Some(memory) = &rule.memory {
                timed.push((vec!["usage_compute", "memory", "price"], &memory.price));
            }
            if let Some(idle) = &rule.idle {
                timed.extend(
                    idle.cpu.iter().map(|id| (vec!["usage_compute", "idle", "cpu"], id.as_str())),
                );
                timed.extend(
                    idle.memory
                        .iter()
                        .map(|id| (vec!["usage_compute", "idle", "memory"], id.as_str())),
                );
            }
            self.time_units(p, opath, &timed);
            refs.extend(timed);
            if let Some(id) = &rule.requests {
                refs.push((vec!["usage_compute", "requests"], id));
            }
            if let Some(id) = &rule.edge_requests {
                refs.push((vec!["usage_compute", "edge_requests"], id));
            }
        }
        if let Some(id) = &o.cpu_surplus {
            refs.push((vec!["cpu_surplus"], id));
        }
        if let Some(id) = &o.egress {
            refs.push((vec!["egress"], id));
        }
        if let Some(id) = &o.public_ipv4 {
            refs.push((vec!["public_ipv4"], id));
        }
        if let Some(id) = &o.origin_transfer {
            refs.push((vec!["origin_transfer"], id));
        }
        if let Some(volume) = &o.root_volume {
            refs.push((vec!["root_volume", "price"], &volume.price));
        }
        if let Some(nat) = &o.nat_gateway {
            refs.push((vec!["nat_gateway", "hours"], &nat.hours));
            refs.push((vec!["nat_gateway", "processed"], &nat.processed));
        }
        if let Some(lb) = &o.load_balancer {
            refs.push((vec!["load_balancer", "capacity_unit"], &lb.capacity_unit));
            self.tier_ref(p, opath, &["load_balancer", "tier"], &lb.tier);
        }
        for fee in &o.requires {
            self.tier_ref(p, opath, &["requires", "tier"], &fee.tier);
        }
        self.retired_tiers(o, opath);
        for (fields, id) in refs {
            self.usage_ref(p, opath, &fields, id);
        }
        for (option, price) in &o.purchase_options {
            let mut ppath = opath.to_vec();
            ppath.extend([key("purchase_options"), key(option.as_str())]);
            self.option_price(&ppath, price, offering_source);
        }
    }

    /// A retired plan name is not also a live tier's id, and its successor
    /// is a tier of the same offering (import prices the one as the other).
    fn retired_tiers(&mut self, o: &Offering, opath: &[Step]) {
        for retired in &o.retired_tiers {
            let mut rpath = opath.to_vec();
            rpath.extend([key("retired_tiers"), Step::Id(retired.id.clone())]);
            if o.tiers.iter().any(|t| t.id == retired.id) {
                self.error(
                    &rpath,
                    format!("'{}' is also a tier of this offering: a plan name is either sold or retired", retired.id),
                );
            }
            if !o.tiers.iter().any(|t| t.id == retired.successor) {
                rpath.push(key("successor"));
                self.error(
                    &rpath,
                    format!(
                        "expected a tier of this offering ({}), found '{}'",
                        o.tiers.iter().map(|t| t.id.as_str()).collect::<Vec<_>>().join(", "),
                        retired.successor
                    ),
                );
            }
        }
    }

    /// One tier: its provenance, capacity (sizes, baseline, burst,
    /// estimates), quotas, credit, price and price steps.
    pub(super) fn tier(
        &mut self,
        p: &Provider,
        tpath: &[Step],
        t: &Tier,
        offering_source: Option<&str>,
    ) {
        let tier_source = t.source.as_deref().or(offering_source);
        self.date(tpath, &t.as_of, tier_source);
        let c = &t.capacity;
        let cpath = self.capacity(tpath, c);
        for quota in &t.quotas {
            let mut qpath = tpath.to_vec();
            qpath.push(key("quotas"));
            self.positive(&qpath, "per_month", Some(quota.per_month), true);
            self.positive(&qpath, "minimum", quota.minimum, true);
            if let Some(id) = &quota.overage {
                self.usage_ref(p, tpath, &["quotas", "overage"], id);
            }
        }
        if let Some(credit) = &t.credit {
            let mut cpath = tpath.to_vec();
            cpath.push(key("credit"));
            self.positive(&cpath, "usd", Some(credit.usd), true);
            for offering in &credit.offerings {
                let known = |p: &Provider| p.offerings.iter().any(|o| &o.id == offering);
                if !known(p) && !self.base.is_some_and(known) {
                    let mut path = cpath.clone();
                    path.push(key("offerings"));
                    self.error(&path, format!("unknown offering '{offering}': expected an offering id of this provider"));
                }
            }
        }
        if c.max_instances == Some(0) {
            let mut full = cpath.clone();
            full.push(key("max_instances"));
            self.error(&full, "expected at least 1 instance, found 0".into());
        }
        let mut ppath = tpath.to_vec();
        ppath.push(key("price"));
        self.positive(&ppath, "monthly_usd", t.price.monthly_usd, true);
        self.positive(&ppath, "hourly_usd", t.price.hourly_usd, true);
        if t.price.monthly_usd.is_some() && t.price.hourly_usd.is_some() {
            let monthly = t.price.monthly_usd.unwrap_or(0.0);
            let derived = t.price.hourly_usd.unwrap_or(0.0) * super::super::HOURS_PER_MONTH;
            if (monthly - derived).abs() > 0.01 * monthly.max(1.0) {
                self.error(&ppath, format!("monthly_usd {monthly} disagrees with hourly_usd × 730 = {derived:.2}: give one, or both consistent"));
            }
        }
        let mut last = 0.0;
        for step in &t.price.steps {
            let mut spath = ppath.clone();
            spath.push(key("steps"));
            self.positive(&spath, "max_ops_per_sec", Some(step.max_ops_per_sec), false);
            self.positive(&spath, "monthly_usd", step.monthly_usd, true);
            self.positive(&spath, "hourly_usd", step.hourly_usd, true);
            if step.max_ops_per_sec <= last {
                self.error(&spath, "price steps must be in increasing max_ops_per_sec".into());
            }
            last = step.max_ops_per_sec;
        }
        for (option, price) in &t.price.purchase_options {
            let mut opath2 = ppath.clone();
            opath2.extend([key("purchase_options"), key(option.as_str())]);
            self.option_price(&opath2, price, tier_source);
        }
    }

    /// Usage-priced compute needs time units on the usages it names.
    fn time_units(&mut self, p: &Provider, opath: &[Step], timed: &[(Vec<&str>, &str)]) {
        for (fields, id) in timed {
            let unit = p
                .usage
                .iter()
                .chain(self.base.iter().flat_map(|b| b.usage.iter()))
                .find(|u| u.id == *id)
                .map(|u| u.unit.as_str());
            if let Some(unit) = unit
                && super::super::seconds_per_unit(unit).is_none()
            {
                let mut path = opath.to_vec();
                path.extend(fields.iter().map(|f| key(f)));
                self.error(&path, format!("usage '{id}' has unit '{unit}': usage-priced compute needs a time unit (vCPU-second, GB-hour, vCPU-month…)"));
            }
        }
    }

    /// A tier's capacity: sizes, baseline, burst balance and what is
    /// estimated; the capacity's path, for the checks that follow.
    fn capacity(&mut self, tpath: &[Step], c: &Capacity) -> Vec<Step> {
        let mut cpath = tpath.to_vec();
        cpath.push(key("capacity"));
        for (name, value) in [
            ("vcpu", c.vcpu),
            ("memory_mb", c.memory_mb),
            ("storage_gb", c.storage_gb),
            ("max_storage_gb", c.max_storage_gb),
            ("max_connections", c.max_connections),
            ("max_ops_per_sec", c.max_ops_per_sec),
            ("bandwidth_gb_per_month", c.bandwidth_gb_per_month),
            ("free_hours_per_month", c.free_hours_per_month),
            ("credits_per_month", c.credits_per_month),
            ("max_databases", c.max_databases),
        ] {
            self.positive(&cpath, name, value, false);
        }
        if let Some(b) = c.baseline_cpu
            && !(b > 0.0 && b <= 1.0)
        {
            let mut full = cpath.clone();
            full.push(key("baseline_cpu"));
            self.error(
                &full,
                format!("expected a share of a vCPU above 0 and at most 1, found {b}"),
            );
        }
        if c.baseline_floor == Some(true) && c.baseline_cpu.is_none() {
            let mut full = cpath.clone();
            full.push(key("baseline_floor"));
            self.error(
                &full,
                "a baseline floor needs the baseline: add capacity.baseline_cpu".into(),
            );
        }
        if let Some(burst) = &c.burst {
            let mut bpath = cpath.clone();
            bpath.push(key("burst"));
            self.positive(
                &bpath,
                "max_balance_vcpu_hours",
                Some(burst.max_balance_vcpu_hours),
                true,
            );
            self.positive(&bpath, "ceiling_vcpu", burst.ceiling_vcpu, false);
            if c.baseline_cpu.is_none() {
                self.error(
                    &bpath,
                    "a burst balance needs the baseline it accrues from: add capacity.baseline_cpu"
                        .into(),
                );
            }
        }
        for (field, basis) in &c.estimates {
            let mut epath = cpath.clone();
            epath.push(key("estimates"));
            epath.push(key(field));
            if !Capacity::FIELDS.contains(&field.as_str()) {
                self.error(
                    &epath,
                    format!(
                        "expected a capacity field ({}), found '{field}'",
                        Capacity::FIELDS.join(", ")
                    ),
                );
            } else if !capacity_has(c, field) {
                self.error(
                    &epath,
                    format!("'{field}' is marked estimated but capacity gives no value for it"),
                );
            }
            if basis.trim().is_empty() {
                self.error(
                    &epath,
                    "expected the estimate's basis (its rule and source), found nothing".into(),
                );
            }
        }
        cpath
    }

    /// One usage price: unit, provenance, discounts, retirement, long
    /// context and volume tiers from 0 in increasing order.
    pub(super) fn usage(&mut self, p: &Provider, u: &UsagePrice) {
        let upath = vec![key("usage"), Step::Id(u.id.clone())];
        if u.unit.trim().is_empty() {
            self.error(&upath, "expected a unit such as GB or 1M requests, found ''".into());
        }
        self.date(&upath, &u.as_of, u.source.as_deref().or(p.source.as_deref()));
        self.positive(&upath, "free_quantity", u.free_quantity, true);
        if let Some(d) = u.batch_discount
            && !(0.0..1.0).contains(&d)
        {
            self.error(&upath, format!("expected batch_discount from 0 to below 1, found {d}"));
        }
        self.positive(&upath, "priority_usd", u.priority_usd, true);
        self.retirement(p, &upath, u);
        if let Some(long) = &u.long_context {
            let mut lpath = upath.clone();
            lpath.push(key("long_context"));
            self.positive(&lpath, "above_tokens", Some(long.above_tokens), false);
            self.positive(&lpath, "usd", long.usd, true);
        }
        if u.price_tiers.is_empty() {
            self.error(&upath, "expected at least one price tier".into());
        }
        let mut last = -1.0;
        for (i, tier) in u.price_tiers.iter().enumerate() {
            let mut tpath = upath.clone();
            tpath.push(key("price_tiers"));
            self.positive(&tpath, "usd", tier.usd, true);
            if i == 0 && tier.start != 0.0 {
                self.error(
                    &tpath,
                    format!("the first price tier must start at 0, found {}", tier.start),
                );
            }
            if tier.start <= last || !tier.start.is_finite() {
                self.error(&tpath, "price tier starts must increase".into());
            }
            last = tier.start;
        }
    }
}

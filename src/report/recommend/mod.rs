//! `capplan recommend`: the plan at one load, the stage, the capacity of
//! the chosen mix and the next upgrade, as one serializable report (the
//! JSON field names are a contract).

use crate::catalog::Catalog;
use crate::planner::{Change, DEFAULT_SWITCH_SAVING, Infeasible, Plan, Planner};
use crate::scenario::Scenario;
use serde::Serialize;

mod upgrade;

pub use upgrade::{NextUpgrade, TierSwitch, describe_upgrade};
use upgrade::{describe_switch, own_cost};

/// The report behind `capplan recommend` (its JSON contract).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RecommendReport {
    /// The scenario's name.
    pub scenario: String,
    /// The registered user count planned for, users.
    pub users: f64,
    /// The load those users put on the system.
    pub demand: DemandSummary,
    /// The ladder stage this load falls in; null when the scenario has no stages or no stage
    /// template holds the load.
    pub stage: Option<StageSummary>,
    /// The largest user count this mix serves before it must change, its
    /// tiers kept where they hold (null: to 10¹² users); `next_upgrade` is
    /// one beyond.
    pub max_users: Option<f64>,
    /// The largest user count the mix holds within every constraint at its
    /// counts (an autoscaled group at its maximum); below `max_users` only
    /// where a count that follows the load goes further.
    pub mix_max_users: Option<f64>,
    /// What fails first one beyond `max_users` (`component: constraint`); null without a limit.
    pub max_users_binding: Option<String>,
    /// The recommended mix, one row per scenario component.
    pub components: Vec<ComponentRow>,
    /// The scenario's usage-priced items (AI tokens, email, storage...) priced at this load.
    pub usage: Vec<crate::planner::UsageLine>,
    /// Environments besides production (staging, previews), each priced
    /// apart; their cost is in `monthly_usd`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<crate::planner::EnvironmentCost>,
    /// Priced components, usage and environments; see `unpriced`.
    pub monthly_usd: f64,
    /// `monthly_usd` per registered user, USD per user per month (0 at zero users).
    pub usd_per_user: f64,
    /// Components and charges the catalog does not price (`name (price)`); their cost is left out
    /// of `monthly_usd`.
    pub unpriced: Vec<String>,
    /// Web components with serverless and instance candidates: both costs
    /// and the break-even request volume.
    pub serverless: Vec<crate::report::breakeven::ServerlessComparison>,
    /// The next change of mix as the load grows: where the mix stops holding, keeping every tier
    /// that still holds; null when none is due up to 10¹² users or no mix serves the load beyond
    /// it (then a warning says so).
    pub next_upgrade: Option<NextUpgrade>,
    /// A switch of tiers that saves more than the threshold share of the bill (default 10%) by the
    /// next upgrade (or, when none is due, by 10¹² users); null when no switch saves that much.
    pub tier_switch: Option<TierSwitch>,
    /// The first stage template of the ladder that holds the load (when the
    /// scenario has templates), its cost against the optimizer's mix.
    pub stage_template: Option<StageTemplate>,
    /// The user count at which the template after it is due.
    pub next_stage: Option<NextStage>,
    /// Planning warnings: unpriced, low-confidence or old prices, cold starts, purchase options a
    /// tier lacks, no mix (or stage template) serving a larger load.
    pub warnings: Vec<String>,
    /// The oldest catalog date among the priced entries used.
    pub catalog_as_of: Option<String>,
    /// A peak rate given on the command line or in an assertion, and the
    /// per-user request rate it set for the whole run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_rate: Option<crate::demand::RateNote>,
    /// Scenario fields set by `--patch` files (file and line of each).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub patched: Vec<crate::scenario::PatchedField>,
    /// With intervals in the scenario (or `--samples`): percentiles over
    /// sampled worlds and the least-regret mix (docs/uncertainty.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<crate::uncertainty::UncertaintyReport>,
    /// The scenario's `current:` mix at this load beside the
    /// recommendation; absent when the scenario gives none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<crate::planner::CurrentMix>,
}

/// The load and data at the planned user count (rates at the peak hour unless per month).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DemandSummary {
    /// Peak requests per second, req/s.
    pub peak_rps: f64,
    /// Peak requests per minute, req/min.
    pub peak_rpm: f64,
    /// Users online at the peak (daily active × peak online ratio), users.
    pub online_users: f64,
    /// Daily active users (registered × daily active ratio), users.
    pub daily_active_users: f64,
    /// Stored data (per-user storage plus fixed data), GB.
    pub storage_gb: f64,
    /// Cache memory wanted (per online user plus hot data), MB.
    pub cache_mb: f64,
    /// Database operations per second at the peak from web requests and worker jobs, ops/s.
    pub db_ops_per_s: f64,
    /// Cache operations per second at the peak from web requests and worker jobs, ops/s.
    pub cache_ops_per_s: f64,
    /// Outbound data, GB per month.
    pub egress_gb_per_month: f64,
    /// Peak job rate of each workload job class, in scenario order.
    pub peak_jobs_per_s: Vec<JobRate>,
}

/// One job class's rate.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct JobRate {
    /// The workload's job class name.
    pub class: String,
    /// Jobs per second at the peak hour, jobs/s.
    pub per_s: f64,
    /// Jobs a month (daily jobs × days per month), jobs per month.
    pub per_month: f64,
}

/// The stage of the scenario's ladder the planned load is in.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StageSummary {
    /// The stage's name.
    pub name: String,
    /// 1-based position on the scenario's ladder.
    pub index: usize,
    /// The largest user count at which this mix stays the recommendation
    /// (null: beyond 10¹²); the same as the report's `max_users`.
    pub max_users: Option<f64>,
}

/// One component of the recommended mix.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ComponentRow {
    /// The component's scenario name.
    pub name: String,
    /// The component's role: web, worker, database, cache or media.
    pub role: &'static str,
    /// The catalog provider of the chosen tier.
    pub provider: String,
    /// The provider's offering of the chosen tier.
    pub offering: String,
    /// The chosen tier's name in its offering.
    pub tier: String,
    /// Instances of the tier (the peak for autoscaled groups, peak concurrency for serverless).
    pub count: u32,
    /// One instance's cost, USD per month; null when the tier is unpriced.
    pub unit_monthly_usd: Option<f64>,
    /// The instances' cost with the purchase option applied, USD per month; null when unpriced.
    pub monthly_usd: Option<f64>,
    /// The purchase option applied and what it saves against on demand.
    pub purchase_option: &'static str,
    /// The same instances on demand, USD per month; null when unpriced.
    pub on_demand_monthly_usd: Option<f64>,
    /// `on_demand_monthly_usd` minus `monthly_usd`, USD per month; null when either is unpriced.
    pub purchase_saving_usd: Option<f64>,
    /// Autoscaled components (count is the peak); null otherwise.
    pub autoscale: Option<AutoscaleRow>,
    /// Priced by use (serverless): count is the peak concurrency.
    pub serverless: bool,
    /// Compute billed by CPU, memory and requests (Cloud Run, Railway,
    /// Vercel): the bill is in `charges`; `monthly_usd` is only a fee the
    /// tier may add per instance.
    pub usage_priced: bool,
    /// CPU at the peak (datastores: their own utilization measure).
    pub utilization: Option<f64>,
    /// Web and worker: slots busy at the peak (arrivals × time in a slot
    /// over workers or job slots × instances).
    pub occupancy: Option<f64>,
    /// Web: 95th percentile response incl. I/O; worker: 95th percentile queue wait; always the
    /// 95th, whatever percentile the SLO names (see `latency_ms`); datastores: null.
    pub p95_ms: Option<f64>,
    /// Web: response incl. I/O; worker: queue wait; at the percentile the SLO names
    /// (`latency_percentile`), the figure its target is checked against; datastores: null.
    pub latency_ms: Option<f64>,
    /// The percentile of `latency_ms` (50, 95, 99.9): the SLO's `percentile`, 95 when unset;
    /// datastores: null.
    pub latency_percentile: Option<f64>,
    /// The constraint that set the size: the latency SLO by its percentile (p95, or p50, p99 …
    /// as the SLO names), utilization, memory, connections, storage, ops, credits, min_instances, quota, baseline,
    /// high_availability or occupancy.
    pub binding: String,
    /// What the tier's pricing rules add beyond its instances: storage
    /// beyond the included amount, quota overage, CPU credits, egress at
    /// this platform's rate, a load balancer.
    pub charges: Vec<crate::planner::UsageLine>,
    /// Instances plus charges (null when anything is unpriced).
    pub total_monthly_usd: Option<f64>,
    /// Limits the tier does not publish that the scenario accepted.
    pub unverified_limits: Vec<&'static str>,
    /// Every limit the size was checked against: demand, limit, and
    /// whether the limit is published or estimated (with its rule).
    pub limits: Vec<crate::planner::LimitCheck>,
    /// Burstable or shared CPU: the group against its baselines over the
    /// day; null for dedicated CPUs.
    pub baseline: Option<crate::planner::BaselineUse>,
    /// Where the tier's price was published; null when the catalog gives none.
    pub source: Option<String>,
    /// The date the tier's price was checked (YYYY-MM-DD); null when the catalog gives none.
    pub as_of: Option<String>,
    /// The catalog's confidence in the tier's price (tier, else offering, else provider): low,
    /// medium or high; null when unstated.
    pub confidence: Option<&'static str>,
    /// The sizing arithmetic, one step a line; only with `--explain` (or in `capplan report`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub explain: Vec<String>,
    /// Web components with request classes (`requests:`): each class's rate,
    /// latency and target; absent in the single-class form.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<crate::planner::RequestClassRow>,
}

/// An autoscaled component's counts through the day and its cost against
/// fixed sizing.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AutoscaleRow {
    /// Fewest instances in any hour of the day.
    pub min_count: u32,
    /// Instances running on average over the day.
    pub average_count: f64,
    /// Most instances in any hour (the row's `count`).
    pub peak_count: u32,
    /// How the provider meters instances: per_second, hourly or monthly.
    pub billing: &'static str,
    /// Instances paid for on average over the day.
    pub billed_count: f64,
    /// `peak_count` instances all month, USD per month; null when unpriced.
    pub fixed_peak_monthly_usd: Option<f64>,
    /// `min_count` instances all month, USD per month; null when unpriced.
    pub fixed_min_monthly_usd: Option<f64>,
    /// Fixed peak sizing minus the autoscaled cost.
    pub saving_usd: Option<f64>,
    /// The most instances running in each hour of the day (0 to 23).
    pub by_hour: Vec<u32>,
}

/// The first stage template of the ladder that holds the planned load.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StageTemplate {
    /// The template's stage name.
    pub name: String,
    /// 1-based position of the stage on the scenario's ladder.
    pub index: usize,
    /// The template's instances per month (null when unpriced).
    pub monthly_usd: Option<f64>,
    /// The largest user count the template serves.
    pub max_users: Option<f64>,
    /// Template instances minus the optimizer's instances: what the
    /// optimizer's mix saves (negative when the template is cheaper).
    pub optimizer_saving_usd: Option<f64>,
}

/// The stage template due after the current one.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct NextStage {
    /// That stage's name.
    pub name: String,
    /// The user count at which it is due (one beyond the current template's capacity), users.
    pub at_users: f64,
}

/// Options of a recommendation.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecommendOptions {
    /// Keep the arithmetic behind each component in the report.
    pub explain: bool,
    /// The share of the bill a tier switch must save to be advised
    /// (`None`: [`DEFAULT_SWITCH_SAVING`]).
    pub switch_saving: Option<f64>,
}

/// Plans the load and assembles the report.
pub fn recommend(
    scenario: &Scenario,
    catalog: &Catalog,
    users: f64,
    options: RecommendOptions,
) -> Result<RecommendReport, Infeasible> {
    let mut planner = Planner::new(scenario, catalog);
    planner.explain = options.explain;
    let plan = planner.plan(users)?;
    let users = plan.demand.users;
    // A count that follows the load (an autoscaled group, a platform that
    // scales by itself) grows to its limit before the mix must change.
    let mix: Vec<(String, u32)> = plan
        .components
        .iter()
        .zip(&scenario.components)
        .map(|(c, spec)| {
            let count = match (c.managed_count(), catalog.tier(&c.tier_ref)) {
                (None, Some(tier)) if !c.serverless => {
                    crate::planner::instance_limit(spec, &tier).max(c.count)
                }
                _ => c.count,
            };
            (c.tier_ref.clone(), count)
        })
        .collect();
    let holds_up_to = planner.capacity(&mix, users);
    let mut warnings = plan.warnings.clone();
    // The mix lasts until it stops holding; the upgrade keeps the tiers
    // that still hold, and a switch is advised apart where it pays.
    let change = planner.next_upgrade(&plan, holds_up_to);
    let max_users = change.as_ref().map(|c| c.at_users - 1.0);
    let saving = options.switch_saving.unwrap_or(DEFAULT_SWITCH_SAVING);
    let switch =
        planner.tier_switch(&plan, change.as_ref(), saving).map(|s| describe_switch(&s, saving));
    let next_upgrade = match change {
        None => None,
        Some(Change { at_users, next: Ok(next), before }) => Some(NextUpgrade {
            components_delta_usd: own_cost(&before, &next),
            ..describe_upgrade(&plan, &next, at_users)
        }),
        Some(Change { at_users, next: Err(e), .. }) => {
            warnings.push(format!(
                "beyond {} users no mix in the catalog serves the load: {e}",
                at_users as u64 - 1
            ));
            None
        }
    };
    let (template, next_stage) = template_for(&planner, &plan, &mut warnings);
    let stage = match &template {
        Some(t) => Some(StageSummary { name: t.name.clone(), index: t.index, max_users }),
        None => crate::planner::stages::stage_at(&planner, users)
            .map(|(index, name)| StageSummary { name, index, max_users }),
    };
    let mut report = build(scenario, catalog, &plan, stage, next_upgrade, warnings, options);
    report.max_users = max_users;
    report.tier_switch = switch;
    report.max_users_binding =
        max_users.and_then(|max| match planner.mix_failure(&mix, max + 1.0) {
            Some(failure) => Some(planner.failure_name(&failure)),
            None => report.next_upgrade.as_ref().map(|u| format!("{}: count", u.component)),
        });
    report.mix_max_users = holds_up_to;
    report.stage_template = template;
    report.next_stage = next_stage;
    report.serverless = crate::report::breakeven::compare(&planner, users);
    report.current = planner.current(users, &plan);
    Ok(report)
}

/// The first stage template that holds the plan's load, and when the
/// template after it is due.
fn template_for(
    planner: &Planner<'_>,
    plan: &Plan,
    warnings: &mut Vec<String>,
) -> (Option<StageTemplate>, Option<NextStage>) {
    let scenario = planner.scenario;
    let users = plan.demand.users;
    let templates = crate::planner::stages::templates(scenario);
    if templates.is_empty() {
        return (None, None);
    }
    let load = users;
    let Some(position) = templates.iter().position(|(_, _, mix)| planner.mix_holds(mix, load))
    else {
        warnings.push(format!("no stage template of the ladder holds {} users", users as u64));
        return (None, None);
    };
    let (index, stage, mix) = &templates[position];
    let capacity = crate::planner::stages::mix_capacity(planner, mix);
    let cost = planner.mix_cost(mix, load);
    let instances: f64 = plan.components.iter().filter_map(|c| c.monthly_usd).sum();
    let template = StageTemplate {
        name: stage.name.clone(),
        index: *index,
        monthly_usd: cost,
        max_users: capacity,
        optimizer_saving_usd: cost.map(|c| c - instances),
    };
    // The stage one user beyond the template's capacity, by the rule every
    // command uses (a later template when the next one does not hold either).
    let next = capacity.and_then(|max| {
        let (_, name) = crate::planner::stages::stage_at(planner, max + 1.0)?;
        Some(NextStage { name, at_users: max + 1.0 })
    });
    (Some(template), next)
}

fn build(
    scenario: &Scenario,
    catalog: &Catalog,
    plan: &Plan,
    stage: Option<StageSummary>,
    next_upgrade: Option<NextUpgrade>,
    warnings: Vec<String>,
    options: RecommendOptions,
) -> RecommendReport {
    let d = &plan.demand;
    let mut dates = Vec::new();
    let components = plan
        .components
        .iter()
        .map(|c| {
            let mut parts = c.tier_ref.splitn(3, '/');
            let (provider, offering, tier) = (
                parts.next().unwrap_or_default().to_string(),
                parts.next().unwrap_or_default().to_string(),
                parts.next().unwrap_or_default().to_string(),
            );
            let provenance = catalog.tier(&c.tier_ref).map(|t| t.provenance()).unwrap_or_default();
            if let Some(date) = &provenance.as_of {
                dates.push(date.clone());
            }
            ComponentRow {
                name: c.name.clone(),
                role: c.role.as_str(),
                provider,
                offering,
                tier,
                count: c.count,
                unit_monthly_usd: c.unit_monthly_usd,
                monthly_usd: c.monthly_usd,
                purchase_option: c.purchase_option.as_str(),
                on_demand_monthly_usd: c.on_demand_monthly_usd,
                purchase_saving_usd: c.purchase_saving_usd(),
                autoscale: c.autoscale.as_ref().map(|a| AutoscaleRow {
                    min_count: a.min_count,
                    average_count: a.average_count,
                    peak_count: a.peak_count,
                    billing: a.billing,
                    billed_count: a.billed_count,
                    fixed_peak_monthly_usd: c.unit_monthly_usd.map(|u| u * a.peak_count as f64),
                    fixed_min_monthly_usd: c.unit_monthly_usd.map(|u| u * a.min_count as f64),
                    saving_usd: c.autoscale_saving_usd(),
                    by_hour: a.by_hour.clone(),
                }),
                serverless: c.serverless,
                usage_priced: c.usage_priced,
                utilization: c.sized.utilization,
                occupancy: c.sized.occupancy,
                p95_ms: c.sized.p95_ms,
                latency_ms: c.sized.latency_ms,
                latency_percentile: c.sized.latency_percentile,
                binding: c.sized.binding_label(),
                charges: c.charges.clone(),
                total_monthly_usd: c.total_monthly_usd(),
                unverified_limits: c.unverified_limits.iter().map(|l| l.as_str()).collect(),
                limits: c.sized.limits.clone(),
                baseline: c.sized.baseline.clone(),
                source: provenance.source,
                as_of: provenance.as_of,
                confidence: provenance.confidence.map(|c| c.as_str()),
                explain: if options.explain { c.sized.explain.clone() } else { Vec::new() },
                classes: c.sized.classes.clone(),
            }
        })
        .collect();
    dates.extend(plan.usage.iter().filter_map(|u| u.as_of.clone()));
    dates.extend(plan.components.iter().flat_map(|c| &c.charges).filter_map(|u| u.as_of.clone()));
    let catalog_as_of =
        dates.into_iter().min_by_key(|d| crate::catalog::parse_date(d).unwrap_or(i64::MAX));
    RecommendReport {
        scenario: scenario.name.clone(),
        users: d.users,
        demand: DemandSummary {
            peak_rps: d.peak_rps,
            peak_rpm: d.peak_rpm,
            online_users: d.online_users,
            daily_active_users: d.daily_active_users,
            storage_gb: d.storage_gb,
            cache_mb: d.cache_mb,
            db_ops_per_s: d.db_ops_per_s,
            cache_ops_per_s: d.cache_ops_per_s,
            egress_gb_per_month: d.egress_gb_per_month,
            peak_jobs_per_s: d
                .peak_jobs_per_s
                .iter()
                .map(|(class, rate)| JobRate {
                    class: class.clone(),
                    per_s: *rate,
                    per_month: d.monthly_jobs(class),
                })
                .collect(),
        },
        stage,
        max_users: None,
        mix_max_users: None,
        components,
        usage: plan.usage.clone(),
        environments: plan.environments.clone(),
        monthly_usd: plan.monthly_usd,
        usd_per_user: if d.users > 0.0 { plan.monthly_usd / d.users } else { 0.0 },
        unpriced: plan.unpriced.clone(),
        serverless: Vec::new(),
        next_upgrade,
        tier_switch: None,
        max_users_binding: None,
        stage_template: None,
        next_stage: None,
        warnings,
        catalog_as_of,
        given_rate: None,
        patched: Vec::new(),
        uncertainty: None,
        current: None,
    }
}

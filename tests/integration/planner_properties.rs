//! Properties of the planner over the default scenario.

use capplan::catalog::load;
use capplan::planner::Planner;
use capplan::scenario::load_scenario;
use proptest::prelude::*;

#[test]
fn cost_never_decreases_as_users_grow() {
    let catalog = load().unwrap();
    let file = load_scenario(None).unwrap();
    let planner = Planner::new(&file.scenario, &catalog);
    let mut last = 0.0;
    let mut infeasible_from = None;
    // 10 to 10,000,000 users, 30 points a decade.
    for i in 0..=180 {
        let users = (10f64 * 10f64.powf(i as f64 / 30.0)).round();
        match planner.plan(users) {
            Ok(plan) => {
                assert!(
                    infeasible_from.is_none(),
                    "feasible at {users} after infeasible at {infeasible_from:?}"
                );
                assert!(
                    plan.monthly_usd >= last - 1e-9,
                    "cost fell at {users}: {} < {last}",
                    plan.monthly_usd
                );
                last = plan.monthly_usd;
            }
            Err(_) => infeasible_from = infeasible_from.or(Some(users)),
        }
    }
}

#[test]
fn twenty_four_copies_of_the_default_api_plan_within_the_shared_connection_limits() {
    // Issue 12's measurement: copies of the default API as separate
    // services at 200,000 users (12 took 19 s, 24 did not finish). They
    // share the database and cache, so their pools bind: some copies run
    // fewer, larger instances than one copy alone would.
    let catalog = load().unwrap();
    let file = load_scenario(None).unwrap();
    let alone = Planner::new(&file.scenario, &catalog).plan(200_000.0).unwrap();
    let api_alone = alone.components.iter().find(|c| c.name == "api").unwrap();
    let mut scenario = file.scenario.clone();
    let api = scenario.component("api").unwrap().clone();
    scenario.components.retain(|c| c.name != "api");
    for i in 0..24 {
        let mut copy = api.clone();
        copy.name = format!("api-{i}");
        scenario.components.insert(0, copy);
    }
    scenario.usage.retain(|u| u.served_by.is_none());
    // 24 APIs' cache replies would outgrow Redis Cloud Essentials'
    // bandwidth; connections are what this test is about.
    for c in scenario.components.iter_mut().filter(|c| c.name == "cache") {
        c.result_kb_per_operation = Some(0.0);
    }
    let plan = Planner::new(&scenario, &catalog).plan(200_000.0).unwrap();
    let copies: Vec<_> = plan.components.iter().filter(|c| c.name.starts_with("api-")).collect();
    assert_eq!(copies.len(), 24);
    assert!(
        copies.iter().any(|c| c.tier_ref != api_alone.tier_ref || c.count != api_alone.count),
        "the shared limits bind: not every copy is sized as one alone"
    );
    let planner = Planner::new(&scenario, &catalog);
    assert!(planner.mix_holds(&plan.mix(), 200_000.0));
    let pool = api.db_pool_per_instance.unwrap();
    let db = plan.components.iter().find(|c| c.name == "db").unwrap();
    let db_tier = catalog.tier(&db.tier_ref).unwrap();
    let connections: f64 = plan
        .components
        .iter()
        .filter(|c| c.role.is_compute())
        .map(|c| {
            c.count as f64
                * scenario.component(&c.name).unwrap().db_pool_per_instance.unwrap_or(0.0)
        })
        .sum();
    assert!(connections >= 24.0 * pool);
    assert!(connections <= db_tier.tier.capacity.max_connections.unwrap());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn cost_is_monotone_between_any_two_user_counts(a in 10.0f64..1_500_000.0, factor in 1.0f64..3.0) {
        let catalog = load().unwrap();
        let file = load_scenario(None).unwrap();
        let planner = Planner::new(&file.scenario, &catalog);
        let (small, large) = (a.round(), (a * factor).round());
        if let (Ok(p), Ok(q)) = (planner.plan(small), planner.plan(large)) {
            prop_assert!(q.monthly_usd >= p.monthly_usd - 1e-9);
        }
    }

    #[test]
    fn the_plan_holds_and_its_capacity_is_tight(users in 10.0f64..1_000_000.0) {
        let catalog = load().unwrap();
        let file = load_scenario(None).unwrap();
        let planner = Planner::new(&file.scenario, &catalog);
        if let Ok(plan) = planner.plan(users.round()) {
            let mix = plan.mix();
            prop_assert!(planner.mix_holds(&mix, users.round()));
            if let Some(max) = planner.capacity(&mix, users.round()) {
                prop_assert!(planner.mix_holds(&mix, max));
                prop_assert!(!planner.mix_holds(&mix, max + 1.0));
            }
            // One fewer instance of any multi-instance compute component fails.
            for (i, (tier, count)) in mix.iter().enumerate() {
                let role = file.scenario.components[i].role;
                let compute = matches!(role, capplan::scenario::ComponentRole::Web | capplan::scenario::ComponentRole::Worker);
                if compute && *count > 1 {
                    let mut fewer = mix.clone();
                    fewer[i] = (tier.clone(), count - 1);
                    prop_assert!(!planner.mix_holds(&fewer, users.round()), "{tier} × {}", count - 1);
                }
            }
        }
    }
}

/// Every shipped scenario (the default and `scenarios/**/*.yaml`).
fn shipped_scenarios() -> Vec<(String, capplan::scenario::ScenarioFile)> {
    let mut files = vec![("default".to_string(), load_scenario(None).unwrap())];
    for folder in ["scenarios", "scenarios/examples"] {
        let mut paths: Vec<_> = std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        paths.sort();
        for path in paths {
            files.push((path.display().to_string(), load_scenario(Some(&path)).unwrap()));
        }
    }
    files
}

#[test]
fn the_next_upgrade_is_where_the_kept_mix_first_differs_and_keeps_the_tiers_that_hold() {
    // Issue 31, part 6: the upgrade is due where the mix stops holding and
    // keeps every tier that still holds there; before it, the mix holds or
    // the plan that keeps the tiers is the same managed mix (sampled on a
    // fine grid).
    let catalog = load().unwrap();
    let mut checked = 0;
    for (name, file) in shipped_scenarios() {
        let planner = Planner::new(&file.scenario, &catalog);
        for users in [300.0, 5_000.0] {
            let Ok(plan) = planner.plan(users) else { continue };
            let holds = planner.capacity(&plan.mix(), users);
            let Some(change) = planner.next_upgrade(&plan, holds) else { continue };
            let at = change.at_users;
            let kept = |u: f64| planner.plan_keeping(u, &plan);
            let differs = |u: f64| kept(u).map_or(true, |p| p.managed_mix() != plan.managed_mix());
            assert!(differs(at), "{name} from {users}: the mix is kept at the change {at}");
            assert_eq!(change.before.managed_mix(), plan.managed_mix(), "{name} from {users}");
            assert_eq!(change.before.demand.users, at - 1.0, "{name} from {users}");
            for i in 0..=40 {
                let u = (users + (at - 1.0 - users) * i as f64 / 40.0).floor();
                assert!(
                    planner.mix_holds(&plan.mix(), u) || !differs(u),
                    "{name} from {users}: the mix fails and changes at {u}, before {at}"
                );
            }
            // Every component whose tier still holds at the change keeps it.
            if let Ok(next) = &change.next {
                for (before, after) in plan.components.iter().zip(&next.components) {
                    if before.tier_ref != after.tier_ref {
                        // The old tier, kept beside the new mix's others.
                        let i = plan.components.iter().position(|c| c.name == before.name).unwrap();
                        let mut keeping = next.clone();
                        keeping.components[i].tier_ref = before.tier_ref.clone();
                        assert!(
                            planner
                                .plan_keeping(at, &keeping)
                                .map_or(true, |p| p.components[i].tier_ref != before.tier_ref),
                            "{name} from {users}: {} left {} at {at} although it still holds",
                            before.name,
                            before.tier_ref
                        );
                    }
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 15, "only {checked} upgrades checked");
}

//! Properties of the planner over the default scenario.

use capplan::catalog::load;
use capplan::demand::Load;
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
        match planner.plan(Load::Users(users)) {
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn cost_is_monotone_between_any_two_user_counts(a in 10.0f64..1_500_000.0, factor in 1.0f64..3.0) {
        let catalog = load().unwrap();
        let file = load_scenario(None).unwrap();
        let planner = Planner::new(&file.scenario, &catalog);
        let (small, large) = (a.round(), (a * factor).round());
        if let (Ok(p), Ok(q)) = (planner.plan(Load::Users(small)), planner.plan(Load::Users(large))) {
            prop_assert!(q.monthly_usd >= p.monthly_usd - 1e-9);
        }
    }

    #[test]
    fn the_plan_holds_and_its_capacity_is_tight(users in 10.0f64..1_000_000.0) {
        let catalog = load().unwrap();
        let file = load_scenario(None).unwrap();
        let planner = Planner::new(&file.scenario, &catalog);
        if let Ok(plan) = planner.plan(Load::Users(users.round())) {
            let mix = plan.mix();
            prop_assert!(planner.mix_holds(&mix, Load::Users(users.round())));
            if let Some(max) = planner.capacity(&mix, users.round()) {
                prop_assert!(planner.mix_holds(&mix, Load::Users(max)));
                prop_assert!(!planner.mix_holds(&mix, Load::Users(max + 1.0)));
            }
            // One fewer instance of any multi-instance compute component fails.
            for (i, (tier, count)) in mix.iter().enumerate() {
                let role = file.scenario.components[i].role;
                let compute = matches!(role, capplan::scenario::ComponentRole::Web | capplan::scenario::ComponentRole::Worker);
                if compute && *count > 1 {
                    let mut fewer = mix.clone();
                    fewer[i] = (tier.clone(), count - 1);
                    prop_assert!(!planner.mix_holds(&fewer, Load::Users(users.round())), "{tier} × {}", count - 1);
                }
            }
        }
    }
}

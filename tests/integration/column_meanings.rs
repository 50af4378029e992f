//! One set of column meanings (issue 31, part 7): `recommend`, `sweep`
//! and `compare` report a component's `monthly_usd` as its instances, its
//! `total_monthly_usd` as the instances and its own lines (egress,
//! storage, usage-billed compute), `usage_usd` as the lines no component
//! carries, and the same "sized by". Checked for every shipped scenario
//! at three user counts.

use crate::common::{close, run_json, shipped_scenarios};
use serde_json::Value;

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn same(a: &Value, b: &Value, what: &str) {
    match (num(a), num(b)) {
        (Some(x), Some(y)) => assert!(close(x, y, 1e-9), "{what}: {x} vs {y}"),
        _ => assert_eq!(a, b, "{what}"),
    }
}

/// The components' totals, the shared lines and the other environments
/// add up to the bill (when every line is priced).
fn adds_up(components: &[Value], usage: f64, environments: f64, total: f64, what: &str) {
    let parts: Option<f64> = components.iter().map(|c| num(&c["total_monthly_usd"])).sum();
    if let Some(parts) = parts {
        assert!(
            close(parts + usage + environments, total, 1e-9),
            "{what}: {parts} + {usage} + {environments} vs {total}"
        );
    }
}

/// Each sweep row says what `recommend` says at its user count.
fn sweep_matches_recommend(scenario: &str) {
    let sweep = run_json(
        &[
            "sweep",
            "--scenario",
            scenario,
            "--from",
            "500",
            "--to",
            "50000",
            "--points",
            "3",
            "--log",
            "--format",
            "json",
        ],
        0,
    );
    for row in sweep["rows"].as_array().unwrap() {
        if row["feasible"] != true {
            continue;
        }
        let users = row["users"].as_f64().unwrap();
        let what = format!("{scenario} at {users}");
        let rec = run_json(
            &[
                "recommend",
                "--scenario",
                scenario,
                "--users",
                &users.to_string(),
                "--format",
                "json",
            ],
            0,
        );
        same(&row["monthly_usd"], &rec["monthly_usd"], &format!("{what}: total"));
        let rec_usage: f64 =
            rec["usage"].as_array().unwrap().iter().filter_map(|u| u["monthly_usd"].as_f64()).sum();
        assert!(close(row["usage_usd"].as_f64().unwrap(), rec_usage, 1e-9), "{what}: usage");
        let cells = row["components"].as_array().unwrap();
        let rec_components = rec["components"].as_array().unwrap();
        assert_eq!(cells.len(), rec_components.len(), "{what}");
        for (cell, c) in cells.iter().zip(rec_components) {
            let name = c["name"].as_str().unwrap();
            assert_eq!(cell["name"], c["name"], "{what}");
            assert_eq!(cell["count"], c["count"], "{what}: {name} count");
            same(&cell["monthly_usd"], &c["monthly_usd"], &format!("{what}: {name} instances"));
            same(
                &cell["total_monthly_usd"],
                &c["total_monthly_usd"],
                &format!("{what}: {name} total"),
            );
            assert_eq!(cell["binding"], c["binding"], "{what}: {name} sized by");
        }
        adds_up(
            cells,
            row["usage_usd"].as_f64().unwrap(),
            row["environments_usd"].as_f64().unwrap(),
            row["monthly_usd"].as_f64().unwrap(),
            &format!("{what}: sweep"),
        );
    }
}

/// A stack that plans the recommendation's own mix at 5,000 users; the
/// number of such stacks.
fn compare_matches_recommend(scenario: &str, compare: &Value) -> usize {
    let at_5000 =
        run_json(&["recommend", "--scenario", scenario, "--users", "5000", "--format", "json"], 0);
    let mix = |components: &[Value]| -> Vec<(String, u64)> {
        components
            .iter()
            .map(|c| {
                let tier = match c["tier"].as_str().unwrap() {
                    t if t.contains('/') => t.to_string(),
                    t => format!(
                        "{}/{}/{t}",
                        c["provider"].as_str().unwrap(),
                        c["offering"].as_str().unwrap()
                    ),
                };
                (tier, c["count"].as_u64().unwrap())
            })
            .collect()
    };
    let mut matched = 0;
    for stack in compare["stacks"].as_array().unwrap() {
        // A stack that plans the recommendation's own mix reports it
        // with the recommendation's figures, column for column.
        let point = &stack["points"][1];
        if point["feasible"] == true && at_5000["components"].is_array() {
            let ours = at_5000["components"].as_array().unwrap();
            let theirs = point["components"].as_array().unwrap();
            if mix(ours) == mix(theirs) {
                matched += 1;
                same(
                    &point["monthly_usd"],
                    &at_5000["monthly_usd"],
                    &format!("{scenario}: compare total"),
                );
                for (a, b) in theirs.iter().zip(ours) {
                    same(
                        &a["monthly_usd"],
                        &b["monthly_usd"],
                        &format!("{scenario}: compare instances"),
                    );
                    same(
                        &a["total_monthly_usd"],
                        &b["total_monthly_usd"],
                        &format!("{scenario}: compare total"),
                    );
                    assert_eq!(a["binding"], b["binding"], "{scenario}: compare sized by");
                }
            }
        }
    }
    matched
}

/// Every compare point's parts add up to its bill.
fn compare_adds_up(scenario: &str, compare: &Value) {
    for stack in compare["stacks"].as_array().unwrap() {
        for point in stack["points"].as_array().unwrap() {
            if point["feasible"] != true {
                continue;
            }
            let what = format!("{scenario}, stack {}, at {}", stack["id"], point["users"]);
            let components = point["components"].as_array().unwrap();
            for c in components {
                // Instances alone never exceed the instances with their lines.
                if let (Some(instances), Some(total)) =
                    (num(&c["monthly_usd"]), num(&c["total_monthly_usd"]))
                {
                    assert!(instances <= total + 1e-9, "{what}: {c}");
                }
            }
            if point["unpriced"].as_array().unwrap().is_empty() {
                adds_up(
                    components,
                    point["usage_usd"].as_f64().unwrap(),
                    point["environments_usd"].as_f64().unwrap(),
                    point["monthly_usd"].as_f64().unwrap(),
                    &what,
                );
            }
        }
    }
}

#[test]
fn sweep_compare_and_recommend_mean_the_same_by_each_column() {
    let mut matched_any = 0;
    for scenario in shipped_scenarios() {
        sweep_matches_recommend(&scenario);
        let compare = run_json(
            &[
                "compare",
                "--scenario",
                &scenario,
                "--users",
                "500",
                "--users",
                "5000",
                "--users",
                "50000",
                "--format",
                "json",
            ],
            0,
        );
        matched_any += compare_matches_recommend(&scenario, &compare);
        compare_adds_up(&scenario, &compare);
    }
    // The check above ran: some stack plans some scenario's own mix.
    assert!(matched_any >= 3, "{matched_any}");
}

//! Every shipped scenario's monthly total at three user counts in one
//! snapshot, so that a `tiers/` or model edit shows its effect on cost in
//! one diff (`INSTA_UPDATE=always cargo test` accepts a change; the commit
//! then says why the money moved).

use crate::common::run;

const USER_COUNTS: [&str; 3] = ["500", "5000", "50000"];

fn shipped_scenarios() -> Vec<String> {
    let mut files = Vec::new();
    for dir in ["scenarios", "scenarios/examples"] {
        for entry in std::fs::read_dir(dir).expect("scenarios/ is shipped") {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path.to_string_lossy().into_owned());
            }
        }
    }
    files.sort();
    files
}

#[test]
fn shipped_scenario_totals() {
    let files = shipped_scenarios();
    assert!(files.len() >= 15, "only {} scenarios", files.len());
    let mut table = String::from("scenario | users | $/month | mix\n");
    for file in &files {
        for users in USER_COUNTS {
            let (code, stdout, stderr) =
                run(&["recommend", "--scenario", file, "--users", users, "--format", "json"]);
            let line = if code == 0 {
                let report: serde_json::Value =
                    serde_json::from_str(&stdout).expect("recommend prints JSON");
                let mix: Vec<String> = report["components"]
                    .as_array()
                    .expect("components")
                    .iter()
                    .map(|c| format!("{}×{}", c["count"], c["tier"].as_str().unwrap_or("?")))
                    .collect();
                format!(
                    "{:.2} | {}",
                    report["monthly_usd"].as_f64().expect("a total"),
                    mix.join(" ")
                )
            } else {
                let reason = stderr.lines().next().unwrap_or_default().to_string();
                format!("exit {code} | {reason}")
            };
            table.push_str(&format!("{file} | {users} | {line}\n"));
        }
    }
    insta::assert_snapshot!("shipped_scenario_totals", table);
}

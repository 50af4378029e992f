//! `capplan compare`: stacks side by side, the same numbers as recommend.

use super::common::{close, run, run_json, scratch_dir, write_file};

#[test]
fn a_stack_plans_what_recommend_plans_on_the_same_offerings() {
    // The shipped `render` stack is the default scenario's own offerings:
    // its total at 5,000 users is recommend's.
    let report = run_json(
        &["compare", "--users", "5000", "--stacks", "render,heroku", "--format", "json"],
        0,
    );
    let recommend = run_json(&["recommend", "--users", "5000", "--format", "json"], 0);
    let render = &report["stacks"][0];
    assert_eq!(render["id"], "render");
    let point = &render["points"][0];
    assert!(close(
        point["monthly_usd"].as_f64().unwrap(),
        recommend["monthly_usd"].as_f64().unwrap(),
        1e-12
    ));
    // Heroku: the same app on dynos, Heroku Postgres and Key-Value Store.
    let heroku = &report["stacks"][1]["points"][0];
    assert_eq!(heroku["feasible"], true);
    for c in heroku["components"].as_array().unwrap() {
        assert!(c["tier"].as_str().unwrap().starts_with("heroku/"), "{c}");
    }
    // How far: the render stack serves 5,000 users and stops somewhere
    // above, with the planner's reason there.
    let up_to = render["feasible_up_to"].as_f64().unwrap();
    assert!(up_to > 5000.0);
    let beyond = run(&["recommend", "--users", &format!("{}", (up_to * 1.002).ceil())]);
    assert_eq!(beyond.0, 1, "{}", beyond.1);
    assert!(render["stops_because"].as_str().unwrap().contains("no tier"));
}

#[test]
fn markdown_and_unknown_stacks() {
    let (code, stdout, _) =
        run(&["compare", "--users", "5k", "--stacks", "render,gcp", "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("| stack | $/month |"), "{stdout}");
    assert!(stdout.contains("**How far each stack goes**"), "{stdout}");
    // The render row prints recommend's total and its total per user.
    let recommend = run_json(&["recommend", "--users", "5000", "--format", "json"], 0);
    let total = recommend["monthly_usd"].as_f64().unwrap();
    assert!(total < 1000.0, "the row format below assumes no thousands separator");
    let row = stdout.lines().find(|l| l.starts_with("| render |")).unwrap();
    assert!(row.contains(&format!("${total:.2}")), "{row}");
    assert!(row.contains(&format!("${:.4}", total / 5000.0)), "{row}");
    let (code, _, stderr) = run(&["compare", "--stacks", "render,nimbus"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown stack 'nimbus'") && stderr.contains("railway"), "{stderr}");
}

#[test]
fn a_user_stack_joins_the_shipped_ones_and_is_checked() {
    let dir = scratch_dir("compare-stacks");
    let good = write_file(
        &dir,
        "stacks.yaml",
        "version: 1\nstacks:\n  - id: mine\n    web: [fly/machines]\n    worker: [fly/machines]\n    database: [atlas/cluster]\n    cache: [redis-cloud/essentials]\n",
    );
    let report = run_json(
        &[
            "compare",
            "--users",
            "5000",
            "--stacks-file",
            &good,
            "--stacks",
            "mine",
            "--format",
            "json",
        ],
        0,
    );
    let mine = &report["stacks"][0]["points"][0];
    assert_eq!(mine["feasible"], true);
    assert!(mine["components"][0]["tier"].as_str().unwrap().starts_with("fly/machines/"));
    let bad = write_file(
        &dir,
        "bad.yaml",
        "version: 1\nstacks:\n  - id: mine\n    web: [atlas/cluster]\n    worker: [nowhere/thing]\n",
    );
    let (code, _, stderr) = run(&["compare", "--stacks-file", &bad, "--stacks", "mine"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("'atlas/cluster' is not a web offering"), "{stderr}");
    assert!(stderr.contains("unknown offering 'nowhere/thing'"), "{stderr}");
    let typo = write_file(
        &dir,
        "typo.yaml",
        "version: 1\nstacks:\n  - id: mine\n    webb: [fly/machines]\n",
    );
    let (code, _, stderr) = run(&["compare", "--stacks-file", &typo]);
    assert_eq!(code, 2);
    assert!(stderr.contains("typo.yaml:4") && stderr.contains("webb"), "{stderr}");
}

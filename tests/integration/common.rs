//! Helpers shared by the integration tests.

use assert_cmd::Command;

/// The capplan binary built by cargo for this test run.
pub fn capplan() -> Command {
    Command::cargo_bin("capplan").expect("the capplan binary is built for tests")
}

/// Runs capplan with `args`, returning (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let output = capplan().args(args).output().expect("capplan runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs capplan and parses stdout as JSON, asserting the exit code.
pub fn run_json(args: &[&str], code: i32) -> serde_json::Value {
    let (actual, stdout, stderr) = run(args);
    assert_eq!(
        actual, code,
        "capplan {args:?}\nstdout: {stdout}\nstderr: {stderr}"
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

pub fn close(actual: f64, expected: f64, relative: f64) -> bool {
    (actual - expected).abs() <= relative * expected.abs()
}

//! `capplan report`: one self-contained HTML page whose totals are the
//! JSON's, loaded in headless Chromium at phone and desktop widths.

use crate::common::{run, run_json, scratch_dir};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every `data-usd` figure on the page with its `data-users`.
fn totals(html: &str) -> Vec<(f64, f64)> {
    html.split("data-users=\"")
        .skip(1)
        .filter_map(|rest| {
            let users: f64 = rest.split('"').next()?.parse().ok()?;
            let usd: f64 = rest.split("data-usd=\"").nth(1)?.split('"').next()?.parse().ok()?;
            Some((users, usd))
        })
        .collect()
}

fn write_report(dir: &Path) -> PathBuf {
    let out = dir.join("plan.html");
    let (code, stdout, stderr) =
        run(&["report", "--users", "5000", "--users", "50000", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("2 recommendation(s)"), "{stdout}");
    out
}

#[test]
fn the_page_is_self_contained_and_its_totals_are_the_json() {
    let dir = scratch_dir("report-page");
    let html = std::fs::read_to_string(write_report(&dir)).unwrap();
    // Nothing is fetched: no links, sources or imports; the only URL is the
    // SVG namespace, which is a name, not a fetch.
    for fetch in ["<link", "src=", "@import", "url(", "https://"] {
        assert!(!html.contains(fetch), "the page fetches: {fetch}");
    }
    assert_eq!(html.matches("http://").count(), html.matches("http://www.w3.org/2000/svg").count());
    let shown = totals(&html);
    assert_eq!(shown.len(), 2, "{shown:?}");
    for (users, usd) in shown {
        let json = run_json(&["recommend", "--users", &users.to_string(), "--format", "json"], 0);
        assert_eq!(usd, json["monthly_usd"].as_f64().unwrap(), "at {users} users");
    }
    for part in [
        "Monthly cost by users",
        "Stage ladder and audit",
        "Sources of every price used",
        "How each size was set",
        "<svg role=\"img\"",
        "mongodb.com/pricing",
    ] {
        assert!(html.contains(part), "the page lacks {part}");
    }
    let (code, _, stderr) = run(&["report", "--out", dir.join("plan.pdf").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("ending in .html"), "{stderr}");
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()))
}

/// Runs headless Chromium on the page at `width`×`height`: (DOM, log).
fn in_browser(
    browser: &str,
    page: &Path,
    profile: &Path,
    width: u32,
    height: u32,
    extra: &[&str],
) -> (String, String) {
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--log-level=0",
            "--virtual-time-budget=2000",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--window-size={width},{height}"),
        ])
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn chromium_loads_the_page_without_errors_at_phone_and_desktop_widths() {
    let Some(browser) = chromium() else {
        eprintln!(
            "skipping the browser test: no chromium on PATH (.ci/run installs Debian's chromium)"
        );
        return;
    };
    let dir = scratch_dir("report-browser");
    let page = write_report(&dir);
    let json = run_json(&["recommend", "--users", "5000", "--format", "json"], 0);
    for (name, width, height) in [("phone", 390, 844), ("desktop", 1280, 900)] {
        let profile = dir.join(format!("profile-{name}"));
        let (dom, log) = in_browser(browser, &page, &profile, width, height, &["--dump-dom"]);
        let errors: Vec<&str> =
            log.lines().filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught")).collect();
        assert!(errors.is_empty(), "{name}: console messages: {errors:#?}");
        // The script on the page marks it when it is wider than the window.
        assert!(dom.contains("data-overflow=\"false\""), "{name}: the page overflows the window");
        let shown = totals(&dom);
        assert_eq!(shown.len(), 2, "{name}: {shown:?}");
        assert_eq!(shown[0].1, json["monthly_usd"].as_f64().unwrap(), "{name}");
        assert!(dom.contains(&format!("${:.2}", json["monthly_usd"].as_f64().unwrap())), "{name}");
        let shot = dir.join(format!("{name}.png"));
        let shot_arg = format!("--screenshot={}", shot.display());
        in_browser(browser, &page, &profile, width, height, &[&shot_arg]);
        let decoder = png::Decoder::new(std::io::BufReader::new(
            std::fs::File::open(&shot).unwrap_or_else(|e| panic!("{name}: no screenshot: {e}")),
        ));
        let reader = decoder.read_info().expect("the screenshot is a PNG");
        assert_eq!((reader.info().width, reader.info().height), (width, height), "{name}");
    }
}

//! The build script is the catalog's gate: it finds `tiers/*.yaml`, checks
//! each, and fails the build with a located error, so a broken catalog can
//! never be embedded and a new provider needs no Rust edit. These tests run
//! the build script cargo compiled for this test build on copies of the
//! catalogs, as cargo runs it (from the package folder, with `OUT_DIR`).

use crate::common::scratch_dir;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The newest compiled build script of this package beside the test binary.
fn build_script() -> PathBuf {
    let profile = Path::new(env!("CARGO_BIN_EXE_capplan")).parent().unwrap().to_path_buf();
    std::fs::read_dir(profile.join("build"))
        .expect("cargo's build folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("capplan-"))
        .map(|e| e.path().join("build-script-build"))
        .filter(|p| p.is_file())
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
        .expect("a compiled build script for capplan")
}

/// A package folder holding copies of the real `tiers/` and `stacks/`.
fn package_copy(name: &str) -> PathBuf {
    let dir = scratch_dir(name);
    for folder in ["tiers", "stacks"] {
        std::fs::create_dir_all(dir.join(folder)).unwrap();
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join(folder).join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::create_dir_all(dir.join("out")).unwrap();
    dir
}

/// Runs the build script in `dir`: (exit code, stderr, generated providers).
fn run_build_script(dir: &Path) -> (i32, String, String) {
    let output = Command::new(build_script())
        .current_dir(dir)
        .env("OUT_DIR", dir.join("out"))
        .output()
        .expect("the build script runs");
    let providers = std::fs::read_to_string(dir.join("out/providers.rs")).unwrap_or_default();
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into(), providers)
}

#[test]
fn the_shipped_catalogs_pass_and_a_new_file_adds_a_provider_without_rust() {
    let dir = package_copy("build-script-new-provider");
    let (code, stderr, providers) = run_build_script(&dir);
    assert_eq!(code, 0, "{stderr}");
    assert!(providers.contains("\"render\""), "providers.rs lacks render");
    assert!(!providers.contains("acme"));
    let acme = "version: 1\nprovider: acme\nname: Acme Cloud\ncurrency: USD\nsites: [acme.example]\n\
        source: \"acme.example/pricing\"\nas_of: 2026-12-01\nofferings:\n  - id: vm\n    name: Acme VMs\n\
        \x20   role: compute\n    billing: monthly\n    tiers:\n\
        \x20     - { id: small, capacity: { vcpu: 1, memory_mb: 1024 }, price: { monthly_usd: 9 } }\n";
    std::fs::write(dir.join("tiers/acme.yaml"), acme).unwrap();
    let (code, stderr, providers) = run_build_script(&dir);
    assert_eq!(code, 0, "{stderr}");
    assert!(providers.contains("\"acme\""), "the new file's provider is embedded");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_broken_catalog_fails_the_build_at_its_line_and_column() {
    let dir = package_copy("build-script-broken");
    let file = dir.join("tiers/render.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let (line, old) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.trim() == "price: { monthly_usd: 0 }")
        .expect("Render's free tier price line");
    let column = old.find("0 }").unwrap() + 1;
    std::fs::write(&file, text.replacen(old, &old.replace("0 }", "ten }"), 1)).unwrap();
    let (code, stderr, providers) = run_build_script(&dir);
    assert_eq!(code, 1, "{stderr}");
    let at = format!("tiers/render.yaml:{}:{column}", line + 1);
    assert!(stderr.contains(&at), "expected {at} in:\n{stderr}");
    assert!(stderr.contains("1 error(s) in the embedded catalogs"), "{stderr}");
    assert!(providers.is_empty(), "nothing is generated from a broken catalog");
    let _ = std::fs::remove_dir_all(&dir);
}

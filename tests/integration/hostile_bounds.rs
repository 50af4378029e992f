//! The hostile classes of issue 33 measured (parts 1 and 7): alias bombs,
//! nesting 100,000 deep, devices, a sparse 2 GB batch, named pipes and
//! symlink loops each end with their exit code within 100 MB of peak
//! memory, and none runs past the deadline (see `bounds`). The inputs are
//! made here; none is committed.

use crate::bounds::measure;
use crate::common::{GOOD_BATCH_LINE as GOOD, named_pipe, scratch_dir, sparse_batch, write_file};
use std::io::Write;

fn default_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/interview-prep-api.yaml"
    ))
    .unwrap()
}

/// Nine anchors, each a list of nine of the one before: 9^10 (3.5 billion)
/// nodes once expanded, from a 400-byte text.
fn alias_bomb(leaf: &str) -> String {
    let mut text = format!("a0: &a0 [{}]\n", [leaf; 9].join(","));
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(",");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text
}

fn deep(open: &str, close: &str) -> String {
    format!("{}{}", open.repeat(100_000), close.repeat(100_000))
}

#[test]
fn alias_bombs_fail_fast_in_every_yaml_input() {
    let dir = scratch_dir("bounds-alias");
    let bomb = alias_bomb("\"lol\"");
    let numbers = alias_bomb("1");
    let overlay = write_file(
        &dir,
        "overlay.yaml",
        &format!("version: 1\nprovider: bomb\nsource: x\nas_of: 2026-01\n{bomb}offerings: *a9\n"),
    );
    let scenario = write_file(
        &dir,
        "scenario.yaml",
        &default_text()
            .replacen("  load_profile: [", "  load_profile: *a9\n  old_profile: [", 1)
            .replacen("version: 1\n", &format!("version: 1\n{numbers}"), 1),
    );
    let patch =
        write_file(&dir, "patch.yaml", &format!("{numbers}workload:\n  load_profile: *a9\n"));
    let render = write_file(&dir, "render.yaml", &format!("{bomb}services: *a9\n"));
    let compose = write_file(&dir, "docker-compose.yml", &format!("{bomb}services:\n  web: *a9\n"));
    for (args, code) in [
        (vec!["recommend", "--scenario", &scenario], 2),
        (vec!["check", &scenario], 2),
        (vec!["recommend", "--tiers", &overlay], 2),
        (vec!["tiers", "check", &overlay], 1),
        (vec!["recommend", "--patch", &patch], 2),
        (vec!["import", &render], 2),
        (vec!["import", "--platform", "render", &compose], 2),
    ] {
        measure(&args)
            .within_bounds(&format!("alias bomb: {}", args[..args.len() - 1].join(" ")), code);
    }
}

#[test]
fn nesting_100000_deep_is_refused_within_bounds() {
    let dir = scratch_dir("bounds-deep");
    let base = default_text();
    let maps = deep("{a: ", "}");
    let sequences = deep("[", "]");
    let inputs = [
        (
            "maps.yaml",
            base.replacen("  users: 5000\n", &format!("  users: 5000\n  x: {maps}\n"), 1),
        ),
        ("sequences.yaml", format!("version: 1\nname: deep\nworkload: {sequences}\n")),
        (
            "load-profile.yaml",
            base.replacen("  load_profile: [", &format!("  load_profile: [{sequences}, "), 1),
        ),
        ("dashes.yaml", format!("version: 1\nname: x\nworkload: {}x\n", "- ".repeat(100_000))),
        ("app.toml", format!("version = 1\nname = \"deep\"\nworkload = {sequences}\n")),
    ];
    for (name, text) in &inputs {
        let path = write_file(&dir, name, text);
        measure(&["recommend", "--scenario", &path])
            .within_bounds(&format!("deep scenario {name}"), 2);
    }
    let overlay = write_file(
        &dir,
        "overlay.yaml",
        &format!("version: 1\nprovider: deep\nnote: {sequences}\n"),
    );
    measure(&["recommend", "--tiers", &overlay]).within_bounds("deep overlay", 2);
    measure(&["tiers", "check", &overlay]).within_bounds("deep overlay (tiers check)", 1);
    let patch =
        write_file(&dir, "patch.yaml", &format!("workload:\n  load_profile: {sequences}\n"));
    measure(&["recommend", "--patch", &patch]).within_bounds("deep patch", 2);
    let line =
        write_file(&dir, "deep.jsonl", &format!("{{\"arrival_rate\": {sequences}}}\n{GOOD}\n"));
    let run = measure(&["queue", "--batch", &line]).within_bounds("deep batch line", 1);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
}

#[cfg(unix)]
#[test]
fn devices_are_refused_within_bounds() {
    for device in ["/dev/zero", "/dev/full"] {
        if !std::path::Path::new(device).exists() {
            continue;
        }
        for args in [
            vec!["queue", "--batch", device],
            vec!["recommend", "--scenario", device],
            vec!["recommend", "--tiers", device],
            vec!["recommend", "--patch", device],
            vec!["import", device],
            vec!["calibrate", device],
        ] {
            let what = format!("{device}: {}", args[..args.len() - 1].join(" "));
            measure(&args).within_bounds(&what, 2);
        }
    }
}

#[test]
fn a_sparse_2_gb_batch_file_streams_within_bounds() {
    // 2 GiB of NULs without a newline (sparse: no disk is used), then a
    // good line: the first is one "too long" answer, read in bounded chunks.
    let dir = scratch_dir("bounds-sparse");
    let path = sparse_batch(&dir, "sparse.jsonl", 2 << 30);
    let run = measure(&["queue".as_ref(), "--batch".as_ref(), path.as_os_str()])
        .within_bounds("sparse 2 GB batch", 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines[0].contains("longer than 1 MB"), "{}", lines[0]);
    let _ = std::fs::remove_file(&path);
}

#[cfg(unix)]
#[test]
fn named_pipes_are_read_or_refused_within_bounds() {
    let dir = scratch_dir("bounds-fifo");
    let Some(fifo) = named_pipe(&dir, "pipe") else { return };
    let fifo = fifo.to_string_lossy().into_owned();
    // Documents are refused without being opened (opening would block).
    for args in [
        vec!["recommend", "--scenario", &fifo],
        vec!["recommend", "--tiers", &fifo],
        vec!["recommend", "--patch", &fifo],
        vec!["import", &fifo],
        vec!["calibrate", &fifo],
    ] {
        measure(&args)
            .within_bounds(&format!("named pipe: {}", args[..args.len() - 1].join(" ")), 2);
    }
    // A batch reads a pipe to its end: 10,000 lines from a writer.
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut pipe = std::fs::OpenOptions::new().write(true).open(writer_path).unwrap();
        for _ in 0..10_000 {
            writeln!(pipe, "{GOOD}").unwrap();
        }
    });
    let run = measure(&["queue", "--batch", &fifo]).within_bounds("named pipe: queue --batch", 0);
    writer.join().unwrap();
    assert_eq!(run.stdout.lines().count(), 10_000);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_walked_once_within_bounds() {
    let dir = scratch_dir("bounds-symlink");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/interview-prep-api.yaml"),
        dir.join("app.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("sub/back")).unwrap();
    std::os::unix::fs::symlink(dir.join("sub/self"), dir.join("sub/self")).unwrap();
    let folder = dir.to_string_lossy().into_owned();
    let run = measure(&["check", &folder]).within_bounds("symlink loop: check", 0);
    assert!(run.stdout.contains("checked 1 file(s)"), "{}", run.stdout);
    let overlays = scratch_dir("bounds-symlink-overlay");
    std::fs::write(overlays.join("a.yaml"), crate::common::testbox("t1", 1, 1024)).unwrap();
    std::os::unix::fs::symlink(&overlays, overlays.join("back")).unwrap();
    let folder = overlays.to_string_lossy().into_owned();
    measure(&["tiers", "list", "--tiers", &folder])
        .within_bounds("symlink loop: --tiers folder", 0);
}

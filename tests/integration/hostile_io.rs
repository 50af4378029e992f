//! Hostile input places (issue 33, parts 2 and 3): `queue --batch` gives
//! every non-blank line exactly one answer, a bad line is its own error and
//! the batch goes on, memory stays bounded, devices are refused; `check`
//! walks a folder with a symlink loop once.

use crate::common::{GOOD_BATCH_LINE as GOOD, capplan, named_pipe, scratch_dir, sparse_batch};
use std::io::Write;

fn answers(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_line_that_is_not_utf8_is_answered_and_the_batch_goes_on() {
    let dir = scratch_dir("batch-utf8");
    let path = dir.join("in.jsonl");
    let mut bytes = format!("{GOOD}\n").into_bytes();
    bytes.extend_from_slice(b"\xff\xfe{\"arrival_rate\": 1}\n");
    bytes.extend_from_slice(format!("{GOOD}\n").as_bytes());
    std::fs::write(&path, bytes).unwrap();
    let output = capplan().args(["queue", "--batch", path.to_str().unwrap()]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let lines = answers(&output.stdout);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"].as_str().unwrap().contains("not UTF-8"));
    assert_eq!(lines[2]["servers"], 2);
}

#[test]
fn a_line_without_end_is_one_bounded_error() {
    // 64 MB of NULs and no newline (a sparse file reads as such), then a
    // good line: the first is refused as too long, read in bounded chunks.
    let dir = scratch_dir("batch-sparse");
    let path = sparse_batch(&dir, "sparse.jsonl", 64 << 20);
    let output = capplan().args(["queue", "--batch", path.to_str().unwrap()]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let lines = answers(&output.stdout);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0]["error"].as_str().unwrap().contains("longer than 1 MB"));
    assert_eq!(lines[1]["servers"], 2);
}

#[cfg(unix)]
#[test]
fn devices_are_refused_and_a_named_pipe_with_a_writer_is_read() {
    for device in ["/dev/zero", "/dev/full"] {
        if !std::path::Path::new(device).exists() {
            continue;
        }
        let output = capplan().args(["queue", "--batch", device]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{device}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("found a device"), "{stderr}");
    }
    let dir = scratch_dir("batch-fifo");
    let Some(fifo) = named_pipe(&dir, "in.fifo") else { return };
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut pipe = std::fs::OpenOptions::new().write(true).open(writer_path).unwrap();
        for _ in 0..3 {
            writeln!(pipe, "{GOOD}").unwrap();
        }
    });
    let output = capplan().args(["queue", "--batch", fifo.to_str().unwrap()]).output().unwrap();
    writer.join().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(answers(&output.stdout).len(), 3);
}

#[test]
fn every_line_of_a_large_stdin_is_answered_once() {
    let count = 20_000;
    let input: String = (0..count)
        .map(|i| if i % 1000 == 7 { "not json\n".to_string() } else { format!("{GOOD}\n") })
        .collect();
    let output = capplan().args(["queue", "--batch", "-"]).write_stdin(input).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let lines = answers(&output.stdout);
    assert_eq!(lines.len(), count);
    let errors: Vec<u64> = lines.iter().filter_map(|l| l["line"].as_u64()).collect();
    assert_eq!(errors.len(), count / 1000);
    assert_eq!(errors[0], 8);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_a_checked_folder_is_walked_once() {
    let dir = scratch_dir("check-symlink-loop");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/interview-prep-api.yaml"),
        dir.join("app.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("sub/back")).unwrap();
    let output = capplan().args(["check", dir.to_str().unwrap()]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("checked 1 file(s)"), "{stdout}");
}

#[cfg(target_os = "linux")]
#[test]
fn paths_that_are_not_utf8_are_read_where_the_os_accepts_them() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch_dir("non-utf8-paths");
    let at = |name: &[u8]| dir.join(OsStr::from_bytes(name));
    let scenario = at(b"sc\xff.yaml");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/interview-prep-api.yaml"),
        &scenario,
    )
    .unwrap();
    let batch = at(b"q\xfe.jsonl");
    std::fs::write(&batch, format!("{GOOD}\n")).unwrap();
    let k6 = at(b"k6\xfd.json");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/calibrate/k6/summary-export.json"),
        &k6,
    )
    .unwrap();
    let runs: Vec<Vec<&OsStr>> = vec![
        vec![OsStr::new("recommend"), OsStr::new("--scenario"), scenario.as_os_str()],
        vec![OsStr::new("check"), scenario.as_os_str()],
        vec![OsStr::new("queue"), OsStr::new("--batch"), batch.as_os_str()],
        vec![OsStr::new("calibrate"), k6.as_os_str()],
    ];
    for args in runs {
        let output = capplan().args(&args).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn platform_files_nested_100000_deep_are_refused_at_their_line() {
    // YAML, JSON and TOML files given to `capplan import`: each stops at
    // its location with exit 2 (a YAML file used to hang the parser).
    let dir = scratch_dir("import-deep");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for (name, text, found) in [
        ("render.yaml", format!("services: {deep}\n"), "render.yaml:1:"),
        ("app.json", format!("{{\"formation\": {deep}}}\n"), "app.json:1:"),
        ("fly.toml", format!("app = {deep}\n"), "fly.toml:1:"),
        ("docker-compose.yml", format!("services:\n  web: {deep}\n"), "docker-compose.yml:2:"),
    ] {
        let path = crate::common::write_file(&dir, name, &text);
        let output = capplan().args(["import", &path]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(found), "{name}: {stderr}");
    }
}

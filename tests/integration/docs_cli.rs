//! Shell completions and man pages: generated from the parser's own
//! definitions, accepted by bash and zsh, rendered by `man -l`.

use crate::common::{run, scratch_dir, write_file};
use std::process::Command;

fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipping the {tool} part: {tool} is not installed (.ci/run installs it)");
    }
    found
}

#[test]
fn every_shell_gets_a_script_naming_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, script, stderr) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {stderr}");
        for name in ["recommend", "calibrate", "completions"] {
            assert!(script.contains(name), "{shell} script lacks {name}");
        }
    }
    let (code, _, stderr) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("possible values"), "{stderr}");
}

#[test]
fn bash_completes_subcommands_and_flags() {
    if !have("bash") {
        return;
    }
    let dir = scratch_dir("completions-bash");
    let (_, script, _) = run(&["completions", "bash"]);
    let path = write_file(&dir, "capplan.bash", &script);
    let complete = |words: &str, cword: usize| {
        let program = format!(
            "source '{path}'; COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{words}'; \
             COMP_POINT=${{#COMP_LINE}}; _capplan capplan \"${{COMP_WORDS[$COMP_CWORD]}}\" \
             \"${{COMP_WORDS[$COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\""
        );
        let output = Command::new("bash").args(["-c", &program]).output().expect("bash runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let subcommands = complete("capplan rec", 1);
    assert_eq!(subcommands.trim(), "recommend", "{subcommands}");
    let flags = complete("capplan recommend --us", 2);
    assert!(flags.lines().any(|l| l == "--users"), "{flags}");
    let formats = complete("capplan recommend --format ''", 3);
    for format in ["table", "json", "markdown", "csv"] {
        assert!(formats.lines().any(|l| l == format), "{formats}");
    }
}

#[test]
fn zsh_accepts_the_script() {
    if !have("zsh") {
        return;
    }
    let dir = scratch_dir("completions-zsh");
    let (_, script, _) = run(&["completions", "zsh"]);
    let path = write_file(&dir, "_capplan", &script);
    let output = Command::new("zsh").args(["-n", &path]).output().expect("zsh runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // Loaded for real: compinit, then the function is defined.
    let program = format!(
        "autoload -Uz compinit && compinit -u -d '{dir}/zcompdump' && source '{path}' && whence -w _capplan",
        dir = dir.display()
    );
    let output = Command::new("zsh").args(["-f", "-c", &program]).output().expect("zsh runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("_capplan: function"),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn man_pages_render_for_capplan_and_every_subcommand() {
    let (code, page, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH capplan 1"), "{page}");
    let dir = scratch_dir("man-pages");
    let out = dir.join("man1");
    let (code, stdout, stderr) = run(&["man", "--out-dir", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let mut pages: Vec<String> = std::fs::read_dir(&out)
        .expect("pages written")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for expected in ["capplan.1", "capplan-recommend.1", "capplan-calibrate.1", "capplan-man.1"] {
        assert!(pages.iter().any(|p| p == expected), "{pages:?}");
    }
    assert!(stdout.contains(&format!("wrote {} man pages", pages.len())), "{stdout}");
    let (code, _, stderr) = run(&["man", "nope"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no subcommand 'nope'"), "{stderr}");
    if !have("man") {
        return;
    }
    let output = Command::new("man")
        .args(["-l", out.join("capplan-recommend.1").to_str().unwrap()])
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
        .expect("man runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(text.contains("capplan-recommend") && text.contains("Recommend the stage"), "{text}");
    assert!(text.contains("--users"), "{text}");
}

//! Tables fit the reader's width: every command at 60, 80, 100 and 160
//! columns with every line within the width and no word split (80 and 100
//! as snapshots), the instance mix in its compact form where the full one
//! does not fit, `--wide` at full width, and colour only on a terminal
//! without `NO_COLOR`.

use crate::common::capplan;

/// Every command that prints tables, from the shared table (calibrate
/// prints its patch by default: asked for its table here).
fn commands() -> Vec<(&'static str, Vec<&'static str>)> {
    crate::common::every_command()
        .into_iter()
        .map(|(name, schema, mut args)| {
            if schema == "calibrate" {
                args.extend(["--format", "table"]);
            }
            (name, args)
        })
        .collect()
}

fn output_at(columns: Option<usize>, args: &[&str]) -> (i32, String) {
    let mut command = capplan();
    command.env("CAPPLAN_TODAY", "2026-11-21");
    match columns {
        Some(columns) => command.env("COLUMNS", columns.to_string()),
        None => command.env_remove("COLUMNS"),
    };
    let output = command.args(args).output().expect("capplan runs");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).into_owned())
}

fn widest(text: &str) -> usize {
    text.lines().map(|line| line.chars().count()).max().unwrap_or(0)
}

/// The figures (numbers with their `$`, `,` and `.`) of a text, in order.
fn figures(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() || (!current.is_empty() && matches!(c, ',' | '.')) {
            current.push(c);
        } else if !current.is_empty() {
            out.push(current.trim_end_matches([',', '.']).to_string());
            current.clear();
        }
    }
    if !current.is_empty() {
        out.push(current.trim_end_matches([',', '.']).to_string());
    }
    out.sort();
    out
}

/// The pieces of a text a table may break it into: words between spaces
/// and rules, and a path's parts, without the punctuation around them (a
/// compact table names `render/web: api` where the wide one has
/// `render/web/starter` and `api (web)`; a piece cut inside a word is
/// still new).
fn pieces(text: &str) -> std::collections::BTreeSet<String> {
    text.split(|c: char| c.is_whitespace() || "│┆─═┌┐└┘├┤┬┴┼╞╡╪╪[]".contains(c))
        .flat_map(|word| word.split('/'))
        .map(|piece| piece.trim_matches(|c: char| ",;:()".contains(c)))
        // Bare numbers are left to the figures check (records number
        // their rows).
        .filter(|piece| !piece.is_empty() && !piece.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_fits_60_to_160_columns_and_splits_no_word() {
    for (name, args) in commands() {
        let (wide_code, wide) = output_at(None, &[args.as_slice(), &["--wide"]].concat());
        let whole = pieces(&wide);
        for columns in [60, 160] {
            let (code, text) = output_at(Some(columns), &args);
            assert_eq!(code, wide_code, "{name} at {columns}");
            assert!(
                widest(&text) <= columns,
                "{name} at {columns} columns has a {}-column line:\n{text}",
                widest(&text)
            );
            // Every piece of the fitted output is a whole word (or path
            // part) of the wide one: nothing was cut inside a word.
            let split: Vec<String> = pieces(&text).difference(&whole).cloned().collect();
            assert!(split.is_empty(), "{name} at {columns}: split words {split:?} in:\n{text}");
        }
    }
}

#[test]
fn every_command_fits_80_and_100_columns_and_keeps_its_figures() {
    for (name, args) in commands() {
        let (wide_code, wide) = output_at(None, &[args.as_slice(), &["--wide"]].concat());
        let whole = pieces(&wide);
        for columns in [80, 100] {
            let (code, text) = output_at(Some(columns), &args);
            assert_eq!(code, wide_code, "{name} at {columns}");
            assert!(
                widest(&text) <= columns,
                "{name} at {columns} columns has a {}-column line:\n{text}",
                widest(&text)
            );
            // Wrapping moves figures between lines but never drops or splits one.
            let wide_figures = figures(&wide);
            let fitted: Vec<String> = figures(&text);
            for figure in wide_figures.iter().filter(|f| f.len() >= 2) {
                assert!(
                    fitted.contains(figure),
                    "{name} at {columns}: {figure} of the wide output is missing:\n{text}"
                );
            }
            let split: Vec<String> = pieces(&text).difference(&whole).cloned().collect();
            assert!(split.is_empty(), "{name} at {columns}: split words {split:?} in:\n{text}");
            insta::assert_snapshot!(format!("layout_{name}_{columns}"), text);
        }
    }
}

#[test]
fn the_instance_mix_is_compact_where_the_full_table_does_not_fit() {
    let args = ["recommend", "--users", "5000"];
    for columns in [80, 100] {
        let (_, text) = output_at(Some(columns), &args);
        // Each provider/offering once, in the heading; the tier alone in
        // its column, and no header split over lines.
        let heading = text.lines().find(|l| l.starts_with("Instance mix")).unwrap();
        assert!(heading.contains("(render/web: api; render/worker: worker;"), "{text}");
        let header = text.lines().find(|l| l.contains("component ┆")).unwrap();
        for column in ["tier", "count", "$/month", "busy", "p95", "sized by"] {
            assert!(header.contains(&format!(" {column} ")), "{columns}: {column} in {header}");
        }
        assert!(
            text.lines().any(|l| l.starts_with("│ api ") && l.contains("┆ starter ")),
            "{text}"
        );
        assert!(!text.contains("provider/offering/tier"), "{columns}:\n{text}");
    }
    // Wide enough, the full table; too narrow even for the compact one,
    // one record per component.
    let (_, wide) = output_at(Some(160), &args);
    assert!(wide.contains("┆ provider/offering/tier "), "{wide}");
    assert!(wide.contains("render/web/starter"), "{wide}");
    let (_, narrow) = output_at(Some(60), &args);
    assert!(narrow.contains("─[ 1 api (web) ]"), "{narrow}");
    assert!(narrow.contains("provider/offering/tier │ render/web/starter"), "{narrow}");
}

#[test]
fn piped_output_keeps_full_rows_and_columns_fits_it() {
    // Piped with no COLUMNS, tables print at their natural width (a file
    // or pager has no width to fit), the same as --wide.
    let (_, piped) = output_at(None, &["tiers", "show", "atlas"]);
    let (_, wide) = output_at(None, &["tiers", "show", "atlas", "--wide"]);
    assert!(widest(&wide) > 200, "--wide keeps one line per tier");
    assert_eq!(piped, wide);
    let (_, fitted) = output_at(Some(80), &["tiers", "show", "atlas"]);
    assert!(widest(&fitted) <= 80, "{fitted}");
    // A nonsense COLUMNS is ignored rather than failing.
    let (code, text) = output_at(None, &["stages"]);
    let mut command = capplan();
    let odd = command.env("COLUMNS", "banana").args(["stages"]).output().expect("runs");
    assert_eq!(code, 0);
    assert_eq!(String::from_utf8_lossy(&odd.stdout), text);
}

/// What capplan prints on a terminal (`script` gives it one) with `env`
/// set; `None` when `script` (util-linux) is not installed.
fn on_terminal(arguments: &str, env: &[(&str, &str)], remove: &[&str]) -> Option<String> {
    if std::process::Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipping the terminal half: `script` (util-linux) is not installed");
        return None;
    }
    let binary = assert_cmd::cargo::cargo_bin("capplan");
    let mut command = std::process::Command::new("script");
    command
        .args(["-qec", &format!("{} {arguments}", binary.display()), "/dev/null"])
        .env("TERM", "xterm");
    for (name, value) in env {
        command.env(name, value);
    }
    for name in remove {
        command.env_remove(name);
    }
    let output = command.output().expect("script runs");
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn no_escape_codes_when_piped_and_colour_on_a_terminal_unless_no_color() {
    let (_, piped) = output_at(None, &["recommend", "--users", "5000"]);
    assert!(!piped.contains('\u{1b}'), "escape codes in piped output");
    let Some(coloured) = on_terminal("stages", &[("COLUMNS", "100")], &["NO_COLOR"]) else {
        return;
    };
    assert!(coloured.contains("\u{1b}[1m"), "no bold on a terminal:\n{coloured}");
    let plain = on_terminal("stages", &[("COLUMNS", "100"), ("NO_COLOR", "1")], &[])
        .expect("script was found above");
    assert!(plain.contains("stage audit"), "{plain}");
    assert!(!plain.contains("\u{1b}["), "NO_COLOR ignored:\n{plain}");
}

#[test]
fn progress_shows_on_a_terminal_and_never_in_a_pipe() {
    // Piped: nothing on stderr but what the command says.
    let output = capplan()
        .env("CAPPLAN_PROGRESS_AFTER_MS", "0")
        .args(["recommend", "--samples", "300", "--format", "json"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("planning") && !stderr.contains('█'), "{stderr}");
    let Some(terminal) = on_terminal(
        "recommend --samples 300 --format json > /dev/null",
        &[("CAPPLAN_PROGRESS_AFTER_MS", "0")],
        &[],
    ) else {
        return;
    };
    assert!(terminal.contains("planning"), "no progress bar on the terminal:\n{terminal}");
}

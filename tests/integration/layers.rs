//! The source tree is the pipeline: the library's top-level modules are
//! stages, and a stage refers only to the stages before it (the order
//! `src/lib.rs` states); inside any folder, the sibling modules form no
//! circle. Read from the source text (`crate::…` and `super::…` paths in
//! code, comments and `#[cfg(test)]` modules left out), so a new import that
//! runs back up the pipeline fails here, named, instead of growing a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The library's stages in pipeline order (as `src/lib.rs` lists them).
const STAGES: &[&str] = &[
    "support",
    "input",
    "queueing",
    "catalog",
    "scenario",
    "demand",
    "planner",
    "uncertainty",
    "calibrate",
    "import",
    "report",
];

/// A source file: its module path under `src/` (`["planner", "charges",
/// "burst"]`) and its code without comments or test modules.
struct Source {
    module: Vec<String>,
    code: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn sources() -> Vec<Source> {
    let mut out = Vec::new();
    let mut stack = vec![src_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(src_dir()).unwrap();
                let mut module: Vec<String> =
                    rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
                let file = module.pop().unwrap();
                let stem = file.trim_end_matches(".rs");
                if stem != "mod" {
                    module.push(stem.to_string());
                }
                let text = std::fs::read_to_string(&path).unwrap();
                out.push(Source { module, code: code_only(&text) });
            }
        }
    }
    out
}

/// The text without line comments and without everything from the first
/// `#[cfg(test)]` on (test modules come last in this code base).
fn code_only(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|line| match line.find("//") {
            // A `//` inside a string ("https://…") is rare in paths; a
            // line whose code part is cut only loses references after it.
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module paths a piece of code names: `crate::a::b` gives `[a, b]`,
/// `super::b` seen from `[x, y, z]` gives `[x, y, b]`.
fn references(source: &Source) -> Vec<Vec<String>> {
    let mut refs = Vec::new();
    let code = &source.code;
    for (at, _) in code.match_indices("crate::") {
        if at > 0 && is_ident(code.as_bytes()[at - 1]) {
            continue;
        }
        refs.push(path_after(&code[at + "crate::".len()..]));
    }
    for (at, _) in code.match_indices("super::") {
        if at > 0 && (is_ident(code.as_bytes()[at - 1]) || code.as_bytes()[at - 1] == b':') {
            continue;
        }
        let mut rest = &code[at..];
        let mut base = source.module.clone();
        while let Some(next) = rest.strip_prefix("super::") {
            base.pop();
            rest = next;
        }
        base.extend(path_after(rest));
        refs.push(base);
    }
    refs
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn path_after(text: &str) -> Vec<String> {
    text.split("::")
        .map(|part| {
            part.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>()
        })
        .take_while(|part| {
            !part.is_empty() && part.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        })
        .collect()
}

#[test]
fn each_stage_refers_only_to_the_stages_before_it() {
    let lib = std::fs::read_to_string(src_dir().join("lib.rs")).unwrap();
    let declared: BTreeSet<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    assert_eq!(declared, STAGES.iter().copied().collect(), "src/lib.rs declares the stages");
    let order = STAGES.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" → ");
    let doc: String =
        lib.lines().filter_map(|l| l.strip_prefix("//! ")).collect::<Vec<_>>().join(" ");
    assert!(doc.contains(&order), "src/lib.rs's doc states the order {order}");
    let rank = |m: &str| STAGES.iter().position(|s| *s == m);
    let mut backwards = BTreeSet::new();
    for source in sources() {
        let Some(own) = source.module.first().and_then(|m| rank(m)) else {
            continue; // the binary side (cli, render, main)
        };
        for target in references(&source) {
            if let Some(other) = target.first().and_then(|m| rank(m))
                && other > own
            {
                backwards.insert(format!(
                    "src/{} refers to crate::{}",
                    source.module.join("/"),
                    target.join("::")
                ));
            }
        }
    }
    assert!(backwards.is_empty(), "references that run back up the pipeline:\n{backwards:#?}");
}

#[test]
fn no_folder_has_modules_in_a_circle() {
    // Edges between sibling modules of one folder: `planner/charges` →
    // `planner/usage` when anything under charges names planner::usage.
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for source in sources() {
        for target in references(&source) {
            let shared = source.module.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if shared < source.module.len() && shared < target.len() {
                let from = source.module[..=shared].to_vec();
                let to = target[..=shared].to_vec();
                edges.entry(from).or_default().insert(to);
            }
        }
    }
    let mut circles = BTreeSet::new();
    for start in edges.keys() {
        // Depth-first from each module: reaching it again is a circle.
        let mut stack: Vec<(Vec<String>, Vec<Vec<String>>)> =
            vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((node, trail)) = stack.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if next == start {
                    let mut names: Vec<String> = trail.iter().map(|m| m.join("/")).collect();
                    names.push(start.join("/"));
                    let min = (0..names.len() - 1).min_by_key(|&i| &names[i]).unwrap();
                    let mut ring: Vec<String> = names[min..names.len() - 1].to_vec();
                    ring.extend_from_slice(&names[..min]);
                    circles.insert(ring.join(" → "));
                } else if seen.insert(next.clone()) {
                    let mut longer = trail.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    assert!(circles.is_empty(), "modules in a circle:\n{circles:#?}");
}

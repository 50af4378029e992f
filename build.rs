//! Compiles the catalogs in. Every `tiers/*.yaml` is found (no list to
//! keep), parsed and checked by the very code `capplan tiers check` runs
//! (the modules below are included from `src/`), and a file with an error
//! fails the build with its file:line:column and field. The parsed
//! providers are written out as the Rust code that builds them
//! (OUT_DIR/providers.rs, by build/rust_code.rs), so start-up parses
//! nothing; OUT_DIR/catalogs.rs holds the file table, the provider ids
//! and the ids of the shipped stacks, so help texts list what is really
//! compiled in. Measured against the alternatives in docs/catalogs.md.

// The catalog's own parsing and checking, compiled into this script.
// Outside src/catalog/ only the input helpers they use are included.
#[allow(dead_code)]
#[path = "src/input/locate.rs"]
mod locate;
#[allow(dead_code)]
#[path = "src/input/problem.rs"]
mod problem;
#[allow(dead_code)]
#[path = "src/input/read.rs"]
mod read;
#[allow(dead_code)]
#[path = "src/input/yaml.rs"]
mod yaml;
/// What `crate::input::X` names inside the included files.
mod input {
    pub(crate) use crate::{locate, problem, read, yaml};
}
#[allow(dead_code)]
#[path = "src/catalog/check.rs"]
mod check;
#[allow(dead_code)]
#[path = "src/catalog/dates.rs"]
mod dates;
#[allow(dead_code)]
#[path = "src/catalog/load.rs"]
mod load;
#[allow(dead_code)]
#[path = "src/catalog/rules.rs"]
mod rules;
#[allow(dead_code)]
#[path = "src/catalog/types.rs"]
mod types;

/// What `crate::catalog::X` names inside the included files.
mod catalog {
    pub use crate::{check::*, dates::*, load::*, rules::*, types::*};
}
// What `super::X` names inside the included files.
use catalog::*;

#[path = "build/rust_code.rs"]
mod rust_code;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const TIERS: &str = "tiers";
const STACKS: &str = "stacks/stacks.yaml";

fn main() {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={TIERS}");
    println!("cargo:rerun-if-changed={STACKS}");
    let paths = catalog_files(Path::new(TIERS));
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in &paths {
        println!("cargo:rerun-if-changed={}", path.display());
        match read_catalog(path) {
            Ok(file) => files.push(file),
            Err(found) => problems.extend(found),
        }
    }
    problems.extend(unique_providers(&files));
    problems.extend(check_catalog(&files).into_iter().filter(|p| p.severity == Severity::Error));
    // A file that did not parse would make every stack naming its
    // provider an error too: its own error is the one to read.
    let stack_ids = match stack_ids(&files) {
        Ok(ids) => ids,
        Err(found) => {
            if files.len() == paths.len() {
                problems.extend(found);
            }
            Vec::new()
        }
    };
    if !problems.is_empty() {
        // cargo prints a failed build script's stderr whole.
        for problem in &problems {
            eprintln!("{problem}");
        }
        eprintln!(
            "{} error(s) in the embedded catalogs: fix them, or run `capplan tiers check` for warnings too",
            problems.len()
        );
        std::process::exit(1);
    }
    write_if_changed(&out_dir.join("providers.rs"), provider_code(&files).as_bytes());
    let table = file_table(&files, &stack_ids);
    write_if_changed(&out_dir.join("catalogs.rs"), table.as_bytes());
}

/// The `.yaml` files of the folder, sorted by name: the order providers
/// are listed in.
fn catalog_files(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| fail(&format!("{TIERS}: {e}")));
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        fail(&format!("{TIERS}: no .yaml catalog files"));
    }
    paths
}

/// One embedded file: one provider, named like the file (`tiers/acme.yaml`
/// holds `provider: acme`), so a provider's file is found by its id.
fn read_catalog(path: &Path) -> Result<LoadedFile, Vec<Problem>> {
    let name = format!("{TIERS}/{}", path.file_name().unwrap().to_string_lossy());
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![Problem::error(&name, None, None, "", &format!("cannot read: {e}"))])?;
    let mut parsed = parse_file(&name, &text).map_err(|e| e.problems)?;
    if parsed.len() != 1 {
        return Err(vec![Problem::error(
            &name,
            None,
            None,
            "",
            &format!(
                "expected one provider document in an embedded catalog, found {}",
                parsed.len()
            ),
        )]);
    }
    let file = parsed.remove(0);
    let stem = path.file_stem().unwrap().to_string_lossy();
    if file.provider.provider != stem {
        let line = input::locate::line_of(&text, &[input::locate::Step::Key("provider".into())]);
        return Err(vec![Problem::error(
            &name,
            line,
            Some(1),
            "provider",
            &format!(
                "expected `{stem}` (an embedded catalog is named after its provider), found `{}`",
                file.provider.provider
            ),
        )]);
    }
    Ok(file)
}

fn unique_providers(files: &[LoadedFile]) -> Vec<Problem> {
    let mut seen = std::collections::HashSet::new();
    files
        .iter()
        .filter(|f| !seen.insert(f.provider.provider.as_str()))
        .map(|f| {
            Problem::error(
                &f.name,
                None,
                None,
                "provider",
                &format!("provider `{}` is already embedded", f.provider.provider),
            )
        })
        .collect()
}

/// The ids of the shipped stacks, in file order, each offering they name
/// checked against the catalogs (the role rules are `compare`'s own and
/// tested there).
fn stack_ids(files: &[LoadedFile]) -> Result<Vec<String>, Vec<Problem>> {
    let text = std::fs::read_to_string(STACKS)
        .map_err(|e| vec![Problem::error(STACKS, None, None, "", &format!("cannot read: {e}"))])?;
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).map_err(|e| {
        let at = e.location();
        vec![Problem::error(
            STACKS,
            at.as_ref().map(|l| l.line()),
            at.as_ref().map(|l| l.column()),
            "",
            &strip_location(&e.to_string()),
        )]
    })?;
    let stacks = value["stacks"].as_sequence().cloned().unwrap_or_default();
    let mut ids = Vec::new();
    let mut problems = Vec::new();
    for (i, stack) in stacks.iter().enumerate() {
        let Some(id) = stack["id"].as_str() else {
            problems.push(Problem::error(
                STACKS,
                None,
                None,
                &format!("stacks[{i}].id"),
                "missing",
            ));
            continue;
        };
        ids.push(id.to_string());
        for role in ["web", "worker", "database", "cache"] {
            let named = stack[role].as_sequence().cloned().unwrap_or_default();
            for reference in named.iter().filter_map(|r| r.as_str()) {
                if !offering_exists(files, reference) {
                    problems.push(Problem::error(
                        STACKS,
                        line_containing(&text, reference),
                        None,
                        &format!("stacks.{id}.{role}"),
                        &format!(
                            "expected an embedded provider/offering[/tier], found `{reference}`"
                        ),
                    ));
                }
            }
        }
    }
    if problems.is_empty() { Ok(ids) } else { Err(problems) }
}

fn offering_exists(files: &[LoadedFile], reference: &str) -> bool {
    let mut parts = reference.split('/');
    let (Some(provider), Some(offering), tier) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    files
        .iter()
        .filter(|f| f.provider.provider == provider)
        .flat_map(|f| &f.provider.offerings)
        .filter(|o| o.id == offering)
        .any(|o| tier.is_none_or(|t| o.tiers.iter().any(|x| x.id == t)))
}

fn line_containing(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// The generated table (`include!`d by src/catalog/embedded.rs).
fn file_table(files: &[LoadedFile], stacks: &[String]) -> String {
    let mut out = String::from("// Generated by build.rs from tiers/*.yaml: do not edit.\n\n");
    writeln!(
        out,
        "/// Every embedded catalog file (name, text), sorted by name.\npub const FILES: [(&str, &str); {}] = [",
        files.len()
    )
    .unwrap();
    for file in files {
        writeln!(
            out,
            "    ({:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{}\"))),",
            file.name, file.name
        )
        .unwrap();
    }
    out.push_str("];\n\n");
    writeln!(
        out,
        "/// The provider id of each file, in the same order.\npub const PROVIDER_IDS: [&str; {}] = {:?};\n",
        files.len(),
        files
            .iter()
            .map(|f| f.provider.provider.as_str())
            .collect::<Vec<_>>()
    )
    .unwrap();
    writeln!(
        out,
        "/// The ids of the stacks in {STACKS}, in file order.\npub const STACK_IDS: [&str; {}] = {:?};",
        stacks.len(),
        stacks
    )
    .unwrap();
    out
}

/// The providers as Rust code (`include!`d by src/catalog/embedded.rs):
/// one function per provider, so no function is huge to compile.
fn provider_code(files: &[LoadedFile]) -> String {
    let mut out = String::from(
        "// Generated by build.rs from tiers/*.yaml: do not edit.\n\n\
         /// The embedded providers, in file-name order.\n\
         pub fn providers() -> Vec<Provider> {\n    vec![\n",
    );
    for i in 0..files.len() {
        writeln!(out, "        provider_{i}(),").unwrap();
    }
    out.push_str("    ]\n}\n");
    for (i, file) in files.iter().enumerate() {
        let code = rust_code::to_rust(&file.provider)
            .unwrap_or_else(|e| fail(&format!("{}: {e}", file.name)));
        writeln!(out, "\n// {}\nfn provider_{i}() -> Provider {{\n{code}\n}}", file.name).unwrap();
    }
    out
}

/// Leaves an unchanged file alone, so its mtime does not rebuild the crate.
fn write_if_changed(path: &Path, bytes: &[u8]) {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return;
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
}

fn fail(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(1);
}

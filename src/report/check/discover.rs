//! The files `check` reads: paths walked into scenario and catalog files.

use super::*;

/// Every `.yaml`, `.yml` and `.toml` file under the paths (folders walked
/// recursively, sorted); problems for paths that cannot be read or hold none.
pub(super) fn collect(paths: &[PathBuf], problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        match std::fs::metadata(path) {
            Err(e) => {
                problems.push(Problem::error(&name, None, None, "", &format!("cannot read: {e}")))
            }
            Ok(meta) if meta.is_dir() => {
                let before = files.len();
                let mut visited = std::collections::HashSet::new();
                walk(path, &mut files, problems, &mut visited);
                if files.len() >= MAX_FILES {
                    problems.push(Problem::error(
                        &name,
                        None,
                        None,
                        "",
                        &format!("the folder holds {MAX_FILES} or more files to check: give a smaller folder"),
                    ));
                }
                if files.len() == before {
                    problems.push(Problem::error(
                        &name,
                        None,
                        None,
                        "",
                        "the folder holds no scenario or catalog files (.yaml, .yml, .toml)",
                    ));
                }
            }
            Ok(_) => files.push(path.clone()),
        }
    }
    files
}

/// The most files `check` collects from its folders: far above a real
/// repository's scenarios, low enough that a runaway tree fails fast.
pub(super) const MAX_FILES: usize = 10_000;

/// Collects the folder's scenario and catalog files, each folder once
/// (by its real path: a symlink back up the tree is not a loop).
pub(super) fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    problems: &mut Vec<Problem>,
    visited: &mut std::collections::HashSet<PathBuf>,
) {
    let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !visited.insert(real) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Problem::error(
                &dir.display().to_string(),
                None,
                None,
                "",
                &format!("cannot list the folder: {e}"),
            ));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if files.len() >= MAX_FILES {
            return;
        }
        if path.is_dir() {
            walk(&path, files, problems, visited);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "toml"))
        {
            files.push(path);
        }
    }
}

/// A catalog file names a `provider`; anything else is read as a scenario.
pub(super) fn is_catalog(name: &str, text: &str) -> bool {
    !crate::input::read::is_toml(name)
        && text.lines().any(|l| l.starts_with("provider:") || l.starts_with("\"provider\":"))
}

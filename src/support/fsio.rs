//! Writing files so that nothing is half-written: the bytes go to a
//! temporary file beside the target, which is renamed into place only when
//! complete. On any error the previous file, if there was one, is untouched.

use std::io::Write;
use std::path::Path;

pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // Renaming over a device, pipe or folder would replace it with a file.
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "expected a regular file or a new path, found a device, pipe or folder",
        ));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    remove_stale_temporaries(dir, &name);
    let temp = dir.join(format!(".{name}.capplan-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Temporaries of the same target left by a run that was killed (`kill
/// -9` leaves no chance to clean up): removed when their process is gone.
/// Only where a process can be looked up (`/proc`); elsewhere left alone.
fn remove_stale_temporaries(dir: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let prefix = format!(".{name}.capplan-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_killed_run_s_temporary_is_removed_by_the_next_write() {
        let dir = std::env::temp_dir().join(format!("capplan-fsio-stale-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A process id far above any running one (pid_max is at most 2^22).
        let stale = dir.join(".chart.png.capplan-4194304999.tmp");
        std::fs::write(&stale, b"half a chart").unwrap();
        let other = dir.join(".other.png.capplan-4194304999.tmp");
        std::fs::write(&other, b"not ours").unwrap();
        write_atomically(&dir.join("chart.png"), b"png").unwrap();
        assert!(!stale.exists());
        assert!(other.exists(), "another target's temporary is left alone");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn replaces_whole_files_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("capplan-fsio-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.txt");
        write_atomically(&path, b"first").unwrap();
        write_atomically(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        // A target in a missing folder fails without creating anything.
        assert!(write_atomically(&dir.join("missing/out.txt"), b"x").is_err());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        // A folder (or a device such as /dev/null) is refused, not replaced.
        assert!(write_atomically(&dir, b"x").is_err());
        assert!(dir.is_dir());
        #[cfg(unix)]
        {
            assert!(write_atomically(Path::new("/dev/null"), b"x").is_err());
            assert!(!std::fs::symlink_metadata("/dev/null").unwrap().is_file());
        }
    }
}

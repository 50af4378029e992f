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
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
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

#[cfg(test)]
mod tests {
    use super::*;

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

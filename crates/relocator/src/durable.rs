//! Making changes stick: atomic file replacement, folder syncs, a rename that
//! never replaces, and a flush of everything written under a folder.

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::Path;

use crate::error::{Error, IoContext as _, Result};

/// Writes `bytes` to `path` atomically: a temporary file beside it, fsync,
/// rename over `path`, fsync of the folder. A crash leaves either the old
/// file or the new one, never a torn one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .at(&tmp)?;
        f.write_all(bytes).at(&tmp)?;
        f.sync_all().at(&tmp)?;
    }
    fs::rename(&tmp, path).at(path)?;
    sync_parent(path)
}

/// Fsyncs the folder holding `path`, so a rename or creation in it survives
/// a power cut. A no-op where folders cannot be opened (Windows).
pub fn sync_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => sync_dir(parent),
        _ => Ok(()),
    }
}

/// Fsyncs one folder (Unix); Windows has no such call and needs none.
pub fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir).at(dir)?.sync_all().at(dir)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Renames `from` to `to`, failing with `AlreadyExists` instead of replacing
/// anything at `to` (rename(2) would silently replace an empty folder).
pub fn rename_no_replace(from: &Path, to: &Path) -> Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        let flags = rustix::fs::RenameFlags::NOREPLACE;
        match rustix::fs::renameat_with(rustix::fs::CWD, from, rustix::fs::CWD, to, flags) {
            Ok(()) => {}
            // Some file systems (older network ones) lack the flag: check, then rename.
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => rename_checked(from, to)?,
            Err(e) => return Err(Error::io(to, e.into())),
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
    {
        // Windows' MoveFileEx without REPLACE_EXISTING already refuses an existing target.
        rename_checked(from, to)?;
    }
    sync_parent(to)?;
    if from.parent() != to.parent() {
        sync_parent(from)?;
    }
    Ok(())
}

fn rename_checked(from: &Path, to: &Path) -> Result<()> {
    if fs::symlink_metadata(to).is_ok() {
        return Err(Error::io(to, std::io::ErrorKind::AlreadyExists.into()));
    }
    fs::rename(from, to).at(to)
}

/// Makes everything written on the file system holding `root` durable, with
/// one `syncfs`: cheaper than a sync per file. (Elsewhere the copy syncs
/// each file through the handle that wrote it: Windows refuses to flush a
/// file opened only for reading.)
#[cfg(target_os = "linux")]
pub fn sync_file_system(root: &Path) -> Result<()> {
    let dir = fs::File::open(root).at(root)?;
    rustix::fs::syncfs(&dir).map_err(|e| Error::io(root, e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_replaces_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("journal.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert!(!p.with_extension("tmp").exists());
    }

    #[test]
    fn rename_no_replace_refuses_an_existing_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("staging");
        let to = dir.path().join("Backup");
        fs::create_dir(&from).unwrap();
        fs::write(from.join("f"), b"x").unwrap();
        fs::create_dir(&to).unwrap();
        let err = rename_no_replace(&from, &to).unwrap_err();
        assert_eq!(
            err.io_kind(),
            Some(std::io::ErrorKind::AlreadyExists),
            "{err}"
        );
        assert!(from.join("f").exists());
        fs::remove_dir(&to).unwrap();
        rename_no_replace(&from, &to).unwrap();
        assert!(to.join("f").exists());
    }
}

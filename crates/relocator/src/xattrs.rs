//! Extended attributes: which ones a copy carries over, reading them,
//! writing them, and whether a drive can hold any. On macOS every
//! attribute (`com.apple.*` included); on Linux `user.*`, and `security.*`
//! when running as root (only root may write them). Windows has none of
//! these (its alternate data streams are not used by Apple's backups).
//! Links are never followed: a link's own attributes are its own.

use std::ffi::{OsStr, OsString};
use std::path::Path;

use crate::error::{Error, Result};

/// An entry's carried-over attributes, sorted by name.
pub type Attributes = Vec<(OsString, Vec<u8>)>;

/// Whether a copy carries the attribute `name` over, on a system that is
/// `macos` or not, run by `root` or not.
#[must_use]
pub fn carried_over(name: &OsStr, macos: bool, root: bool) -> bool {
    if macos {
        return true;
    }
    let name = name.as_encoded_bytes();
    name.starts_with(b"user.") || (root && name.starts_with(b"security."))
}

/// Whether this process may write `security.*` attributes.
#[cfg(unix)]
fn running_as_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// The carried-over attributes of `path` (not following a link), sorted.
pub fn read(path: &Path) -> Result<Attributes> {
    #[cfg(unix)]
    {
        let (macos, root) = (cfg!(target_vendor = "apple"), running_as_root());
        let names = match xattr::list(path) {
            Ok(names) => names,
            // A file system without attributes has none to carry.
            Err(e) if unsupported(&e) => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(path, e)),
        };
        let mut found = Vec::new();
        for name in names.filter(|n| carried_over(n, macos, root)) {
            // An attribute removed since the listing is simply not there.
            if let Some(value) = xattr::get(path, &name).map_err(|e| Error::io(path, e))? {
                found.push((name, value));
            }
        }
        found.sort();
        Ok(found)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(Vec::new())
    }
}

/// Writes `attributes` on `path` (not following a link).
pub fn write(path: &Path, attributes: &Attributes) -> Result<()> {
    #[cfg(unix)]
    for (name, value) in attributes {
        xattr::set(path, name, value).map_err(|e| {
            Error::io(
                path,
                std::io::Error::new(
                    e.kind(),
                    format!(
                        "cannot keep its extended attribute {}: {e}",
                        name.to_string_lossy()
                    ),
                ),
            )
        })?;
    }
    let _ = (path, attributes);
    Ok(())
}

/// The first entry below `root` (none if there is none) that carries
/// attributes a copy would carry over: what a drive without attributes
/// would lose. Walks the tree only when asked (such a drive is the target).
pub fn first_carried(root: &Path, cancel: &crate::Cancel) -> Result<Option<std::path::PathBuf>> {
    use std::sync::Mutex;
    struct Finder(Mutex<Option<std::path::PathBuf>>);
    impl crate::walk::Visitor for Finder {
        type State = ();
        fn state(&self) {}
        fn visit(&self, (): &mut (), entry: &crate::walk::Entry<'_>) -> Result<bool> {
            let mut found = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if found.is_some() {
                return Ok(false);
            }
            if !read(entry.path)?.is_empty() {
                *found = Some(entry.path.to_owned());
            }
            Ok(entry.file_type.is_dir())
        }
        fn unreadable(&self, (): &mut (), _error: Error) -> Result<()> {
            Ok(())
        }
    }
    if !cfg!(unix) {
        return Ok(None);
    }
    let finder = Finder(Mutex::new(None));
    crate::walk::walk(root, crate::walk::default_threads(), cancel, &finder)?;
    Ok(finder
        .0
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner))
}

/// Whether the error says the file system has no extended attributes.
#[cfg(unix)]
fn unsupported(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::Unsupported
        || e.raw_os_error().is_some_and(|code| {
            let errno = rustix::io::Errno::from_raw_os_error(code);
            errno == rustix::io::Errno::NOTSUP || errno == rustix::io::Errno::OPNOTSUPP
        })
}

/// Whether the file `probe_file`'s file system stores an attribute (it is
/// set and removed again).
#[must_use]
pub fn supported(probe_file: &Path) -> bool {
    #[cfg(unix)]
    {
        let name = "user.backup-relocator.probe";
        let kept = xattr::set(probe_file, name, b"1").is_ok()
            && xattr::get(probe_file, name).is_ok_and(|v| v.as_deref() == Some(b"1"));
        let _ = xattr::remove(probe_file, name);
        kept
    }
    #[cfg(not(unix))]
    {
        let _ = probe_file;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_attributes_are_carried_over() {
        let n = OsStr::new;
        assert!(carried_over(n("user.note"), false, false));
        assert!(!carried_over(n("security.selinux"), false, false));
        assert!(carried_over(n("security.selinux"), false, true));
        assert!(!carried_over(n("trusted.x"), false, true));
        assert!(!carried_over(n("system.posix_acl_access"), false, true));
        assert!(carried_over(n("com.apple.FinderInfo"), true, false));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn attributes_round_trip_on_files_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"x").unwrap();
        if !supported(&file) {
            eprintln!("skipped: the temp folder's file system has no user attributes");
            return;
        }
        xattr::set(&file, "user.b", b"2").unwrap();
        xattr::set(&file, "user.a", b"1").unwrap();
        let attrs = read(&file).unwrap();
        assert_eq!(
            attrs,
            [
                ("user.a".into(), b"1".to_vec()),
                ("user.b".into(), b"2".to_vec())
            ]
        );
        let folder = dir.path().join("d");
        std::fs::create_dir(&folder).unwrap();
        write(&folder, &attrs).unwrap();
        assert_eq!(read(&folder).unwrap(), attrs);
    }
}

//! Extended attributes: which ones a copy carries over, reading them,
//! writing them, and whether a drive can hold any. On macOS every
//! attribute but those the system manages itself; on Linux `user.*`, and
//! `security.*` when running as root (only root may write them). Windows
//! has none of these (its alternate data streams are not used by Apple's
//! backups). Links are never followed: a link's own attributes are its own.
//!
//! What macOS manages (never carried, compared or restored: a copy by a
//! downloaded app gains `com.apple.provenance`, and setting these is
//! refused without special rights): `com.apple.provenance`,
//! `com.apple.quarantine`, `com.apple.macl`, `com.apple.rootless`,
//! `com.apple.lastuseddate#PS`, everything under `com.apple.system.`
//! (xnu's `xattr_protected`), and any name whose `#` flags say a copy
//! drops it (`xattr_flags(3)`: `N` never preserve, `B` only for backups,
//! `X` only when saving).

use std::ffi::{OsStr, OsString};
use std::path::Path;

use crate::error::{Error, Result};

/// An entry's carried-over attributes, sorted by name.
pub type Attributes = Vec<(OsString, Vec<u8>)>;

/// Whether a copy carries the attribute `name` over, on a system that is
/// `macos` or not, run by `root` or not.
#[must_use]
pub fn carried_over(name: &OsStr, macos: bool, root: bool) -> bool {
    let name = name.as_encoded_bytes();
    if macos {
        return !managed_by_macos(name);
    }
    name.starts_with(b"user.") || (root && name.starts_with(b"security."))
}

/// Whether macOS manages the attribute `name` itself (see the module's
/// documentation): a copy neither carries nor compares it.
#[must_use]
pub fn managed_by_macos(name: &[u8]) -> bool {
    const MANAGED: [&[u8]; 5] = [
        b"com.apple.provenance",
        b"com.apple.quarantine",
        b"com.apple.macl",
        b"com.apple.rootless",
        b"com.apple.lastuseddate#PS",
    ];
    MANAGED.contains(&name) || name.starts_with(b"com.apple.system.") || !copy_keeps_by_flags(name)
}

/// `xattr_flags(3)` for the intent "copy": the flag letters after the name's
/// last `#` (upper case sets a flag, lower case clears it) must not say
/// `N` (never preserve), `B` (only for backups) or `X` (only when saving).
fn copy_keeps_by_flags(name: &[u8]) -> bool {
    let Some(at) = name.iter().rposition(|&b| b == b'#') else {
        return true;
    };
    let mut dropped = false;
    for &letter in &name[at + 1..] {
        match letter {
            b'N' | b'B' | b'X' => dropped = true,
            b'n' | b'b' | b'x' => dropped = false,
            _ => {}
        }
    }
    !dropped
}

/// Whether an attribute's value says anything: an all-zero Finder info
/// is what macOS adds and means the same as none.
#[cfg_attr(
    not(unix),
    allow(
        dead_code,
        reason = "attributes are read on Unix only; its test runs everywhere"
    )
)]
fn meaningful(name: &OsStr, value: &[u8]) -> bool {
    !(name == "com.apple.FinderInfo" && value.iter().all(|&b| b == 0))
}

/// Whether this process may write `security.*` attributes (asked once:
/// a copy asks for every file).
#[cfg(unix)]
fn running_as_root() -> bool {
    static ROOT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ROOT.get_or_init(|| rustix::process::geteuid().is_root())
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
            if let Some(value) = xattr::get(path, &name).map_err(|e| Error::io(path, e))?
                && meaningful(&name, &value)
            {
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
        assert!(carried_over(
            n("com.apple.metadata:kMDItemWhereFroms"),
            true,
            false
        ));
    }

    /// Issue 19: what macOS manages itself is never carried or compared,
    /// or a downloaded app's copy (with its `com.apple.provenance`) never
    /// matches, and a move back asks for Full Disk Access to set them.
    #[test]
    fn attributes_macos_manages_are_never_carried() {
        let n = OsStr::new;
        for managed in [
            "com.apple.provenance",
            "com.apple.quarantine",
            "com.apple.macl",
            "com.apple.rootless",
            "com.apple.lastuseddate#PS",
            "com.apple.system.Security",
            "org.example.cache#N",
            "org.example.backup-only#PB",
            "org.example.saving#X",
        ] {
            assert!(!carried_over(n(managed), true, false), "{managed}");
            assert!(!carried_over(n(managed), true, true), "{managed}");
        }
        // Flags: the last letter for a flag wins; other letters are other flags.
        assert!(carried_over(n("org.example.kept#Nn"), true, false));
        assert!(carried_over(n("org.example.synced#CS"), true, false));
        assert!(carried_over(n("com.apple.ResourceFork"), true, false));
        assert!(meaningful(n("com.apple.FinderInfo"), &[0, 0, 1]));
        assert!(!meaningful(n("com.apple.FinderInfo"), &[0; 32]));
        assert!(meaningful(n("user.zeros"), &[0; 4]));
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

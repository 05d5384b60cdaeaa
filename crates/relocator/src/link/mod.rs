//! Folder links: a symbolic link on macOS and Linux, an NTFS junction on
//! Windows (a directory symbolic link for network shares). Removing a link
//! never touches what it points to.

use std::path::{Path, PathBuf};

use crate::Result;

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

#[cfg(test)]
mod tests;

/// The kind of link a platform uses for a given target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// A symbolic link (macOS, Linux; Windows for network shares).
    Symlink,
    /// An NTFS junction (Windows, local volumes; no admin rights needed).
    Junction,
}

/// Creates, reads and removes links that stand in for a folder.
pub trait FolderLink: Send + Sync {
    /// Creates a link at `link` (which must not exist) pointing to the folder `target`.
    fn create(&self, link: &Path, target: &Path) -> Result<()>;
    /// What `link` points to, or `None` when `link` is not a link (or does not exist).
    fn read(&self, link: &Path) -> Result<Option<PathBuf>>;
    /// Removes the link itself. Fails, changing nothing, if `link` is not a link.
    fn remove(&self, link: &Path) -> Result<()>;
    /// The kind of link `create` makes for `target`.
    fn kind_for(&self, target: &Path) -> LinkKind;
}

/// The link implementation for the platform this runs on.
#[must_use]
pub fn platform_link() -> Box<dyn FolderLink> {
    #[cfg(unix)]
    {
        Box::new(unix::Symlinks)
    }
    #[cfg(windows)]
    {
        Box::new(windows::Junctions)
    }
}

/// Which kind of link Windows needs for `target`: junctions cannot point to
/// a network share (`\\server\share\…`), so those need a symbolic link.
#[must_use]
pub fn windows_kind_for(target: &str) -> LinkKind {
    let t = target.replace('/', "\\");
    let is_unc = t.starts_with("\\\\") && !t.starts_with("\\\\?\\") && !t.starts_with("\\\\.\\");
    let is_verbatim_unc = t.to_ascii_uppercase().starts_with("\\\\?\\UNC\\");
    if is_unc || is_verbatim_unc {
        LinkKind::Symlink
    } else {
        LinkKind::Junction
    }
}

/// Whether `a` and `b` name the same place, comparing as the link's platform
/// does (Windows: case-insensitive, either slash; elsewhere: exact).
#[must_use]
pub fn same_link_target(a: &Path, b: &Path) -> bool {
    if cfg!(windows) {
        let comparable = |p: &Path| crate::paths::windows_comparable(&p.to_string_lossy());
        comparable(a) == comparable(b)
    } else {
        a.components().eq(b.components())
    }
}

#[cfg(test)]
mod rule_tests {
    use super::*;

    #[test]
    fn windows_uses_junctions_locally_and_symlinks_for_shares() {
        assert_eq!(windows_kind_for(r"D:\Backups\Backup"), LinkKind::Junction);
        assert_eq!(
            windows_kind_for(r"\\?\D:\Backups\Backup"),
            LinkKind::Junction
        );
        assert_eq!(windows_kind_for(r"\\nas\share\Backup"), LinkKind::Symlink);
        assert_eq!(windows_kind_for("//nas/share/Backup"), LinkKind::Symlink);
        assert_eq!(
            windows_kind_for(r"\\?\UNC\nas\share\Backup"),
            LinkKind::Symlink
        );
    }

    #[test]
    fn same_target_ignores_a_trailing_separator() {
        assert!(same_link_target(Path::new("/a/b/"), Path::new("/a/b")));
        assert!(!same_link_target(Path::new("/a/b"), Path::new("/a/c")));
    }
}

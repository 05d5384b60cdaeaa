//! A file's identity on its volume (device + inode), used to count a
//! hard-linked file once and to copy it as a hard link.

use std::fs::Metadata;

/// A file's (device, inode) pair, when it has more than one name.
/// `None` for files with a single link, and on platforms where std does not
/// expose the identity (Windows): there each name counts as its own file.
#[must_use]
pub fn shared_identity(meta: &Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        (meta.nlink() > 1).then(|| (meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// Whether two metadata describe the very same file or folder.
#[must_use]
pub fn same_file(a: &Metadata, b: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

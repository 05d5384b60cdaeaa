//! Symbolic links, for macOS and Linux.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{FolderLink, LinkKind};
use crate::error::{Error, IoContext as _, Result};

/// Folder links as symbolic links.
#[derive(Debug, Default, Clone, Copy)]
pub struct Symlinks;

impl FolderLink for Symlinks {
    fn create(&self, link: &Path, target: &Path) -> Result<()> {
        std::os::unix::fs::symlink(target, link).at(link)?;
        crate::durable::sync_parent(link)
    }

    fn read(&self, link: &Path) -> Result<Option<PathBuf>> {
        match fs::symlink_metadata(link) {
            Ok(m) if m.file_type().is_symlink() => fs::read_link(link).at(link).map(Some),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(link, e)),
        }
    }

    fn remove(&self, link: &Path) -> Result<()> {
        let meta = fs::symlink_metadata(link).at(link)?;
        if !meta.file_type().is_symlink() {
            return Err(Error::NotOurLink {
                path: link.to_owned(),
                found: crate::locations::describe_file_type(&meta),
            });
        }
        // unlink(2) on a symlink removes the link, never its target.
        fs::remove_file(link).at(link)?;
        crate::durable::sync_parent(link)
    }

    fn kind_for(&self, _target: &Path) -> LinkKind {
        LinkKind::Symlink
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_read_remove_leaves_the_target_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("drive/Backup");
        fs::create_dir_all(target.join("device")).unwrap();
        fs::write(target.join("device/Info.plist"), b"precious").unwrap();
        let link = dir.path().join("Backup");

        Symlinks.create(&link, &target).unwrap();
        assert_eq!(Symlinks.read(&link).unwrap(), Some(target.clone()));
        assert_eq!(
            fs::read(link.join("device/Info.plist")).unwrap(),
            b"precious"
        );

        Symlinks.remove(&link).unwrap();
        assert!(fs::symlink_metadata(&link).is_err(), "link is gone");
        assert_eq!(
            fs::read(target.join("device/Info.plist")).unwrap(),
            b"precious"
        );
    }

    #[test]
    fn remove_refuses_a_real_folder_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("Backup");
        fs::create_dir(&real).unwrap();
        fs::write(real.join("f"), b"x").unwrap();
        let err = Symlinks.remove(&real).unwrap_err();
        assert!(matches!(err, Error::NotOurLink { .. }), "{err}");
        assert_eq!(fs::read(real.join("f")).unwrap(), b"x");
    }

    #[test]
    fn read_of_a_folder_or_nothing_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Symlinks.read(dir.path()).unwrap(), None);
        assert_eq!(Symlinks.read(&dir.path().join("missing")).unwrap(), None);
    }

    #[test]
    fn create_refuses_to_replace_anything() {
        let dir = tempfile::tempdir().unwrap();
        let existing = dir.path().join("Backup");
        fs::create_dir(&existing).unwrap();
        let err = Symlinks.create(&existing, dir.path()).unwrap_err();
        assert_eq!(err.io_kind(), Some(io::ErrorKind::AlreadyExists));
        assert!(fs::symlink_metadata(&existing).unwrap().is_dir());
    }

    #[test]
    fn a_dangling_link_reads_and_removes() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("Backup");
        let gone = dir.path().join("unplugged/Backup");
        Symlinks.create(&link, &gone).unwrap();
        assert_eq!(Symlinks.read(&link).unwrap(), Some(gone));
        Symlinks.remove(&link).unwrap();
        assert!(fs::symlink_metadata(&link).is_err());
    }
}

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
                found: crate::names::describe_file_type(&meta),
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

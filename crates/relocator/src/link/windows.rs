//! NTFS junctions for Windows (no admin rights needed), and directory
//! symbolic links for network shares, which junctions cannot reach.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{FolderLink, LinkKind, windows_kind_for};
use crate::error::{Error, IoContext as _, Result};

/// Windows' ERROR_PRIVILEGE_NOT_HELD: creating symbolic links needs Developer Mode or admin.
const ERROR_PRIVILEGE_NOT_HELD: i32 = 1314;

/// Folder links as junctions (or directory symlinks to network shares).
#[derive(Debug, Default, Clone, Copy)]
pub struct Junctions;

impl FolderLink for Junctions {
    fn create(&self, link: &Path, target: &Path) -> Result<()> {
        match self.kind_for(target) {
            LinkKind::Junction => {
                let existed = fs::symlink_metadata(link).is_ok();
                junction::create(target, link).or_else(|e| {
                    // The crate makes the folder, then turns it into a
                    // junction; when that fails the plain empty folder stays,
                    // and would look like a new backup folder to the undo.
                    if !existed {
                        remove_empty_leftover(link);
                    }
                    Err(Error::io(link, plain_denial(e)))
                })
            }
            LinkKind::Symlink => match std::os::windows::fs::symlink_dir(target, link) {
                Err(e) if e.raw_os_error() == Some(ERROR_PRIVILEGE_NOT_HELD) => {
                    Err(Error::LinkPrivilege {
                        path: link.to_owned(),
                    })
                }
                other => other.at(link),
            },
        }
    }

    fn read(&self, link: &Path) -> Result<Option<PathBuf>> {
        let meta = match fs::symlink_metadata(link) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(link, e)),
        };
        // Read back, a target comes in its verbatim form (`\\?\E:\…`); it
        // is shown, compared and stored in the form people know.
        if meta.file_type().is_symlink() {
            return fs::read_link(link)
                .at(link)
                .map(|t| Some(crate::paths::for_people(&t)));
        }
        if junction::exists(link).unwrap_or(false) {
            return junction::get_target(link)
                .at(link)
                .map(|t| Some(crate::paths::for_people(&t)));
        }
        Ok(None)
    }

    fn remove(&self, link: &Path) -> Result<()> {
        if self.read(link)?.is_none() {
            let meta = fs::symlink_metadata(link).at(link)?;
            return Err(Error::NotOurLink {
                path: link.to_owned(),
                found: crate::names::describe_file_type(&meta),
            });
        }
        // RemoveDirectoryW on a junction or directory symlink removes the
        // reparse point itself; it never recurses into the target. Explorer
        // or an indexer may hold it for a moment.
        crate::in_use::retrying(link, || fs::remove_dir(link))
    }

    fn kind_for(&self, target: &Path) -> LinkKind {
        windows_kind_for(&target.to_string_lossy())
    }
}

/// The crate, refused a folder, asks for a privilege an ordinary user does
/// not hold and reports that (`ERROR_NOT_ALL_ASSIGNED`, 1300) instead of
/// the refusal itself: say "access denied", which is what happened.
fn plain_denial(e: io::Error) -> io::Error {
    const ERROR_NOT_ALL_ASSIGNED: i32 = 1300;
    if e.raw_os_error() == Some(ERROR_NOT_ALL_ASSIGNED) {
        io::Error::from(io::ErrorKind::PermissionDenied)
    } else {
        e
    }
}

/// Removes the folder a failed junction left: only a real, empty folder
/// (no reparse point of any kind), never a link or anything holding files.
fn remove_empty_leftover(link: &Path) {
    use std::os::windows::fs::MetadataExt as _;
    /// `FILE_ATTRIBUTE_REPARSE_POINT`: a junction, symbolic link or the like.
    const REPARSE_POINT: u32 = 0x400;
    let plain_folder = fs::symlink_metadata(link)
        .is_ok_and(|m| m.is_dir() && m.file_attributes() & REPARSE_POINT == 0);
    let empty = fs::read_dir(link).is_ok_and(|mut entries| entries.next().is_none());
    if plain_folder && empty {
        let _ = fs::remove_dir(link);
    }
}

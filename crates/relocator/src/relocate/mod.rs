//! The operations, each a journaled state machine: **move** (local folder to
//! a drive, link left behind), **revert** (back to a real local folder),
//! **retarget** (from one drive to another), **recover** (finish or undo an
//! operation a crash interrupted) and **adopt** (link to a copy we placed
//! earlier, after a reinstall). At every moment one complete copy of the
//! backups exists at a path the journal names.

mod adopt;
mod archive;
mod forget;
mod leftovers;
mod locate;
mod merge;
mod move_out;
mod recover;
mod relink;
mod retarget;
mod revert;
mod steps;
mod take_over;

use std::path::{Path, PathBuf};

use crate::context::Context;

pub use adopt::adopt;
pub use archive::{Archived, archive, archived_in, archived_of, bring_back};
pub use forget::{DriveNeeded, Forgotten, drive_needed, forget_drive};
pub use leftovers::{Kept, Leftover, Leftovers, Removed, Tidied, leftovers_of};
pub use locate::{Found, FoundKind, locate_backups, set_aside_record};
pub use merge::{Placing, merge, merge_candidates, placing};
pub use move_out::move_backups;
pub use recover::{Recovered, Recovery, recover};
pub use relink::{relink, relink_candidates};
pub use retarget::retarget;
pub use revert::revert;
pub use take_over::take_over;

use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::verify::VerifyMode;

/// Choices for an operation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// How thoroughly to check the copy.
    pub verify: VerifyMode,
    /// Revert and retarget: keep the old copy on the drive instead of deleting it.
    pub keep_previous: bool,
}

/// What a finished operation did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    /// Which operation.
    pub operation: Operation,
    /// The backup folder on this computer.
    #[serde(serialize_with = "crate::stored_path::serialize")]
    pub source: PathBuf,
    /// Where the backups are now.
    #[serde(serialize_with = "crate::stored_path::serialize")]
    pub backups_at: PathBuf,
    /// Bytes moved.
    pub bytes: u64,
    /// Files moved.
    pub files: u64,
    /// Bytes freed where the backups were: none when they stayed on the
    /// same drive (one rename), or when their old copy is still there
    /// (kept on request, or it could not be deleted).
    pub freed_bytes: u64,
    /// Things the user should know, in plain sentences.
    pub notes: Vec<String>,
}

/// What leaving `old_place` freed: the backups' bytes once it is gone;
/// nothing when the move freed no space (one drive, or two volumes of one
/// storage) or the old place is still there.
fn freed(bytes: u64, frees_space: bool, old_place: Option<&Path>) -> u64 {
    let gone = old_place.is_none_or(|p| std::fs::symlink_metadata(p).is_err());
    if frees_space && gone { bytes } else { 0 }
}

/// An absolute form of `path` without resolving links (the link's own
/// place matters), as typed (see [`crate::paths::as_typed`]).
fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(|e| Error::io(path, e))?;
    Ok(crate::paths::as_typed(path))
}

/// Wraps a failure with where the backups are safe.
fn interrupted(cause: Error, safe_at: &Path) -> Error {
    match cause {
        e @ (Error::Interrupted { .. } | Error::Refused(_) | Error::Busy { .. }) => e,
        e => Error::Interrupted {
            cause: Box::new(e),
            safe_at: safe_at.to_owned(),
        },
    }
}

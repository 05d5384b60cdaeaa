//! **relink**: the drive came back under another name ("/Volumes/Drive 1"
//! after an unclean eject on macOS, another drive letter on Windows) and
//! the link dangles although the backups are right there. Finds the copy
//! on a mounted drive — the same volume (its recorded identity), at the same
//! place inside it, carrying our marker for this backup folder — and points
//! the link at it: a link change only, journaled like the other operations,
//! no copy, nothing deleted.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::faults::crash_point;
use crate::journal::{Journal, Lock, Step};
use crate::locations::{self, LocationState};
use crate::marker::{self, Marker, MarkerState};
use crate::operation::Operation;
use crate::problem::Problem;

use super::steps::{self, exists};
use super::{Context, Outcome, absolute};

/// Whether `candidate` is the copy linked from `source`: our complete
/// marker for it, on the volume it recorded, at the place it recorded.
fn is_our_copy_for(candidate: &Path, source: &Path) -> bool {
    let Some(m) = marker::read(candidate) else {
        return false;
    };
    if m.state != MarkerState::Complete || m.moved_from != source {
        return false;
    }
    let same_volume = match &m.volume_id {
        Some(id) => crate::volume::identity(candidate).as_deref() == Some(id.as_str()),
        None => true,
    };
    let same_place = match &m.path_in_volume {
        Some(inside) => crate::volume::place_in_volume(candidate)
            .is_ok_and(|(_, here)| crate::link::same_link_target(&here, inside)),
        None => true,
    };
    same_volume && same_place
}

/// Copies on the mounted drives that a dangling `source` could link to
/// again: for each drive, the link's old path with its drive part taken
/// away, tried below that drive's mount point.
pub fn relink_candidates(
    source: &Path,
    links: &dyn crate::link::FolderLink,
) -> Result<Vec<PathBuf>> {
    let source = absolute(source)?;
    let LocationState::Dangling { target } = locations::inspect(&source, links)? else {
        return Ok(Vec::new());
    };
    let tails: Vec<PathBuf> = (1..target.components().count())
        .map(|skip| target.components().skip(skip).collect())
        .collect();
    let mut found: Vec<PathBuf> = Vec::new();
    for mount in crate::volume::mounted_roots() {
        for tail in &tails {
            let candidate = mount.join(tail);
            if candidate != target
                && is_our_copy_for(&candidate, &source)
                && !found.contains(&candidate)
            {
                found.push(candidate);
            }
        }
    }
    Ok(found)
}

/// Points the dangling link `source` at `to`, our copy of its backups
/// found on a drive that came back under another name.
pub fn relink(ctx: &Context<'_>, source: &Path, to: &Path) -> Result<Outcome> {
    let source = absolute(source)?;
    let _lock = Lock::acquire(&source)?;
    let previous = match locations::inspect(&source, ctx.links)? {
        LocationState::Dangling { target } => target,
        // Re-linking starts where a move back or on would be stopped by a
        // drive that is away, and is stopped by all else that stops them.
        state => {
            let problem = crate::checks::state_problem(Operation::Revert, &source, &state)
                .unwrap_or(Problem::SourceNotRelocated { source });
            return Err(Error::Refused(vec![problem]));
        }
    };
    let to = crate::paths::canonical(to).map_err(|_| {
        Error::Refused(vec![Problem::TargetMissing {
            target: to.to_owned(),
        }])
    })?;
    if !is_our_copy_for(&to, &source) {
        return Err(Error::Refused(vec![Problem::NotOurCopy { path: to }]));
    }
    let id = crate::names::new_id();
    let mut j = Journal::new(Operation::Relink, &id, &source, &to, &to);
    j.previous = Some(previous);
    j.step = Step::Linking;
    j.save()?;
    crash_point("relink-journaled");
    finish(ctx, &j)?;
    Ok(Outcome {
        operation: Operation::Relink,
        source,
        backups_at: to,
        bytes: 0,
        files: 0,
        freed_bytes: 0,
        notes: Vec::new(),
    })
}

/// Makes the link and records the copy's new place (also used by recovery).
pub(super) fn finish(ctx: &Context<'_>, j: &Journal) -> Result<()> {
    if !exists(&j.target) {
        return Err(Error::io(&j.target, std::io::ErrorKind::NotFound.into()));
    }
    steps::remove_link_if_any(ctx.links, &j.source)?;
    crash_point("relink-unlinked");
    steps::ensure_link(ctx.links, &j.source, &j.target)?;
    let marker = Marker::complete(&j.id, &j.source, &j.target);
    marker::write(&j.target, &marker)?;
    j.finish()
}

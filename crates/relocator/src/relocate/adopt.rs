//! **adopt**: after a reinstall (or on a new computer), link the backup
//! folder to a `Backup` folder that Backup Relocator placed on a drive
//! earlier. The backup folder must be absent or empty.

use std::fs;
use std::path::Path;

use crate::error::{Error, IoContext as _, Result};
use crate::journal::Lock;
use crate::locations::{self, LocationState};
use crate::marker::{self, Marker, MarkerState};
use crate::operation::Operation;
use crate::problem::Problem;

use super::steps;
use super::{Context, Outcome, absolute};

/// Links `source` to `from`, a folder carrying our marker.
pub fn adopt(ctx: &Context<'_>, source: &Path, from: &Path) -> Result<Outcome> {
    let source = absolute(source)?;
    if let Some(parent) = source.parent() {
        fs::create_dir_all(parent).at(parent)?;
    }
    let _lock = Lock::acquire(&source)?;
    let from = crate::paths::canonical(from).map_err(|e| match e.io_kind() {
        Some(std::io::ErrorKind::NotFound) => Error::Refused(vec![Problem::TargetMissing {
            target: from.to_owned(),
        }]),
        _ => e,
    })?;
    let Some(old) = marker::read(&from).filter(|m| m.state == MarkerState::Complete) else {
        return Err(Error::Refused(vec![Problem::NotOurCopy { path: from }]));
    };
    match locations::inspect(&source, ctx.links)? {
        LocationState::Absent => {}
        LocationState::Local if fs::read_dir(&source).at(&source)?.next().is_none() => {
            fs::remove_dir(&source).at(&source)?;
        }
        LocationState::Local => {
            return Err(Error::Refused(vec![Problem::SourceNotEmpty { source }]));
        }
        // Anything else stops it as it stops a move from here.
        state => {
            let problem = crate::checks::state_problem(Operation::Move, &source, &state)
                .unwrap_or(Problem::SourceNotEmpty { source });
            return Err(Error::Refused(vec![problem]));
        }
    }
    steps::ensure_link(ctx.links, &source, &from)?;
    let id = crate::names::new_id();
    marker::write(&from, &Marker::complete(&id, &source, &from))?;
    let notes = if old.moved_from == source {
        Vec::new()
    } else {
        vec![format!(
            "These backups were moved from {} before.",
            old.moved_from.display()
        )]
    };
    Ok(Outcome {
        operation: Operation::Adopt,
        source,
        backups_at: from,
        bytes: 0,
        files: 0,
        freed_bytes: 0,
        notes,
    })
}

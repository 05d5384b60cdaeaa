//! **take over**: backups moved by hand — a link made with `ln -s`,
//! `mklink /J` or another tool, to a folder of device backups — become
//! backups this app manages: after a check of the copy (every file read
//! as the preflight reads a move's), our marker and the drive's identity
//! are added to it, and nothing else changes. A move back or a move on of
//! such a folder takes it over the same way first.

use std::path::Path;

use crate::error::{Error, Result};
use crate::locations::{self, LocationState};
use crate::marker::{self, Marker};
use crate::operation::Operation;
use crate::problem::Problem;

use super::{Context, Outcome, steps};

/// Takes over the backup folder `source`, a link made by hand.
pub fn take_over(ctx: &Context<'_>, source: &Path) -> Result<Outcome> {
    let (source, _lock) = steps::begin(ctx, source)?;
    let target = match locations::inspect(&source, ctx.links)? {
        LocationState::ForeignLink { target } => target,
        state => {
            let problem = match state {
                LocationState::Relocated { .. } => Problem::NothingToTakeOver {
                    source,
                    managed: true,
                },
                LocationState::Local => Problem::NothingToTakeOver {
                    source,
                    managed: false,
                },
                state => crate::checks::state_problem(Operation::Revert, &source, &state)
                    .unwrap_or(Problem::NothingToTakeOver {
                        source,
                        managed: false,
                    }),
            };
            return Err(Error::Refused(vec![problem]));
        }
    };
    if let Some(problem) = crate::checks::hand_made_problem(&source, &target) {
        return Err(Error::Refused(vec![problem]));
    }
    let facts = match crate::checks::gather_source(&target, ctx.progress, ctx.cancel)? {
        Ok(facts) => facts,
        Err(problem) => return Err(Error::Refused(vec![problem])),
    };
    let problems: Vec<Problem> = crate::checks::evaluate_source(
        &facts,
        &ctx.sync_apps,
        &ctx.policy,
        std::time::SystemTime::now(),
    )
    .into_iter()
    .filter(Problem::is_blocking)
    .collect();
    if !problems.is_empty() {
        return Err(Error::Refused(problems));
    }
    mark(&source, &target)?;
    ctx.progress.report(crate::progress::Progress::Done);
    Ok(Outcome {
        operation: Operation::TakeOver,
        source,
        backups_at: target,
        bytes: facts.bytes,
        files: facts.files,
        freed_bytes: 0,
        notes: Vec::new(),
    })
}

/// Adds our marker for `source` to the folder `target` it links to, unless
/// one is there: from now on it is a copy of ours, found again by its
/// drive's identity, deleted only after a verified copy elsewhere.
pub(super) fn mark(source: &Path, target: &Path) -> Result<()> {
    if marker::read(target).is_some() {
        return Ok(());
    }
    let id = crate::names::new_id();
    marker::write(target, &Marker::complete(&id, source, target))
}

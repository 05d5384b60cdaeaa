//! The three preflights (move, move back, move on): each reads what it
//! needs through [`super::gather`], judges it with [`super::rules`] and
//! returns the facts with every problem, blocking first.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::facts::{DestinationFacts, Preflight, SourceFacts};
use super::gather::{
    attributes_lost, gather_destination, gather_source, home_destination, probe_link,
};
use super::rules::{
    evaluate_destination, evaluate_home_destination, evaluate_source, state_problem,
};
use crate::context::Context;
use crate::error::Result;
use crate::link::FolderLink;
use crate::locations::{self, LocationState};
use crate::operation::Operation;
use crate::problem::Problem;
use crate::progress::Cancel;

/// The preflight for moving the backup folder `source` into the folder `destination`.
pub fn check_move(ctx: &Context<'_>, source: &Path, destination: &Path) -> Result<Preflight> {
    let mut pre = Preflight::default();
    if let Err(problem) = start(ctx, Operation::Move, source)? {
        pre.problems.push(problem);
        return Ok(pre);
    }
    if !judge_source(ctx, source, &mut pre)? {
        return Ok(pre);
    }
    with_destination(ctx, pre, source, source, destination)
}

/// `pre` with the facts and problems of a copy of the backups at `backups`
/// (linked from `link_at`) into `destination`, blocking problems first.
fn with_destination(
    ctx: &Context<'_>,
    mut pre: Preflight,
    backups: &Path,
    link_at: &Path,
    destination: &Path,
) -> Result<Preflight> {
    let (dest, problems) = examine_destination(
        backups,
        link_at,
        destination,
        ctx.links,
        &pre.source,
        ctx.cancel,
    )?;
    pre.problems.extend(problems);
    pre.destination = Some(dest);
    pre.sort();
    Ok(pre)
}

/// The destination half of a move's (or a move on's) preflight: reads the
/// facts of `destination` for a copy of the folder `backups` whose link
/// will be at `link_at`, and judges them for backups described by `source`.
pub fn examine_destination(
    backups: &Path,
    link_at: &Path,
    destination: &Path,
    links: &dyn FolderLink,
    source: &SourceFacts,
    cancel: &Cancel,
) -> Result<(DestinationFacts, Vec<Problem>)> {
    let mut dest = gather_destination(backups, destination);
    if dest.is_folder == Some(true) {
        dest.cannot_link = probe_link(links, link_at, destination);
    }
    dest.attributes_lost = attributes_lost(backups, &dest, cancel)?;
    let problems = evaluate_destination(source, &dest);
    Ok((dest, problems))
}

/// What every preflight checks first: no record of another operation
/// beside `source` (one record per parent folder, so nothing may start
/// until it is recovered), and a state of the backup folder that
/// `operation` can start from. The state, or the problem that stops it.
fn start(
    ctx: &Context<'_>,
    operation: Operation,
    source: &Path,
) -> Result<std::result::Result<LocationState, Problem>> {
    let journal = crate::journal::path_for(source);
    if journal.exists() {
        return Ok(Err(Problem::InterruptedOperation {
            operation: crate::journal::load(source)
                .ok()
                .flatten()
                .map(|j| j.operation),
            journal,
        }));
    }
    let state = locations::inspect(source, ctx.links)?;
    Ok(match state_problem(operation, source, &state) {
        Some(problem) => Err(problem),
        None => Ok(state),
    })
}

/// Reads the backups at `backups` into `pre` and judges them (sizes,
/// readability, running sync apps, backups in progress); `false` when
/// they cannot be read, which ends the preflight.
fn judge_source(ctx: &Context<'_>, backups: &Path, pre: &mut Preflight) -> Result<bool> {
    match gather_source(backups, ctx.progress, ctx.cancel)? {
        Ok(facts) => pre.source = facts,
        Err(problem) => {
            pre.problems.push(problem);
            return Ok(false);
        }
    }
    pre.problems.extend(evaluate_source(
        &pre.source,
        &ctx.sync_apps,
        &ctx.policy,
        SystemTime::now(),
    ));
    Ok(true)
}

/// How a move back's or a move on's preflight starts: stopped (with the
/// link's target when there is one), or with the backups at the target judged.
enum Relocated {
    Stopped(Preflight, Option<PathBuf>),
    Judged(Preflight, PathBuf),
}

/// What a move back or a move on checks first: the link's current target
/// and the backups there.
fn start_relocated(ctx: &Context<'_>, operation: Operation, source: &Path) -> Result<Relocated> {
    let mut pre = Preflight::default();
    let target = match start(ctx, operation, source)? {
        Ok(LocationState::Relocated { target }) => target,
        // Moved by hand: taken over once its link points at backups.
        Ok(LocationState::ForeignLink { target }) => {
            if let Some(problem) = super::hand_made::hand_made_problem(source, &target) {
                pre.problems.push(problem);
                return Ok(Relocated::Stopped(pre, Some(target)));
            }
            target
        }
        Ok(_) => return Ok(Relocated::Stopped(pre, None)),
        Err(problem) => {
            pre.problems.push(problem);
            return Ok(Relocated::Stopped(pre, None));
        }
    };
    Ok(if judge_source(ctx, &target, &mut pre)? {
        Relocated::Judged(pre, target)
    } else {
        Relocated::Stopped(pre, Some(target))
    })
}

/// The preflight for moving relocated backups back into `source`.
/// Returns the current target beside the preflight.
pub fn check_revert(ctx: &Context<'_>, source: &Path) -> Result<(Preflight, Option<PathBuf>)> {
    let (mut pre, target) = match start_relocated(ctx, Operation::Revert, source)? {
        Relocated::Judged(pre, target) => (pre, target),
        Relocated::Stopped(pre, target) => return Ok((pre, target)),
    };
    let local = home_destination(source, &target);
    pre.problems
        .extend(evaluate_home_destination(&pre.source, &local));
    pre.destination = Some(local);
    pre.sort();
    Ok((pre, Some(target)))
}

/// The preflight for moving relocated backups from their drive into `destination`.
pub fn check_retarget(
    ctx: &Context<'_>,
    source: &Path,
    destination: &Path,
) -> Result<(Preflight, Option<PathBuf>)> {
    let (pre, target) = match start_relocated(ctx, Operation::Retarget, source)? {
        Relocated::Judged(pre, target) => (pre, target),
        Relocated::Stopped(pre, target) => return Ok((pre, target)),
    };
    let pre = with_destination(ctx, pre, &target, source, destination)?;
    Ok((pre, Some(target)))
}

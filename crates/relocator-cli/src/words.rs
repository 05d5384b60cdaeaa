//! The command line's own words: where the core states a fact (a problem,
//! a folder's state, the kind of a failure), this says it for a terminal
//! and what to type next — `revert`, `recover`, `set-aside-record` — where
//! the app would name its buttons.

use std::path::Path;

use relocator::Problem;
use relocator::locations::LocationState;

const PROGRAM: &str = "backup-relocator-cli";

/// `--source "<path>"`, quoted for a shell.
fn source_arg(source: &Path) -> String {
    format!("--source \"{}\"", source.display())
}

/// The command to run next for `problem` about the backup folder `source`, if any.
#[must_use]
pub fn problem_hint(problem: &Problem, source: &Path) -> Option<String> {
    let src = source_arg(source);
    match problem {
        Problem::SourceIsLink { .. } | Problem::NothingToTakeOver { managed: true, .. } => {
            Some(format!(
                "To move them back: {PROGRAM} revert {src}. To another drive: {PROGRAM} retarget {src} --to FOLDER."
            ))
        }
        Problem::InterruptedOperation {
            operation: Some(_), ..
        } => Some(format!("Run {PROGRAM} recover {src} to finish or undo it.")),
        Problem::InterruptedOperation {
            operation: None, ..
        } => Some(format!(
            "Its record cannot be read: {PROGRAM} status {src} shows where the backups are, and {PROGRAM} set-aside-record {src} sets the record aside once they are whole."
        )),
        _ => None,
    }
}

/// What to do about an interrupted operation that waits for a drive that
/// is not connected.
#[must_use]
pub fn drive_needed_hint(needed: &relocator::relocate::DriveNeeded, source: &Path) -> String {
    let src = source_arg(source);
    let drive = relocator::locations::drive_name_in(&needed.drive_folder);
    match &needed.whole_without_it {
        Some(whole) => format!(
            "It waits for {drive}. Connect it, then {PROGRAM} recover {src}. If that drive is gone for good: {PROGRAM} forget-drive {src} (your backups are whole in {} without it).",
            whole.display()
        ),
        None => format!(
            "It waits for {drive}, the only place your backups are whole now: connect it, then {PROGRAM} recover {src}."
        ),
    }
}

/// What the terminal says of the copies of ours left on drives.
#[must_use]
pub fn leftover_lines(leftovers: &relocator::relocate::Leftovers, source: &Path) -> Vec<String> {
    let src = source_arg(source);
    let mut lines: Vec<String> = leftovers
        .to_remove
        .iter()
        .map(|p| {
            format!(
                "A copy Backup Relocator did not finish (or was deleting) is at {}: safe to remove, and {PROGRAM} recover {src} removes it.",
                p.display()
            )
        })
        .collect();
    lines.extend(leftovers.waiting.iter().map(|p| {
        format!(
            "A copy Backup Relocator did not finish is on {}, which is not connected ({}): it is removed once the drive is back and {PROGRAM} recover {src} runs (the app does it when it opens).",
            relocator::locations::drive_name_in(p),
            p.display()
        )
    }));
    lines
}

/// A phase, as the terminal names it.
#[must_use]
pub fn phase(phase: relocator::Phase) -> &'static str {
    use relocator::Phase;
    match phase {
        Phase::Checking => "Checking",
        Phase::Scanning => "Counting files",
        Phase::Copying => "Copying",
        Phase::Verifying => "Checking the copy",
        Phase::Switching => "Switching to the new place",
        Phase::CleaningUp => "Freeing space",
        Phase::RollingBack => "Undoing",
        Phase::Recovering => "Recovering",
    }
}

/// A time left, as a person says it: "about 3 minutes left".
#[must_use]
pub fn time_left(left: std::time::Duration) -> String {
    let seconds = left.as_secs();
    match seconds {
        0..60 => "less than a minute left".to_owned(),
        60..5_400 => format!("about {} minutes left", seconds.div_ceil(60).max(2)),
        _ => format!("about {} hours left", (seconds + 1_800) / 3_600),
    }
}

/// What happened, in one plain sentence, before the details that name the
/// file: the kind of failure as the core tells it (`None` where the
/// details say it all: a cancel, a refusal, the record's own words).
#[must_use]
pub fn failure_lead(failure: &relocator::failure::Failure) -> Option<&'static str> {
    use relocator::failure::Failure;
    Some(match failure {
        Failure::Cancelled
        | Failure::Refused(_)
        | Failure::DamagedRecord
        | Failure::RecordProblem
        | Failure::Busy => return None,
        Failure::DriveFull => "The drive became full before the copy was finished.",
        Failure::DriveDisconnected => "The drive was disconnected while the work went on.",
        Failure::DriveReadOnly => "The drive does not allow writing.",
        Failure::FileTooLarge => "A backup file is too large for this drive's format.",
        Failure::AccessDenied => "The system did not allow access to a file.",
        Failure::CopyDiffers => "A copied file did not match the original when it was checked.",
        Failure::ChangedDuringCopy => "A backup changed while it was being copied.",
        Failure::LinkNotAllowed => "Windows did not allow the link this drive needs.",
        Failure::FileInUse => "Another program kept a file open that had to be moved or deleted.",
        Failure::Other => "The work stopped.",
    })
}

/// The command to run next after a failure of the kind `failure` about the
/// backup folder `source`, if any.
#[must_use]
pub fn failure_hint(failure: &relocator::failure::Failure, source: &Path) -> Option<String> {
    use relocator::failure::Failure;
    let src = source_arg(source);
    match failure {
        Failure::DamagedRecord => Some(format!(
            "To go on: {PROGRAM} status {src} shows where the backups are, and {PROGRAM} set-aside-record {src} sets the record aside once they are whole (it checks that first)."
        )),
        Failure::FileInUse => Some(
            "Wait a moment (antivirus or the search indexer usually lets go within seconds), then run the same command again.".to_owned(),
        ),
        _ => None,
    }
}

/// The command to run next for a folder in `state`, if any.
#[must_use]
pub fn location_hint(state: &LocationState, source: &Path) -> Option<String> {
    let src = source_arg(source);
    match state {
        LocationState::Interrupted { running: true, .. } => {
            Some("Wait for it to finish.".to_owned())
        }
        LocationState::Interrupted { .. } => {
            Some(format!("Run {PROGRAM} recover {src} to finish or undo it."))
        }
        LocationState::DamagedRecord { .. } => Some(format!(
            "Once the backups are whole at {}, {PROGRAM} set-aside-record {src} sets the damaged record aside.",
            source.display()
        )),
        LocationState::Relocated { .. } => Some(format!(
            "To move them back: {PROGRAM} revert {src}. To another drive: {PROGRAM} retarget {src} --to FOLDER."
        )),
        LocationState::ForeignLink { .. } => Some(format!(
            "To move them back: {PROGRAM} revert {src}. To another drive: {PROGRAM} retarget {src} --to FOLDER. To let Backup Relocator manage them where they are: {PROGRAM} take-over {src}."
        )),
        _ => None,
    }
}

/// What a person should know after a move, for a terminal: the space local
/// snapshots still hold, and whether the backups on the drive have a
/// second copy.
#[must_use]
pub fn after_move_lines(after: Option<&relocator::accounting::AfterMove>) -> Vec<String> {
    use relocator::accounting::SecondCopy;
    let Some(after) = after else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    if after.snapshots_hold_space {
        lines.push("Local Time Machine snapshots still hold the moved files: macOS frees that space when it removes them, usually within a day.".to_owned());
    }
    let second = match after.second_copy {
        SecondCopy::TimeMachine => {
            Some("Time Machine backs up the drive too: the backups have a second copy.")
        }
        SecondCopy::TimeMachineLeavesItOut => Some(
            "Time Machine leaves the drive out: the backups there have no second copy (System Settings › General › Time Machine › Options to include it).",
        ),
        SecondCopy::NoTimeMachine => {
            Some("No Time Machine backup is set up: the backups on the drive have no second copy.")
        }
        SecondCopy::WindowsLeavesItOut => Some(
            "File History and Windows Backup do not save folders on other drives: the backups on the drive have no second copy unless you back it up another way.",
        ),
        SecondCopy::Unknown => None,
    };
    lines.extend(second.map(str::to_owned));
    lines
}

//! The command line's own words: where the core states a fact (a problem,
//! a folder's state), this says what to type next — `revert`, `recover`,
//! `set-aside-record` — where the app would name its buttons. Also paths
//! read back from the JSON this program writes.

use std::path::Path;

use relocator::checks::Problem;
use relocator::locations::LocationState;
use serde_json::Value;

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
        Problem::SourceIsLink { .. } => Some(format!(
            "To move them back: {PROGRAM} revert {src}. To another drive: {PROGRAM} retarget {src} --to FOLDER."
        )),
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
        _ => None,
    }
}

/// A path this program wrote into JSON (a string, or its lossless raw
/// form), for people.
#[must_use]
pub fn shown_path(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => relocator::stored_path::from_value(other)
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
    }
}

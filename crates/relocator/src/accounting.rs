//! After a move (issue 21), what a person should know that the move
//! itself cannot show. On a Mac, Time Machine's local snapshots still hold
//! the moved files, so the system disk shows no gain until macOS removes
//! them (usually within a day); and Time Machine leaves external drives
//! out unless they are included, so the moved backups may have no second
//! copy. On Windows, File History and Windows Backup save libraries and
//! user folders, never folders on other drives. Reading `tmutil`'s answers
//! is pure; asking it is `look`.

use std::path::Path;

use crate::locations::Platform;

/// Whether the moved backups on the drive are themselves backed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecondCopy {
    /// Time Machine backs up the drive's folder.
    TimeMachine,
    /// Time Machine is set up but leaves the drive out (external drives are
    /// left out until included).
    TimeMachineLeavesItOut,
    /// No Time Machine backup is set up on this Mac.
    NoTimeMachine,
    /// Windows' own backups (File History, Windows Backup) never save a
    /// folder on another drive.
    WindowsLeavesItOut,
    /// Not known here.
    Unknown,
}

/// What a person should know after a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct AfterMove {
    /// Local snapshots on this computer's disk still hold the moved files.
    pub snapshots_hold_space: bool,
    /// Whether the copy on the drive is backed up itself.
    pub second_copy: SecondCopy,
}

/// How many Time Machine local snapshots `tmutil listlocalsnapshots /`
/// lists (`com.apple.TimeMachine.<date>.local`, one a line; older versions
/// put a header line first).
#[must_use]
pub fn local_snapshots(listing: &str) -> usize {
    listing
        .lines()
        .map(str::trim)
        .filter(|l| {
            l.strip_prefix("com.apple.TimeMachine.")
                .and_then(|rest| rest.rsplit_once('.'))
                .is_some_and(|(_, kind)| kind == "local")
        })
        .count()
}

/// What `tmutil isexcluded PATH` answers: `[Excluded]` or `[Included]`
/// before the path; `None` for anything else.
#[must_use]
pub fn is_excluded(answer: &str) -> Option<bool> {
    let answer = answer.trim_start();
    if answer.starts_with("[Excluded]") {
        Some(true)
    } else if answer.starts_with("[Included]") {
        Some(false)
    } else {
        None
    }
}

/// Whether `tmutil destinationinfo` names a backup disk.
#[must_use]
pub fn has_time_machine(destinations: &str) -> bool {
    !destinations.contains("No destinations configured")
        && destinations
            .lines()
            .any(|l| l.trim_start().starts_with("Name"))
}

/// The rule: on a Mac, backed up only when Time Machine is set up and
/// neither the drive nor the folder is left out; on Windows, never by the
/// system's own backups.
#[must_use]
pub fn second_copy(
    platform: Platform,
    time_machine: Option<bool>,
    excluded: Option<bool>,
) -> SecondCopy {
    match (platform, time_machine, excluded) {
        (Platform::Windows, _, _) => SecondCopy::WindowsLeavesItOut,
        (Platform::MacOs, Some(false), _) => SecondCopy::NoTimeMachine,
        (Platform::MacOs, Some(true), Some(true)) => SecondCopy::TimeMachineLeavesItOut,
        (Platform::MacOs, Some(true), Some(false)) => SecondCopy::TimeMachine,
        _ => SecondCopy::Unknown,
    }
}

/// Asks the system about the copy at `copy` (a few quick `tmutil` calls on
/// a Mac; nothing to ask elsewhere).
#[must_use]
pub fn look(copy: &Path) -> AfterMove {
    let platform = Platform::current();
    if platform != Platform::MacOs {
        return AfterMove {
            snapshots_hold_space: false,
            second_copy: second_copy(platform, None, None),
        };
    }
    // An answer only from a call that succeeded: a refusal (no Full Disk
    // Access) is no answer, not "none".
    let tmutil = |args: &[&std::ffi::OsStr]| {
        std::process::Command::new("tmutil")
            .args(args)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let snapshots =
        tmutil(&["listlocalsnapshots".as_ref(), "/".as_ref()]).map_or(0, |l| local_snapshots(&l));
    let time_machine = tmutil(&["destinationinfo".as_ref()]).map(|d| has_time_machine(&d));
    // The drive left out, or the folder itself: either leaves the copy out.
    let volume = crate::volume::volume_of(copy).ok().map(|v| v.mount_point);
    let answers: Vec<Option<bool>> = [Some(copy.to_owned()), volume]
        .into_iter()
        .flatten()
        .map(|p| tmutil(&["isexcluded".as_ref(), p.as_os_str()]).and_then(|a| is_excluded(&a)))
        .collect();
    // Included only when every answer says so; left out when one does.
    let excluded = if answers.contains(&Some(true)) {
        Some(true)
    } else if answers.iter().all(|a| *a == Some(false)) {
        Some(false)
    } else {
        None
    };
    AfterMove {
        snapshots_hold_space: snapshots > 0,
        second_copy: second_copy(platform, time_machine, excluded),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_snapshots_are_counted_with_or_without_the_header() {
        let new = "com.apple.TimeMachine.2025-10-12-080000.local\ncom.apple.TimeMachine.2025-10-12-090000.local\n";
        assert_eq!(local_snapshots(new), 2);
        let old = "Snapshots for disk /:\ncom.apple.TimeMachine.2019-05-08-101112.local\n";
        assert_eq!(local_snapshots(old), 1);
        assert_eq!(local_snapshots("com.apple.os.update-ABC\n"), 0);
        assert_eq!(local_snapshots(""), 0);
    }

    #[test]
    fn tmutil_answers_are_read_and_anything_else_is_unknown() {
        assert_eq!(is_excluded("[Excluded]    /Volumes/Big Drive"), Some(true));
        assert_eq!(
            is_excluded("[Included]    /Volumes/Big Drive/Backup"),
            Some(false)
        );
        assert_eq!(
            is_excluded("tmutil: isexcluded requires Full Disk Access"),
            None
        );
        assert!(!has_time_machine("No destinations configured.\n"));
        assert!(has_time_machine(
            "====================================================\nName          : Backups\nKind          : Local\n"
        ));
        assert!(!has_time_machine(""));
    }

    #[test]
    fn a_second_copy_exists_only_when_time_machine_includes_the_drive() {
        use SecondCopy::*;
        assert_eq!(
            second_copy(Platform::MacOs, Some(true), Some(false)),
            TimeMachine
        );
        assert_eq!(
            second_copy(Platform::MacOs, Some(true), Some(true)),
            TimeMachineLeavesItOut
        );
        assert_eq!(
            second_copy(Platform::MacOs, Some(false), Some(false)),
            NoTimeMachine
        );
        assert_eq!(second_copy(Platform::MacOs, Some(true), None), Unknown);
        assert_eq!(second_copy(Platform::MacOs, None, Some(false)), Unknown);
        assert_eq!(
            second_copy(Platform::Windows, None, None),
            WindowsLeavesItOut
        );
        assert_eq!(
            second_copy(Platform::Other, Some(true), Some(false)),
            Unknown
        );
    }
}

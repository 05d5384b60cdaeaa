//! The window's words for what a person should know after a move: the
//! space local snapshots still hold, and whether the moved backups have a
//! second copy.

use relocator::accounting::SecondCopy;

/// Local snapshots still hold the moved files.
pub const SNAPSHOTS_HOLD_SPACE: &str = "macOS still keeps the moved files in its local Time Machine snapshots, so the space may not show as free yet: macOS frees the rest when it removes its snapshots, usually within a day.";

/// Whether the backups on `drive` are backed up themselves, when known:
/// the sentence, and whether it is good news.
#[must_use]
pub fn second_copy(second: SecondCopy, drive: &str) -> Option<(bool, String)> {
    Some(match second {
        SecondCopy::TimeMachine => (
            true,
            format!("Time Machine backs up {drive} too, so your backups have a second copy."),
        ),
        SecondCopy::TimeMachineLeavesItOut => (
            false,
            format!(
                "Time Machine leaves {drive} out, so your backups there have no second copy. To include it: System Settings › General › Time Machine › Options, then remove {drive} from the list."
            ),
        ),
        SecondCopy::NoTimeMachine => (
            false,
            format!(
                "No Time Machine backup is set up on this Mac, so your backups on {drive} have no second copy. Set one up in System Settings › General › Time Machine."
            ),
        ),
        SecondCopy::WindowsLeavesItOut => (
            false,
            format!(
                "File History and Windows Backup save your libraries and user folders, not folders on {drive}: back that drive up another way if your backups should have a second copy."
            ),
        ),
        SecondCopy::Unknown => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_time_machine_including_the_drive_is_good_news_and_each_names_the_drive() {
        let all = [
            SecondCopy::TimeMachine,
            SecondCopy::TimeMachineLeavesItOut,
            SecondCopy::NoTimeMachine,
            SecondCopy::WindowsLeavesItOut,
        ];
        for second in all {
            let (good, sentence) = second_copy(second, "Big Drive").unwrap();
            assert_eq!(good, second == SecondCopy::TimeMachine, "{second:?}");
            assert!(sentence.contains("Big Drive"), "{sentence}");
        }
        assert_eq!(second_copy(SecondCopy::Unknown, "Big Drive"), None);
    }
}

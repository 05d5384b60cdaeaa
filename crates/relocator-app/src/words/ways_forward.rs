//! The window's words for the ways forward a folder can offer: backups
//! moved by hand, a link an update replaced, a drive gone for good, the
//! copies of ours left on drives.

use std::path::Path;

/// A folder moved by hand (a link a person or another tool made) to `drive`.
#[must_use]
pub fn moved_by_hand(drive: &str) -> String {
    format!(
        "Moved by hand to {drive}: backups go there. Backup Relocator can move them back, move them to another drive, or manage them where they are."
    )
}

/// The button that takes over backups moved by hand.
pub const TAKE_OVER: &str = "Let Backup Relocator manage them";

/// What taking over does, for the button's tooltip.
pub const TAKE_OVER_WHY: &str = "Reads every file of the backups, then adds Backup Relocator's mark to their folder: nothing is copied, moved or deleted.";

/// A folder where our link to `drive` was: an update replaced it.
#[must_use]
pub fn link_replaced(drive: &str) -> String {
    format!(
        "New backups are on this computer again: an update put a folder where the link to {drive} was, and your earlier backups are still on {drive}. Bring the new ones to the drive: each device's backup is copied and checked, nothing there is overwritten (an older backup is kept beside the newer one), and the link is put back."
    )
}

/// The heading of the section for one device at a time.
pub const ONE_DEVICE: &str = "One device at a time";

/// What archiving is for.
pub const ONE_DEVICE_WHY: &str = "Archive an old device's backup to a drive to free its room without moving everything; bring it back whenever you like.";

/// The button that starts archiving the backup of `device`.
#[must_use]
pub fn archive_button(device: &str) -> String {
    format!("Archive {device}…")
}

/// The question while a drive is chosen.
#[must_use]
pub fn archive_where(device: &str) -> String {
    format!(
        "Archive the backup of {device} to which drive? It is copied and checked first; the other devices' backups stay as they are."
    )
}

/// One drive to archive to, with its free space.
#[must_use]
pub fn archive_to(drive: &str, free: &str) -> String {
    format!("Archive to {drive} ({free} free)")
}

/// When no other drive is connected.
pub const NO_DRIVE_TO_ARCHIVE: &str = "No other drive is connected. Connect one to archive to.";

/// An archived backup of `device` on `drive`.
#[must_use]
pub fn archived_on(device: &str, drive: &str) -> String {
    format!("{device}: archived on {drive}.")
}

/// The button that brings the archived backup of `device` back.
#[must_use]
pub fn bring_back_button(device: &str) -> String {
    format!("Bring back {device}")
}

/// The button that brings new backups to one of several copies, on `drive`.
#[must_use]
pub fn merge_to(drive: &str) -> String {
    format!("Bring them to {drive}")
}

/// The Preferences' switch for the guard.
pub const GUARD_SWITCH: &str = "Watch over my moved backups between visits";

/// What the guard does, as the switch is set (and whether it can be).
#[must_use]
pub fn guard_explained(available: bool, on: bool) -> &'static str {
    match (available, on) {
        (false, _) => {
            "Not available here: it needs a home folder, and the demo's backups are only for trying things out."
        }
        (true, true) => {
            "On: a small helper without a window runs now and at each login. It tells you, as a notification, when the drive is missing as a backup starts, when an update replaced the link, or when a device has not backed up for the days above. It never holds files open on the drive, so ejecting it always works."
        }
        (true, false) => {
            "Off. When on, a small helper without a window runs at each login and tells you, as a notification, when the drive is missing as a backup starts, when an update replaced the link, or when a device has not backed up for the days above."
        }
    }
}

/// The button that offers to go on without a drive that is gone for good.
pub const DRIVE_GONE: &str = "The drive is gone for good…";

/// The button that confirms it.
pub const FORGET_DRIVE: &str = "Go on without that drive";

/// What going on without the drive the interrupted operation waits for
/// means, when the backups are whole in `whole` without it.
#[must_use]
pub fn forget_drive_meaning(drive: &str, whole: &Path) -> String {
    format!(
        "If {drive} is lost, broken or wiped: the interrupted work is undone without it, and your backups stay in {}, where they are whole. Should the drive ever be connected again, what Backup Relocator left on it is removed then. Nothing on {} is deleted.",
        whole.display(),
        super::COMPUTER
    )
}

/// The interrupted operation waits for `drive`, the only place the backups are whole.
#[must_use]
pub fn only_on_the_drive(drive: &str) -> String {
    format!(
        "It waits for {drive}: your backups are whole only there now. Connect it, then finish the work."
    )
}

/// A copy of ours at `path` that recovery removes now.
#[must_use]
pub fn leftover_to_remove(path: &Path) -> String {
    format!(
        "A copy Backup Relocator did not finish (or was deleting) is at {}. It is safe to remove: your backups are whole elsewhere.",
        path.display()
    )
}

/// A copy of ours on `drive`, which is not connected.
#[must_use]
pub fn leftover_waiting(drive: &str, path: &Path) -> String {
    format!(
        "A copy Backup Relocator did not finish is on {drive}, which is not connected ({}). It is removed the next time the drive is connected and Backup Relocator opens.",
        path.display()
    )
}

/// The button that removes the copies of ours found.
pub const REMOVE_LEFTOVERS: &str = "Remove what was left on the drive";

//! The window's words for the core's facts, each worded here once: step
//! and phase names, drives, the space needed, the plan sentence, what
//! checking promises, speed and time left, what happened at the end, what
//! went wrong and what to do next. Pages only place these sentences.

use std::path::Path;
use std::time::{Duration, SystemTime};

use relocator::Problem;
use relocator::checks::SpaceNeeded;
use relocator::contents::Contents;
use relocator::failure::Failure;
use relocator::inventory::{DeviceBackup, EntryKind};
use relocator::relocate::Outcome;
use relocator::units::{count_of, format_bytes};
use relocator::volume::{DriveKind, VolumeInfo};
use relocator::{Phase, models};

use crate::page::Step;

mod after_move;
mod ways_forward;
pub use after_move::*;
use relocator::Operation;
pub use ways_forward::*;

/// What people call this computer.
pub const COMPUTER: &str = if cfg!(target_os = "macos") {
    "this Mac"
} else if cfg!(windows) {
    "this PC"
} else {
    "this computer"
};

/// What people call the place `path` is on: this computer when it is in
/// `home` (the folder the backup folder is in), else the drive by its name
/// — the best-known of `drives` holding it, or what its path says.
#[must_use]
pub fn place_name<'a>(
    path: &Path,
    home: Option<&Path>,
    drives: impl IntoIterator<Item = &'a VolumeInfo>,
) -> String {
    // A link made by hand may point at `../../../Volumes/Big Drive/Backup`:
    // named by where it leads, not by the folder it starts from.
    let path = &relocator::paths::as_typed(path);
    if home.is_some_and(|h| path.starts_with(h)) {
        return COMPUTER.to_owned();
    }
    drives
        .into_iter()
        .filter(|v| path.starts_with(&v.mount_point))
        .max_by_key(|v| v.mount_point.as_os_str().len())
        .map_or_else(
            || relocator::locations::drive_name_in(path),
            VolumeInfo::display_name,
        )
}

/// The name of a wizard step.
#[must_use]
pub fn step(step: Step) -> &'static str {
    match step {
        Step::Backups => "Backups",
        Step::Checks => "Checks",
        Step::Drive => "Drive",
        Step::Review => "Review",
        Step::Move => "Move",
        Step::Done => "Done",
    }
}

/// "Step 2 of 6: Checks", for the step indicator's name.
#[must_use]
pub fn step_position(steps: &[Step], current: Step) -> String {
    let at = steps
        .iter()
        .position(|s| *s == current)
        .map_or(0, |i| i + 1);
    format!("Step {at} of {}: {}", steps.len(), step(current))
}

/// The title of the Working page for `operation` (or recovery).
#[must_use]
pub fn working_title(operation: Option<Operation>) -> &'static str {
    match operation {
        Some(Operation::Move) => "Moving your backups",
        Some(Operation::Retarget) => "Moving your backups to the new drive",
        Some(Operation::Revert) => "Moving your backups back",
        Some(Operation::Relink | Operation::Adopt) => "Linking your backups again",
        Some(Operation::TakeOver) => "Checking the backups moved by hand",
        Some(Operation::Merge) => "Bringing the new backups to the drive",
        Some(Operation::Archive) => "Archiving a device's backup",
        Some(Operation::BringBack) => "Bringing an archived backup back",
        None => "Finishing what was left unfinished",
    }
}

/// The label of the button that starts `operation`.
#[must_use]
pub fn start_button(operation: Operation) -> &'static str {
    match operation {
        Operation::Move | Operation::Retarget => "Move",
        Operation::Revert => "Move back",
        Operation::Relink | Operation::Adopt => "Link",
        Operation::TakeOver => "Manage them",
        Operation::Merge => "Bring them to the drive",
        Operation::Archive => "Archive",
        Operation::BringBack => "Bring back",
    }
}

/// A phase, as the phase list shows it.
#[must_use]
pub fn phase(phase: Phase) -> &'static str {
    match phase {
        Phase::Checking => "Checking",
        Phase::Scanning => "Counting",
        Phase::Copying => "Copying",
        Phase::Verifying => "Verifying",
        Phase::Switching => "Switching",
        Phase::CleaningUp => "Freeing space",
        Phase::RollingBack => "Undoing",
        Phase::Recovering => "Recovering",
    }
}

/// What the current phase is doing, in one sentence.
#[must_use]
pub fn phase_doing(phase: Phase) -> &'static str {
    match phase {
        Phase::Checking | Phase::Scanning => "Checking the backups and the drive…",
        Phase::Copying => "Copying every file…",
        Phase::Verifying => "Comparing the copy with the original…",
        Phase::Switching => "Putting the copy in place and the link beside it…",
        Phase::CleaningUp => "Deleting the old copy to free its space…",
        Phase::RollingBack => "Putting everything back as it was…",
        Phase::Recovering => "Finishing or undoing what was interrupted…",
    }
}

/// "812 GB free of 1 TB".
#[must_use]
pub fn free_of(v: &VolumeInfo) -> String {
    format!(
        "{} free of {}",
        format_bytes(v.free_bytes),
        format_bytes(v.total_bytes)
    )
}

/// "External drive", "Network drive", "Internal drive".
#[must_use]
pub fn drive_kind(kind: DriveKind) -> &'static str {
    match kind {
        DriveKind::Internal => "Internal drive",
        DriveKind::Removable => "External drive",
        DriveKind::Network => "Network drive",
    }
}

/// A file system's name as its maker writes it ("exfat" → "exFAT").
#[must_use]
pub fn file_system(name: &str) -> String {
    let known = match name.to_ascii_lowercase().as_str() {
        "apfs" => "APFS",
        "hfs" | "hfs+" | "hfsplus" => "Mac OS Extended",
        "ntfs" | "ntfs3" | "fuseblk.ntfs" => "NTFS",
        "exfat" => "exFAT",
        "vfat" | "fat32" | "msdos" | "msdosfs" | "fusefat" => "FAT32",
        "fat" | "fat16" => "FAT",
        "refs" => "ReFS",
        "smbfs" | "cifs" | "smb" | "smb2" | "smb3" => "SMB share",
        "nfs" | "nfs4" => "NFS share",
        "afpfs" => "AFP share",
        "ext4" => "ext4",
        "xfs" => "XFS",
        "btrfs" => "Btrfs",
        "tmpfs" => "memory drive (emptied at restart)",
        _ => return name.to_owned(),
    };
    known.to_owned()
}

/// "External drive · exFAT · 812 GB free of 1 TB".
#[must_use]
pub fn drive_line(v: &VolumeInfo) -> String {
    format!(
        "{} · {} · {}",
        drive_kind(v.kind()),
        file_system(&v.file_system),
        free_of(v)
    )
}

/// "Needs 1.6 GB: your backups (1.5 GB) and 100 MB kept free beside them".
#[must_use]
pub fn space_needed(needed: SpaceNeeded) -> String {
    format!(
        "Needs {}: your backups ({}) and {} kept free beside them",
        format_bytes(needed.total()),
        format_bytes(needed.backups),
        format_bytes(needed.headroom)
    )
}

/// "After the move: 23.7 GB free on Big Drive" (without the drive's name
/// where it stands beside it).
#[must_use]
pub fn free_after(free: u64, drive: Option<&str>) -> String {
    match drive {
        Some(drive) => format!("After the move: {} free on {drive}", format_bytes(free)),
        None => format!("After the move: {} free", format_bytes(free)),
    }
}

/// "23.3 GB free on Big Drive": the room a drive has now.
#[must_use]
pub fn free_now(free: u64, drive: &str) -> String {
    format!("{} free on {drive}", format_bytes(free))
}

/// Why the headroom is there, for a tooltip.
pub const HEADROOM_WHY: &str = "A little space stays free beside the backups: a drive filled to the last byte makes the next backup fail.";

/// The one sentence of what will happen.
#[must_use]
pub fn plan_sentence(operation: Operation, bytes: u64, target: &str, same_drive: bool) -> String {
    let size = format_bytes(bytes);
    match (operation, same_drive) {
        (Operation::Move, false) => format!(
            "{size} of backups will be copied to {target}. Once the copy is checked, the originals are deleted from {COMPUTER} and a link takes their place, so Finder, iTunes and Apple Devices back up to {target} from now on."
        ),
        (Operation::Move, true) => format!(
            "Your backups ({size}) will be moved to another folder of {target}, the drive they are on, and a link takes their place. This frees no space on {COMPUTER}."
        ),
        (Operation::Retarget, false) => format!(
            "{size} of backups will be copied to {target}. Once the copy is checked, the link points there and the old copy is deleted from the old drive."
        ),
        (Operation::Retarget, true) => format!(
            "Your backups ({size}) will be moved to another folder of {target}, the drive they are on, and the link will point there."
        ),
        (Operation::Revert, false) => format!(
            "{size} of backups will be copied back to {target}. Once the copy is checked, the link is replaced by the backups and the copy on the drive is deleted."
        ),
        (Operation::Revert, true) => {
            format!("Your backups ({size}) will be moved back to {target}, replacing the link.")
        }
        (Operation::Relink | Operation::Adopt, _) => {
            format!("Your backups ({size}) will be linked to {target}; nothing is copied.")
        }
        (Operation::TakeOver, _) => format!(
            "Every file of your backups ({size}) in {target} will be read, then Backup Relocator's mark is added there; nothing is copied or deleted."
        ),
        (Operation::Archive, _) => format!(
            "This device's backup ({size}) will be copied to {target} and checked, then taken out of the backup folder; the other devices' backups stay as they are."
        ),
        (Operation::BringBack, _) => format!(
            "The archived backup ({size}) will be copied back into the backup folder and checked, then removed from {target}."
        ),
        (Operation::Merge, _) => format!(
            "The new backups on {COMPUTER} ({size}) will be copied to {target} and checked, device by device; nothing there is overwritten. Then the link is put back."
        ),
    }
}

/// What checking promises, as the verification choice is set.
#[must_use]
pub fn check_promise(verify_full: bool, same_drive: bool) -> &'static str {
    match (same_drive, verify_full) {
        (true, _) => {
            "On the same drive nothing is copied: the folder is renamed, which either happens whole or not at all."
        }
        (false, true) => {
            "Every copied file is read back from the drive and compared with the original before anything is deleted."
        }
        (false, false) => {
            "Each copied file's size and date are compared with the original before anything is deleted; the content is not read back."
        }
    }
}

/// What happens if it goes wrong (true in every case).
pub const SAFETY_PROMISE: &str =
    "If anything goes wrong, or you cancel, everything is put back as it was.";

/// "45.2 MB/s".
#[must_use]
pub fn speed(bytes_per_second: u64) -> String {
    format!("{}/s", format_bytes(bytes_per_second))
}

/// "About 3 minutes left", "Less than a minute left".
#[must_use]
pub fn time_left(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0..60 => "Less than a minute left".to_owned(),
        60..120 => "About a minute left".to_owned(),
        120..3_600 => format!("About {} minutes left", secs.div_ceil(60)),
        _ => format!("About {} h {} min left", secs / 3_600, (secs % 3_600) / 60),
    }
}

/// How long an operation should take, before it starts: from `fast` (a
/// fast drive) to `slow` (a slow one). "It takes about 2 to 15 minutes,
/// depending on how fast the drive is."
#[must_use]
pub fn how_long(fast: Duration, slow: Duration) -> String {
    const DEPENDS: &str = "depending on how fast the drive is";
    if slow.as_secs() < 60 {
        return "It takes less than a minute.".to_owned();
    }
    let minutes = |d: Duration| d.as_secs().div_ceil(60).max(1);
    let (least, most) = (minutes(fast), minutes(slow));
    if most < 120 {
        return if least == most {
            format!("It takes about {}.", count_of(most, "minute", "minutes"))
        } else {
            format!("It takes about {least} to {most} minutes, {DEPENDS}.")
        };
    }
    // From two hours on, in hours (then days): the shorter end rounded
    // down, the longer to the nearest.
    let span = |m: u64, nearest: bool| {
        let whole = |unit: u64| {
            if nearest {
                (m + unit / 2) / unit
            } else {
                m / unit
            }
        };
        match m {
            0..60 => count_of(m, "minute", "minutes"),
            60..2_880 => count_of(whole(60), "hour", "hours"),
            _ => count_of(whole(1_440), "day", "days"),
        }
    };
    let (shorter, longer) = (span(least, false), span(most, true));
    if shorter == longer {
        format!("It takes about {longer}.")
    } else {
        format!("It takes about {shorter} to {longer}, {DEPENDS}.")
    }
}

/// "1.2 GB of 4.5 GB · 1,234 of 5,000 files".
#[must_use]
pub fn amount_done(bytes: u64, total_bytes: u64, files: u64, total_files: u64) -> String {
    let files_part = if total_files > 0 {
        format!(
            "{} of {}",
            relocator::units::group_digits(files),
            count_of(total_files, "file", "files")
        )
    } else {
        count_of(files, "file", "files")
    };
    if total_bytes > 0 {
        format!(
            "{} of {} · {files_part}",
            format_bytes(bytes),
            format_bytes(total_bytes)
        )
    } else if bytes > 0 {
        format!("{} · {files_part}", format_bytes(bytes))
    } else {
        files_part
    }
}

/// What to call a device backup in a list.
#[must_use]
pub fn device_name(d: &DeviceBackup) -> String {
    match d.kind {
        EntryKind::Device => d.display_name(),
        EntryKind::Archive => format!("{} (archived copy)", d.display_name()),
        EntryKind::IMazingVersions => "iMazing versions".to_owned(),
        EntryKind::Other => format!("Other folder: {}", d.udid),
    }
}

/// A device's model: "iPhone 14 Pro" (the identifier if unknown).
#[must_use]
pub fn model(d: &DeviceBackup) -> String {
    d.product_type
        .as_deref()
        .map(models::model_name)
        .unwrap_or_default()
}

/// "Today", "Yesterday", "3 days ago" — when a device was last backed up.
#[must_use]
pub fn last_backup(at: SystemTime, now: SystemTime) -> String {
    match relocator::freshness::days_since(at, now) {
        0 => "Today".to_owned(),
        1 => "Yesterday".to_owned(),
        days => format!("{days} days ago"),
    }
}

/// "Not backed up for 12 days".
#[must_use]
pub fn stale(days: u64) -> String {
    format!("Not backed up for {days} days")
}

/// The devices whose backups move: "The backups of Ana's iPhone, Family
/// iPad and Work iPhone."
#[must_use]
pub fn devices_moving(devices: &[DeviceBackup]) -> String {
    let names: Vec<String> = devices.iter().map(device_name).collect();
    let listed = match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    format!("The backups of {listed}.")
}

/// The device the file at `path` belongs to, by name, with its place
/// among several: "Ana's iPhone, 1 of 3" (never the file's own name, a hash).
#[must_use]
pub fn device_at(path: &Path, devices: &[DeviceBackup]) -> Option<String> {
    let i = relocator::inventory::device_of(path, devices)?;
    let name = device_name(&devices[i]);
    Some(if devices.len() > 1 {
        format!("{name}, {} of {}", i + 1, devices.len())
    } else {
        name
    })
}

/// Why a chosen folder can or cannot be used as the backup folder.
#[must_use]
pub fn contents(c: &Contents) -> String {
    match c {
        Contents::DeviceBackups { devices } => format!(
            "Holds {}.",
            count_of(*devices as u64, "device backup", "device backups")
        ),
        Contents::EmptyBackupFolder => {
            "No backups here yet. Moving this folder now sends every future backup to the drive."
                .to_owned()
        }
        Contents::EmptyFolder => "This folder is empty and is not Apple's backup folder. Choose the folder named Backup inside MobileSync.".to_owned(),
        Contents::NotBackups { examples } => format!(
            "This folder does not hold iPhone or iPad backups (it holds {}). Choose the folder named Backup inside MobileSync.",
            examples.join(", ")
        ),
    }
}

/// The sentence a person ticks to accept the warning `p`.
#[must_use]
pub fn acceptance(p: &Problem) -> String {
    match p {
        Problem::SameDrive { .. } | Problem::SharedStorage { .. } => {
            format!("I understand this frees no space on {COMPUTER}")
        }
        Problem::RemovableDestination { .. } => {
            "I will keep this drive connected when my iPhone or iPad backs up".to_owned()
        }
        Problem::NetworkDestination { .. } => {
            "I will keep this network drive reachable when my iPhone or iPad backs up".to_owned()
        }
        Problem::AttributesNotKept { .. } => {
            "I accept that these extended attributes are lost".to_owned()
        }
        other => format!("I understand: {}", other.message()),
    }
}

/// The headline of the Done page.
#[must_use]
pub fn done_headline(o: &Outcome) -> String {
    match o.operation {
        Operation::Move => "Your backups are on the drive".to_owned(),
        Operation::Retarget => "Your backups are on the new drive".to_owned(),
        Operation::Revert => format!("Your backups are back on {COMPUTER}"),
        Operation::Relink => "Your backups are linked again".to_owned(),
        Operation::Adopt => "Your backups are linked".to_owned(),
        Operation::TakeOver => "Backup Relocator now manages your backups".to_owned(),
        Operation::Merge => "The new backups are on the drive".to_owned(),
        Operation::Archive => "The backup is archived on the drive".to_owned(),
        Operation::BringBack => "The backup is back".to_owned(),
    }
}

/// What really happened, space included: one or two sentences.
#[must_use]
pub fn done_sentence(o: &Outcome, place: &str) -> String {
    let moved = format!(
        "{} in {}",
        format_bytes(o.bytes),
        count_of(o.files, "file", "files")
    );
    let freed = format_bytes(o.freed_bytes);
    match o.operation {
        Operation::Move if o.freed_bytes > 0 => {
            format!("{moved} moved to {place}. {freed} is free again on {COMPUTER}.")
        }
        Operation::Move => format!(
            "{moved} moved to another folder of {place}, the drive they were on, so no space was freed on {COMPUTER}."
        ),
        Operation::Retarget if o.freed_bytes > 0 => {
            format!("{moved} moved to {place}. {freed} is free again on the old drive.")
        }
        Operation::Retarget => format!("{moved} moved to {place}."),
        Operation::Revert if o.freed_bytes > 0 => {
            format!("{moved} copied back to {place}. {freed} is free again on the drive.")
        }
        Operation::Revert => format!("{moved} are back on {place}."),
        Operation::Relink | Operation::Adopt => {
            format!("Your backups on {place} are linked again: backups go there as before.")
        }
        Operation::TakeOver => format!(
            "{moved} read on {place}: nothing was copied or changed. You can move them back or to another drive from here whenever you like."
        ),
        Operation::Merge => format!(
            "{moved} brought to {place} and checked; the link is back, so backups go there again."
        ),
        Operation::Archive if o.freed_bytes > 0 => {
            format!("{moved} archived on {place}. {freed} is free again where it was.")
        }
        Operation::Archive => format!("{moved} archived on {place}."),
        Operation::BringBack => format!("{moved} back in the backup folder, checked."),
    }
}

/// The headline of the Failed page.
#[must_use]
pub fn failure_headline(f: &Failure, operation: Option<Operation>) -> &'static str {
    match (f, operation) {
        (Failure::Cancelled, _) => "Cancelled — nothing was changed",
        (Failure::Refused(_), _) => "It cannot start yet",
        (_, Some(Operation::Move)) => "The move did not finish",
        (_, Some(Operation::Retarget)) => "The move to the other drive did not finish",
        (_, Some(Operation::Revert)) => "The move back did not finish",
        (_, Some(Operation::Relink | Operation::Adopt)) => "The link was not made",
        (_, Some(Operation::TakeOver)) => "Backup Relocator did not take them over",
        (_, Some(Operation::Merge)) => "The new backups were not brought to the drive",
        (_, Some(Operation::Archive)) => "The backup was not archived",
        (_, Some(Operation::BringBack)) => "The backup was not brought back",
        (_, None) => "It did not finish",
    }
}

/// One plain sentence about what happened.
#[must_use]
pub fn failure_sentence(f: &Failure) -> String {
    match f {
        Failure::Cancelled => "You stopped it, and everything was put back as it was.".to_owned(),
        Failure::Refused(problems) => relocator::problem::refusal(problems),
        Failure::DriveFull => "The drive became full before the copy was finished.".to_owned(),
        Failure::DriveDisconnected => "The drive was disconnected while the work went on.".to_owned(),
        Failure::DriveReadOnly => "The drive does not allow writing.".to_owned(),
        Failure::FileTooLarge => {
            "A backup file is too large for this drive's format (FAT32 holds files up to 4 GB)."
                .to_owned()
        }
        Failure::AccessDenied => {
            "The system did not allow access to a file (on a Mac: give Backup Relocator Full Disk Access)."
                .to_owned()
        }
        Failure::CopyDiffers => "A copied file did not match the original when it was checked.".to_owned(),
        Failure::ChangedDuringCopy => {
            "A backup changed while it was being copied: an iPhone or iPad was backing up.".to_owned()
        }
        Failure::Busy => "Another Backup Relocator window is already working on these backups.".to_owned(),
        Failure::LinkNotAllowed => "Windows did not allow the link this drive needs.".to_owned(),
        Failure::DamagedRecord => {
            "The record of an interrupted operation is damaged, or was not written by Backup Relocator as it is. Once your backups are whole, set it aside (Backup Relocator checks that first; nothing is deleted)."
                .to_owned()
        }
        Failure::FileInUse => {
            "Another program kept a file open that had to be moved or deleted (often antivirus or the search indexer): wait a moment, then try again."
                .to_owned()
        }
        Failure::RecordProblem => {
            "The record of an interrupted operation cannot be used as it is.".to_owned()
        }
        Failure::Other => "Something went wrong, and the work stopped.".to_owned(),
    }
}

/// Where the backups are after a failure, in one sentence.
#[must_use]
pub fn safe_sentence(place: &str) -> String {
    format!("Your backups are safe on {place}, as they were.")
}

/// The button that sets a damaged record aside.
pub const SET_RECORD_ASIDE: &str = "Set the damaged record aside";

/// The Details box's title.
pub const DETAILS: &str = "Details";

/// After a damaged record was set aside: where it is kept now.
#[must_use]
pub fn record_set_aside(kept_as: &Path) -> String {
    format!(
        "The damaged record was set aside (kept as {}), and these backups can be used again.",
        kept_as.display()
    )
}

/// Why a damaged record was kept.
#[must_use]
pub fn record_kept(e: &relocator::Error) -> String {
    match e {
        relocator::Error::BackupsNotWhole { .. } => "The record was kept: the backups are not whole in the backup folder yet. Put them back there (the list above says where they are), then try again. Nothing was changed.".to_owned(),
        relocator::Error::BackupsInTwoPlaces { set_aside, .. } => format!(
            "The record was kept: the backup folder is here, and an original set aside by an interrupted move is beside it ({}). Decide which holds your backups and move the other out of this folder, then try again. Nothing was changed.",
            set_aside.display()
        ),
        relocator::Error::RecordUsable { .. } => "The record can still be used, so it was kept: choose \"Finish or undo now\" instead. Nothing was changed.".to_owned(),
        other => format!("The record could not be set aside: {other}"),
    }
}

/// A backup folder chosen when it can no longer be used (an operation is
/// being prepared or runs).
#[must_use]
pub fn source_not_changed(folder: &Path) -> String {
    format!(
        "{} was not used as the backup folder: a move is being prepared or is running. Go back to the overview to choose another folder.",
        folder.display()
    )
}

/// The "stop and undo?" question closed because the work went past the switch.
#[must_use]
pub fn too_late_to_stop() -> &'static str {
    "The backups are already in their new place, so this can no longer be stopped; the last step finishes by itself."
}

/// After a failure that left an operation interrupted (the core could not
/// say where the backups are whole).
pub const LEFT_INTERRUPTED: &str = "The work was interrupted part-way. Finish or undo it now: nothing is lost, and the backups end up whole in one place.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Wizard as _;
    use std::path::PathBuf;

    #[test]
    fn the_space_needed_shows_its_parts() {
        let s = space_needed(SpaceNeeded::for_backups(21_000_000));
        assert_eq!(
            s,
            "Needs 121 MB: your backups (21.0 MB) and 100 MB kept free beside them"
        );
    }

    #[test]
    fn the_promise_follows_the_verification_choice() {
        assert!(check_promise(true, false).contains("read back from the drive"));
        assert!(!check_promise(false, false).contains("read back from the drive"));
        assert!(check_promise(false, false).contains("not read back"));
        assert!(check_promise(true, true).contains("renamed"));
    }

    #[test]
    fn done_says_no_space_was_freed_on_the_same_drive() {
        let mut o = Outcome {
            operation: Operation::Move,
            source: PathBuf::from("/Users/ana/Backup"),
            backups_at: PathBuf::from("/Users/ana/Elsewhere/Backup"),
            bytes: 21_000_000,
            files: 30,
            freed_bytes: 0,
            notes: Vec::new(),
        };
        let same = done_sentence(&o, "Big Drive");
        assert!(same.contains("no space was freed"), "{same}");
        assert!(!same.contains("free again"), "{same}");
        assert!(!same.contains("/Users"), "names, not paths: {same}");
        o.freed_bytes = 21_000_000;
        let freed = done_sentence(&o, "Big Drive");
        assert!(freed.contains("moved to Big Drive"), "{freed}");
        assert!(freed.contains(&format!("21.0 MB is free again on {COMPUTER}")));
        o.operation = Operation::Revert;
        assert!(done_sentence(&o, COMPUTER).contains("free again on the drive"));
    }

    #[test]
    fn places_are_named_this_computer_or_the_drive_by_its_name() {
        let drive = VolumeInfo {
            mount_point: PathBuf::from("/Volumes/Big Drive"),
            name: "Big Drive".into(),
            file_system: "apfs".into(),
            total_bytes: 1,
            free_bytes: 1,
            removable: true,
            network: false,
            read_only: false,
            free_file_slots: None,
        };
        let home = Path::new("/Users/ana/Library/Application Support/MobileSync");
        let name = |p: &str| place_name(Path::new(p), Some(home), [&drive]);
        assert_eq!(
            name("/Users/ana/Library/Application Support/MobileSync/Backup"),
            COMPUTER
        );
        assert_eq!(name("/Volumes/Big Drive/Backups/Backup"), "Big Drive");
        assert_eq!(name("/Volumes/Other/Backup"), "the drive \"Other\"");
        // A link made by hand, relative: named by where it leads.
        assert_eq!(
            name(
                "/Users/ana/Library/Application Support/MobileSync/../../../../../Volumes/Big Drive/Backup"
            ),
            "Big Drive"
        );
    }

    #[test]
    fn speeds_and_times_read_like_a_person_says_them() {
        assert_eq!(speed(45_200_000), "45.2 MB/s");
        assert_eq!(
            time_left(Duration::from_secs(20)),
            "Less than a minute left"
        );
        assert_eq!(time_left(Duration::from_secs(61)), "About a minute left");
        assert_eq!(time_left(Duration::from_secs(301)), "About 6 minutes left");
        assert_eq!(
            how_long(Duration::from_secs(90), Duration::from_secs(880)),
            "It takes about 2 to 15 minutes, depending on how fast the drive is."
        );
        assert_eq!(
            how_long(Duration::from_secs(5), Duration::from_secs(50)),
            "It takes less than a minute."
        );
        assert_eq!(
            how_long(Duration::from_secs(20), Duration::from_mins(55)),
            "It takes about 1 to 55 minutes, depending on how fast the drive is."
        );
        assert_eq!(
            how_long(Duration::from_mins(30), Duration::from_hours(3)),
            "It takes about 30 minutes to 3 hours, depending on how fast the drive is."
        );
        assert_eq!(
            how_long(Duration::from_mins(61), Duration::from_mins(119)),
            "It takes about 61 to 119 minutes, depending on how fast the drive is."
        );
        assert_eq!(
            how_long(Duration::from_mins(70), Duration::from_mins(155)),
            "It takes about 1 hour to 3 hours, depending on how fast the drive is.",
            "the longer end to the nearest hour"
        );
        assert_eq!(
            how_long(Duration::from_hours(20), Duration::from_hours(60)),
            "It takes about 20 hours to 3 days, depending on how fast the drive is."
        );
        assert_eq!(time_left(Duration::from_mins(182)), "About 3 h 2 min left");
    }

    #[test]
    fn the_current_item_is_its_device_by_name_and_place() {
        let udid = "00008110-001A2B3C4D5E6F70";
        let device = DeviceBackup {
            name: Some("Ana's iPhone".to_owned()),
            product_type: Some("iPhone15,2".to_owned()),
            ..DeviceBackup::unread(&PathBuf::from(format!("/b/{udid}")), udid.to_owned())
        };
        let path = PathBuf::from(format!("/Users/ana/Backup/{udid}/2b/2b3f"));
        assert_eq!(
            device_at(&path, std::slice::from_ref(&device)).as_deref(),
            Some("Ana's iPhone")
        );
        let other = DeviceBackup {
            udid: "00008120-00AA".to_owned(),
            name: Some("Family iPad".to_owned()),
            ..device.clone()
        };
        let both = [other, device.clone()];
        assert_eq!(
            device_at(&path, &both).as_deref(),
            Some("Ana's iPhone, 2 of 2")
        );
        assert_eq!(model(&device), "iPhone 14 Pro");
        assert_eq!(device_at(Path::new("/x/other/file.txt"), &[device]), None);
    }

    #[test]
    fn drives_and_file_systems_are_named_as_people_know_them() {
        assert_eq!(file_system("exfat"), "exFAT");
        assert_eq!(file_system("vfat"), "FAT32");
        assert_eq!(file_system("zfs"), "zfs");
        assert_eq!(drive_kind(DriveKind::Removable), "External drive");
    }

    #[test]
    fn the_same_drive_has_its_own_acceptance() {
        let same = acceptance(&Problem::SameDrive {
            drive: "Mac".into(),
        });
        assert!(same.contains("frees no space"), "{same}");
        assert!(!same.contains("connected"), "{same}");
    }

    #[test]
    fn unrelated_and_empty_folders_are_explained() {
        let not = contents(&Contents::NotBackups {
            examples: vec!["Taxes".into()],
        });
        assert!(
            not.contains("does not hold iPhone or iPad backups"),
            "{not}"
        );
        assert!(contents(&Contents::EmptyFolder).contains("not Apple's backup folder"));
        assert!(contents(&Contents::DeviceBackups { devices: 2 }).contains("2 device backups"));
    }

    #[test]
    fn the_step_position_counts_from_one() {
        let steps = Operation::Move.steps();
        assert_eq!(step_position(steps, Step::Checks), "Step 2 of 6: Checks");
        assert_eq!(
            step_position(Operation::Revert.steps(), Step::Done),
            "Step 4 of 4: Done"
        );
    }
}

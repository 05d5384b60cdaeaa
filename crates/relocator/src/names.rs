//! The names Backup Relocator gives its own files and folders, and the
//! words for places and kinds of file — pure, on the ground floor, so that
//! every other module (errors included) can name things without reaching
//! up into the operations. An operation's folders are derived from its
//! backup folder, its destination and its id: defined here once, used when
//! it starts and again when a record read from disk is checked.

use std::ffi::OsString;
use std::fs::Metadata;
use std::path::{Path, PathBuf};

/// The record of an operation under way, beside the backup folder.
pub const JOURNAL_FILE: &str = ".backup-relocator.journal";
/// The lock file for one operation at a time, beside the journal.
pub const LOCK_FILE: &str = ".backup-relocator.lock";
/// The marker inside a placed `Backup` folder that says it is ours.
pub const MARKER_FILE: &str = ".backup-relocator.json";
/// The temporary file a record or marker is written to before it is
/// renamed into place (beside the journal, or in a copy's top folder).
pub const TEMPORARY_FILE: &str = ".backup-relocator.tmp";
/// The copies of ours still to remove once their drive is back, beside the journal.
pub const LEFTOVERS_FILE: &str = ".backup-relocator.leftovers";
/// The folder a drive's capabilities are probed in (with an id after it).
pub const PROBE_PREFIX: &str = ".backup-relocator-probe-";
/// The link made to try that a link can be made (with an id after it).
pub const LINK_PROBE_PREFIX: &str = ".backup-relocator-link-probe-";

/// Whether `name`, at the top of a copy of ours, is our own file there (its
/// marker, or the marker's temporary file left by a crash): never part of
/// the backups, never copied or compared.
#[must_use]
pub fn is_our_file_at_the_top(name: &std::ffi::OsStr) -> bool {
    name == MARKER_FILE || name == TEMPORARY_FILE
}

/// A fresh operation id: 12 hex digits.
#[must_use]
pub fn new_id() -> String {
    format!("{:012x}", fastrand::u64(..) & 0xffff_ffff_ffff)
}

/// Whether `id` has the form of an id we make: 12 lower-case hex digits
/// (so no path can hide in it).
#[must_use]
pub fn is_our_id(id: &str) -> bool {
    id.len() == 12
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The original backup folder set aside by a move: `<SOURCE>.moving-<id>` beside it.
#[must_use]
pub fn set_aside(source: &Path, id: &str) -> PathBuf {
    sibling(source, &format!(".moving-{id}"))
}

/// The local copy a move back makes: `<SOURCE>.partial-<id>` beside the link.
#[must_use]
pub fn local_staging(source: &Path, id: &str) -> PathBuf {
    sibling(source, &format!(".partial-{id}"))
}

/// The backups' home in a destination folder: `<DEST>/Backup`.
#[must_use]
pub fn drive_target(destination: &Path) -> PathBuf {
    destination.join("Backup")
}

/// The folder on a drive that keeps archived device backups, one folder
/// per device as in a backup folder.
pub const ARCHIVE_FOLDER: &str = "Archived iPhone and iPad backups";

/// The archive folder in `destination`.
#[must_use]
pub fn archive_folder(destination: &Path) -> PathBuf {
    destination.join(ARCHIVE_FOLDER)
}

/// Where a merge keeps the older of two backups of one device, beside the
/// one in use: `<Backup>/<UDID>.older-<id>`.
#[must_use]
pub fn older_backup(target: &Path, name: &std::ffi::OsStr, id: &str) -> PathBuf {
    sibling(&target.join(name), &format!(".older-{id}"))
}

/// Where a copy onto a drive is made: `<DEST>/Backup.partial-<id>`, or
/// `<DEST>/Backup` itself on a drive whose folders cannot be renamed safely.
#[must_use]
pub fn drive_staging(destination: &Path, id: &str, folder_renames: bool) -> PathBuf {
    if folder_renames {
        destination.join(format!("Backup.partial-{id}"))
    } else {
        drive_target(destination)
    }
}

/// `<path><suffix>` in the same folder, keeping any name byte for byte.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.file_name().unwrap_or_default().to_owned();
    name.push(suffix);
    path.with_file_name(name)
}

/// A place for people: its path, and what it is when it is one of ours
/// ("…/Backup.moving-1a2b3c4d5e6f, your original backup folder, set aside
/// while it was being moved"). Our own small files are named for what they
/// are, with the folder they are in, never by their file name alone.
#[must_use]
pub fn described(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let folder = path.parent().unwrap_or(path).display();
    let ours = match name.as_ref() {
        JOURNAL_FILE => Some(format!("Backup Relocator's record of its work in {folder}")),
        TEMPORARY_FILE => Some(format!("a record Backup Relocator was writing in {folder}")),
        LOCK_FILE => Some(format!("Backup Relocator's lock in {folder}")),
        MARKER_FILE => Some(format!("Backup Relocator's mark on the copy {folder}")),
        LEFTOVERS_FILE => Some(format!(
            "Backup Relocator's list of copies to remove, in {folder}"
        )),
        _ => None,
    };
    if let Some(ours) = ours {
        return ours;
    }
    let role = |marker: &str| {
        name.rsplit_once(marker)
            .is_some_and(|(_, id)| is_our_id(id))
    };
    if role(".moving-") {
        format!(
            "{} (your original backup folder, set aside while it was being moved)",
            path.display()
        )
    } else if role(".partial-") {
        format!(
            "{} (a copy Backup Relocator had not finished)",
            path.display()
        )
    } else {
        path.display().to_string()
    }
}

/// What kind of entry `meta` describes, in words ("a link", "a folder").
#[must_use]
pub fn describe_file_type(meta: &Metadata) -> String {
    let ft = meta.file_type();
    if ft.is_symlink() {
        "a link"
    } else if ft.is_dir() {
        "a folder"
    } else if ft.is_file() {
        "a file"
    } else {
        "a special file"
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_carry_paths() {
        assert!(is_our_id("0123456789ab"));
        assert!(!is_our_id("../../../etc"));
        assert!(!is_our_id("0123456789AB"));
        assert!(!is_our_id("0123456789a"));
        let id = new_id();
        assert_eq!(id.len(), 12);
        assert!(is_our_id(&id));
    }

    #[test]
    fn our_folders_are_named_for_what_they_are() {
        let source = Path::new("/home/a/MobileSync/Backup");
        let aside = set_aside(source, "0123456789ab");
        assert_eq!(
            aside,
            Path::new("/home/a/MobileSync/Backup.moving-0123456789ab")
        );
        assert!(described(&aside).contains("your original backup folder, set aside"));
        let partial = local_staging(source, "0123456789ab");
        assert!(described(&partial).contains("a copy Backup Relocator had not finished"));
        assert_eq!(described(source), source.display().to_string());
        assert_eq!(
            drive_staging(Path::new("/v"), "0123456789ab", false),
            Path::new("/v/Backup")
        );
    }

    #[test]
    fn our_own_files_are_named_for_what_they_are_not_by_their_names() {
        let folder = Path::new("/home/a/MobileSync");
        for ours in [
            JOURNAL_FILE,
            TEMPORARY_FILE,
            LOCK_FILE,
            MARKER_FILE,
            LEFTOVERS_FILE,
        ] {
            let words = described(&folder.join(ours));
            assert!(!words.contains(ours), "{words}");
            assert!(words.contains("Backup Relocator"), "{words}");
            assert!(words.contains("/home/a/MobileSync"), "{words}");
        }
    }
}

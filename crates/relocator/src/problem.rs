//! The problems a preflight can find: each blocking or a warning, each with
//! one plain sentence for a user and a stable code for scripts.

use std::path::PathBuf;

use crate::units::{clock_time, count_of, format_bytes, group_digits, span};

/// A moment as seconds since 1970, for scripts.
fn unix_seconds<S: serde::Serializer>(at: &std::time::SystemTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(
        at.duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The operation cannot go ahead.
    Blocking,
    /// The user must know, and accept, before going ahead.
    Warning,
    /// Worth knowing; nothing to accept.
    Note,
}

/// One reason the operation could fail or hurt.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Problem {
    /// There is no backup folder at the source.
    SourceMissing {
        /// The backup folder.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        source: PathBuf,
    },
    /// The source is already a link (moved before, or by another tool).
    SourceIsLink {
        /// The backup folder.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        source: PathBuf,
        /// Where it points.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        target: PathBuf,
    },
    /// The source is not a link made by Backup Relocator (revert, retarget).
    SourceNotRelocated {
        /// The backup folder.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        source: PathBuf,
    },
    /// The source's link points to a folder that is not there (drive unplugged).
    TargetMissing {
        /// Where the link points.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        target: PathBuf,
    },
    /// An earlier operation on this folder was interrupted and must be recovered first.
    InterruptedOperation {
        /// The journal recording it.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        journal: PathBuf,
        /// Which operation, when its record can be read.
        operation: Option<crate::operation::Operation>,
    },
    /// Something other than a folder is where the backup folder should be.
    SourceNotAFolder {
        /// The path.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        source: PathBuf,
        /// What is there ("a file").
        found: String,
    },
    /// The backup folder cannot be read.
    SourceUnreadable {
        /// The folder.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        path: PathBuf,
        /// macOS denied it for lack of Full Disk Access.
        full_disk_access: bool,
    },
    /// Some files or folders inside the backups cannot be read.
    UnreadableItems {
        /// How many.
        count: usize,
        /// The first one, with its cause.
        first: String,
    },
    /// The chosen destination does not exist.
    DestinationMissing {
        /// The destination folder.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        destination: PathBuf,
    },
    /// The destination is a file, not a folder.
    DestinationNotAFolder {
        /// The destination.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        destination: PathBuf,
    },
    /// Nothing can be written at the destination.
    DestinationNotWritable {
        /// The destination.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        destination: PathBuf,
        /// Why, in plain words.
        cause: String,
    },
    /// The destination is the backup folder itself.
    SameFolder {
        /// The destination.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        destination: PathBuf,
    },
    /// The destination is inside the backup folder.
    DestinationInsideSource {
        /// The destination.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        destination: PathBuf,
    },
    /// The backup folder is inside the destination.
    SourceInsideDestination {
        /// The destination.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        destination: PathBuf,
    },
    /// `<destination>/Backup` already exists.
    BackupAlreadyThere {
        /// The existing folder.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        path: PathBuf,
    },
    /// Not enough free space.
    NotEnoughSpace {
        /// The backups' bytes.
        backups: u64,
        /// Bytes that must stay free beside them.
        headroom: u64,
        /// Both together.
        needed: u64,
        /// Bytes free.
        free: u64,
        /// The drive, for people.
        drive: String,
    },
    /// A file is too large for a FAT drive.
    FileTooLargeForFat {
        /// The file.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        path: PathBuf,
        /// Its size.
        size: u64,
    },
    /// Names in one folder of the backups differ only by case, and the
    /// drive does not tell them apart.
    CaseOnlyNames {
        /// The drive.
        drive: String,
        /// How many names have such a twin.
        count: u64,
        /// One name of the first pair.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        first: PathBuf,
        /// The other.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        second: PathBuf,
    },
    /// The drive's format cannot hold the links inside the backups.
    CannotHoldLinks {
        /// The file system.
        file_system: String,
    },
    /// Entries a copy cannot reproduce: pipes, sockets, device nodes.
    SpecialFiles {
        /// How many.
        count: u64,
        /// The first few.
        #[serde(serialize_with = "crate::stored_path::many::serialize")]
        examples: Vec<PathBuf>,
    },
    /// The drive can make fewer new files and folders than the backups hold.
    TooManyFiles {
        /// Files, folders and links to make.
        needed: u64,
        /// How many the drive can still make.
        free: u64,
        /// The drive.
        drive: String,
    },
    /// The drive cannot hold extended attributes that items of the backups carry.
    AttributesNotKept {
        /// The drive.
        drive: String,
        /// One item that carries some.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        example: PathBuf,
    },
    /// The drive does not keep the modification times it is given (a
    /// misbehaving network share): a copy there cannot be checked.
    DriveLosesTimes {
        /// The drive.
        drive: String,
    },
    /// Windows allows the symbolic link a network drive needs only with
    /// Developer Mode on or as an administrator.
    LinkNeedsPrivilege {
        /// The drive.
        drive: String,
    },
    /// A link to the destination cannot be made where the backups are.
    CannotMakeLink {
        /// Why, in plain words.
        cause: String,
    },
    /// The drive is read-only (for example NTFS on a Mac).
    ReadOnlyDestination {
        /// The drive.
        drive: String,
        /// Its file system.
        file_system: String,
    },
    /// The destination is inside a folder a cloud service syncs: it can
    /// make the backups online-only placeholders or delete them.
    CloudFolder {
        /// The destination.
        destination: PathBuf,
        /// The service.
        service: crate::cloud::CloudService,
    },
    /// The destination is on the same drive as the backups: nothing would be freed.
    SameDrive {
        /// The drive.
        drive: String,
    },
    /// The destination is another volume drawing on the same storage as
    /// the backups' (APFS volumes of one container): nothing would be freed.
    SharedStorage {
        /// The destination's drive.
        drive: String,
    },
    /// The backup folder is a non-empty real folder (adopt needs it absent or empty).
    SourceNotEmpty {
        /// The backup folder.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        source: PathBuf,
    },
    /// A dangling link's backups were not found on any connected drive.
    NoCopyFound {
        /// The backup folder.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        source: PathBuf,
    },
    /// There is no link made by hand to take over: the folder is already
    /// managed by Backup Relocator (`managed`), or is no link at all.
    NothingToTakeOver {
        /// The backup folder.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        source: PathBuf,
        /// Whether Backup Relocator already manages it.
        managed: bool,
    },
    /// A link made by hand (or by another tool) points to a folder that
    /// holds no iPhone or iPad backups: there is nothing to take over.
    HandMadeLinkWithoutBackups {
        /// The backup folder (the link).
        #[serde(serialize_with = "crate::stored_path::serialize")]
        source: PathBuf,
        /// Where it points.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        target: PathBuf,
    },
    /// A link made by hand points to a folder that holds the backup folder
    /// itself (or is inside it): moving it would copy the link into itself.
    HandMadeLinkAroundItself {
        /// The backup folder (the link).
        #[serde(serialize_with = "crate::stored_path::serialize")]
        source: PathBuf,
        /// Where it points.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        target: PathBuf,
    },
    /// A link made by hand points to a whole drive: moving it would move
    /// everything on that drive.
    HandMadeLinkToAWholeDrive {
        /// The backup folder (the link).
        #[serde(serialize_with = "crate::stored_path::serialize")]
        source: PathBuf,
        /// Where it points.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        target: PathBuf,
    },
    /// The folder to adopt was not placed by Backup Relocator.
    NotOurCopy {
        /// The folder.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        path: PathBuf,
    },
    /// The drive is removable: it must be connected for every backup.
    RemovableDestination {
        /// The drive.
        drive: String,
    },
    /// The drive is a network share: it must be reachable for every backup.
    NetworkDestination {
        /// The drive.
        drive: String,
    },
    /// iTunes, Apple Devices or their helpers are running.
    SyncAppsRunning {
        /// Which ones.
        names: Vec<String>,
    },
    /// A device's backup finished so recently (or its metadata is still
    /// being rewritten) that it may still be being written.
    BackupStillWritten {
        /// The device.
        device: String,
        /// Why.
        #[serde(flatten)]
        why: crate::freshness::Writing,
        /// Seconds since its newest file changed.
        changed_seconds_ago: u64,
        /// When to try again (seconds since 1970).
        #[serde(serialize_with = "unix_seconds")]
        retry_at: std::time::SystemTime,
    },
    /// A device's backup finished recently, but is quiet now.
    RecentBackup {
        /// The device.
        device: String,
        /// Seconds since its newest file changed.
        changed_seconds_ago: u64,
    },
    /// A device backup is being made or did not finish.
    BackupInProgress {
        /// Which devices.
        devices: Vec<String>,
    },
}

/// Why an operation cannot start, in one paragraph: the sentence of each
/// problem that blocks it ("refused" when none does).
#[must_use]
pub fn refusal(problems: &[Problem]) -> String {
    let blocking: Vec<String> = problems
        .iter()
        .filter(|p| p.is_blocking())
        .map(Problem::message)
        .collect();
    if blocking.is_empty() {
        "refused".to_owned()
    } else {
        blocking.join(" ")
    }
}

impl Problem {
    /// Whether it blocks the operation or is a warning.
    #[must_use]
    pub fn severity(&self) -> Severity {
        match self {
            Problem::RemovableDestination { .. }
            | Problem::NetworkDestination { .. }
            | Problem::SameDrive { .. }
            | Problem::SharedStorage { .. }
            | Problem::AttributesNotKept { .. } => Severity::Warning,
            Problem::RecentBackup { .. } => Severity::Note,
            _ => Severity::Blocking,
        }
    }

    /// Whether it is about the chosen destination (another drive or folder
    /// would not have it), not about the backups or what is running.
    #[must_use]
    pub fn is_about_the_destination(&self) -> bool {
        matches!(
            self,
            Problem::DestinationMissing { .. }
                | Problem::DestinationNotAFolder { .. }
                | Problem::DestinationNotWritable { .. }
                | Problem::SameFolder { .. }
                | Problem::DestinationInsideSource { .. }
                | Problem::SourceInsideDestination { .. }
                | Problem::BackupAlreadyThere { .. }
                | Problem::NotEnoughSpace { .. }
                | Problem::FileTooLargeForFat { .. }
                | Problem::CaseOnlyNames { .. }
                | Problem::CannotHoldLinks { .. }
                | Problem::TooManyFiles { .. }
                | Problem::AttributesNotKept { .. }
                | Problem::DriveLosesTimes { .. }
                | Problem::LinkNeedsPrivilege { .. }
                | Problem::CannotMakeLink { .. }
                | Problem::ReadOnlyDestination { .. }
                | Problem::SameDrive { .. }
                | Problem::SharedStorage { .. }
                | Problem::CloudFolder { .. }
                | Problem::RemovableDestination { .. }
                | Problem::NetworkDestination { .. }
        )
    }

    /// Whether it blocks the operation.
    #[must_use]
    pub fn is_blocking(&self) -> bool {
        self.severity() == Severity::Blocking
    }

    /// One plain sentence for a user.
    #[must_use]
    #[expect(
        clippy::too_many_lines,
        reason = "one sentence per problem, all in one place"
    )]
    pub fn message(&self) -> String {
        match self {
            Problem::SourceMissing { source } => {
                format!("There is no backup folder at {}.", source.display())
            }
            Problem::SourceIsLink { source, target } => format!(
                "{} is already a link to {}: the backups were moved before. Move them back, or on to another drive, instead.",
                source.display(),
                target.display()
            ),
            Problem::SourceNotRelocated { source } => format!(
                "{} was not moved by Backup Relocator, so there is nothing to move back.",
                source.display()
            ),
            Problem::TargetMissing { target } => format!(
                "The backups' drive is not available ({} is missing): connect the drive and try again.",
                target.display()
            ),
            Problem::InterruptedOperation { operation, .. } => format!(
                "An earlier {} of these backups was interrupted: it must be finished or undone first.",
                operation.map_or("operation", |o| o.noun())
            ),
            Problem::SourceNotAFolder { source, found } => {
                format!("{} is {found}, not a backup folder.", source.display())
            }
            Problem::SourceUnreadable {
                path,
                full_disk_access: true,
            } => format!(
                "macOS does not let Backup Relocator read {}: open System Settings › Privacy & Security › Full Disk Access, turn on Backup Relocator, then open it again.",
                path.display()
            ),
            Problem::SourceUnreadable {
                path,
                full_disk_access: false,
            } => format!(
                "The backup folder {} cannot be read: you may not have permission.",
                path.display()
            ),
            Problem::UnreadableItems { count, first } => format!(
                "{} inside the backups cannot be read, for example {first}.",
                count_of(*count as u64, "item", "items")
            ),
            Problem::DestinationMissing { destination } => {
                format!("The destination {} does not exist.", destination.display())
            }
            Problem::DestinationNotAFolder { destination } => {
                format!("The destination {} is not a folder.", destination.display())
            }
            Problem::DestinationNotWritable { destination, cause } => format!(
                "Backup Relocator cannot write to {} ({cause}).",
                destination.display()
            ),
            Problem::SameFolder { destination } => format!(
                "{} is the backup folder itself: choose a folder on another drive.",
                destination.display()
            ),
            Problem::DestinationInsideSource { destination } => format!(
                "{} is inside the backup folder: choose a folder outside it.",
                destination.display()
            ),
            Problem::SourceInsideDestination { destination } => format!(
                "The backup folder is inside {}: choose a folder on another drive.",
                destination.display()
            ),
            Problem::BackupAlreadyThere { path } => format!(
                "There is already a folder named Backup at {}: choose another folder, or rename that one.",
                path.display()
            ),
            Problem::NotEnoughSpace {
                backups,
                headroom,
                needed,
                free,
                drive,
            } => format!(
                "{drive} does not have enough free space: the backups take {} and {} must stay free beside them, {} in all; {} is free, {} too little.",
                format_bytes(*backups),
                format_bytes(*headroom),
                format_bytes(*needed),
                format_bytes(*free),
                format_bytes(needed.saturating_sub(*free))
            ),
            Problem::CaseOnlyNames {
                drive,
                count,
                first,
                second,
            } => format!(
                "{} and {} differ only by upper and lower case{}, and {drive} does not tell such names apart: one would replace the other. Rename one of each pair, or use a drive that tells them apart.",
                first.display(),
                second.display(),
                if *count > 1 {
                    format!(" ({} such names in all)", group_digits(*count))
                } else {
                    String::new()
                }
            ),
            Problem::FileTooLargeForFat { path, size } => format!(
                "{} is {}, too large for this drive's FAT format (4 GB at most): use a drive formatted as APFS, exFAT or NTFS.",
                path.display(),
                format_bytes(*size)
            ),
            Problem::CannotHoldLinks { file_system } => format!(
                "The backups contain linked files, which a {file_system} drive cannot hold: use a drive formatted as APFS, Mac OS Extended or NTFS."
            ),
            Problem::ReadOnlyDestination { drive, file_system }
                if file_system == "ntfs" && cfg!(target_os = "macos") =>
            {
                format!(
                    "{drive} is formatted for Windows (NTFS), which a Mac can only read: choose a drive formatted as APFS, Mac OS Extended or exFAT."
                )
            }
            Problem::ReadOnlyDestination { drive, .. } => format!(
                "{drive} is mounted read-only: mount it so it can be written to, or choose another drive."
            ),
            Problem::BackupStillWritten {
                device,
                why,
                changed_seconds_ago,
                retry_at,
            } => match why {
                crate::freshness::Writing::RecentChange => format!(
                    "The last backup of {device} finished {} ago and may still be being written: try again after {}.",
                    span(std::time::Duration::from_secs(*changed_seconds_ago)),
                    clock_time(*retry_at)
                ),
                crate::freshness::Writing::MetadataEmpty { file }
                | crate::freshness::Writing::MetadataMissing { file }
                    if std::time::Duration::from_secs(*changed_seconds_ago)
                        >= crate::freshness::BEING_FINISHED =>
                {
                    // Apple finishes within minutes: this long after, waiting
                    // will not help, a new backup will.
                    format!(
                        "The backup of {device} has {} {file}, and nothing in it changed for {}: it looks damaged. Make a new backup of the device (Finder, iTunes or Apple Devices writes it again), then try again.",
                        if matches!(why, crate::freshness::Writing::MetadataEmpty { .. }) {
                            "an empty"
                        } else {
                            "no"
                        },
                        span(std::time::Duration::from_secs(*changed_seconds_ago)),
                    )
                }
                crate::freshness::Writing::MetadataEmpty { file }
                | crate::freshness::Writing::MetadataMissing { file } => format!(
                    "The backup of {device} is still being written (its {file} is {}): try again after {}.",
                    if matches!(why, crate::freshness::Writing::MetadataEmpty { .. }) {
                        "empty"
                    } else {
                        "missing"
                    },
                    clock_time(*retry_at)
                ),
            },
            Problem::RecentBackup {
                device,
                changed_seconds_ago,
            } => format!(
                "{device} was backed up {} ago.",
                span(std::time::Duration::from_secs(*changed_seconds_ago))
            ),
            Problem::SpecialFiles { count, examples } => format!(
                "The backups contain {} that {} neither a file nor a folder (a pipe, socket or device), which a copy cannot reproduce: {}. Move {} out of the backup folder first.",
                count_of(*count, "item", "items"),
                if *count == 1 { "is" } else { "are" },
                examples
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                if *count == 1 { "it" } else { "them" },
            ),
            Problem::TooManyFiles {
                needed,
                free,
                drive,
            } => format!(
                "{drive} can hold only {} more files and folders, and the backups have {}: choose a drive with room for more files.",
                group_digits(*free),
                group_digits(*needed)
            ),
            Problem::AttributesNotKept { drive, example } => format!(
                "{drive} cannot keep the extended attributes that some items of the backups carry (for example {}): they would be lost on the copy.",
                example.display()
            ),
            Problem::DriveLosesTimes { drive } => format!(
                "{drive} does not keep the dates of the files written to it, so a copy there cannot be checked: choose another drive."
            ),
            Problem::LinkNeedsPrivilege { drive } => format!(
                "{drive} is a network drive, which needs a symbolic link in the backups' place, and Windows allows that only with Developer Mode turned on (Windows 11: Settings › System › For developers; Windows 10: Settings › Update & Security › For developers) or as an administrator."
            ),
            Problem::CannotMakeLink { cause } => format!(
                "Backup Relocator cannot make the link that takes the backups' place ({cause}), so they could not be moved there."
            ),
            Problem::SameDrive { drive } => format!(
                "The destination is on the same drive as the backups ({drive}): moving them there frees no space."
            ),
            Problem::CloudFolder {
                destination,
                service,
            } => format!(
                "{} is inside {}, which syncs it with the internet: it can turn backups into online-only files or delete them when it frees up space or meets a conflict. Choose a folder outside {}.",
                destination.display(),
                service.name(),
                service.name()
            ),
            Problem::SharedStorage { drive } => format!(
                "{drive} shares its storage with the drive your backups are on (both are volumes of one disk): moving them there frees no space."
            ),
            Problem::SourceNotEmpty { source } => format!(
                "{} already holds backups: move them away or delete them first.",
                source.display()
            ),
            Problem::NoCopyFound { source } => format!(
                "The backups {} links to were not found on any connected drive: connect the drive that holds them.",
                source.display()
            ),
            Problem::NothingToTakeOver {
                source,
                managed: true,
            } => format!(
                "{} is already managed by Backup Relocator: there is nothing to take over.",
                source.display()
            ),
            Problem::NothingToTakeOver { source, .. } => format!(
                "{} is not a link to backups moved by hand: there is nothing to take over.",
                source.display()
            ),
            Problem::HandMadeLinkWithoutBackups { source, target } => format!(
                "{} is a link to {}, which holds no iPhone or iPad backups, so there is nothing to move or take over. Point the link at the folder that holds your backups, or remove the link (what it points to is not touched) so that the Apple app makes a new backup folder.",
                source.display(),
                target.display()
            ),
            Problem::HandMadeLinkAroundItself { source, target } => format!(
                "{} is a link to {}, which holds the backup folder itself: moving it would copy the link into itself. Point the link at the folder that holds your backups instead.",
                source.display(),
                target.display()
            ),
            Problem::HandMadeLinkToAWholeDrive { source, target } => format!(
                "{} is a link to {}, a whole drive: moving it would move everything on that drive. Put the backups in a folder of their own on the drive and point the link at that folder.",
                source.display(),
                target.display()
            ),
            Problem::NotOurCopy { path } => format!(
                "{} is not a backup folder placed by Backup Relocator.",
                path.display()
            ),
            Problem::RemovableDestination { drive } => format!(
                "{drive} is a removable drive: it must be connected whenever your iPhone or iPad backs up."
            ),
            Problem::NetworkDestination { drive } => format!(
                "{drive} is a network drive: it must be reachable whenever your iPhone or iPad backs up."
            ),
            Problem::SyncAppsRunning { names } => format!(
                "Please quit {} first: it could write a backup while we move it.",
                names.join(", ")
            ),
            Problem::BackupInProgress { devices } => format!(
                "A backup is being made (or did not finish) for {}: wait for it to finish, then try again.",
                devices.join(", ")
            ),
        }
    }

    /// A stable identifier, as the JSON output spells it.
    #[must_use]
    pub fn code(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_owned))
            .unwrap_or_default()
    }
}

//! The preflight: every reason a move, revert or retarget could fail or hurt,
//! as typed problems (blocking or warning), each with one plain sentence.
//! Facts are gathered from the disk first; the rules over them are pure.

use std::fs::{self, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

mod problem;

pub use problem::{Problem, Severity};

use crate::capabilities::{self, Capabilities};
use crate::error::{Error, Result};
use crate::file_id;
use crate::freshness::{self, Activity, Policy, Verdict};
use crate::inventory;
use crate::link::FolderLink;
use crate::locations::{self, LocationState};
use crate::progress::{Cancel, ProgressSink};
use crate::scan::{self, ScanTotals};
use crate::volume::{self, VolumeInfo};
use std::time::SystemTime;

/// FAT file systems cannot hold a file this large or larger (4 GiB).
pub const FAT_FILE_LIMIT: u64 = 4 * 1024 * 1024 * 1024;

/// Free space required beyond the backups' size: 5 %, at least 100 MB.
#[must_use]
pub fn space_margin(bytes: u64) -> u64 {
    (bytes / 20).max(100_000_000)
}

/// The free space a copy of the backups needs, in its two parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpaceNeeded {
    /// The backups themselves.
    pub backups: u64,
    /// What must stay free beside them ([`space_margin`]): a drive filled
    /// to the last byte fails the next backup, and the drive's own files grow.
    pub headroom: u64,
}

impl SpaceNeeded {
    /// For backups of `bytes`.
    #[must_use]
    pub fn for_backups(bytes: u64) -> Self {
        Self {
            backups: bytes,
            headroom: space_margin(bytes),
        }
    }

    /// Both parts together.
    #[must_use]
    pub fn total(self) -> u64 {
        self.backups.saturating_add(self.headroom)
    }
}

/// How the destination relates to the source on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Unrelated folders.
    Apart,
    /// The very same folder.
    Same,
    /// The destination is inside the source.
    DestinationInside,
    /// The source is inside the destination.
    SourceInside,
}

/// Where `destination` lies relative to `source`, comparing files on disk
/// (device and inode where the OS has them, canonical paths otherwise).
pub fn relation(source: &Path, destination: &Path) -> Result<Relation> {
    let src = crate::paths::canonical(source)?;
    let dst = crate::paths::canonical(destination)?;
    let same = |a: &Path, b: &Path| -> bool {
        match (fs::metadata(a), fs::metadata(b)) {
            (Ok(ma), Ok(mb)) if cfg!(unix) => file_id::same_file(&ma, &mb),
            _ => crate::link::same_link_target(a, b),
        }
    };
    if same(&src, &dst) {
        return Ok(Relation::Same);
    }
    if dst.ancestors().skip(1).any(|a| same(a, &src)) {
        return Ok(Relation::DestinationInside);
    }
    if src.ancestors().skip(1).any(|a| same(a, &dst)) {
        return Ok(Relation::SourceInside);
    }
    Ok(Relation::Apart)
}

/// Facts about a planned copy of the backups into a destination folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DestinationFacts {
    /// The destination folder the user chose.
    pub destination: PathBuf,
    /// `Ok(true)` folder, `Ok(false)` something else, `Err` missing/unreachable.
    pub is_folder: Option<bool>,
    /// Why a probe file could not be written, if it could not.
    pub not_writable: Option<String>,
    /// How it relates to the backups.
    pub relation: Option<Relation>,
    /// `<destination>/Backup` exists.
    pub backup_exists: bool,
    /// Its volume.
    pub volume: Option<VolumeInfo>,
    /// On the same volume as the backups: a rename, no copy.
    pub same_volume: bool,
    /// The cloud service that syncs the destination folder, if one does.
    pub synced_by: Option<crate::cloud::CloudService>,
    /// Another volume that draws on the same storage as the backups' (APFS
    /// volumes of one container): a copy, and no space freed.
    pub shares_storage: bool,
    /// What its file system keeps, measured (`None` when it could not be probed).
    pub capabilities: Option<Capabilities>,
    /// Why no link to it can be made at the backup folder's place, if not.
    pub cannot_link: Option<LinkTrouble>,
    /// A file or folder of the backups with extended attributes the drive
    /// cannot hold (looked for only when it cannot).
    pub attributes_lost: Option<PathBuf>,
}

impl DestinationFacts {
    /// Whether moving the backups there frees their space where they are:
    /// not on the same volume, nor on one that shares its storage.
    #[must_use]
    pub fn frees_space(&self) -> bool {
        !self.same_volume && !self.shares_storage
    }
}

/// Why a link to the destination cannot be made where the backups are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTrouble {
    /// Windows needs Developer Mode or administrator rights for the
    /// symbolic link a network drive needs.
    NeedsPrivilege,
    /// The system refused, in plain words.
    Refused(String),
}

/// Facts about the backups being moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceFacts {
    /// Total bytes (hard links once).
    pub bytes: u64,
    /// Total files.
    pub files: u64,
    /// The largest file and its size.
    pub largest_file: Option<(PathBuf, u64)>,
    /// Folders inside the backups.
    pub folders: u64,
    /// Symbolic links inside the backups.
    pub symlinks: u64,
    /// Extra names of hard-linked files inside the backups.
    pub hard_links: u64,
    /// Unreadable entries: count and first.
    pub unreadable: Option<(usize, String)>,
    /// Devices whose backup is in progress.
    pub in_progress: Vec<String>,
    /// Entries no copy can reproduce (pipes, sockets, devices): how many, and the first few.
    pub special: Option<(u64, Vec<PathBuf>)>,
    /// Each device backup's name and what the scan saw of it (for the finishing gate).
    pub activity: Vec<(String, Activity)>,
}

impl SourceFacts {
    /// Summarises a scan.
    #[must_use]
    pub fn from_scan(totals: &ScanTotals, in_progress: Vec<String>) -> Self {
        Self {
            bytes: totals.bytes,
            files: totals.files,
            largest_file: totals.largest_file.clone(),
            folders: totals.folders,
            symlinks: totals.links,
            hard_links: totals.extra_hard_links,
            special: (totals.special > 0)
                .then(|| (totals.special, totals.special_examples.clone())),
            activity: Vec::new(),
            unreadable: totals
                .errors
                .first()
                .map(|e| (totals.errors.len(), e.to_string())),
            in_progress,
        }
    }
}

/// The problems of copying backups described by `source` into `dest`.
#[must_use]
pub fn evaluate_destination(source: &SourceFacts, dest: &DestinationFacts) -> Vec<Problem> {
    let mut problems = Vec::new();
    let destination = dest.destination.clone();
    match dest.is_folder {
        None => {
            problems.push(Problem::DestinationMissing { destination });
            return problems;
        }
        Some(false) => {
            problems.push(Problem::DestinationNotAFolder { destination });
            return problems;
        }
        Some(true) => {}
    }
    match dest.relation {
        Some(Relation::Same) => problems.push(Problem::SameFolder {
            destination: destination.clone(),
        }),
        Some(Relation::DestinationInside) => problems.push(Problem::DestinationInsideSource {
            destination: destination.clone(),
        }),
        Some(Relation::SourceInside) => problems.push(Problem::SourceInsideDestination {
            destination: destination.clone(),
        }),
        Some(Relation::Apart) | None => {}
    }
    if let Some(service) = dest.synced_by {
        problems.push(Problem::CloudFolder {
            destination: destination.clone(),
            service,
        });
    }
    if dest.backup_exists {
        problems.push(Problem::BackupAlreadyThere {
            path: destination.join("Backup"),
        });
    }
    if let Some(cause) = &dest.not_writable {
        problems.push(Problem::DestinationNotWritable {
            destination: destination.clone(),
            cause: cause.clone(),
        });
    }
    if let Some(v) = &dest.volume {
        let drive = v.display_name();
        if v.read_only {
            problems.push(Problem::ReadOnlyDestination {
                drive: drive.clone(),
                file_system: v.file_system.clone(),
            });
        }
        links_problems(source, dest, v, &mut problems);
        let needed = SpaceNeeded::for_backups(source.bytes);
        if !dest.same_volume && needed.total() > v.free_bytes {
            problems.push(Problem::NotEnoughSpace {
                backups: needed.backups,
                headroom: needed.headroom,
                needed: needed.total(),
                free: v.free_bytes,
                drive: drive.clone(),
            });
        }
        let entries = source.files + source.folders + source.symlinks;
        if let Some(free) = v.free_file_slots
            && !dest.same_volume
            && entries > free
        {
            problems.push(Problem::TooManyFiles {
                needed: entries,
                free,
                drive: drive.clone(),
            });
        }
        if let Some(example) = &dest.attributes_lost {
            problems.push(Problem::AttributesNotKept {
                drive: drive.clone(),
                example: example.clone(),
            });
        }
        if v.is_fat()
            && let Some((path, size)) = &source.largest_file
            && *size >= FAT_FILE_LIMIT
        {
            problems.push(Problem::FileTooLargeForFat {
                path: path.clone(),
                size: *size,
            });
        }
        if dest.same_volume {
            problems.push(Problem::SameDrive { drive });
        } else if dest.shares_storage {
            problems.push(Problem::SharedStorage { drive });
        } else if v.network {
            problems.push(Problem::NetworkDestination { drive });
        } else if v.removable {
            problems.push(Problem::RemovableDestination { drive });
        }
    }
    problems
}

/// What the drive cannot hold of the backups (links, times), and whether
/// the backup folder's link to it can be made.
fn links_problems(
    source: &SourceFacts,
    dest: &DestinationFacts,
    v: &VolumeInfo,
    problems: &mut Vec<Problem>,
) {
    let by_name = volume::can_hold_links(&v.file_system);
    let (symlinks, hard_links) = dest
        .capabilities
        .map_or((by_name, by_name), |c| (c.symlinks, c.hard_links));
    if (source.symlinks > 0 && !symlinks) || (source.hard_links > 0 && !hard_links) {
        problems.push(Problem::CannotHoldLinks {
            file_system: v.file_system.clone(),
        });
    }
    if dest
        .capabilities
        .is_some_and(|c| c.time_granularity.is_none())
    {
        problems.push(Problem::DriveLosesTimes {
            drive: v.display_name(),
        });
    }
    match &dest.cannot_link {
        Some(LinkTrouble::NeedsPrivilege) => problems.push(Problem::LinkNeedsPrivilege {
            drive: v.display_name(),
        }),
        Some(LinkTrouble::Refused(cause)) => problems.push(Problem::CannotMakeLink {
            cause: cause.clone(),
        }),
        None => {}
    }
}

/// Tries what the move will do at its end, before any copying: makes a
/// link beside the backup folder `link_place` to `destination`, reads it
/// back and removes it. On Windows this finds out up front that a network
/// drive needs a privilege the user lacks, or that junctions do not work.
#[must_use]
pub fn probe_link(
    links: &dyn FolderLink,
    link_place: &Path,
    destination: &Path,
) -> Option<LinkTrouble> {
    let parent = link_place.parent().filter(|p| !p.as_os_str().is_empty())?;
    let probe = parent.join(format!(
        ".backup-relocator-link-probe-{}",
        crate::journal::new_id()
    ));
    let made = links.create(&probe, destination);
    let read = made.is_ok() && links.read(&probe).ok().flatten().is_some();
    if made.is_ok() {
        let _ = links.remove(&probe);
    }
    match made {
        Err(Error::LinkPrivilege { .. }) => Some(LinkTrouble::NeedsPrivilege),
        Err(Error::Io { source, .. }) => {
            Some(LinkTrouble::Refused(crate::error::plain_io(&source)))
        }
        Err(e) => Some(LinkTrouble::Refused(e.to_string())),
        Ok(()) if !read => Some(LinkTrouble::Refused(
            "a link made there does not read back".to_owned(),
        )),
        Ok(()) => None,
    }
}

/// Where the destination's drive holds no extended attributes, the first
/// entry of the backups at `backups` that carries some (it would lose them).
pub fn attributes_lost(
    backups: &Path,
    dest: &DestinationFacts,
    cancel: &Cancel,
) -> Result<Option<PathBuf>> {
    if dest.capabilities.is_none_or(|c| c.xattrs) {
        return Ok(None);
    }
    crate::xattrs::first_carried(backups, cancel)
}

/// The problems of the backups themselves and of what is running, at `now`.
#[must_use]
pub fn evaluate_source(
    source: &SourceFacts,
    running: &[String],
    policy: &Policy,
    now: SystemTime,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (device, activity) in &source.activity {
        match freshness::judge(activity, now, policy) {
            Verdict::StillWritten {
                why,
                changed_ago,
                retry_at,
            } => problems.push(Problem::BackupStillWritten {
                device: device.clone(),
                why,
                changed_seconds_ago: changed_ago.as_secs(),
                retry_at,
            }),
            Verdict::Recent { changed_ago } => problems.push(Problem::RecentBackup {
                device: device.clone(),
                changed_seconds_ago: changed_ago.as_secs(),
            }),
            Verdict::Quiet => {}
        }
    }
    if let Some((count, first)) = &source.unreadable {
        problems.push(Problem::UnreadableItems {
            count: *count,
            first: first.clone(),
        });
    }
    if let Some((count, examples)) = &source.special {
        problems.push(Problem::SpecialFiles {
            count: *count,
            examples: examples.clone(),
        });
    }
    if !running.is_empty() {
        problems.push(Problem::SyncAppsRunning {
            names: running.to_vec(),
        });
    }
    if !source.in_progress.is_empty() {
        problems.push(Problem::BackupInProgress {
            devices: source.in_progress.clone(),
        });
    }
    problems
}

/// The result of a preflight: what was found, and the problems.
#[derive(Debug, Default)]
pub struct Preflight {
    /// The backups' figures.
    pub source: SourceFacts,
    /// The destination's facts (move, retarget).
    pub destination: Option<DestinationFacts>,
    /// Every problem found, blocking first.
    pub problems: Vec<Problem>,
}

impl Preflight {
    /// Whether anything blocks the operation.
    #[must_use]
    pub fn is_blocked(&self) -> bool {
        self.problems.iter().any(Problem::is_blocking)
    }

    /// `Err(Error::Refused)` when something blocks.
    pub fn into_result(self) -> Result<Self> {
        if self.is_blocked() {
            Err(Error::Refused(self.problems))
        } else {
            Ok(self)
        }
    }

    fn sort(&mut self) {
        self.problems
            .sort_by_key(|p| p.severity() != Severity::Blocking);
    }
}

/// Reads the destination's facts from disk.
#[must_use]
pub fn gather_destination(backups: &Path, destination: &Path) -> DestinationFacts {
    let mut facts = DestinationFacts {
        destination: destination.to_owned(),
        ..DestinationFacts::default()
    };
    match fs::metadata(destination) {
        Ok(m) if m.is_dir() => facts.is_folder = Some(true),
        Ok(_) => {
            facts.is_folder = Some(false);
            return facts;
        }
        Err(_) => return facts,
    }
    facts.relation = relation(backups, destination).ok();
    facts.backup_exists = fs::symlink_metadata(destination.join("Backup")).is_ok();
    facts.not_writable = probe_writable(destination).err();
    facts.volume = volume::volume_of(destination).ok();
    let canonical = crate::paths::canonical(destination).unwrap_or_else(|_| destination.to_owned());
    let drive_name = facts.volume.as_ref().map_or("", |v| v.name.as_str());
    facts.synced_by = crate::cloud::synced_by(&canonical, drive_name);
    facts.same_volume = volume::same_volume(backups, destination).unwrap_or(false);
    facts.shares_storage = !facts.same_volume && volume::shares_storage(backups, destination);
    if facts.not_writable.is_none() {
        facts.capabilities = capabilities::probe(destination).ok();
    }
    facts
}

/// Writes and removes a small probe file; the error in plain words if that fails.
fn probe_writable(destination: &Path) -> std::result::Result<(), String> {
    let probe = destination.join(format!(
        ".backup-relocator-probe-{}",
        crate::journal::new_id()
    ));
    match OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(f) => {
            drop(f);
            let _ = fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(crate::error::plain_io(&e)),
    }
}

/// Reads the backups' facts: sizes (with progress), unreadable items, and
/// devices with a backup in progress.
pub fn gather_source(
    backups: &Path,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<std::result::Result<SourceFacts, Problem>> {
    if let Err(e) = fs::read_dir(backups) {
        return Ok(Err(unreadable(backups, &e)));
    }
    Ok(Ok(survey(backups, progress, cancel)?.facts))
}

/// What one walk of a backup folder tells: the preflight's facts, and each
/// device backup with its size.
#[derive(Debug, Clone, Default)]
pub struct Survey {
    /// The figures the checks need.
    pub facts: SourceFacts,
    /// Every subfolder, described, with its bytes and files.
    pub devices: Vec<inventory::DeviceBackup>,
}

/// Walks the backup folder `backups` once (with progress) and reads each
/// device's property lists.
pub fn survey(backups: &Path, progress: &dyn ProgressSink, cancel: &Cancel) -> Result<Survey> {
    let totals = scan::scan(backups, progress, cancel)?;
    let mut devices = inventory::inventory(backups, false, cancel)?;
    for d in &mut devices {
        let name = d.folder.file_name().unwrap_or_default();
        if let Some(size) = totals.by_folder.get(name) {
            (d.bytes, d.files) = (size.bytes, size.files);
        }
    }
    let in_device_backups = || {
        devices
            .iter()
            .filter(|d| d.kind == inventory::EntryKind::Device)
    };
    let in_progress = in_device_backups()
        .filter(|d| d.in_progress)
        .map(inventory::DeviceBackup::display_name)
        .collect();
    let mut facts = SourceFacts::from_scan(&totals, in_progress);
    facts.activity = in_device_backups()
        .map(|d| {
            let name = d.folder.file_name().unwrap_or_default();
            let seen = totals.activity.get(name).cloned();
            (d.display_name(), seen.unwrap_or_default())
        })
        .collect();
    Ok(Survey { facts, devices })
}

/// The problem of a backup folder that cannot be listed: missing, or
/// refused (on macOS, usually Full Disk Access).
#[must_use]
pub fn unreadable(path: &Path, e: &io::Error) -> Problem {
    if e.kind() == io::ErrorKind::NotFound {
        return Problem::SourceMissing {
            source: path.to_owned(),
        };
    }
    Problem::SourceUnreadable {
        path: path.to_owned(),
        full_disk_access: cfg!(target_os = "macos") && e.raw_os_error() == Some(1),
    }
}

/// The preflight for moving the backup folder `source` into the folder `destination`.
pub fn check_move(
    source: &Path,
    destination: &Path,
    links: &dyn FolderLink,
    running: &[String],
    policy: &Policy,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<Preflight> {
    let mut pre = Preflight::default();
    if let Some(problem) = other_journal(source) {
        pre.problems.push(problem);
        return Ok(pre);
    }
    match locations::inspect(source, links)? {
        LocationState::Local => {}
        LocationState::Absent => {
            pre.problems.push(Problem::SourceMissing {
                source: source.to_owned(),
            });
            return Ok(pre);
        }
        LocationState::Interrupted {
            journal, operation, ..
        } => {
            pre.problems.push(Problem::InterruptedOperation {
                journal,
                operation: Some(operation),
            });
            return Ok(pre);
        }
        LocationState::DamagedRecord { journal, .. } => {
            pre.problems.push(Problem::InterruptedOperation {
                journal,
                operation: None,
            });
            return Ok(pre);
        }
        LocationState::Unexpected { found } => {
            pre.problems.push(Problem::SourceNotAFolder {
                source: source.to_owned(),
                found,
            });
            return Ok(pre);
        }
        state => {
            let target = state
                .target()
                .map_or_else(|| source.to_owned(), Path::to_owned);
            pre.problems.push(Problem::SourceIsLink {
                source: source.to_owned(),
                target,
            });
            return Ok(pre);
        }
    }
    match gather_source(source, progress, cancel)? {
        Ok(facts) => pre.source = facts,
        Err(problem) => {
            pre.problems.push(problem);
            return Ok(pre);
        }
    }
    pre.problems.extend(evaluate_source(
        &pre.source,
        running,
        policy,
        SystemTime::now(),
    ));
    let (dest, problems) =
        examine_destination(source, source, destination, links, &pre.source, cancel)?;
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

/// A journal beside `source`, whichever folder of that parent it is about:
/// one record per parent folder, so nothing may start until it is recovered.
fn other_journal(source: &Path) -> Option<Problem> {
    let journal = crate::journal::path_for(source);
    journal.exists().then(|| Problem::InterruptedOperation {
        operation: crate::journal::load(source)
            .ok()
            .flatten()
            .map(|j| j.operation),
        journal,
    })
}

/// The current target of a relocated `source`, or the problem that stops revert/retarget.
fn relocated_target(
    source: &Path,
    links: &dyn FolderLink,
) -> Result<std::result::Result<PathBuf, Problem>> {
    if let Some(problem) = other_journal(source) {
        return Ok(Err(problem));
    }
    Ok(match locations::inspect(source, links)? {
        LocationState::Relocated { target } => Ok(target),
        LocationState::Dangling { target } => Err(Problem::TargetMissing { target }),
        LocationState::Absent => Err(Problem::SourceMissing {
            source: source.to_owned(),
        }),
        LocationState::Interrupted {
            journal, operation, ..
        } => Err(Problem::InterruptedOperation {
            journal,
            operation: Some(operation),
        }),
        LocationState::DamagedRecord { journal, .. } => Err(Problem::InterruptedOperation {
            journal,
            operation: None,
        }),
        _ => Err(Problem::SourceNotRelocated {
            source: source.to_owned(),
        }),
    })
}

/// What revert and retarget check first: the link's current target, and the
/// backups there (sizes, readability, running sync apps, backups in
/// progress). `Err` is a finished preflight, for when that already stops it.
#[expect(
    clippy::type_complexity,
    reason = "a preflight goes on or stops, each with its facts"
)]
fn check_relocated_source(
    source: &Path,
    links: &dyn FolderLink,
    running: &[String],
    policy: &Policy,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<std::result::Result<(Preflight, PathBuf), (Preflight, Option<PathBuf>)>> {
    let mut pre = Preflight::default();
    let target = match relocated_target(source, links)? {
        Ok(t) => t,
        Err(problem) => {
            pre.problems.push(problem);
            return Ok(Err((pre, None)));
        }
    };
    match gather_source(&target, progress, cancel)? {
        Ok(facts) => pre.source = facts,
        Err(problem) => {
            pre.problems.push(problem);
            return Ok(Err((pre, Some(target))));
        }
    }
    pre.problems.extend(evaluate_source(
        &pre.source,
        running,
        policy,
        SystemTime::now(),
    ));
    Ok(Ok((pre, target)))
}

/// The facts of this computer's side of a move back: the folder that will
/// hold the backup folder `source` again, whose backups are now at `target`.
#[must_use]
pub fn home_destination(source: &Path, target: &Path) -> DestinationFacts {
    let parent = source.parent().unwrap_or(Path::new("."));
    let same_volume = volume::same_volume(target, parent).unwrap_or(false);
    DestinationFacts {
        destination: parent.to_owned(),
        is_folder: Some(true),
        not_writable: probe_writable(parent).err(),
        relation: Some(Relation::Apart),
        backup_exists: false,
        same_volume,
        shares_storage: !same_volume && volume::shares_storage(target, parent),
        synced_by: None,
        // Purgeable space counts on a Mac, as Finder counts it.
        volume: volume::volume_of(parent).ok().map(|v| VolumeInfo {
            free_bytes: volume::free_for_a_move_back(parent, &v),
            ..v
        }),
        capabilities: None,
        cannot_link: None,
        attributes_lost: None,
    }
}

/// The problems of moving backups described by `source` back to this
/// computer's `home` ([`home_destination`]): only what blocks (the
/// removable and network warnings are about a destination drive).
#[must_use]
pub fn evaluate_home_destination(source: &SourceFacts, home: &DestinationFacts) -> Vec<Problem> {
    evaluate_destination(source, home)
        .into_iter()
        .filter(Problem::is_blocking)
        .collect()
}

/// The preflight for moving relocated backups back into `source`.
/// Returns the current target beside the preflight.
pub fn check_revert(
    source: &Path,
    links: &dyn FolderLink,
    running: &[String],
    policy: &Policy,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<(Preflight, Option<PathBuf>)> {
    let (mut pre, target) =
        match check_relocated_source(source, links, running, policy, progress, cancel)? {
            Ok(started) => started,
            Err(stopped) => return Ok(stopped),
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
    source: &Path,
    destination: &Path,
    links: &dyn FolderLink,
    running: &[String],
    policy: &Policy,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<(Preflight, Option<PathBuf>)> {
    let (mut pre, target) =
        match check_relocated_source(source, links, running, policy, progress, cancel)? {
            Ok(started) => started,
            Err(stopped) => return Ok(stopped),
        };
    let (dest, problems) =
        examine_destination(&target, source, destination, links, &pre.source, cancel)?;
    pre.problems.extend(problems);
    pre.destination = Some(dest);
    pre.sort();
    Ok((pre, Some(target)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vol(fs: &str, free: u64) -> VolumeInfo {
        VolumeInfo {
            mount_point: PathBuf::from("/Volumes/Big"),
            name: "Big".into(),
            file_system: fs.into(),
            total_bytes: free * 2,
            free_bytes: free,
            removable: false,
            network: false,
            read_only: false,
            free_file_slots: None,
        }
    }

    fn good_dest() -> DestinationFacts {
        DestinationFacts {
            destination: PathBuf::from("/Volumes/Big"),
            is_folder: Some(true),
            not_writable: None,
            relation: Some(Relation::Apart),
            backup_exists: false,
            volume: Some(vol("apfs", 1_000_000_000_000)),
            same_volume: false,
            shares_storage: false,
            synced_by: None,
            capabilities: Some(Capabilities::EXACT),
            cannot_link: None,
            attributes_lost: None,
        }
    }

    fn source(bytes: u64) -> SourceFacts {
        SourceFacts {
            bytes,
            files: 10,
            largest_file: Some((PathBuf::from("/b/video"), bytes / 2)),
            ..SourceFacts::default()
        }
    }

    fn codes(p: &[Problem]) -> Vec<String> {
        p.iter().map(Problem::code).collect()
    }

    #[test]
    fn a_good_destination_has_no_problems() {
        assert!(evaluate_destination(&source(10_000_000_000), &good_dest()).is_empty());
        assert!(evaluate_source(&source(1), &[], &Policy::default(), SystemTime::now()).is_empty());
    }

    #[test]
    fn each_destination_problem_fires_on_its_fact() {
        let s = source(10_000_000_000);
        let with = |f: &dyn Fn(&mut DestinationFacts)| {
            let mut d = good_dest();
            f(&mut d);
            codes(&evaluate_destination(&s, &d))
        };
        assert_eq!(with(&|d| d.is_folder = None), ["destination_missing"]);
        assert_eq!(
            with(&|d| d.is_folder = Some(false)),
            ["destination_not_a_folder"]
        );
        assert_eq!(
            with(&|d| d.relation = Some(Relation::Same)),
            ["same_folder"]
        );
        assert_eq!(
            with(&|d| d.relation = Some(Relation::DestinationInside)),
            ["destination_inside_source"]
        );
        assert_eq!(
            with(&|d| d.relation = Some(Relation::SourceInside)),
            ["source_inside_destination"]
        );
        assert_eq!(with(&|d| d.backup_exists = true), ["backup_already_there"]);
        assert_eq!(
            with(&|d| d.synced_by = Some(crate::cloud::CloudService::OneDrive)),
            ["cloud_folder"]
        );
        assert_eq!(
            with(&|d| d.not_writable = Some("permission denied".into())),
            ["destination_not_writable"]
        );
        assert_eq!(
            with(&|d| d.volume.as_mut().unwrap().read_only = true),
            ["read_only_destination"]
        );
        assert_eq!(
            with(&|d| d.volume.as_mut().unwrap().removable = true),
            ["removable_destination"]
        );
        assert_eq!(
            with(&|d| d.volume.as_mut().unwrap().network = true),
            ["network_destination"]
        );
    }

    #[test]
    fn space_needs_the_size_plus_a_margin_and_says_both_numbers() {
        let s = source(10_000_000_000);
        let needed = 10_000_000_000 + space_margin(10_000_000_000);
        let mut d = good_dest();
        d.volume = Some(vol("apfs", needed - 1));
        let p = evaluate_destination(&s, &d);
        assert_eq!(codes(&p), ["not_enough_space"]);
        assert_eq!(
            p[0].message(),
            "Big does not have enough free space: the backups take 10.0 GB and 500 MB must stay free beside them, 10.5 GB in all; 10.5 GB is free, 1 byte too little."
        );
        d.volume = Some(vol("apfs", needed));
        assert!(evaluate_destination(&s, &d).is_empty());
        // The same volume is a rename: no space needed, but nothing is freed either.
        d.volume = Some(vol("apfs", 0));
        d.same_volume = true;
        assert_eq!(codes(&evaluate_destination(&s, &d)), ["same_drive"]);
        assert!(!d.frees_space());
    }

    /// Issue 19: another APFS volume of the Mac's own container is said
    /// to free nothing before the move, and is not called a drive apart.
    #[test]
    fn a_volume_sharing_the_storage_is_said_to_free_nothing() {
        let s = source(10_000_000_000);
        let mut d = good_dest();
        assert!(d.frees_space());
        d.shares_storage = true;
        let p = evaluate_destination(&s, &d);
        assert_eq!(codes(&p), ["shared_storage"]);
        assert!(!p[0].is_blocking());
        assert!(
            p[0].message().contains("frees no space"),
            "{}",
            p[0].message()
        );
        assert!(!d.frees_space());
    }

    #[test]
    fn fat_refuses_files_of_4_gib_and_links() {
        let mut s = source(20_000_000_000);
        s.largest_file = Some((PathBuf::from("/b/movie"), FAT_FILE_LIMIT));
        let mut d = good_dest();
        d.volume = Some(vol("vfat", 1_000_000_000_000));
        assert_eq!(
            codes(&evaluate_destination(&s, &d)),
            ["file_too_large_for_fat"]
        );
        s.largest_file = Some((PathBuf::from("/b/movie"), FAT_FILE_LIMIT - 1));
        assert!(evaluate_destination(&s, &d).is_empty());
        // Links: the probe decides; the format's name only when unprobed.
        s.symlinks = 1;
        d.capabilities = None;
        assert_eq!(codes(&evaluate_destination(&s, &d)), ["cannot_hold_links"]);
        d.volume = Some(vol("exfat", 1_000_000_000_000));
        assert_eq!(codes(&evaluate_destination(&s, &d)), ["cannot_hold_links"]);
        d.volume = Some(vol("ntfs", 1_000_000_000_000));
        assert!(evaluate_destination(&s, &d).is_empty());
        let no_hard_links = Capabilities {
            hard_links: false,
            ..Capabilities::EXACT
        };
        d.capabilities = Some(no_hard_links);
        assert!(
            evaluate_destination(&s, &d).is_empty(),
            "only symlinks here"
        );
        s.hard_links = 2;
        assert_eq!(codes(&evaluate_destination(&s, &d)), ["cannot_hold_links"]);
    }

    #[test]
    fn source_problems_fire_on_their_facts() {
        let mut s = source(1);
        s.unreadable = Some((2, "/b/x: permission denied".into()));
        s.in_progress = vec!["Ana's iPhone".into()];
        let p = evaluate_source(
            &s,
            &["iTunes".to_owned()],
            &Policy::default(),
            SystemTime::now(),
        );
        assert_eq!(
            codes(&p),
            [
                "unreadable_items",
                "sync_apps_running",
                "backup_in_progress"
            ]
        );
        assert!(p[1].message().contains("quit iTunes"));
        assert!(p[2].message().contains("Ana's iPhone"));
    }

    #[test]
    fn warnings_do_not_block() {
        let p = Problem::RemovableDestination {
            drive: "USB".into(),
        };
        assert_eq!(p.severity(), Severity::Warning);
        let pre = Preflight {
            problems: vec![p],
            ..Preflight::default()
        };
        assert!(!pre.is_blocked());
        assert!(pre.into_result().is_ok());
    }
}

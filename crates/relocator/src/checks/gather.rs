//! The preflight's disk reads: the destination's facts (its volume, what
//! it keeps, whether a link to it can be made, whether it is writable) and
//! the backups' (one walk: sizes, devices, unreadable items, activity).

use std::fs::{self, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use super::facts::{DestinationFacts, LinkTrouble, Relation, SourceFacts, Survey};
use crate::capabilities;
use crate::error::{Error, Result};
use crate::file_id;
use crate::inventory;
use crate::link::FolderLink;
use crate::problem::Problem;
use crate::progress::{Cancel, ProgressSink};
use crate::scan;
use crate::volume::{self, VolumeInfo};

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
        crate::names::new_id()
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
        crate::names::new_id()
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
    let errors = totals.errors.iter().map(ToString::to_string).collect();
    Ok(Survey {
        facts,
        devices,
        errors,
    })
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

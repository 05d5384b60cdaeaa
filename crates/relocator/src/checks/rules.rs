//! The preflight's rules: pure functions from facts to problems, the same
//! for the window and the terminal.

use std::path::Path;
use std::time::SystemTime;

use super::facts::{
    DestinationFacts, FAT_FILE_LIMIT, LinkTrouble, Relation, SourceFacts, SpaceNeeded,
};
use crate::freshness::{self, Policy, Verdict};
use crate::locations::LocationState;
use crate::operation::Operation;
use crate::problem::Problem;
use crate::volume::{self, VolumeInfo};

/// What the drive's format cannot hold of the names and sizes in the
/// backups: names that differ only by case where it ignores case, a file
/// over FAT's 4 GiB.
fn names_and_sizes(
    source: &SourceFacts,
    dest: &DestinationFacts,
    volume: &VolumeInfo,
    drive: &str,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    if let Some((count, (first, second))) = &source.case_twins
        && dest.capabilities.is_some_and(|c| c.ignores_case)
    {
        problems.push(Problem::CaseOnlyNames {
            drive: drive.to_owned(),
            count: *count,
            first: first.clone(),
            second: second.clone(),
        });
    }
    if volume.is_fat()
        && let Some((path, size)) = &source.largest_file
        && *size >= FAT_FILE_LIMIT
    {
        problems.push(Problem::FileTooLargeForFat {
            path: path.clone(),
            size: *size,
        });
    }
    problems
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
        problems.extend(names_and_sizes(source, dest, v, &drive));
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

/// The problems of moving backups described by `source` back to this
/// computer's `home` (see `gather::home_destination`): only what blocks (the
/// removable and network warnings are about a destination drive).
#[must_use]
pub fn evaluate_home_destination(source: &SourceFacts, home: &DestinationFacts) -> Vec<Problem> {
    evaluate_destination(source, home)
        .into_iter()
        .filter(Problem::is_blocking)
        .collect()
}

/// The problem that stops `operation` on the backup folder `source` in
/// `state`, if any — the one mapping from a folder's state to a problem,
/// for every front end: a move needs a real folder here; a move back or a
/// move on needs backups this app moved, on a drive that is there; nothing
/// starts over the record of an interrupted operation.
#[must_use]
pub fn state_problem(
    operation: Operation,
    source: &Path,
    state: &LocationState,
) -> Option<Problem> {
    let source = source.to_owned();
    // A move and a merge start from a real folder; the rest from a link.
    let from_a_folder = matches!(operation, Operation::Move | Operation::Merge);
    match state {
        LocationState::Interrupted {
            journal, operation, ..
        } => Some(Problem::InterruptedOperation {
            journal: journal.clone(),
            operation: Some(*operation),
        }),
        LocationState::DamagedRecord { journal, .. } => Some(Problem::InterruptedOperation {
            journal: journal.clone(),
            operation: None,
        }),
        LocationState::Absent => Some(Problem::SourceMissing { source }),
        LocationState::Local if from_a_folder => None,
        // Moved by us, or by hand (taken over once its link is checked).
        LocationState::Relocated { .. } | LocationState::ForeignLink { .. } if !from_a_folder => {
            None
        }
        LocationState::Dangling { target } if !from_a_folder => Some(Problem::TargetMissing {
            target: target.clone(),
        }),
        LocationState::Unexpected { found } => Some(Problem::SourceNotAFolder {
            source,
            found: found.clone(),
        }),
        link if from_a_folder => Some(Problem::SourceIsLink {
            target: link.target().map_or_else(|| source.clone(), Path::to_owned),
            source,
        }),
        _ => Some(Problem::SourceNotRelocated { source }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::facts::{Preflight, space_margin};
    use super::*;
    use crate::capabilities::Capabilities;
    use crate::problem::Severity;
    use std::path::PathBuf;

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
    fn each_folder_state_stops_the_operations_it_should() {
        let source = Path::new("/Users/ana/Library/Application Support/MobileSync/Backup");
        let target = PathBuf::from("/Volumes/Big/Backup");
        let code = |op, state: &LocationState| state_problem(op, source, state).map(|p| p.code());
        let moved = LocationState::Relocated {
            target: target.clone(),
        };
        let away = LocationState::Dangling {
            target: target.clone(),
        };
        let by_hand = LocationState::ForeignLink { target };
        assert_eq!(code(Operation::Move, &LocationState::Local), None);
        assert_eq!(code(Operation::Revert, &moved), None);
        assert_eq!(code(Operation::Retarget, &moved), None);
        assert_eq!(
            code(Operation::Move, &moved).as_deref(),
            Some("source_is_link")
        );
        assert_eq!(
            code(Operation::Move, &by_hand).as_deref(),
            Some("source_is_link")
        );
        assert_eq!(
            code(Operation::Revert, &away).as_deref(),
            Some("target_missing")
        );
        assert_eq!(
            code(Operation::Revert, &LocationState::Local).as_deref(),
            Some("source_not_relocated")
        );
        // Moved by hand: a move back or on checks the link's target itself.
        assert_eq!(code(Operation::Retarget, &by_hand), None);
        assert_eq!(code(Operation::Revert, &by_hand), None);
        for op in [Operation::Move, Operation::Revert] {
            assert_eq!(
                code(op, &LocationState::Absent).as_deref(),
                Some("source_missing")
            );
            assert_eq!(
                code(
                    op,
                    &LocationState::DamagedRecord {
                        journal: PathBuf::from("/j"),
                        problem: String::new()
                    }
                )
                .as_deref(),
                Some("interrupted_operation")
            );
        }
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

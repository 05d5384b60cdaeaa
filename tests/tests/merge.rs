//! Issue 21: `merge` brings new backups from a folder that replaced the
//! link to the copy on the drive, device by device. A device the drive
//! lacks is added; one newer here replaces the drive's, whose older backup
//! is kept beside it; one older here is kept beside the drive's; one the
//! same on both is left. Nothing on the drive is overwritten, and a kill
//! at any step — of the merge, then of its recovery — loses nothing.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use relocator_tests::{
    Drive, Entry, digest, leftovers, run, run_with_failpoint, scratch, small_backup, source_to,
    stderr, was_killed,
};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

type Digest = BTreeMap<PathBuf, Entry>;

/// A moved backup folder whose link an update replaced with a folder
/// holding: a new device, a newer backup of one device of the drive, an
/// older backup of another, and a third the same as the drive's.
struct Replaced {
    _dir: tempfile::TempDir,
    drive: Drive,
    source: PathBuf,
    copy: PathBuf,
    /// What the drive held before, by device.
    drive_before: BTreeMap<String, Digest>,
    /// What the folder held, by device.
    here: BTreeMap<String, Digest>,
    new: String,
    newer: String,
    older: String,
    same: String,
}

/// Sets the dates a device backup's plists give for its last backup.
fn set_backup_date(device: &Path, when: SystemTime) {
    for (file, key) in [("Info.plist", "Last Backup Date"), ("Status.plist", "Date")] {
        let path = device.join(file);
        let mut value = plist::Value::from_file(&path).unwrap();
        value
            .as_dictionary_mut()
            .unwrap()
            .insert(key.into(), plist::Value::Date(when.into()));
        value.to_file_xml(&path).unwrap();
    }
}

/// A copy as the backup apps would leave it: times, modes and attributes kept.
fn copy_tree(from: &Path, to: &Path) {
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success());
}

/// The first file of a device backup's hashed subfolders, changed.
fn change_a_file(device: &Path) {
    let sub = fs::read_dir(device)
        .unwrap()
        .flatten()
        .find(|e| e.file_type().unwrap().is_dir())
        .unwrap()
        .path();
    let file = fs::read_dir(&sub).unwrap().flatten().next().unwrap().path();
    fs::write(&file, b"written by a later backup").unwrap();
}

fn name_of(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

fn replaced(seed: u64) -> Replaced {
    let dir = scratch();
    let drive = Drive::mount("256m", "");
    let source = dir.path().join("MobileSync").join("Backup");
    let moved_devices = small_backup(&source, seed, 10).device_folders;
    let out = run(
        CLI,
        &source_to(
            "move",
            &source,
            drive.path(),
            &["--yes", "--quiet-minutes", "0"],
        ),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let copy = drive.path().join("Backup");
    let drive_before: BTreeMap<String, Digest> = moved_devices
        .iter()
        .map(|d| (name_of(d), digest(&copy.join(name_of(d)))))
        .collect();
    // The update: the link goes, a folder takes its place, backups land there.
    let new = relocator_tests::link_replaced_by_a_new_backup(&source, dir.path(), seed + 1)
        .to_string_lossy()
        .into_owned();
    let [newer, older, same] = [0, 1, 2].map(|i| name_of(&moved_devices[i]));
    for name in [&newer, &older, &same] {
        copy_tree(&copy.join(name), &source.join(name));
    }
    let now = SystemTime::now();
    change_a_file(&source.join(&newer));
    set_backup_date(&source.join(&newer), now);
    change_a_file(&source.join(&older));
    set_backup_date(&source.join(&older), now - Duration::from_hours(400 * 24));
    let here = [&new, &newer, &older, &same]
        .into_iter()
        .map(|n| (n.clone(), digest(&source.join(n))))
        .collect();
    Replaced {
        _dir: dir,
        drive,
        source,
        copy,
        drive_before,
        here,
        new,
        newer,
        older,
        same,
    }
}

fn merge_args(source: &Path) -> Vec<std::ffi::OsString> {
    vec![
        "merge".into(),
        "--source".into(),
        source.into(),
        "--yes".into(),
    ]
}

/// The one folder beside `device` named `<device>.older-<id>`.
fn older_of(copy: &Path, device: &str) -> PathBuf {
    let prefix = format!("{device}.older-");
    let found: Vec<PathBuf> = fs::read_dir(copy)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    assert_eq!(found.len(), 1, "older backups of {device}: {found:?}");
    found[0].clone()
}

/// Everything where it belongs after a merge: the link back, every device
/// in use in its newer backup, every older one kept, nothing lost or left.
fn assert_merged(r: &Replaced, label: &str) {
    assert_eq!(
        fs::read_link(&r.source).ok(),
        Some(r.copy.clone()),
        "{label}"
    );
    let in_use = |n: &str| digest(&r.copy.join(n));
    assert_eq!(in_use(&r.new), r.here[&r.new], "{label}: the new device");
    assert_eq!(in_use(&r.newer), r.here[&r.newer], "{label}: newer here");
    assert_eq!(
        digest(&older_of(&r.copy, &r.newer)),
        r.drive_before[&r.newer],
        "{label}: the drive's older backup kept"
    );
    assert_eq!(
        in_use(&r.older),
        r.drive_before[&r.older],
        "{label}: newer there"
    );
    assert_eq!(
        digest(&older_of(&r.copy, &r.older)),
        r.here[&r.older],
        "{label}: the older one from here kept"
    );
    assert_eq!(
        in_use(&r.same),
        r.drive_before[&r.same],
        "{label}: the same"
    );
    for (device, before) in &r.drive_before {
        if ![&r.newer, &r.older, &r.same].contains(&device) {
            assert_eq!(&in_use(device), before, "{label}: {device} untouched");
        }
    }
    let parent = r.source.parent().unwrap();
    let drive = r.copy.parent().unwrap();
    let left = leftovers(&[parent, drive, &r.copy]);
    assert!(left.is_empty(), "{label}: leftovers {left:?}");
}

#[test]
fn new_and_newer_backups_are_brought_to_the_drive_and_nothing_there_is_overwritten() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let r = replaced(2110);
    let out = run(CLI, &merge_args(&r.source));
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("was kept at"), "{said}");
    assert_merged(&r, "merged");
}

#[test]
fn a_merge_is_refused_for_a_link_or_a_copy_not_ours_and_changes_nothing() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let r = replaced(2120);
    let here = digest(&r.source);
    let stranger = r.copy.parent().unwrap().join("Stranger");
    fs::create_dir(&stranger).unwrap();
    let mut args = merge_args(&r.source);
    args.extend(["--to".into(), stranger.clone().into()]);
    let out = run(CLI, &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&stranger.display().to_string()),
        "{}",
        stderr(&out)
    );
    assert_eq!(digest(&r.source), here);
    // Merged, the folder is a link again: a second merge has nothing to do.
    assert!(run(CLI, &merge_args(&r.source)).status.success());
    let out = run(CLI, &merge_args(&r.source));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("already a link"), "{}", stderr(&out));
}

/// Where a merge can be killed: each of its atomic writes (journal steps,
/// markers) and each named step between them.
fn kill_points() -> Vec<String> {
    let mut points: Vec<String> = (0..12)
        .map(|k| format!("atomic-write-before-rename={k}*off->return"))
        .collect();
    for named in [
        "merge-journaled",
        "copied",
        "merge-replacing",
        "merge-set-aside",
        "merge-linked",
        "deleting",
        "deleting-after-file",
        "deleting-before-marker",
        "deleting-after-marker",
        "merge-cleaned",
    ] {
        points.push(format!("{named}=return"));
    }
    points.extend((0..4).map(|k| format!("merge-placed={k}*off->return")));
    points
}

#[test]
fn a_merge_killed_at_any_step_and_its_recovery_killed_too_loses_nothing() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let mut killed = 0;
    for (i, point) in kill_points().into_iter().enumerate() {
        let r = replaced(2200 + i as u64);
        let crashed = run_with_failpoint(CLI, &merge_args(&r.source), &point);
        if !was_killed(&crashed.status) {
            // Past its last write of this kind: the merge finished.
            assert!(crashed.status.success(), "{point}: {}", stderr(&crashed));
            assert_merged(&r, &point);
            continue;
        }
        killed += 1;
        let recover = [
            "recover".into(),
            "--source".into(),
            r.source.clone().into_os_string(),
        ];
        // The recovery itself killed at its second atomic write, then run whole twice.
        let _ = run_with_failpoint(CLI, &recover, "atomic-write-before-rename=1*off->return");
        for round in 0..2 {
            let out = run(CLI, &recover);
            assert!(
                out.status.success(),
                "{point} round {round}: {}",
                stderr(&out)
            );
        }
        if fs::symlink_metadata(&r.source).unwrap().is_dir() {
            // Undone: the folder is as it was; the merge runs again.
            for (device, before) in &r.here {
                assert_eq!(&digest(&r.source.join(device)), before, "{point}: {device}");
            }
            let out = run(CLI, &merge_args(&r.source));
            assert!(out.status.success(), "{point}, again: {}", stderr(&out));
        }
        assert_merged(&r, &point);
    }
    assert!(killed >= 12, "only {killed} kills landed");
    eprintln!("merge: killed at {killed} points (and each recovery once), nothing lost");
}

#[test]
fn a_copy_kept_on_purpose_by_a_move_back_is_never_offered_for_a_merge() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let dir = scratch();
    let drive = Drive::mount("128m", "");
    let source = dir.path().join("MobileSync").join("Backup");
    small_backup(&source, 2130, 6);
    let out = run(
        CLI,
        &source_to(
            "move",
            &source,
            drive.path(),
            &["--yes", "--quiet-minutes", "0"],
        ),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let revert: Vec<std::ffi::OsString> = vec![
        "revert".into(),
        "--source".into(),
        source.clone().into(),
        "--keep-target".into(),
        "--yes".into(),
    ];
    let out = run(CLI, &revert);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(drive.path().join("Backup").is_dir(), "the copy was kept");
    let status = run(
        CLI,
        &[
            "status".into(),
            "--json".into(),
            "--source".into(),
            source.clone().into_os_string(),
        ],
    );
    let report = relocator_tests::json(&status);
    let folder = &report["locations"][0];
    assert_eq!(folder["merge_into"], serde_json::json!([]), "{report:#}");
    let out = run(CLI, &merge_args(&source));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn a_merge_whose_drive_is_gone_for_good_after_setting_the_folder_aside_goes_on_without_it() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let r = replaced(2140);
    let crashed = run_with_failpoint(CLI, &merge_args(&r.source), "merge-set-aside=return");
    assert!(was_killed(&crashed.status), "{}", stderr(&crashed));
    r.drive.unplug();
    let forget: Vec<std::ffi::OsString> = vec![
        "forget-drive".into(),
        "--source".into(),
        r.source.clone().into(),
        "--yes".into(),
    ];
    let out = run(CLI, &forget);
    assert!(out.status.success(), "{}", stderr(&out));
    // The folder is back in its place, a real folder, every byte as it was.
    assert!(fs::symlink_metadata(&r.source).unwrap().is_dir());
    for (device, before) in &r.here {
        assert_eq!(&digest(&r.source.join(device)), before, "{device}");
    }
    let status = run(
        CLI,
        &[
            "status".into(),
            "--source".into(),
            r.source.clone().into_os_string(),
        ],
    );
    assert!(status.status.success(), "{}", stderr(&status));
}

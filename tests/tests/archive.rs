//! Issue 21: one device's backup archived to a drive and brought back,
//! journaled like every operation: killed at each of its steps (and its
//! recovery killed too), it ends with the device's backup whole in exactly
//! one place, and the other devices' backups untouched.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use relocator::names::{ARCHIVE_FOLDER, MARKER_FILE};
use relocator_tests::{
    Drive, Entry, digest, leftovers, run, run_with_failpoint, scratch, small_backup, stderr,
    was_killed,
};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

struct Setup {
    _dir: tempfile::TempDir,
    drive: Drive,
    source: PathBuf,
    device: String,
    before: BTreeMap<PathBuf, Entry>,
}

impl Setup {
    fn new(seed: u64) -> Self {
        let dir = scratch();
        let drive = Drive::mount("128m", "");
        let source = dir.path().join("MobileSync").join("Backup");
        let made = small_backup(&source, seed, 8);
        let device = made.device_folders[1]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let before = digest(&source);
        Self {
            _dir: dir,
            drive,
            source,
            device,
            before,
        }
    }

    fn archived(&self) -> PathBuf {
        self.drive.path().join(ARCHIVE_FOLDER).join(&self.device)
    }

    fn archive_args(&self) -> Vec<OsString> {
        vec![
            "archive".into(),
            "--source".into(),
            self.source.clone().into(),
            "--device".into(),
            self.device.clone().into(),
            "--to".into(),
            self.drive.path().into(),
            "--yes".into(),
        ]
    }

    fn bring_back_args(&self) -> Vec<OsString> {
        vec![
            "bring-back".into(),
            "--source".into(),
            self.source.clone().into(),
            "--from".into(),
            self.archived().into(),
            "--yes".into(),
        ]
    }

    /// The device's part of what the folder held, and the rest.
    fn split(
        &self,
        all: &BTreeMap<PathBuf, Entry>,
    ) -> (BTreeMap<PathBuf, Entry>, BTreeMap<PathBuf, Entry>) {
        all.iter()
            .map(|(p, e)| (p.clone(), e.clone()))
            .partition(|(p, _)| p.starts_with(&self.device))
    }

    /// The device's backup whole in exactly one place — the folder
    /// (`in_folder`) or the archive — the others untouched, nothing left.
    fn assert_whole(&self, in_folder: bool, label: &str) {
        let (device, others) = self.split(&self.before);
        let (now_device, now_others) = self.split(&digest(&self.source));
        assert_eq!(now_others, others, "{label}: the other devices' backups");
        let device_only: BTreeMap<PathBuf, Entry> = device
            .into_iter()
            .filter_map(|(p, e)| {
                let rel = p.strip_prefix(&self.device).unwrap().to_owned();
                (rel != Path::new("")).then_some((rel, e))
            })
            .collect();
        if in_folder {
            assert_eq!(
                now_device.len(),
                device_only.len() + 1,
                "{label}: the device's backup in the folder"
            );
            assert_eq!(
                digest(&self.source.join(&self.device)),
                device_only,
                "{label}"
            );
            assert!(
                !self.source.join(&self.device).join(MARKER_FILE).exists(),
                "{label}: our marker left in a device's backup"
            );
            assert!(!self.archived().exists(), "{label}: a second copy archived");
        } else {
            assert!(now_device.is_empty(), "{label}: still in the folder");
            assert_eq!(
                digest(&self.archived()),
                device_only,
                "{label}: the archive"
            );
            assert!(
                self.archived().join(MARKER_FILE).exists(),
                "{label}: unmarked"
            );
        }
        let archive_folder = self.drive.path().join(ARCHIVE_FOLDER);
        let left = leftovers(&[
            &self.source,
            self.source.parent().unwrap(),
            &archive_folder,
            self.drive.path(),
        ]);
        assert!(left.is_empty(), "{label}: leftovers {left:?}");
    }

    fn recover(&self, label: &str) {
        let recover = [
            OsString::from("recover"),
            "--source".into(),
            self.source.clone().into(),
        ];
        // The recovery itself killed at its second atomic write, then run whole twice.
        let _ = run_with_failpoint(CLI, &recover, "atomic-write-before-rename=1*off->return");
        for round in 0..2 {
            let out = run(CLI, &recover);
            assert!(
                out.status.success(),
                "{label} round {round}: {}",
                stderr(&out)
            );
        }
    }
}

#[test]
fn one_device_is_archived_and_brought_back_and_the_others_are_untouched() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let s = Setup::new(2301);
    let out = run(CLI, &s.archive_args());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Archived"));
    s.assert_whole(false, "archived");
    let out = run(CLI, &s.bring_back_args());
    assert!(out.status.success(), "{}", stderr(&out));
    s.assert_whole(true, "brought back");
}

#[test]
fn an_archive_is_refused_for_a_folder_that_is_not_a_device_or_already_archived() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let s = Setup::new(2302);
    let mut args = s.archive_args();
    args[4] = "Documents".into();
    let out = run(CLI, &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(run(CLI, &s.archive_args()).status.success());
    // A device of that name archived already: bring it back first.
    fs::create_dir_all(s.source.join(&s.device)).unwrap();
    let out = run(CLI, &s.archive_args());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // A folder not archived by us is never brought back (nor deleted).
    let stranger = s.drive.path().join(ARCHIVE_FOLDER).join("0".repeat(40));
    fs::create_dir_all(&stranger).unwrap();
    let mut args = s.bring_back_args();
    args[4] = stranger.clone().into();
    let out = run(CLI, &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stranger.exists());
}

fn points(names: &[&str]) -> Vec<String> {
    let mut points: Vec<String> = (0..8)
        .map(|k| format!("atomic-write-before-rename={k}*off->return"))
        .collect();
    points.extend(names.iter().map(|n| format!("{n}=return")));
    points
}

#[test]
fn an_archive_killed_at_any_step_and_its_recovery_too_keeps_the_backup_whole() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let mut killed = 0;
    let named = [
        "archive-journaled",
        "copied",
        "archive-published",
        "archive-set-aside",
        "deleting",
        "deleting-after-file",
        "deleting-before-marker",
        "deleting-after-marker",
        "archive-cleaned",
    ];
    for (i, point) in points(&named).into_iter().enumerate() {
        let s = Setup::new(2400 + i as u64);
        let crashed = run_with_failpoint(CLI, &s.archive_args(), &point);
        if was_killed(&crashed.status) {
            killed += 1;
            s.recover(&point);
        } else {
            assert!(crashed.status.success(), "{point}: {}", stderr(&crashed));
        }
        let in_folder = s.source.join(&s.device).exists();
        s.assert_whole(in_folder, &point);
    }
    assert!(killed >= 10, "only {killed} kills landed");
    eprintln!("archive: killed at {killed} points (and each recovery once), backup whole");
}

#[test]
fn a_bring_back_killed_at_any_step_and_its_recovery_too_keeps_the_backup_whole() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let mut killed = 0;
    let named = [
        "bring-back-journaled",
        "copied",
        "bring-back-published",
        "deleting",
        "deleting-after-file",
        "deleting-before-marker",
        "deleting-after-marker",
        "bring-back-cleaned",
    ];
    for (i, point) in points(&named).into_iter().enumerate() {
        let s = Setup::new(2500 + i as u64);
        let out = run(CLI, &s.archive_args());
        assert!(out.status.success(), "{}", stderr(&out));
        let crashed = run_with_failpoint(CLI, &s.bring_back_args(), &point);
        if was_killed(&crashed.status) {
            killed += 1;
            s.recover(&point);
        } else {
            assert!(crashed.status.success(), "{point}: {}", stderr(&crashed));
        }
        let in_folder = s.source.join(&s.device).exists();
        s.assert_whole(in_folder, &point);
    }
    assert!(killed >= 9, "only {killed} kills landed");
    eprintln!("bring back: killed at {killed} points (and each recovery once), backup whole");
}

#[test]
fn an_archive_whose_drive_leaves_before_the_device_is_deleted_puts_the_device_back() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let s = Setup::new(2601);
    let crashed = run_with_failpoint(CLI, &s.archive_args(), "archive-set-aside=return");
    assert!(was_killed(&crashed.status), "{}", stderr(&crashed));
    assert!(!s.source.join(&s.device).exists(), "set aside when killed");
    s.drive.unplug();
    let recover = [
        OsString::from("recover"),
        "--source".into(),
        s.source.clone().into(),
    ];
    let out = run(CLI, &recover);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        digest(&s.source),
        s.before,
        "the device's backup back in its place"
    );
    assert!(!relocator::journal::path_for(&s.source).exists());
}

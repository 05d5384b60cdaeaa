//! Issue 24 in the window, driven by control names: a drive gone for good
//! is let go after the window says what that means; the copies of ours
//! left on a drive are removed as the app starts, and said; backups moved
//! by hand show as such and can be taken over.
//!
//! Unix: the stand-in drive and the hand-made link are made the Unix way.

#![cfg(unix)]

mod common;

use std::fs;

use common::{Fakes, click, harness, is_enabled, settle, shows};
use relocator::Operation;
use relocator::journal::{Journal, Step};
use relocator::marker::{self, Marker, MarkerState};
use relocator_app::Page;
use relocator_tests::{Drive, digest, scratch, small_backup};

#[test]
fn a_drive_gone_for_good_is_let_go_after_the_window_says_what_that_means() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 81, 8);
    let before = digest(&source);
    // A move interrupted after it set the original aside; its drive, gone.
    let id = "0123456789ab";
    let aside = relocator::names::set_aside(&source, id);
    fs::rename(&source, &aside).unwrap();
    let gone = root.path().join("Lost Drive").join("Backups");
    let mut j = Journal::new(
        Operation::Move,
        id,
        &source,
        &gone.join("Backup"),
        &gone.join(format!("Backup.partial-{id}")),
    );
    j.aside = Some(aside.clone());
    j.step = Step::SettingAside;
    j.save().unwrap();

    let mut h = harness(&source, &Fakes::default());
    settle(&mut h);
    assert_eq!(h.state().page, Page::Overview);
    assert!(shows(&h, "which is not connected"));
    click(&mut h, "The drive is gone for good…");
    assert!(shows(&h, "lost, broken or wiped"));
    assert!(shows(
        &h,
        &format!("Nothing on {} is deleted", relocator_app::words::COMPUTER)
    ));
    assert!(aside.exists(), "asking changes nothing");
    click(&mut h, "Go on without that drive");
    settle(&mut h);
    assert!(
        shows(&h, "no longer waits"),
        "the notice says what happened"
    );
    assert!(fs::symlink_metadata(&source).unwrap().is_dir());
    assert_eq!(digest(&source), before);
    assert!(!relocator::journal::path_for(&source).exists());
    assert!(is_enabled(&h, "Move backups…"));
}

#[test]
fn a_half_copy_of_ours_on_a_drive_is_removed_as_the_app_starts_and_said() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let drive = Drive::mount("64m", "");
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 82, 4);
    let half = drive.path().join("Backups/Backup.partial-0123456789ab");
    fs::create_dir_all(half.join("00")).unwrap();
    fs::write(half.join("00/half"), b"...").unwrap();
    marker::write(
        &half,
        &Marker::new("0123456789ab", MarkerState::Partial, &source),
    )
    .unwrap();
    let mut h = harness(&source, &Fakes::default());
    settle(&mut h);
    assert_eq!(h.state().page, Page::Overview);
    assert!(!half.exists());
    assert!(shows(
        &h,
        "Removed a copy Backup Relocator had not finished"
    ));
}

#[test]
fn backups_moved_by_hand_show_as_such_and_are_taken_over_by_one_button() {
    let root = scratch();
    let source = root.path().join("Backup");
    let copy = root.path().join("drive/iPhone backups");
    small_backup(&copy, 83, 6);
    let before = digest(&copy);
    std::os::unix::fs::symlink(&copy, &source).unwrap();

    let mut h = harness(&source, &Fakes::default());
    settle(&mut h);
    assert!(shows(&h, "Moved by hand to"));
    click(&mut h, "Manage moved backups");
    assert_eq!(h.state().page, Page::Manage);
    assert!(is_enabled(
        &h,
        &format!("Move back to {}…", relocator_app::words::COMPUTER)
    ));
    click(&mut h, "Let Backup Relocator manage them");
    settle(&mut h);
    assert_eq!(h.state().page, Page::Done);
    assert!(shows(&h, "Backup Relocator now manages your backups"));
    assert!(marker::read(&copy).is_some_and(|m| m.moved_from == source));
    assert_eq!(digest(&copy), before);
}

//! The wizard driven like a person would: find controls by their names,
//! click, and check both what the window says and what happened on disk.
//! Runs without a display or GPU (`egui_kittest`). Every flow: move, cancel,
//! move back, move on, recovery at start, a damaged record, a folder chosen
//! by hand, blocking checks, a drive that is away, the health check.
//!
//! Unix: the stand-in drives and links are made the Unix way (Linux mounts,
//! macOS RAM disks); Windows runs the core's own tests of the same steps.

#![cfg(unix)]

mod common;

use std::fs;

use common::{Fakes, click, harness, is_enabled, settle, shows, to_review};
use egui_kittest::kittest::Queryable as _;
use relocator::Operation;
use relocator::journal::Journal;
use relocator::marker::{self, Marker, MarkerState};
use relocator_app::{AppState, JobResult, Page, Settings, StartConfig};
use relocator_tests::{Drive, digest, leftovers, scratch, small_backup};

#[test]
fn a_move_picks_a_drive_from_the_list_and_says_where_the_backups_are() {
    let root = scratch();
    let source = root.path().join("MobileSync/Backup");
    small_backup(&source, 61, 30);
    let before = digest(&source);
    let drive = Drive::mount("512m", "");
    let fakes = Fakes {
        drives: vec![drive.path().to_owned()],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);

    assert_eq!(h.state().page, Page::Overview);
    h.get_by_label("Step 1 of 6: Backups");
    assert!(shows(&h, "Ana's iPhone"));
    assert!(
        shows(&h, "iPhone 14 Pro"),
        "the product name, not iPhone15,2"
    );
    click(&mut h, "Move backups…");
    h.get_by_label("Step 2 of 6: Checks");
    assert!(shows(&h, "No backup is being made."));
    click(&mut h, "Next");
    h.get_by_label("Step 3 of 6: Drive");
    assert!(!is_enabled(&h, "Next"), "no drive chosen yet");
    assert!(
        shows(&h, "Choose a drive first."),
        "a disabled Next says why"
    );
    common::choose_drive(&mut h, "Test Drive 1");
    assert!(common::drive_is_fine(&h));
    click(&mut h, "Next");
    h.get_by_label("Step 4 of 6: Review");
    assert!(shows(&h, "a link takes their place"));
    click(&mut h, "Move");
    settle(&mut h);
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
    h.get_by_label("Step 6 of 6: Done");
    assert!(shows(&h, "Your backups are on the drive"));
    assert!(shows(
        &h,
        &format!("is free again on {}", relocator_app::words::COMPUTER)
    ));

    let target = drive.path().join("Backup");
    assert_eq!(fs::read_link(&source).unwrap(), target);
    assert_eq!(digest(&source), before);
    assert!(leftovers(&[source.parent().unwrap(), drive.path()]).is_empty());
    assert_eq!(
        h.state().settings.last_destination.as_deref(),
        Some(drive.path())
    );
    click(&mut h, "Back to overview");
    assert_eq!(h.state().page, Page::Overview);
    assert!(shows(&h, "Moved to Test Drive 1") || shows(&h, "Moved to"));
}

#[test]
fn cancel_in_the_middle_asks_then_rolls_back_and_shows_it() {
    let root = scratch();
    let source = root.path().join("Backup");
    relocator_tests::sized_backup(&source, 62, 4000, 600_000_000);
    let before = digest(&source);
    let drive = Drive::mount("1g", "");
    let fakes = Fakes {
        drives: vec![drive.path().to_owned()],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    to_review(&mut h);
    h.get_by_label("Move").click();
    h.run();
    for _ in 0..4000 {
        h.step();
        let p = &h.state().progress;
        if p.phase() == relocator::Phase::Copying && p.phase_done().0 > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert_eq!(h.state().progress.phase(), relocator::Phase::Copying);
    // Esc asks, like Cancel does.
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(h.state().asking_cancel);
    assert!(shows(&h, "Stop and put everything back?"));
    h.get_by_label("Stop and undo").click();
    h.run();
    settle(&mut h);
    assert_eq!(h.state().page, Page::Failed);
    assert!(matches!(
        &h.state().result,
        Some(JobResult::Failed(f)) if f.is_cancelled()
    ));
    h.get_by_label("Cancelled — nothing was changed");
    assert!(shows(&h, "Your backups are safe on"));
    assert!(fs::symlink_metadata(&source).unwrap().is_dir());
    assert_eq!(digest(&source), before);
    assert!(leftovers(&[root.path(), drive.path()]).is_empty());
    assert!(!drive.path().join("Backup").exists());
}

#[test]
fn a_moved_folder_moves_back_through_checks_and_review() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 65, 10);
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    relocator_tests::move_quietly(&source, drive.path());

    let mut h = harness(&source, &Fakes::default());
    assert_eq!(
        h.state().page,
        Page::Overview,
        "the start page is always the overview"
    );
    click(&mut h, "Manage moved backups");
    assert_eq!(h.state().page, Page::Manage);
    assert!(shows(&h, "connected"));
    click(
        &mut h,
        &format!("Move back to {}…", relocator_app::words::COMPUTER),
    );
    h.get_by_label("Step 1 of 4: Checks");
    assert!(shows(&h, "This computer has room for them."));
    assert!(
        fs::symlink_metadata(&source).unwrap().is_symlink(),
        "nothing happens before the last click"
    );
    click(&mut h, "Next");
    h.get_by_label("Step 2 of 4: Review");
    assert!(shows(
        &h,
        &format!("copied back to {}", relocator_app::words::COMPUTER)
    ));
    click(&mut h, "Move back");
    settle(&mut h);
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
    assert!(shows(
        &h,
        &format!(
            "Your backups are back on {}",
            relocator_app::words::COMPUTER
        )
    ));
    assert!(fs::symlink_metadata(&source).unwrap().is_dir());
    assert_eq!(digest(&source), before);
    assert!(!drive.path().join("Backup").exists());
    click(&mut h, "Back to overview");
    assert_eq!(
        h.state().page,
        Page::Overview,
        "the same place as after a move"
    );
}

#[test]
fn moving_on_lists_only_the_other_drives_and_back_returns_to_moved_backups() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 68, 10);
    let before = digest(&source);
    let first = Drive::mount("256m", "");
    let second = Drive::mount("256m", "");
    relocator_tests::move_quietly(&source, first.path());
    let fakes = Fakes {
        drives: vec![first.path().to_owned(), second.path().to_owned()],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    click(&mut h, "Moved backups");
    click(&mut h, "Move to another drive…");
    assert_eq!(h.state().page, Page::Checks);
    click(&mut h, "Back");
    assert_eq!(h.state().page, Page::Manage, "Back leaves the move on");
    assert!(h.state().plan.is_none());
    click(&mut h, "Move to another drive…");
    click(&mut h, "Next");
    assert_eq!(h.state().page, Page::Destination);
    assert!(shows(&h, "Choose the new drive"));
    assert!(
        h.query_by_label("Test Drive 1").is_none(),
        "the drive the backups are on is not offered"
    );
    common::choose_drive(&mut h, "Test Drive 2");
    click(&mut h, "Next");
    assert!(shows(&h, "the link points there"));
    click(&mut h, "Move");
    settle(&mut h);
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
    assert!(shows(&h, "Your backups are on the new drive"));
    assert_eq!(
        fs::read_link(&source).unwrap(),
        second.path().join("Backup")
    );
    assert!(!first.path().join("Backup").exists());
    assert_eq!(digest(&source), before);
}

#[test]
fn an_interrupted_move_is_recovered_at_start_and_reported() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 66, 10);
    let before = digest(&source);
    let drive = root.path().join("drive");
    fs::create_dir(&drive).unwrap();
    // What a crash during the copy leaves: a journal and a partial copy.
    let staging = drive.join("Backup.partial-abc123abc123");
    fs::create_dir(&staging).unwrap();
    marker::write(
        &staging,
        &Marker::new("abc123abc123", MarkerState::Partial, &source),
    )
    .unwrap();
    fs::write(staging.join("half-a-file"), b"...").unwrap();
    let j = Journal::new(
        Operation::Move,
        "abc123abc123",
        &source,
        &drive.join("Backup"),
        &staging,
    );
    j.save().unwrap();

    let mut h = harness(&source, &Fakes::default());
    settle(&mut h);
    assert_eq!(h.state().page, Page::Overview);
    assert!(shows(&h, "An interrupted move was undone"));
    assert!(!staging.exists());
    assert!(!relocator::journal::path_for(&source).exists());
    assert_eq!(digest(&source), before);
}

/// Issue 19, item 8: a record that names a folder its operation would
/// never use is refused by the recovery at start, and the Failed page
/// offers its way forward, which the core takes only with the backups whole.
#[test]
fn a_record_naming_a_foreign_folder_is_refused_with_its_way_forward() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 68, 6);
    let before = digest(&source);
    let documents = root.path().join("Documents");
    fs::create_dir(&documents).unwrap();
    fs::write(documents.join("letter.txt"), b"mine").unwrap();
    let mut j = Journal::new(
        Operation::Move,
        "0123456789ab",
        &source,
        &root.path().join("drive").join("Backup"),
        &documents,
    );
    j.aside = Some(relocator::names::set_aside(&source, "0123456789ab"));
    j.save().unwrap();

    let mut h = harness(&source, &Fakes::default());
    settle(&mut h);
    assert_eq!(h.state().page, Page::Failed);
    assert!(shows(&h, "was not written by Backup Relocator as it is"));
    click(&mut h, "Set the damaged record aside");
    settle(&mut h);
    assert_eq!(h.state().page, Page::Overview);
    assert!(shows(&h, "The damaged record was set aside"));
    assert!(!relocator::journal::path_for(&source).exists());
    assert_eq!(digest(&source), before);
    assert_eq!(fs::read(documents.join("letter.txt")).unwrap(), b"mine");
    assert!(is_enabled(&h, "Move backups…"));
}

#[test]
fn a_damaged_record_says_where_the_backups_are_and_is_set_aside_only_when_they_are_whole() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 67, 10);
    let before = digest(&source);
    // The backups are set aside beside the backup folder, as a move leaves
    // them between its steps; the record is unreadable.
    let aside = root.path().join("Backup.moving-abc123abc123");
    fs::rename(&source, &aside).unwrap();
    let journal = relocator::journal::path_for(&source);
    fs::write(&journal, b"{ this is not a journal").unwrap();

    let mut h = harness(&source, &Fakes::default());
    settle(&mut h);
    assert!(shows(&h, "cannot be used"));
    assert!(shows(
        &h,
        "the original backup folder, set aside during a move"
    ));
    assert!(!is_enabled(&h, "Move backups…"));
    click(&mut h, "Set the damaged record aside");
    assert!(shows(&h, "The record was kept"));
    assert!(
        journal.exists(),
        "kept while the backups are not whole in place"
    );
    assert_eq!(digest(&aside), before, "nothing was touched");

    // Put back in place by hand, as the list says: now it is set aside.
    fs::rename(&aside, &source).unwrap();
    click(&mut h, "Set the damaged record aside");
    assert!(shows(&h, "The damaged record was set aside"));
    assert!(!journal.exists());
    let kept: Vec<_> = fs::read_dir(root.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .contains(".journal.damaged-")
        })
        .collect();
    assert_eq!(kept.len(), 1, "the record is kept beside, not deleted");
    assert!(is_enabled(&h, "Move backups…"));
    assert_eq!(digest(&source), before);
}

#[test]
fn back_to_the_overview_leaves_the_plan_and_a_late_folder_answer_does_not_replace_it() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 68, 10);
    let other = root.path().join("Other/Backup");
    small_backup(&other, 69, 10);
    let fakes = Fakes {
        picks: vec![relocator_app::PickOutcome::Chosen(other.clone())],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    click(&mut h, "Move backups…");
    assert_eq!(h.state().page, Page::Checks);
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert_eq!(h.state().page, Page::Overview);
    assert!(
        h.state().plan.is_none(),
        "back on the overview, no move is prepared"
    );

    // A folder dialog that answers after a move was begun: the answer is
    // not used, the move's folder stays, and the window says so.
    h.state_mut().apply(relocator_app::Action::ChooseFolder(
        relocator_app::FolderPurpose::Source,
    ));
    h.state_mut()
        .apply(relocator_app::Action::Begin(relocator::Operation::Move));
    settle(&mut h);
    assert_eq!(h.state().page, Page::Checks);
    assert!(h.state().plan.is_some());
    assert_eq!(h.state().location().unwrap().path, source);
    assert!(shows(&h, "was not used as the backup folder"));
}

#[test]
fn with_nothing_found_it_says_so_offers_a_folder_and_remembers_it() {
    let root = scratch();
    let chosen = root.path().join("MyBackups");
    small_backup(&chosen, 67, 3);
    let fakes = Fakes {
        picks: vec![relocator_app::PickOutcome::Chosen(chosen.clone())],
        ..Fakes::default()
    };
    let mut h = common::harness_for(
        StartConfig::default(),
        Settings::default(),
        &fakes,
        egui::vec2(820.0, 640.0),
    );
    assert!(shows(&h, "No backup folder was found"));
    click(&mut h, "Choose a folder…");
    assert!(shows(
        &h,
        &format!("Backups are on {}.", relocator_app::words::COMPUTER)
    ));
    assert_eq!(h.state().config.locations[0].path, chosen);
    assert_eq!(
        h.state().settings.source_folder.as_deref(),
        Some(chosen.as_path())
    );
    // The next start uses it.
    let next = AppState::new(
        StartConfig::default(),
        h.state().settings.clone(),
        Fakes::default().services(),
        std::sync::Arc::new(|| {}),
    );
    assert_eq!(next.config.locations[0].path, chosen);
}

#[test]
fn blocking_checks_are_shown_and_stop_the_wizard_until_fixed() {
    let root = scratch();
    let source = root.path().join("Backup");
    let mut spec = relocator::sample::SampleSpec::demo(63);
    spec.files_per_device = 5;
    spec.bytes_per_device = 20_000;
    spec.devices[0].in_progress = true;
    relocator::sample::generate(&source, &spec).unwrap();
    let fakes = Fakes::default();
    fakes.apps.set(&["iTunes"]);
    let mut h = harness(&source, &fakes);
    click(&mut h, "Move backups…");
    assert!(shows(&h, "Please quit iTunes first"));
    assert!(shows(
        &h,
        "A backup is being made (or did not finish) for Ana's iPhone"
    ));
    assert!(!is_enabled(&h, "Next"));
    assert!(shows(&h, "Fix the items marked with a cross"));
    assert!(shows(&h, "(1 time)"));
    // Fixed (iTunes quit, backup finished): the list turns green.
    fakes.apps.set(&[]);
    for d in fs::read_dir(&source).unwrap().flatten() {
        let status = d.path().join("Status.plist");
        let mut dict = plist::Dictionary::new();
        dict.insert(
            "SnapshotState".into(),
            plist::Value::String("finished".into()),
        );
        plist::Value::Dictionary(dict).to_file_xml(&status).unwrap();
        relocator_tests::age(&status);
    }
    click(&mut h, "Check again");
    assert!(shows(&h, "No app that makes backups is open"));
    assert!(shows(&h, "(2 times)"), "Check again says it checked");
    assert!(is_enabled(&h, "Next"));
}

#[test]
fn a_drive_that_is_away_says_backups_fail_until_it_is_back() {
    let root = scratch();
    let source = root.path().join("Backup");
    std::os::unix::fs::symlink(root.path().join("Volumes/Gone/Backup"), &source).unwrap();
    let mut h = harness(&source, &Fakes::default());
    assert!(shows(&h, "Backups will fail until"));
    click(&mut h, "Manage moved backups");
    assert!(shows(&h, "Backups will fail until"));
    assert!(shows(&h, "Connect the drive"));
    assert!(
        h.query_by_label(&format!("Move back to {}…", relocator_app::words::COMPUTER))
            .is_none()
    );
    assert!(!root.path().join("Volumes").exists(), "nothing was created");
}

#[test]
fn checking_the_backups_reports_each_device_and_finds_damage() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 69, 12);
    let drive = Drive::mount("256m", "");
    relocator_tests::move_quietly(&source, drive.path());
    let mut h = harness(&source, &Fakes::default());
    click(&mut h, "Manage moved backups");
    click(&mut h, "Check the backups");
    assert!(
        shows(&h, "Ana's iPhone: healthy"),
        "a real check, not a rescan"
    );
    assert!(shows(&h, "Checked at"));
    // One listed file goes missing: the next check says so.
    let device = fs::read_dir(drive.path().join("Backup"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.join("Manifest.db").is_file()
                && relocator::inventory::describe(p, false, &relocator::Cancel::new())
                    .unwrap()
                    .encrypted
                    != Some(true)
        })
        .unwrap();
    let victim = walkdir::WalkDir::new(&device)
        .min_depth(2)
        .into_iter()
        .flatten()
        .find(|e| e.file_type().is_file())
        .unwrap();
    fs::remove_file(victim.path()).unwrap();
    click(&mut h, "Check the backups");
    assert!(shows(&h, "damaged"));
    assert!(shows(&h, "missing"));
    // The overview shows the result per device too.
    click(&mut h, "Overview");
    assert!(shows(&h, "Checked: damaged"));
}

#[cfg(target_os = "linux")]
#[test]
fn a_drive_back_under_another_name_is_found_and_linked_again() {
    use std::process::Command;
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 70, 8);
    let before = digest(&source);
    let places = tempfile::tempdir().unwrap();
    let (first, second) = (places.path().join("Drive"), places.path().join("Drive 1"));
    fs::create_dir(&first).unwrap();
    fs::create_dir(&second).unwrap();
    let mounted = |args: &[&std::ffi::OsStr]| {
        assert!(
            Command::new("mount").args(args).status().unwrap().success(),
            "mount {args:?}"
        );
    };
    mounted(&[
        "-t".as_ref(),
        "tmpfs".as_ref(),
        "-o".as_ref(),
        "size=128m".as_ref(),
        "br-test".as_ref(),
        first.as_os_str(),
    ]);
    relocator_tests::move_quietly(&source, &first);
    // Unplugged, then back under another name.
    mounted(&["--move".as_ref(), first.as_os_str(), second.as_os_str()]);
    let mut h = harness(&source, &Fakes::default());
    assert!(shows(&h, "Backups will fail until"));
    click(&mut h, "Manage moved backups");
    assert!(shows(&h, "connected under another name"));
    click(&mut h, "Link to them");
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
    assert!(shows(&h, "Your backups are linked again"));
    assert_eq!(fs::read_link(&source).unwrap(), second.join("Backup"));
    assert_eq!(digest(&source), before);
    let _ = Command::new("umount").arg(&second).status();
}

#[test]
fn a_move_on_right_after_a_move_never_offers_the_drive_the_backups_are_on() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 12, 6);
    let first = Drive::mount("256m", "");
    let second = Drive::mount("256m", "");
    let fakes = Fakes {
        drives: vec![first.path().to_owned(), second.path().to_owned()],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    click(&mut h, "Move backups…");
    click(&mut h, "Next");
    common::choose_drive(&mut h, "Test Drive 1");
    click(&mut h, "Next");
    click(&mut h, "Move");
    settle(&mut h);
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
    click(&mut h, "Back to overview");
    click(&mut h, "Moved backups");
    // The list made for the first move is fresh enough not to be made again.
    h.state_mut().drives.asked_at = Some(std::time::Instant::now());
    click(&mut h, "Move to another drive…");
    // What the Destination page shows first, before any listing it starts.
    let offered: Vec<_> = h
        .state()
        .drives
        .drives
        .iter()
        .map(|d| d.mount_point.clone())
        .collect();
    assert_eq!(
        offered,
        vec![second.path().to_owned()],
        "the drive the backups are on now is not offered, not even for a moment"
    );
    click(&mut h, "Next");
    assert_eq!(h.state().page, Page::Destination);
    assert!(h.query_by_label("Test Drive 1").is_none());
    h.get_by_label("Test Drive 2");
}

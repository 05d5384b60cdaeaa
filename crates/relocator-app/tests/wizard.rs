//! The wizard driven like a person would: find widgets by their labels,
//! click, and check both what the window says and what happened on disk.
//! Runs without a display or GPU (`egui_kittest`).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use relocator::journal::{Journal, OperationKind};
use relocator::marker::{self, Marker, MarkerState};
use relocator_app::{AppState, FixedPicker, JobResult, Location, Page, Settings, StartConfig};
use relocator_tests::{Drive, digest, leftovers, scratch, small_backup};

fn config(source: &Path) -> StartConfig {
    StartConfig {
        locations: vec![Location {
            app: "Finder and iTunes".to_owned(),
            path: source.to_owned(),
        }],
        ..StartConfig::default()
    }
}

fn no_apps() -> Vec<String> {
    Vec::new()
}

fn itunes_running() -> Vec<String> {
    vec!["iTunes".to_owned()]
}

fn harness(source: &Path, picks: Vec<Option<PathBuf>>) -> Harness<'static, AppState> {
    let mut state = AppState::new(
        config(source),
        Settings::default(),
        Box::new(FixedPicker::new(picks)),
        Arc::new(|| {}),
    );
    state.set_running_apps(no_apps);
    state.settle();
    // A job finishing on its thread can switch pages twice within one run(),
    // each new page taking a few frames to settle its layout.
    let mut h = Harness::builder()
        .with_size(egui::vec2(820.0, 600.0))
        .with_max_steps(64)
        .build_ui_state(|ui, s: &mut AppState| s.ui(ui), state);
    h.run();
    h
}

fn click(h: &mut Harness<'_, AppState>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

fn is_enabled(h: &Harness<'_, AppState>, label: &str) -> bool {
    !h.get_by_label(label).accesskit_node().is_disabled()
}

/// Steps frames until the job ends, then lets the page settle.
fn finish_job(h: &mut Harness<'_, AppState>) {
    h.state_mut().settle();
    h.run();
}

#[test]
fn the_happy_path_moves_the_backups_and_says_where() {
    let root = scratch();
    let source = root.path().join("MobileSync/Backup");
    small_backup(&source, 61, 30);
    let before = digest(&source);
    let drive = Drive::mount("512m", "");
    let mut h = harness(&source, vec![Some(drive.path().to_owned())]);

    assert_eq!(h.state().page, Page::Overview);
    h.get_by_label_contains("Ana's iPhone");
    h.get_by_label_contains("Encrypted");
    click(&mut h, "Move backups…");
    assert_eq!(h.state().page, Page::Checks);
    h.get_by_label("No backup is being made.");
    click(&mut h, "Next");
    assert_eq!(h.state().page, Page::Destination);
    assert!(!is_enabled(&h, "Next"), "no destination yet");
    click(&mut h, "Choose destination…");
    h.get_by_label("This drive can hold your backups.");
    assert!(is_enabled(&h, "Next"));
    click(&mut h, "Next");
    assert_eq!(h.state().page, Page::Review);
    h.get_by_label_contains("check the copy, then leave a link in their old place");
    click(&mut h, "Move");
    assert_eq!(h.state().page, Page::Working);
    finish_job(&mut h);
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
    h.get_by_label_contains("Your backups are now in");
    h.get_by_label("Open destination");

    let target = drive.path().join("Backup");
    assert_eq!(fs::read_link(&source).unwrap(), target);
    assert_eq!(digest(&source), before);
    assert!(leftovers(&[source.parent().unwrap(), drive.path()]).is_empty());
    assert_eq!(
        h.state().settings.last_destination.as_deref(),
        Some(drive.path())
    );
}

#[test]
fn cancel_in_the_middle_rolls_back_and_shows_it() {
    let root = scratch();
    let source = root.path().join("Backup");
    relocator_tests::sized_backup(&source, 62, 4000, 600_000_000);
    let before = digest(&source);
    let drive = Drive::mount("1g", "");
    let mut h = harness(&source, vec![Some(drive.path().to_owned())]);
    click(&mut h, "Move backups…");
    click(&mut h, "Next");
    click(&mut h, "Choose destination…");
    click(&mut h, "Next");
    click(&mut h, "Move");
    // Wait until the copy is under way.
    for _ in 0..2000 {
        h.step();
        if h.state().progress.phase == relocator::Phase::Copying && h.state().progress.bytes > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert_eq!(h.state().progress.phase, relocator::Phase::Copying);
    h.get_by_label("Cancel").click();
    h.run();
    h.get_by_label_contains("Stop and put everything back");
    h.get_by_label("Yes, stop and undo").click();
    h.run();
    finish_job(&mut h);
    assert_eq!(h.state().page, Page::Failed);
    assert!(matches!(
        h.state().result,
        Some(JobResult::Failed {
            cancelled: true,
            ..
        })
    ));
    h.get_by_label("Nothing was changed");
    h.get_by_label_contains("Everything was put back as it was");
    assert!(fs::symlink_metadata(&source).unwrap().is_dir());
    assert_eq!(digest(&source), before);
    assert!(leftovers(&[root.path(), drive.path()]).is_empty());
    assert!(!drive.path().join("Backup").exists());
}

#[test]
fn blocking_checks_are_shown_and_stop_the_wizard() {
    let root = scratch();
    let source = root.path().join("Backup");
    let mut spec = relocator::sample::SampleSpec::demo(63);
    spec.files_per_device = 5;
    spec.bytes_per_device = 20_000;
    spec.devices[0].in_progress = true;
    relocator::sample::generate(&source, &spec).unwrap();
    let inside = source.join(
        fs::read_dir(&source)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .file_name(),
    );
    let mut h = harness(&source, vec![Some(inside)]);
    h.state_mut().set_running_apps(itunes_running);
    click(&mut h, "Move backups…");
    h.get_by_label_contains("Please quit iTunes first");
    h.get_by_label_contains("A backup is being made (or did not finish) for Ana's iPhone");
    assert!(!is_enabled(&h, "Next"));
    // Fixed (iTunes quit, backup finished): the list turns green.
    h.state_mut().set_running_apps(no_apps);
    for d in fs::read_dir(&source).unwrap().flatten() {
        let status = d.path().join("Status.plist");
        let mut dict = plist::Dictionary::new();
        dict.insert(
            "SnapshotState".into(),
            plist::Value::String("finished".into()),
        );
        plist::Value::Dictionary(dict).to_file_xml(status).unwrap();
    }
    click(&mut h, "Check again");
    h.get_by_label("iTunes, Apple Devices and Finder are not syncing.");
    assert!(is_enabled(&h, "Next"));
    click(&mut h, "Next");
    // A destination inside the backups: refused in plain words, Next stays off.
    click(&mut h, "Choose destination…");
    h.get_by_label_contains("is inside the backup folder");
    assert!(!is_enabled(&h, "Next"));
}

#[test]
fn warnings_need_a_tick() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 64, 5);
    let same_drive = root.path().join("elsewhere");
    fs::create_dir(&same_drive).unwrap();
    let mut h = harness(&source, vec![Some(same_drive)]);
    click(&mut h, "Move backups…");
    click(&mut h, "Next");
    click(&mut h, "Choose destination…");
    h.get_by_label_contains("frees no space");
    assert!(!is_enabled(&h, "Next"));
    click(
        &mut h,
        "I understand this drive must be connected when I back up",
    );
    assert!(is_enabled(&h, "Next"));
    click(&mut h, "Back");
    assert_eq!(h.state().page, Page::Checks);
}

#[test]
fn a_relocated_folder_opens_on_settings_and_moves_back() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 65, 10);
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    relocator_tests::move_quietly(&source, drive.path());

    let mut h = harness(&source, vec![]);
    assert_eq!(h.state().page, Page::Settings);
    h.get_by_label_contains("(drive connected)");
    click(&mut h, "Move back to this computer");
    h.get_by_label_contains("Copy ");
    h.get_by_label_contains("back to this computer, check the copy");
    assert!(
        fs::symlink_metadata(&source).unwrap().is_symlink(),
        "nothing happens before the yes"
    );
    click(&mut h, "Yes, move them back");
    finish_job(&mut h);
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
    h.get_by_label("Your backups are back on this computer.");
    assert!(fs::symlink_metadata(&source).unwrap().is_dir());
    assert_eq!(digest(&source), before);
    assert!(!drive.path().join("Backup").exists());
}

#[test]
fn a_dangling_link_says_the_drive_is_not_connected() {
    let root = scratch();
    let source = root.path().join("Backup");
    std::os::unix::fs::symlink(root.path().join("Volumes/Gone/Backup"), &source).unwrap();
    let h = harness(&source, vec![]);
    assert_eq!(h.state().page, Page::Settings);
    h.get_by_label_contains("but that drive is not connected");
    assert!(h.query_by_label("Move back to this computer").is_none());
    assert!(!root.path().join("Volumes").exists(), "nothing was created");
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
        OperationKind::Move,
        "abc123abc123",
        &source,
        &drive.join("Backup"),
        &staging,
    );
    j.save().unwrap();

    let mut h = harness(&source, vec![]);
    finish_job(&mut h);
    assert_eq!(h.state().page, Page::Overview);
    h.get_by_label_contains("An interrupted move was undone");
    assert!(!staging.exists());
    assert!(!relocator::journal::path_for(&source).exists());
    assert_eq!(digest(&source), before);
}

#[test]
fn with_nothing_found_it_says_so_and_offers_a_folder() {
    let root = scratch();
    let chosen = root.path().join("MyBackups");
    small_backup(&chosen, 67, 3);
    let mut state = AppState::new(
        StartConfig::default(),
        Settings::default(),
        Box::new(FixedPicker::new(vec![Some(chosen.clone())])),
        Arc::new(|| {}),
    );
    state.settle();
    let mut h = Harness::builder()
        .with_max_steps(64)
        .build_ui_state(|ui, s: &mut AppState| s.ui(ui), state);
    h.run();
    h.get_by_label_contains("No backup folder was found");
    click(&mut h, "Choose a folder…");
    h.state_mut().settle();
    h.run();
    h.get_by_label_contains("Backups are on this computer.");
    assert_eq!(h.state().config.locations[0].path, chosen);
}

#[test]
fn moving_on_to_another_drive_goes_through_destination_and_review() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 68, 10);
    let before = digest(&source);
    let first = Drive::mount("256m", "");
    let second = Drive::mount("256m", "");
    relocator_tests::move_quietly(&source, first.path());

    let mut h = harness(&source, vec![Some(second.path().to_owned())]);
    assert_eq!(h.state().page, Page::Settings);
    click(&mut h, "Move to another drive…");
    assert_eq!(h.state().page, Page::Destination);
    h.get_by_label_contains("Choose a folder on the new drive");
    click(&mut h, "Back");
    assert_eq!(h.state().page, Page::Settings, "Back returns to Settings");
    click(&mut h, "Move to another drive…");
    click(&mut h, "Choose destination…");
    h.get_by_label("This drive can hold your backups.");
    click(&mut h, "Next");
    h.get_by_label_contains("then point the link there and delete the old copy");
    click(&mut h, "Move");
    finish_job(&mut h);
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
    assert_eq!(
        fs::read_link(&source).unwrap(),
        second.path().join("Backup")
    );
    assert!(!first.path().join("Backup").exists());
    assert_eq!(digest(&source), before);
}

//! Issue 21 in the window, driven by control names: the guard turned on
//! and off in Preferences (its login item made in a test's own home, its
//! days where the guard reads them), and a folder where our link was —
//! an update replaced it — offered and brought to the drive by one button.
//!
//! Unix: the stand-in drive and the link are made the Unix way.

#![cfg(unix)]

mod common;

use std::fs;

use common::{Fakes, click, harness, settle, shows};
use relocator::locations::{HomeDirs, Platform};
use relocator_app::guard_mode::GuardSetup;
use relocator_app::{GuardSwitch, Page, words};
use relocator_guard::places::Places;
use relocator_guard::settings::GuardSettings;
use relocator_tests::{Drive, digest, move_quietly, scratch, small_backup};

#[test]
fn the_guard_is_turned_on_and_off_in_preferences() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 91, 4);
    let home = root.path().join("home");
    let places = Places::of(
        Platform::Other,
        &HomeDirs {
            home: home.clone(),
            app_data: None,
        },
        None,
    );
    let fakes = Fakes {
        guard: Some(GuardSetup {
            places: places.clone(),
            // Started "now" by the switch: a program that ends at once.
            program: "/bin/true".into(),
        }),
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    settle(&mut h);
    click(&mut h, "Preferences");
    assert_eq!(h.state().page, Page::Preferences);
    assert!(shows(&h, "Off. When on, a small helper"));
    click(&mut h, words::GUARD_SWITCH);
    assert_eq!(h.state().guard, GuardSwitch::On);
    let entry = fs::read_to_string(&places.login_item).unwrap();
    assert!(
        entry.contains("Exec=/bin/true --guard --source"),
        "the folder chosen is the one watched: {entry}"
    );
    assert!(shows(&h, "On: a small helper without a window"));
    assert_eq!(GuardSettings::load(&places.settings()).stale_days, 7);
    click(&mut h, words::GUARD_SWITCH);
    assert_eq!(h.state().guard, GuardSwitch::Off);
    assert!(!places.login_item.exists(), "off leaves no login item");
}

#[test]
fn a_folder_where_our_link_was_is_brought_to_the_drive_by_one_button() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let drive = Drive::mount("128m", "");
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 92, 6);
    move_quietly(&source, drive.path());
    let copy = drive.path().join("Backup");
    let on_drive = digest(&copy);
    // An update: a folder where the link was, and a new device's backup in it.
    let newer = root.path().join("newer");
    let made = small_backup(&newer, 93, 5);
    let device = made.device_folders[0].file_name().unwrap().to_owned();
    fs::remove_file(&source).unwrap();
    fs::create_dir(&source).unwrap();
    fs::rename(newer.join(&device), source.join(&device)).unwrap();
    let new_backup = digest(&source.join(&device));

    let mut h = harness(&source, &Fakes::default());
    settle(&mut h);
    assert!(shows(&h, "New backups are on this computer again"));
    click(&mut h, words::start_button(relocator::Operation::Merge));
    settle(&mut h);
    assert_eq!(h.state().page, Page::Done);
    assert!(shows(&h, "The new backups are on the drive"));
    assert_eq!(fs::read_link(&source).unwrap(), copy);
    assert_eq!(digest(&copy.join(&device)), new_backup);
    let mut before_and_new = on_drive;
    before_and_new.extend(
        digest(&copy.join(&device))
            .into_iter()
            .map(|(path, entry)| (std::path::Path::new(&device).join(path), entry)),
    );
    before_and_new.insert(device.clone().into(), relocator_tests::Entry::Folder);
    assert_eq!(
        digest(&copy),
        before_and_new,
        "nothing else on the drive changed"
    );
}

//! Issue 21 in the window, driven by control names: the guard turned on
//! and off in Preferences (its login item made in a test's own home, its
//! days where the guard reads them); a folder where our link was — an
//! update replaced it — offered and brought to the drive by one button;
//! one device's backup archived to a drive and brought back.
//!
//! Unix: the stand-in drive and the link are made the Unix way.

#![cfg(unix)]

mod common;

use std::fs;

use egui_kittest::kittest::Queryable as _;

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
    let device = relocator_tests::link_replaced_by_a_new_backup(&source, root.path(), 93);
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

#[test]
fn one_devices_backup_is_archived_to_a_drive_and_brought_back() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let drive = Drive::mount("128m", "");
    let root = scratch();
    let source = root.path().join("Backup");
    let made = small_backup(&source, 94, 6);
    let folder = made.device_folders[2].clone();
    let device = folder.file_name().unwrap().to_owned();
    let name = relocator::inventory::describe(&folder, false, &relocator::Cancel::new())
        .unwrap()
        .display_name();
    let before = digest(&source);
    let fakes = Fakes {
        drives: vec![drive.path().to_owned()],
        ..Fakes::default()
    };
    let mut h = harness(&source, &fakes);
    settle(&mut h);
    click(&mut h, &words::archive_button(&name));
    assert!(shows(&h, &words::archive_where(&name)));
    let to = words::archive_to("Test Drive 1", "");
    let to = to.trim_end_matches(" free)").trim_end_matches(" (");
    h.query_all_by_label_contains(to).next().unwrap().click();
    h.run();
    settle(&mut h);
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
    assert!(shows(&h, "The backup is archived on the drive"));
    let archived = relocator::names::archive_folder(drive.path()).join(&device);
    assert!(!source.join(&device).exists());
    let mut rest = before.clone();
    rest.retain(|p, _| !p.starts_with(&device));
    assert_eq!(
        digest(&source),
        rest,
        "the other devices' backups untouched"
    );
    assert_eq!(
        digest(&archived).len(),
        before.keys().filter(|p| p.starts_with(&device)).count() - 1
    );

    click(&mut h, "Back to overview");
    settle(&mut h);
    assert!(shows(&h, &format!("{name}: archived on")));
    click(&mut h, &words::bring_back_button(&name));
    settle(&mut h);
    assert_eq!(h.state().page, Page::Done, "{:?}", h.state().result);
    assert!(shows(&h, "The backup is back"));
    assert_eq!(digest(&source), before);
    assert!(!archived.exists());
}

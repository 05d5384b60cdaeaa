//! The foundation over real folders: location states, the inventory of
//! device backups, scanning (hard links, symlinks, unreadable folders).

// Unix only: permission bits, symbolic links, and running as another user.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use relocator::inventory::{self, EntryKind};
use relocator::locations::{self, LocationState};
use relocator::marker::{self, Marker, MarkerState};
use relocator::sample::{self, SampleDevice, SampleSpec};
use relocator::{Cancel, journal};
use relocator_tests::{links, run_as_nobody, scratch, small_backup, source_to};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

#[test]
fn every_location_state_is_reported() {
    let root = scratch();
    let links = links();
    let source = root.path().join("Backup");
    assert_eq!(
        locations::inspect(&source, links.as_ref()).unwrap(),
        LocationState::Absent
    );

    fs::create_dir(&source).unwrap();
    assert_eq!(
        locations::inspect(&source, links.as_ref()).unwrap(),
        LocationState::Local
    );
    fs::remove_dir(&source).unwrap();

    // A link to a folder without our marker: someone else's link.
    let elsewhere = root.path().join("drive/Backup");
    fs::create_dir_all(&elsewhere).unwrap();
    links.create(&source, &elsewhere).unwrap();
    assert_eq!(
        locations::inspect(&source, links.as_ref()).unwrap(),
        LocationState::ForeignLink {
            target: elsewhere.clone()
        }
    );

    // With our marker: relocated.
    marker::write(
        &elsewhere,
        &Marker::new("id", MarkerState::Complete, &source),
    )
    .unwrap();
    assert_eq!(
        locations::inspect(&source, links.as_ref()).unwrap(),
        LocationState::Relocated {
            target: elsewhere.clone()
        }
    );

    // The drive unplugged: dangling.
    fs::rename(root.path().join("drive"), root.path().join("unplugged")).unwrap();
    assert_eq!(
        locations::inspect(&source, links.as_ref()).unwrap(),
        LocationState::Dangling {
            target: elsewhere.clone()
        }
    );

    // A journal beside it: interrupted, whatever else is there.
    let j = journal::Journal::new(
        relocator::Operation::Move,
        "abc",
        &source,
        &elsewhere,
        &elsewhere,
    );
    j.save().unwrap();
    assert_eq!(
        locations::inspect(&source, links.as_ref()).unwrap(),
        LocationState::Interrupted {
            journal: j.path(),
            operation: relocator::Operation::Move,
            running: false,
        }
    );
    // While another holder has the folder's lock, it is under way. A lock
    // taken through another open of the lock file stands for another
    // process: flock(2) and LockFileEx lock per open, on every system.
    let held = journal::Lock::acquire(&source).unwrap();
    let running = matches!(
        locations::inspect(&source, links.as_ref()).unwrap(),
        LocationState::Interrupted { running: true, .. }
    );
    drop(held);
    assert!(running, "a held lock means an operation under way");
    j.finish().unwrap();
    // A record that cannot be read: damaged, and said so.
    fs::write(journal::path_for(&source), b"{\"format\":").unwrap();
    assert_eq!(
        locations::inspect(&source, links.as_ref()).unwrap().name(),
        "damaged_record"
    );
    fs::remove_file(journal::path_for(&source)).unwrap();

    // A file where the folder should be.
    links.remove(&source).unwrap();
    fs::write(&source, b"x").unwrap();
    assert_eq!(
        locations::inspect(&source, links.as_ref()).unwrap().name(),
        "unexpected"
    );
}

#[test]
fn the_cli_spells_each_state() {
    let root = scratch();
    let source = root.path().join("Backup");
    let state = |p: &Path| -> String {
        let out = relocator_tests::run(CLI, &["status", "--source", p.to_str().unwrap(), "--json"]);
        assert!(out.status.success(), "{}", relocator_tests::stderr(&out));
        relocator_tests::json(&out)["locations"][0]["state"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(state(&source), "absent");
    small_backup(&source, 1, 10);
    assert_eq!(state(&source), "local");
    let drive = root.path().join("drive");
    fs::create_dir(&drive).unwrap();
    let out = relocator_tests::run(CLI, &source_to("move", &source, &drive, &["--yes"]));
    assert!(out.status.success(), "{}", relocator_tests::stderr(&out));
    assert_eq!(state(&source), "relocated");
    fs::remove_file(drive.join("Backup").join(relocator::names::MARKER_FILE)).unwrap();
    assert_eq!(state(&source), "foreign_link");
    fs::rename(&drive, root.path().join("gone")).unwrap();
    assert_eq!(state(&source), "dangling");
    fs::write(journal::path_for(&source), b"{}").unwrap();
    // Issue 11: a damaged journal is a state with a way forward, not a dead end.
    assert_eq!(state(&source), "damaged_record");
    let out = relocator_tests::run(CLI, &["status", "--source", source.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("set-aside-record"), "{text}");
}

#[test]
fn inventory_reads_binary_and_xml_plists_and_survives_corrupt_ones() {
    let root = scratch();
    let dir = root.path().join("Backup");
    let mut xml = SampleDevice::new("XML Phone", "iPhone12,1", "15.0");
    xml.binary_plists = false;
    let mut enc = SampleDevice::new("Locked Phone", "iPhone14,5", "16.1");
    enc.encrypted = true;
    let mut busy = SampleDevice::new("Busy Pad", "iPad8,1", "17.0");
    busy.in_progress = true;
    let broken = SampleDevice::new("Broken Phone", "iPhone9,1", "14.0");
    let spec = SampleSpec {
        seed: 3,
        devices: vec![xml, enc, busy, broken],
        files_per_device: 20,
        bytes_per_device: 200_000,
    };
    let summary = sample::generate(&dir, &spec).unwrap();
    // Corrupt one device's Info.plist, and remove another's Status.plist.
    fs::write(
        summary.device_folders[3].join("Info.plist"),
        b"<?xml garbage",
    )
    .unwrap();
    // Not device backups: iMazing's folder, an archive, something else.
    let udid = summary.device_folders[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    fs::create_dir(dir.join("iMazing.Versions")).unwrap();
    fs::create_dir(dir.join(format!("{udid}-20240131-235959"))).unwrap();
    fs::create_dir(dir.join("Snapshot")).unwrap();
    fs::write(dir.join(".DS_Store"), b"x").unwrap();

    let list = inventory::inventory(&dir, true, &Cancel::new()).unwrap();
    assert_eq!(list.len(), 7);
    let by = |name: &str| {
        list.iter()
            .find(|d| d.name.as_deref() == Some(name))
            .unwrap()
    };
    let x = by("XML Phone");
    assert_eq!(
        (x.product_type.as_deref(), x.ios_version.as_deref()),
        (Some("iPhone12,1"), Some("15.0"))
    );
    assert_eq!(x.encrypted, Some(false));
    assert!(!x.in_progress && x.warnings.is_empty() && x.files == 24);
    assert!(x.serial_number.is_some() && x.last_backup.is_some());
    assert_eq!(by("Locked Phone").encrypted, Some(true));
    let b = by("Busy Pad");
    assert!(b.in_progress);
    assert_eq!(b.snapshot_state.as_deref(), Some("uploading"));

    let broken = list
        .iter()
        .find(|d| d.folder == summary.device_folders[3])
        .unwrap();
    assert_eq!(broken.name, None);
    assert_eq!(broken.warnings.len(), 1, "{:?}", broken.warnings);
    assert!(
        broken.warnings[0].contains("Info.plist"),
        "{:?}",
        broken.warnings
    );
    assert_eq!(broken.encrypted, Some(false), "the other plists still read");

    let kinds: Vec<EntryKind> = list.iter().map(|d| d.kind).collect();
    assert_eq!(kinds.iter().filter(|k| **k == EntryKind::Device).count(), 4);
    assert!(kinds.contains(&EntryKind::IMazingVersions));
    assert!(kinds.contains(&EntryKind::Archive));
    assert!(kinds.contains(&EntryKind::Other));
}

#[test]
fn a_missing_status_plist_is_a_warning_not_a_failure() {
    let root = scratch();
    let dir = root.path().join("Backup");
    let s = small_backup(&dir, 5, 5);
    fs::remove_file(s.device_folders[0].join("Status.plist")).unwrap();
    let list = inventory::inventory(&dir, false, &Cancel::new()).unwrap();
    let d = list
        .iter()
        .find(|d| d.folder == s.device_folders[0])
        .unwrap();
    assert!(
        d.warnings
            .iter()
            .any(|w| w.contains("Status.plist") && w.contains("not found")),
        "{:?}",
        d.warnings
    );
    assert_eq!(list.len(), 3);
}

#[test]
fn scan_counts_hard_links_once_and_never_follows_symlinks() {
    let root = scratch();
    let dir = root.path().join("Backup");
    let s = small_backup(&dir, 9, 10);
    let dev = &s.device_folders[0];
    fs::hard_link(dev.join("Manifest.db"), dir.join("Manifest-hardlink.db")).unwrap();
    let outside = root.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("huge"), vec![1u8; 1_000_000]).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("link-out")).unwrap();
    std::os::unix::fs::symlink(&dir, dev.join("loop")).unwrap();
    let out = relocator_tests::run(CLI, &["scan", dir.to_str().unwrap(), "--json"]);
    let v = relocator_tests::json(&out);
    assert_eq!(v["bytes"].as_u64(), Some(s.bytes));
    assert_eq!(v["files"].as_u64(), Some(s.files));
    assert_eq!(v["extra_hard_links"].as_u64(), Some(1));
    assert_eq!(v["links"].as_u64(), Some(2));
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn an_unreadable_folder_is_collected_and_the_scan_goes_on() {
    if !relocator_tests::can_drop_privileges() {
        eprintln!("skipped: acting as another user needs real root (not a user namespace)");
        return;
    }
    let root = scratch();
    let dir = root.path().join("Backup");
    let s = small_backup(&dir, 11, 10);
    relocator_tests::give_to_nobody(root.path());
    let locked = &s.device_folders[1];
    let locked_bytes: u64 = walkdir::WalkDir::new(locked)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .sum();
    fs::set_permissions(locked, fs::Permissions::from_mode(0o300)).unwrap();
    let out = run_as_nobody(CLI, &["scan", dir.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", relocator_tests::stderr(&out));
    let v = relocator_tests::json(&out);
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].as_str().unwrap().contains("permission denied"),
        "{errors:?}"
    );
    assert!(
        errors[0]
            .as_str()
            .unwrap()
            .contains(locked.file_name().unwrap().to_str().unwrap())
    );
    assert_eq!(v["bytes"].as_u64(), Some(s.bytes - locked_bytes));
    fs::set_permissions(locked, fs::Permissions::from_mode(0o755)).unwrap();
}

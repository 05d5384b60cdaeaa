//! The link trait's behaviour on real folders, through `platform_link()`:
//! symbolic links on macOS and Linux, junctions on Windows. These run
//! natively on each platform in the GitHub workflow.

use std::fs;
use std::io;
use std::path::Path;

use super::{platform_link, same_link_target};
use crate::error::Error;

/// Why this system cannot make folder links, if it cannot: Wine 8 has no
/// `FSCTL_SET_REPARSE_POINT`, so junctions fail there ("Request not
/// supported"). Found by trying, not by asking whether this is Wine.
pub(crate) fn links_unavailable() -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target");
    fs::create_dir(&target).unwrap();
    match platform_link().create(&dir.path().join("probe"), &target) {
        Ok(()) => None,
        Err(e) => Some(format!(
            "skipped: this system cannot make folder links ({e}); under Wine 8 junctions do not exist"
        )),
    }
}

/// Returns early from a test that needs real links, saying why.
macro_rules! needs_links {
    () => {
        if let Some(why) = links_unavailable() {
            eprintln!("{why}");
            return;
        }
    };
}

fn assert_points_to(found: Option<std::path::PathBuf>, expected: &Path) {
    let found = found.expect("a link");
    assert!(
        same_link_target(&found, expected),
        "{} != {}",
        found.display(),
        expected.display()
    );
}

#[test]
fn create_read_remove_leaves_the_target_whole() {
    needs_links!();
    let links = platform_link();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("drive").join("Backup");
    fs::create_dir_all(target.join("device")).unwrap();
    fs::write(target.join("device").join("Info.plist"), b"precious").unwrap();
    let link = dir.path().join("Backup");

    links.create(&link, &target).unwrap();
    assert_points_to(links.read(&link).unwrap(), &target);
    assert_eq!(
        fs::read(link.join("device").join("Info.plist")).unwrap(),
        b"precious"
    );

    links.remove(&link).unwrap();
    assert!(fs::symlink_metadata(&link).is_err(), "link is gone");
    assert_eq!(
        fs::read(target.join("device").join("Info.plist")).unwrap(),
        b"precious"
    );
}

#[test]
fn remove_refuses_a_real_folder_and_changes_nothing() {
    let links = platform_link();
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("Backup");
    fs::create_dir(&real).unwrap();
    fs::write(real.join("f"), b"x").unwrap();
    let err = links.remove(&real).unwrap_err();
    assert!(matches!(err, Error::NotOurLink { .. }), "{err}");
    assert_eq!(fs::read(real.join("f")).unwrap(), b"x");
}

#[test]
fn read_of_a_folder_or_nothing_is_none() {
    let links = platform_link();
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(links.read(dir.path()).unwrap(), None);
    assert_eq!(links.read(&dir.path().join("missing")).unwrap(), None);
}

#[test]
fn create_refuses_to_replace_anything() {
    let links = platform_link();
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("Backup");
    fs::create_dir(&existing).unwrap();
    fs::write(existing.join("f"), b"x").unwrap();
    let err = links.create(&existing, dir.path()).unwrap_err();
    assert_eq!(err.io_kind(), Some(io::ErrorKind::AlreadyExists), "{err}");
    assert!(fs::symlink_metadata(&existing).unwrap().is_dir());
    assert_eq!(fs::read(existing.join("f")).unwrap(), b"x");
}

#[test]
fn a_dangling_link_reads_and_removes() {
    needs_links!();
    let links = platform_link();
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("Backup");
    let gone = dir.path().join("unplugged").join("Backup");
    links.create(&link, &gone).unwrap();
    assert_points_to(links.read(&link).unwrap(), &gone);
    links.remove(&link).unwrap();
    assert!(fs::symlink_metadata(&link).is_err());
}

/// Windows' old 260-character limit (`MAX_PATH`) must not stop a link to a
/// deep folder or reading through it.
#[test]
fn a_target_longer_than_max_path_works() {
    needs_links!();
    let links = platform_link();
    let dir = tempfile::tempdir().unwrap();
    let mut target = dir.path().join("drive");
    while target.as_os_str().len() < 300 {
        target.push("a-folder-name-of-forty-characters-length");
    }
    fs::create_dir_all(&target).unwrap();
    fs::write(target.join("Manifest.db"), b"deep").unwrap();
    let link = dir.path().join("Backup");
    links.create(&link, &target).unwrap();
    assert_points_to(links.read(&link).unwrap(), &target);
    assert_eq!(fs::read(link.join("Manifest.db")).unwrap(), b"deep");
    links.remove(&link).unwrap();
    assert_eq!(fs::read(target.join("Manifest.db")).unwrap(), b"deep");
}

/// Issue 13, item 7: the junction crate makes the folder first and keeps it
/// when the reparse point cannot be set; the undo then saw "a new backup
/// folder". A target too long for a junction fails after the folder is made
/// (on Windows and under Wine alike): nothing may be left.
#[cfg(windows)]
#[test]
fn a_failed_junction_leaves_no_folder_behind() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("Backup");
    let mut target = dir.path().to_path_buf();
    while target.as_os_str().len() < 20_000 {
        target.push("a-long-folder-name-that-no-junction-can-hold");
    }
    let err = platform_link().create(&link, &target).unwrap_err();
    assert!(err.to_string().contains("Backup"), "{err}");
    assert!(
        fs::symlink_metadata(&link).is_err(),
        "a folder was left at {}",
        link.display()
    );
}

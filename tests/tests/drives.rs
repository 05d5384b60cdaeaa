//! Issue 13: the drives people own. For every format this OS can make
//! (Linux: ext4, NTFS, XFS, exFAT, Btrfs, FAT32, tmpfs; macOS: APFS, exFAT,
//! Mac OS Extended, FAT32; Windows: NTFS, exFAT, FAT32), backups whose
//! files carry nanosecond times, a read-only file, and (where the format
//! holds them) hard and symbolic links are moved there with full
//! verification, moved on to the next format, and moved back. Every file
//! must come back identical, with its time within the coarsest granularity
//! measured along the way. What a drive cannot hold is refused up front,
//! in plain words, before anything is copied.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use relocator::capabilities;
use relocator_tests::{
    Drive, DriveKind, digest, json, leftovers, run, scratch, small_backup, source_to, stderr,
};
use walkdir::WalkDir;

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

/// Every file's modification time, by path below `root` (through a link at `root`).
fn times(root: &Path) -> BTreeMap<PathBuf, SystemTime> {
    let root = fs::canonicalize(root).unwrap();
    WalkDir::new(&root)
        .min_depth(1)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.file_name() != relocator::names::MARKER_FILE)
        .map(|e| {
            let t = e.metadata().unwrap().modified().unwrap();
            (e.path().strip_prefix(&root).unwrap().to_owned(), t)
        })
        .collect()
}

/// Backups in `<root>/MobileSync/Backup` whose files carry nanosecond
/// times, one of them read-only; with hard and symbolic links if `links`.
fn nanosecond_backup(root: &Path, seed: u64, links: bool) -> PathBuf {
    let source = root.join("MobileSync").join("Backup");
    small_backup(&source, seed, 12);
    let device = fs::read_dir(&source)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let read_only = device.join("read-only.plist");
    fs::write(&read_only, b"keep me as I am").unwrap();
    let mut n = 0u32;
    for entry in WalkDir::new(&source).min_depth(1) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        n += 1;
        let when = UNIX_EPOCH + Duration::new(1_700_000_000 + u64::from(n) * 7, 123_456_789 + n);
        fs::File::options()
            .write(true)
            .open(entry.path())
            .unwrap()
            .set_times(fs::FileTimes::new().set_accessed(when).set_modified(when))
            .unwrap();
    }
    let mut permissions = fs::metadata(&read_only).unwrap().permissions();
    permissions.set_readonly(true);
    fs::set_permissions(&read_only, permissions).unwrap();
    if links {
        fs::hard_link(device.join("Info.plist"), device.join("Info-again.plist")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("Info.plist", device.join("info-link")).unwrap();
        // Windows' std gives no file identity, so hard links are not
        // counted there: a symbolic link is the link it sees (the workflow's
        // runners are administrators, who may make one).
        #[cfg(windows)]
        std::os::windows::fs::symlink_file("Info.plist", device.join("info-link"))
            .expect("a symbolic link (an administrator or Developer Mode may make one)");
    }
    source
}

/// The coarsest time granularity of the drives, measured.
fn coarsest(drives: &[&Drive]) -> Duration {
    drives
        .iter()
        .map(|d| {
            capabilities::probe(d.path())
                .unwrap()
                .time_granularity
                .expect("a drive that keeps times")
        })
        .max()
        .unwrap()
}

fn assert_times_within(before: &BTreeMap<PathBuf, SystemTime>, source: &Path, tolerance: Duration) {
    let after = times(source);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (path, t) in before {
        let kept = after[path];
        let diff = t
            .duration_since(kept)
            .or_else(|_| kept.duration_since(*t))
            .unwrap();
        assert!(
            diff <= tolerance,
            "{}: time moved by {diff:?} (tolerance {tolerance:?})",
            path.display()
        );
    }
}

fn cli_ok(args: &[std::ffi::OsString]) {
    let out = run(CLI, args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
}

/// Move to `kind`, move on to the next format of the matrix, move back.
fn round_trip(kind: DriveKind) {
    let matrix = DriveKind::matrix();
    let Some(i) = matrix.iter().position(|k| *k == kind) else {
        eprintln!("skipped: {} drives cannot be made on this OS", kind.name());
        return;
    };
    if relocator_tests::skipped_here(true) {
        return;
    }
    let next = matrix[(i + 1) % matrix.len()];
    let root = scratch();
    let links = kind.holds_links() && next.holds_links();
    let source = nanosecond_backup(root.path(), 40 + i as u64, links);
    let before = digest(&source);
    let before_times = times(&source);
    let first = Drive::of_kind(kind, 512 << 20);
    let second = Drive::of_kind(next, 512 << 20);

    cli_ok(&source_to(
        "move",
        &source,
        first.path(),
        &["--yes", "--verify", "full"],
    ));
    assert_eq!(
        digest(&source),
        before,
        "through the link on {}",
        kind.name()
    );
    assert_times_within(&before_times, &source, coarsest(&[&first]));

    cli_ok(&source_to(
        "retarget",
        &source,
        second.path(),
        &["--yes", "--verify", "full"],
    ));
    assert_eq!(
        digest(&source),
        before,
        "through the link on {}",
        next.name()
    );
    assert!(
        !first.path().join("Backup").exists(),
        "the old copy is deleted"
    );

    let mut revert = vec![
        "revert".into(),
        "--source".into(),
        source.clone().into_os_string(),
    ];
    revert.extend(["--yes".into(), "--verify".into(), "full".into()]);
    cli_ok(&revert);
    assert!(
        fs::symlink_metadata(&source).unwrap().is_dir(),
        "a real folder again"
    );
    assert_eq!(digest(&source), before);
    assert_times_within(&before_times, &source, coarsest(&[&first, &second]));
    assert!(!second.path().join("Backup").exists());
    let parent = source.parent().unwrap();
    assert!(leftovers(&[parent, first.path(), second.path()]).is_empty());
}

#[test]
fn ext4_round_trip() {
    round_trip(DriveKind::Ext4);
}

#[test]
fn ntfs_round_trip() {
    round_trip(DriveKind::Ntfs);
}

#[test]
fn xfs_round_trip() {
    round_trip(DriveKind::Xfs);
}

#[test]
fn exfat_round_trip() {
    round_trip(DriveKind::Exfat);
}

#[test]
fn btrfs_round_trip() {
    round_trip(DriveKind::Btrfs);
}

#[test]
fn fat32_round_trip() {
    round_trip(DriveKind::Fat32);
}

#[test]
fn tmpfs_round_trip() {
    round_trip(DriveKind::Tmpfs);
}

#[test]
fn apfs_round_trip() {
    round_trip(DriveKind::Apfs);
}

#[test]
fn hfsplus_round_trip() {
    round_trip(DriveKind::HfsPlus);
}

/// The names in a drive's root folder (but what the OS makes there by itself).
fn root_entries(drive: &Drive) -> Vec<std::ffi::OsString> {
    let mut names: Vec<_> = fs::read_dir(drive.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| !relocator_tests::made_by_the_os(n))
        .collect();
    names.sort();
    names
}

/// `check` refuses, with the problem's code and nothing written to the drive.
fn assert_refused(source: &Path, drive: &Drive, code: &str) {
    // (fusefat lists the volume label as an entry of the root.)
    let before = root_entries(drive);
    let out = run(CLI, &source_to("check", source, drive.path(), &["--json"]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let codes: Vec<&str> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&code), "{codes:?}");
    assert_eq!(root_entries(drive), before, "the check left something");
}

#[test]
fn links_are_refused_up_front_where_the_format_cannot_hold_them() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    for kind in [DriveKind::Exfat, DriveKind::Fat32] {
        if !DriveKind::matrix().contains(&kind) {
            continue;
        }
        let root = scratch();
        let source = nanosecond_backup(root.path(), 7, true);
        let drive = Drive::of_kind(kind, 128 << 20);
        assert_refused(&source, &drive, "cannot_hold_links");
    }
}

/// Issue 24: `a.txt` and `A.txt` in one folder passed `check`, then the
/// move failed on exFAT ("already exists"). Found up front on a drive that
/// does not tell them apart; a drive that does takes them.
#[test]
fn names_differing_only_by_case_are_refused_up_front_where_the_drive_ignores_case() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let root = scratch();
    let source = nanosecond_backup(root.path(), 9, false);
    let device = fs::read_dir(&source)
        .unwrap()
        .flatten()
        .find(|e| e.file_type().unwrap().is_dir())
        .unwrap()
        .path();
    let made_twins = fs::write(device.join("notes.txt"), b"one").is_ok()
        && fs::write(device.join("Notes.TXT"), b"two").is_ok()
        && fs::read_dir(&device).unwrap().count() >= 2
        && fs::read(device.join("notes.txt")).is_ok_and(|b| b == b"one");
    if !made_twins {
        eprintln!("skipped: this system's own drive does not tell such names apart");
        return;
    }
    relocator_tests::age_tree(&source);
    for kind in [DriveKind::Exfat, DriveKind::Fat32] {
        if !DriveKind::matrix().contains(&kind) {
            continue;
        }
        let drive = Drive::of_kind(kind, 128 << 20);
        assert_refused(&source, &drive, "case_only_names");
        let out = run(CLI, &source_to("check", &source, drive.path(), &[]));
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert!(
            said.contains("differ only by upper and lower case"),
            "{said}"
        );
        assert!(said.contains("Rename one"), "{said}");
    }
    let exact = Drive::of_kind(DriveKind::matrix()[0], 128 << 20);
    let out = run(CLI, &source_to("check", &source, exact.path(), &["--json"]));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("case_only_names"));
}

#[test]
fn a_file_of_4_gib_is_refused_up_front_on_fat32() {
    if !DriveKind::matrix().contains(&DriveKind::Fat32) {
        eprintln!("skipped: no FAT32 drive on this OS");
        return;
    }
    if relocator_tests::skipped_here(true) {
        return;
    }
    let root = scratch();
    let source = nanosecond_backup(root.path(), 8, false);
    let device = fs::read_dir(&source)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // Sparse: 4.1 GiB that takes no room (NTFS only once marked so).
    let video = device.join("long-video.mov");
    let file = fs::File::create(&video).unwrap();
    #[cfg(windows)]
    assert!(
        std::process::Command::new("fsutil")
            .args(["sparse", "setflag"])
            .arg(&video)
            .status()
            .unwrap()
            .success()
    );
    file.set_len(4_400_000_000).unwrap();
    let drive = Drive::of_kind(DriveKind::Fat32, 128 << 20);
    assert_refused(&source, &drive, "file_too_large_for_fat");
    let out = run(CLI, &source_to("check", &source, drive.path(), &[]));
    assert!(String::from_utf8_lossy(&out.stdout).contains("4 GB at most"));
}

/// Backups that live on a drive that cannot hold a link (their folder on
/// exFAT): the link that would take their place cannot be made, and the
/// check says so before anything is copied.
#[cfg(unix)]
#[test]
fn a_link_that_cannot_be_made_is_refused_up_front() {
    let Some(&kind) = DriveKind::matrix().iter().find(|k| **k == DriveKind::Exfat) else {
        return;
    };
    let home = Drive::of_kind(kind, 128 << 20);
    if relocator::capabilities::probe(home.path()).is_ok_and(|c| c.symlinks) {
        eprintln!(
            "skipped: this system makes symbolic links on {} (macOS keeps them as files there)",
            kind.name()
        );
        return;
    }
    let source = nanosecond_backup(home.path(), 9, false);
    let target = Drive::mount("256m", "");
    assert_refused(&source, &target, "cannot_make_link");
}

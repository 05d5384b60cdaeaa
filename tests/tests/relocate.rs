//! Move, revert, retarget and adopt over real trees on a second file
//! system, and every fault that must leave the backups whole: cancel, a
//! full drive, a drive unplugged mid-copy, a file changed during the copy,
//! an unreadable file, a late write into the set-aside original, and every
//! refusal. Trees are compared by content hash before and after.

// Unix only: the awkward backup carries symbolic links and permission bits.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::MetadataExt as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use relocator::relocate::{self, Options};
use relocator::verify::VerifyMode;
use relocator::{Cancel, Error, Progress, marker};
use relocator_tests::{
    Drive, QUIET, context, digest, leftovers, links, run, run_as_nobody, run_with_failpoint,
    scratch, small_backup, source_to, stderr,
};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

fn full() -> Options {
    Options {
        verify: VerifyMode::Full,
        keep_previous: false,
    }
}

/// A backup with the awkward things in it: hard links, symlinks (inside,
/// outside, dangling), NFC and NFD names, a deep path, a read-only file.
fn awkward_backup(dir: &Path) {
    let s = small_backup(dir, 41, 30);
    let dev = &s.device_folders[0];
    fs::hard_link(dev.join("Manifest.db"), dev.join("Manifest-copy.db")).unwrap();
    std::os::unix::fs::symlink("Manifest.db", dev.join("relative-link")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/target", dev.join("dangling-link")).unwrap();
    fs::write(dev.join("caf\u{e9}.txt"), b"NFC").unwrap();
    // APFS and HFS+ treat the two forms as one name: the NFD one in a
    // folder of its own, so both are kept everywhere.
    let nfd = dev.join("nfd");
    fs::create_dir(&nfd).unwrap();
    fs::write(nfd.join("cafe\u{301}.txt"), b"NFD").unwrap();
    let mut deep = dev.join("deep");
    for i in 0..40 {
        deep = deep.join(format!("level-{i:02}-\u{1F4F1}"));
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("bottom"), b"deep").unwrap();
    let ro = dev.join("read-only");
    fs::write(&ro, b"ro").unwrap();
    // Written now, but part of a finished backup (the finishing gate).
    relocator_tests::age_tree(dir);
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o400)).unwrap();
}

fn mode(p: &Path) -> u32 {
    fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
}

#[test]
fn move_revert_and_retarget_keep_every_byte() {
    let root = scratch();
    let source = root.path().join("MobileSync/Backup");
    awkward_backup(&source);
    let before = digest(&source);
    let private = source.join(
        fs::read_dir(&source)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .file_name(),
    );
    fs::set_permissions(&private, fs::Permissions::from_mode(0o700)).unwrap();
    let drive = Drive::mount("1g", "");
    let drive2 = Drive::mount("1g", "");
    let links = links();
    let cancel = Cancel::new();
    let ctx = context(links.as_ref(), &QUIET, &cancel);

    let moved = relocate::move_backups(&ctx, &source, drive.path(), full()).unwrap();
    let target = drive.path().join("Backup");
    assert_eq!(moved.backups_at, target);
    assert_eq!(fs::read_link(&source).unwrap(), target);
    assert_eq!(digest(&source), before, "through the link");
    assert_eq!(digest(&target), before);
    assert!(leftovers(&[source.parent().unwrap(), drive.path()]).is_empty());
    let m = marker::read(&target).unwrap();
    assert_eq!(m.moved_from, source);
    assert_eq!(
        mode(&target.join(private.file_name().unwrap())),
        0o700,
        "permissions kept"
    );
    // Hard links stay hard links.
    let dev = fs::read_dir(&target)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|d| d.join("Manifest-copy.db").exists())
        .unwrap();
    assert_eq!(
        fs::metadata(dev.join("Manifest.db")).unwrap().ino(),
        fs::metadata(dev.join("Manifest-copy.db")).unwrap().ino()
    );

    let retargeted = relocate::retarget(&ctx, &source, drive2.path(), full()).unwrap();
    let target2 = drive2.path().join("Backup");
    assert_eq!(retargeted.backups_at, target2);
    assert_eq!(fs::read_link(&source).unwrap(), target2);
    assert_eq!(digest(&source), before);
    assert!(!target.exists(), "the old copy is deleted");
    assert!(leftovers(&[source.parent().unwrap(), drive.path(), drive2.path()]).is_empty());

    let reverted = relocate::revert(&ctx, &source, full()).unwrap();
    assert_eq!(reverted.backups_at, source);
    assert!(
        fs::symlink_metadata(&source).unwrap().is_dir(),
        "a real folder again"
    );
    assert_eq!(digest(&source), before);
    assert!(!target2.exists(), "the drive copy is deleted");
    assert!(!source.join(relocator::names::MARKER_FILE).exists());
    assert!(leftovers(&[source.parent().unwrap(), drive2.path()]).is_empty());
}

#[test]
fn keep_previous_keeps_the_drive_copy_on_revert() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 42, 10);
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    let links = links();
    let cancel = Cancel::new();
    let ctx = context(links.as_ref(), &QUIET, &cancel);
    relocate::move_backups(&ctx, &source, drive.path(), Options::default()).unwrap();
    let keep = Options {
        verify: VerifyMode::Sizes,
        keep_previous: true,
    };
    let out = relocate::revert(&ctx, &source, keep).unwrap();
    assert_eq!(digest(&source), before);
    assert_eq!(digest(&drive.path().join("Backup")), before);
    assert!(out.notes[0].contains("kept"), "{:?}", out.notes);
}

#[test]
fn on_the_same_drive_a_rename_replaces_the_copy() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 43, 10);
    let before = digest(&source);
    let dest = root.path().join("elsewhere");
    let dest2 = root.path().join("third");
    fs::create_dir(&dest).unwrap();
    fs::create_dir(&dest2).unwrap();
    let links = links();
    let cancel = Cancel::new();
    let ctx = context(links.as_ref(), &QUIET, &cancel);
    relocate::move_backups(&ctx, &source, &dest, full()).unwrap();
    assert_eq!(fs::read_link(&source).unwrap(), dest.join("Backup"));
    assert_eq!(digest(&source), before);
    relocate::retarget(&ctx, &source, &dest2, full()).unwrap();
    assert_eq!(fs::read_link(&source).unwrap(), dest2.join("Backup"));
    assert!(!dest.join("Backup").exists());
    relocate::revert(&ctx, &source, full()).unwrap();
    assert!(fs::symlink_metadata(&source).unwrap().is_dir());
    assert_eq!(digest(&source), before);
    assert!(leftovers(&[root.path(), &dest, &dest2]).is_empty());
}

fn assert_untouched(
    source: &Path,
    before: &std::collections::BTreeMap<PathBuf, relocator_tests::Entry>,
    drive: &Path,
) {
    assert!(
        fs::symlink_metadata(source).unwrap().is_dir(),
        "still a real folder"
    );
    assert_eq!(&digest(source), before);
    assert!(
        leftovers(&[source.parent().unwrap(), drive]).is_empty(),
        "{:?}",
        leftovers(&[source.parent().unwrap(), drive])
    );
    assert!(!drive.join("Backup").exists());
}

#[test]
fn cancel_mid_copy_rolls_back() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 44, 40);
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    let links = links();
    let cancel = Cancel::new();
    let c2 = cancel.clone();
    let sink = move |p: Progress| {
        if let Progress::Copied { files, .. } = p
            && files >= 5
        {
            c2.cancel();
        }
    };
    let ctx = context(links.as_ref(), &sink, &cancel);
    let err = relocate::move_backups(&ctx, &source, drive.path(), full()).unwrap_err();
    match &err {
        Error::Interrupted { cause, safe_at } => {
            assert!(matches!(**cause, Error::Cancelled));
            assert_eq!(safe_at, &source);
        }
        other => panic!("{other}"),
    }
    assert_untouched(&source, &before, drive.path());
}

/// A copy whose content differs from what was written (a fault point flips
/// a byte of one file through another handle after it was flushed to the
/// drive, before it is read back from there): the full
/// verification catches it, and the move is undone.
#[test]
fn a_copy_damaged_after_writing_is_caught_and_the_move_undone() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 46, 20);
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    let out = run_with_failpoint(
        CLI,
        &source_to(
            "move",
            &source,
            drive.path(),
            &["--yes", "--verify", "full"],
        ),
        "copy-damage-after-flush=1*return",
    );
    assert_eq!(out.status.code(), Some(1));
    let msg = stderr(&out);
    assert!(
        msg.contains("its content read back from the drive differs from the original"),
        "{msg}"
    );
    assert_untouched(&source, &before, drive.path());
}

/// Issue 11: a drive that can make fewer files than the backups hold
/// (plenty of bytes, few inodes) is refused up front, in words.
#[test]
fn too_few_file_slots_are_refused_up_front() {
    if !cfg!(target_os = "linux") {
        eprintln!("skipped: a drive with few file slots needs tmpfs's nr_inodes (Linux)");
        return;
    }
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 45, 60);
    let before = digest(&source);
    let drive = Drive::mount("512m", "nr_inodes=80");
    let out = run(CLI, &source_to("move", &source, drive.path(), &["--yes"]));
    assert_eq!(out.status.code(), Some(1));
    let msg = stderr(&out);
    assert!(
        msg.contains("more files and folders") && msg.contains("Nothing was changed"),
        "{msg}"
    );
    assert_untouched(&source, &before, drive.path());
}

/// A drive that fills up during the copy (something else wrote to it after
/// the preflight): the copy fails with "the drive is full" and is undone.
#[test]
fn a_full_drive_fails_cleanly() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 45, 60);
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    let filler = drive.path().join("someone-elses-video.mov");
    let drive_filled = AtomicBool::new(false);
    let sink = |p: Progress| {
        if let Progress::Copied { files: 1.., .. } = p
            && !drive_filled.swap(true, Ordering::Relaxed)
        {
            let mut f = fs::File::create(&filler).unwrap();
            let chunk = vec![1u8; 1 << 20];
            while std::io::Write::write_all(&mut f, &chunk).is_ok() {}
        }
    };
    let links = links();
    let cancel = Cancel::new();
    let ctx = context(links.as_ref(), &sink, &cancel);
    let err = relocate::move_backups(&ctx, &source, drive.path(), full()).unwrap_err();
    assert!(drive_filled.load(Ordering::Relaxed));
    let msg = err.to_string();
    assert!(
        msg.contains("the drive is full") && msg.contains(&format!("safe in {}", source.display())),
        "{msg}"
    );
    fs::remove_file(&filler).unwrap();
    assert_untouched(&source, &before, drive.path());
}

/// Issue 24: a sparse file was copied fully allocated. Its holes stay
/// holes on the drive, its content the same.
#[test]
fn a_sparse_file_keeps_its_holes_on_the_drive() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 47, 5);
    let device = fs::read_dir(&source)
        .unwrap()
        .flatten()
        .find(|e| e.file_type().unwrap().is_dir())
        .unwrap()
        .path();
    let sparse = device.join("00").join("0000sparse");
    fs::create_dir_all(sparse.parent().unwrap()).unwrap();
    let file = fs::File::create(&sparse).unwrap();
    file.set_len(64 << 20).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&file, b"islands", 32 << 20).unwrap();
    drop(file);
    if fs::metadata(&sparse).unwrap().blocks() * 512 >= 32 << 20 {
        eprintln!("skipped: the temporary folder's file system keeps no holes");
        return;
    }
    relocator_tests::age_tree(&source);
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    let out = run(CLI, &source_to("move", &source, drive.path(), &["--yes"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(digest(&source), before);
    let copied = drive
        .path()
        .join("Backup")
        .join(sparse.strip_prefix(&source).unwrap());
    let allocated = fs::metadata(&copied).unwrap().blocks() * 512;
    assert!(
        allocated < 4 << 20,
        "{allocated} bytes allocated on the drive for 7 bytes of data in 64 MiB"
    );
}

#[test]
fn a_drive_unplugged_mid_copy_fails_cleanly() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 46, 40);
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    let links = links();
    let cancel = Cancel::new();
    let pulled = AtomicBool::new(false);
    let sink = |p: Progress| {
        if let Progress::Copied { files: 3.., .. } = p
            && !pulled.swap(true, Ordering::Relaxed)
        {
            drive.unplug();
        }
    };
    let ctx = context(links.as_ref(), &sink, &cancel);
    let err = relocate::move_backups(&ctx, &source, drive.path(), full()).unwrap_err();
    assert!(pulled.load(Ordering::Relaxed));
    assert!(
        matches!(err, Error::Interrupted { ref safe_at, .. } if *safe_at == source),
        "{err}"
    );
    // Issue 11: said as what happened, not "not found".
    assert!(err.to_string().contains("is no longer connected"), "{err}");
    assert_untouched(&source, &before, drive.path());
}

#[test]
fn a_file_changed_during_the_copy_is_caught() {
    let root = scratch();
    let source = root.path().join("Backup");
    let s = small_backup(&source, 47, 40);
    let drive = Drive::mount("256m", "");
    let links = links();
    let cancel = Cancel::new();
    let touched = std::sync::Mutex::new(None::<PathBuf>);
    let manifest = s.device_folders[0].join("Manifest.db");
    let sink = |p: Progress| {
        if let Progress::Copied {
            files: 2..,
            current,
            ..
        } = p
        {
            let mut t = touched.lock().unwrap();
            if t.is_none() {
                // iTunes appends to a file: the one being copied, or (when the
                // event is the copy's last, about the whole tree) one already copied.
                let victim = if current.is_file() {
                    current
                } else {
                    manifest.clone()
                };
                let mut f = fs::OpenOptions::new().append(true).open(&victim).unwrap();
                std::io::Write::write_all(&mut f, b"new backup data").unwrap();
                *t = Some(victim);
            }
        }
    };
    let ctx = context(links.as_ref(), &sink, &cancel);
    let err = relocate::move_backups(&ctx, &source, drive.path(), Options::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("changed while it was being copied"),
        "{err}"
    );
    let touched = touched.into_inner().unwrap().unwrap();
    assert!(
        fs::read(&touched).unwrap().ends_with(b"new backup data"),
        "the new data is kept"
    );
    let now = digest(&source);
    assert_untouched(&source, &now, drive.path());
}

#[test]
fn an_unreadable_file_stops_the_move_with_its_name() {
    if !relocator_tests::can_drop_privileges() {
        eprintln!("skipped: acting as another user needs real root (not a user namespace)");
        return;
    }
    let root = scratch();
    let source = root.path().join("Backup");
    let s = small_backup(&source, 48, 20);
    let drive = Drive::mount("256m", "");
    relocator_tests::give_to_nobody(root.path());
    relocator_tests::give_to_nobody(drive.path());
    let secret = s.device_folders[2].join("Manifest.db");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    let before = digest(&source);
    let out = run_as_nobody(CLI, &source_to("move", &source, drive.path(), &["--yes"]));
    assert_eq!(out.status.code(), Some(1));
    let msg = stderr(&out);
    assert!(msg.contains("Manifest.db: permission denied"), "{msg}");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o644)).unwrap();
    assert_untouched(&source, &before, drive.path());
}

#[test]
fn refusals_change_nothing_and_say_one_sentence() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 49, 10);
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    fs::create_dir(drive.path().join("Backup")).unwrap();
    fs::write(drive.path().join("Backup/theirs"), b"someone else's").unwrap();
    let inner = source.join(
        fs::read_dir(&source)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .file_name(),
    );
    for (to, expect) in [
        (
            drive.path().to_owned(),
            "There is already a folder named Backup",
        ),
        (inner.clone(), "is inside the backup folder"),
        (source.clone(), "is the backup folder itself"),
        (drive.path().join("missing"), "does not exist"),
    ] {
        let out = run(CLI, &source_to("move", &source, &to, &["--yes"]));
        assert_eq!(out.status.code(), Some(1), "{to:?}");
        let msg = stderr(&out);
        assert!(msg.contains(expect), "{msg}");
        assert!(msg.trim_end().ends_with("Nothing was changed."), "{msg}");
        assert_eq!(digest(&source), before);
        assert_eq!(
            fs::read(drive.path().join("Backup/theirs")).unwrap(),
            b"someone else's"
        );
        assert!(leftovers(&[root.path(), drive.path()]).is_empty());
    }
    // Reverting or retargeting a folder that was never moved.
    let out = run(
        CLI,
        &["revert", "--source", source.to_str().unwrap(), "--yes"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("was not moved by Backup Relocator"),
        "{}",
        stderr(&out)
    );
    // A dangling link at start: refused, nothing created.
    let dangling = root.path().join("Other");
    std::os::unix::fs::symlink(root.path().join("unplugged/Backup"), &dangling).unwrap();
    for args in [
        vec![
            "move",
            "--source",
            dangling.to_str().unwrap(),
            "--to",
            root.path().to_str().unwrap(),
            "--yes",
        ],
        vec!["revert", "--source", dangling.to_str().unwrap(), "--yes"],
    ] {
        let out = run(CLI, &args);
        assert_eq!(out.status.code(), Some(1));
        assert!(!root.path().join("unplugged").exists());
    }
    let out = run(
        CLI,
        &["revert", "--source", dangling.to_str().unwrap(), "--yes"],
    );
    assert!(
        stderr(&out).contains("connect the drive"),
        "{}",
        stderr(&out)
    );
    // Usage errors exit 2.
    assert_eq!(run(CLI, &["move", "--source", "x"]).status.code(), Some(2));
    assert_eq!(digest(&source), before);
}

#[test]
fn without_yes_it_asks_and_a_no_changes_nothing() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 50, 5);
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    let mut child = std::process::Command::new(CLI)
        .args([
            "move",
            "--source",
            source.to_str().unwrap(),
            "--to",
            drive.path().to_str().unwrap(),
        ])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"n\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let msg = stderr(&out);
    assert!(
        msg.contains("Copy ") && msg.contains("[y/N]") && msg.contains("Nothing was changed."),
        "{msg}"
    );
    assert_untouched(&source, &before, drive.path());
}

#[test]
fn adopt_relinks_after_a_reinstall() {
    let root = scratch();
    let source = root.path().join("MobileSync/Backup");
    small_backup(&source, 51, 10);
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    let links = links();
    let cancel = Cancel::new();
    let ctx = context(links.as_ref(), &QUIET, &cancel);
    relocate::move_backups(&ctx, &source, drive.path(), Options::default()).unwrap();
    // The reinstall: the whole MobileSync folder is gone.
    fs::remove_file(&source).unwrap();
    fs::remove_dir_all(source.parent().unwrap()).unwrap();
    let target = drive.path().join("Backup");
    let out = relocate::adopt(&ctx, &source, &target).unwrap();
    assert_eq!(out.backups_at, target);
    assert_eq!(digest(&source), before);
    // An empty folder made by iTunes meanwhile is fine too.
    fs::remove_file(&source).unwrap();
    fs::create_dir(&source).unwrap();
    relocate::adopt(&ctx, &source, &target).unwrap();
    assert_eq!(digest(&source), before);
    // Refusals: a folder we did not place, a source with backups in it.
    let foreign = root.path().join("foreign");
    fs::create_dir(&foreign).unwrap();
    let other = root.path().join("Other");
    assert!(matches!(
        relocate::adopt(&ctx, &other, &foreign),
        Err(Error::Refused(_))
    ));
    assert!(!other.exists());
    fs::remove_file(&source).unwrap();
    small_backup(&source, 52, 3);
    let local = digest(&source);
    assert!(matches!(
        relocate::adopt(&ctx, &source, &target),
        Err(Error::Refused(_))
    ));
    assert_eq!(digest(&source), local);
}

#[test]
fn a_late_write_into_the_set_aside_original_keeps_the_original() {
    // Crash right after the original was set aside, write into it (an open
    // handle of iTunes), then recover: the late write must not be lost.
    let root = scratch();
    let source = root.path().join("Backup");
    let s = small_backup(&source, 53, 10);
    let drive = Drive::mount("256m", "");
    let out = run_with_failpoint(
        CLI,
        &source_to("move", &source, drive.path(), &["--yes"]),
        "move-set-aside=return",
    );
    assert!(!out.status.success());
    let aside = fs::read_dir(root.path())
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().contains(".moving-"))
        .unwrap()
        .path();
    let late = aside
        .join(s.device_folders[0].file_name().unwrap())
        .join("Status.plist");
    fs::write(&late, b"written after the copy").unwrap();
    let expected = digest(&aside);
    let out = run(CLI, &["recover", "--source", source.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("undone"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(fs::symlink_metadata(&source).unwrap().is_dir());
    assert_eq!(digest(&source), expected);
    assert!(!drive.path().join("Backup").exists());
    assert!(leftovers(&[root.path(), drive.path()]).is_empty());
}

#[test]
fn a_backup_folder_appearing_at_the_destination_mid_move_is_left_alone() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 54, 10);
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    let intruder = drive.path().join("Backup");
    let links = links();
    let cancel = Cancel::new();
    let sink = |p: Progress| {
        if p == (Progress::Phase {
            phase: relocator::Phase::Verifying,
        }) {
            fs::create_dir(&intruder).unwrap();
            fs::write(intruder.join("someone else's"), b"keep").unwrap();
        }
    };
    let ctx = context(links.as_ref(), &sink, &cancel);
    let err = relocate::move_backups(&ctx, &source, drive.path(), full()).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    assert!(fs::symlink_metadata(&source).unwrap().is_dir());
    assert_eq!(digest(&source), before);
    assert_eq!(fs::read(intruder.join("someone else's")).unwrap(), b"keep");
    assert!(
        leftovers(&[root.path(), drive.path()]).is_empty(),
        "{:?}",
        leftovers(&[root.path(), drive.path()])
    );
}

//! Issue 11's rows of the fault matrix that need more than a kill at a
//! step: recovery killed at random moments (seeded, the seed printed); a
//! journal edited to name a folder that is not ours, in each of its path
//! fields; a damaged journal and the way forward from it; what a copy
//! cannot make (special files); extended attributes across move, move on
//! and move back; names that are not valid Unicode. Unix only: FIFOs,
//! sockets, `user.*` attributes and byte-string names.

#![cfg(unix)]

use std::fs;
use std::os::unix::ffi::OsStringExt as _;
use std::os::unix::fs::FileTypeExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use relocator::journal::{self, Journal};
use relocator_tests::{
    Drive, digest, json, leftovers, run, run_with_failpoint, scratch, small_backup, source_to,
    stderr, test_seed,
};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

fn ok(out: &std::process::Output, what: &str) {
    assert!(out.status.success(), "{what}: {}", stderr(out));
}

/// A move killed after about 1,000 copied files, then `recover` killed at
/// random moments while it undoes, again and again; a last `recover`
/// finishes. The same for a move back killed while freeing the drive.
#[test]
fn recovery_killed_at_random_moments_still_finishes() {
    let seed = test_seed("recovery_killed_at_random_moments_still_finishes");
    let mut rng = fastrand::Rng::with_seed(seed);
    for (op, failpoint, back_home) in [
        ("move", "copy-after-file=1000*off->return", true),
        ("revert", "deleting-after-file=300*off->return", true),
        ("retarget", "deleting-after-file=300*off->return", false),
    ] {
        let root = scratch();
        let source = root.path().join("MobileSync").join("Backup");
        small_backup(&source, 90, 700);
        let before = digest(&source);
        let first = Drive::mount("512m", "");
        let second = Drive::mount("512m", "");
        if op != "move" {
            ok(
                &run(CLI, &source_to("move", &source, first.path(), &["--yes"])),
                "move",
            );
        }
        let args = match op {
            "move" => source_to("move", &source, first.path(), &["--yes"]),
            "retarget" => source_to("retarget", &source, second.path(), &["--yes"]),
            _ => vec![
                "revert".into(),
                "--source".into(),
                source.clone().into(),
                "--yes".into(),
            ],
        };
        let crashed = run_with_failpoint(CLI, &args, failpoint);
        assert!(
            relocator_tests::was_killed(&crashed.status),
            "{op}: not killed: {}",
            stderr(&crashed)
        );
        let mut killed = 0;
        for _ in 0..12 {
            let mut child = Command::new(CLI)
                .args(["recover", "--source"])
                .arg(&source)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(rng.u64(1..20)));
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap();
                killed += 1;
            }
            child.wait().unwrap();
        }
        eprintln!("{op}: recovery killed {killed} times of 12");
        ok(
            &run(CLI, &["recover", "--source", source.to_str().unwrap()]),
            "last recover",
        );
        assert_eq!(digest(&source), before, "{op}");
        assert_eq!(
            fs::symlink_metadata(&source).unwrap().is_dir(),
            back_home,
            "{op}"
        );
        let parent = source.parent().unwrap();
        assert!(
            leftovers(&[parent, first.path(), second.path()]).is_empty(),
            "{op}"
        );
        let (home, other) = if op == "retarget" {
            (&second, &first)
        } else {
            (&first, &second)
        };
        assert!(
            !other.path().join("Backup").exists(),
            "{op}: a copy left behind"
        );
        assert_eq!(home.path().join("Backup").exists(), !back_home, "{op}");
    }
}

/// A folder that is not ours, with something precious in it.
fn foreign_folder(root: &Path, name: &str) -> PathBuf {
    let folder = root.join(name);
    fs::create_dir_all(folder.join("inside")).unwrap();
    fs::write(folder.join("inside").join("thesis.docx"), b"years of work").unwrap();
    folder
}

/// Each path field of a journal edited to name someone else's folder:
/// recovery refuses, names both places, deletes nothing, exits 1.
#[test]
fn a_journal_naming_a_foreign_folder_is_refused_and_the_folder_untouched() {
    for (op, field) in [
        ("move", "staging"),
        ("move", "aside"),
        ("move", "target"),
        ("move", "source"),
        ("revert", "staging"),
        ("revert", "previous"),
        ("retarget", "staging"),
        ("retarget", "previous"),
        ("retarget", "target"),
    ] {
        let root = scratch();
        let source = root.path().join("MobileSync").join("Backup");
        small_backup(&source, 91, 8);
        let first = Drive::mount("256m", "");
        let second = Drive::mount("256m", "");
        if op != "move" {
            ok(
                &run(CLI, &source_to("move", &source, first.path(), &["--yes"])),
                "move",
            );
        }
        let (args, point) = match op {
            "move" => (
                source_to("move", &source, first.path(), &["--yes"]),
                "move-cleaning=return",
            ),
            "retarget" => (
                source_to("retarget", &source, second.path(), &["--yes"]),
                "retarget-cleaned=return",
            ),
            _ => (
                vec![
                    "revert".into(),
                    "--source".into(),
                    source.clone().into(),
                    "--yes".into(),
                ],
                "revert-published=return",
            ),
        };
        let crashed = run_with_failpoint(CLI, &args, point);
        assert!(relocator_tests::was_killed(&crashed.status));
        let foreign = foreign_folder(root.path(), "Documents");
        let precious = digest(&foreign);
        let mut j: Journal = journal::load(&source).unwrap().unwrap();
        match field {
            "staging" => j.staging = foreign.clone(),
            "aside" => j.aside = Some(foreign.clone()),
            "target" => j.target = foreign.join("Backup"),
            "source" => j.source = foreign.clone(),
            _ => j.previous = Some(foreign.clone()),
        }
        // Written as a hand edit would: the journal file itself.
        fs::write(
            journal::path_for(&source),
            serde_json::to_vec_pretty(&j).unwrap(),
        )
        .unwrap();
        for _ in 0..2 {
            let out = run(CLI, &["recover", "--source", source.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(1), "{op} {field}");
            let msg = stderr(&out);
            assert!(
                msg.contains(&foreign.display().to_string()) && msg.contains("Nothing was changed"),
                "{op} {field}: {msg}"
            );
            // Issue 19, item 8: and it names the way forward.
            assert!(
                msg.contains("set-aside-record --source") && msg.contains("status --source"),
                "{op} {field}: {msg}"
            );
        }
        assert_eq!(
            digest(&foreign),
            precious,
            "{op} {field}: the foreign folder was touched"
        );
    }
}

/// A damaged journal: status says where the backups are; the record is set
/// aside only once they are whole at the backup folder's place.
#[test]
fn a_damaged_record_has_a_safe_way_forward() {
    let root = scratch();
    let source = root.path().join("MobileSync").join("Backup");
    small_backup(&source, 92, 6);
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    ok(
        &run(CLI, &source_to("move", &source, drive.path(), &["--yes"])),
        "move",
    );
    fs::write(journal::path_for(&source), b"{\"format\": 1, \"operation\"").unwrap();
    let src = source.to_str().unwrap();
    let status = run(CLI, &["status", "--source", src, "--json"]);
    let v = json(&status);
    assert_eq!(v["locations"][0]["state"], "damaged_record");
    let found: Vec<String> = v["locations"][0]["found"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        found.contains(&drive.path().join("Backup").display().to_string()),
        "the marked copy on the drive is found: {found:?}"
    );
    // Whole at the source (a link to the complete, marked copy): set aside.
    let out = run(CLI, &["set-aside-record", "--source", src]);
    ok(&out, "set-aside-record");
    assert!(!journal::path_for(&source).exists());
    let kept = fs::read_dir(source.parent().unwrap())
        .unwrap()
        .flatten()
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .contains(".journal.damaged-")
        });
    assert!(kept, "the damaged record is kept aside, not deleted");
    assert_eq!(digest(&source), before);
    // Not whole there (the drive is gone): refused, with where to look.
    fs::write(journal::path_for(&source), b"garbage").unwrap();
    drop(drive);
    let out = run(CLI, &["set-aside-record", "--source", src]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the record was kept"),
        "{}",
        stderr(&out)
    );
    assert!(journal::path_for(&source).exists());
    // A record that can be used is recovered, not set aside.
    let out = run(CLI, &["recover", "--source", src]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a damaged record cannot be recovered"
    );
}

/// A damaged record, a new backup folder made after the crash, and the
/// original set aside beside it: neither is hidden by setting the record aside.
#[test]
fn a_damaged_record_is_kept_while_an_original_is_set_aside_beside_a_new_folder() {
    let root = scratch();
    let source = root.path().join("MobileSync").join("Backup");
    small_backup(&source, 93, 6);
    let aside = root
        .path()
        .join("MobileSync")
        .join("Backup.moving-abcdefabcdef");
    fs::rename(&source, &aside).unwrap();
    small_backup(&source, 94, 2); // Apple's app made a new one
    fs::write(journal::path_for(&source), b"garbage").unwrap();
    let src = source.to_str().unwrap();
    let out = run(CLI, &["set-aside-record", "--source", src]);
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    assert!(
        said.contains("set aside by an interrupted move")
            && said.contains("Backup.moving-abcdefabcdef"),
        "{said}"
    );
    assert!(journal::path_for(&source).exists(), "the record was kept");
    assert!(aside.is_dir() && source.is_dir(), "both folders untouched");
}

/// A FIFO and a socket inside the backups: the check lists them and
/// refuses; the move changes nothing; nothing is ever dropped silently.
#[test]
fn entries_a_copy_cannot_make_are_refused_by_name() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 93, 6);
    let device = fs::read_dir(&source)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let fifo = device.join("a-pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let socket = device.join("a-socket");
    // Bound at a short path, then moved in place: a socket's path holds
    // 104 bytes on macOS, less than this one; renamed, it stays a socket.
    let short = root.path().join("s");
    let _listener = std::os::unix::net::UnixListener::bind(&short).unwrap();
    fs::rename(&short, &socket).unwrap();
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    let out = run(CLI, &source_to("check", &source, drive.path(), &["--json"]));
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let special = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "special_files")
        .expect("special files named");
    assert_eq!(special["count"], 2);
    let message = special["message"].as_str().unwrap();
    assert!(
        message.contains("a-pipe") && message.contains("a-socket"),
        "{message}"
    );
    let out = run(CLI, &source_to("move", &source, drive.path(), &["--yes"]));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(digest(&source), before);
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(
        fs::read_dir(drive.path())
            .unwrap()
            .flatten()
            .all(|e| relocator_tests::made_by_the_os(&e.file_name())),
        "nothing written to the drive"
    );
}

/// Every carried-over extended attribute of every entry below `root`.
fn attributes(root: &Path) -> Vec<(PathBuf, relocator::xattrs::Attributes)> {
    let root = fs::canonicalize(root).unwrap();
    walkdir::WalkDir::new(&root)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_name() != relocator::names::MARKER_FILE)
        .map(|e| {
            let attrs = relocator::xattrs::read(e.path()).unwrap();
            (e.path().strip_prefix(&root).unwrap().to_owned(), attrs)
        })
        .filter(|(_, a)| !a.is_empty())
        .collect()
}

/// `user.*` attributes on files and folders survive a move, a move on and
/// a move back, and are compared by the verification; a drive that cannot
/// hold them is a warning in the check.
#[test]
fn extended_attributes_go_everywhere_the_backups_go() {
    use relocator_tests::DriveKind;
    let root = scratch();
    let source = root.path().join("MobileSync").join("Backup");
    small_backup(&source, 94, 6);
    let device = fs::read_dir(&source)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let set = |p: &Path, name: &str, value: &[u8]| {
        relocator::xattrs::write(p, &vec![(name.into(), value.to_vec())]).unwrap();
    };
    set(
        &device.join("Info.plist"),
        "user.com.apple.lastuseddate",
        b"\x01\x02\x03",
    );
    set(&device, "user.tag", b"folder tag");
    set(&device.join("Manifest.db"), "user.backup-note", b"kept");
    let before = attributes(&source);
    assert_eq!(before.len(), 3, "{before:?}");
    // Two formats that keep attributes natively, as this OS makes them.
    let (a, b) = if cfg!(target_vendor = "apple") {
        (DriveKind::Apfs, DriveKind::HfsPlus)
    } else {
        (DriveKind::Ext4, DriveKind::Xfs)
    };
    let first = Drive::of_kind(a, 256 << 20);
    let second = Drive::of_kind(b, 320 << 20);
    let src = source.to_str().unwrap();
    ok(
        &run(CLI, &source_to("move", &source, first.path(), &["--yes"])),
        "move",
    );
    assert_eq!(attributes(&source), before, "after the move");
    ok(
        &run(
            CLI,
            &source_to("retarget", &source, second.path(), &["--yes"]),
        ),
        "retarget",
    );
    assert_eq!(attributes(&source), before, "after the move on");
    ok(&run(CLI, &["revert", "--source", src, "--yes"]), "revert");
    assert_eq!(attributes(&source), before, "after the move back");
    let exfat = Drive::of_kind(DriveKind::Exfat, 128 << 20);
    let out = run(CLI, &source_to("check", &source, exfat.path(), &["--json"]));
    let v = json(&out);
    let warned = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["code"] == "attributes_not_kept" && p["severity"] == "warning");
    assert!(warned, "{v}");
}

/// Names that are not valid Unicode, in the backup folder's path, the
/// destination's and inside the tree: nothing panics, every file arrives
/// and comes back, and `status --json` stays readable.
#[test]
fn names_that_are_not_unicode_move_and_come_back() {
    let root = scratch();
    let odd = |bytes: &[u8]| PathBuf::from(std::ffi::OsString::from_vec(bytes.to_vec()));
    // APFS and HFS+ take UTF-8 names only (EILSEQ): nothing to test there.
    let probe = root.path().join(odd(b"probe\xff"));
    if let Err(e) = fs::create_dir(&probe) {
        eprintln!("skipped: this file system takes only UTF-8 names ({e})");
        return;
    }
    fs::remove_dir(&probe).unwrap();
    let source = root.path().join(odd(b"Mobile\xffSync")).join("Backup");
    small_backup(&source, 95, 6);
    let device = fs::read_dir(&source)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    fs::write(device.join(odd(b"caf\xe9.jpg")), b"latin-1 name").unwrap();
    relocator_tests::age(&device.join(odd(b"caf\xe9.jpg")));
    let before = digest(&source);
    let drive = Drive::mount("256m", "");
    let destination = drive.path().join(odd(b"dest\xfe"));
    fs::create_dir(&destination).unwrap();
    let check = run(CLI, &source_to("check", &source, &destination, &["--json"]));
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    json(&check);
    let moved = run(CLI, &source_to("move", &source, &destination, &["--yes"]));
    ok(&moved, "move");
    assert_eq!(digest(&source), before);
    let status = run(
        CLI,
        &[
            "status".into(),
            "--source".into(),
            source.clone().into_os_string(),
            "--json".into(),
        ],
    );
    ok(&status, "status");
    assert_eq!(json(&status)["locations"][0]["state"], "relocated");
    let text = run(
        CLI,
        &[
            "status".into(),
            "--source".into(),
            source.clone().into_os_string(),
        ],
    );
    ok(&text, "status in words");
    // Interrupted and recovered, with the odd names in the journal.
    let crashed = run_with_failpoint(
        CLI,
        &[
            "revert".into(),
            "--source".into(),
            source.clone().into_os_string(),
            "--yes".into(),
        ],
        "revert-published=return",
    );
    assert!(relocator_tests::was_killed(&crashed.status));
    ok(
        &run(
            CLI,
            &[
                "recover".into(),
                "--source".into(),
                source.clone().into_os_string(),
            ],
        ),
        "recover",
    );
    assert!(fs::symlink_metadata(&source).unwrap().is_dir());
    assert_eq!(digest(&source), before);
}

//! Issue 12: looking after the backups once they are moved. A backup still
//! being written is never moved (the finishing gate); the health check
//! names every kind of damage; a drive that comes back under another name
//! is linked again (only if it is the same volume and its copy carries our
//! marker); devices not backed up lately are marked. Linux: the drives are
//! loop-mounted file systems with their own UUIDs.

#![cfg(target_os = "linux")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use relocator_tests::{Drive, digest, json, run, scratch, small_backup, source_to, stderr};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

fn devices(source: &Path) -> Vec<PathBuf> {
    let mut d: Vec<PathBuf> = fs::read_dir(source)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    d.sort();
    d
}

fn set_time(path: &Path, ago: Duration) {
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(SystemTime::now() - ago)
        .unwrap();
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_backup_being_finished_is_not_moved_until_it_is_quiet() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 130, 8);
    let drive = Drive::mount("256m", "");
    let device = devices(&source)[0].clone();
    // Apple empties Info.plist after "finished" and rewrites it later.
    let info = device.join("Info.plist");
    let kept = fs::read(&info).unwrap();
    fs::write(&info, b"").unwrap();
    let out = run(CLI, &source_to("check", &source, drive.path(), &["--json"]));
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert!(
        codes(&v).contains(&"backup_still_written".to_owned()),
        "{v}"
    );
    let text =
        String::from_utf8_lossy(&run(CLI, &source_to("check", &source, drive.path(), &[])).stdout)
            .into_owned();
    assert!(
        text.contains("its Info.plist is empty") && text.contains("try again after"),
        "{text}"
    );
    // Rewritten a minute ago: still within the quiet period.
    fs::write(&info, &kept).unwrap();
    set_time(&info, Duration::from_mins(1));
    let out = run(CLI, &source_to("move", &source, drive.path(), &["--yes"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("finished 1 minute ago"),
        "{}",
        stderr(&out)
    );
    assert!(
        fs::symlink_metadata(&source).unwrap().is_dir(),
        "nothing was moved"
    );
    // Past the quiet period (here: a quiet period of none), it moves.
    let out = run(
        CLI,
        &source_to(
            "move",
            &source,
            drive.path(),
            &["--yes", "--quiet-minutes", "0"],
        ),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// The health check, as JSON: each device's findings by kind.
fn health(source: &Path) -> (Option<i32>, serde_json::Value) {
    let out = run(
        CLI,
        &[
            "health",
            "--source",
            source.to_str().unwrap(),
            "--json",
            "--quiet-minutes",
            "0",
        ],
    );
    (out.status.code(), json(&out))
}

fn findings_of(v: &serde_json::Value, name: &str) -> Vec<String> {
    v["locations"][0]["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {v}"))["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["finding"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_health_check_names_every_kind_of_damage() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 131, 40);
    let (code, v) = health(&source);
    assert_eq!(code, Some(0), "{v}");
    // Grandpa's iPhone is encrypted: checked as far as it can be, and said so.
    assert_eq!(findings_of(&v, "Grandpa's iPhone"), ["encrypted"]);
    assert!(findings_of(&v, "Ana's iPhone").is_empty());

    let names: Vec<(PathBuf, String)> = v["locations"][0]["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                PathBuf::from(d["folder"].as_str().unwrap()),
                d["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let folder = |name: &str| names.iter().find(|(_, n)| n == name).unwrap().0.clone();
    let ana = folder("Ana's iPhone");
    let ipad = folder("Family iPad");
    let hashed: Vec<PathBuf> = walkdir::WalkDir::new(&ana)
        .min_depth(2)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file())
        .collect();
    // A listed file deleted, another truncated, one not listed added.
    fs::remove_file(&hashed[0]).unwrap();
    fs::write(&hashed[1], b"short").unwrap();
    let stray = hashed[2].with_file_name("00112233445566778899aabbccddeeff00112233");
    fs::write(&stray, b"x").unwrap();
    // The iPad: Status.plist emptied, Info.plist garbled, hours ago.
    fs::write(ipad.join("Status.plist"), b"").unwrap();
    fs::write(ipad.join("Info.plist"), b"<?xml not a plist").unwrap();
    for f in ["Status.plist", "Info.plist"] {
        set_time(&ipad.join(f), Duration::from_hours(3));
    }
    for p in [&hashed[1], &stray] {
        set_time(p, Duration::from_hours(3));
    }
    let (code, v) = health(&source);
    assert_eq!(code, Some(1), "{v}");
    let ana_found = findings_of(&v, "Ana's iPhone");
    for kind in ["files_missing", "sizes_differ", "unlisted_files"] {
        assert!(
            ana_found.contains(&kind.to_owned()),
            "{kind}: {ana_found:?}"
        );
    }
    // (Info.plist unreadable: the device is named by its folder now.)
    let ipad_name = ipad.file_name().unwrap().to_str().unwrap().to_owned();
    let ipad_found = findings_of(&v, &ipad_name);
    assert!(
        ipad_found.contains(&"plist_empty".to_owned()),
        "{ipad_found:?}"
    );
    assert!(
        ipad_found.contains(&"plist_unreadable".to_owned()),
        "{ipad_found:?}"
    );

    // The database itself: damaged in the middle, then not a database, then gone.
    let db = ana.join("Manifest.db");
    let mut bytes = fs::read(&db).unwrap();
    for b in &mut bytes[4096..8192] {
        *b = 0xA5;
    }
    fs::write(&db, &bytes).unwrap();
    set_time(&db, Duration::from_hours(3));
    let (_, v) = health(&source);
    assert!(
        findings_of(&v, "Ana's iPhone").contains(&"manifest_damaged".to_owned()),
        "{v}"
    );
    fs::write(&db, vec![7u8; 8192]).unwrap();
    set_time(&db, Duration::from_hours(3));
    let (_, v) = health(&source);
    assert_eq!(findings_of(&v, "Ana's iPhone"), ["manifest_not_a_database"]);
    fs::remove_file(&db).unwrap();
    let (_, v) = health(&source);
    assert_eq!(findings_of(&v, "Ana's iPhone"), ["manifest_missing"]);
    let text = String::from_utf8_lossy(
        &run(
            CLI,
            &[
                "health",
                "--source",
                source.to_str().unwrap(),
                "--quiet-minutes",
                "0",
            ],
        )
        .stdout,
    )
    .into_owned();
    assert!(
        text.contains("Manifest.db, the list of the backup's files, is missing"),
        "{text}"
    );
}

/// An ext4 image of its own (its own UUID), mounted and unmounted by hand.
struct Image {
    _dir: tempfile::TempDir,
    file: PathBuf,
}

impl Image {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("drive.img");
        fs::File::create(&file).unwrap().set_len(128 << 20).unwrap();
        assert!(
            Command::new("mkfs.ext4")
                .args(["-q", "-F"])
                .arg(&file)
                .status()
                .unwrap()
                .success()
        );
        Self { _dir: dir, file }
    }

    fn mount_at(&self, place: &Path) {
        fs::create_dir_all(place).unwrap();
        let ok = Command::new("mount")
            .args(["-o", "loop"])
            .arg(&self.file)
            .arg(place)
            .status();
        assert!(ok.unwrap().success());
    }
}

fn unmount(place: &Path) {
    assert!(
        Command::new("umount")
            .arg(place)
            .status()
            .unwrap()
            .success()
    );
}

#[test]
fn a_drive_back_under_another_name_is_linked_again_if_it_is_ours() {
    let root = scratch();
    let source = root.path().join("MobileSync").join("Backup");
    small_backup(&source, 132, 10);
    let before = digest(&source);
    let src = source.to_str().unwrap();
    let places = tempfile::tempdir().unwrap();
    let (first, second, other) = (
        places.path().join("Drive"),
        places.path().join("Drive 1"),
        places.path().join("Impostor"),
    );
    let drive = Image::new();
    let impostor = Image::new();
    drive.mount_at(&first);
    assert!(
        run(CLI, &source_to("move", &source, &first, &["--yes"]))
            .status
            .success()
    );
    // Unplugged, then back under another name.
    unmount(&first);
    let out = run(CLI, &["status", "--source", src, "--json"]);
    let v = json(&out);
    assert_eq!(v["locations"][0]["state"], "dangling");
    assert!(
        v["locations"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Backups will fail until"),
        "{v}"
    );
    drive.mount_at(&second);
    // Another volume holding a copy of the same place, marker and all: not ours.
    impostor.mount_at(&other);
    assert!(
        Command::new("cp")
            .arg("-a")
            .arg(second.join("Backup"))
            .arg(&other)
            .status()
            .unwrap()
            .success()
    );
    let v = json(&run(CLI, &["status", "--source", src, "--json"]));
    let candidates: Vec<String> = v["locations"][0]["relink_candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        candidates,
        [second.join("Backup").display().to_string()],
        "{v}"
    );
    let refused = run(
        CLI,
        &[
            "relink",
            "--source",
            src,
            "--to",
            other.join("Backup").to_str().unwrap(),
            "--yes",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("not a backup folder placed by Backup Relocator"),
        "{}",
        stderr(&refused)
    );
    let out = run(CLI, &["relink", "--source", src, "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_link(&source).unwrap(), second.join("Backup"));
    assert_eq!(digest(&source), before);
    assert_eq!(
        json(&run(CLI, &["status", "--source", src, "--json"]))["locations"][0]["state"],
        "relocated"
    );
    unmount(&second);
    unmount(&other);
}

#[test]
fn devices_not_backed_up_lately_are_marked() {
    let root = scratch();
    let source = root.path().join("Backup");
    // The sample's devices were backed up 1, 2 and 3 days ago.
    small_backup(&source, 133, 5);
    let v = json(&run(
        CLI,
        &[
            "status",
            "--source",
            source.to_str().unwrap(),
            "--json",
            "--stale-days",
            "2",
        ],
    ));
    let devices = v["locations"][0]["devices"].as_array().unwrap();
    let mut days: Vec<(u64, bool)> = devices
        .iter()
        .map(|d| {
            (
                d["days_since_backup"].as_u64().unwrap(),
                d["stale"].as_bool().unwrap(),
            )
        })
        .collect();
    days.sort_unstable();
    assert_eq!(days, [(1, false), (2, true), (3, true)], "{v}");
}

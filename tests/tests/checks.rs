//! Every preflight check firing and not firing, over real folders and real
//! file systems, through the CLI's `check --json` (exit 1 when blocked).

// Linux only: these checks use tmpfs mount options (size, `ro`) and
// drop privileges with setpriv.
#![cfg(target_os = "linux")]

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use relocator_tests::{Drive, json, run, run_as_nobody, scratch, small_backup, source_to, stderr};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

fn check(source: &Path, to: &Path) -> (i32, Vec<String>, serde_json::Value) {
    let out = run(CLI, &source_to("check", source, to, &["--json"]));
    let v = json(&out);
    let codes = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect();
    (out.status.code().unwrap(), codes, v)
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf, Drive) {
    let root = scratch();
    let source = root.path().join("MobileSync/Backup");
    small_backup(&source, 21, 20);
    (root, source, Drive::mount("512m", ""))
}

#[test]
fn a_good_destination_on_another_drive_passes() {
    let (_root, source, drive) = setup();
    let (code, codes, v) = check(&source, drive.path());
    assert_eq!((code, codes), (0, Vec::<String>::new()));
    assert!(v["free_bytes"].as_u64().unwrap() > 500_000_000);
    assert_eq!(v["same_volume"], false);
}

#[test]
fn destination_problems_fire() {
    let (root, source, drive) = setup();
    assert_eq!(
        check(&source, &drive.path().join("nope")).1,
        ["destination_missing"]
    );
    fs::write(drive.path().join("file"), b"x").unwrap();
    assert_eq!(
        check(&source, &drive.path().join("file")).1,
        ["destination_not_a_folder"]
    );
    fs::create_dir(drive.path().join("Backup")).unwrap();
    let (code, codes, _) = check(&source, drive.path());
    assert_eq!((code, codes), (1, vec!["backup_already_there".to_owned()]));

    // Same folder, inside, around: compared on disk, not as strings.
    let (code, codes, _) = check(&source, &source.join("../Backup/."));
    assert_eq!(code, 1);
    assert!(codes.contains(&"same_folder".to_owned()), "{codes:?}");
    let inner = source.join(
        fs::read_dir(&source)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .file_name(),
    );
    assert!(
        check(&source, &inner)
            .1
            .contains(&"destination_inside_source".to_owned())
    );
    let around = check(&source, root.path()).1;
    assert!(
        around.contains(&"source_inside_destination".to_owned()),
        "{around:?}"
    );
    // A path through a link to the source is still the source.
    let alias = root.path().join("alias");
    std::os::unix::fs::symlink(&source, &alias).unwrap();
    assert!(check(&source, &alias).1.contains(&"same_folder".to_owned()));
    // The same drive: a warning, not a block.
    let elsewhere = root.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    let (code, codes, _) = check(&source, &elsewhere);
    assert_eq!((code, codes), (0, vec!["same_drive".to_owned()]));
}

#[test]
fn not_enough_space_says_both_numbers() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 22, 20);
    let tiny = Drive::mount("8m", "");
    let (code, codes, v) = check(&source, tiny.path());
    assert_eq!((code, codes), (1, vec!["not_enough_space".to_owned()]));
    let msg = v["problems"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("100 MB must stay free beside them")
            && msg.contains("100 MB in all")
            && msg.contains("8.4 MB is free"),
        "{msg}"
    );
}

#[test]
fn a_read_only_drive_is_refused() {
    let (_root, source, _drive) = setup();
    let ro = Drive::mount("64m", "ro");
    let (code, codes, _) = check(&source, ro.path());
    assert_eq!(code, 1);
    assert!(
        codes.contains(&"read_only_destination".to_owned()),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"destination_not_writable".to_owned()),
        "{codes:?}"
    );
}

#[test]
fn an_unwritable_destination_is_refused() {
    if !relocator_tests::can_drop_privileges() {
        eprintln!("skipped: acting as another user needs real root (not a user namespace)");
        return;
    }
    let (root, source, drive) = setup();
    relocator_tests::give_to_nobody(root.path());
    let out = run_as_nobody(CLI, &source_to("check", &source, drive.path(), &["--json"]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["problems"][0]["code"], "destination_not_writable");
    assert!(
        v["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("permission denied")
    );
}

#[test]
fn an_unreadable_source_is_refused_with_its_path() {
    if !relocator_tests::can_drop_privileges() {
        eprintln!("skipped: acting as another user needs real root (not a user namespace)");
        return;
    }
    let (root, source, drive) = setup();
    relocator_tests::give_to_nobody(root.path());
    relocator_tests::give_to_nobody(drive.path());
    fs::set_permissions(&source, fs::Permissions::from_mode(0o000)).unwrap();
    let out = run_as_nobody(CLI, &source_to("check", &source, drive.path(), &["--json"]));
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["problems"][0]["code"], "source_unreadable");
    assert_eq!(v["problems"][0]["full_disk_access"], false);
    fs::set_permissions(&source, fs::Permissions::from_mode(0o755)).unwrap();

    // One unreadable device folder inside: blocking, naming it.
    let inner = fs::read_dir(&source)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    fs::set_permissions(&inner, fs::Permissions::from_mode(0o000)).unwrap();
    let out = run_as_nobody(CLI, &source_to("check", &source, drive.path(), &["--json"]));
    let v = json(&out);
    assert_eq!(v["problems"][0]["code"], "unreadable_items");
    assert!(
        v["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains(inner.file_name().unwrap().to_str().unwrap())
    );
    fs::set_permissions(&inner, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn source_problems_fire() {
    let root = scratch();
    let drive = Drive::mount("512m", "");
    let missing = root.path().join("Backup");
    assert_eq!(check(&missing, drive.path()).1, ["source_missing"]);
    // Already a link.
    let real = root.path().join("real");
    small_backup(&real, 23, 5);
    std::os::unix::fs::symlink(&real, &missing).unwrap();
    assert_eq!(check(&missing, drive.path()).1, ["source_is_link"]);
    // A dangling link at start.
    fs::remove_file(&missing).unwrap();
    std::os::unix::fs::symlink(root.path().join("unplugged"), &missing).unwrap();
    assert_eq!(check(&missing, drive.path()).1, ["source_is_link"]);
    fs::remove_file(&missing).unwrap();

    // A backup in progress.
    let mut spec = relocator::sample::SampleSpec::demo(24);
    spec.files_per_device = 5;
    spec.bytes_per_device = 50_000;
    spec.devices[1].in_progress = true;
    relocator::sample::generate(&missing, &spec).unwrap();
    let (code, codes, v) = check(&missing, drive.path());
    assert_eq!((code, codes), (1, vec!["backup_in_progress".to_owned()]));
    assert!(
        v["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Family iPad")
    );
}

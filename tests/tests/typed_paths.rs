//! Paths as people type them (issue 24): a shell's completion adds a
//! trailing slash, people write `.` and `..`. Each must mean the same
//! backup folder as without, and never follow the backup folder's own
//! link (`…/Backup/` names the link's target).

use std::fs;
use std::path::Path;

use relocator_tests::{Drive, digest, json, run, scratch, small_backup, stderr};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

/// `path` as typed with a trailing separator.
fn with_slash(path: &Path) -> String {
    format!("{}{}", path.display(), std::path::MAIN_SEPARATOR)
}

#[test]
fn a_trailing_slash_dot_or_dot_dot_means_the_same_backup_folder() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let drive = Drive::mount("128m", "");
    let root = scratch();
    let source = root.path().join("MobileSync/Backup");
    small_backup(&source, 71, 10);
    let before = digest(&source);
    let to = drive.path().join("Moved");
    fs::create_dir(&to).unwrap();
    // A move of `…/Backup/` moves the folder and links it.
    let out = run(
        CLI,
        &[
            "move",
            "--source",
            &with_slash(&source),
            "--to",
            &with_slash(&to),
            "--yes",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        fs::symlink_metadata(&source)
            .unwrap()
            .file_type()
            .is_symlink()
            || cfg!(windows)
    );
    // Its status, typed every way, is the moved folder's, not its target's.
    let dotted = source.join("..").join("Backup").join(".");
    for typed in [with_slash(&source), dotted.display().to_string()] {
        let out = run(CLI, &["status", "--source", &typed, "--json"]);
        let looked = &json(&out)["locations"][0];
        assert_eq!(looked["state"], "relocated", "{typed}: {looked}");
        assert_eq!(looked["source"], source.to_str().unwrap(), "{typed}");
    }
    // A second move of `…/Backup/` is refused as one of moved backups.
    let out = run(
        CLI,
        &[
            "check",
            "--source",
            &with_slash(&source),
            "--to",
            &with_slash(&to),
        ],
    );
    assert!(!out.status.success());
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(said.contains("already a link"), "{said}");
    // And back, typed with the slash.
    let out = run(CLI, &["revert", "--source", &with_slash(&source), "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(fs::symlink_metadata(&source).unwrap().is_dir());
    assert_eq!(digest(&source), before);
}

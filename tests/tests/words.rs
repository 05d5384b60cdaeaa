//! Issue 11, item 10: the command line says what is true, in its own words
//! (`revert`, `recover`, not the app's buttons), for each operation kind.

#![cfg(unix)]

use std::fs;

use relocator::journal;
use relocator_tests::{Drive, run, run_with_failpoint, scratch, small_backup, source_to, stderr};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

fn said(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(out))
}

#[test]
fn a_file_where_the_backup_folder_should_be_is_called_a_file() {
    let root = scratch();
    let source = root.path().join("Backup");
    fs::write(&source, b"not a folder").unwrap();
    let drive = Drive::mount("64m", "");
    let out = run(CLI, &source_to("check", &source, drive.path(), &[]));
    let text = said(&out);
    assert!(text.contains("is a file, not a backup folder"), "{text}");
    assert!(!text.contains("link"), "{text}");
}

#[test]
fn the_cli_names_its_own_commands() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 120, 5);
    let drive = Drive::mount("128m", "");
    let other = Drive::mount("128m", "");
    assert!(
        run(CLI, &source_to("move", &source, drive.path(), &["--yes"]))
            .status
            .success()
    );
    let out = run(CLI, &source_to("move", &source, other.path(), &["--yes"]));
    let text = said(&out);
    assert!(
        text.contains("already a link") && text.contains("revert --source"),
        "{text}"
    );
    assert!(text.contains("retarget --source"), "{text}");
    assert!(!text.contains("Move back"), "{text}");
    // An interrupted move back: named as such, and `recover` offered.
    let crashed = run_with_failpoint(
        CLI,
        &["revert", "--source", source.to_str().unwrap(), "--yes"],
        "copy-after-file=2*off->return",
    );
    assert!(relocator_tests::was_killed(&crashed.status));
    let out = run(CLI, &source_to("check", &source, other.path(), &[]));
    let text = said(&out);
    assert!(
        text.contains("An earlier move back") && text.contains("recover --source"),
        "{text}"
    );
    assert!(!text.contains("the app does this"), "{text}");
    // While it runs (another process holds the lock): under way, not
    // interrupted. The CLI runs in processes of its own, for which this
    // one's lock is held elsewhere.
    let holder = journal::Lock::acquire(&source).unwrap();
    let status = said(&run(CLI, &["status", "--source", source.to_str().unwrap()]));
    let busy = run(
        CLI,
        &source_to("retarget", &source, other.path(), &["--yes"]),
    );
    drop(holder);
    assert!(
        status.contains("A move back of these backups is under way right now"),
        "{status}"
    );
    assert!(
        said(&busy).contains("already working on this folder. Nothing was changed."),
        "{}",
        said(&busy)
    );
    let out = run(CLI, &["recover", "--source", source.to_str().unwrap()]);
    assert!(
        said(&out).contains("An interrupted move back was undone"),
        "{}",
        said(&out)
    );
}

#[test]
fn yes_goes_ahead_without_asking_but_still_says_the_warnings() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 121, 5);
    // On the same drive as the backups: allowed, but it frees no space.
    let to = root.path().join("Elsewhere");
    fs::create_dir(&to).unwrap();
    let out = run(CLI, &source_to("move", &source, &to, &["--yes"]));
    let text = said(&out);
    assert!(out.status.success(), "{text}");
    assert_eq!(
        text.matches("Warning: The destination is on the same drive")
            .count(),
        1,
        "{text}"
    );
    assert_eq!(fs::read_link(&source).unwrap(), to.join("Backup"));
}

#[test]
fn a_refused_plan_is_explained_before_any_question() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 122, 5);
    let missing = root.path().join("missing");
    let out = run(CLI, &source_to("move", &source, &missing, &[]));
    let text = said(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "The destination {} does not exist.",
            missing.display()
        )) && text.contains("Nothing was changed.")
            && !text.contains("[y/N]"),
        "{text}"
    );
    assert!(source.is_dir() && !source.is_symlink());
}

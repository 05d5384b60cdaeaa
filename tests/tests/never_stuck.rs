//! Never stuck, nothing left behind (issue 24), on the CLI as a person runs
//! it: a drive unplugged in the middle of the copy or of its check, then
//! plugged back in (its half copy is removed by the next recovery, which
//! says so); a drive that never comes back (one command goes on without
//! it, when the backups are whole elsewhere, and `move` works again); and
//! a half copy of ours found on a drive without any record of it.

use std::fs;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use relocator::marker::{self, Marker, MarkerState};
use relocator_tests::{
    Drive, DriveKind, digest, json, run, run_with_failpoint, scratch, small_backup, source_to,
    stderr,
};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

/// The folders in `dir` whose name starts with `prefix`.
fn named(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

/// `status --json` of the backup folder `source`: its one location.
fn status(source: &Path) -> serde_json::Value {
    let out = run(
        CLI,
        &["status", "--source", source.to_str().unwrap(), "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    json(&out)["locations"][0].clone()
}

/// A drive that can be unplugged and plugged back in with its content (an
/// ext4 image on Linux); `None`, said, where this system cannot.
fn replugging_drive() -> Option<Drive> {
    if relocator_tests::skipped_here(true) {
        return None;
    }
    if !cfg!(target_os = "linux") {
        eprintln!(
            "skipped: the stand-in drives here (RAM disks, VHDX) cannot come back with their content"
        );
        return None;
    }
    Some(Drive::of_kind(DriveKind::Ext4, 256 << 20))
}

/// Moves backups onto a drive and unplugs it while the phase `phase` is
/// under way, held there by `point` (a fault point that pauses each copy
/// or check thread after its eighth file); then plugs it back in. The move
/// must end saying the backups are safe, leave no record, name the half
/// copy as waiting for its drive, and the next `recover` must remove it and
/// say so; then a move to that drive works.
fn unplugged_during(phase: &str, point: &str, verify: &str) {
    let Some(drive) = replugging_drive() else {
        return;
    };
    let root = scratch();
    let source = root.path().join("MobileSync/Backup");
    small_backup(&source, 24, 40);
    let before = digest(&source);
    let dest = drive.path().join("Backups");
    fs::create_dir(&dest).unwrap();
    let mut child = Command::new(CLI)
        .args(source_to(
            "move",
            &source,
            &dest,
            &["--yes", "--json", "--verify", verify],
        ))
        .env("FAILPOINTS", format!("{point}=8*off->sleep(4000)"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let wanted = format!("\"phase\":\"{phase}\"");
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let found = line.contains(&wanted);
        seen.push(line);
        if found {
            break;
        }
    }
    assert!(
        seen.last().is_some_and(|l| l.contains(&wanted)),
        "never reached {phase}: {seen:?}"
    );
    // Every thread is paused after its eighth file: pull the drive now.
    std::thread::sleep(Duration::from_millis(1500));
    drive.unplug();
    seen.extend(lines.map_while(Result::ok));
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "the move went on: {seen:?}");
    let last = seen.last().cloned().unwrap_or_default();
    assert!(last.contains("no longer connected"), "{last}");
    assert!(last.contains("safe"), "{last}");
    // The backups are whole where they were, nothing waits to be recovered,
    // and the half copy is named as waiting for its drive.
    assert_eq!(digest(&source), before);
    let parent = source.parent().unwrap();
    assert!(!parent.join(".backup-relocator.journal").exists());
    let looked = status(&source);
    assert_eq!(looked["state"], "local", "{looked}");
    let waiting = looked["leftovers"]["waiting"].as_array().unwrap().clone();
    assert_eq!(waiting.len(), 1, "{looked}");
    assert!(
        waiting[0].as_str().unwrap().contains("Backup.partial-"),
        "{looked}"
    );
    // The drive comes back with the half copy on it: named, then removed.
    if !drive.replug() {
        return;
    }
    let half = named(&dest, "Backup.partial-");
    assert_eq!(half.len(), 1, "the half copy should be on the drive");
    let looked = status(&source);
    assert_eq!(
        looked["leftovers"]["to_remove"].as_array().map(Vec::len),
        Some(1),
        "{looked}"
    );
    let out = run(CLI, &["recover", "--source", source.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("Removed a copy"), "{said}");
    assert!(said.contains("Backup.partial-"), "{said}");
    assert!(named(&dest, "Backup.partial-").is_empty());
    assert!(!parent.join(".backup-relocator.leftovers").exists());
    assert_eq!(
        status(&source)["leftovers"]["waiting"],
        serde_json::json!([])
    );
    assert_eq!(digest(&source), before);
    let out = run(CLI, &source_to("move", &source, &dest, &["--yes"]));
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_drive_unplugged_mid_copy_leaves_no_half_copy_once_back() {
    unplugged_during("copying", "copy-after-file", "full");
}

#[test]
fn a_drive_unplugged_mid_check_leaves_no_half_copy_once_back() {
    // Checked after the copy (not read back as it goes): the check is a
    // phase of its own.
    unplugged_during("verifying", "verify-after-file", "sizes");
}

/// What to do and expect when a drive is gone for good.
struct GoneCase {
    /// Move to the first drive (`false`), or first to the first drive and
    /// then on to the second (`true`), killed at `killed_at`.
    retarget: bool,
    killed_at: &'static str,
    /// Forgetting is refused: the backups are whole only on that drive.
    refused: bool,
    /// The forgetting itself is killed here first.
    forget_killed_at: Option<&'static str>,
}

fn drive_gone_for_good(case: &GoneCase) {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let (first, second) = (Drive::mount("256m", ""), Drive::mount("256m", ""));
    let root = scratch();
    let source = root.path().join("MobileSync/Backup");
    small_backup(&source, 31, 20);
    let before = digest(&source);
    let src = source.to_str().unwrap();
    let parent = source.parent().unwrap();
    let (to_first, to_second) = (first.path().join("b"), second.path().join("b"));
    fs::create_dir(&to_first).unwrap();
    fs::create_dir(&to_second).unwrap();
    let (lost, args) = if case.retarget {
        let out = run(CLI, &source_to("move", &source, &to_first, &["--yes"]));
        assert!(out.status.success(), "{}", stderr(&out));
        (
            &second,
            source_to("retarget", &source, &to_second, &["--yes"]),
        )
    } else {
        (&first, source_to("move", &source, &to_first, &["--yes"]))
    };
    let crashed = run_with_failpoint(CLI, &args, case.killed_at);
    assert!(
        relocator_tests::was_killed(&crashed.status),
        "{}: not killed",
        case.killed_at
    );
    lost.unplug();
    // Stuck until now: recovery waits for the drive, nothing else starts.
    let out = run(CLI, &["recover", "--source", src]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let looked = status(&source);
    assert_eq!(looked["state"], "interrupted", "{looked}");
    let needed = &looked["drive_needed"];
    assert!(needed.is_object(), "{looked}");
    if case.refused {
        assert!(needed["whole_without_it"].is_null(), "{looked}");
        let out = run(CLI, &["forget-drive", "--source", src, "--yes"]);
        assert_eq!(out.status.code(), Some(1));
        let said = stderr(&out);
        assert!(said.contains("whole only on the drive"), "{said}");
        assert!(said.contains("Connect that drive"), "{said}");
        assert_eq!(status(&source)["state"], "interrupted");
        return;
    }
    let text = run(CLI, &["status", "--source", src]);
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(text.contains("forget-drive"), "{text}");
    if let Some(point) = case.forget_killed_at {
        let out = run_with_failpoint(CLI, &["forget-drive", "--source", src, "--yes"], point);
        assert!(relocator_tests::was_killed(&out.status), "{point}");
    }
    // One command, and the way is clear.
    let out = run(CLI, &["forget-drive", "--source", src, "--yes", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let forgotten = json(&out);
    assert!(
        forgotten["message"]
            .as_str()
            .unwrap()
            .contains("no longer waits"),
        "{forgotten}"
    );
    assert!(!parent.join(".backup-relocator.journal").exists());
    assert_eq!(
        named(parent, ".backup-relocator.journal.drive-gone-").len(),
        1
    );
    let looked = status(&source);
    let waiting = looked["leftovers"]["waiting"].as_array().unwrap();
    assert!(!waiting.is_empty(), "{looked}");
    if case.retarget {
        assert_eq!(looked["state"], "relocated", "{looked}");
        assert_eq!(digest(&to_first.join("Backup")), before);
        let out = run(CLI, &["revert", "--source", src, "--yes"]);
        assert!(out.status.success(), "{}", stderr(&out));
    } else {
        assert_eq!(looked["state"], "local", "{looked}");
        assert_eq!(digest(&source), before);
        let out = run(CLI, &source_to("move", &source, &to_second, &["--yes"]));
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(digest(&source), before);
}

#[test]
fn a_move_whose_drive_is_gone_for_good_after_the_switch_goes_on_without_it() {
    drive_gone_for_good(&GoneCase {
        retarget: false,
        killed_at: "move-set-aside=return",
        refused: false,
        forget_killed_at: None,
    });
}

#[test]
fn a_move_whose_drive_is_gone_for_good_mid_copy_goes_on_without_it() {
    drive_gone_for_good(&GoneCase {
        retarget: false,
        killed_at: "copy-after-file=3*off->return",
        refused: false,
        forget_killed_at: None,
    });
}

#[test]
fn going_on_without_a_drive_finishes_when_it_is_itself_killed() {
    drive_gone_for_good(&GoneCase {
        retarget: false,
        killed_at: "move-linked=return",
        refused: false,
        forget_killed_at: Some("forget-undo-begun=return"),
    });
}

#[test]
fn a_move_on_whose_new_drive_is_gone_for_good_stays_on_the_old_one() {
    drive_gone_for_good(&GoneCase {
        retarget: true,
        killed_at: "copy-after-file=3*off->return",
        refused: false,
        forget_killed_at: None,
    });
}

#[test]
fn a_drive_holding_the_only_whole_copy_cannot_be_forgotten() {
    drive_gone_for_good(&GoneCase {
        retarget: false,
        killed_at: "move-cleaning=return",
        refused: true,
        forget_killed_at: None,
    });
}

#[test]
fn a_half_copy_of_ours_on_a_drive_is_named_and_removed_in_one_action() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let drive = Drive::mount("64m", "");
    let root = scratch();
    let source = root.path().join("MobileSync/Backup");
    small_backup(&source, 5, 5);
    let folder = drive.path().join("Backups");
    let half = folder.join("Backup.partial-0123456789ab");
    let whole = drive.path().join("Backup");
    let someone_elses = drive.path().join("Other/Backup.partial-ba9876543210");
    for (dir, state, from) in [
        (&half, MarkerState::Partial, source.as_path()),
        (&whole, MarkerState::Complete, source.as_path()),
        (
            &someone_elses,
            MarkerState::Partial,
            Path::new("/elsewhere/Backup"),
        ),
    ] {
        fs::create_dir_all(dir.join("00")).unwrap();
        fs::write(dir.join("00/file"), b"half").unwrap();
        let id = dir.file_name().unwrap().to_string_lossy();
        let id = id
            .rsplit('-')
            .next()
            .filter(|i| i.len() == 12)
            .unwrap_or("0123456789ab");
        marker::write(dir, &Marker::new(id, state, from)).unwrap();
    }
    let looked = status(&source);
    assert_eq!(
        looked["leftovers"]["to_remove"],
        serde_json::json!([half.to_str().unwrap()]),
        "{looked}"
    );
    let text = run(CLI, &["status", "--source", source.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(text.contains("did not finish"), "{text}");
    assert!(text.contains("recover"), "{text}");
    let out = run(
        CLI,
        &["recover", "--source", source.to_str().unwrap(), "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Progress as JSON lines, the result last.
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let said: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert!(
        text.contains("\"phase\":\"cleaning_up\""),
        "the removal shows its progress: {text}"
    );
    assert_eq!(
        said["recovery"]["tidied"]["removed"][0]["path"],
        half.to_str().unwrap(),
        "{said}"
    );
    assert!(!half.exists());
    assert!(
        whole.join("00/file").exists(),
        "a complete copy is never a half copy"
    );
    assert!(
        someone_elses.join("00/file").exists(),
        "another folder's copy is not ours"
    );
}

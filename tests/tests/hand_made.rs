//! Backups linked by hand — `ln -s` on a Mac, `mklink /J` on Windows, or
//! another tool: the recipe this app grew out of (issue 24). Such a folder
//! is shown as moved by hand and checked for health, and it can be moved
//! back, moved on, or taken over, every byte compared; a link to a folder
//! that holds no backups, or around itself, is refused with the way
//! forward, and nothing is changed.

use std::fs;
use std::path::{Path, PathBuf};

use relocator_tests::{
    Drive, digest, json, run, run_with_failpoint, scratch, small_backup, stderr,
};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

/// Backups someone moved by hand: their folder on a drive, and the backup
/// folder a link to it (the platform's folder link, made without us).
struct ByHand {
    _root: tempfile::TempDir,
    drives: Vec<Drive>,
    source: PathBuf,
    copy: PathBuf,
}

fn by_hand(seed: u64) -> Option<ByHand> {
    if relocator_tests::skipped_here(true) {
        return None;
    }
    let drives = vec![Drive::mount("256m", ""), Drive::mount("256m", "")];
    let root = scratch();
    let source = root.path().join("MobileSync/Backup");
    fs::create_dir_all(source.parent().unwrap()).unwrap();
    let copy = drives[0].path().join("iPhone backups");
    small_backup(&copy, seed, 20);
    relocator_tests::links().create(&source, &copy).unwrap();
    Some(ByHand {
        _root: root,
        drives,
        source,
        copy,
    })
}

fn cli(args: &[&str]) -> std::process::Output {
    run(CLI, args)
}

fn state(source: &Path) -> serde_json::Value {
    let out = cli(&["status", "--source", source.to_str().unwrap(), "--json"]);
    json(&out)["locations"][0].clone()
}

#[test]
fn a_hand_made_link_is_shown_moved_by_hand_and_its_health_checked() {
    let Some(h) = by_hand(61) else { return };
    let src = h.source.to_str().unwrap();
    let looked = state(&h.source);
    assert_eq!(looked["state"], "foreign_link", "{looked}");
    assert!(
        looked["message"]
            .as_str()
            .unwrap()
            .contains("moved by hand"),
        "{looked}"
    );
    assert!(
        looked["hint"].as_str().unwrap().contains("take-over"),
        "{looked}"
    );
    assert!(looked["bytes"].as_u64().unwrap() > 0, "{looked}");
    let out = cli(&["health", "--source", src]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_hand_made_link_moves_back_every_byte_compared() {
    let Some(h) = by_hand(62) else { return };
    let before = digest(&h.copy);
    let out = cli(&["revert", "--source", h.source.to_str().unwrap(), "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(fs::symlink_metadata(&h.source).unwrap().is_dir());
    assert_eq!(digest(&h.source), before);
    assert!(
        !h.copy.exists(),
        "the drive's copy is deleted after the verified copy"
    );
    assert!(relocator::marker::read(&h.source).is_none());
    assert_eq!(state(&h.source)["state"], "local");
}

#[test]
fn a_hand_made_link_moves_on_every_byte_compared() {
    let Some(h) = by_hand(63) else { return };
    let before = digest(&h.copy);
    let to = h.drives[1].path().join("Moved on");
    fs::create_dir(&to).unwrap();
    let out = run(
        CLI,
        &relocator_tests::source_to("retarget", &h.source, &to, &["--yes"]),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(digest(&to.join("Backup")), before);
    assert_eq!(digest(&h.source), before);
    assert!(!h.copy.exists());
    assert_eq!(state(&h.source)["state"], "relocated");
}

#[test]
fn a_hand_made_link_is_taken_over_then_moved_back() {
    let Some(h) = by_hand(64) else { return };
    let before = digest(&h.copy);
    let src = h.source.to_str().unwrap();
    let out = cli(&["take-over", "--source", src]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("now manages"), "{said}");
    let marker = relocator::marker::read(&h.copy).expect("our marker on the copy");
    assert_eq!(marker.moved_from, h.source);
    assert_eq!(digest(&h.copy), before, "nothing of the backups changed");
    assert_eq!(state(&h.source)["state"], "relocated");
    // Taken over already: saying so again is refused with the ways on.
    let again = cli(&["take-over", "--source", src]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already managed"),
        "{}",
        stderr(&again)
    );
    assert!(stderr(&again).contains("revert"), "{}", stderr(&again));
    let out = cli(&["revert", "--source", src, "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(digest(&h.source), before);
}

#[test]
fn a_hand_made_move_back_killed_mid_copy_recovers_to_the_link() {
    let Some(h) = by_hand(65) else { return };
    let before = digest(&h.copy);
    let src = h.source.to_str().unwrap();
    let out = run_with_failpoint(
        CLI,
        &["revert", "--source", src, "--yes"],
        "copy-after-file=3*off->return",
    );
    assert!(relocator_tests::was_killed(&out.status));
    let out = cli(&["recover", "--source", src]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Back where it was, ours now (the move back had taken it over).
    assert_eq!(state(&h.source)["state"], "relocated");
    assert_eq!(digest(&h.source), before);
    let parent = h.source.parent().unwrap();
    assert!(relocator_tests::leftovers(&[parent, h.drives[0].path()]).is_empty());
}

#[test]
fn a_link_to_no_backups_or_around_itself_is_refused_with_the_way_forward() {
    let Some(h) = by_hand(66) else { return };
    let src = h.source.to_str().unwrap();
    let links = relocator_tests::links();
    let empty = h.drives[0].path().join("Empty");
    fs::create_dir(&empty).unwrap();
    let home = h.source.parent().unwrap().to_owned();
    // Backups at the very top of a drive: a move would take the whole drive.
    let whole = h.drives[1].path().to_owned();
    small_backup(&whole, 67, 3);
    for (target, words) in [
        (&empty, "holds no iPhone or iPad backups"),
        (&home, "holds the backup folder itself"),
        (&whole, "a whole drive"),
    ] {
        links.remove(&h.source).unwrap();
        links.create(&h.source, target).unwrap();
        let listing = digest(target);
        for args in [
            vec!["revert", "--source", src, "--yes"],
            vec!["take-over", "--source", src],
        ] {
            let out = cli(&args);
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            let said = stderr(&out);
            assert!(said.contains(words), "{args:?}: {said}");
            assert!(said.contains("oint the link"), "{args:?}: {said}");
        }
        assert_eq!(digest(target), listing, "nothing was changed");
        assert!(relocator::marker::read(target).is_none());
    }
    // A move of a folder moved by hand names the ways on.
    links.remove(&h.source).unwrap();
    links.create(&h.source, &h.copy).unwrap();
    let to = h.drives[0].path().join("x");
    fs::create_dir(&to).unwrap();
    let out = run(
        CLI,
        &relocator_tests::source_to("move", &h.source, &to, &["--yes"]),
    );
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    assert!(said.contains("already a link"), "{said}");
    assert!(said.contains("revert"), "{said}");
}

//! A realistic 1 GiB, 20,000-file backup: the CLI's `status`, `scan` and
//! `check` figures against an independent walk; `move`, `retarget` and
//! `revert` across file systems keeping every byte; and `kill -9` at random
//! moments of a real move, each followed by `recover`.

// Unix only: it counts hard links by inode (`MetadataExt`).
#![cfg(unix)]

use std::collections::HashSet;
use std::fs;
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use relocator_tests::{Drive, digest, json, leftovers, run, scratch, sized_backup, stderr};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");
const GIB: u64 = 1 << 30;

/// Bytes and files of the regular files under `dir`, each hard-linked file
/// once, by plain recursive `read_dir` (no walkdir, no code of ours).
fn independent_totals(dir: &Path, seen: &mut HashSet<(u64, u64)>) -> (u64, u64) {
    let mut totals = (0, 0);
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = fs::symlink_metadata(entry.path()).unwrap();
        if meta.is_dir() {
            let (b, f) = independent_totals(&entry.path(), seen);
            totals.0 += b;
            totals.1 += f;
        } else if meta.is_file() && seen.insert((meta.dev(), meta.ino())) {
            totals.0 += meta.len();
            totals.1 += 1;
        }
    }
    totals
}

#[test]
fn a_one_gib_backup_sizes_moves_and_survives_kills() {
    let root = scratch();
    let source = root.path().join("MobileSync/Backup");
    let summary = sized_backup(&source, 2024, 20_000, GIB);
    // Hard links (as iMazing makes) and symlinks, which must not count twice or be followed.
    let dev = &summary.device_folders[0];
    let versions = source.join("iMazing.Versions");
    fs::create_dir(&versions).unwrap();
    for (i, e) in fs::read_dir(dev.join("00"))
        .unwrap()
        .flatten()
        .take(20)
        .enumerate()
    {
        fs::hard_link(e.path(), versions.join(format!("v{i}"))).unwrap();
    }
    std::os::unix::fs::symlink("/usr", source.join("link-outside")).unwrap();

    let (bytes, files) = independent_totals(&source, &mut HashSet::new());
    assert!(
        files >= 20_000 && bytes >= GIB * 9 / 10,
        "{files} files, {bytes} bytes"
    );
    assert_figures(&source, bytes, files);
    let drive = Drive::mount("2g", "");
    let drive2 = Drive::mount("2g", "");
    let (before, move_time) = round_trip(&source, bytes, files, drive.path(), drive2.path());
    kill_and_recover(&source, drive.path(), &before, move_time);
}

/// `scan`, `status` and per-device figures against the independent walk.
fn assert_figures(source: &Path, bytes: u64, files: u64) {
    let src = source.to_str().unwrap();

    let scan = json(&run(CLI, &["scan", src, "--json"]));
    assert_eq!(
        (scan["bytes"].as_u64(), scan["files"].as_u64()),
        (Some(bytes), Some(files))
    );
    assert_eq!(scan["extra_hard_links"].as_u64(), Some(20));

    let status = json(&run(CLI, &["status", "--source", src, "--json"]));
    let loc = &status["locations"][0];
    assert_eq!(loc["state"], "local");
    assert_eq!(
        (loc["bytes"].as_u64(), loc["files"].as_u64()),
        (Some(bytes), Some(files))
    );
    let devices = loc["devices"].as_array().unwrap();
    assert_eq!(devices.iter().filter(|d| d["kind"] == "device").count(), 4);
    for d in devices.iter().filter(|d| d["kind"] == "device") {
        for key in ["udid", "name", "product_type", "ios_version", "last_backup"] {
            assert!(d[key].is_string(), "{key} missing in {d}");
        }
        assert_eq!(d["encrypted"], false);
        assert_eq!(d["in_progress"], false);
        let (b, _) = independent_totals(
            &source.join(d["udid"].as_str().unwrap()),
            &mut HashSet::new(),
        );
        assert_eq!(d["bytes"].as_u64(), Some(b));
    }
}

/// `check`, then move, retarget and revert, comparing every file each time.
/// Returns the tree's digest and how long the move took.
fn round_trip(
    source: &Path,
    bytes: u64,
    files: u64,
    drive: &Path,
    drive2: &Path,
) -> (
    std::collections::BTreeMap<std::path::PathBuf, relocator_tests::Entry>,
    Duration,
) {
    let src = source.to_str().unwrap();
    let check = run(
        CLI,
        &[
            "check",
            "--source",
            src,
            "--to",
            drive.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let check = json(&check);
    assert_eq!(
        (check["bytes"].as_u64(), check["files"].as_u64()),
        (Some(bytes), Some(files))
    );
    assert_eq!(
        check["needed_bytes"].as_u64(),
        Some(bytes + relocator::checks::space_margin(bytes))
    );

    let before = digest(source);
    let started = Instant::now();
    let out = run(
        CLI,
        &[
            "move",
            "--source",
            src,
            "--to",
            drive.to_str().unwrap(),
            "--verify",
            "full",
            "--yes",
        ],
    );
    let move_time = started.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_link(source).unwrap(), drive.join("Backup"));
    assert_eq!(digest(source), before);
    assert!(leftovers(&[source.parent().unwrap(), drive]).is_empty());
    let status = json(&run(CLI, &["status", "--source", src, "--json"]));
    assert_eq!(status["locations"][0]["state"], "relocated");
    assert_eq!(status["locations"][0]["bytes"].as_u64(), Some(bytes));

    let out = run(
        CLI,
        &[
            "retarget",
            "--source",
            src,
            "--to",
            drive2.to_str().unwrap(),
            "--yes",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_link(source).unwrap(), drive2.join("Backup"));
    assert!(!drive.join("Backup").exists());
    assert_eq!(digest(source), before);

    let out = run(CLI, &["revert", "--source", src, "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(fs::symlink_metadata(source).unwrap().is_dir());
    assert!(!drive2.join("Backup").exists());
    assert_eq!(digest(source), before);
    assert!(leftovers(&[source.parent().unwrap(), drive, drive2]).is_empty());

    (before, move_time)
}

/// `kill -9` at random moments of a real move, each followed by `recover` twice.
fn kill_and_recover(
    source: &Path,
    drive: &Path,
    before: &std::collections::BTreeMap<std::path::PathBuf, relocator_tests::Entry>,
    move_time: Duration,
) {
    let src = source.to_str().unwrap();
    // kill -9 at random moments of a real move, then recover.
    let seed = relocator_tests::test_seed("kills during a 1 GiB move");
    println!("kill moments seeded with {seed} (move took {move_time:?})");
    let mut rng_state = seed;
    for round in 0..3 {
        rng_state = rng_state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let fraction = (rng_state >> 33) % 1000;
        let wait = move_time.mul_f64(fraction as f64 / 1000.0);
        let mut child = Command::new(CLI)
            .args([
                "move",
                "--source",
                src,
                "--to",
                drive.to_str().unwrap(),
                "--yes",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(wait);
        let _ = child.kill();
        let status = child.wait().unwrap();
        for _ in 0..2 {
            let out = run(CLI, &["recover", "--source", src]);
            assert!(out.status.success(), "round {round}: {}", stderr(&out));
        }
        assert_eq!(
            &digest(source),
            before,
            "round {round}: killed after {wait:?} ({status:?})"
        );
        assert!(
            leftovers(&[source.parent().unwrap(), drive]).is_empty(),
            "round {round}"
        );
        // Put things back as they were for the next round.
        if fs::symlink_metadata(source).unwrap().is_symlink() {
            let out = run(
                CLI,
                &["revert", "--source", src, "--verify", "sizes", "--yes"],
            );
            assert!(out.status.success(), "{}", stderr(&out));
        }
        assert!(!drive.join("Backup").exists());
    }
}

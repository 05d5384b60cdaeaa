//! Issue 11: Ctrl-C (`SIGINT`) and `SIGTERM` at random moments of a move,
//! a move back and a move on, sent to the real binary: the operation is
//! rolled back exactly as the app's Cancel does, or finished when the
//! signal came past the switch, and says which; it exits 0 or 1, never
//! dies of the signal. A second signal does not interrupt the undo. The
//! seed is printed; `BR_SEED` replays it.

#![cfg(unix)]

use std::fs;
use std::process::{Command, Stdio};
use std::time::Duration;

use relocator_tests::{
    Drive, digest, leftovers, run, scratch, small_backup, source_to, stderr, test_seed,
};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

fn signal(pid: u32, name: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status();
}

#[test]
fn a_signal_at_any_moment_rolls_back_or_finishes_and_says_so() {
    let mut rng = fastrand::Rng::with_seed(test_seed("signals"));
    let mut outcomes = std::collections::BTreeMap::<String, u32>::new();
    for round in 0..12 {
        let op = ["move", "revert", "retarget"][round % 3];
        let name = if rng.bool() { "INT" } else { "TERM" };
        let twice = rng.bool();
        let root = scratch();
        let source = root.path().join("MobileSync").join("Backup");
        small_backup(&source, 100 + round as u64, 1200);
        let before = digest(&source);
        let first = Drive::mount("512m", "");
        let second = Drive::mount("512m", "");
        if op != "move" {
            let out = run(CLI, &source_to("move", &source, first.path(), &["--yes"]));
            assert!(out.status.success(), "{}", stderr(&out));
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
        let child = Command::new(CLI)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // (From 20 ms: the program takes over the signals as it starts.)
        // From 100 ms: a slow runner may take longer than 20 ms to start the
        // program and install its handler.
        let delay = rng.u64(100..600);
        std::thread::sleep(Duration::from_millis(delay));
        signal(child.id(), name);
        if twice {
            std::thread::sleep(Duration::from_millis(5));
            signal(child.id(), name);
        }
        let out = child.wait_with_output().unwrap();
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        let label = format!(
            "round {round}: {op}, SIG{name}{} after {delay} ms",
            if twice { " twice" } else { "" }
        );
        let code = out.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{label}: died of the signal ({:?}): {said}",
            out.status
        );
        let linked_to = fs::read_link(&source).ok();
        let rolled_back = code == Some(1);
        if rolled_back {
            assert!(
                said.contains("Cancelled; nothing was changed"),
                "{label}: {said}"
            );
        }
        let where_now = match (op, rolled_back) {
            ("move", true) | ("revert", false) => None,
            ("move" | "revert", _) | ("retarget", true) => Some(first.path().join("Backup")),
            _ => Some(second.path().join("Backup")),
        };
        assert_eq!(linked_to, where_now, "{label}: {said}");
        assert_eq!(digest(&source), before, "{label}");
        let parent = source.parent().unwrap();
        assert!(
            leftovers(&[parent, first.path(), second.path()]).is_empty(),
            "{label}: {:?}",
            leftovers(&[parent, first.path(), second.path()])
        );
        *outcomes
            .entry(format!(
                "{op} {}",
                if rolled_back {
                    "rolled back"
                } else {
                    "finished"
                }
            ))
            .or_default() += 1;
    }
    eprintln!("signals: {outcomes:?}");
}

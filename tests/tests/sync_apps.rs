//! Apple's processes and the preflight: an app a person can quit (iTunes)
//! blocks a move and is named; a resident helper (macOS's device agent,
//! Windows' Apple Mobile Device Service) is only reported, since a user
//! often cannot stop it. In its own test binary: the fake processes would
//! change every other check in the same run.

// Unix only: the fake processes are copies of /bin/sleep.
#![cfg(unix)]

use std::fs;
use std::process::{Child, Command};

use relocator_tests::{Drive, json, run, scratch, small_backup};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

/// A process named `name` (a copy of `sleep`) that lives while the test checks.
fn fake_process(dir: &std::path::Path, name: &str) -> Child {
    let fake = dir.join(name);
    fs::copy("/bin/sleep", &fake).unwrap();
    Command::new(&fake).arg("30").spawn().unwrap()
}

#[test]
fn a_quittable_app_blocks_and_a_resident_helper_is_only_reported() {
    let root = scratch();
    let source = root.path().join("Backup");
    small_backup(&source, 31, 5);
    let drive = Drive::mount("512m", "");
    let args = [
        "check",
        "--source",
        source.to_str().unwrap(),
        "--to",
        drive.path().to_str().unwrap(),
        "--json",
    ];

    let before = run(CLI, &args);
    assert_eq!(before.status.code(), Some(0));

    let mut helper = fake_process(root.path(), "AMPDevicesAgent");
    let with_helper = run(CLI, &args);
    assert_eq!(
        with_helper.status.code(),
        Some(0),
        "a helper must not block"
    );
    let v = json(&with_helper);
    assert_eq!(v["helpers"][0], "AMPDevicesAgent");
    // A macOS RAM disk is (rightly) a removable drive: that warning may be
    // there, nothing else.
    assert!(
        v["problems"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["code"] == "removable_destination"),
        "{v}"
    );

    let mut app = fake_process(root.path(), "iTunes");
    let with_app = run(CLI, &args);
    for child in [&mut helper, &mut app] {
        child.kill().unwrap();
        child.wait().unwrap();
    }
    assert_eq!(with_app.status.code(), Some(1));
    let v = json(&with_app);
    assert_eq!(v["problems"][0]["code"], "sync_apps_running");
    assert_eq!(v["problems"][0]["names"], serde_json::json!(["iTunes"]));
    assert!(
        v["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("quit iTunes")
    );
}

//! A running Apple sync helper blocks a move. In its own test binary: the
//! fake helper process would make every other check in the same run fail.

use std::fs;
use std::process::Command;

use relocator_tests::{Drive, json, run, scratch, small_backup};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

#[test]
fn a_running_sync_helper_blocks_and_is_named() {
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

    // A process named like macOS's device agent (a copy of `sleep`).
    let fake = root.path().join("AMPDevicesAgent");
    fs::copy("/bin/sleep", &fake).unwrap();
    let mut child = Command::new(&fake).arg("30").spawn().unwrap();
    let during = run(CLI, &args);
    child.kill().unwrap();
    child.wait().unwrap();

    assert_eq!(during.status.code(), Some(1));
    let v = json(&during);
    assert_eq!(v["problems"][0]["code"], "sync_apps_running");
    assert_eq!(v["problems"][0]["names"][0], "AMPDevicesAgent");
    assert!(
        v["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("quit AMPDevicesAgent")
    );
}

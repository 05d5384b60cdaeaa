//! The read-back of a fully verified copy when a reader thread fails hard:
//! the copy must end (with an error), never wait for a reader that is gone,
//! and leave the originals as they were.

use std::fs;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use relocator_tests::{digest, scratch};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

/// More small files than the copy's queue and the readers' queue hold
/// together (4,096 each), so a copy whose readers all stopped taking files
/// would block on a full queue.
const FILES: usize = 12_000;

#[test]
fn a_reader_that_panics_ends_the_copy_instead_of_hanging_it() {
    let root = scratch();
    let source = root.path().join("Backup");
    for i in 0..FILES {
        let folder = source.join(format!("{:02x}", i % 64));
        if i < 64 {
            fs::create_dir_all(&folder).unwrap();
        }
        fs::write(folder.join(format!("file-{i}")), i.to_le_bytes()).unwrap();
    }
    let before = digest(&source);
    let copy = root.path().join("Copy");
    let mut child = Command::new(CLI)
        .args(["copy", "--verify", "full"])
        .arg(&source)
        .arg(&copy)
        .env("FAILPOINTS", "copy-damage-after-flush=panic")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Generous: the copy takes about a second here; a hang never ends.
    let deadline = Instant::now() + Duration::from_mins(5);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the copy hung after its readers panicked");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        !status.success(),
        "an unverified copy must not succeed: {stderr}"
    );
    assert_eq!(digest(&source), before, "the originals changed");
}

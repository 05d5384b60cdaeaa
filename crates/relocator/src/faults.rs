//! Fault points for the kill-and-recover and damage tests. With the
//! `failpoints` feature, `FAILPOINTS=<name>=return` switches one on. Without
//! the feature these compile to nothing.

use std::path::Path;

/// Ends the process here when the crash point `name` is switched on, as a
/// `kill -9` would: no destructors, no cleanup. On Unix it sends itself
/// SIGKILL (an `abort` would wake macOS's crash reporter, seconds each for
/// the fault matrix's hundreds of kills); elsewhere it aborts.
#[inline]
pub fn crash_point(name: &str) {
    let _ = name; // used only with the `failpoints` feature
    fail::fail_point!(name, |_| killed());
}

#[cfg(feature = "failpoints")]
fn killed() -> ! {
    #[cfg(unix)]
    {
        let me = rustix::process::getpid();
        let _ = rustix::process::kill_process(me, rustix::process::Signal::KILL);
    }
    std::process::abort()
}

/// Fails with an error naming `path` when the point `name` is switched on:
/// a step that the system refuses (a link Windows will not remove, a rename
/// a drive refuses), so the undo that follows can be tested.
#[inline]
#[cfg_attr(
    not(feature = "failpoints"),
    allow(
        clippy::unnecessary_wraps,
        reason = "it fails only with the failpoints feature"
    )
)]
pub fn error_point(name: &str, path: &Path) -> crate::Result<()> {
    #[cfg(feature = "failpoints")]
    fail::fail_point!(name, |_| Err(crate::Error::io(
        path,
        std::io::Error::other("a failure injected by a test")
    )));
    let _ = (name, path);
    Ok(())
}

/// Flips the first byte of the file at `path` when `name` is switched on: a
/// copy whose content differs from what was written, which no real disk
/// produces on demand.
#[inline]
pub fn damage_point(name: &str, path: &Path) {
    #[cfg(feature = "failpoints")]
    fail::fail_point!(name, |_| flip_first_byte(path));
    let _ = (name, path);
}

#[cfg(feature = "failpoints")]
fn flip_first_byte(path: &Path) {
    use std::io::{Read as _, Seek as _, Write as _};
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .expect("open the file to damage");
    let mut byte = [0u8; 1];
    file.read_exact(&mut byte).expect("read its first byte");
    file.rewind().expect("rewind");
    file.write_all(&[!byte[0]]).expect("write it back flipped");
}

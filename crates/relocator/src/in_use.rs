//! Files another program holds for a moment. On Windows, antivirus and the
//! search indexer open files just written, and a rename or deletion then
//! fails with a sharing violation or "access denied" until they let go,
//! usually within a second or two. Renames and deletions are tried again
//! on those errors for a few seconds in all, as Git for Windows, uv and
//! npm do; after that the failure names the file and, where the Restart
//! Manager can tell, the programs holding it. Elsewhere nothing is retried
//! (Unix lets a file be renamed or deleted while it is open).

use std::io;
use std::path::Path;
use std::time::Duration;

use crate::error::{Error, Result};

/// How long a rename or deletion is tried again, at most, in all.
pub const PATIENCE: Duration = Duration::from_secs(4);

/// Windows' `ERROR_ACCESS_DENIED`: also what a file being deleted, or a
/// folder with a file open inside it, answers.
const ACCESS_DENIED: i32 = 5;
/// `ERROR_SHARING_VIOLATION`: another program has it open without sharing.
const SHARING_VIOLATION: i32 = 32;
/// `ERROR_LOCK_VIOLATION`: another program locked part of it.
const LOCK_VIOLATION: i32 = 33;
/// `ERROR_DELETE_PENDING`: it is being deleted by someone else.
const DELETE_PENDING: i32 = 303;

/// Whether an error with the OS code `code` may be another program holding
/// the file for a moment (only Windows says so).
#[must_use]
pub fn may_be_held(code: Option<i32>, windows: bool) -> bool {
    windows
        && matches!(
            code,
            Some(ACCESS_DENIED | SHARING_VIOLATION | LOCK_VIOLATION | DELETE_PENDING)
        )
}

/// How long to wait before try number `tries + 1`, having waited `waited`
/// so far: 10 ms, doubling to half a second, until [`PATIENCE`] is spent.
#[must_use]
pub fn next_wait(tries: u32, waited: Duration) -> Option<Duration> {
    let wait = Duration::from_millis(10u64 << tries.min(6)).min(Duration::from_millis(500));
    (waited + wait <= PATIENCE).then_some(wait)
}

/// Runs the rename or deletion `attempt` of `path`, trying again while
/// another program may be holding it; a failure that outlasts the
/// patience is [`Error::FileInUse`], naming the programs where known.
pub fn retrying<T>(path: &Path, mut attempt: impl FnMut() -> io::Result<T>) -> Result<T> {
    let (mut tries, mut waited) = (0u32, Duration::ZERO);
    loop {
        let error = match attempt() {
            Ok(done) => return Ok(done),
            Err(e) => e,
        };
        if !may_be_held(error.raw_os_error(), cfg!(windows)) {
            return Err(Error::io(path, error));
        }
        match next_wait(tries, waited) {
            Some(wait) => {
                std::thread::sleep(wait);
                (tries, waited) = (tries + 1, waited + wait);
            }
            None => {
                return Err(Error::FileInUse {
                    path: path.to_owned(),
                    programs: programs_holding(path),
                    source: error,
                });
            }
        }
    }
}

/// The programs holding `path` open, where the system can tell.
fn programs_holding(path: &Path) -> Vec<String> {
    #[cfg(windows)]
    {
        crate::win32::programs_holding(path).unwrap_or_default()
    }
    #[cfg(not(windows))]
    {
        let _ = path;
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 19: a sharing violation or a denial on Windows is tried again
    /// (antivirus lets go within seconds); real errors and other systems never.
    #[test]
    fn only_a_held_file_on_windows_is_tried_again() {
        for code in [5, 32, 33, 303] {
            assert!(may_be_held(Some(code), true), "{code}");
            assert!(!may_be_held(Some(code), false), "{code}");
        }
        for code in [2, 3, 17, 112, 145] {
            assert!(!may_be_held(Some(code), true), "{code}");
        }
        assert!(!may_be_held(None, true));
    }

    #[test]
    fn the_waits_grow_and_stop_within_the_patience() {
        let mut waits = Vec::new();
        let mut waited = Duration::ZERO;
        while let Some(wait) = next_wait(u32::try_from(waits.len()).unwrap(), waited) {
            waits.push(wait.as_millis());
            waited += wait;
        }
        assert_eq!(&waits[..7], [10, 20, 40, 80, 160, 320, 500]);
        assert!(waited <= PATIENCE, "{waited:?}");
        assert!(
            waited + Duration::from_millis(500) >= PATIENCE,
            "{waited:?}"
        );
    }

    #[test]
    fn a_failure_that_is_not_a_held_file_comes_back_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let mut calls = 0;
        let err = retrying(&missing, || {
            calls += 1;
            std::fs::remove_file(&missing)
        })
        .unwrap_err();
        assert_eq!(err.io_kind(), Some(io::ErrorKind::NotFound), "{err}");
        assert_eq!(calls, 1, "tried once");
        let mut calls = 0;
        let done = retrying(&missing, || {
            calls += 1;
            Ok(calls)
        });
        assert_eq!(done.unwrap(), 1);
    }
}

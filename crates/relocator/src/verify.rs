//! Comparing a copy with its original after the copy: names, types, sizes,
//! link targets and modification times, and nothing missing or extra. A
//! file whose time moved since the copy means the original changed
//! meanwhile. (Contents are compared by the copy itself, file by file.)

use std::fs::{self, Metadata};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::{Error, IoContext as _, Result};
use crate::progress::{Cancel, Progress, ProgressSink, Throttle};
use crate::walk::{self, Entry, Visitor};

/// How thoroughly to compare.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyMode {
    /// Names, types, sizes, link targets and times.
    #[default]
    Sizes,
    /// All of that, and every file's content, read back right after it is
    /// written and compared byte for byte with the original's.
    Full,
}

/// Modification times may differ this much (FAT and exFAT keep 2-second times).
const TIME_TOLERANCE: Duration = Duration::from_secs(2);

/// What the comparison covered.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries compared (files, folders, links).
    pub entries: u64,
}

/// Compares the tree `copy` with `original` entry by entry, on the parallel
/// walk. Contents are not read here: the copy checks them as it goes
/// ([`crate::copy::CopyOptions::verify_content`]).
pub fn verify_tree(
    original: &Path,
    copy: &Path,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<VerifyReport> {
    let comparer = Comparer {
        copy,
        progress,
        throttle: Throttle::new(Throttle::PROGRESS),
        files: AtomicU64::new(0),
    };
    let threads = walk::default_threads();
    let mut report = VerifyReport::default();
    for part in walk::walk(original, threads, cancel, &comparer)? {
        report.entries += part.entries;
    }
    // Every original entry is in the copy; equal counts mean nothing extra is.
    let copy_entries: u64 = walk::walk(copy, threads, cancel, &Counting)?
        .into_iter()
        .sum();
    if copy_entries != report.entries {
        return Err(mismatch(
            copy,
            &format!(
                "the copy has {copy_entries} entries, the original {}",
                report.entries
            ),
        ));
    }
    Ok(report)
}

/// Whether a walk should look at this entry: folders, files and links, not
/// special files (which are never copied).
fn compared(entry: &Entry<'_>) -> bool {
    let ft = entry.file_type;
    ft.is_dir() || ft.is_file() || ft.is_symlink()
}

/// The verification's visitor: each original entry against the copy's.
struct Comparer<'a> {
    copy: &'a Path,
    progress: &'a dyn ProgressSink,
    throttle: Throttle,
    files: AtomicU64,
}

impl Visitor for Comparer<'_> {
    type State = VerifyReport;

    fn state(&self) -> VerifyReport {
        VerifyReport::default()
    }

    fn visit(&self, report: &mut VerifyReport, entry: &Entry<'_>) -> Result<bool> {
        if !compared(entry) {
            return Ok(false);
        }
        let theirs = self.copy.join(entry.relative());
        let a = entry.metadata()?;
        let b = match fs::symlink_metadata(&theirs) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(mismatch(&theirs, "missing from the copy"));
            }
            Err(e) => return Err(Error::io(&theirs, e)),
        };
        compare_entry(entry.path, &a, &theirs, &b)?;
        report.entries += 1;
        if !a.is_file() {
            return Ok(a.is_dir());
        }
        let files = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        if self.throttle.ready() {
            self.progress.report(Progress::Copied {
                bytes: 0,
                files,
                current: entry.path.to_owned(),
            });
        }
        Ok(false)
    }
}

/// Counts the entries a verification compares, without reading any metadata.
struct Counting;

impl Visitor for Counting {
    type State = u64;

    fn state(&self) -> u64 {
        0
    }

    fn visit(&self, count: &mut u64, entry: &Entry<'_>) -> Result<bool> {
        if !compared(entry) {
            return Ok(false);
        }
        *count += 1;
        Ok(entry.file_type.is_dir())
    }
}

/// A quick comparison of two trees (names, types, sizes, times): used right
/// before deleting one of them, to catch late writes into it.
pub fn quick_compare(original: &Path, copy: &Path, cancel: &Cancel) -> Result<()> {
    verify_tree(original, copy, &crate::progress::NoProgress, cancel).map(|_| ())
}

fn compare_entry(ours: &Path, a: &Metadata, theirs: &Path, b: &Metadata) -> Result<()> {
    let (fa, fb) = (a.file_type(), b.file_type());
    if fa.is_dir() != fb.is_dir()
        || fa.is_file() != fb.is_file()
        || fa.is_symlink() != fb.is_symlink()
    {
        return Err(mismatch(theirs, "it is a different kind of item"));
    }
    if fa.is_symlink() {
        let ta = fs::read_link(ours).at(ours)?;
        let tb = fs::read_link(theirs).at(theirs)?;
        if ta != tb {
            return Err(mismatch(theirs, "the link points elsewhere"));
        }
    } else if fa.is_file() {
        let (ta, tb) = (a.modified().ok(), b.modified().ok());
        if a.len() != b.len() {
            // We copy times exactly: a size and a time that both moved mean
            // the original was written since; a size alone means a bad copy.
            if ta != tb {
                return Err(Error::ChangedDuringCopy {
                    path: ours.to_owned(),
                });
            }
            return Err(mismatch(
                theirs,
                &format!("{} bytes instead of {}", b.len(), a.len()),
            ));
        }
        if let (Some(ta), Some(tb)) = (ta, tb) {
            let diff = ta
                .duration_since(tb)
                .or_else(|_| tb.duration_since(ta))
                .unwrap_or_default();
            // FAT and exFAT keep 2-second times; elsewhere times match exactly.
            let coarse = tb
                .duration_since(std::time::UNIX_EPOCH)
                .is_ok_and(|d| d.subsec_nanos() == 0);
            let tolerance = if coarse {
                TIME_TOLERANCE
            } else {
                Duration::ZERO
            };
            if diff > tolerance {
                return Err(Error::ChangedDuringCopy {
                    path: ours.to_owned(),
                });
            }
        }
    }
    Ok(())
}

fn mismatch(path: &Path, what: &str) -> Error {
    Error::Mismatch {
        path: PathBuf::from(path),
        what: what.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::copy::{CopyOptions, copy_tree};
    use crate::progress::NoProgress;
    use std::fs::File;

    fn tree() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        fs::create_dir_all(a.join("00")).unwrap();
        fs::write(a.join("00/f1"), b"hello").unwrap();
        fs::write(a.join("Info.plist"), b"plist").unwrap();
        fs::create_dir(&b).unwrap();
        (dir, a, b)
    }

    fn copy_all(a: &Path, b: &Path) {
        copy_tree(a, b, CopyOptions::default(), &NoProgress, &Cancel::new()).unwrap();
    }

    #[test]
    fn an_exact_copy_verifies() {
        let (_d, a, b) = tree();
        copy_all(&a, &b);
        let r = verify_tree(&a, &b, &NoProgress, &Cancel::new()).unwrap();
        assert_eq!(r.entries, 3);
    }

    #[test]
    fn missing_extra_and_changed_entries_are_caught() {
        let (_d, a, b) = tree();
        copy_all(&a, &b);
        fs::write(b.join("extra"), b"").unwrap();
        let err = verify_tree(&a, &b, &NoProgress, &Cancel::new()).unwrap_err();
        assert!(err.to_string().contains("entries"), "{err}");
        fs::remove_file(b.join("extra")).unwrap();
        fs::remove_file(b.join("Info.plist")).unwrap();
        let err = verify_tree(&a, &b, &NoProgress, &Cancel::new()).unwrap_err();
        assert!(err.to_string().contains("missing"), "{err}");
    }

    #[test]
    fn a_newer_original_means_it_changed_during_the_copy() {
        let (_d, a, b) = tree();
        copy_all(&a, &b);
        let f = File::options()
            .write(true)
            .open(a.join("Info.plist"))
            .unwrap();
        f.set_modified(std::time::SystemTime::now() + Duration::from_mins(1))
            .unwrap();
        let err = verify_tree(&a, &b, &NoProgress, &Cancel::new()).unwrap_err();
        assert!(matches!(err, Error::ChangedDuringCopy { .. }), "{err}");
    }
}

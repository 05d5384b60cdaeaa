//! Comparing a copy with its original after the copy: names, types, sizes,
//! link targets, modification times (as finely as the copy's drive keeps
//! them), permission bits and extended attributes (where both drives keep
//! them), and nothing missing or extra. A time that differs is blamed on a
//! writer only if the original really changed after the operation began;
//! otherwise the drive did not keep it. (Contents are compared by the copy
//! itself, read back from the drive; see the `read_back` module.)

use std::fs::{self, Metadata};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use crate::capabilities::CopyDrives;
use crate::error::{Error, IoContext as _, Result};
use crate::progress::{Cancel, Progress, ProgressSink, Throttle};
use crate::walk::{self, Entry, Visitor};
use crate::xattrs;

/// How thoroughly to compare.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyMode {
    /// Names, types, sizes, link targets, times, permissions and attributes.
    #[default]
    Sizes,
    /// All of that, and every file's content, read back from the drive
    /// once written and compared byte for byte with the original's.
    Full,
}

/// What a comparison knows about the copy it checks.
#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    /// What the two drives keep.
    pub drives: CopyDrives,
    /// When the operation began: an original changed since then was
    /// written to during it.
    pub since: SystemTime,
}

impl Comparison {
    /// Two exact drives, an operation begun now.
    #[must_use]
    pub fn exact_since_now() -> Self {
        Self {
            drives: CopyDrives::EXACT,
            since: SystemTime::now(),
        }
    }
}

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
    how: &Comparison,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<VerifyReport> {
    let comparer = Comparer {
        copy,
        how,
        progress,
        throttle: Throttle::new(Throttle::PROGRESS),
        files: AtomicU64::new(0),
    };
    let threads = walk::listing_threads();
    let mut report = VerifyReport::default();
    // On a drive where macOS keeps attributes in `._` companions, those are
    // the system's (it adds them as it pleases): neither side counts them.
    let drives = &how.drives;
    let original_companions = walk::Companions::skipped_if(drives.original.apple_double);
    for part in walk::walk_with(original, threads, cancel, &comparer, original_companions)? {
        report.entries += part.entries;
    }
    // Every original entry is in the copy; equal counts mean nothing extra is.
    let copy_companions = walk::Companions::skipped_if(drives.copy.apple_double);
    let copy_entries: u64 = walk::walk_with(copy, threads, cancel, &Counting, copy_companions)?
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

/// The verification's visitor: each original entry against the copy's.
struct Comparer<'a> {
    copy: &'a Path,
    how: &'a Comparison,
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
        let theirs = self.copy.join(entry.relative());
        let a = entry.metadata()?;
        let b = match fs::symlink_metadata(&theirs) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(mismatch(&theirs, "missing from the copy"));
            }
            Err(e) => return Err(Error::io(&theirs, e)),
        };
        compare_entry(entry.path, &a, &theirs, &b, self.how)?;
        report.entries += 1;
        if !a.is_file() {
            return Ok(a.is_dir());
        }
        let files = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        crate::faults::crash_point("verify-after-file");
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

/// Counts the entries of a tree, without reading any metadata.
struct Counting;

impl Visitor for Counting {
    type State = u64;

    fn state(&self) -> u64 {
        0
    }

    fn visit(&self, count: &mut u64, entry: &Entry<'_>) -> Result<bool> {
        *count += 1;
        Ok(entry.file_type.is_dir())
    }
}

/// A quick comparison of two trees (everything but content): used right
/// before deleting one of them, to catch late writes into it.
pub fn quick_compare(
    original: &Path,
    copy: &Path,
    how: &Comparison,
    cancel: &Cancel,
) -> Result<()> {
    verify_tree(original, copy, how, &crate::progress::NoProgress, cancel).map(|_| ())
}

fn compare_entry(
    ours: &Path,
    a: &Metadata,
    theirs: &Path,
    b: &Metadata,
    how: &Comparison,
) -> Result<()> {
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
            if changed_since(a, how.since) {
                return Err(Error::ChangedDuringCopy {
                    path: ours.to_owned(),
                });
            }
            return Err(mismatch(
                theirs,
                &format!("{} bytes instead of {}", b.len(), a.len()),
            ));
        }
        if let (Some(ta), Some(tb)) = (ta, tb)
            && !how.drives.same_time(ta, tb)
        {
            if changed_since(a, how.since) {
                return Err(Error::ChangedDuringCopy {
                    path: ours.to_owned(),
                });
            }
            return Err(mismatch(
                theirs,
                "the drive did not keep its modification time",
            ));
        }
    }
    if how.drives.permissions() && !fa.is_symlink() && !same_permissions(a, b) {
        return Err(mismatch(theirs, "its permissions differ"));
    }
    if how.drives.xattrs() && xattrs::read(ours)? != xattrs::read(theirs)? {
        return Err(mismatch(theirs, "its extended attributes differ"));
    }
    Ok(())
}

/// Whether the original was written to after `since`: its status-change
/// time (Unix; a writer cannot set it back) or modification time moved past it.
fn changed_since(meta: &Metadata, since: SystemTime) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let changed = std::time::UNIX_EPOCH
            + std::time::Duration::new(
                u64::try_from(meta.ctime()).unwrap_or(0),
                u32::try_from(meta.ctime_nsec()).unwrap_or(0),
            );
        changed >= since || meta.modified().is_ok_and(|m| m >= since)
    }
    #[cfg(not(unix))]
    {
        meta.modified().is_ok_and(|m| m >= since)
    }
}

fn same_permissions(a: &Metadata, b: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        a.permissions().mode() & 0o7777 == b.permissions().mode() & 0o7777
    }
    #[cfg(not(unix))]
    {
        a.permissions().readonly() == b.permissions().readonly()
    }
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
    use crate::capabilities::Capabilities;
    use crate::copy::{CopyOptions, copy_tree};
    use crate::progress::NoProgress;
    use std::fs::File;
    use std::time::Duration;

    fn tree() -> (tempfile::TempDir, PathBuf, PathBuf, Comparison) {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        fs::create_dir_all(a.join("00")).unwrap();
        fs::write(a.join("00/f1"), b"hello").unwrap();
        fs::write(a.join("Info.plist"), b"plist").unwrap();
        fs::create_dir(&b).unwrap();
        let how = Comparison::exact_since_now();
        (dir, a, b, how)
    }

    fn copy_all(a: &Path, b: &Path) {
        copy_tree(a, b, CopyOptions::default(), &NoProgress, &Cancel::new()).unwrap();
    }

    fn verify(a: &Path, b: &Path, how: &Comparison) -> Result<VerifyReport> {
        verify_tree(a, b, how, &NoProgress, &Cancel::new())
    }

    #[test]
    fn an_exact_copy_verifies() {
        let (_d, a, b, how) = tree();
        copy_all(&a, &b);
        assert_eq!(verify(&a, &b, &how).unwrap().entries, 3);
    }

    #[test]
    fn missing_extra_and_changed_entries_are_caught() {
        let (_d, a, b, how) = tree();
        copy_all(&a, &b);
        fs::write(b.join("extra"), b"").unwrap();
        let err = verify(&a, &b, &how).unwrap_err();
        assert!(err.to_string().contains("entries"), "{err}");
        fs::remove_file(b.join("extra")).unwrap();
        fs::remove_file(b.join("Info.plist")).unwrap();
        let err = verify(&a, &b, &how).unwrap_err();
        assert!(err.to_string().contains("missing"), "{err}");
    }

    #[test]
    fn a_newer_original_means_it_changed_during_the_copy() {
        let (_d, a, b, how) = tree();
        copy_all(&a, &b);
        let f = File::options()
            .write(true)
            .open(a.join("Info.plist"))
            .unwrap();
        f.set_modified(SystemTime::now() + Duration::from_mins(1))
            .unwrap();
        let err = verify(&a, &b, &how).unwrap_err();
        assert!(matches!(err, Error::ChangedDuringCopy { .. }), "{err}");
    }

    /// Issue 13: a drive that keeps coarser times than the original's
    /// (NTFS 100 ns, exFAT 10 ms, FAT 2 s) is not a writer at work.
    #[test]
    fn a_time_the_drive_rounded_is_accepted_and_never_blamed_on_itunes() {
        let (_d, a, b, _) = tree();
        let original = a.join("Info.plist");
        File::options()
            .write(true)
            .open(&original)
            .unwrap()
            .set_modified(std::time::UNIX_EPOCH + Duration::new(1_700_000_001, 987_654_321))
            .unwrap();
        copy_all(&a, &b);
        // What FAT keeps of that time: the even second below.
        File::options()
            .write(true)
            .open(b.join("Info.plist"))
            .unwrap()
            .set_modified(std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
            .unwrap();
        let exact_after_copy = Comparison::exact_since_now();
        let err = verify(&a, &b, &exact_after_copy).unwrap_err();
        assert!(matches!(err, Error::Mismatch { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("did not keep its modification time"),
            "{err}"
        );
        assert!(!err.to_string().contains("iTunes"), "{err}");
        let fat = Comparison {
            drives: CopyDrives {
                copy: Capabilities {
                    time_granularity: Some(Duration::from_secs(2)),
                    ..Capabilities::EXACT
                },
                ..CopyDrives::EXACT
            },
            ..exact_after_copy
        };
        verify(&a, &b, &fat).unwrap();
    }

    /// Issue 19: on exFAT, FAT and many shares macOS writes a `._` file
    /// beside each file it adds an attribute to (a downloaded app's copies
    /// get `com.apple.provenance`): the copy then held twice the entries
    /// and every move was undone. Companions are the drive's, not a copy's.
    #[test]
    fn apple_double_companions_on_the_copys_drive_are_not_extra_entries() {
        let (_d, a, b, how) = tree();
        copy_all(&a, &b);
        let magic = crate::apple_double::MAGIC;
        fs::write(b.join("._Info.plist"), magic).unwrap();
        fs::write(b.join("00/._f1"), magic).unwrap();
        let err = verify(&a, &b, &how).unwrap_err();
        assert!(err.to_string().contains("entries"), "{err}");
        let exfat_on_a_mac = Comparison {
            drives: CopyDrives {
                copy: Capabilities {
                    xattrs: false,
                    apple_double: true,
                    ..Capabilities::EXACT
                },
                ..CopyDrives::EXACT
            },
            ..how
        };
        assert_eq!(verify(&a, &b, &exfat_on_a_mac).unwrap().entries, 3);
        // A file of the copy's own that is not one still counts.
        fs::write(b.join("._notes"), b"not AppleDouble").unwrap();
        assert!(verify(&a, &b, &exfat_on_a_mac).is_err());
    }

    /// Issue 19: a move back from such a drive never carries the
    /// companions to the Mac, and the copy verifies.
    #[test]
    fn apple_double_companions_of_the_original_are_never_copied() {
        let (_d, a, b, how) = tree();
        let magic = crate::apple_double::MAGIC;
        fs::write(a.join("._Info.plist"), magic).unwrap();
        fs::write(a.join("00/._f1"), magic).unwrap();
        let from_exfat = CopyDrives {
            original: Capabilities {
                xattrs: false,
                apple_double: true,
                ..Capabilities::EXACT
            },
            ..CopyDrives::EXACT
        };
        let options = CopyOptions {
            drives: from_exfat,
            ..CopyOptions::default()
        };
        let report = copy_tree(&a, &b, options, &NoProgress, &Cancel::new()).unwrap();
        assert_eq!(report.files, 2);
        assert!(!b.join("._Info.plist").exists() && !b.join("00/._f1").exists());
        let how = Comparison {
            drives: from_exfat,
            ..how
        };
        assert_eq!(verify(&a, &b, &how).unwrap().entries, 3);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_compared_only_where_both_drives_keep_them() {
        use std::os::unix::fs::PermissionsExt as _;
        let (_d, a, b, how) = tree();
        copy_all(&a, &b);
        fs::set_permissions(b.join("00/f1"), fs::Permissions::from_mode(0o600)).unwrap();
        fs::set_permissions(a.join("00/f1"), fs::Permissions::from_mode(0o644)).unwrap();
        let err = verify(&a, &b, &how).unwrap_err();
        assert!(err.to_string().contains("permissions"), "{err}");
        let exfat = Comparison {
            drives: CopyDrives {
                copy: Capabilities {
                    permissions: false,
                    ..Capabilities::EXACT
                },
                ..CopyDrives::EXACT
            },
            ..how
        };
        verify(&a, &b, &exfat).unwrap();
    }
}

//! Comparing a copy with its original: names, types, sizes, link targets and
//! modification times always; file contents by BLAKE3 when asked. A file
//! whose time moved since the copy means the original changed meanwhile.

use std::collections::HashSet;
use std::fs::{self, File, Metadata};
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::copy::Hashes;
use crate::error::{Error, IoContext as _, Result};
use crate::file_id::shared_identity;
use crate::marker::MARKER_FILE;
use crate::progress::{Cancel, Progress, ProgressSink, Throttle};
use crate::walk::{self, Entry, Visitor};

/// How thoroughly to compare.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyMode {
    /// Names, types, sizes, link targets and times.
    #[default]
    Sizes,
    /// All of that, and every file's content by BLAKE3.
    Full,
}

/// Modification times may differ this much (FAT and exFAT keep 2-second times).
const TIME_TOLERANCE: Duration = Duration::from_secs(2);

/// What the comparison covered.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries compared (files, folders, links).
    pub entries: u64,
    /// Bytes whose content was hashed on the copy's side.
    pub bytes_hashed: u64,
}

/// Compares the tree `copy` with `original`, on the parallel walk. With
/// `VerifyMode::Full`, file contents are hashed: the copy's side always, the
/// original's side only where `known` has no hash from the copy.
pub fn verify_tree(
    original: &Path,
    copy: &Path,
    mode: VerifyMode,
    known: Option<&Hashes>,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<VerifyReport> {
    let comparer = Comparer {
        original,
        copy,
        mode,
        known,
        progress,
        throttle: Throttle::new(Throttle::PROGRESS),
        bytes_hashed: AtomicU64::new(0),
        files: AtomicU64::new(0),
        hashed: Mutex::new(HashSet::new()),
        cancel,
    };
    let threads = walk::default_threads();
    let mut report = VerifyReport::default();
    for part in walk::walk(original, threads, cancel, &comparer)? {
        report.entries += part.entries;
        report.bytes_hashed += part.bytes_hashed;
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

/// Whether a walk should look at this entry: folders, files and links,
/// not our root-level marker, not special files (which are never copied).
fn compared(entry: &Entry<'_>) -> bool {
    let ft = entry.file_type;
    (ft.is_dir() || ft.is_file() || ft.is_symlink())
        && !(entry.depth == 1 && entry.file_name() == MARKER_FILE)
}

/// The verification's visitor: each original entry against the copy's.
struct Comparer<'a> {
    original: &'a Path,
    copy: &'a Path,
    mode: VerifyMode,
    known: Option<&'a Hashes>,
    progress: &'a dyn ProgressSink,
    throttle: Throttle,
    bytes_hashed: AtomicU64,
    files: AtomicU64,
    /// Hard-linked files of the copy already hashed, by (device, inode).
    hashed: Mutex<HashSet<(u64, u64)>>,
    cancel: &'a Cancel,
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
        let rel = entry
            .path
            .strip_prefix(self.original)
            .expect("walk stays under its root");
        let theirs = self.copy.join(rel);
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
        let mut hashed_now = 0;
        if self.mode == VerifyMode::Full && self.first_time(&b) {
            let copy_hash = hash_file(&theirs, self.cancel)?;
            let original_hash = match self.known.and_then(|k| k.get(rel)) {
                Some(h) => *h,
                None => hash_file(entry.path, self.cancel)?,
            };
            if copy_hash != original_hash {
                return Err(mismatch(&theirs, "its content differs"));
            }
            report.bytes_hashed += b.len();
            hashed_now = b.len();
        }
        let bytes = self.bytes_hashed.fetch_add(hashed_now, Ordering::Relaxed) + hashed_now;
        let files = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        if self.throttle.ready() {
            self.progress.report(Progress::Copied {
                bytes,
                files,
                current: entry.path.to_owned(),
            });
        }
        Ok(false)
    }
}

impl Comparer<'_> {
    /// Whether this copy file has not been hashed yet (hard links once).
    fn first_time(&self, copy_meta: &Metadata) -> bool {
        shared_identity(copy_meta).is_none_or(|id| {
            self.hashed
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(id)
        })
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
    verify_tree(
        original,
        copy,
        VerifyMode::Sizes,
        None,
        &crate::progress::NoProgress,
        cancel,
    )
    .map(|_| ())
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

/// The BLAKE3 hash of a file's content.
pub fn hash_file(path: &Path, cancel: &Cancel) -> Result<blake3::Hash> {
    let mut file = File::open(path).at(path)?;
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0u8; 1024 * 1024];
    loop {
        let n = match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(path, e)),
        };
        hasher.update(&buffer[..n]);
        cancel.check()?;
    }
    Ok(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::copy::{CopyOptions, copy_tree};
    use crate::progress::NoProgress;

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

    fn copy_all(a: &Path, b: &Path, hash: bool) -> Hashes {
        let opts = CopyOptions {
            hash,
            ..CopyOptions::default()
        };
        copy_tree(a, b, opts, &NoProgress, &Cancel::new())
            .unwrap()
            .hashes
    }

    #[test]
    fn an_exact_copy_verifies_both_ways() {
        let (_d, a, b) = tree();
        let hashes = copy_all(&a, &b, true);
        verify_tree(&a, &b, VerifyMode::Sizes, None, &NoProgress, &Cancel::new()).unwrap();
        let r = verify_tree(
            &a,
            &b,
            VerifyMode::Full,
            Some(&hashes),
            &NoProgress,
            &Cancel::new(),
        )
        .unwrap();
        assert_eq!(r.bytes_hashed, 10);
        assert_eq!(r.entries, 3);
    }

    #[test]
    fn same_size_different_content_is_caught_only_by_full() {
        let (_d, a, b) = tree();
        let hashes = copy_all(&a, &b, true);
        let victim = b.join("00/f1");
        let mtime = fs::metadata(&victim).unwrap().modified().unwrap();
        fs::write(&victim, b"HELLO").unwrap();
        File::options()
            .write(true)
            .open(&victim)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        verify_tree(&a, &b, VerifyMode::Sizes, None, &NoProgress, &Cancel::new()).unwrap();
        let err = verify_tree(
            &a,
            &b,
            VerifyMode::Full,
            Some(&hashes),
            &NoProgress,
            &Cancel::new(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("content differs"), "{err}");
    }

    #[test]
    fn missing_extra_and_changed_entries_are_caught() {
        let (_d, a, b) = tree();
        copy_all(&a, &b, false);
        fs::write(b.join("extra"), b"").unwrap();
        let err =
            verify_tree(&a, &b, VerifyMode::Sizes, None, &NoProgress, &Cancel::new()).unwrap_err();
        assert!(err.to_string().contains("entries"), "{err}");
        fs::remove_file(b.join("extra")).unwrap();
        fs::remove_file(b.join("Info.plist")).unwrap();
        let err =
            verify_tree(&a, &b, VerifyMode::Sizes, None, &NoProgress, &Cancel::new()).unwrap_err();
        assert!(err.to_string().contains("missing"), "{err}");
    }

    #[test]
    fn a_newer_original_means_it_changed_during_the_copy() {
        let (_d, a, b) = tree();
        copy_all(&a, &b, false);
        let f = File::options()
            .write(true)
            .open(a.join("Info.plist"))
            .unwrap();
        f.set_modified(std::time::SystemTime::now() + Duration::from_mins(1))
            .unwrap();
        let err =
            verify_tree(&a, &b, VerifyMode::Sizes, None, &NoProgress, &Cancel::new()).unwrap_err();
        assert!(matches!(err, Error::ChangedDuringCopy { .. }), "{err}");
    }
}

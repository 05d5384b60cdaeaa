//! Sizing a tree: total bytes and files, with progress and cancel. Never
//! follows links, counts a hard-linked file once, and collects unreadable
//! entries as errors instead of stopping.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::{Error, Result};
use crate::file_id::shared_identity;
use crate::marker::MARKER_FILE;
use crate::progress::{Cancel, Progress, ProgressSink, Throttle};

/// What a scan found.
#[derive(Debug, Default)]
pub struct ScanTotals {
    /// Sum of the regular files' sizes, each hard-linked file once.
    pub bytes: u64,
    /// Number of regular files, each hard-linked file once.
    pub files: u64,
    /// Number of folders, the root included.
    pub folders: u64,
    /// Number of symbolic links (counted, never followed).
    pub links: u64,
    /// Extra names of hard-linked files (not counted in `files`).
    pub extra_hard_links: u64,
    /// The largest regular file and its size.
    pub largest_file: Option<(PathBuf, u64)>,
    /// Entries that could not be read; the scan went on without them.
    pub errors: Vec<Error>,
}

/// Sizes the tree at `root` (the root itself must be readable).
pub fn scan(root: &Path, progress: &dyn ProgressSink, cancel: &Cancel) -> Result<ScanTotals> {
    std::fs::symlink_metadata(root).map_err(|e| Error::io(root, e))?;
    let mut totals = ScanTotals::default();
    let mut seen: HashSet<(u64, u64)> = HashSet::new();
    let throttle = Throttle::new(Throttle::PROGRESS);
    let walk = WalkDir::new(root).follow_links(false).into_iter();
    // Our own marker file is not part of the backups.
    let walk = walk.filter_entry(|e| !(e.depth() == 1 && e.file_name() == MARKER_FILE));
    for (n, entry) in walk.enumerate() {
        if n % 256 == 0 {
            cancel.check()?;
        }
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(root).to_owned();
                totals.errors.push(Error::io(path, e.into()));
                continue;
            }
        };
        let ft = entry.file_type();
        if ft.is_dir() {
            totals.folders += 1;
        } else if ft.is_symlink() {
            totals.links += 1;
        } else if ft.is_file() {
            let meta = match entry.metadata() {
                Ok(m) => m,
                Err(e) => {
                    totals.errors.push(Error::io(entry.path(), e.into()));
                    continue;
                }
            };
            if let Some(id) = shared_identity(&meta)
                && !seen.insert(id)
            {
                totals.extra_hard_links += 1;
                continue;
            }
            let len = meta.len();
            totals.bytes += len;
            totals.files += 1;
            if totals.largest_file.as_ref().is_none_or(|(_, l)| len > *l) {
                totals.largest_file = Some((entry.path().to_owned(), len));
            }
            if throttle.ready() {
                progress.report(Progress::Scanned {
                    bytes: totals.bytes,
                    files: totals.files,
                });
            }
        }
    }
    progress.report(Progress::Scanned {
        bytes: totals.bytes,
        files: totals.files,
    });
    Ok(totals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;
    use std::fs;

    #[test]
    fn counts_bytes_and_files_once_per_hard_link_and_never_follows_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        fs::create_dir_all(root.join("a/b")).unwrap();
        fs::write(root.join("a/one"), vec![0u8; 1000]).unwrap();
        fs::write(root.join("a/b/two"), vec![0u8; 24]).unwrap();
        fs::hard_link(root.join("a/one"), root.join("a/one-again")).unwrap();
        let outside = dir.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("big"), vec![0u8; 5000]).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("link-to-outside")).unwrap();

        let t = scan(&root, &NoProgress, &Cancel::new()).unwrap();
        assert_eq!(t.bytes, 1024);
        assert_eq!(t.files, 2);
        assert_eq!(t.extra_hard_links, 1);
        assert_eq!(t.links, 1);
        assert_eq!(t.folders, 3);
        assert_eq!(t.largest_file.unwrap().1, 1000);
        assert!(t.errors.is_empty());
    }

    #[test]
    fn a_cancelled_scan_stops_with_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        let cancel = Cancel::new();
        cancel.cancel();
        assert!(matches!(
            scan(dir.path(), &NoProgress, &cancel),
            Err(Error::Cancelled)
        ));
    }

    #[test]
    fn a_missing_root_is_an_error_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let err = scan(&dir.path().join("nope"), &NoProgress, &Cancel::new()).unwrap_err();
        assert!(err.to_string().contains("nope: not found"), "{err}");
    }
}

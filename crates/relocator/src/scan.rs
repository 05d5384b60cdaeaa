//! Sizing a tree (on the parallel walk): total bytes and files, with progress and cancel. Never
//! follows links, counts a hard-linked file once, and collects unreadable
//! entries as errors instead of stopping.

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};
use crate::file_id::shared_identity;
use crate::freshness::ActivityByFolder;
use crate::progress::{Cancel, Progress, ProgressSink, Throttle};
use crate::walk::{self, Entry, Visitor};

/// Special entries named as examples, at most.
const SPECIAL_EXAMPLES: usize = 5;
/// Files a walk thread counts before it adds them to the shared counts
/// and looks at the clock for progress (each look is a cache line shared
/// by every thread, and a clock read): few enough that a slow drive (a
/// share answering each file in 0.1 s) still shows progress every few
/// seconds.
const FILES_PER_REPORT: u64 = 32;

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
    /// Entries that are neither files, folders nor links (pipes, sockets,
    /// devices), which no copy can reproduce: how many.
    pub special: u64,
    /// The first few of them.
    pub special_examples: Vec<PathBuf>,
    /// Per folder at the top (each device's backup): its newest change and
    /// metadata files, for the finishing gate (see [`crate::freshness`]).
    pub activity: ActivityByFolder,
    /// Per folder at the top: its bytes and files (each hard-linked file
    /// once, counted in the folder where the scan met it first).
    pub by_folder: BTreeMap<OsString, FolderTotals>,
    /// Entries that could not be read; the scan went on without them.
    pub errors: Vec<Error>,
    /// Names in one folder that differ only by case.
    pub case_twins: crate::case_twins::CaseTwins,
}

/// The size of one folder at the top of the scanned tree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FolderTotals {
    /// Bytes of its regular files.
    pub bytes: u64,
    /// Its regular files.
    pub files: u64,
}

/// Sizes the tree at `root` (the root itself must be readable), on
/// `walk::listing_threads` threads.
pub fn scan(root: &Path, progress: &dyn ProgressSink, cancel: &Cancel) -> Result<ScanTotals> {
    std::fs::symlink_metadata(root).map_err(|e| Error::io(root, e))?;
    let sizing = Sizing {
        progress,
        throttle: Throttle::new(Throttle::PROGRESS),
        bytes: AtomicU64::new(0),
        files: AtomicU64::new(0),
        seen: Mutex::new(HashSet::new()),
    };
    let parts = walk::walk(root, walk::listing_threads(), cancel, &sizing)?;
    let mut totals = ScanTotals {
        folders: 1,
        ..ScanTotals::default()
    };
    for Tally { totals: part, .. } in parts {
        totals.bytes += part.bytes;
        totals.files += part.files;
        totals.folders += part.folders;
        totals.links += part.links;
        totals.extra_hard_links += part.extra_hard_links;
        if let Some((path, len)) = part.largest_file
            && totals.largest_file.as_ref().is_none_or(|(_, l)| len > *l)
        {
            totals.largest_file = Some((path, len));
        }
        totals.special += part.special;
        totals.special_examples.extend(part.special_examples);
        for (folder, seen) in part.activity {
            totals.activity.entry(folder).or_default().merge(&seen);
        }
        for (folder, size) in part.by_folder {
            let sum = totals.by_folder.entry(folder).or_default();
            sum.bytes += size.bytes;
            sum.files += size.files;
        }
        totals.errors.extend(part.errors);
        totals.case_twins.merge(&part.case_twins);
    }
    totals.special_examples.sort();
    totals.special_examples.truncate(SPECIAL_EXAMPLES);
    progress.report(Progress::Scanned {
        bytes: totals.bytes,
        files: totals.files,
    });
    Ok(totals)
}

/// The scan's visitor: per-thread totals, shared running counts for progress.
struct Sizing<'a> {
    progress: &'a dyn ProgressSink,
    throttle: Throttle,
    bytes: AtomicU64,
    files: AtomicU64,
    /// Hard-linked files seen, by (device, inode): only files with several names.
    seen: Mutex<HashSet<(u64, u64)>>,
}

/// One walk thread's totals, and what it has not yet added to the shared counts.
#[derive(Default)]
struct Tally {
    totals: ScanTotals,
    unreported_bytes: u64,
    unreported_files: u64,
}

impl Visitor for Sizing<'_> {
    type State = Tally;

    fn state(&self) -> Tally {
        Tally::default()
    }

    fn visit(&self, tally: &mut Tally, entry: &Entry<'_>) -> Result<bool> {
        let totals = &mut tally.totals;
        totals.case_twins.note(entry.folder, entry.file_name());
        let ft = entry.file_type;
        if ft.is_dir() {
            totals.folders += 1;
            return Ok(true);
        }
        if ft.is_symlink() {
            totals.links += 1;
            return Ok(false);
        }
        if !ft.is_file() {
            totals.special += 1;
            if totals.special_examples.len() < SPECIAL_EXAMPLES {
                totals.special_examples.push(entry.path.to_owned());
            }
            return Ok(false);
        }
        let meta = match entry.metadata() {
            Ok(m) => m,
            Err(e) => {
                totals.errors.push(e);
                return Ok(false);
            }
        };
        // Every name counts for the finishing gate (a hard link may be the
        // name Apple's metadata file has); the bytes only once.
        let top = match entry.relative().components().next() {
            Some(Component::Normal(top)) if entry.depth >= 2 => Some(top),
            _ => None,
        };
        if let Some(top) = top {
            let at_top = (entry.depth == 2).then(|| entry.file_name());
            let activity = match totals.activity.get_mut(top) {
                Some(a) => a,
                None => totals.activity.entry(top.to_owned()).or_default(),
            };
            activity.note(at_top, meta.len(), meta.modified().ok());
        }
        if let Some(id) = shared_identity(&meta)
            && !self
                .seen
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(id)
        {
            totals.extra_hard_links += 1;
            return Ok(false);
        }
        let len = meta.len();
        totals.bytes += len;
        totals.files += 1;
        if let Some(top) = top {
            let size = match totals.by_folder.get_mut(top) {
                Some(s) => s,
                None => totals.by_folder.entry(top.to_owned()).or_default(),
            };
            size.bytes += len;
            size.files += 1;
        }

        if totals.largest_file.as_ref().is_none_or(|(_, l)| len > *l) {
            totals.largest_file = Some((entry.path.to_owned(), len));
        }
        tally.unreported_bytes += len;
        tally.unreported_files += 1;
        if tally.unreported_files >= FILES_PER_REPORT {
            let (len, count) = (tally.unreported_bytes, tally.unreported_files);
            (tally.unreported_bytes, tally.unreported_files) = (0, 0);
            let bytes = self.bytes.fetch_add(len, Ordering::Relaxed) + len;
            let files = self.files.fetch_add(count, Ordering::Relaxed) + count;
            if self.throttle.ready() {
                self.progress.report(Progress::Scanned { bytes, files });
            }
        }
        Ok(false)
    }

    fn unreadable(&self, tally: &mut Tally, error: Error) -> Result<()> {
        tally.totals.errors.push(error);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    #[cfg(unix)]
    #[test]
    fn counts_bytes_and_files_once_per_hard_link_and_never_follows_links() {
        use std::fs;
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
        assert_eq!(
            t.by_folder.get(std::ffi::OsStr::new("a")),
            Some(&FolderTotals {
                bytes: 1024,
                files: 2
            })
        );
        assert_eq!(t.by_folder.len(), 1, "{:?}", t.by_folder);
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_counted_and_named() {
        let dir = tempfile::tempdir().unwrap();
        // A socket (rustix has no mknodat for a FIFO on macOS).
        let socket = dir.path().join("a-socket");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        std::fs::write(dir.path().join("file"), b"x").unwrap();
        let t = scan(dir.path(), &NoProgress, &Cancel::new()).unwrap();
        assert_eq!((t.files, t.special), (1, 1));
        assert_eq!(t.special_examples, [socket]);
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

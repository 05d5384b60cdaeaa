//! Deleting a tree we no longer need (the set-aside original after a move,
//! the drive's copy after a move back, the old copy after a move on, a
//! partial copy being undone) as fast as the disk allows: the files by all
//! walk threads as they are found, the folders deepest first once empty,
//! our root marker last, the root itself at the very end. A crash at any
//! moment leaves a marked folder that recovery finishes deleting; nothing
//! outside the tree is touched, and links inside it are removed, never
//! followed. Progress counts the files and bytes freed.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::error::{Error, Result};
use crate::faults::crash_point;
use crate::names::{MARKER_FILE, TEMPORARY_FILE};
use crate::progress::{Cancel, Progress, ProgressSink, Throttle};
use crate::walk::{self, Entry, Visitor};

/// What a removal freed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Freed {
    /// Bytes of the files deleted.
    pub bytes: u64,
    /// Files and links deleted.
    pub files: u64,
}

/// The removal's visitor: deletes files and links, notes folders.
struct Remover<'a> {
    progress: &'a dyn ProgressSink,
    throttle: Throttle,
    bytes: AtomicU64,
    files: AtomicU64,
}

/// One thread's folders to remove once they are empty, and (Unix) the
/// folder it is deleting in, open, so each name is unlinked relative to it
/// instead of resolving its whole path again.
#[derive(Default)]
struct Part {
    folders: Vec<(usize, PathBuf)>,
    #[cfg(unix)]
    open_folder: Option<(PathBuf, std::os::fd::OwnedFd)>,
}

impl Visitor for Remover<'_> {
    type State = Part;

    fn state(&self) -> Part {
        Part::default()
    }

    fn visit(&self, part: &mut Part, entry: &Entry<'_>) -> Result<bool> {
        if entry.file_type.is_dir() {
            part.folders.push((entry.depth, entry.path.to_owned()));
            return Ok(true);
        }
        let len = if entry.file_type.is_file() {
            entry.metadata().map_or(0, |m| m.len())
        } else {
            0
        };
        remove_entry(part, entry)?;
        let bytes = self.bytes.fetch_add(len, Ordering::Relaxed) + len;
        let files = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        if self.throttle.ready() {
            self.progress.report(Progress::Copied {
                bytes,
                files,
                current: entry.path.to_owned(),
            });
        }
        crash_point("deleting-after-file");
        Ok(false)
    }
}

/// Deletes the tree at `root`, the root included; our marker at its top
/// goes last. Not cancellable: a deletion is past the point of no return
/// of its operation.
pub fn remove_tree(root: &Path, progress: &dyn ProgressSink) -> Result<Freed> {
    match fs::symlink_metadata(root) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Freed::default()),
        Err(e) => return Err(Error::io(root, e)),
        Ok(m) if !m.is_dir() => {
            return Err(Error::NotOurLink {
                path: root.to_owned(),
                found: crate::names::describe_file_type(&m),
            });
        }
        Ok(_) => {}
    }
    let remover = Remover {
        progress,
        throttle: Throttle::new(Throttle::PROGRESS),
        bytes: AtomicU64::new(0),
        files: AtomicU64::new(0),
    };
    let mut folders: Vec<(usize, PathBuf)> = walk::walk_with(
        root,
        walk::default_threads(),
        &Cancel::new(),
        &remover,
        walk::Companions::Shown,
    )?
    .into_iter()
    .flat_map(|part| part.folders)
    .collect();
    // Deepest first: a folder is empty once its subfolders are gone. The
    // folders of one depth go on several threads.
    folders.sort_by_key(|(depth, _)| std::cmp::Reverse(*depth));
    for level in folders.chunk_by(|a, b| a.0 == b.0) {
        remove_empty_dirs(level)?;
    }
    // A marker's temporary file (a crash cut its rewriting short) before
    // the marker itself: the marker stays the last proof the folder is ours.
    remove_file(&root.join(TEMPORARY_FILE))?;
    let marker = root.join(MARKER_FILE);
    crash_point("deleting-before-marker");
    remove_file(&marker)?;
    crash_point("deleting-after-marker");
    remove_empty_dir(root)?;
    crate::durable::sync_parent(root)?;
    let freed = Freed {
        bytes: remover.bytes.load(Ordering::Relaxed),
        files: remover.files.load(Ordering::Relaxed),
    };
    progress.report(Progress::Copied {
        bytes: freed.bytes,
        files: freed.files,
        current: root.to_owned(),
    });
    Ok(freed)
}

/// Removes a file or link found by the walk: on Unix by its name in its
/// folder, kept open while the thread works through it.
fn remove_entry(part: &mut Part, entry: &Entry<'_>) -> Result<()> {
    #[cfg(unix)]
    {
        let folder = entry.folder;
        let reopen = part.open_folder.as_ref().is_none_or(|(p, _)| p != folder);
        if reopen {
            part.open_folder = rustix::fs::open(
                folder,
                rustix::fs::OFlags::RDONLY
                    | rustix::fs::OFlags::DIRECTORY
                    | rustix::fs::OFlags::CLOEXEC,
                rustix::fs::Mode::empty(),
            )
            .ok()
            .map(|fd| (folder.to_owned(), fd));
        }
        if let Some((_, fd)) = &part.open_folder {
            match rustix::fs::unlinkat(fd, entry.file_name(), rustix::fs::AtFlags::empty()) {
                Ok(()) | Err(rustix::io::Errno::NOENT) => return Ok(()),
                // Permissions and the like: the path-based way lifts them.
                Err(_) => {}
            }
        }
    }
    let _ = part;
    remove_file(entry.path)
}

/// Removes a file or link. Permission bits that forbid it are lifted
/// first where we may (a read-only file on Windows, a read-only folder on
/// Unix); a file another program holds for a moment is tried again.
fn remove_file(path: &Path) -> Result<()> {
    crate::in_use::retrying(path, || match fs::remove_file(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied && make_removable(path) => {
            fs::remove_file(path)
        }
        other => other,
    })
}

/// Removes the empty folders of one depth on the walk's number of threads,
/// the calling one among them (fewer if the system refuses a thread).
/// Returns the first error.
fn remove_empty_dirs(level: &[(usize, PathBuf)]) -> Result<()> {
    let next = AtomicUsize::new(0);
    let work = || -> Result<()> {
        while let Some((_, folder)) = level.get(next.fetch_add(1, Ordering::Relaxed)) {
            remove_empty_dir(folder)?;
        }
        Ok(())
    };
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..walk::default_threads().min(level.len()))
            .filter_map(|i| {
                std::thread::Builder::new()
                    .name(format!("remove-{i}"))
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mine = work();
        helpers
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .fold(mine, Result::and)
    })
}

/// Removes an empty folder (an already gone one is fine), trying again
/// while another program holds it for a moment.
fn remove_empty_dir(dir: &Path) -> Result<()> {
    crate::in_use::retrying(dir, || match fs::remove_dir(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied && make_removable(dir) => {
            fs::remove_dir(dir)
        }
        other => other,
    })
}

/// Lifts what keeps `path` from being deleted: its read-only attribute
/// (Windows), or a folder above it that its owner may not write (Unix).
/// Returns whether anything was changed, so the deletion may be retried.
fn make_removable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let Some(parent) = path.parent() else {
            return false;
        };
        let Ok(meta) = fs::metadata(parent) else {
            return false;
        };
        let mode = meta.permissions().mode();
        mode & 0o300 != 0o300
            && fs::set_permissions(parent, fs::Permissions::from_mode(mode | 0o700)).is_ok()
    }
    #[cfg(not(unix))]
    {
        let Ok(meta) = fs::symlink_metadata(path) else {
            return false;
        };
        let mut permissions = meta.permissions();
        if !permissions.readonly() {
            return false;
        }
        #[expect(
            clippy::permissions_set_readonly_false,
            reason = "Windows: only the read-only attribute, on a file we are deleting"
        )]
        permissions.set_readonly(false);
        fs::set_permissions(path, permissions).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn tree(root: &Path) -> u64 {
        let mut bytes = 0;
        for d in 0..6u64 {
            let dir = root.join(format!("{d:02x}"));
            fs::create_dir_all(dir.join("inner")).unwrap();
            for f in 0..20u64 {
                let len = d * 100 + f;
                fs::write(
                    dir.join(format!("file-{f}")),
                    vec![7u8; usize::try_from(len).unwrap()],
                )
                .unwrap();
                bytes += len;
            }
            fs::write(dir.join("inner").join("deep"), b"x").unwrap();
            bytes += 1;
        }
        fs::write(root.join(MARKER_FILE), b"{}").unwrap();
        fs::write(root.join(TEMPORARY_FILE), b"{").unwrap();
        bytes
    }

    #[test]
    fn everything_goes_and_progress_reaches_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("Backup");
        let bytes = tree(&root);
        let seen = Mutex::new(Vec::new());
        let sink = |p: Progress| {
            if let Progress::Copied { bytes, files, .. } = p {
                seen.lock().unwrap().push((bytes, files));
            }
        };
        let freed = remove_tree(&root, &sink).unwrap();
        assert!(!root.exists());
        assert_eq!(
            freed,
            Freed {
                bytes,
                files: 6 * 21
            }
        );
        // The last event says 100 %: every file and byte freed.
        assert_eq!(seen.lock().unwrap().last(), Some(&(bytes, 6 * 21)));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_are_removed_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("Backup");
        let outside = dir.path().join("outside");
        fs::create_dir_all(&root).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("precious"), b"keep").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
        remove_tree(&root, &crate::progress::NoProgress).unwrap();
        assert_eq!(fs::read(outside.join("precious")).unwrap(), b"keep");
    }

    #[test]
    fn a_missing_tree_is_already_removed_and_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            remove_tree(&dir.path().join("gone"), &crate::progress::NoProgress).unwrap(),
            Freed::default()
        );
        let file = dir.path().join("file");
        fs::write(&file, b"x").unwrap();
        assert!(remove_tree(&file, &crate::progress::NoProgress).is_err());
        assert!(file.exists());
    }
}

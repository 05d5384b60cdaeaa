//! The copy engine: streams a tree into an existing, empty destination
//! folder. Files are created new (never overwriting), symbolic links are
//! copied as links, hard links stay hard links, modification times and
//! permission bits are kept. Progress moves inside large files, cancel is
//! checked often, and everything is flushed to the disk at the end.

use std::collections::HashMap;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::durable;
use crate::error::{Error, IoContext as _, Result};
use crate::faults::crash_point;
use crate::file_id::shared_identity;
use crate::marker::MARKER_FILE;
use crate::progress::{Cancel, Progress, ProgressSink, Throttle};

/// Bytes copied between two cancel checks and progress updates inside a file.
const CHUNK: u64 = 8 * 1024 * 1024;
/// The buffer used when the bytes must pass through user space (hashing).
const HASH_BUFFER: usize = 1024 * 1024;

/// What the copy should also do.
#[derive(Debug, Clone, Copy)]
pub struct CopyOptions {
    /// Hash every file's content (BLAKE3) while copying, for a full verification.
    pub hash: bool,
    /// At most one progress event per this interval.
    pub progress_interval: std::time::Duration,
}

impl Default for CopyOptions {
    fn default() -> Self {
        Self {
            hash: false,
            progress_interval: Throttle::PROGRESS,
        }
    }
}

/// The hash of each copied file, by path relative to the tree's root.
pub type Hashes = HashMap<PathBuf, blake3::Hash>;

/// What was copied.
#[derive(Debug, Default)]
pub struct CopyReport {
    /// Bytes of file content copied (hard links once).
    pub bytes: u64,
    /// Files copied (hard links once).
    pub files: u64,
    /// Folders created.
    pub folders: u64,
    /// Symbolic links recreated.
    pub links: u64,
    /// Extra names of hard-linked files, recreated as hard links.
    pub hard_links: u64,
    /// Special files (sockets, pipes, devices) skipped.
    pub skipped_special: u64,
    /// Content hashes, when asked for.
    pub hashes: Hashes,
}

struct Counter<'a> {
    sink: &'a dyn ProgressSink,
    throttle: Throttle,
    bytes: u64,
    files: u64,
}

impl Counter<'_> {
    fn add_bytes(&mut self, n: u64, current: &Path) {
        self.bytes += n;
        if self.throttle.ready() {
            self.emit(current);
        }
    }

    fn emit(&self, current: &Path) {
        self.sink.report(Progress::Copied {
            bytes: self.bytes,
            files: self.files,
            current: current.to_owned(),
        });
    }
}

/// Copies the contents of `source` into the existing folder `destination`.
/// A root-level Backup Relocator marker in `source` is not copied (the
/// destination has its own). The destination root gets the source root's
/// permissions and modification time.
pub fn copy_tree(
    source: &Path,
    destination: &Path,
    options: CopyOptions,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<CopyReport> {
    let mut report = CopyReport::default();
    let mut counter = Counter {
        sink: progress,
        throttle: Throttle::new(options.progress_interval),
        bytes: 0,
        files: 0,
    };
    // First destination path of each hard-linked file, by (device, inode).
    let mut first_names: HashMap<(u64, u64), PathBuf> = HashMap::new();
    // Folders whose times and permissions are set once their contents are in.
    let mut folders: Vec<(PathBuf, Metadata)> = Vec::new();
    let root_meta = fs::symlink_metadata(source).at(source)?;
    folders.push((destination.to_owned(), root_meta));

    let walker = WalkDir::new(source)
        .follow_links(false)
        .min_depth(1)
        .into_iter();
    for entry in walker.filter_entry(|e| !(e.depth() == 1 && e.file_name() == MARKER_FILE)) {
        cancel.check()?;
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(source).to_owned();
            Error::io(path, e.into())
        })?;
        let rel = entry
            .path()
            .strip_prefix(source)
            .expect("walk stays under its root");
        let to = destination.join(rel);
        let meta = entry
            .metadata()
            .map_err(|e| Error::io(entry.path(), e.into()))?;
        let ft = meta.file_type();
        if ft.is_dir() {
            create_private_dir(&to)?;
            report.folders += 1;
            folders.push((to, meta));
        } else if ft.is_symlink() {
            copy_symlink(entry.path(), &to)?;
            report.links += 1;
        } else if ft.is_file() {
            if let Some(id) = shared_identity(&meta) {
                if let Some(first) = first_names.get(&id) {
                    fs::hard_link(first, &to).at(&to)?;
                    report.hard_links += 1;
                    continue;
                }
                first_names.insert(id, to.clone());
            }
            let hash = copy_file(entry.path(), &to, &meta, options, &mut counter, cancel)?;
            if let Some(h) = hash {
                report.hashes.insert(rel.to_owned(), h);
            }
            report.files += 1;
            report.bytes += meta.len();
            counter.files += 1;
            // Throttled like the in-file updates: a channel message per file
            // would cost more than copying a small file.
            if counter.throttle.ready() {
                counter.emit(entry.path());
            }
            crash_point("copy-after-file");
        } else {
            report.skipped_special += 1;
            progress.report(Progress::Warning {
                message: format!("{}: a special file, not copied", entry.path().display()),
            });
        }
    }
    counter.emit(source);
    // Deepest first, so setting a folder's time is not undone by its children.
    for (dir, meta) in folders.iter().rev() {
        apply_folder_metadata(dir, meta)?;
    }
    durable::flush_tree(destination)?;
    Ok(report)
}

fn create_private_dir(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        // Private until its real permissions are applied at the end.
        fs::DirBuilder::new().mode(0o700).create(path).at(path)
    }
    #[cfg(not(unix))]
    {
        fs::create_dir(path).at(path)
    }
}

fn copy_symlink(from: &Path, to: &Path) -> Result<()> {
    let target = fs::read_link(from).at(from)?;
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&target, to).at(to)?;
    }
    #[cfg(windows)]
    {
        let resolved = crate::locations::resolve_link_target(from, &target);
        if resolved.is_dir() {
            std::os::windows::fs::symlink_dir(&target, to).at(to)?;
        } else {
            std::os::windows::fs::symlink_file(&target, to).at(to)?;
        }
    }
    let meta = fs::symlink_metadata(from).at(from)?;
    let mtime = filetime::FileTime::from_last_modification_time(&meta);
    filetime::set_symlink_file_times(to, mtime, mtime).at(to)
}

/// Copies one regular file; returns its content hash when asked.
fn copy_file(
    from: &Path,
    to: &Path,
    meta: &Metadata,
    options: CopyOptions,
    counter: &mut Counter<'_>,
    cancel: &Cancel,
) -> Result<Option<blake3::Hash>> {
    let mut input = File::open(from).at(from)?;
    let mut open = OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        // Never more readable than the original, from the first moment.
        open.mode(meta.permissions().mode() & 0o777);
    }
    let mut output = open.open(to).at(to)?;
    let hash = if options.hash {
        let mut hasher = blake3::Hasher::new();
        let mut buffer = vec![0u8; HASH_BUFFER];
        let mut since_check = 0u64;
        loop {
            let n = match input.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(from, e)),
            };
            hasher.update(&buffer[..n]);
            output.write_all(&buffer[..n]).at(to)?;
            since_check += n as u64;
            counter.add_bytes(n as u64, from);
            if since_check >= CHUNK {
                since_check = 0;
                cancel.check()?;
            }
        }
        Some(hasher.finalize())
    } else {
        // `io::copy` between files uses the kernel's copy (copy_file_range,
        // sendfile) on Linux; chunks let progress and cancel work inside big files.
        loop {
            let n = io::copy(&mut (&input).take(CHUNK), &mut output).map_err(|e| {
                // Reads and writes share this call: blame the destination for a
                // full or vanished drive, the source otherwise.
                match e.kind() {
                    io::ErrorKind::StorageFull
                    | io::ErrorKind::ReadOnlyFilesystem
                    | io::ErrorKind::FileTooLarge
                    | io::ErrorKind::QuotaExceeded => Error::io(to, e),
                    _ => Error::io(from, e),
                }
            })?;
            if n == 0 {
                break;
            }
            counter.add_bytes(n, from);
            cancel.check()?;
        }
        None
    };
    // A file that changed while we read it would give a copy of no moment in time.
    let after = input.metadata().at(from)?;
    if after.len() != meta.len() || after.modified().ok() != meta.modified().ok() {
        return Err(Error::ChangedDuringCopy {
            path: from.to_owned(),
        });
    }
    let mut times = fs::FileTimes::new();
    if let Ok(m) = meta.modified() {
        times = times.set_modified(m);
    }
    if let Ok(a) = meta.accessed() {
        times = times.set_accessed(a);
    }
    output.set_times(times).at(to)?;
    output.set_permissions(meta.permissions()).at(to)?;
    Ok(hash)
}

fn apply_folder_metadata(dir: &Path, meta: &Metadata) -> Result<()> {
    fs::set_permissions(dir, meta.permissions()).at(dir)?;
    let mtime = filetime::FileTime::from_last_modification_time(meta);
    let atime = filetime::FileTime::from_last_access_time(meta);
    filetime::set_file_times(dir, atime, mtime).at(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    #[test]
    fn never_overwrites_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        let dst = dir.path().join("dst");
        fs::create_dir_all(&src).unwrap();
        fs::create_dir_all(&dst).unwrap();
        fs::write(src.join("a"), b"new").unwrap();
        fs::write(dst.join("a"), b"keep me").unwrap();
        let err = copy_tree(
            &src,
            &dst,
            CopyOptions::default(),
            &NoProgress,
            &Cancel::new(),
        )
        .unwrap_err();
        assert_eq!(err.io_kind(), Some(io::ErrorKind::AlreadyExists), "{err}");
        assert_eq!(fs::read(dst.join("a")).unwrap(), b"keep me");
    }

    #[test]
    fn progress_moves_inside_a_large_file() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        let dst = dir.path().join("dst");
        fs::create_dir_all(&src).unwrap();
        fs::create_dir_all(&dst).unwrap();
        let f = File::create(src.join("video")).unwrap();
        f.set_len(3 * CHUNK + 5).unwrap();
        drop(f);
        let seen = std::sync::Mutex::new(Vec::new());
        let sink = |p: Progress| {
            if let Progress::Copied { bytes, files, .. } = p {
                seen.lock().unwrap().push((bytes, files));
            }
        };
        let options = CopyOptions {
            hash: false,
            progress_interval: std::time::Duration::ZERO,
        };
        let report = copy_tree(&src, &dst, options, &sink, &Cancel::new()).unwrap();
        assert_eq!(report.bytes, 3 * CHUNK + 5);
        let seen = seen.into_inner().unwrap();
        let inside: Vec<u64> = seen
            .iter()
            .filter(|(_, f)| *f == 0)
            .map(|(b, _)| *b)
            .collect();
        assert!(inside.len() >= 3, "updates inside the file: {seen:?}");
        assert!(
            inside.contains(&CHUNK) && inside.contains(&(2 * CHUNK)),
            "{seen:?}"
        );
        assert_eq!(seen.last(), Some(&(3 * CHUNK + 5, 1)));
    }
}

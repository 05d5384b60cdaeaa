//! The copy engine: streams a tree into an existing, empty destination
//! folder on the parallel walk (each walk thread copies the files it finds).
//! Files are created new (never overwriting), symbolic links are copied as
//! links, hard links stay hard links; modification times, permission bits
//! and extended attributes are kept where both drives hold them (see
//! [`CopyDrives`]). Small files pass through a buffer in user space (two
//! system calls); big ones through the kernel's copy on Linux, through a
//! 1 MiB buffer elsewhere (std's `io::copy` uses an 8 KiB one there). With
//! content verification reader threads read every finished file back from
//! the drive and compare it with the original while the copy goes on (the
//! `read_back` module). Progress moves inside large files, cancel is
//! checked often, and everything is flushed to the disk at the end.

use std::collections::HashMap;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::SyncSender;

use crate::capabilities::CopyDrives;
use crate::durable;
use crate::error::{Error, IoContext as _, Result};
use crate::faults::crash_point;
use crate::file_id::shared_identity;
use crate::progress::{Cancel, Phase, Progress, ProgressSink, Throttle};
use crate::read_back::{ReadBack, Written};
use crate::walk::{self, Entry, Visitor};
use crate::xattrs;

/// Bytes copied between two cancel checks and progress updates inside a file.
const CHUNK: u64 = 8 * 1024 * 1024;
/// The buffer for bytes that pass through user space.
const BUFFER: usize = 1024 * 1024;
/// Files up to this size are read and written through the buffer: fewer
/// system calls than the kernel's copy, which must first find out it cannot
/// copy between file systems.
const SMALL_FILE: u64 = 256 * 1024;
/// Finished files waiting to be read back, at most.
const READ_BACK_QUEUE: usize = 4096;

/// What the copy should also do.
#[derive(Debug, Clone, Copy)]
pub struct CopyOptions {
    /// Read every file back from the drive once it is written and compare
    /// it byte for byte with the original: the full verification of content.
    pub verify_content: bool,
    /// At most one progress event per this interval.
    pub progress_interval: std::time::Duration,
    /// Threads copying at once.
    pub threads: usize,
    /// What the original's and the copy's drives keep.
    pub drives: CopyDrives,
}

impl Default for CopyOptions {
    fn default() -> Self {
        Self {
            verify_content: false,
            progress_interval: Throttle::PROGRESS,
            threads: walk::default_threads(),
            drives: CopyDrives::EXACT,
        }
    }
}

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
    /// Bytes read back from the drive and found equal to the original.
    pub bytes_verified: u64,
}

/// Running totals all copy threads add to, and the throttled progress events.
struct Counter<'a> {
    sink: &'a dyn ProgressSink,
    throttle: Throttle,
    bytes: AtomicU64,
    files: AtomicU64,
}

impl Counter<'_> {
    fn add_bytes(&self, n: u64, current: &Path) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
        if self.throttle.ready() {
            self.emit(current);
        }
    }

    fn add_file(&self, current: &Path) {
        self.files.fetch_add(1, Ordering::Relaxed);
        // Throttled like the in-file updates: a channel message per file
        // would cost more than copying a small file.
        if self.throttle.ready() {
            self.emit(current);
        }
    }

    fn emit(&self, current: &Path) {
        self.sink.report(Progress::Copied {
            bytes: self.bytes.load(Ordering::Relaxed),
            files: self.files.load(Ordering::Relaxed),
            current: current.to_owned(),
        });
    }
}

/// One copy thread's share of the work.
struct Part {
    report: CopyReport,
    /// Folders whose times, permissions and attributes are set once their contents are in.
    folders: Vec<(PathBuf, PathBuf, Metadata)>,
    /// Extra names of hard-linked files: (first copy, new name), linked at the end.
    extra_names: Vec<(PathBuf, PathBuf)>,
    /// Files whose permissions would lock the reader out (write-only), set
    /// once they have been read back.
    deferred_permissions: Vec<(PathBuf, fs::Permissions)>,
    buffer: Vec<u8>,
}

/// The copy's visitor.
struct Copier<'a> {
    destination: &'a Path,
    options: CopyOptions,
    counter: Counter<'a>,
    cancel: &'a Cancel,
    /// First copy of each hard-linked file, by (device, inode) of the original.
    first_names: Mutex<HashMap<(u64, u64), PathBuf>>,
    /// Finished files for the read-back, with full verification.
    read_back: Option<(SyncSender<Written>, &'a ReadBack<'a>)>,
}

impl Visitor for Copier<'_> {
    type State = Part;

    fn state(&self) -> Part {
        Part {
            report: CopyReport::default(),
            folders: Vec::new(),
            extra_names: Vec::new(),
            deferred_permissions: Vec::new(),
            buffer: Vec::new(),
        }
    }

    fn visit(&self, part: &mut Part, entry: &Entry<'_>) -> Result<bool> {
        if let Some((_, reader)) = &self.read_back
            && let Some(e) = reader.take_error()
        {
            return Err(e);
        }
        let to = self.destination.join(entry.relative());
        let ft = entry.file_type;
        if ft.is_dir() {
            let meta = entry.metadata()?;
            create_dir(&to, self.options.drives.permissions())?;
            part.report.folders += 1;
            part.folders.push((entry.path.to_owned(), to, meta));
            return Ok(true);
        }
        if ft.is_symlink() {
            copy_symlink(entry.path, &to, self.options.drives)?;
            part.report.links += 1;
            return Ok(false);
        }
        if !ft.is_file() {
            // The preflight refuses trees holding these; never drop one silently.
            return Err(Error::Mismatch {
                path: entry.path.to_owned(),
                what: "it is a special file (a pipe, socket or device), which a copy cannot make"
                    .to_owned(),
            });
        }
        let meta = entry.metadata()?;
        if let Some(id) = shared_identity(&meta) {
            let mut first_names = self
                .first_names
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(first) = first_names.get(&id) {
                part.extra_names.push((first.clone(), to));
                part.report.hard_links += 1;
                return Ok(false);
            }
            first_names.insert(id, to.clone());
        }
        copy_file(entry.path, &to, &meta, self, part)?;
        part.report.files += 1;
        part.report.bytes += meta.len();
        self.counter.add_file(entry.path);
        if let Some((queue, _)) = &self.read_back {
            // A closed queue means the read-back stopped on an error, which
            // the next entry returns.
            let _ = queue.send(Written {
                original: entry.path.to_owned(),
                copy: to,
                len: meta.len(),
            });
        }
        crash_point("copy-after-file");
        Ok(false)
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
    let root_meta = fs::symlink_metadata(source).at(source)?;
    let reader = ReadBack::new(destination, cancel);
    let (queue, received) = std::sync::mpsc::sync_channel(READ_BACK_QUEUE);
    let mut copier = Copier {
        destination,
        options,
        counter: Counter {
            sink: progress,
            throttle: Throttle::new(options.progress_interval),
            bytes: AtomicU64::new(0),
            files: AtomicU64::new(0),
        },
        cancel,
        first_names: Mutex::new(HashMap::new()),
        read_back: options.verify_content.then_some((queue, &reader)),
    };
    let (walked, copier) = std::thread::scope(|scope| {
        let reading = if options.verify_content {
            let started = std::thread::Builder::new()
                .name("read-back".to_owned())
                .spawn_scoped(scope, || {
                    let received = received;
                    reader.run(&received, progress);
                });
            match started {
                Ok(handle) => Some(handle),
                // Without its reader the copy would go unverified: stop.
                Err(e) => return (Err(Error::io(destination, e)), copier),
            }
        } else {
            None
        };
        // The original's AppleDouble companions are its drive's, never copied.
        let companions = walk::Companions::skipped_if(options.drives.original.apple_double);
        let walked = walk::walk_with(source, options.threads, cancel, &copier, companions);
        // Closing the queue tells the reader the copy is over.
        drop(copier.read_back.take());
        if walked.is_err() {
            reader.stop.store(true, Ordering::Relaxed);
        } else if options.verify_content {
            // The copy is done; what remains to read back shows as its own phase.
            copier.counter.emit(source);
            progress.report(Progress::Phase {
                phase: Phase::Verifying,
            });
            progress.report(Progress::Planned {
                bytes: copier.counter.bytes.load(Ordering::Relaxed),
                files: copier.counter.files.load(Ordering::Relaxed),
            });
            reader.report.store(true, Ordering::Relaxed);
        }
        if let Some(handle) = reading {
            handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        (walked, copier)
    });
    if let Some(e) = reader.take_error() {
        return Err(e);
    }
    let parts = walked?;
    let mut report = CopyReport {
        bytes_verified: reader.bytes.load(Ordering::Relaxed),
        ..CopyReport::default()
    };
    let mut folders = vec![(source.to_owned(), destination.to_owned(), root_meta)];
    for part in parts {
        report.bytes += part.report.bytes;
        report.files += part.report.files;
        report.folders += part.report.folders;
        report.links += part.report.links;
        report.hard_links += part.report.hard_links;
        folders.extend(part.folders);
        for (first, to) in part.extra_names {
            fs::hard_link(&first, &to).at(&to)?;
        }
        for (file, permissions) in part.deferred_permissions {
            fs::set_permissions(&file, permissions).at(&file)?;
        }
    }
    if !options.verify_content {
        copier.counter.emit(source);
    }
    // Deepest first, so setting a folder's time is not undone by its children.
    folders.sort_by_key(|(_, dir, _)| std::cmp::Reverse(dir.components().count()));
    for (original, dir, meta) in &folders {
        // Synced while still open to us (its own permissions may lock us out).
        #[cfg(not(target_os = "linux"))]
        durable::sync_dir(dir)?;
        apply_folder_metadata(original, dir, meta, options.drives)?;
    }
    durable::flush_drive(destination)?;
    Ok(report)
}

/// Creates a folder of the copy: private until its own permissions are
/// applied at the end, or with the default permissions when the original's
/// drive has none to carry over.
fn create_dir(path: &Path, carry_permissions: bool) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        let mode = if carry_permissions { 0o700 } else { 0o777 };
        fs::DirBuilder::new().mode(mode).create(path).at(path)
    }
    #[cfg(not(unix))]
    {
        let _ = carry_permissions;
        fs::create_dir(path).at(path)
    }
}

fn copy_symlink(from: &Path, to: &Path, drives: CopyDrives) -> Result<()> {
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
    if drives.xattrs() {
        xattrs::write(to, &xattrs::read(from)?)?;
    }
    let meta = fs::symlink_metadata(from).at(from)?;
    let mtime = filetime::FileTime::from_last_modification_time(&meta);
    filetime::set_symlink_file_times(to, mtime, mtime).at(to)
}

/// Copies one regular file's content, times, permissions and attributes.
fn copy_file(
    from: &Path,
    to: &Path,
    meta: &Metadata,
    copier: &Copier<'_>,
    part: &mut Part,
) -> Result<()> {
    let drives = copier.options.drives;
    // A write-only original (0200) is read back before it gets its mode.
    let defer = drives.permissions() && copier.options.verify_content && !owner_reads(meta);
    let input = File::open(from).at(from)?;
    let mut open = OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        // Never more readable than the original, from the first moment (the
        // owner may write until the end, to set the attributes); the
        // default permissions when the original's drive has none.
        let mode = if !drives.permissions() {
            0o666
        } else if defer {
            0o600
        } else {
            (meta.permissions().mode() & 0o777) | 0o200
        };
        open.mode(mode);
    }
    let mut output = open.open(to).at(to)?;
    // macOS: an uncached read (`F_NOCACHE`) still takes pages that are in
    // the cache, so the copy keeps none: with full verification the written
    // pages are not kept once on the drive, and the read-back comes from it.
    #[cfg(target_vendor = "apple")]
    if copier.options.verify_content {
        rustix::fs::fcntl_nocache(&output, true).map_err(|e| Error::io(to, e.into()))?;
    }
    copy_content(&input, &mut output, (from, to, meta), copier, part)?;
    // A file that changed while we read it would give a copy of no moment in time.
    let after = input.metadata().at(from)?;
    if after.len() != meta.len()
        || after.modified().ok() != meta.modified().ok()
        || status_changed(meta, &after)
    {
        return Err(Error::ChangedDuringCopy {
            path: from.to_owned(),
        });
    }
    if drives.xattrs() {
        xattrs::write(to, &xattrs::read(from)?)?;
    }
    let mut times = fs::FileTimes::new();
    if let Ok(m) = meta.modified() {
        times = times.set_modified(m);
    }
    if let Ok(a) = meta.accessed() {
        times = times.set_accessed(a);
    }
    output.set_times(times).at(to)?;
    if defer {
        part.deferred_permissions
            .push((to.to_owned(), meta.permissions()));
    } else if drives.permissions() {
        output.set_permissions(meta.permissions()).at(to)?;
    }
    durable::sync_copied_file(&output).at(to)?;
    Ok(())
}

/// Copies the bytes of the file `from` (`input`) into `to` (`output`):
/// data only where it has holes (see [`crate::sparse`]), through the
/// kernel for big files on Linux, else through the thread's buffer;
/// progress and cancel are checked along the way.
fn copy_content(
    input: &File,
    output: &mut File,
    (from, to, meta): (&Path, &Path, &Metadata),
    copier: &Copier<'_>,
    part: &mut Part,
) -> Result<()> {
    let mut input = input;
    // (Never on Windows: `has_holes` is Unix's.)
    if crate::sparse::has_holes(meta) {
        #[cfg(unix)]
        crate::sparse::copy_regions((from, input), (to, output), meta.len(), CHUNK, &mut |n| {
            copier.counter.add_bytes(n, from);
            copier.cancel.check()
        })?;
    } else if through_kernel(meta.len(), cfg!(target_os = "linux")) {
        // `io::copy` between files uses the kernel's copy (copy_file_range,
        // sendfile) on Linux; chunks let progress and cancel work inside big files.
        loop {
            let n =
                io::copy(&mut input.take(CHUNK), output).map_err(|e| blame(e, from, to, output))?;
            if n > 0 {
                copier.counter.add_bytes(n, from);
                copier.cancel.check()?;
            }
            if n < CHUNK {
                break;
            }
        }
    } else {
        if part.buffer.is_empty() {
            part.buffer.resize(BUFFER, 0);
        }
        let mut since_check = 0u64;
        // To the end of the file, not only to the size its listing gave: a
        // drive whose sizes lag behind the content (a share's cached
        // attributes) must not cut a copy short unseen.
        loop {
            let n = match input.read(&mut part.buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(from, e)),
            };
            output
                .write_all(&part.buffer[..n])
                .map_err(|e| blame(e, from, to, output))?;
            since_check += n as u64;
            copier.counter.add_bytes(n as u64, from);
            if since_check >= CHUNK {
                since_check = 0;
                copier.cancel.check()?;
            }
        }
    }
    Ok(())
}

/// Whether the file's owner may read it (Windows: always).
fn owner_reads(meta: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        meta.permissions().mode() & 0o400 != 0
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

/// Whether a file of `len` bytes is copied by the kernel: only big files,
/// and only on Linux, where std's `io::copy` between files is
/// `copy_file_range`/`sendfile`. Elsewhere it would be an 8 KiB buffer, so
/// the copy uses its own 1 MiB one.
fn through_kernel(len: u64, linux: bool) -> bool {
    linux && len > SMALL_FILE
}

/// Whether the file's status-change time moved: a writer can put the
/// modification time back, but not this one (Unix only).
fn status_changed(before: &Metadata, after: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        (before.ctime(), before.ctime_nsec()) != (after.ctime(), after.ctime_nsec())
    }
    #[cfg(not(unix))]
    {
        let _ = (before, after);
        false
    }
}

/// Which file a failed write is about: reads and writes share the kernel's
/// copy call. The destination when its drive is full, read-only or gone
/// (its open handle no longer answers); the original otherwise.
fn blame(e: io::Error, from: &Path, to: &Path, output: &File) -> Error {
    let destination = matches!(
        e.kind(),
        io::ErrorKind::StorageFull
            | io::ErrorKind::ReadOnlyFilesystem
            | io::ErrorKind::FileTooLarge
            | io::ErrorKind::QuotaExceeded
    ) || output.metadata().is_err();
    Error::io(if destination { to } else { from }, e)
}

fn apply_folder_metadata(
    original: &Path,
    dir: &Path,
    meta: &Metadata,
    drives: CopyDrives,
) -> Result<()> {
    if drives.xattrs() {
        xattrs::write(dir, &xattrs::read(original)?)?;
    }
    if drives.permissions() {
        fs::set_permissions(dir, meta.permissions()).at(dir)?;
    }
    let mtime = filetime::FileTime::from_last_modification_time(meta);
    let atime = filetime::FileTime::from_last_access_time(meta);
    filetime::set_file_times(dir, atime, mtime).at(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    #[test]
    fn big_files_go_through_the_kernel_on_linux_only() {
        assert!(through_kernel(SMALL_FILE + 1, true));
        assert!(!through_kernel(SMALL_FILE, true));
        // macOS and Windows: std's io::copy would use an 8 KiB buffer.
        assert!(!through_kernel(10 * 1024 * 1024 * 1024, false));
    }

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

    /// Windows' 260-character `MAX_PATH`: std adds the `\\?\` prefix for
    /// long paths, and this proves it for the copy (run natively in CI).
    #[test]
    fn copies_paths_longer_than_max_path() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        let dst = dir.path().join("dst");
        let mut deep = PathBuf::new();
        while src.join(&deep).as_os_str().len() < 320 {
            deep.push("a-folder-name-of-forty-characters-length");
        }
        fs::create_dir_all(src.join(&deep)).unwrap();
        fs::write(src.join(&deep).join("Manifest.db"), b"deep").unwrap();
        fs::create_dir(&dst).unwrap();
        let report = copy_tree(
            &src,
            &dst,
            CopyOptions::default(),
            &NoProgress,
            &Cancel::new(),
        )
        .unwrap();
        assert_eq!(report.files, 1);
        assert_eq!(
            fs::read(dst.join(&deep).join("Manifest.db")).unwrap(),
            b"deep"
        );
    }

    #[test]
    fn a_verified_copy_reads_every_byte_back_even_of_unreadable_modes() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        let dst = dir.path().join("dst");
        fs::create_dir_all(src.join("00")).unwrap();
        fs::write(src.join("00/small"), b"hello").unwrap();
        let big = File::create(src.join("00/big")).unwrap();
        big.set_len(SMALL_FILE * 3 + 1).unwrap();
        drop(big);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let write_only = src.join("write-only");
            fs::write(&write_only, b"w").unwrap();
            fs::set_permissions(&write_only, fs::Permissions::from_mode(0o200)).unwrap();
            // Only root can read it to copy it (CI here); elsewhere leave it out.
            if File::open(&write_only).is_err() {
                fs::remove_file(&write_only).unwrap();
            }
        }
        fs::create_dir(&dst).unwrap();
        let options = CopyOptions {
            verify_content: true,
            ..CopyOptions::default()
        };
        let report = copy_tree(&src, &dst, options, &NoProgress, &Cancel::new()).unwrap();
        assert_eq!(report.bytes_verified, report.bytes);
        let write_only = u64::from(src.join("write-only").exists());
        assert_eq!(report.bytes, 5 + SMALL_FILE * 3 + 1 + write_only);
        assert_eq!(fs::read(dst.join("00/small")).unwrap(), b"hello");
    }

    #[test]
    fn progress_moves_inside_a_large_file() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        let dst = dir.path().join("dst");
        fs::create_dir_all(&src).unwrap();
        fs::create_dir_all(&dst).unwrap();
        // Data all the way (a file of holes is copied in one step, see `sparse`).
        let len = usize::try_from(3 * CHUNK + 5).unwrap();
        fs::write(src.join("video"), vec![1u8; len]).unwrap();
        let seen = std::sync::Mutex::new(Vec::new());
        let sink = |p: Progress| {
            if let Progress::Copied { bytes, files, .. } = p {
                seen.lock().unwrap().push((bytes, files));
            }
        };
        let options = CopyOptions {
            progress_interval: std::time::Duration::ZERO,
            ..CopyOptions::default()
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

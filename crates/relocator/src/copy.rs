//! The copy engine: streams a tree into an existing, empty destination
//! folder on the parallel walk (each walk thread copies the files it finds).
//! Files are created new (never overwriting), symbolic links are copied as
//! links, hard links stay hard links, modification times and permission bits
//! are kept. Small files pass through a buffer in user space (two system
//! calls); big ones through the kernel's copy unless they are being verified.
//! With content verification every chunk written is read back at once and
//! compared byte for byte with what was read from the original: no hash
//! list grows with the number of files, and no second pass re-reads either
//! tree. Progress moves inside large
//! files, cancel is checked often, and everything is flushed to the disk
//! once, at the end.

use std::collections::HashMap;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::durable;
use crate::error::{Error, IoContext as _, Result};
use crate::faults::{crash_point, damage_point};
use crate::file_id::shared_identity;
use crate::progress::{Cancel, Progress, ProgressSink, Throttle};
use crate::walk::{self, Entry, Visitor};

/// Bytes copied between two cancel checks and progress updates inside a file.
const CHUNK: u64 = 8 * 1024 * 1024;
/// The buffer for bytes that pass through user space: small files, and any
/// file being verified.
const BUFFER: usize = 1024 * 1024;
/// Files up to this size are read and written through the buffer: fewer
/// system calls than the kernel's copy, which must first find out it cannot
/// copy between file systems.
const SMALL_FILE: u64 = 256 * 1024;

/// What the copy should also do.
#[derive(Debug, Clone, Copy)]
pub struct CopyOptions {
    /// Read every chunk back right after writing it and compare it byte for
    /// byte with the original's: the full verification of content.
    pub verify_content: bool,
    /// At most one progress event per this interval.
    pub progress_interval: std::time::Duration,
    /// Threads copying at once.
    pub threads: usize,
}

impl Default for CopyOptions {
    fn default() -> Self {
        Self {
            verify_content: false,
            progress_interval: Throttle::PROGRESS,
            threads: walk::default_threads(),
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
    /// Special files (sockets, pipes, devices) skipped.
    pub skipped_special: u64,
    /// Bytes read back from the copy and found equal to the original.
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
    /// Folders whose times and permissions are set once their contents are in.
    folders: Vec<(PathBuf, Metadata)>,
    /// Extra names of hard-linked files: (first copy, new name), linked at the end.
    extra_names: Vec<(PathBuf, PathBuf)>,
    buffer: Vec<u8>,
    /// What the copy gives back, for the comparison.
    read_back: Vec<u8>,
}

/// The copy's visitor.
struct Copier<'a> {
    destination: &'a Path,
    options: CopyOptions,
    counter: Counter<'a>,
    cancel: &'a Cancel,
    /// First copy of each hard-linked file, by (device, inode) of the original.
    first_names: Mutex<HashMap<(u64, u64), PathBuf>>,
}

impl Visitor for Copier<'_> {
    type State = Part;

    fn state(&self) -> Part {
        Part {
            report: CopyReport::default(),
            folders: Vec::new(),
            extra_names: Vec::new(),
            buffer: Vec::new(),
            read_back: Vec::new(),
        }
    }

    fn visit(&self, part: &mut Part, entry: &Entry<'_>) -> Result<bool> {
        let to = self.destination.join(entry.relative());
        let ft = entry.file_type;
        if ft.is_dir() {
            let meta = entry.metadata()?;
            create_private_dir(&to)?;
            part.report.folders += 1;
            part.folders.push((to, meta));
            return Ok(true);
        }
        if ft.is_symlink() {
            copy_symlink(entry.path, &to)?;
            part.report.links += 1;
            return Ok(false);
        }
        if !ft.is_file() {
            part.report.skipped_special += 1;
            self.counter.sink.report(Progress::Warning {
                message: format!("{}: a special file, not copied", entry.path.display()),
            });
            return Ok(false);
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
        if self.options.verify_content {
            part.report.bytes_verified += meta.len();
        }
        part.report.files += 1;
        part.report.bytes += meta.len();
        self.counter.add_file(entry.path);
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
    let copier = Copier {
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
    };
    let parts = walk::walk(source, options.threads, cancel, &copier)?;
    let mut report = CopyReport::default();
    let mut folders = vec![(destination.to_owned(), root_meta)];
    for part in parts {
        report.bytes += part.report.bytes;
        report.files += part.report.files;
        report.folders += part.report.folders;
        report.links += part.report.links;
        report.hard_links += part.report.hard_links;
        report.skipped_special += part.report.skipped_special;
        report.bytes_verified += part.report.bytes_verified;
        folders.extend(part.folders);
        for (first, to) in part.extra_names {
            fs::hard_link(&first, &to).at(&to)?;
        }
    }
    copier.counter.emit(source);
    // Deepest first, so setting a folder's time is not undone by its children.
    folders.sort_by_key(|(dir, _)| std::cmp::Reverse(dir.components().count()));
    for (dir, meta) in &folders {
        // Synced while still open to us (its own permissions may lock us out).
        #[cfg(not(target_os = "linux"))]
        durable::sync_dir(dir)?;
        apply_folder_metadata(dir, meta)?;
    }
    #[cfg(target_os = "linux")]
    durable::sync_file_system(destination)?;
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

/// Copies one regular file, and with `verify_content` checks the copy's content.
fn copy_file(
    from: &Path,
    to: &Path,
    meta: &Metadata,
    copier: &Copier<'_>,
    part: &mut Part,
) -> Result<()> {
    let mut input = File::open(from).at(from)?;
    let mut open = OpenOptions::new();
    // Readable too when it will be read back: the new file may have a mode
    // its owner cannot open again (0200), but this handle keeps working.
    open.read(copier.options.verify_content)
        .write(true)
        .create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        // Never more readable than the original, from the first moment.
        open.mode(meta.permissions().mode() & 0o777);
    }
    let mut output = open.open(to).at(to)?;
    let verify = copier.options.verify_content;
    if verify || meta.len() <= SMALL_FILE {
        if part.buffer.is_empty() {
            part.buffer.resize(BUFFER, 0);
        }
        if verify && part.read_back.is_empty() {
            part.read_back.resize(BUFFER, 0);
        }
        let mut since_check = 0u64;
        let mut first = true;
        loop {
            let n = match input.read(&mut part.buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(from, e)),
            };
            output.write_all(&part.buffer[..n]).at(to)?;
            if verify {
                if first {
                    damage_point("copy-damage-before-readback", to);
                }
                read_back_equal(&mut output, to, &part.buffer[..n], &mut part.read_back)?;
            }
            first = false;
            since_check += n as u64;
            copier.counter.add_bytes(n as u64, from);
            if since_check >= CHUNK {
                since_check = 0;
                copier.cancel.check()?;
            }
        }
    } else {
        // `io::copy` between files uses the kernel's copy (copy_file_range,
        // sendfile) on Linux; chunks let progress and cancel work inside big files.
        loop {
            let n = io::copy(&mut (&input).take(CHUNK), &mut output)
                .map_err(|e| blame(e, from, to, &output))?;
            if n > 0 {
                copier.counter.add_bytes(n, from);
                copier.cancel.check()?;
            }
            if n < CHUNK {
                break;
            }
        }
    }
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
    let mut times = fs::FileTimes::new();
    if let Ok(m) = meta.modified() {
        times = times.set_modified(m);
    }
    if let Ok(a) = meta.accessed() {
        times = times.set_accessed(a);
    }
    output.set_times(times).at(to)?;
    output.set_permissions(meta.permissions()).at(to)?;
    #[cfg(not(target_os = "linux"))]
    output.sync_all().at(to)?;
    Ok(())
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

/// Which file a failed kernel copy is about: reads and writes share the
/// call. The destination when its drive is full, read-only or gone (its open
/// handle no longer answers); the original otherwise.
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

/// Reads back the `written.len()` bytes just written to `output` (its
/// position is right after them) and compares them with `written`.
fn read_back_equal(
    output: &mut File,
    to: &Path,
    written: &[u8],
    read_back: &mut [u8],
) -> Result<()> {
    let len = written.len();
    let back = i64::try_from(len).expect("a chunk is at most a few MiB");
    output.seek(io::SeekFrom::Current(-back)).at(to)?;
    output.read_exact(&mut read_back[..len]).at(to)?;
    if read_back[..len] == *written {
        Ok(())
    } else {
        Err(Error::Mismatch {
            path: to.to_owned(),
            what: "its content differs from the original".to_owned(),
        })
    }
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

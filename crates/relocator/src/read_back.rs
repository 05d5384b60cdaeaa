//! Full verification of a copy's content from the drive itself. The copy
//! threads hand each finished file to a gathering thread, which makes each
//! batch durable (Linux: one `syncfs` for the batch) and hands it to a few
//! reader threads; each reads its files back through a new handle that
//! asks the drive, not memory (Linux: the file's cached pages dropped with
//! `posix_fadvise(DONTNEED)`, then `O_DIRECT` for big files on local block
//! file systems, a cached read otherwise; macOS: `F_NOCACHE`; Windows:
//! `FILE_FLAG_NO_BUFFERING`; aligned reads),
//! comparing each chunk byte for byte with the original. The drive reads
//! while the copy goes on writing; memory holds a few thousand paths (the
//! copy's queue, the batch being gathered, the readers' queue).

use std::fs::File;
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use crate::error::{Error, IoContext as _, Result};
use crate::faults::damage_point;
use crate::progress::{Cancel, Progress, ProgressSink, Throttle};

/// A file the copy finished, to be read back.
pub(crate) struct Written {
    /// The original.
    pub original: PathBuf,
    /// Its copy.
    pub copy: PathBuf,
    /// Its size.
    pub len: u64,
}

/// Threads reading back at once: the drive answers several small reads in
/// the time of one.
const READERS: usize = 4;
/// Whether this system reads a file from the drive itself through its own
/// handle (`open_from_drive`), so no flush of the whole drive is needed.
const DIRECT_READS: bool = cfg!(any(target_vendor = "apple", windows));
/// Files handed to the readers after one flush, at most (Linux; where reads
/// bypass the cache each file goes to the readers at once).
const BATCH_FILES: usize = 4096;
/// Bytes read back at once after one flush.
const BATCH_BYTES: u64 = 64 * 1024 * 1024;
/// A batch is flushed and read back once its oldest file has waited this
/// long: the drive reads while the copy goes on writing, and each flush
/// puts on the disk early what the copy's last flush would wait for. What
/// is left when the copy ends is at most one such batch (1 GiB / 20,000
/// files: `copy --verify full` 1.83 s median with 250 ms and 64 MiB, 2.05 s
/// with 1 s and 256 MiB; the 6 GiB set the same either way).
const BATCH_AGE: Duration = Duration::from_millis(250);
/// Files at least this big are read back with `O_DIRECT` where the drive
/// allows it (Linux): each byte then goes from the drive to the reader's
/// buffer, not through the page cache first (6 GiB / 60,000 files: the whole
/// move 11.7–13.1 s against 13.2–15.1 s). Smaller files gain nothing
/// (1 GiB / 20,000 files: the same with 256 KiB; worse, 2.4 s against
/// 1.85 s, with every file read that way).
const DIRECT_FROM: u64 = 256 * 1024;
/// Bytes compared at a time.
const CHUNK: usize = 1024 * 1024;
/// Windows' unbuffered reads need buffers, sizes and offsets aligned to the
/// sector size; 4 KiB covers every sector size in use.
const ALIGN: usize = 4096;

/// The reader's shared state: totals for progress, the first error, and a stop flag.
pub(crate) struct ReadBack<'a> {
    /// The copy's root, flushed once per batch.
    root: &'a Path,
    cancel: &'a Cancel,
    /// Bytes compared so far.
    pub bytes: AtomicU64,
    /// Files compared so far.
    pub files: AtomicU64,
    /// Set when the copy failed or was cancelled: stop reading.
    pub stop: AtomicBool,
    /// Report progress (only once the copy itself is over).
    pub report: AtomicBool,
    /// Whether the drive's file system reads big files whole with
    /// `O_DIRECT` (found at the first file read back).
    direct: OnceLock<bool>,
    /// Set once the drive refused a direct read: the others go the other way.
    direct_refused: AtomicBool,
    error: Mutex<Option<Error>>,
}

impl<'a> ReadBack<'a> {
    pub(crate) fn new(root: &'a Path, cancel: &'a Cancel) -> Self {
        Self {
            root,
            cancel,
            bytes: AtomicU64::new(0),
            files: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            report: AtomicBool::new(false),
            direct: OnceLock::new(),
            direct_refused: AtomicBool::new(false),
            error: Mutex::new(None),
        }
    }

    /// The first error the reader met, taken out (once).
    pub(crate) fn take_error(&self) -> Option<Error> {
        self.error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// The read-back, until the queue closes, or an error or the copy's
    /// failure stops it (the queue is dropped then, so no writer waits on
    /// it). This thread gathers finished files into batches and makes each
    /// batch readable from the drive (one flush, where reads cannot bypass
    /// the cache); `READERS` threads read the batches back meanwhile, so
    /// the drive answers several reads at once while the copy goes on.
    pub(crate) fn run(&self, queue: &Receiver<Written>, sink: &dyn ProgressSink) {
        let throttle = Throttle::new(Throttle::PROGRESS);
        let (work, to_read) = std::sync::mpsc::sync_channel::<Written>(BATCH_FILES);
        let to_read = Mutex::new(to_read);
        std::thread::scope(|scope| {
            let mut readers = Vec::with_capacity(READERS);
            for n in 0..READERS {
                let started = std::thread::Builder::new()
                    .name(format!("read-back-{n}"))
                    .spawn_scoped(scope, || self.read_each(&to_read, sink, &throttle));
                match started {
                    Ok(handle) => readers.push(handle),
                    // Too few threads to read with: stop the copy, unverified
                    // it must not go on.
                    Err(e) => self.fail(Error::io(self.root, e)),
                }
            }
            self.gather(queue, &work);
            drop(work);
            for handle in readers {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            }
        });
    }

    /// Takes finished files from the copy and hands them to the readers in
    /// batches, each made readable from the drive first.
    fn gather(&self, queue: &Receiver<Written>, work: &SyncSender<Written>) {
        let mut batch: Vec<Written> = Vec::new();
        let mut batch_bytes = 0u64;
        let mut oldest = Instant::now();
        while !self.stop.load(Ordering::Relaxed) {
            let next = if batch.is_empty() {
                queue.recv().map_err(|_| RecvTimeoutError::Disconnected)
            } else {
                // Read back what waits as soon as the writers pause.
                queue.recv_timeout(Duration::from_millis(50))
            };
            let closed = matches!(next, Err(RecvTimeoutError::Disconnected));
            let paused = matches!(next, Err(RecvTimeoutError::Timeout));
            if let Ok(item) = next {
                if batch.is_empty() {
                    oldest = Instant::now();
                }
                batch_bytes += item.len;
                batch.push(item);
            }
            let full = DIRECT_READS
                || batch.len() >= BATCH_FILES
                || batch_bytes >= BATCH_BYTES
                || oldest.elapsed() >= BATCH_AGE;
            if !batch.is_empty() && (full || closed || paused) {
                batch_bytes = 0;
                if let Err(e) = self.hand_over(&mut batch, work) {
                    self.fail(e);
                }
            }
            if closed {
                return;
            }
        }
    }

    /// Makes `batch` readable from the drive and hands it to the readers.
    fn hand_over(&self, batch: &mut Vec<Written>, work: &SyncSender<Written>) -> Result<()> {
        if !DIRECT_READS {
            // The drive must answer with what it holds, not with what is
            // still on its way: one flush for the batch.
            crate::durable::flush_drive(self.root)?;
        }
        for item in batch.drain(..) {
            // The readers take every file until the queue closes, even after
            // an error (or a panic) stopped the read-back: never blocks for good.
            if work.send(item).is_err() {
                break;
            }
        }
        Ok(())
    }

    /// One reader: reads back each file handed over, until the batches end.
    /// After an error, or a panic, it only empties the queue, so the
    /// gatherer (and through it the copy) never waits for it; a panic then
    /// reaches the copy when the reader is joined.
    fn read_each(
        &self,
        work: &Mutex<Receiver<Written>>,
        sink: &dyn ProgressSink,
        throttle: &Throttle,
    ) {
        let mut buffers = Buffers::default();
        let mut panicked = None;
        loop {
            let next = work.lock().unwrap_or_else(PoisonError::into_inner).recv();
            let Ok(item) = next else {
                break;
            };
            if self.stop.load(Ordering::Acquire) {
                continue;
            }
            let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let direct = item.len >= DIRECT_FROM
                    && !self.direct_refused.load(Ordering::Relaxed)
                    && *self.direct.get_or_init(|| reads_whole_directly(&item.copy));
                if let Some(file) =
                    open_from_drive(&item.copy, direct, &mut buffers).at(&item.copy)?
                {
                    self.check(&item, file, true, &mut buffers, sink, throttle)
                } else {
                    if direct {
                        self.direct_refused.store(true, Ordering::Relaxed);
                    }
                    let file = open_after_flush(&item.copy).at(&item.copy)?;
                    self.check(&item, file, false, &mut buffers, sink, throttle)
                }
            }));
            match checked {
                Ok(Ok(())) => {}
                // Stopped by another error, or by the copy's: that one is told.
                Ok(Err(_)) if self.stop.load(Ordering::Acquire) => {}
                Ok(Err(e)) => self.fail(e),
                Err(panic) => {
                    let what = io::Error::other("a read-back thread stopped unexpectedly");
                    self.fail(Error::io(&item.copy, what));
                    panicked.get_or_insert(panic);
                }
            }
        }
        if let Some(panic) = panicked {
            std::panic::resume_unwind(panic);
        }
    }

    /// Stops the read-back on its first error, which the copy then returns
    /// (recorded before the stop shows, so a stopped reader knows it is told).
    fn fail(&self, e: Error) {
        self.error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(e);
        self.stop.store(true, Ordering::Release);
    }

    /// Compares one file read back through `file` with its original.
    fn check(
        &self,
        item: &Written,
        mut file: File,
        unbuffered: bool,
        buffers: &mut Buffers,
        sink: &dyn ProgressSink,
        throttle: &Throttle,
    ) -> Result<()> {
        self.cancel.check()?;
        damage_point("copy-damage-after-flush", &item.copy);
        let len = compare(
            &item.original,
            &item.copy,
            &mut file,
            unbuffered,
            buffers,
            (self.cancel, &self.stop),
        )?;
        // What was read back is on the drive and not needed again: out of
        // memory, which the originals still being copied are better kept in
        // (only hygiene: a failure changes nothing checked).
        #[cfg(target_os = "linux")]
        let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed);
        let bytes = self.bytes.fetch_add(len, Ordering::Relaxed) + len;
        let files = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        if self.report.load(Ordering::Relaxed) && throttle.ready() {
            sink.report(Progress::Copied {
                bytes,
                files,
                current: item.original.clone(),
            });
        }
        Ok(())
    }
}

/// Reusable, aligned buffers for one reader.
#[derive(Default)]
struct Buffers {
    copy: Vec<u8>,
    original: Vec<u8>,
}

impl Buffers {
    /// A `CHUNK`-long window of `copy` starting at an `ALIGN`ed address.
    fn aligned(&mut self) -> (&mut [u8], &mut [u8]) {
        if self.copy.is_empty() {
            self.copy.resize(CHUNK + ALIGN, 0);
            self.original.resize(CHUNK, 0);
        }
        let offset = self.copy.as_ptr().align_offset(ALIGN).min(ALIGN);
        (&mut self.copy[offset..offset + CHUNK], &mut self.original)
    }
}

/// Reads the copy back through `theirs` and `original` alongside, chunk
/// by chunk; returns the bytes compared.
fn compare(
    original: &Path,
    copy: &Path,
    theirs: &mut File,
    unbuffered: bool,
    buffers: &mut Buffers,
    (cancel, stop): (&Cancel, &AtomicBool),
) -> Result<u64> {
    let mut ours = File::open(original).at(original)?;
    let (from_drive, from_original) = buffers.aligned();
    let mut total = 0u64;
    loop {
        let n = read_full(theirs, from_drive, unbuffered).at(copy)?;
        let m = read_full(&mut ours, &mut from_original[..n.max(1)], false).at(original)?;
        if n != m || from_drive[..n] != from_original[..m] {
            return Err(Error::Mismatch {
                path: copy.to_owned(),
                what: "its content read back from the drive differs from the original".to_owned(),
            });
        }
        total += n as u64;
        if n < from_drive.len() {
            // The copy ended: so must the original.
            let mut one = [0u8; 1];
            if read_full(&mut ours, &mut one, false).at(original)? != 0 {
                return Err(Error::Mismatch {
                    path: copy.to_owned(),
                    what: "it is shorter on the drive than the original".to_owned(),
                });
            }
            return Ok(total);
        }
        cancel.check()?;
        if stop.load(Ordering::Acquire) {
            // Another file failed: this one's comparison no longer matters.
            return Err(Error::Cancelled);
        }
    }
}

/// Fills `buf` as far as the file goes; a short count means its end.
fn read_full(file: &mut File, buf: &mut [u8], unbuffered: bool) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                // Unbuffered reads end short at the file's end; another read
                // at an unaligned offset would fail, so stop here.
                if unbuffered && n % ALIGN != 0 {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Opens the copy `path` so that reads come from the drive itself, file by
/// file: macOS with caching off for the handle (`F_NOCACHE`; the copy
/// synced the file), Windows `FILE_FLAG_NO_BUFFERING` (the copy flushed
/// it), Linux `O_DIRECT` when `direct` says the file is big and its drive
/// reads it whole that way (its batch was flushed; the drive must also
/// take the first aligned read). `None` means: read it after a flush, with
/// its cache dropped — on Linux for small files (one `syncfs` for a batch
/// then `posix_fadvise(DONTNEED)` measured faster than `O_DIRECT` for
/// them) and other drives, and on Windows shares that refuse unbuffered
/// reads, which are then read through the system's cache after the copy
/// flushed the file: such a read may be answered from this computer's
/// memory (a limit, not a guarantee).
#[cfg_attr(
    not(any(target_os = "linux", target_vendor = "apple")),
    expect(
        clippy::unnecessary_wraps,
        reason = "Windows falls back to a cached read instead of failing; \
                  other systems always read after a flush"
    )
)]
fn open_from_drive(path: &Path, direct: bool, buffers: &mut Buffers) -> io::Result<Option<File>> {
    #[cfg(any(target_vendor = "apple", windows))]
    let _ = (direct, &buffers);
    #[cfg(target_vendor = "apple")]
    {
        let file = File::open(path)?;
        rustix::fs::fcntl_nocache(&file, true)?;
        Ok(Some(file))
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt as _;
        /// `FILE_FLAG_NO_BUFFERING`: reads go to the drive, not the cache.
        const FILE_FLAG_NO_BUFFERING: u32 = 0x2000_0000;
        // Some network redirectors refuse it: read through the cache then.
        Ok(std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(FILE_FLAG_NO_BUFFERING)
            .open(path)
            .ok())
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::{FileExt as _, OpenOptionsExt as _};
        let refused =
            |e: &io::Error| e.raw_os_error() == Some(rustix::io::Errno::INVAL.raw_os_error());
        if !direct {
            return Ok(None);
        }
        let file = match std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(rustix::fs::OFlags::DIRECT.bits().cast_signed())
            .open(path)
        {
            Ok(file) => file,
            Err(e) if refused(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        // A file system may answer a direct read from the cache without
        // saying so (Btrfs for compressed data, ext4 with `data=journal`):
        // with the cache's copy dropped first, even that read asks the drive.
        rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed)?;
        // A drive may open it so and still refuse the reads (alignment).
        let (probe, _) = buffers.aligned();
        match file.read_at(&mut probe[..ALIGN], 0) {
            Ok(_) => Ok(Some(file)),
            Err(e) if refused(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }
    #[cfg(not(any(target_vendor = "apple", windows, target_os = "linux")))]
    {
        let _ = (path, direct, buffers);
        Ok(None)
    }
}

/// Whether the drive holding `path` reads a file whole with `O_DIRECT`:
/// local block file systems, whose direct reads end short only at the
/// file's end (ext2–4, XFS, Btrfs). Not FUSE drivers, shares or tmpfs,
/// whose reads may end short anywhere or bypass nothing.
fn reads_whole_directly(path: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        const EXT: u32 = 0xEF53;
        const XFS: u32 = 0x5846_5342;
        const BTRFS: u32 = 0x9123_683E;
        rustix::fs::statfs(path).is_ok_and(|fs| {
            // A signed word: Btrfs's number is negative where it has 32 bits.
            let kind = u32::try_from(fs.f_type)
                .ok()
                .or_else(|| i32::try_from(fs.f_type).ok().map(i32::cast_unsigned));
            kind.is_some_and(|kind| [EXT, XFS, BTRFS].contains(&kind))
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        false
    }
}

/// Opens the copy `path` after its drive was flushed, with the page
/// cache's copy of it dropped first (Linux), so reads go to the drive.
fn open_after_flush(path: &Path) -> io::Result<File> {
    let file = File::open(path)?;
    #[cfg(target_os = "linux")]
    {
        rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed)?;
        // Read ahead further: the file is read once, from start to end.
        rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::Sequential)?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// Bytes that differ from place to place, so a misplaced chunk shows.
    fn pattern(len: u64) -> Vec<u8> {
        (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect()
    }

    /// Compares `copy` with `original` as a reader does.
    fn read_back(original: &Path, copy: &Path, direct: bool) -> Result<u64> {
        let mut buffers = Buffers::default();
        let opened = open_from_drive(copy, direct, &mut buffers).unwrap();
        let unbuffered = opened.is_some();
        let mut file = match opened {
            Some(file) => file,
            None => open_after_flush(copy).unwrap(),
        };
        let cancel = Cancel::new();
        compare(
            original,
            copy,
            &mut file,
            unbuffered,
            &mut buffers,
            (&cancel, &AtomicBool::new(false)),
        )
    }

    #[test]
    fn big_files_read_back_directly_are_compared_to_their_last_byte() {
        let dir = tempfile::tempdir().unwrap();
        let direct = reads_whole_directly(dir.path());
        #[cfg(target_os = "linux")]
        {
            // The file system's name as coreutils' `stat` gives it.
            let out = std::process::Command::new("stat")
                .args(["-f", "-c", "%T"])
                .arg(dir.path())
                .output()
                .unwrap();
            let name = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            assert_eq!(
                direct,
                ["ext2/ext3", "xfs", "btrfs"].contains(&name.as_str()),
                "file system {name}"
            );
            if !direct {
                eprintln!("direct reads not exercised: the temporary folder is on {name}");
            }
            // Where the drive is read directly, the copy's pages left in the
            // cache (written, flushed) are dropped first: a file system that
            // quietly serves a direct read from the cache (Btrfs compressing,
            // ext4 with `data=journal`) still asks the drive, for all but
            // what the probe and its read-ahead bring back.
            let cached = dir.path().join("cached");
            fs::write(&cached, pattern(16 * CHUNK as u64)).unwrap();
            rustix::fs::syncfs(File::open(dir.path()).unwrap()).unwrap();
            match bytes_in_cache(&cached) {
                Some(before) if direct => {
                    assert!(before > 0, "written pages stay cached until dropped");
                    let mut buffers = Buffers::default();
                    let opened = open_from_drive(&cached, true, &mut buffers).unwrap();
                    assert!(opened.is_some());
                    let after = bytes_in_cache(&cached).unwrap();
                    assert!(after < before / 4, "{after} of {before} bytes still cached");
                }
                Some(_) => {}
                None => eprintln!("the cache's content not checked: no `fincore` here"),
            }
        }
        let sizes = [
            DIRECT_FROM,
            DIRECT_FROM * 3 + 1,
            2 * CHUNK as u64 + ALIGN as u64 - 1,
        ];
        for len in sizes {
            let original = dir.path().join(format!("original-{len}"));
            let copy = dir.path().join(format!("copy-{len}"));
            fs::write(&original, pattern(len)).unwrap();
            fs::write(&copy, pattern(len)).unwrap();
            let mut buffers = Buffers::default();
            assert_eq!(
                open_from_drive(&copy, direct, &mut buffers)
                    .unwrap()
                    .is_some(),
                direct || cfg!(any(target_vendor = "apple", windows)),
                "{len}"
            );
            assert_eq!(read_back(&original, &copy, direct).unwrap(), len);

            // Its last byte changed, one byte short, one byte long: each is told.
            let mut changed = pattern(len);
            *changed.last_mut().unwrap() ^= 1;
            let shorter = pattern(len - 1);
            let mut longer = pattern(len);
            longer.push(7);
            for wrong in [changed, shorter, longer] {
                fs::write(&copy, &wrong).unwrap();
                let err = read_back(&original, &copy, direct).unwrap_err();
                assert!(matches!(err, Error::Mismatch { .. }), "{len}: {err}");
            }
        }
    }

    /// Bytes of `path` in the page cache, as util-linux's `fincore` counts
    /// them (`None` without it).
    #[cfg(target_os = "linux")]
    fn bytes_in_cache(path: &Path) -> Option<u64> {
        let out = std::process::Command::new("fincore")
            .args(["--bytes", "--noheadings", "--output", "RES"])
            .arg(path)
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn memory_backed_and_missing_drives_are_not_read_directly() {
        assert!(!reads_whole_directly(Path::new("/dev/shm")));
        assert!(!reads_whole_directly(Path::new("/no/such/folder")));
    }
}

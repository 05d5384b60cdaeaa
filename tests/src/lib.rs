//! Helpers for the end-to-end tests: generated backups, tree digests to
//! compare before and after, a fresh tmpfs as a "drive" on another file
//! system, running the CLI (also as an unprivileged user), and an
//! in-process context for the core's operations.

// Test helpers are called for their result by construction; marking each
// `#[must_use]` would only add noise here.
#![allow(clippy::must_use_candidate)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use relocator::Context;
use relocator::link::{self, FolderLink};
use relocator::names::MARKER_FILE;
use relocator::sample::{self, SampleDevice, SampleSpec, SampleSummary};
use relocator::{Cancel, NoProgress, ProgressSink};
use walkdir::WalkDir;

mod drives;
#[cfg(windows)]
pub mod wine_link;

pub use drives::{Drive, DriveKind, parse_size};

/// What one entry of a tree is, for comparing trees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A folder.
    Folder,
    /// A file: size and BLAKE3 of its content.
    File(u64, String),
    /// A symbolic link and its target.
    Link(PathBuf),
    /// A pipe, socket or device (never read).
    Special,
}

/// Every entry under `root` (through `root` if it is a link), by relative
/// path, with file contents hashed. Our root marker is left out, and what
/// an operating system makes at a drive's root by itself (see
/// [`made_by_the_os`]: some of it cannot even be listed).
pub fn digest(root: &Path) -> BTreeMap<PathBuf, Entry> {
    let root = fs::canonicalize(root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    let mut map = BTreeMap::new();
    let walk = WalkDir::new(&root)
        .min_depth(1)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() != 1 || !made_by_the_os(e.file_name()));
    for e in walk {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(&root).unwrap().to_owned();
        if rel == Path::new(MARKER_FILE) {
            continue;
        }
        let ft = e.file_type();
        let entry = if ft.is_dir() {
            Entry::Folder
        } else if ft.is_symlink() {
            Entry::Link(fs::read_link(e.path()).unwrap())
        } else if !ft.is_file() {
            Entry::Special
        } else {
            let bytes = fs::read(e.path()).unwrap();
            Entry::File(
                bytes.len() as u64,
                blake3::hash(&bytes).to_hex().to_string(),
            )
        };
        map.insert(rel, entry);
    }
    map
}

/// The system temp folder in canonical form: the core canonicalizes the
/// folders it is given, and macOS's temp folder is under `/var` (a link to
/// `/private/var`), the Windows runners' under an 8.3 name (`RUNNER~1`), so
/// a link made there names the long form.
pub fn temp_base() -> PathBuf {
    let temp = tempfile::tempdir().unwrap();
    let base = temp.path().parent().unwrap().to_owned();
    relocator::paths::canonical(&base).unwrap_or(base)
}

/// A scratch folder on a RAM file system when there is one (Linux's
/// `/dev/shm`: fast to fill and to delete), else in the system temp folder
/// (canonical, see [`temp_base`]).
pub fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.to_owned()
    } else {
        temp_base()
    };
    let dir = tempfile::Builder::new()
        .prefix("br-test-")
        .tempdir_in(base)
        .unwrap();
    open_up(dir.path());
    dir
}

/// Whether the CLI died at a crash point (`abort()`) or was killed, rather
/// than exiting: on Unix it died of a signal; on Windows `abort()` is
/// `__fastfail` (`STATUS_STACK_BUFFER_OVERRUN`, 0xC0000409) or the C
/// runtime's abort (exit code 3).
pub fn was_killed(status: &std::process::ExitStatus) -> bool {
    #[cfg(unix)]
    {
        status.code().is_none()
    }
    #[cfg(not(unix))]
    {
        matches!(status.code().map(i32::cast_unsigned), Some(0xC000_0409 | 3))
    }
}

/// Entries an operating system makes at a volume's root by itself: macOS's
/// event log, Spotlight index and Trash; Windows' System Volume Information
/// and Recycle Bin.
pub fn made_by_the_os(name: &std::ffi::OsStr) -> bool {
    matches!(
        name.to_str(),
        Some(
            ".fseventsd"
                | ".Spotlight-V100"
                | ".Trashes"
                | ".TemporaryItems"
                | ".DS_Store"
                | ".metadata_never_index"
                | "System Volume Information"
                | "$RECYCLE.BIN"
        )
    )
}

/// Lets other users (the unprivileged test user) into `dir`.
pub fn open_up(dir: &Path) {
    let _ = dir; // only Unix has permission bits to open
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// A small realistic backup: `devices` devices of `files` files each.
pub fn small_backup(dir: &Path, seed: u64, files: usize) -> SampleSummary {
    let mut spec = SampleSpec::demo(seed);
    spec.files_per_device = files;
    spec.bytes_per_device = files as u64 * 6_000;
    sample::generate(dir, &spec).unwrap()
}

/// What an update does to a moved backup folder: its link replaced by a
/// real folder, where a new device's backup (made from `seed`, first in
/// `scratch`) lands. Returns that device's folder name.
pub fn link_replaced_by_a_new_backup(
    source: &Path,
    scratch: &Path,
    seed: u64,
) -> std::ffi::OsString {
    let elsewhere = scratch.join(format!("newer-{seed}"));
    let made = small_backup(&elsewhere, seed, 8);
    let device = made.device_folders[0].file_name().unwrap().to_owned();
    links().remove(source).unwrap();
    fs::create_dir(source).unwrap();
    fs::rename(elsewhere.join(&device), source.join(&device)).unwrap();
    device
}

/// A backup of about `bytes` in about `files` files, over four devices.
pub fn sized_backup(dir: &Path, seed: u64, files: usize, bytes: u64) -> SampleSummary {
    let devices = vec![
        SampleDevice::new("Ana's iPhone", "iPhone15,2", "17.4.1"),
        SampleDevice::new("Family iPad", "iPad13,18", "17.5"),
        SampleDevice::new("Grandpa's iPhone", "iPhone10,4", "16.7.8"),
        SampleDevice::new("Work iPhone", "iPhone16,1", "18.1"),
    ];
    let spec = SampleSpec {
        seed,
        files_per_device: files / devices.len() - 4,
        bytes_per_device: bytes / devices.len() as u64,
        devices,
    };
    sample::generate(dir, &spec).unwrap()
}

/// Why this machine cannot make the stand-in drives, if it cannot: on
/// Windows they are made by `diskpart`, which needs an administrator and
/// which Wine does not have. (Linux needs root, which `scripts/test.sh`
/// makes sure of; macOS's `hdiutil` needs nothing.)
pub fn cannot_make_drives() -> Option<String> {
    if !cfg!(windows) {
        return None;
    }
    let windows =
        std::env::var_os("SystemRoot").map_or_else(|| PathBuf::from(r"C:\Windows"), PathBuf::from);
    let diskpart = windows.join("System32").join("diskpart.exe");
    (!diskpart.exists()).then(|| {
        format!(
            "no stand-in drives here: {} is not there (Wine has none)",
            diskpart.display()
        )
    })
}

/// Why this machine cannot make the platform's folder links, if it cannot
/// (Wine 8 has no junctions).
pub fn cannot_make_links() -> Option<String> {
    let dir = tempfile::tempdir().ok()?;
    let target = dir.path().join("target");
    fs::create_dir(&target).ok()?;
    let link = dir.path().join("link");
    let made = links().create(&link, &target);
    let _ = links().remove(&link);
    made.err()
        .map(|e| format!("this system cannot make folder links ({e})"))
}

/// Says why a test is skipped and returns `true` when this machine lacks
/// what it needs: folder links always, stand-in drives if `drives`.
pub fn skipped_here(drives: bool) -> bool {
    let why = drives
        .then(cannot_make_drives)
        .flatten()
        .or_else(cannot_make_links);
    if let Some(why) = &why {
        eprintln!("skipped: {why}");
    }
    why.is_some()
}

/// Whether this process runs as root (needed to mount a stand-in drive on Linux).
pub fn is_root() -> bool {
    cfg!(unix)
        && Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// Whether this process can act as another user (real root, not root inside
/// a user namespace, where user 65534 does not exist).
pub fn can_drop_privileges() -> bool {
    is_root()
        && fs::read_to_string("/proc/self/uid_map")
            .is_ok_and(|m| m.split_whitespace().collect::<Vec<_>>() == ["0", "0", "4294967295"])
}

/// An in-process context with the platform's links, no sync apps running.
pub fn context<'a>(
    links: &'a dyn FolderLink,
    progress: &'a dyn ProgressSink,
    cancel: &'a Cancel,
) -> Context<'a> {
    Context {
        links,
        progress,
        cancel,
        sync_apps: Vec::new(),
        policy: relocator::freshness::Policy::default(),
    }
}

/// Moves `source` into `destination` in-process, quietly, with default
/// options: the starting point of tests about relocated backups.
pub fn move_quietly(source: &Path, destination: &Path) {
    let links = links();
    let cancel = Cancel::new();
    let ctx = context(links.as_ref(), &QUIET, &cancel);
    relocator::relocate::move_backups(
        &ctx,
        source,
        destination,
        relocator::relocate::Options::default(),
    )
    .unwrap_or_else(|e| panic!("moving {} failed: {e}", source.display()));
}

/// The platform's link implementation.
pub fn links() -> Box<dyn FolderLink> {
    link::platform_link()
}

/// A no-op progress sink.
pub static QUIET: NoProgress = NoProgress;

/// Runs the CLI binary `cli` with `args`.
pub fn run<S: AsRef<std::ffi::OsStr>>(cli: &str, args: &[S]) -> Output {
    Command::new(cli).args(args).output().unwrap()
}

/// Runs `cli` (built with the `failpoints` feature) with `FAILPOINTS=failpoint`.
pub fn run_with_failpoint<S: AsRef<std::ffi::OsStr>>(
    cli: &str,
    args: &[S],
    failpoint: &str,
) -> Output {
    Command::new(cli)
        .args(args)
        .env("FAILPOINTS", failpoint)
        .output()
        .unwrap()
}

/// `VERB --source SOURCE --to TO EXTRA…`, the shape of most CLI calls in the tests.
pub fn source_to(
    verb: &str,
    source: impl AsRef<Path>,
    to: impl AsRef<Path>,
    extra: &[&str],
) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec![
        verb.into(),
        "--source".into(),
        source.as_ref().into(),
        "--to".into(),
        to.as_ref().into(),
    ];
    args.extend(extra.iter().map(std::ffi::OsString::from));
    args
}

/// Runs the CLI as the unprivileged user 65534 (root ignores permissions).
pub fn run_as_nobody<S: AsRef<std::ffi::OsStr>>(cli: &str, args: &[S]) -> Output {
    Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(cli)
        .args(args)
        .output()
        .unwrap()
}

/// Changes the owner of a whole tree to the unprivileged user 65534.
pub fn give_to_nobody(path: &Path) {
    let status = Command::new("chown")
        .arg("-R")
        .arg("65534:65534")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// The leftovers an operation must never leave: staging, set-aside and journal files.
pub fn leftovers(dirs: &[&Path]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for dir in dirs {
        let Ok(entries) = fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.contains(".partial-")
                || name.contains(".moving-")
                || name.ends_with(".journal")
                || Path::new(&name)
                    .extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("tmp"))
            {
                found.push(e.path());
            }
        }
    }
    found
}

/// Parses a CLI's stdout as one JSON document.
pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Dates a file written by a test a day back, as a finished backup's files
/// are: otherwise the finishing gate (rightly) sees a backup being written.
pub fn age(file: &Path) {
    let day_ago = std::time::SystemTime::now() - std::time::Duration::from_hours(24);
    fs::File::options()
        .write(true)
        .open(file)
        .unwrap()
        .set_modified(day_ago)
        .unwrap();
}

/// Dates every file below `root` that a test wrote in the last hour a day
/// back (see [`age`]); files dated earlier keep their times.
pub fn age_tree(root: &Path) {
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_hours(1);
    for e in WalkDir::new(root).into_iter().filter_map(Result::ok) {
        let recent = e
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .is_some_and(|t| t > hour_ago);
        if e.file_type().is_file() && recent {
            age(e.path());
        }
    }
}

/// A seed for a randomized test: `BR_SEED` when set (to replay a failure),
/// else the clock; printed with `label` so a failing run can be replayed.
pub fn test_seed(label: &str) -> u64 {
    let seed = std::env::var("BR_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            now.as_secs() ^ u64::from(now.subsec_nanos()).rotate_left(32)
        });
    eprintln!("{label}: seed {seed} (replay with BR_SEED={seed})");
    seed
}

/// The text a CLI wrote to stderr.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

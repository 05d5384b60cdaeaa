//! A parallel tree walk shared by the scan, the copy and the verification.
//! Several threads take folders from one queue; each reads a folder, hands
//! every entry to a [`Visitor`] and queues the subfolders it wants entered.
//! A file's type comes from the folder listing, and on Linux its metadata is
//! read relative to the open folder (`fstatat`), so no full path is resolved
//! twice.
//! Never follows links. Our marker file at the root is not part of the
//! backups: no visitor ever sees it; nor, on a drive where macOS keeps
//! attributes beside each file, are the `._` companions it makes there
//! (see [`crate::apple_double`]), unless a walk asks for them (deletion). Memory is bounded by the folders waiting
//! in the queue, not by the number of files.

use std::fs::{self, FileType, Metadata};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};

use crate::error::{Error, Result};
use crate::progress::Cancel;

/// Threads a walk uses by default: two even on two cores (much of a copy is
/// kernel time per file, which a second thread overlaps), up to four.
#[must_use]
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4))
}

/// Threads for a walk that only lists folders and reads metadata (a scan,
/// a comparison of names and sizes): twice the cores, from four to eight.
/// Such a thread waits on the kernel for each folder and each file's
/// status, so more of them than cores keep every core busy (the 1 GiB /
/// 20,000-file benchmark set, cached, on two cores: 21 ms with two
/// threads, 17 ms with three or four, 17.5 ms with six), and a cold drive
/// gets several requests at once to order.
#[must_use]
pub fn listing_threads() -> usize {
    std::thread::available_parallelism().map_or(4, |n| (n.get() * 2).clamp(4, 8))
}

/// One entry below the root.
pub struct Entry<'a> {
    /// Its full path.
    pub path: &'a Path,
    /// The folder it is in (a prefix of `path`).
    pub folder: &'a Path,
    /// Its name in that folder.
    name: &'a std::ffi::OsStr,
    /// The walk's root.
    root: &'a Path,
    /// 1 for the root's children, 2 for theirs, and so on.
    pub depth: usize,
    /// Its type as the folder listing gave it (a link is a link).
    pub file_type: FileType,
    /// The folder listing's entry for it (its metadata, but on Windows).
    #[cfg(not(windows))]
    listing: &'a fs::DirEntry,
}

impl Entry<'_> {
    /// Its metadata, not following links.
    pub fn metadata(&self) -> Result<Metadata> {
        // Windows' listing carries sizes and times that NTFS may not have
        // updated while a writer has the file open: ask the file itself.
        #[cfg(windows)]
        let meta = fs::symlink_metadata(self.path);
        #[cfg(not(windows))]
        let meta = self.listing.metadata();
        meta.map_err(|e| Error::io(self.path, e))
    }

    /// Its path below the walk's root.
    #[must_use]
    pub fn relative(&self) -> &Path {
        below(self.path, self.root).unwrap_or_else(|| {
            self.path
                .strip_prefix(self.root)
                .expect("a walk stays under its root")
        })
    }

    /// Its name in its folder.
    #[must_use]
    pub fn file_name(&self) -> &std::ffi::OsStr {
        self.name
    }
}

/// What follows `prefix` in `path`, when `path` was made by joining names
/// to `prefix` — found by its length, without parsing either path into
/// components, which a walk would do for every entry (Unix; `None`
/// elsewhere and for a path not spelled that way).
fn below<'p>(path: &'p Path, prefix: &Path) -> Option<&'p Path> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let rest = path
            .as_os_str()
            .as_bytes()
            .strip_prefix(prefix.as_os_str().as_bytes())?;
        let rest = match rest.strip_prefix(b"/") {
            Some(after) => after,
            // The prefix ended with its own separator ("/"), or the path
            // only began with the same letters ("/a/bc" after "/a/b").
            None if prefix.as_os_str().as_bytes().ends_with(b"/") => rest,
            None => return None,
        };
        (!rest.is_empty()).then(|| Path::new(std::ffi::OsStr::from_bytes(rest)))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, prefix);
        None
    }
}

/// What a walk does with each entry. One `State` per thread, returned at the end.
pub trait Visitor: Sync {
    /// Each thread's own tally.
    type State: Send;
    /// A fresh tally for a thread.
    fn state(&self) -> Self::State;
    /// Called for every entry below the root. Return `true` for a folder to
    /// be entered; an error stops the whole walk.
    fn visit(&self, state: &mut Self::State, entry: &Entry<'_>) -> Result<bool>;
    /// A folder or entry that could not be read. Return the error to stop
    /// the walk, or `Ok` to note it and go on.
    fn unreadable(&self, state: &mut Self::State, error: Error) -> Result<()> {
        let _ = state;
        Err(error)
    }
}

struct Queue {
    folders: Vec<(PathBuf, usize)>,
    busy: usize,
    failed: Option<Error>,
}

/// What the threads share.
struct Shared<'a, V> {
    root: &'a Path,
    companions: Companions,
    queue: Mutex<Queue>,
    changed: Condvar,
    /// Set with the first error, so the other threads stop mid-folder.
    stopping: AtomicBool,
    cancel: &'a Cancel,
    visitor: &'a V,
}

/// Whether a walk shows the AppleDouble companions macOS makes on drives
/// without attributes of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Companions {
    /// Shown like any file (a deletion must see everything).
    Shown,
    /// Left out: they are the system's, not part of the backups.
    Skipped,
}

impl Companions {
    /// Skipped where `apple_double` says so, shown otherwise.
    #[must_use]
    pub fn skipped_if(apple_double: bool) -> Self {
        if apple_double {
            Companions::Skipped
        } else {
            Companions::Shown
        }
    }

    /// Skipped on a drive that keeps them, as the system says of `root`'s drive.
    #[must_use]
    pub fn on_drive_of(root: &Path) -> Self {
        Self::skipped_if(crate::apple_double::used_under(root))
    }
}

/// Walks the tree below `root` (not the root itself) on `threads` threads,
/// leaving out the companions macOS makes where `root`'s drive keeps them.
/// Returns each thread's state, or the first error a visitor returned.
pub fn walk<V: Visitor>(
    root: &Path,
    threads: usize,
    cancel: &Cancel,
    visitor: &V,
) -> Result<Vec<V::State>> {
    walk_with(
        root,
        threads,
        cancel,
        visitor,
        Companions::on_drive_of(root),
    )
}

/// [`walk`], with AppleDouble companions shown or skipped as `companions` says.
pub fn walk_with<V: Visitor>(
    root: &Path,
    threads: usize,
    cancel: &Cancel,
    visitor: &V,
    companions: Companions,
) -> Result<Vec<V::State>> {
    let shared = Shared {
        root,
        companions,
        queue: Mutex::new(Queue {
            folders: vec![(root.to_owned(), 0)],
            busy: 0,
            failed: None,
        }),
        changed: Condvar::new(),
        stopping: AtomicBool::new(false),
        cancel,
        visitor,
    };
    let states = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for i in 0..threads.max(1) {
            let started = std::thread::Builder::new()
                .name(format!("walk-{i}"))
                .spawn_scoped(scope, || worker(&shared));
            match started {
                Ok(handle) => handles.push(handle),
                // The system refused a thread: the walk goes on with the ones
                // it has, or fails with the reason if it has none.
                Err(e) if handles.is_empty() => {
                    shared
                        .queue
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .failed
                        .get_or_insert(Error::io(root, e));
                    break;
                }
                Err(_) => break,
            }
        }
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect::<Vec<_>>()
    });
    let queue = shared
        .queue
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match queue.failed {
        Some(error) => Err(error),
        None => Ok(states),
    }
}

fn worker<V: Visitor>(shared: &Shared<'_, V>) -> V::State {
    let mut state = shared.visitor.state();
    let lock = || {
        shared
            .queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    loop {
        let (folder, depth) = {
            let mut q = lock();
            loop {
                if q.failed.is_some() {
                    return state;
                }
                if let Some(next) = q.folders.pop() {
                    q.busy += 1;
                    break next;
                }
                if q.busy == 0 {
                    shared.changed.notify_all();
                    return state;
                }
                q = shared
                    .changed
                    .wait(q)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        };
        let mut found = Vec::new();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            read_folder(shared, &folder, depth, &mut state, &mut found)
        }));
        let mut q = lock();
        q.busy -= 1;
        match outcome {
            Ok(Ok(())) => q.folders.append(&mut found),
            Ok(Err(error)) => {
                shared.stopping.store(true, Ordering::Relaxed);
                q.failed.get_or_insert(error);
            }
            Err(panic) => {
                // Stop the others (they would wait for this folder forever),
                // then let the panic reach the caller through `join`.
                shared.stopping.store(true, Ordering::Relaxed);
                q.failed.get_or_insert(Error::io(
                    &folder,
                    std::io::Error::other("a walk thread panicked"),
                ));
                shared.changed.notify_all();
                drop(q);
                std::panic::resume_unwind(panic);
            }
        }
        shared.changed.notify_all();
    }
}

fn read_folder<V: Visitor>(
    shared: &Shared<'_, V>,
    folder: &Path,
    depth: usize,
    state: &mut V::State,
    found: &mut Vec<(PathBuf, usize)>,
) -> Result<()> {
    shared.cancel.check()?;
    let visitor = shared.visitor;
    let entries = match fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) => return visitor.unreadable(state, Error::io(folder, e)),
    };
    // Each entry's path, made in one buffer (no allocation per entry).
    let mut path = folder.to_path_buf();
    for dir_entry in entries {
        shared.cancel.check()?;
        if shared.stopping.load(Ordering::Relaxed) {
            return Ok(());
        }
        let dir_entry = match dir_entry {
            Ok(d) => d,
            Err(e) => {
                visitor.unreadable(state, Error::io(folder, e))?;
                continue;
            }
        };
        let name = dir_entry.file_name();
        if depth == 0 && crate::names::is_our_file_at_the_top(&name) {
            continue;
        }
        let spelled = path.as_mut_os_string();
        spelled.clear();
        spelled.push(folder.as_os_str());
        path.push(&name);
        if visit_one(shared, (folder, depth), &path, &name, &dir_entry, state)? {
            found.push((path.clone(), depth + 1));
        }
    }
    Ok(())
}

/// Hands the entry `dir_entry` of `folder` (at `depth`), named `name`, at
/// `path`, to the visitor; whether it is a folder to enter.
fn visit_one<V: Visitor>(
    shared: &Shared<'_, V>,
    (folder, depth): (&Path, usize),
    path: &Path,
    name: &std::ffi::OsStr,
    dir_entry: &fs::DirEntry,
    state: &mut V::State,
) -> Result<bool> {
    let visitor = shared.visitor;
    let file_type = match dir_entry.file_type() {
        Ok(t) => t,
        Err(e) => {
            visitor.unreadable(state, Error::io(path, e))?;
            return Ok(false);
        }
    };
    if shared.companions == Companions::Skipped
        && file_type.is_file()
        && crate::apple_double::file_is_companion(path, name)
    {
        return Ok(false);
    }
    let entry = Entry {
        path,
        folder,
        name,
        root: shared.root,
        depth: depth + 1,
        file_type,
        #[cfg(not(windows))]
        listing: dir_entry,
    };
    Ok(visitor.visit(state, &entry)? && file_type.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::{MARKER_FILE, TEMPORARY_FILE};
    use std::collections::BTreeSet;
    use std::io;

    struct Names;
    impl Visitor for Names {
        type State = BTreeSet<(String, usize)>;
        fn state(&self) -> Self::State {
            BTreeSet::new()
        }
        fn visit(&self, state: &mut Self::State, entry: &Entry<'_>) -> Result<bool> {
            let name = entry.file_name().to_string_lossy().into_owned();
            state.insert((name.clone(), entry.depth));
            Ok(name != "skip")
        }
    }

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for d in ["a/b/c", "skip/inner", "e"] {
            fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        for f in ["a/1", "a/b/2", "a/b/c/3", "skip/inner/4", "e/5"] {
            fs::write(dir.path().join(f), f).unwrap();
        }
        dir
    }

    #[test]
    fn every_entry_once_on_any_thread_count_and_skipped_folders_stay_closed() {
        let dir = tree();
        for threads in [1, 2, 5] {
            let states = walk(dir.path(), threads, &Cancel::new(), &Names).unwrap();
            assert_eq!(states.len(), threads);
            let total: usize = states.iter().map(BTreeSet::len).sum();
            let all: BTreeSet<_> = states.into_iter().flatten().collect();
            assert_eq!(total, all.len(), "an entry was visited twice");
            let names: Vec<_> = all.iter().map(|(n, d)| format!("{n}@{d}")).collect();
            assert_eq!(
                names,
                [
                    "1@2", "2@3", "3@4", "5@2", "a@1", "b@2", "c@3", "e@1", "skip@1"
                ],
                "threads: {threads}"
            );
        }
    }

    /// An entry's path below the root and its name, found by length, are
    /// what parsing the path gives, however the root is spelled.
    #[test]
    fn relative_paths_and_names_are_those_of_the_parsed_path() {
        struct Each<F>(F);
        impl<F: Fn(&Entry<'_>) -> PathBuf + Sync> Visitor for Each<F> {
            type State = Vec<PathBuf>;
            fn state(&self) -> Self::State {
                Vec::new()
            }
            fn visit(&self, state: &mut Self::State, entry: &Entry<'_>) -> Result<bool> {
                state.push((self.0)(entry));
                Ok(true)
            }
        }
        let dir = tree();
        let spellings = [
            dir.path().to_owned(),
            dir.path().join(""),
            dir.path().join("a").join(".."),
            dir.path().join("."),
        ];
        for root in spellings {
            let mut seen = Vec::new();
            let check = |entry: &Entry<'_>| {
                assert_eq!(entry.relative(), entry.path.strip_prefix(&root).unwrap());
                assert_eq!(entry.file_name(), entry.path.file_name().unwrap());
                assert_eq!(Some(entry.folder), entry.path.parent());
                entry.relative().to_owned()
            };
            for part in walk(&root, 2, &Cancel::new(), &Each(check)).unwrap() {
                seen.extend(part);
            }
            seen.sort();
            assert_eq!(seen.len(), 11, "{root:?}: {seen:?}");
            assert!(seen.contains(&PathBuf::from("a/b/c/3")), "{root:?}");
        }
    }

    /// Issue 19: on a drive where macOS keeps attributes in `._` files,
    /// those are the system's: a walk that skips them sees only the
    /// backups' own entries (a person's `._notes` included).
    #[test]
    fn apple_double_companions_are_skipped_only_when_asked() {
        let dir = tree();
        let magic = crate::apple_double::MAGIC;
        fs::write(dir.path().join("._a"), magic).unwrap();
        fs::write(dir.path().join("a/b/._2"), magic).unwrap();
        fs::write(dir.path().join("._notes"), b"a person's file").unwrap();
        let names = |companions| -> BTreeSet<String> {
            walk_with(dir.path(), 2, &Cancel::new(), &Names, companions)
                .unwrap()
                .into_iter()
                .flatten()
                .map(|(n, _)| n)
                .collect()
        };
        let shown = names(Companions::Shown);
        assert!(shown.contains("._a") && shown.contains("._2"), "{shown:?}");
        let skipped = names(Companions::Skipped);
        assert!(
            !skipped.contains("._a") && !skipped.contains("._2"),
            "{skipped:?}"
        );
        assert!(skipped.contains("._notes"), "{skipped:?}");
        assert_eq!(shown.len() - 2, skipped.len());
    }

    #[test]
    fn our_marker_and_its_temporary_file_are_hidden_at_the_root_only() {
        let dir = tree();
        for name in [MARKER_FILE, TEMPORARY_FILE] {
            fs::write(dir.path().join(name), b"{}").unwrap();
            fs::write(dir.path().join("e").join(name), b"{}").unwrap();
        }
        let all: BTreeSet<_> = walk(dir.path(), 2, &Cancel::new(), &Names)
            .unwrap()
            .into_iter()
            .flatten()
            .collect();
        for name in [MARKER_FILE, TEMPORARY_FILE] {
            assert!(!all.contains(&(name.to_owned(), 1)), "{all:?}");
            assert!(all.contains(&(name.to_owned(), 2)), "{all:?}");
        }
    }

    struct FailOn(&'static str);
    impl Visitor for FailOn {
        type State = ();
        fn state(&self) {}
        fn visit(&self, (): &mut (), entry: &Entry<'_>) -> Result<bool> {
            if entry.file_name() == self.0 {
                return Err(Error::io(entry.path, io::Error::other("refused")));
            }
            Ok(true)
        }
    }

    #[test]
    fn the_first_error_stops_the_walk_and_names_its_path() {
        let dir = tree();
        let err = walk(dir.path(), 2, &Cancel::new(), &FailOn("3")).unwrap_err();
        let path = ["a", "b", "c", "3"]
            .iter()
            .fold(dir.path().to_path_buf(), |p, name| p.join(name));
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
        assert!(err.to_string().contains("refused"), "{err}");
    }

    struct PanicOn(&'static str);
    impl Visitor for PanicOn {
        type State = ();
        fn state(&self) {}
        fn visit(&self, (): &mut (), entry: &Entry<'_>) -> Result<bool> {
            assert!(entry.file_name() != self.0, "visitor panics on {}", self.0);
            Ok(true)
        }
    }

    #[test]
    fn a_panicking_visitor_reaches_the_caller_instead_of_hanging_the_walk() {
        let dir = tree();
        let outcome =
            std::panic::catch_unwind(|| walk(dir.path(), 3, &Cancel::new(), &PanicOn("b")));
        assert!(outcome.is_err(), "the panic must reach the caller");
    }

    #[test]
    fn a_cancelled_walk_stops() {
        let dir = tree();
        let cancel = Cancel::new();
        cancel.cancel();
        let err = walk(dir.path(), 2, &cancel, &Names).unwrap_err();
        assert!(matches!(err, Error::Cancelled), "{err}");
    }
}

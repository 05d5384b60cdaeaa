//! What the app looks at: the platform's backup folders, a folder named
//! with `--source DIR` (or chosen earlier and remembered), or a generated
//! sample with `--demo`. The demo's temporary folders go when the app
//! ends; folders left by a demo that was killed are removed at the next
//! start, once their process is gone.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use relocator::locations::{self, HomeDirs, Platform};
use relocator::sample::{self, SampleSpec};

/// One backup folder the app shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Which app writes here, for people.
    pub app: String,
    /// The backup folder.
    pub path: PathBuf,
}

impl Location {
    /// A folder a person chose.
    #[must_use]
    pub fn chosen(path: PathBuf) -> Self {
        Self {
            app: "Chosen folder".to_owned(),
            path,
        }
    }
}

/// The start of every demo folder's name: `<prefix><pid>-<random>`.
const DEMO_PREFIX: &str = "backup-relocator-demo-";

/// How the app was started.
#[derive(Debug, Default)]
pub struct StartConfig {
    /// The backup folders to show.
    pub locations: Vec<Location>,
    /// The folder was named on the command line (a remembered choice does not replace it).
    pub source_given: bool,
    /// A sample destination folder (demo mode).
    pub demo_drive: Option<PathBuf>,
    /// The demo's temporary folders, removed at the end.
    pub demo_dirs: Vec<tempfile::TempDir>,
    /// Where the log file is written, if logging started.
    pub log_dir: Option<PathBuf>,
}

impl StartConfig {
    /// Reads `--source DIR` and `--demo`; otherwise the platform's usual folders.
    pub fn from_args(args: impl IntoIterator<Item = OsString>) -> Result<Self, String> {
        let mut args = args.into_iter();
        let mut config = StartConfig::default();
        let mut demo = false;
        while let Some(arg) = args.next() {
            match arg.to_str() {
                Some("--source") => {
                    let dir = args.next().ok_or("--source needs a folder")?;
                    config.locations.push(Location::chosen(PathBuf::from(dir)));
                    config.source_given = true;
                }
                Some("--demo") => demo = true,
                Some("--help" | "-h") => {
                    return Err("usage: backup-relocator [--source DIR] [--demo]".to_owned());
                }
                _ => return Err(format!("unknown argument {}", arg.to_string_lossy())),
            }
        }
        if demo {
            config
                .make_demo()
                .map_err(|e| format!("could not make the demo backup: {e}"))?;
        } else if config.locations.is_empty() {
            config.locations = usual_locations();
        }
        Ok(config)
    }

    /// Uses the folder a person chose earlier, unless one was named at start.
    pub fn remember_source(&mut self, chosen: Option<&Path>) {
        if let Some(folder) = chosen
            && !self.source_given
            && !self.is_demo()
        {
            self.locations = vec![Location::chosen(folder.to_owned())];
        }
    }

    /// Generates a realistic sample backup and a sample drive folder in a temporary place.
    pub fn make_demo(&mut self) -> relocator::Result<()> {
        remove_abandoned_demos();
        let prefix = format!("{DEMO_PREFIX}{}-", std::process::id());
        let dir = tempfile::Builder::new()
            .prefix(&prefix)
            .tempdir()
            .map_err(|e| relocator::Error::io(tempfile::env::temp_dir(), e))?;
        let backups = dir
            .path()
            .join("Library/Application Support/MobileSync/Backup");
        sample::generate(&backups, &SampleSpec::demo(2026))?;
        // The sample drive on another file system where there is one (a RAM
        // disk on Linux), so the demo copies and shows progress like a real move.
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix);
        let drive = match demo_drive_parent() {
            Some(parent) => builder.tempdir_in(parent),
            None => builder.tempdir(),
        }
        .map_err(|e| relocator::Error::io(tempfile::env::temp_dir(), e))?;
        self.locations = vec![Location {
            app: "Demo (Finder and iTunes)".to_owned(),
            path: backups,
        }];
        self.demo_drive = Some(drive.path().to_owned());
        self.demo_dirs = vec![dir, drive];
        Ok(())
    }

    /// Whether this is the demo.
    #[must_use]
    pub fn is_demo(&self) -> bool {
        !self.demo_dirs.is_empty()
    }

    /// Removes the demo's temporary folders now (at exit) — except one
    /// that holds backups moved there from outside the demo, which is kept.
    pub fn remove_demo(&mut self) {
        for dir in self.demo_dirs.drain(..) {
            let path = dir.path().to_owned();
            if holds_backups_from_outside(&path, 3) {
                tracing::warn!(path = %path.display(), "demo folder kept: it holds backups from outside the demo");
                let _ = dir.keep();
            } else if let Err(e) = dir.close() {
                tracing::warn!(path = %path.display(), error = %e, "demo folder left behind");
            }
        }
    }
}

/// The usual backup folders of this platform.
pub(crate) fn usual_locations() -> Vec<Location> {
    HomeDirs::from_environment()
        .map(|dirs| locations::known_locations(Platform::current(), &dirs))
        .unwrap_or_default()
        .into_iter()
        .map(|l| Location {
            app: l.app.to_owned(),
            path: l.path,
        })
        .collect()
}

/// A RAM disk for the demo's drive, where there is one.
fn demo_drive_parent() -> Option<&'static Path> {
    Some(Path::new("/dev/shm")).filter(|p| p.is_dir())
}

/// Removes demo folders whose app is no longer running (killed before it
/// could clean up).
fn remove_abandoned_demos() {
    let parents = [
        Some(tempfile::env::temp_dir()),
        demo_drive_parent().map(Path::to_owned),
    ];
    for parent in parents.into_iter().flatten() {
        let Ok(entries) = std::fs::read_dir(&parent) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if let Some(pid) = abandoned_demo_pid(&name.to_string_lossy())
                && pid != std::process::id()
                && !relocator::processes::is_alive(pid)
                && !holds_backups_from_outside(&entry.path(), 3)
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Whether `dir`, or a folder up to `depth` levels inside it, is a copy
/// Backup Relocator made of backups from outside any demo (real backups
/// moved onto the demo's drive): such a folder is never removed.
fn holds_backups_from_outside(dir: &Path, depth: u32) -> bool {
    if let Some(m) = relocator::marker::read(dir) {
        let from_a_demo = m
            .moved_from
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with(DEMO_PREFIX));
        if !from_a_demo {
            return true;
        }
    }
    depth > 0
        && std::fs::read_dir(dir).is_ok_and(|entries| {
            entries.flatten().any(|e| {
                e.file_type().is_ok_and(|t| t.is_dir())
                    && holds_backups_from_outside(&e.path(), depth - 1)
            })
        })
}

/// The process id in a demo folder's name.
fn abandoned_demo_pid(name: &str) -> Option<u32> {
    name.strip_prefix(DEMO_PREFIX)?
        .split_once('-')?
        .0
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn source_and_demo_are_read() {
        let c = StartConfig::from_args(args(&["--source", "/x/Backup"])).unwrap();
        assert_eq!(c.locations[0].path, PathBuf::from("/x/Backup"));
        assert!(c.source_given && !c.is_demo());
        let mut d = StartConfig::from_args(args(&["--demo"])).unwrap();
        assert!(d.is_demo());
        assert!(d.locations[0].path.join(".").exists());
        d.remove_demo();
        assert!(StartConfig::from_args(args(&["--source"])).is_err());
        assert!(StartConfig::from_args(args(&["--bogus"])).is_err());
    }

    #[test]
    fn a_remembered_folder_replaces_the_usual_ones_but_not_a_named_one() {
        let mut usual = StartConfig::default();
        usual.remember_source(Some(Path::new("/mine")));
        assert_eq!(usual.locations, [Location::chosen(PathBuf::from("/mine"))]);
        let mut named = StartConfig::from_args(args(&["--source", "/named"])).unwrap();
        named.remember_source(Some(Path::new("/mine")));
        assert_eq!(named.locations[0].path, PathBuf::from("/named"));
    }

    #[test]
    fn the_demo_removes_its_folders_at_the_end_and_those_of_a_killed_demo_at_the_next_start() {
        let mut demo = StartConfig::from_args(args(&["--demo"])).unwrap();
        let dirs: Vec<PathBuf> = demo.demo_dirs.iter().map(|d| d.path().to_owned()).collect();
        demo.remove_demo();
        assert!(dirs.iter().all(|d| !d.exists()), "{dirs:?}");

        // A demo killed outright: its process is gone, its folder is not.
        // (This test program itself, listing its tests: every system has it.)
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("--list")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let left = tempfile::env::temp_dir().join(format!("{DEMO_PREFIX}{dead}-abc123"));
        std::fs::create_dir_all(left.join("Backup")).unwrap();
        let alive =
            tempfile::env::temp_dir().join(format!("{DEMO_PREFIX}{}-x", std::process::id()));
        std::fs::create_dir_all(&alive).unwrap();
        let mut next = StartConfig::from_args(args(&["--demo"])).unwrap();
        assert!(!left.exists(), "the killed demo's folder is removed");
        assert!(alive.exists(), "a running app's folder is kept");
        next.remove_demo();
        std::fs::remove_dir_all(alive).unwrap();
        assert_eq!(abandoned_demo_pid("backup-relocator-demo-42-xyz"), Some(42));
        assert_eq!(abandoned_demo_pid("backup-relocator-demo-x-1"), None);
        assert_eq!(abandoned_demo_pid("other-42-x"), None);
    }

    #[test]
    fn a_demo_folder_holding_backups_moved_from_outside_the_demo_is_kept() {
        use relocator::marker::{self, Marker, MarkerState};
        let mut demo = StartConfig::from_args(args(&["--demo"])).unwrap();
        let drive = demo.demo_drive.clone().unwrap();
        let source = demo.locations[0].path.clone();
        // The demo's own move: removed with the demo.
        let own = drive.join("Backup");
        std::fs::create_dir(&own).unwrap();
        marker::write(
            &own,
            &Marker::new("aaaaaaaaaaaa", MarkerState::Complete, &source),
        )
        .unwrap();
        assert!(!holds_backups_from_outside(&drive, 3));
        // Real backups moved onto the demo's drive: kept.
        let real = drive.join("chosen/Backup");
        std::fs::create_dir_all(&real).unwrap();
        let elsewhere = Path::new("/home/someone/Library/Application Support/MobileSync/Backup");
        marker::write(
            &real,
            &Marker::new("bbbbbbbbbbbb", MarkerState::Complete, elsewhere),
        )
        .unwrap();
        demo.remove_demo();
        assert!(
            real.exists(),
            "real backups are never removed with the demo"
        );
        assert!(
            !demo.locations[0].path.exists(),
            "the demo's own folder went"
        );
        std::fs::remove_dir_all(&drive).unwrap();
    }
}

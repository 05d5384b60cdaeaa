//! What the app looks at: the platform's backup folders, a folder named
//! with `--source DIR`, or a generated sample with `--demo`.

use std::ffi::OsString;
use std::path::PathBuf;

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

/// How the app was started.
#[derive(Debug, Default)]
pub struct StartConfig {
    /// The backup folders to show.
    pub locations: Vec<Location>,
    /// A sample destination folder (demo mode).
    pub demo_drive: Option<PathBuf>,
    /// Keeps the demo's temporary folders alive while the app runs.
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
                    config.locations.push(Location {
                        app: "chosen folder".to_owned(),
                        path: PathBuf::from(dir),
                    });
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
            config.locations = HomeDirs::from_environment()
                .map(|dirs| locations::known_locations(Platform::current(), &dirs))
                .unwrap_or_default()
                .into_iter()
                .map(|l| Location {
                    app: l.app.to_owned(),
                    path: l.path,
                })
                .collect();
        }
        Ok(config)
    }

    /// Generates a realistic sample backup and a sample drive folder in a temporary place.
    pub fn make_demo(&mut self) -> relocator::Result<()> {
        let dir = tempfile::Builder::new()
            .prefix("backup-relocator-demo-")
            .tempdir()
            .map_err(|e| relocator::Error::io("temporary folder", e))?;
        let backups = dir
            .path()
            .join("Library/Application Support/MobileSync/Backup");
        sample::generate(&backups, &SampleSpec::demo(2026))?;
        // The sample drive on another file system where there is one (a RAM
        // disk on Linux), so the demo copies and shows progress like a real move.
        let mut builder = tempfile::Builder::new();
        builder.prefix("Big Drive ");
        let shm = std::path::Path::new("/dev/shm");
        let drive = if shm.is_dir() {
            builder.tempdir_in(shm)
        } else {
            builder.tempdir()
        }
        .map_err(|e| relocator::Error::io("temporary folder", e))?;
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
        assert!(!c.is_demo());
        let d = StartConfig::from_args(args(&["--demo"])).unwrap();
        assert!(d.is_demo());
        assert!(d.locations[0].path.join(".").exists());
        assert!(StartConfig::from_args(args(&["--source"])).is_err());
        assert!(StartConfig::from_args(args(&["--bogus"])).is_err());
    }
}

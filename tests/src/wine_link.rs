//! **A stand-in for the Windows folder link, for the Windows flows under
//! Wine only** (`scripts/wine-tests.sh`; the CLI under test picks it when
//! `BR_WINE_STAND_IN_LINKS` is set). It is not a junction and proves
//! nothing about junctions: Wine 8 cannot make one (it has no
//! `FSCTL_SET_REPARSE_POINT`: "Request not supported"), and its
//! `CreateSymbolicLinkW` is a stub that reports success and makes nothing.
//! The junction's own tests run on the workflow's windows-latest job.
//!
//! What it does instead: Wine can start Unix programs, so `create` runs
//! Unix `ln -s` from the link's Unix place to the target's real Unix place
//! (`winepath -u`, then `realpath`, so the link does not go through the
//! drive letter), and Wine then shows the Unix link as a folder and reads
//! through it, so listing, copying, the health check and the switch-over
//! all go through it as through a junction. Wine cannot read a Unix
//! link's target back, so each link's Windows target is recorded beside
//! it, in `<link>.stand-in-link`: when that drive letter is gone (the drive
//! came back under another letter), the link reads as dangling, as a
//! junction naming the old letter would. `remove` runs Unix `rm` (never
//! recursive) on the link alone.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use relocator::link::{FolderLink, LinkKind};
use relocator::{Error, Result};

/// The stand-in link (see the module's documentation).
#[derive(Debug, Default, Clone, Copy)]
pub struct WineStandInLinks;

/// The record of a stand-in link's target, beside it.
fn record_of(link: &Path) -> PathBuf {
    let mut name = link.file_name().unwrap_or_default().to_owned();
    name.push(".stand-in-link");
    link.with_file_name(name)
}

/// The Unix path Wine maps the Windows path `path` to.
fn unix_path(path: &Path) -> io::Result<String> {
    let absolute = std::path::absolute(path)?;
    let out = Command::new("winepath").arg("-u").arg(&absolute).output()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if text.is_empty() {
        return Err(io::Error::other(format!(
            "winepath gave no Unix path for {}",
            absolute.display()
        )));
    }
    Ok(text)
}

/// Starts a Unix program (Wine can; waiting for it cannot be done through
/// its handle, "invalid handle", so the disk is watched instead), then
/// waits until `done` says it has acted.
fn run_unix(program: &str, args: &[&str], done: impl Fn() -> bool) -> io::Result<()> {
    let mut command = Command::new(format!(r"Z:\usr\bin\{program}"));
    command.args(args);
    drop(command.spawn()?);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        if Instant::now() > deadline {
            return Err(io::Error::other(format!("Unix {program} did not act")));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

impl FolderLink for WineStandInLinks {
    fn create(&self, link: &Path, target: &Path) -> Result<()> {
        if fs::symlink_metadata(link).is_ok() {
            return Err(Error::io(link, io::ErrorKind::AlreadyExists.into()));
        }
        let (unix_link, unix_target) = (
            unix_path(link).map_err(|e| Error::io(link, e))?,
            unix_path(target).map_err(|e| Error::io(target, e))?,
        );
        let record = record_of(link);
        fs::write(&record, target.as_os_str().as_encoded_bytes())
            .map_err(|e| Error::io(&record, e))?;
        let script = r#"ln -s "$(realpath -m "$1")" "$2""#;
        run_unix(
            "sh",
            &["-c", script, "sh", &unix_target, &unix_link],
            || fs::symlink_metadata(link).is_ok(),
        )
        .map_err(|e| Error::io(link, e))
    }

    fn read(&self, link: &Path) -> Result<Option<PathBuf>> {
        if fs::symlink_metadata(link).is_err() {
            return Ok(None);
        }
        match fs::read(record_of(link)) {
            Ok(bytes) => Ok(Some(PathBuf::from(
                String::from_utf8_lossy(&bytes).into_owned(),
            ))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(record_of(link), e)),
        }
    }

    fn remove(&self, link: &Path) -> Result<()> {
        if self.read(link)?.is_none() {
            return Err(Error::NotOurLink {
                path: link.to_owned(),
                found: "something that is not a stand-in link".to_owned(),
            });
        }
        let unix_link = unix_path(link).map_err(|e| Error::io(link, e))?;
        // `rm` without `-r` removes the Unix link itself, never its target.
        run_unix("rm", &[&unix_link], || fs::symlink_metadata(link).is_err())
            .map_err(|e| Error::io(link, e))?;
        fs::remove_file(record_of(link)).map_err(|e| Error::io(record_of(link), e))
    }

    fn kind_for(&self, _target: &Path) -> LinkKind {
        LinkKind::Symlink
    }
}

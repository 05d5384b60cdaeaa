//! What the app asks of the system beyond the core: the folder dialog,
//! which Apple apps are running, which drives are connected, opening a
//! folder in the file manager, and where the guard's login item goes. The real ones in the app; tests pass their
//! own, so a test never opens a dialog or depends on this machine's drives.

use std::path::Path;
use std::sync::Arc;

use relocator::processes::{self, SyncProcesses};
use relocator::volume::{self, VolumeInfo};

use crate::picker::{FolderPicker, NativePicker};

/// Lists drives (on a background task).
pub type DriveLister = Arc<dyn Fn() -> Vec<VolumeInfo> + Send + Sync>;
/// Opens a folder in the file manager (on a background task); the reason in plain words if it cannot.
pub type FolderOpener = Arc<dyn Fn(&Path) -> Result<(), String> + Send + Sync>;
/// Lists the Apple apps and helpers running now.
pub type ProcessLister = Arc<dyn Fn() -> SyncProcesses + Send + Sync>;

/// The system, as the app uses it.
pub struct Services {
    /// The folder dialog.
    pub picker: Box<dyn FolderPicker>,
    /// Apple's apps and helpers running now.
    pub running: ProcessLister,
    /// The drives connected now.
    pub drives: DriveLister,
    /// Shows a folder in Finder, Explorer or the file manager.
    pub open_folder: FolderOpener,
    /// The guard's login item and program (`None`: it cannot be turned on).
    pub guard: Option<crate::guard_mode::GuardSetup>,
}

impl Services {
    /// The real system.
    #[must_use]
    pub fn system() -> Self {
        Self {
            picker: Box::new(NativePicker),
            running: Arc::new(processes::running),
            drives: Arc::new(volume::connected),
            open_folder: Arc::new(open_with_file_manager),
            guard: crate::guard_mode::GuardSetup::current(),
        }
    }
}

/// The file manager each system has.
fn file_manager() -> &'static str {
    if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    }
}

/// Opens `folder` in the system's file manager, waiting for its answer.
pub fn open_with_file_manager(folder: &Path) -> Result<(), String> {
    let program = file_manager();
    let status = std::process::Command::new(program)
        .arg(folder)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    // Explorer answers 1 even when it opened the folder.
    judge_opening(status.map(|s| s.success() || cfg!(windows)), program)
}

/// The plain words for how starting the file manager went.
fn judge_opening(started: std::io::Result<bool>, program: &str) -> Result<(), String> {
    match started {
        Ok(true) => Ok(()),
        Ok(false) => Err(format!(
            "The file manager could not show it ({program} found no program to open folders with)."
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!(
            "This system has no file manager to show it ({program} is not installed)."
        )),
        Err(e) => Err(format!("The file manager could not be started ({e}).")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_failing_file_manager_is_said_in_words() {
        assert_eq!(judge_opening(Ok(true), "xdg-open"), Ok(()));
        let missing = judge_opening(Err(std::io::ErrorKind::NotFound.into()), "xdg-open");
        assert!(missing.unwrap_err().contains("xdg-open is not installed"));
        let failed = judge_opening(Ok(false), "xdg-open");
        assert!(failed.unwrap_err().contains("no program to open folders"));
    }
}

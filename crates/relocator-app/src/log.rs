//! The app's log: a file in the platform's log folder (`tracing`), never a
//! console window. Operations, recoveries and failures are written there,
//! so "Open log folder" can show a user (or us) what happened.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use relocator::locations::Platform;

/// The log file's name.
pub const LOG_FILE: &str = "backup-relocator.log";

/// Where logs go on `platform`: `~/Library/Logs/Backup Relocator` on macOS,
/// `%LOCALAPPDATA%\Backup Relocator\Logs` on Windows, and
/// `$XDG_STATE_HOME/backup-relocator` (default `~/.local/state/…`) elsewhere.
#[must_use]
pub fn log_dir(
    platform: Platform,
    home: &Path,
    local_app_data: Option<&Path>,
    xdg_state: Option<&Path>,
) -> PathBuf {
    match platform {
        Platform::MacOs => home.join("Library").join("Logs").join("Backup Relocator"),
        Platform::Windows => local_app_data
            .map_or_else(|| home.join("AppData").join("Local"), Path::to_path_buf)
            .join("Backup Relocator")
            .join("Logs"),
        Platform::Other => xdg_state
            .map_or_else(|| home.join(".local").join("state"), Path::to_path_buf)
            .join("backup-relocator"),
    }
}

/// The log folder for this user, from the environment.
#[must_use]
pub fn default_log_dir() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    let local = std::env::var_os("LOCALAPPDATA").map(PathBuf::from);
    let state = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from);
    Some(log_dir(
        Platform::current(),
        Path::new(&home),
        local.as_deref(),
        state.as_deref(),
    ))
}

/// Sends `tracing` events to `dir/backup-relocator.log` (appending).
pub fn init(dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(LOG_FILE);
    let file = OpenOptions::new().create(true).append(true).open(&path)?;
    tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_target(false)
        .try_init()
        .map_err(std::io::Error::other)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_platform_logs_where_its_users_look() {
        let home = Path::new("/home/ana");
        assert_eq!(
            log_dir(Platform::MacOs, home, None, None),
            Path::new("/home/ana/Library/Logs/Backup Relocator")
        );
        assert_eq!(
            log_dir(Platform::Windows, home, Some(Path::new("/local")), None),
            Path::new("/local/Backup Relocator/Logs")
        );
        assert_eq!(
            log_dir(Platform::Other, home, None, None),
            Path::new("/home/ana/.local/state/backup-relocator")
        );
        assert_eq!(
            log_dir(Platform::Other, home, None, Some(Path::new("/state"))),
            Path::new("/state/backup-relocator")
        );
    }
}

//! Apple's sync apps and helpers. Only apps a person can quit block an
//! operation: while iTunes or Apple Devices is open, a backup may start
//! mid-move. Apple's resident helpers and services
//! (`AppleMobileDeviceService`, which Apple says not to stop and which runs
//! whenever iTunes is installed; `AppleMobileDeviceProcess`; macOS's
//! `AMPDevicesAgent` launchd agents) are only reported: a user often
//! cannot stop them, and whether a backup is being written is told by the
//! backups themselves (`Status.plist`, fresh files). The lists live here
//! and only here.

use sysinfo::{ProcessRefreshKind, ProcessesToUpdate, System};

/// Apps a person can quit, and must before an operation: they start
/// backups (process names without `.exe`).
pub const QUITTABLE_APPS: &[&str] = &["iTunes", "AppleDevices"];

/// Apple's resident helpers and services: reported, never blocking.
pub const RESIDENT_HELPERS: &[&str] = &[
    "AppleMobileDeviceService",
    "AppleMobileDeviceProcess",
    "AppleMobileBackup",
    "AppleMobileSync",
    "AMPDevicesAgent",
    "AMPDeviceDiscoveryAgent",
    "MobileDeviceUpdater",
];

/// The processes whose start means a backup may be about to be written:
/// the apps that make backups and the helpers that write them (the guard
/// watches for these; which helper writes the files is unconfirmed, so
/// every candidate is listed).
pub const BACKUP_STARTERS: &[&str] = &[
    "iTunes",
    "AppleDevices",
    "AppleMobileBackup",
    "AppleMobileSync",
    "AMPDevicesAgent",
];

/// A process name as the lists hold it: without a path or `.exe`, lower case.
fn normalized(name: &str) -> String {
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let lower = name.to_ascii_lowercase();
    lower
        .strip_suffix(".exe")
        .map_or(lower.clone(), str::to_owned)
}

/// Whether the process named `name` (any case, with or without a path or
/// `.exe`) is one whose start means a backup may be coming.
#[must_use]
pub fn starts_backups(name: &str) -> bool {
    let name = normalized(name);
    BACKUP_STARTERS
        .iter()
        .any(|s| s.to_ascii_lowercase() == name)
}

/// Apple's processes found running, in the two kinds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncProcesses {
    /// Apps to quit first (they block).
    pub apps: Vec<String>,
    /// Resident helpers (information only).
    pub helpers: Vec<String>,
}

/// The names of `list` among `names` (as the OS reports them: any case,
/// with or without a path or `.exe`), each once, in list order.
fn matching(list: &[&str], running: &[String]) -> Vec<String> {
    list.iter()
        .filter(|s| running.iter().any(|r| r == &s.to_ascii_lowercase()))
        .map(|s| (*s).to_owned())
        .collect()
}

/// Sorts the process names `names` into apps to quit and resident helpers.
#[must_use]
pub fn classify<'a>(names: impl IntoIterator<Item = &'a str>) -> SyncProcesses {
    let running: Vec<String> = names.into_iter().map(normalized).collect();
    SyncProcesses {
        apps: matching(QUITTABLE_APPS, &running),
        helpers: matching(RESIDENT_HELPERS, &running),
    }
}

/// Apple's processes running now (none if the process list cannot be read).
#[must_use]
pub fn running() -> SyncProcesses {
    let Ok(mut sys) = System::new() else {
        return SyncProcesses::default();
    };
    sys.refresh_processes_specifics(ProcessesToUpdate::All, true, ProcessRefreshKind::nothing());
    let names: Vec<String> = sys
        .processes()
        .values()
        .map(|p| p.name().to_string_lossy().into_owned())
        .collect();
    classify(names.iter().map(String::as_str))
}

/// Whether a process with the id `pid` is running now (`true` when the
/// process list cannot be read: never treat what may be in use as left over).
#[must_use]
pub fn is_alive(pid: u32) -> bool {
    let Ok(mut sys) = System::new() else {
        return true;
    };
    let pid = sysinfo::Pid::from_u32(pid);
    sys.refresh_processes_specifics(
        ProcessesToUpdate::Some(&[pid]),
        true,
        ProcessRefreshKind::nothing(),
    );
    sys.process(pid).is_some()
}

/// The apps running now that block an operation.
#[must_use]
pub fn running_sync_processes() -> Vec<String> {
    running().apps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_an_ended_one_is_not() {
        assert!(is_alive(std::process::id()));
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("--list")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!is_alive(pid));
    }

    #[test]
    fn the_apps_and_helpers_that_write_backups_are_known_by_any_spelling() {
        assert!(starts_backups("AppleMobileBackup"));
        assert!(starts_backups(
            "C:\\Program Files\\Common Files\\Apple\\AppleMobileBackup.EXE"
        ));
        assert!(starts_backups("/usr/local/bin/itunes"));
        assert!(!starts_backups("AppleMobileDeviceService.exe"));
        assert!(!starts_backups("Finder"));
        assert!(!starts_backups("AppleMobileBackupX"));
    }

    #[test]
    fn only_quittable_apps_block_and_helpers_are_reported() {
        let found = classify([
            "bash",
            "iTunes.exe",
            "AMPDevicesAgent",
            "C:\\Program Files\\Common Files\\Apple\\AppleMobileDeviceService.EXE",
            "itunes",
            "AppleDevices.exe",
            "AppleMobileDeviceProcess.exe",
        ]);
        assert_eq!(found.apps, ["iTunes", "AppleDevices"]);
        assert_eq!(
            found.helpers,
            [
                "AppleMobileDeviceService",
                "AppleMobileDeviceProcess",
                "AMPDevicesAgent"
            ]
        );
        // The service alone (iTunes installed, not open) blocks nothing.
        let service_only = classify(["AppleMobileDeviceService.exe", "AMPDeviceDiscoveryAgent"]);
        assert!(service_only.apps.is_empty());
        assert!(classify(["Finder", "Music"]) == SyncProcesses::default());
    }
}

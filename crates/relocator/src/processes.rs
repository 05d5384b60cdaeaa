//! Apple's sync apps and helpers: while any of them runs, a backup may be
//! written mid-move. The list lives here and only here.

use sysinfo::{ProcessRefreshKind, ProcessesToUpdate, System};

/// Process names (without `.exe`) of apps and helpers that write or trigger backups.
pub const SYNC_PROCESSES: &[&str] = &[
    "iTunes",
    "AppleDevices",
    "AppleMobileDeviceService",
    "AppleMobileDeviceProcess",
    "AppleMobileBackup",
    "AppleMobileSync",
    "AMPDevicesAgent",
    "AMPDeviceDiscoveryAgent",
];

/// The sync processes among `names` (as the OS reports them), each once, in list order.
#[must_use]
pub fn matching_sync_processes<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let running: Vec<String> = names
        .into_iter()
        .map(|n| {
            let n = n.rsplit(['/', '\\']).next().unwrap_or(n);
            let lower = n.to_ascii_lowercase();
            lower
                .strip_suffix(".exe")
                .map_or(lower.clone(), str::to_owned)
        })
        .collect();
    SYNC_PROCESSES
        .iter()
        .filter(|s| running.iter().any(|r| r == &s.to_ascii_lowercase()))
        .map(|s| (*s).to_owned())
        .collect()
}

/// The sync processes running now (none if the process list cannot be read).
#[must_use]
pub fn running_sync_processes() -> Vec<String> {
    let Ok(mut sys) = System::new() else {
        return Vec::new();
    };
    sys.refresh_processes_specifics(ProcessesToUpdate::All, true, ProcessRefreshKind::nothing());
    let names: Vec<String> = sys
        .processes()
        .values()
        .map(|p| p.name().to_string_lossy().into_owned())
        .collect();
    matching_sync_processes(names.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_with_or_without_exe_and_case() {
        let found = matching_sync_processes([
            "bash",
            "iTunes.exe",
            "AMPDevicesAgent",
            "C:\\Program Files\\Apple\\AppleMobileDeviceService.EXE",
            "itunes",
        ]);
        assert_eq!(
            found,
            ["iTunes", "AppleMobileDeviceService", "AMPDevicesAgent"]
        );
        assert!(matching_sync_processes(["Finder", "Music"]).is_empty());
    }
}

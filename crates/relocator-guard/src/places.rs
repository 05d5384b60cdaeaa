//! Where the guard keeps its few files for this user — the folder of the
//! app's settings on each system — and where its login item goes. Pure
//! functions of the platform and the user's folders, so every system's
//! places are tested here; `Places::current` reads the environment once.

use std::path::{Path, PathBuf};

use relocator::locations::{HomeDirs, Platform};

/// The guard's files for one user on one system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    /// The system, which decides the login item's kind.
    pub platform: Platform,
    /// The app's settings folder: the guard's lock and its memory.
    pub config: PathBuf,
    /// The login item: a `LaunchAgent` (macOS), an XDG autostart entry
    /// (Linux); on Windows the registry value's name (the file is none).
    pub login_item: PathBuf,
}

/// The name a person sees for the guard's login item.
pub const LOGIN_ITEM_NAME: &str = "Backup Relocator guard";

/// The `LaunchAgent`'s label, and its file's name without `.plist`.
pub const LAUNCH_AGENT_LABEL: &str = "org.backuprelocator.guard";

impl Places {
    /// The places for `platform`, from the user's folders and, on Linux,
    /// `XDG_CONFIG_HOME` when it is set (`xdg_config`).
    #[must_use]
    pub fn of(platform: Platform, dirs: &HomeDirs, xdg_config: Option<&Path>) -> Self {
        match platform {
            Platform::MacOs => {
                let library = dirs.home.join("Library");
                Self {
                    platform,
                    config: library.join("Application Support").join("Backup Relocator"),
                    login_item: library
                        .join("LaunchAgents")
                        .join(format!("{LAUNCH_AGENT_LABEL}.plist")),
                }
            }
            Platform::Windows => {
                let app_data = dirs
                    .app_data
                    .clone()
                    .unwrap_or_else(|| dirs.home.join("AppData").join("Roaming"));
                Self {
                    platform,
                    config: app_data.join("Backup Relocator"),
                    login_item: PathBuf::from(LOGIN_ITEM_NAME),
                }
            }
            Platform::Other => {
                let config = xdg_config
                    .filter(|p| p.is_absolute())
                    .map_or_else(|| dirs.home.join(".config"), Path::to_owned);
                Self {
                    platform,
                    login_item: config
                        .join("autostart")
                        .join("backup-relocator-guard.desktop"),
                    config: config.join("backup-relocator"),
                }
            }
        }
    }

    /// The places for this user on this system (`None` without a home folder).
    #[must_use]
    pub fn current() -> Option<Self> {
        let dirs = HomeDirs::from_environment()?;
        let xdg = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from);
        Some(Self::of(Platform::current(), &dirs, xdg.as_deref()))
    }

    /// The lock one running guard holds, so that a second one steps aside.
    #[must_use]
    pub fn lock(&self) -> PathBuf {
        self.config.join("guard.lock")
    }

    /// The guard's settings (the days after which a device is late),
    /// written by the app's Preferences and `guard on`, read by the guard
    /// at each look, so a change holds at once.
    #[must_use]
    pub fn settings(&self) -> PathBuf {
        self.config.join("guard-settings.json")
    }

    /// The guard's memory: the folders it watches and their drives' names,
    /// so that a folder whose link was replaced, or whose drive is away
    /// when the guard starts, is still known.
    #[must_use]
    pub fn memory(&self) -> PathBuf {
        self.config.join("guard.json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirs(home: &str, app_data: Option<&str>) -> HomeDirs {
        HomeDirs {
            home: home.into(),
            app_data: app_data.map(PathBuf::from),
        }
    }

    #[test]
    fn each_system_keeps_the_guard_where_its_login_items_live() {
        let mac = Places::of(Platform::MacOs, &dirs("/Users/ana", None), None);
        assert_eq!(
            mac.login_item,
            Path::new("/Users/ana/Library/LaunchAgents/org.backuprelocator.guard.plist")
        );
        assert_eq!(
            mac.lock(),
            Path::new("/Users/ana/Library/Application Support/Backup Relocator/guard.lock")
        );
        let linux = Places::of(Platform::Other, &dirs("/home/ana", None), None);
        assert_eq!(
            linux.login_item,
            Path::new("/home/ana/.config/autostart/backup-relocator-guard.desktop")
        );
        // An absolute XDG_CONFIG_HOME (absolute on the system the test runs on).
        let temporary = tempfile::tempdir().unwrap();
        let cfg = temporary.path().join("cfg");
        let xdg = Places::of(Platform::Other, &dirs("/home/ana", None), Some(&cfg));
        assert_eq!(
            xdg.memory(),
            cfg.join("backup-relocator").join("guard.json")
        );
        // A relative XDG_CONFIG_HOME is invalid by the specification: ignored.
        let relative = Places::of(
            Platform::Other,
            &dirs("/home/ana", None),
            Some(Path::new("cfg")),
        );
        assert_eq!(
            relative.config,
            Path::new("/home/ana/.config/backup-relocator")
        );
        let windows = Places::of(
            Platform::Windows,
            &dirs("C:\\Users\\ana", Some("C:\\Users\\ana\\AppData\\Roaming")),
            None,
        );
        assert_eq!(windows.login_item, Path::new(LOGIN_ITEM_NAME));
        assert!(windows.config.ends_with("Backup Relocator"));
    }
}

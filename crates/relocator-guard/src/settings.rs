//! The guard's one setting, the days after which a device counts as late,
//! in a small file of its own: the app's Preferences and `guard on` write
//! it, the running guard reads it again when it changes. Read as input,
//! not trust: a missing, damaged or out-of-range file gives the default.

use std::io;
use std::path::Path;
use std::time::Duration;

/// The days a device may go without a backup before the guard tells.
pub const DEFAULT_STALE_DAYS: u64 = 7;

/// The days the setting may hold.
pub const STALE_DAYS: std::ops::RangeInclusive<u64> = 1..=36_500;

/// The guard's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GuardSettings {
    /// A device not backed up for more days than this is worth a notice.
    pub stale_days: u64,
}

impl Default for GuardSettings {
    fn default() -> Self {
        Self {
            stale_days: DEFAULT_STALE_DAYS,
        }
    }
}

impl GuardSettings {
    /// The settings in `path` (the default when missing or damaged).
    #[must_use]
    pub fn load(path: &Path) -> Self {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Self>(&bytes).ok())
            .filter(|s| STALE_DAYS.contains(&s.stale_days))
            .unwrap_or_default()
    }

    /// Writes them to `path` whole.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let temporary = path.with_extension("tmp");
        std::fs::write(
            &temporary,
            serde_json::to_vec(self).map_err(io::Error::other)?,
        )?;
        std::fs::rename(&temporary, path)
    }

    /// How long a device may go without a backup.
    #[must_use]
    pub fn stale_after(&self) -> Duration {
        Duration::from_hours(24 * self.stale_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_damaged_or_out_of_range_setting_is_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("guard-settings.json");
        assert_eq!(GuardSettings::load(&path), GuardSettings::default());
        for bad in [
            &b"{"[..],
            br#"{"stale_days":0}"#,
            br#"{"stale_days":99999}"#,
        ] {
            std::fs::write(&path, bad).unwrap();
            assert_eq!(GuardSettings::load(&path), GuardSettings::default());
        }
        let set = GuardSettings { stale_days: 30 };
        set.save(&path).unwrap();
        assert_eq!(GuardSettings::load(&path), set);
        assert_eq!(set.stale_after(), Duration::from_hours(720));
    }
}

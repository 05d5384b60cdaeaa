//! What the app remembers between runs (eframe storage): preferences and
//! the folder a person chose. The facts about a relocation live on disk —
//! the link, the journal, the marker — never here.

use std::path::PathBuf;
use std::time::Duration;

use relocator::freshness::Policy;

/// Light, dark, or as the system says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ThemeChoice {
    /// Follow the system's appearance.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl ThemeChoice {
    /// For egui.
    #[must_use]
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// Remembered preferences.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The destination chosen last time.
    pub last_destination: Option<PathBuf>,
    /// The backup folder a person chose instead of the usual ones.
    pub source_folder: Option<PathBuf>,
    /// Light or dark.
    pub theme: ThemeChoice,
    /// Read every copied file back and compare it (the Review page's box).
    pub verify_full: bool,
    /// Minutes a backup must have been quiet before it may be moved.
    pub quiet_minutes: u32,
    /// Days after which a device counts as not backed up lately.
    pub stale_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        let policy = Policy::default();
        Self {
            last_destination: None,
            source_folder: None,
            theme: ThemeChoice::System,
            verify_full: true,
            quiet_minutes: u32::try_from(policy.quiet_period.as_secs() / 60).unwrap_or(5),
            stale_days: u32::try_from(policy.stale_after.as_secs() / 86_400).unwrap_or(7),
        }
    }
}

impl Settings {
    /// The smallest and largest quiet period the preferences offer.
    pub const QUIET_MINUTES: std::ops::RangeInclusive<u32> = 1..=120;
    /// The smallest and largest "not backed up lately" the preferences offer.
    pub const STALE_DAYS: std::ops::RangeInclusive<u32> = 1..=365;

    /// The rules the checks apply, from these settings (clamped: a
    /// hand-edited storage file is input, not trust).
    #[must_use]
    pub fn policy(&self) -> Policy {
        let minutes = self
            .quiet_minutes
            .clamp(*Self::QUIET_MINUTES.start(), *Self::QUIET_MINUTES.end());
        let days = self
            .stale_days
            .clamp(*Self::STALE_DAYS.start(), *Self::STALE_DAYS.end());
        Policy {
            quiet_period: Duration::from_mins(u64::from(minutes)),
            stale_after: Duration::from_hours(24 * u64::from(days)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_cores_policy_and_checking_every_file() {
        let s = Settings::default();
        assert_eq!(s.policy(), Policy::default());
        assert!(s.verify_full);
        assert_eq!(s.theme, ThemeChoice::System);
    }

    #[test]
    fn stored_values_out_of_range_are_clamped() {
        let s = Settings {
            quiet_minutes: 0,
            stale_days: 100_000,
            ..Settings::default()
        };
        assert_eq!(s.policy().quiet_period, Duration::from_mins(1));
        assert_eq!(s.policy().stale_after, Duration::from_hours(24 * 365));
    }

    #[test]
    fn old_storage_without_the_new_fields_still_loads() {
        let s: Settings = serde_json::from_str(r#"{"last_destination":"/Volumes/Big"}"#).unwrap();
        assert_eq!(s.last_destination, Some(PathBuf::from("/Volumes/Big")));
        assert!(s.verify_full);
        assert_eq!(s.quiet_minutes, 5);
    }
}

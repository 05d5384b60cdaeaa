//! Whether a device's backup is still being written, and how long ago each
//! was last backed up. Apple's backup does not end when `Status.plist`
//! says `finished`: on current macOS `Info.plist` drops to 0 bytes after
//! that and is rewritten minutes later. So a device whose metadata files
//! are empty or missing (while others exist), or whose newest file changed
//! within a quiet period, is still being written, and nothing may move it.
//! The facts come from the scan, which reads every file's time anyway; the
//! rules are pure functions of them and of an injected clock.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::time::{Duration, SystemTime};

/// The files a finished device backup always has, at its top.
pub const METADATA_FILES: [&str; 4] = [
    "Info.plist",
    "Manifest.plist",
    "Status.plist",
    "Manifest.db",
];

/// What the scan saw of one folder at the top of the backup folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    /// The newest modification time of any file in it.
    pub newest_change: Option<SystemTime>,
    /// The size of each of [`METADATA_FILES`] at its top, if present.
    pub metadata: [Option<u64>; 4],
}

impl Activity {
    /// Takes in one file: its name when it sits at the folder's top, size and time.
    pub fn note(
        &mut self,
        top_name: Option<&std::ffi::OsStr>,
        len: u64,
        modified: Option<SystemTime>,
    ) {
        if let Some(m) = modified
            && self.newest_change.is_none_or(|n| m > n)
        {
            self.newest_change = Some(m);
        }
        if let Some(name) = top_name
            && let Some(i) = METADATA_FILES
                .iter()
                .position(|f| name == *f)
                // Backups of iOS 9 and older list their files in Manifest.mbdb.
                .or_else(|| (name == "Manifest.mbdb").then_some(3))
        {
            self.metadata[i] = Some(len);
        }
    }

    /// Adds what another thread saw of the same folder.
    pub fn merge(&mut self, other: &Activity) {
        if let Some(m) = other.newest_change {
            self.note(None, 0, Some(m));
        }
        for (mine, theirs) in self.metadata.iter_mut().zip(other.metadata) {
            if theirs.is_some() {
                *mine = theirs;
            }
        }
    }
}

/// Per top-level folder (device backups and the rest), by folder name.
pub type ActivityByFolder = BTreeMap<OsString, Activity>;

/// The limits the rules apply; the CLI and the app's settings can change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// A backup whose newest file changed more recently than this is still
    /// being written (Apple rewrites `Info.plist` 2–4 minutes after "finished").
    pub quiet_period: Duration,
    /// A device not backed up for longer than this is marked as not backed up lately.
    pub stale_after: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            quiet_period: Duration::from_mins(5),
            stale_after: Duration::from_hours(7 * 24),
        }
    }
}

/// Why a backup counts as still being written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Writing {
    /// One of its metadata files is missing while others are there.
    MetadataMissing {
        /// Which.
        file: &'static str,
    },
    /// One of its metadata files is empty (Apple empties `Info.plist` while finishing).
    MetadataEmpty {
        /// Which.
        file: &'static str,
    },
    /// Its newest file changed within the quiet period.
    RecentChange,
}

/// What the rules say of one device's backup right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Still being written: nothing may move it. `retry_at` when the quiet
    /// period will have passed (as far as is known now).
    StillWritten {
        /// Why.
        why: Writing,
        /// How long ago its newest file changed.
        changed_ago: Duration,
        /// When to try again.
        retry_at: SystemTime,
    },
    /// Finished, but only lately: worth a note, not a stop.
    Recent {
        /// How long ago its newest file changed.
        changed_ago: Duration,
    },
    /// Quiet.
    Quiet,
}

/// Judges one device's backup at `now`.
#[must_use]
pub fn judge(activity: &Activity, now: SystemTime, policy: &Policy) -> Verdict {
    let changed_ago = activity
        .newest_change
        .map_or(Duration::MAX, |t| now.duration_since(t).unwrap_or_default());
    let quiet_again = now + policy.quiet_period.saturating_sub(changed_ago);
    let present = activity.metadata.iter().filter(|m| m.is_some()).count();
    for (file, meta) in METADATA_FILES.iter().zip(activity.metadata) {
        let why = match meta {
            None if present > 0 => Writing::MetadataMissing { file },
            Some(0) => Writing::MetadataEmpty { file },
            _ => continue,
        };
        return Verdict::StillWritten {
            why,
            changed_ago,
            // Apple rewrites the file within minutes; count from now.
            retry_at: quiet_again.max(now + policy.quiet_period),
        };
    }
    if changed_ago < policy.quiet_period {
        Verdict::StillWritten {
            why: Writing::RecentChange,
            changed_ago,
            retry_at: quiet_again,
        }
    } else if changed_ago < policy.quiet_period * RECENT_FACTOR {
        Verdict::Recent { changed_ago }
    } else {
        Verdict::Quiet
    }
}

/// Apple finishes a backup (rewrites its `Info.plist`) within minutes: a
/// metadata file still empty or missing this long after the last change
/// is damage, not a backup being finished.
pub const BEING_FINISHED: Duration = Duration::from_hours(1);

/// A finished backup is "recent" (worth a note) for this many quiet periods.
const RECENT_FACTOR: u32 = 6;

/// Whether a device last backed up at `last` counts as not backed up
/// lately at `now`: longer ago than `stale_after`. (The window, the
/// terminal and the guard all ask this.)
#[must_use]
pub fn is_stale(last: SystemTime, now: SystemTime, stale_after: Duration) -> bool {
    now.duration_since(last).is_ok_and(|ago| ago > stale_after)
}

/// Whole days since `last`, at `now` (0 for a time in the future).
#[must_use]
pub fn days_since(last: SystemTime, now: SystemTime) -> u64 {
    now.duration_since(last).map_or(0, |d| d.as_secs() / 86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(at: SystemTime) -> Activity {
        Activity {
            newest_change: Some(at),
            metadata: [Some(900), Some(400), Some(300), Some(1 << 20)],
        }
    }

    #[test]
    fn a_file_touched_a_minute_ago_blocks_until_the_quiet_period_is_over() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_123);
        let policy = Policy::default();
        let backup = finished(t0);
        let a_minute_later = t0 + Duration::from_mins(1);
        match judge(&backup, a_minute_later, &policy) {
            Verdict::StillWritten {
                why: Writing::RecentChange,
                changed_ago,
                retry_at,
            } => {
                assert_eq!(changed_ago, Duration::from_mins(1));
                assert_eq!(retry_at, t0 + Duration::from_mins(5));
            }
            other => panic!("{other:?}"),
        }
        // The clock moves on, nothing is slept: quiet again, first a note.
        assert_eq!(
            judge(&backup, t0 + Duration::from_mins(6), &policy),
            Verdict::Recent {
                changed_ago: Duration::from_mins(6)
            }
        );
        assert_eq!(
            judge(&backup, t0 + Duration::from_hours(2), &policy),
            Verdict::Quiet
        );
    }

    #[test]
    fn an_emptied_or_missing_metadata_file_means_still_writing_whatever_the_times() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_123);
        let long_after = t0 + Duration::from_hours(5);
        let mut emptied = finished(t0);
        emptied.metadata[0] = Some(0);
        assert!(matches!(
            judge(&emptied, long_after, &Policy::default()),
            Verdict::StillWritten {
                why: Writing::MetadataEmpty { file: "Info.plist" },
                ..
            }
        ));
        let mut missing = finished(t0);
        missing.metadata[3] = None;
        assert!(matches!(
            judge(&missing, long_after, &Policy::default()),
            Verdict::StillWritten {
                why: Writing::MetadataMissing {
                    file: "Manifest.db"
                },
                ..
            }
        ));
        // A folder with none of them (not a device backup) is judged by time only.
        let other = Activity {
            newest_change: Some(t0),
            metadata: [None; 4],
        };
        assert_eq!(
            judge(&other, long_after, &Policy::default()),
            Verdict::Quiet
        );
    }

    #[test]
    fn an_old_backup_listing_its_files_in_manifest_mbdb_is_finished() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_123);
        let mut old = Activity::default();
        for name in [
            "Info.plist",
            "Manifest.plist",
            "Status.plist",
            "Manifest.mbdb",
        ] {
            old.note(Some(std::ffi::OsStr::new(name)), 100, Some(t0));
        }
        assert_eq!(
            judge(&old, t0 + Duration::from_hours(5), &Policy::default()),
            Verdict::Quiet
        );
    }

    #[test]
    fn a_metadata_file_missing_long_after_the_last_change_is_called_damage_with_a_way_on() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_123);
        let mut missing = finished(t0);
        missing.metadata[1] = None;
        let words = |now: SystemTime| {
            let Verdict::StillWritten {
                why,
                changed_ago,
                retry_at,
            } = judge(&missing, now, &Policy::default())
            else {
                panic!("still blocks");
            };
            crate::problem::Problem::BackupStillWritten {
                device: "Anna's iPhone".to_owned(),
                why,
                changed_seconds_ago: changed_ago.as_secs(),
                retry_at,
            }
            .message()
        };
        let soon = words(t0 + Duration::from_mins(2));
        assert!(
            soon.contains("still being written") && soon.contains("try again after"),
            "{soon}"
        );
        let later = words(t0 + Duration::from_hours(3));
        assert!(
            later.contains("looks damaged")
                && later.contains("Make a new backup")
                && !later.contains("after"),
            "{later}"
        );
    }

    #[test]
    fn the_quiet_period_is_a_setting() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_123);
        let none = Policy {
            quiet_period: Duration::ZERO,
            ..Policy::default()
        };
        assert_eq!(judge(&finished(t0), t0, &none), Verdict::Quiet);
    }

    #[test]
    fn activity_merges_across_threads() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        let mut a = Activity::default();
        a.note(Some("Info.plist".as_ref()), 10, Some(t0));
        let mut b = Activity::default();
        b.note(None, 99, Some(t0 + Duration::from_secs(5)));
        b.note(Some("Manifest.db".as_ref()), 0, None);
        a.merge(&b);
        assert_eq!(a.newest_change, Some(t0 + Duration::from_secs(5)));
        assert_eq!(a.metadata, [Some(10), None, None, Some(0)]);
        assert_eq!(days_since(t0, t0 + Duration::from_hours(49)), 2);
    }

    #[test]
    fn a_device_is_stale_once_its_backup_is_older_than_the_setting() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let week = Duration::from_hours(7 * 24);
        assert!(!is_stale(t0, t0 + week, week));
        assert!(is_stale(t0, t0 + week + Duration::from_secs(1), week));
        assert!(
            !is_stale(t0 + week, t0, week),
            "a time in the future is never late"
        );
    }
}

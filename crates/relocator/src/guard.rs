//! The guard's decisions (issue 21): what to tell a person between visits,
//! given what has been seen of one moved backup folder — its drive leaving
//! and coming back (perhaps under another name, or read-only), a device
//! connected or a backup app started, the link replaced by a real folder,
//! and how long ago each device last backed up. Pure: events in, notices
//! out, each notice once until what caused it has cleared. The watcher that
//! feeds it (mounts, processes, the clock) and the notifications that word
//! its notices are elsewhere; the words are the front end's.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crate::freshness;

/// What the guard watches over: one moved backup folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watched {
    /// The drive's name as the person knows it ("Big Drive").
    pub drive_name: String,
    /// Where that drive is mounted when it is connected as the link expects.
    pub drive_root: PathBuf,
    /// The id of the move, written in our marker beside the backups on the
    /// drive: how the drive is known again under another name.
    pub record_id: String,
    /// The devices whose backups are there, as last read.
    pub devices: Vec<WatchedDevice>,
}

/// One device whose backups the guard watches over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedDevice {
    /// Its id (the backup's folder name): two devices may share a name.
    pub udid: String,
    /// Its name, for the notice.
    pub name: String,
    /// When it last backed up, if it ever did.
    pub last_backup: Option<SystemTime>,
}

/// Where the watched drive is, as far as the guard knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriveNow {
    /// Mounted where the link expects it.
    Here {
        /// Whether files can be written on it (not read-only, not locked).
        writable: bool,
    },
    /// Mounted, with our backups, but somewhere else: the link points nowhere.
    Elsewhere {
        /// Its mount point now.
        root: PathBuf,
    },
    /// Not connected, asleep out of reach, or locked.
    Missing,
}

/// One thing the watcher saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// A drive was mounted: where, whether it can be written, and the id
    /// in our marker on it, if it holds a copy of ours.
    DriveMounted {
        /// Its mount point.
        root: PathBuf,
        /// Whether files can be written on it.
        writable: bool,
        /// The record id of the backups of ours it holds, if any.
        record_id: Option<String>,
    },
    /// A drive was unmounted (ejected, pulled out, or gone to sleep).
    DriveUnmounted {
        /// Its mount point.
        root: PathBuf,
    },
    /// An Apple device was connected; its name when it could be read.
    DeviceConnected {
        /// The device's name.
        name: Option<String>,
    },
    /// Finder's, iTunes's or Apple Devices' backup started (a process of
    /// theirs began to run).
    BackupStarting,
    /// The backup folder is a real folder again: an update replaced the link.
    LinkReplaced,
    /// The backup folder is our link again.
    LinkRestored,
    /// A device's last backup, as read again (perhaps the same as before).
    BackedUp {
        /// The device's id.
        udid: String,
        /// The device's name.
        name: String,
        /// When it finished.
        at: SystemTime,
    },
    /// The time now (a day turned, the computer woke).
    Clock {
        /// The time now.
        now: SystemTime,
    },
}

/// What the person should be told, once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Notice {
    /// A backup is about to go to a drive that is not connected.
    ConnectDrive {
        /// The drive, by its name.
        drive: String,
        /// The device that is about to back up, when known.
        device: Option<String>,
    },
    /// A backup is about to go to a drive that cannot be written.
    DriveReadOnly {
        /// The drive, by its name.
        drive: String,
    },
    /// The drive came back at another place: the link must be pointed there.
    DriveElsewhere {
        /// The drive, by its name.
        drive: String,
        /// Where it is mounted now.
        root: PathBuf,
    },
    /// New backups land on the computer again (the link was replaced).
    BackupsOnComputer,
    /// A device has not backed up for longer than the Preferences allow.
    Overdue {
        /// The device, by its name.
        device: String,
        /// Whole days since its last backup.
        days: u64,
    },
}

/// Why a notice was given: it is not given again until this clears.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Cause {
    DriveAway,
    ReadOnly,
    Elsewhere(PathBuf),
    LinkReplaced,
    /// A device, by its id.
    Overdue(String),
}

/// The guard's memory of one watched folder.
#[derive(Debug, Clone)]
pub struct Guard {
    watched: Watched,
    drive: DriveNow,
    stale_after: Duration,
    /// Each device's name and last backup, by its id.
    devices: BTreeMap<String, (String, Option<SystemTime>)>,
    now: Option<SystemTime>,
    told: BTreeSet<Cause>,
}

impl Guard {
    /// A guard for `watched`, its drive as it is now; a device not backed
    /// up for longer than `stale_after` (the Preferences' days) is worth a
    /// notice.
    #[must_use]
    pub fn new(mut watched: Watched, drive: DriveNow, stale_after: Duration) -> Self {
        // The devices live on in one place, the map the events update.
        let devices = std::mem::take(&mut watched.devices)
            .into_iter()
            .map(|d| (d.udid, (d.name, d.last_backup)))
            .collect();
        Self {
            watched,
            drive,
            stale_after,
            devices,
            now: None,
            told: BTreeSet::new(),
        }
    }

    /// A device not backed up for longer than `stale_after` is worth a
    /// notice from now on (the Preferences changed); said at the next clock.
    pub fn set_stale_after(&mut self, stale_after: Duration) {
        self.stale_after = stale_after;
    }

    /// Whether a clock read at `now` would tell that a device is late (one
    /// not told yet): the watcher then reads the devices' dates again first.
    #[must_use]
    pub fn would_tell_overdue(&self, now: SystemTime) -> bool {
        self.devices.iter().any(|(udid, (_, last))| {
            last.is_some_and(|last| freshness::is_stale(last, now, self.stale_after))
                && !self.told.contains(&Cause::Overdue(udid.clone()))
        })
    }

    /// What it watches over (its devices apart: they live in the guard).
    #[must_use]
    pub fn watched(&self) -> &Watched {
        &self.watched
    }

    /// Where the drive is, as far as the guard knows.
    #[must_use]
    pub fn drive(&self) -> &DriveNow {
        &self.drive
    }

    /// Takes in one event; returns what to tell now (often nothing).
    pub fn see(&mut self, seen: Seen) -> Vec<Notice> {
        match seen {
            Seen::DriveMounted {
                root,
                writable,
                record_id,
            } => self.mounted(root, writable, record_id.as_deref()),
            Seen::DriveUnmounted { root } => {
                let ours = match &self.drive {
                    DriveNow::Here { .. } => root == self.watched.drive_root,
                    DriveNow::Elsewhere { root: at } => root == *at,
                    DriveNow::Missing => false,
                };
                if ours {
                    self.drive = DriveNow::Missing;
                    self.told.remove(&Cause::ReadOnly);
                    self.told.retain(|c| !matches!(c, Cause::Elsewhere(_)));
                }
                Vec::new()
            }
            Seen::DeviceConnected { name } => self.backup_coming(name),
            Seen::BackupStarting => self.backup_coming(None),
            Seen::LinkReplaced => self.once(Cause::LinkReplaced, Notice::BackupsOnComputer),
            Seen::LinkRestored => {
                self.told.remove(&Cause::LinkReplaced);
                Vec::new()
            }
            Seen::BackedUp { udid, name, at } => {
                let entry = self.devices.entry(udid).or_insert((name.clone(), None));
                // The same backup read again, or an older one, changes nothing.
                if entry.1.is_none_or(|last| at > last) {
                    *entry = (name, Some(at));
                }
                self.overdue()
            }
            Seen::Clock { now } => {
                self.now = Some(now);
                self.overdue()
            }
        }
    }

    fn mounted(&mut self, root: PathBuf, writable: bool, record_id: Option<&str>) -> Vec<Notice> {
        // A drive without our copy, even at the expected place, is not ours:
        // another disk that took the same name must not receive the backups.
        if record_id != Some(self.watched.record_id.as_str()) {
            return Vec::new();
        }
        self.told.remove(&Cause::DriveAway);
        if root == self.watched.drive_root {
            self.drive = DriveNow::Here { writable };
            self.told.retain(|c| !matches!(c, Cause::Elsewhere(_)));
            if writable {
                self.told.remove(&Cause::ReadOnly);
            }
            return Vec::new();
        }
        self.drive = DriveNow::Elsewhere { root: root.clone() };
        let notice = Notice::DriveElsewhere {
            drive: self.watched.drive_name.clone(),
            root: root.clone(),
        };
        self.once(Cause::Elsewhere(root), notice)
    }

    /// A device connected or a backup app started: the drive must be there.
    fn backup_coming(&mut self, device: Option<String>) -> Vec<Notice> {
        let drive = self.watched.drive_name.clone();
        match &self.drive {
            DriveNow::Missing => {
                self.once(Cause::DriveAway, Notice::ConnectDrive { drive, device })
            }
            DriveNow::Here { writable: false } => {
                self.once(Cause::ReadOnly, Notice::DriveReadOnly { drive })
            }
            DriveNow::Elsewhere { root } => {
                let root = root.clone();
                let notice = Notice::DriveElsewhere {
                    drive,
                    root: root.clone(),
                };
                self.once(Cause::Elsewhere(root), notice)
            }
            DriveNow::Here { writable: true } => Vec::new(),
        }
    }

    /// Each device late now is told once; one that backed up since is
    /// told again only when it is late again.
    fn overdue(&mut self) -> Vec<Notice> {
        let Some(now) = self.now else {
            return Vec::new();
        };
        let mut late = Vec::new();
        for (udid, (name, last)) in &self.devices {
            match last.filter(|&last| freshness::is_stale(last, now, self.stale_after)) {
                Some(last) => late.push((udid.clone(), name.clone(), last)),
                None => {
                    self.told.remove(&Cause::Overdue(udid.clone()));
                }
            }
        }
        late.into_iter()
            .flat_map(|(udid, device, last)| {
                let days = freshness::days_since(last, now);
                self.once(Cause::Overdue(udid), Notice::Overdue { device, days })
            })
            .collect()
    }

    fn once(&mut self, cause: Cause, notice: Notice) -> Vec<Notice> {
        if self.told.insert(cause) {
            vec![notice]
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const DAY: Duration = Duration::from_hours(24);
    const WEEK: Duration = Duration::from_hours(7 * 24);

    fn at_day(day: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH
            + Duration::from_secs(1_700_000_000)
            + DAY * u32::try_from(day).unwrap()
    }

    fn watched() -> Watched {
        Watched {
            drive_name: "Big Drive".into(),
            drive_root: "/media/me/Big Drive".into(),
            record_id: "0d2f9a".into(),
            devices: vec![
                device("00008101-0001", "Ana's iPhone", Some(at_day(0))),
                device("00008101-0002", "Old iPad", None),
            ],
        }
    }

    fn device(udid: &str, name: &str, last_backup: Option<SystemTime>) -> WatchedDevice {
        WatchedDevice {
            udid: udid.into(),
            name: name.into(),
            last_backup,
        }
    }

    fn backed_up(udid: &str, name: &str, day: u64) -> Seen {
        Seen::BackedUp {
            udid: udid.into(),
            name: name.into(),
            at: at_day(day),
        }
    }

    fn mounted(root: &str, writable: bool, record_id: Option<&str>) -> Seen {
        Seen::DriveMounted {
            root: root.into(),
            writable,
            record_id: record_id.map(Into::into),
        }
    }

    fn unmounted(root: &str) -> Seen {
        Seen::DriveUnmounted { root: root.into() }
    }

    /// Replays `events`, returning every notice in order.
    fn replay(guard: &mut Guard, events: Vec<Seen>) -> Vec<Notice> {
        events.into_iter().flat_map(|e| guard.see(e)).collect()
    }

    fn connect(device: Option<&str>) -> Notice {
        Notice::ConnectDrive {
            drive: "Big Drive".into(),
            device: device.map(Into::into),
        }
    }

    #[test]
    fn a_drive_gone_is_told_once_when_a_backup_comes_and_again_after_it_came_back() {
        let mut guard = Guard::new(watched(), DriveNow::Here { writable: true }, WEEK);
        let told = replay(
            &mut guard,
            vec![
                Seen::DeviceConnected {
                    name: Some("Ana's iPhone".into()),
                },
                unmounted("/media/me/Big Drive"),
                Seen::DeviceConnected {
                    name: Some("Ana's iPhone".into()),
                },
                Seen::BackupStarting,
                Seen::DeviceConnected { name: None },
            ],
        );
        assert_eq!(told, [connect(Some("Ana's iPhone"))]);
        let told = replay(
            &mut guard,
            vec![
                mounted("/media/me/Big Drive", true, Some("0d2f9a")),
                Seen::BackupStarting,
                unmounted("/media/me/Big Drive"),
                Seen::BackupStarting,
            ],
        );
        assert_eq!(told, [connect(None)], "a new absence is a new notice");
    }

    #[test]
    fn an_unmounted_drive_alone_says_nothing() {
        let mut guard = Guard::new(watched(), DriveNow::Here { writable: true }, WEEK);
        let told = replay(
            &mut guard,
            vec![unmounted("/media/me/Big Drive"), unmounted("/mnt/other")],
        );
        assert!(told.is_empty());
        assert_eq!(guard.drive(), &DriveNow::Missing);
    }

    #[test]
    fn another_drive_at_the_same_place_is_not_taken_for_ours() {
        let mut guard = Guard::new(watched(), DriveNow::Missing, WEEK);
        let told = replay(
            &mut guard,
            vec![
                mounted("/media/me/Big Drive", true, None),
                mounted("/media/me/Big Drive", true, Some("another-move")),
                Seen::BackupStarting,
            ],
        );
        assert_eq!(told, [connect(None)]);
        assert_eq!(guard.drive(), &DriveNow::Missing);
    }

    #[test]
    fn a_drive_back_under_another_name_is_told_where_it_is() {
        let mut guard = Guard::new(watched(), DriveNow::Here { writable: true }, WEEK);
        let told = replay(
            &mut guard,
            vec![
                unmounted("/media/me/Big Drive"),
                mounted("/media/me/Big Drive1", true, Some("0d2f9a")),
                Seen::DeviceConnected { name: None },
            ],
        );
        let elsewhere = Notice::DriveElsewhere {
            drive: "Big Drive".into(),
            root: "/media/me/Big Drive1".into(),
        };
        assert_eq!(
            told,
            std::slice::from_ref(&elsewhere),
            "told once, not again when a device comes"
        );
        // Ejected and back at the same other place: told again, it is a new visit.
        let told = replay(
            &mut guard,
            vec![
                unmounted("/media/me/Big Drive1"),
                Seen::BackupStarting,
                mounted("/media/me/Big Drive1", true, Some("0d2f9a")),
            ],
        );
        assert_eq!(told, [connect(None), elsewhere]);
        // Back where the link expects it: nothing to say, and a backup is fine.
        let told = replay(
            &mut guard,
            vec![
                unmounted("/media/me/Big Drive1"),
                mounted("/media/me/Big Drive", true, Some("0d2f9a")),
                Seen::BackupStarting,
            ],
        );
        assert!(told.is_empty(), "{told:?}");
    }

    #[test]
    fn a_read_only_drive_is_told_when_a_backup_comes() {
        let mut guard = Guard::new(watched(), DriveNow::Missing, WEEK);
        let told = replay(
            &mut guard,
            vec![
                mounted("/media/me/Big Drive", false, Some("0d2f9a")),
                Seen::BackupStarting,
                Seen::DeviceConnected { name: None },
            ],
        );
        assert_eq!(
            told,
            [Notice::DriveReadOnly {
                drive: "Big Drive".into()
            }]
        );
        let told = replay(
            &mut guard,
            vec![
                mounted("/media/me/Big Drive", true, Some("0d2f9a")),
                Seen::BackupStarting,
            ],
        );
        assert!(told.is_empty());
    }

    #[test]
    fn a_replaced_link_is_told_once_until_it_is_a_link_again() {
        let mut guard = Guard::new(watched(), DriveNow::Here { writable: true }, WEEK);
        let told = replay(
            &mut guard,
            vec![
                Seen::LinkReplaced,
                Seen::LinkReplaced,
                Seen::LinkRestored,
                Seen::LinkReplaced,
            ],
        );
        assert_eq!(told, [Notice::BackupsOnComputer, Notice::BackupsOnComputer]);
    }

    #[test]
    fn a_stale_device_is_told_once_until_it_backs_up_again() {
        let mut guard = Guard::new(watched(), DriveNow::Here { writable: true }, WEEK);
        let overdue = |days| Notice::Overdue {
            device: "Ana's iPhone".into(),
            days,
        };
        let told = replay(
            &mut guard,
            vec![
                Seen::Clock { now: at_day(7) },
                Seen::Clock { now: at_day(8) },
                Seen::Clock { now: at_day(11) },
            ],
        );
        assert_eq!(
            told,
            [overdue(8)],
            "a device never backed up is not overdue"
        );
        let told = replay(
            &mut guard,
            vec![
                backed_up("00008101-0001", "Ana's iPhone", 11),
                Seen::Clock { now: at_day(18) },
                Seen::Clock { now: at_day(19) },
                Seen::Clock { now: at_day(20) },
            ],
        );
        assert_eq!(told, [overdue(8)]);
    }

    #[test]
    fn the_same_backup_read_again_or_an_older_one_is_no_new_backup() {
        let mut guard = Guard::new(watched(), DriveNow::Here { writable: true }, WEEK);
        let told = replay(
            &mut guard,
            vec![
                Seen::Clock { now: at_day(9) },
                backed_up("00008101-0001", "Ana's iPhone", 0),
                backed_up("00008101-0001", "Ana's iPhone", 0),
                Seen::Clock { now: at_day(10) },
            ],
        );
        assert_eq!(told.len(), 1, "{told:?}");
        // A newer backup clears it; an older one read later does not bring it back.
        let told = replay(
            &mut guard,
            vec![
                backed_up("00008101-0001", "Ana's iPhone", 10),
                backed_up("00008101-0001", "Ana's iPhone", 0),
                Seen::Clock { now: at_day(12) },
            ],
        );
        assert!(told.is_empty(), "{told:?}");
    }

    #[test]
    fn two_devices_of_one_name_are_told_apart() {
        let mut watched = watched();
        watched.devices = vec![
            device("00008101-000A", "iPhone", Some(at_day(0))),
            device("00008101-000B", "iPhone", Some(at_day(0))),
        ];
        let mut guard = Guard::new(watched, DriveNow::Here { writable: true }, WEEK);
        let told = replay(
            &mut guard,
            vec![
                backed_up("00008101-000A", "iPhone", 5),
                Seen::Clock { now: at_day(9) },
                Seen::Clock { now: at_day(13) },
            ],
        );
        let late = |days| Notice::Overdue {
            device: "iPhone".into(),
            days,
        };
        assert_eq!(told, [late(9), late(8)], "B at day 9, then A at day 13");
    }

    #[test]
    fn nothing_is_overdue_before_the_clock_is_read() {
        let mut guard = Guard::new(watched(), DriveNow::Here { writable: true }, Duration::ZERO);
        let told = guard.see(backed_up("00008101-0002", "Old iPad", 0));
        assert!(told.is_empty());
        assert_eq!(guard.see(Seen::Clock { now: at_day(1) }).len(), 2);
    }

    #[test]
    fn a_late_device_is_foreseen_until_it_is_told() {
        let mut guard = Guard::new(
            Watched {
                devices: vec![device("u1", "Ana's iPhone", Some(at_day(1)))],
                ..watched()
            },
            DriveNow::Here { writable: true },
            Duration::from_hours(24 * 7),
        );
        assert!(!guard.would_tell_overdue(at_day(5)));
        assert!(guard.would_tell_overdue(at_day(10)));
        let told = guard.see(Seen::Clock { now: at_day(10) });
        assert_eq!(told.len(), 1);
        assert!(!guard.would_tell_overdue(at_day(11)), "told once already");
    }
}

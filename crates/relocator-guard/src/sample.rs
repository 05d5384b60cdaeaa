//! What the guard looks at when it wakes: the mounted drives (and whether
//! each can be written), the Apple devices plugged in, and the processes
//! whose start means a backup may be coming. All of it lives in the
//! system's memory — the mount table, the process table, the USB list —
//! so looking wakes no disk and holds nothing open on a drive. Two samples
//! compared give the changes the guard reacts to (a pure function).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The system as the guard saw it once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sample {
    /// Mounted drives: mount point → whether files can be written there.
    pub mounts: BTreeMap<PathBuf, bool>,
    /// Apple devices plugged in, by a key stable while plugged in, with
    /// their name when the system gives it.
    pub devices: BTreeMap<String, Option<String>>,
    /// Running processes that start or write backups, by id.
    pub backup_processes: BTreeSet<u32>,
}

/// One change between two samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A drive was mounted, or became writable or read-only.
    Mounted {
        /// Its mount point.
        root: PathBuf,
        /// Whether files can be written there.
        writable: bool,
    },
    /// A drive was unmounted.
    Unmounted {
        /// Its mount point.
        root: PathBuf,
    },
    /// An Apple device was plugged in.
    DeviceConnected {
        /// Its name, when known.
        name: Option<String>,
    },
    /// A process that starts or writes backups began.
    BackupStarting,
    /// The last such process ended: a backup may have finished.
    BackupEnded,
}

/// The changes from `before` to `after`, in a fixed order: drives gone,
/// drives come, devices, processes.
#[must_use]
pub fn changes(before: &Sample, after: &Sample) -> Vec<Change> {
    let mut out = Vec::new();
    for root in before.mounts.keys() {
        if !after.mounts.contains_key(root) {
            out.push(Change::Unmounted { root: root.clone() });
        }
    }
    for (root, writable) in &after.mounts {
        if before.mounts.get(root) != Some(writable) {
            out.push(Change::Mounted {
                root: root.clone(),
                writable: *writable,
            });
        }
    }
    for (key, name) in &after.devices {
        if !before.devices.contains_key(key) {
            out.push(Change::DeviceConnected { name: name.clone() });
        }
    }
    if after
        .backup_processes
        .iter()
        .any(|pid| !before.backup_processes.contains(pid))
    {
        out.push(Change::BackupStarting);
    } else if after.backup_processes.is_empty() && !before.backup_processes.is_empty() {
        out.push(Change::BackupEnded);
    }
    out
}

/// Reads samples; remembers what it learnt of each process, so a process
/// is looked at when it first appears and once more at the next sample: a
/// process first seen between its start and the end of its `exec` still
/// has its parent's name (or none), and is known by its own at the second
/// look.
#[derive(Default)]
pub struct Sampler {
    #[cfg(target_os = "linux")]
    seen_processes: std::collections::HashMap<u32, SeenProcess>,
    #[cfg(not(target_os = "linux"))]
    system: Option<sysinfo::System>,
}

impl Sampler {
    /// The system now.
    pub fn sample(&mut self) -> Sample {
        Sample {
            mounts: mounts(),
            devices: apple_devices(),
            backup_processes: self.backup_processes(),
        }
    }

    #[cfg(target_os = "linux")]
    fn backup_processes(&mut self) -> BTreeSet<u32> {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return BTreeSet::new();
        };
        let pids: BTreeSet<u32> = entries
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect();
        self.seen_processes.retain(|pid, _| pids.contains(pid));
        pids.into_iter()
            .filter(|pid| {
                let seen = self.seen_processes.entry(*pid).or_insert(SeenProcess {
                    starts_backups: false,
                    looks: 0,
                });
                if seen.looks < 2 {
                    seen.starts_backups = linux_process_starts_backups(*pid);
                    seen.looks += 1;
                }
                seen.starts_backups
            })
            .collect()
    }

    #[cfg(not(target_os = "linux"))]
    fn backup_processes(&mut self) -> BTreeSet<u32> {
        use sysinfo::{ProcessRefreshKind, ProcessesToUpdate};
        if self.system.is_none() {
            self.system = sysinfo::System::new().ok();
        }
        let Some(system) = self.system.as_mut() else {
            return BTreeSet::new();
        };
        system.refresh_processes_specifics(
            ProcessesToUpdate::All,
            true,
            ProcessRefreshKind::nothing(),
        );
        system
            .processes()
            .iter()
            .filter(|(_, p)| relocator::processes::starts_backups(&p.name().to_string_lossy()))
            .map(|(pid, _)| pid.as_u32())
            .collect()
    }
}

/// What the sampler learnt of one process, and how many times it looked.
#[cfg(target_os = "linux")]
struct SeenProcess {
    starts_backups: bool,
    looks: u8,
}

/// Whether the process `pid` is one that starts backups, by the name it
/// was started as (`/proc/PID/cmdline`'s first word) or, failing that, its
/// kernel name (`comm`, cut at 15 bytes).
#[cfg(target_os = "linux")]
fn linux_process_starts_backups(pid: u32) -> bool {
    let dir = PathBuf::from(format!("/proc/{pid}"));
    let started_as = std::fs::read(dir.join("cmdline")).ok().and_then(|c| {
        let first = c.split(|b| *b == 0).next()?;
        Some(String::from_utf8_lossy(first).into_owned())
    });
    let comm = std::fs::read_to_string(dir.join("comm")).ok();
    [started_as, comm]
        .into_iter()
        .flatten()
        .any(|name| relocator::processes::starts_backups(name.trim_end()))
}

#[cfg(target_os = "linux")]
fn mounts() -> BTreeMap<PathBuf, bool> {
    relocator::volume::mountinfo::read()
        .unwrap_or_default()
        .into_iter()
        .map(|m| (m.mount_point, !m.read_only))
        .collect()
}

#[cfg(not(target_os = "linux"))]
fn mounts() -> BTreeMap<PathBuf, bool> {
    sysinfo::Disks::new_with_refreshed_list()
        .map(|disks| {
            disks
                .iter()
                .map(|d| (d.mount_point().to_owned(), !d.is_read_only()))
                .collect()
        })
        .unwrap_or_default()
}

/// Apple's USB vendor id, as Linux's device list writes it.
#[cfg(target_os = "linux")]
const APPLE_VENDOR: &str = "05ac";

/// Apple devices on the USB bus (`/sys/bus/usb/devices/*/idVendor`).
#[cfg(target_os = "linux")]
fn apple_devices() -> BTreeMap<String, Option<String>> {
    let Ok(entries) = std::fs::read_dir("/sys/bus/usb/devices") else {
        return BTreeMap::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            std::fs::read_to_string(e.path().join("idVendor"))
                .is_ok_and(|v| v.trim() == APPLE_VENDOR)
        })
        .map(|e| {
            let name = std::fs::read_to_string(e.path().join("product"))
                .ok()
                .map(|p| p.trim().to_owned());
            (e.file_name().to_string_lossy().into_owned(), name)
        })
        .collect()
}

/// Elsewhere the processes Apple starts for a connected device stand for
/// the device (`AMPDevicesAgent`, `AppleMobileDeviceProcess`).
#[cfg(not(target_os = "linux"))]
fn apple_devices() -> BTreeMap<String, Option<String>> {
    BTreeMap::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(mounts: &[(&str, bool)], devices: &[&str], pids: &[u32]) -> Sample {
        Sample {
            mounts: mounts.iter().map(|(m, w)| (PathBuf::from(m), *w)).collect(),
            devices: devices
                .iter()
                .map(|d| ((*d).to_owned(), Some(format!("{d}'s iPhone"))))
                .collect(),
            backup_processes: pids.iter().copied().collect(),
        }
    }

    #[test]
    fn nothing_changed_is_no_change() {
        let s = sample(&[("/", true), ("/media/big", true)], &["1-1"], &[7]);
        assert!(changes(&s, &s).is_empty());
    }

    #[test]
    fn drives_devices_and_backups_coming_and_going_are_told() {
        let before = sample(&[("/", true), ("/media/big", true)], &[], &[]);
        let after = sample(&[("/", true), ("/media/other", false)], &["1-1"], &[42]);
        assert_eq!(
            changes(&before, &after),
            [
                Change::Unmounted {
                    root: "/media/big".into()
                },
                Change::Mounted {
                    root: "/media/other".into(),
                    writable: false
                },
                Change::DeviceConnected {
                    name: Some("1-1's iPhone".into())
                },
                Change::BackupStarting,
            ]
        );
        let ended = sample(&[("/", true), ("/media/other", true)], &["1-1"], &[]);
        assert_eq!(
            changes(&after, &ended),
            [
                Change::Mounted {
                    root: "/media/other".into(),
                    writable: true
                },
                Change::BackupEnded
            ]
        );
    }

    #[test]
    fn a_second_backup_process_is_a_backup_starting_and_one_of_two_ending_is_not_the_end() {
        let one = sample(&[], &[], &[1]);
        let two = sample(&[], &[], &[1, 2]);
        assert_eq!(changes(&one, &two), [Change::BackupStarting]);
        assert!(changes(&two, &one).is_empty());
        assert_eq!(changes(&one, &sample(&[], &[], &[])), [Change::BackupEnded]);
    }

    /// A process seen while it is still its parent (here a shell waiting
    /// to `exec` Apple's name) is known by its own name at the next look —
    /// a look that caught a process in the middle of its `exec` failed CI.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_process_is_known_by_the_name_it_was_started_as_even_if_first_seen_before() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let named = dir.path().join("AppleMobileBackup");
        std::fs::copy("/bin/sleep", &named).unwrap();
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg("read go; exec \"$0\" 30")
            .arg(&named)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut sampler = Sampler::default();
        assert!(!sampler.sample().backup_processes.contains(&pid));
        child.stdin.take().unwrap().write_all(b"go\n").unwrap();
        let cmdline = PathBuf::from(format!("/proc/{pid}/cmdline"));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let started_as = |c: Vec<u8>| {
            c.split(|b| *b == 0)
                .next()
                .is_some_and(|first| first.ends_with(b"/AppleMobileBackup"))
        };
        while !std::fs::read(&cmdline).is_ok_and(started_as) {
            assert!(
                std::time::Instant::now() < deadline,
                "the shell never ran it"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let found = sampler.sample().backup_processes;
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(found.contains(&pid), "{found:?}");
        assert!(!sampler.sample().backup_processes.contains(&pid));
    }
}

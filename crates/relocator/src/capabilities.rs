//! What a drive's file system can hold, measured rather than assumed from
//! its name: how finely it keeps modification times, whether it keeps
//! permission bits, symbolic links, hard links and extended attributes.
//! NTFS keeps times to 100 ns, exFAT to 10 ms on macOS and Windows (whole
//! seconds through Linux's FUSE driver), FAT to 2 s; a network share may
//! differ from all of these. The probe writes a few tiny files in a private
//! folder on the drive and removes them again.

use std::fs::{self, File};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{IoContext as _, Result};

/// What a drive can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent facts measured about a drive"
)]
pub struct Capabilities {
    /// How finely modification times are kept (1 ns: exactly). `None`: the
    /// drive does not keep the times it is given.
    pub time_granularity: Option<Duration>,
    /// Unix permission bits survive (FAT and exFAT have none).
    pub permissions: bool,
    /// Symbolic links can be made.
    pub symlinks: bool,
    /// Hard links can be made.
    pub hard_links: bool,
    /// Extended attributes can be stored, natively: a drive where macOS
    /// keeps them in `._` companion files beside each file does not count.
    pub xattrs: bool,
    /// macOS keeps attributes here in AppleDouble companions (`._<name>`,
    /// see `apple_double`): walks of this drive leave them out.
    pub apple_double: bool,
    /// Two names that differ only by case are one name here (exFAT, FAT,
    /// and NTFS, APFS and Mac OS Extended as usually formatted).
    pub ignores_case: bool,
    /// A folder renamed keeps its contents. Every real file system does;
    /// Linux's FUSE FAT driver (fusefat) loses them, so on such a drive the
    /// copy is made under its final name and no folder of ours is renamed.
    pub folder_renames: bool,
}

impl Capabilities {
    /// A drive that keeps everything exactly: ext4, APFS, tmpfs.
    pub const EXACT: Self = Self {
        time_granularity: Some(Duration::from_nanos(1)),
        permissions: true,
        symlinks: true,
        hard_links: true,
        xattrs: true,
        apple_double: false,
        ignores_case: false,
        folder_renames: true,
    };

    /// Whether two modification times are the same as far as this drive
    /// can tell: no further apart than its granularity (drives truncate or
    /// round, so a copy's time may be on either side of the original's).
    #[must_use]
    pub fn same_time(&self, a: SystemTime, b: SystemTime) -> bool {
        let Some(granularity) = self.time_granularity else {
            return true;
        };
        let diff = a
            .duration_since(b)
            .or_else(|_| b.duration_since(a))
            .unwrap_or_default();
        diff <= granularity
    }
}

/// The two drives of a copy. What each keeps decides what the copy carries
/// over and what the verification compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CopyDrives {
    /// The drive the original is on.
    pub original: Capabilities,
    /// The drive the copy is made on.
    pub copy: Capabilities,
}

impl CopyDrives {
    /// Measures the drives of a copy of the folder `original` as `copy`.
    #[must_use]
    pub fn measure(original: &Path, copy: &Path) -> Self {
        Self {
            original: of_drive_holding(original),
            copy: of_drive_holding(copy),
        }
    }

    /// Two drives that keep everything exactly.
    pub const EXACT: Self = Self {
        original: Capabilities::EXACT,
        copy: Capabilities::EXACT,
    };

    /// Permission bits mean something on both sides: carry and compare them.
    /// (An original on FAT or exFAT shows made-up bits; a copy there keeps none.)
    #[must_use]
    pub fn permissions(&self) -> bool {
        self.original.permissions && self.copy.permissions
    }

    /// Extended attributes can be kept on the copy.
    #[must_use]
    pub fn xattrs(&self) -> bool {
        self.copy.xattrs
    }

    /// Whether the copy's modification time `kept` is the original's
    /// `given`, as finely as the copy's drive keeps times.
    #[must_use]
    pub fn same_time(&self, given: SystemTime, kept: SystemTime) -> bool {
        self.copy.same_time(given, kept)
    }
}

impl Capabilities {
    /// What a drive of the format `file_system` keeps, for when it cannot
    /// be probed (a read-only original): the FAT family and exFAT keep no
    /// permissions, links or attributes, and coarse times.
    #[must_use]
    pub fn assumed_for(file_system: &str) -> Self {
        let fs = file_system.to_ascii_lowercase();
        if crate::volume::is_fat(&fs) {
            Self {
                time_granularity: Some(Duration::from_secs(2)),
                permissions: false,
                symlinks: false,
                hard_links: false,
                xattrs: false,
                apple_double: cfg!(target_vendor = "apple"),
                ignores_case: true,
                folder_renames: true,
            }
        } else if fs == "exfat" {
            Self {
                time_granularity: Some(Duration::from_secs(1)),
                ..Self::assumed_for("vfat")
            }
        } else if fs == "ntfs" || fs == "ntfs3" {
            Self {
                time_granularity: Some(Duration::from_nanos(100)),
                permissions: cfg!(windows),
                ignores_case: true,
                ..Self::EXACT
            }
        } else if crate::apple_double::used_on(&fs, cfg!(target_vendor = "apple")) {
            // A network share on a Mac: what it keeps is the server's.
            Self {
                xattrs: false,
                apple_double: true,
                ..Self::EXACT
            }
        } else if matches!(fs.as_str(), "apfs" | "hfs" | "hfsplus") {
            // As macOS formats them unless asked for case-sensitivity.
            Self {
                ignores_case: true,
                ..Self::EXACT
            }
        } else {
            Self::EXACT
        }
    }
}

/// The granularities a file system may keep, finest first.
const GRANULARITIES: [Duration; 6] = [
    Duration::from_nanos(100),
    Duration::from_micros(1),
    Duration::from_millis(1),
    Duration::from_millis(10),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

/// Two probe times: an odd second plus almost a whole second, and plus
/// very little, so truncation, rounding up and rounding to the nearest
/// step each leave a tell-tale difference in one of them.
const PROBE_TIMES: [Duration; 2] = [
    Duration::new(1_700_000_001, 987_654_321),
    Duration::new(1_700_000_001, 12_345_679),
];

/// The granularity that explains the largest difference seen between a
/// time given and the time kept: zero means exact; anything beyond two
/// seconds means the drive does not keep times at all.
#[must_use]
pub fn granularity_from(largest_difference: Duration) -> Option<Duration> {
    if largest_difference.is_zero() {
        return Some(Duration::from_nanos(1));
    }
    // Rounding to the nearest step errs by at most half a step, truncation
    // by less than a whole one: the first step covering the difference
    // (inclusive) explains both.
    GRANULARITIES
        .iter()
        .find(|g| largest_difference <= **g)
        .copied()
}

/// What the drive holding `folder` keeps, measured beside it (in its
/// parent); assumed from the drive's format where nothing can be written
/// there (a read-only original).
#[must_use]
pub fn of_drive_holding(folder: &Path) -> Capabilities {
    let place = folder
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(folder);
    probe(place).unwrap_or_else(|_| {
        crate::volume::volume_of(place).map_or(Capabilities::EXACT, |v| {
            Capabilities::assumed_for(&v.file_system)
        })
    })
}

/// Measures what the file system holding the folder `dir` keeps, in a
/// private folder inside `dir` that is removed again.
pub fn probe(dir: &Path) -> Result<Capabilities> {
    let place = dir.join(format!(
        ".backup-relocator-probe-{}",
        crate::names::new_id()
    ));
    fs::create_dir(&place).at(&place)?;
    let found = probe_in(&place);
    let _ = fs::remove_dir_all(&place);
    found
}

fn probe_in(place: &Path) -> Result<Capabilities> {
    let mut largest = Duration::ZERO;
    for (i, given) in PROBE_TIMES.iter().enumerate() {
        let file = place.join(format!("time-{i}"));
        let f = File::create(&file).at(&file)?;
        // Both times, as the copy sets them: Linux's FUSE exFAT and FAT
        // drivers stamp "now" when the access time is left out.
        let time = UNIX_EPOCH + *given;
        f.set_times(fs::FileTimes::new().set_accessed(time).set_modified(time))
            .at(&file)?;
        drop(f);
        let kept = fs::symlink_metadata(&file)
            .at(&file)?
            .modified()
            .at(&file)?
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        largest = largest.max(kept.abs_diff(*given));
    }
    let sample = place.join("time-0");
    let attributes_kept = crate::xattrs::supported(&sample);
    // An attribute macOS could only keep in a companion file shows as one.
    let apple_double = attributes_kept && apple_double_appeared(place, "time-0");
    Ok(Capabilities {
        time_granularity: granularity_from(largest),
        permissions: keeps_permissions(&sample),
        symlinks: makes_symlinks(place),
        hard_links: fs::hard_link(&sample, place.join("hard-link")).is_ok(),
        xattrs: attributes_kept && !apple_double,
        apple_double,
        ignores_case: fs::symlink_metadata(place.join("TIME-0")).is_ok(),
        folder_renames: renames_keep_contents(place)?,
    })
}

/// Whether an AppleDouble companion of the file `name` is in `place` (the
/// system made one to hold the attribute just set).
fn apple_double_appeared(place: &Path, name: &str) -> bool {
    let companion = format!("._{name}");
    crate::apple_double::file_is_companion(&place.join(&companion), companion.as_ref())
}

/// Whether a folder renamed on this drive still holds its file.
fn renames_keep_contents(place: &Path) -> Result<bool> {
    let (before, after) = (place.join("folder"), place.join("folder-renamed"));
    fs::create_dir(&before).at(&before)?;
    let file = before.join("inside");
    fs::write(&file, b"kept").at(&file)?;
    fs::rename(&before, &after).at(&after)?;
    Ok(fs::read(after.join("inside")).is_ok_and(|b| b == b"kept"))
}

/// Whether a permission change sticks (Unix); Windows' one read-only
/// attribute is kept by every Windows file system.
fn keeps_permissions(file: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(file, fs::Permissions::from_mode(0o640)).is_ok()
            && fs::symlink_metadata(file).is_ok_and(|m| m.permissions().mode() & 0o777 == 0o640)
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        true
    }
}

/// Whether a symbolic link can be made and read back.
fn makes_symlinks(place: &Path) -> bool {
    let link = place.join("symlink");
    #[cfg(unix)]
    let made = std::os::unix::fs::symlink("time-0", &link);
    #[cfg(windows)]
    let made = std::os::windows::fs::symlink_file("time-0", &link);
    made.is_ok() && fs::read_link(&link).is_ok_and(|t| t == Path::new("time-0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn granularity_explains_truncation_and_rounding() {
        let ms = Duration::from_millis;
        assert_eq!(
            granularity_from(Duration::ZERO),
            Some(Duration::from_nanos(1))
        );
        // NTFS: 100 ns, truncated.
        assert_eq!(
            granularity_from(Duration::from_nanos(79)),
            Some(Duration::from_nanos(100))
        );
        // exFAT on macOS/Windows: 10 ms.
        assert_eq!(granularity_from(Duration::from_micros(7_654)), Some(ms(10)));
        // Whole seconds (this machine's FUSE exFAT).
        assert_eq!(granularity_from(ms(987)), Some(Duration::from_secs(1)));
        // FAT: 2 s, truncated (1.987 s) or rounded to the nearest (0.988 s → 1 s step, still within 1 s).
        assert_eq!(granularity_from(ms(1_987)), Some(Duration::from_secs(2)));
        // A drive that stamps its own time.
        assert_eq!(granularity_from(Duration::from_hours(1)), None);
    }

    #[test]
    fn times_compare_within_an_injected_granularity() {
        let t = |s: u64, n: u32| UNIX_EPOCH + Duration::new(s, n);
        let exfat = Capabilities {
            time_granularity: Some(Duration::from_millis(10)),
            ..Capabilities::EXACT
        };
        // macOS/Windows exFAT keeps 10 ms: 5.987654321 → 5.98.
        assert!(exfat.same_time(t(5, 987_654_321), t(5, 980_000_000)));
        assert!(exfat.same_time(t(5, 980_000_000), t(5, 987_654_321)));
        assert!(!exfat.same_time(t(5, 987_654_321), t(5, 970_000_000)));
        let fat = Capabilities {
            time_granularity: Some(Duration::from_secs(2)),
            ..Capabilities::EXACT
        };
        assert!(fat.same_time(t(5, 987_654_321), t(4, 0)));
        assert!(!fat.same_time(t(7, 0), t(4, 0)));
        // (Windows' clock counts in 100 ns steps.)
        assert!(Capabilities::EXACT.same_time(t(5, 100), t(5, 100)));
        assert!(!Capabilities::EXACT.same_time(t(5, 100), t(5, 300)));
    }

    #[test]
    fn a_local_folder_keeps_everything_and_the_probe_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let caps = probe(dir.path()).unwrap();
        assert!(
            caps.time_granularity
                .is_some_and(|g| g <= Duration::from_micros(1)),
            "{caps:?}"
        );
        assert!(
            caps.permissions && caps.hard_links && caps.folder_renames,
            "{caps:?}"
        );
        #[cfg(unix)]
        assert!(caps.symlinks, "{caps:?}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

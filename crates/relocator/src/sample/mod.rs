//! A seeded generator of realistic, backup-shaped folders: per device an
//! `Info.plist`, `Manifest.plist`, `Status.plist`, a `Manifest.db` (a real
//! SQLite database listing every file with its size, see [`manifest_db`])
//! and `00`–`ff` folders of SHA-1-named files with incompressible content.
//! Used by the tests, the benchmarks and the app's `--demo`.

pub mod manifest_db;

use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use plist::{Dictionary, Value};

use crate::error::{IoContext as _, Result};

/// One device in a sample.
#[derive(Debug, Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent switches of a test fixture"
)]
pub struct SampleDevice {
    /// "Ana's iPhone".
    pub name: String,
    /// "iPhone15,2".
    pub product_type: String,
    /// "17.4.1".
    pub ios_version: String,
    /// `Manifest.plist`'s `IsEncrypted`.
    pub encrypted: bool,
    /// `Status.plist` says `uploading` instead of `finished`.
    pub in_progress: bool,
    /// Write the plists in Apple's binary format (else XML).
    pub binary_plists: bool,
    /// Use the newer `XXXXXXXX-XXXXXXXXXXXXXXXX` UDID form.
    pub new_udid: bool,
}

impl SampleDevice {
    /// A finished, unencrypted device with binary plists.
    #[must_use]
    pub fn new(name: &str, product_type: &str, ios_version: &str) -> Self {
        Self {
            name: name.to_owned(),
            product_type: product_type.to_owned(),
            ios_version: ios_version.to_owned(),
            encrypted: false,
            in_progress: false,
            binary_plists: true,
            new_udid: true,
        }
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SampleSpec {
    /// Seed: the same seed gives the same names, sizes and contents.
    pub seed: u64,
    /// The devices, each a `<UDID>/` folder.
    pub devices: Vec<SampleDevice>,
    /// Files per device, in the `00`–`ff` folders.
    pub files_per_device: usize,
    /// Total bytes per device, approximately (small files first, then photos and videos).
    pub bytes_per_device: u64,
}

impl SampleSpec {
    /// A small sample of three devices, for demos and quick tests.
    #[must_use]
    pub fn demo(seed: u64) -> Self {
        let mut ipad = SampleDevice::new("Family iPad", "iPad13,18", "17.5");
        ipad.binary_plists = false;
        ipad.new_udid = false;
        let mut old = SampleDevice::new("Grandpa's iPhone", "iPhone10,4", "16.7.8");
        old.encrypted = true;
        Self {
            seed,
            devices: vec![
                SampleDevice::new("Ana's iPhone", "iPhone15,2", "17.4.1"),
                ipad,
                old,
            ],
            files_per_device: 1200,
            bytes_per_device: 60_000_000,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SampleSummary {
    /// The device folders.
    pub device_folders: Vec<PathBuf>,
    /// Bytes written in regular files.
    pub bytes: u64,
    /// Regular files written.
    pub files: u64,
}

/// Writes the sample into `backup_dir` (created if missing).
pub fn generate(backup_dir: &Path, spec: &SampleSpec) -> Result<SampleSummary> {
    fs::create_dir_all(backup_dir).at(backup_dir)?;
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    let mut summary = SampleSummary::default();
    let mut buffer = Vec::new();
    for (index, device) in spec.devices.iter().enumerate() {
        let udid = udid(&mut rng, device.new_udid);
        let dir = backup_dir.join(&udid);
        fs::create_dir(&dir).at(&dir)?;
        let backed_up = backup_time(index, &mut rng);
        write_plists(&dir, device, &udid, backed_up, &mut rng)?;
        let plist_bytes: u64 = ["Info.plist", "Manifest.plist", "Status.plist"]
            .iter()
            .map(|n| fs::metadata(dir.join(n)).map_or(0, |m| m.len()))
            .sum();
        summary.bytes += plist_bytes;
        summary.files += 3;

        let db_estimate = manifest_db::estimated_len(spec.files_per_device);
        let sizes = file_sizes(
            &mut rng,
            spec.files_per_device,
            spec.bytes_per_device
                .saturating_sub(db_estimate + plist_bytes),
        );
        let mut rows = Vec::with_capacity(sizes.len());
        for size in sizes {
            let name = hex(&mut rng, 40);
            let sub = dir.join(&name[..2]);
            if !sub.exists() {
                fs::create_dir(&sub).at(&sub)?;
            }
            write_file(&sub.join(&name), size, &mut rng, &mut buffer, b"")?;
            summary.bytes += size;
            summary.files += 1;
            rows.push(manifest_db::Row {
                file_id: name,
                size,
            });
        }
        let backed_up_secs = backed_up
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        summary.bytes += if device.encrypted {
            // Encrypted backups encrypt their file list too: no SQLite header.
            let len = manifest_db::estimated_len(rows.len());
            write_file(&dir.join("Manifest.db"), len, &mut rng, &mut buffer, b"")?;
            len
        } else {
            manifest_db::write(&dir.join("Manifest.db"), &rows, backed_up_secs, &mut rng)?
        };
        summary.files += 1;
        // Every file dates from its device's last backup, as Apple's do:
        // a sample is a finished backup, not one being written.
        set_times_below(&dir, backed_up)?;
        summary.device_folders.push(dir);
    }
    Ok(summary)
}

/// When the `index`-th device was last backed up: a day or more ago.
fn backup_time(index: usize, rng: &mut fastrand::Rng) -> SystemTime {
    let days_ago = Duration::from_secs(86_400 * (index as u64 + 1) + rng.u64(0..86_400));
    // Whole seconds, as Apple writes them.
    let secs = (SystemTime::now() - days_ago)
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

/// Sets the modification time of every file below `dir` to `at`.
fn set_times_below(dir: &Path, at: SystemTime) -> Result<()> {
    for entry in fs::read_dir(dir).at(dir)? {
        let path = entry.at(dir)?.path();
        let meta = fs::symlink_metadata(&path).at(&path)?;
        if meta.is_dir() {
            set_times_below(&path, at)?;
        } else if meta.is_file() {
            File::options()
                .write(true)
                .open(&path)
                .at(&path)?
                .set_times(fs::FileTimes::new().set_accessed(at).set_modified(at))
                .at(&path)?;
        }
    }
    Ok(())
}

/// Sizes for `count` files adding up to about `budget` bytes: 55 % of files
/// 64 B–4 KiB, 35 % 4–64 KiB, 8 % 64–256 KiB, 2 % 256 KiB–1 MiB, and, if the
/// budget allows, three app databases (0.1–30 MB), then the last files as
/// photos (1–8 MB) and videos (8–200 MB).
fn file_sizes(rng: &mut fastrand::Rng, count: usize, budget: u64) -> Vec<u64> {
    let mut sizes: Vec<u64> = (0..count)
        .map(|_| match rng.u32(0..100) {
            0..55 => rng.u64(64..4096),
            55..90 => rng.u64(4096..65_536),
            90..98 => rng.u64(65_536..262_144),
            _ => rng.u64(262_144..1_048_576),
        })
        .collect();
    let mut total: u64 = sizes.iter().sum();
    if total > budget {
        // Scale everything down to the budget, keeping at least a few bytes each.
        let factor = budget as f64 / total as f64;
        for s in &mut sizes {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "sizes are positive and small"
            )]
            let scaled = (*s as f64 * factor) as u64;
            *s = scaled.max(16);
        }
        return sizes;
    }
    // A few app databases (Messages, Photos, WhatsApp…): the first files.
    for s in sizes.iter_mut().take(3) {
        let room = budget - total;
        let database = rng.u64(100_000..30_000_000).min(room + *s).max(*s);
        total = total - *s + database;
        *s = database;
    }
    // Turn files from the end into photos and videos until the budget is used.
    for s in sizes.iter_mut().rev() {
        if total >= budget {
            break;
        }
        let room = budget - total;
        let media = if rng.u32(0..10) == 0 {
            rng.u64(8_000_000..200_000_000)
        } else {
            rng.u64(1_000_000..8_000_000)
        }
        .min(room + *s);
        total = total - *s + media;
        *s = media;
    }
    sizes
}

/// Writes `len` incompressible bytes to a new file, starting with `header`.
pub(crate) fn write_file(
    path: &Path,
    len: u64,
    rng: &mut fastrand::Rng,
    buffer: &mut Vec<u8>,
    header: &[u8],
) -> Result<()> {
    let mut f = File::create_new(path).at(path)?;
    let mut left = len;
    let mut first = true;
    while left > 0 {
        let n = usize::try_from(left.min(1024 * 1024)).unwrap_or(1024 * 1024);
        buffer.resize(n, 0);
        rng.fill(&mut buffer[..n]);
        if first {
            let h = header.len().min(n);
            buffer[..h].copy_from_slice(&header[..h]);
            first = false;
        }
        f.write_all(&buffer[..n]).at(path)?;
        left -= n as u64;
    }
    Ok(())
}

fn write_plists(
    dir: &Path,
    device: &SampleDevice,
    udid: &str,
    backed_up: SystemTime,
    rng: &mut fastrand::Rng,
) -> Result<()> {
    let when = Value::Date(plist::Date::from(backed_up));
    let s = |v: &str| Value::String(v.to_owned());

    let mut info = Dictionary::new();
    info.insert("Device Name".into(), s(&device.name));
    info.insert("Display Name".into(), s(&device.name));
    info.insert("Product Type".into(), s(&device.product_type));
    info.insert("Product Version".into(), s(&device.ios_version));
    info.insert("Build Version".into(), s("21E236"));
    info.insert(
        "Serial Number".into(),
        s(&hex(rng, 12).to_ascii_uppercase()),
    );
    info.insert("Unique Identifier".into(), s(&udid.to_ascii_uppercase()));
    info.insert("Target Identifier".into(), s(udid));
    info.insert("GUID".into(), s(&hex(rng, 32).to_ascii_uppercase()));
    info.insert("Last Backup Date".into(), when.clone());
    info.insert("iTunes Version".into(), s("12.13.2.3"));

    let mut manifest = Dictionary::new();
    manifest.insert("IsEncrypted".into(), Value::Boolean(device.encrypted));
    manifest.insert("Version".into(), s("10.0"));
    manifest.insert("Date".into(), when.clone());
    manifest.insert("WasPasscodeSet".into(), Value::Boolean(true));

    let mut status = Dictionary::new();
    let state = if device.in_progress {
        "uploading"
    } else {
        "finished"
    };
    status.insert("SnapshotState".into(), s(state));
    status.insert("BackupState".into(), s("new"));
    status.insert("IsFullBackup".into(), Value::Boolean(false));
    status.insert("UUID".into(), s(&hex(rng, 32).to_ascii_uppercase()));
    status.insert("Version".into(), s("3.3"));
    status.insert("Date".into(), when);

    for (name, dict) in [
        ("Info.plist", info),
        ("Manifest.plist", manifest),
        ("Status.plist", status),
    ] {
        let path = dir.join(name);
        let value = Value::Dictionary(dict);
        let written = if device.binary_plists {
            value.to_file_binary(&path)
        } else {
            value.to_file_xml(&path)
        };
        written.map_err(|e| crate::Error::Plist {
            path: path.clone(),
            message: e.to_string(),
        })?;
    }
    Ok(())
}

fn udid(rng: &mut fastrand::Rng, new_form: bool) -> String {
    if new_form {
        format!(
            "{}-{}",
            hex(rng, 8).to_ascii_uppercase(),
            hex(rng, 16).to_ascii_uppercase()
        )
    } else {
        hex(rng, 40)
    }
}

fn hex(rng: &mut fastrand::Rng, len: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdef";
    (0..len).map(|_| DIGITS[rng.usize(0..16)] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{EntryKind, inventory};
    use crate::progress::{Cancel, NoProgress};
    use crate::scan::scan;

    #[test]
    fn the_demo_sample_inventories_and_sums_up() {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = SampleSpec::demo(7);
        spec.files_per_device = 50;
        spec.bytes_per_device = 3_000_000;
        spec.devices[0].in_progress = true;
        let summary = generate(dir.path(), &spec).unwrap();
        let totals = scan(dir.path(), &NoProgress, &Cancel::new()).unwrap();
        assert_eq!((totals.bytes, totals.files), (summary.bytes, summary.files));
        assert_eq!(summary.files, 3 * 54);

        let devices = inventory(dir.path(), true, &Cancel::new()).unwrap();
        assert_eq!(devices.len(), 3);
        assert!(
            devices
                .iter()
                .all(|d| d.kind == EntryKind::Device && d.warnings.is_empty())
        );
        let ana = devices
            .iter()
            .find(|d| d.name.as_deref() == Some("Ana's iPhone"))
            .unwrap();
        assert!(ana.in_progress);
        assert_eq!(ana.product_type.as_deref(), Some("iPhone15,2"));
        let grandpa = devices
            .iter()
            .find(|d| d.name.as_deref() == Some("Grandpa's iPhone"))
            .unwrap();
        assert_eq!(grandpa.encrypted, Some(true));
        assert!(!grandpa.in_progress);
        assert!(
            grandpa
                .last_backup
                .as_deref()
                .is_some_and(|d| d.ends_with('Z'))
        );
        assert_eq!(devices.iter().map(|d| d.bytes).sum::<u64>(), summary.bytes);
    }

    #[test]
    fn the_same_seed_gives_the_same_tree() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let mut spec = SampleSpec::demo(42);
        spec.files_per_device = 20;
        spec.bytes_per_device = 100_000;
        let sa = generate(a.path(), &spec).unwrap();
        let sb = generate(b.path(), &spec).unwrap();
        assert_eq!((sa.bytes, sa.files), (sb.bytes, sb.files));
        let names = |s: &SampleSummary| -> Vec<_> {
            s.device_folders
                .iter()
                .map(|p| p.file_name().unwrap().to_owned())
                .collect()
        };
        assert_eq!(names(&sa), names(&sb));
    }
}

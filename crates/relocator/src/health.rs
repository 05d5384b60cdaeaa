//! A real health check of each device backup, wherever it is: its three
//! property lists parse and are not empty; its `Manifest.db` opens as
//! SQLite and passes `PRAGMA quick_check`; every file its `Files` table
//! lists is on disk as `<first two hex digits>/<fileID>`, with the size its
//! archived record gives; files on disk that the list does not know are a
//! note. An encrypted backup's list needs its password, so only its
//! metadata and the presence of its files are checked, and it says so. The
//! database is opened read-only and immutable: nothing is ever written
//! beside it. A backup still being written is not checked (see
//! [`crate::freshness`]). Memory stays small: one sorted list of 28 bytes
//! per file on disk.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use crate::error::Result;
use crate::freshness::{self, Activity, Policy, Verdict};
use crate::inventory;
use crate::mbfile;
use crate::progress::{Cancel, Progress, ProgressSink, Throttle};
use crate::walk::{self, Entry, Visitor};

/// One thing the check found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum Finding {
    /// A property list is missing.
    PlistMissing {
        /// Which.
        file: &'static str,
    },
    /// A property list is empty.
    PlistEmpty {
        /// Which.
        file: &'static str,
    },
    /// A property list does not parse.
    PlistUnreadable {
        /// Which.
        file: &'static str,
        /// What the parser said.
        reason: String,
    },
    /// There is no `Manifest.db`.
    ManifestMissing,
    /// `Manifest.db` is not an SQLite database (and the backup is not encrypted).
    ManifestNotADatabase,
    /// `Manifest.db` fails SQLite's own check, or cannot be read.
    ManifestDamaged {
        /// What SQLite said.
        reason: String,
    },
    /// Files the list names are not on disk.
    FilesMissing {
        /// How many.
        count: u64,
        /// The first one's ID.
        example: String,
    },
    /// Files on disk have another size than the list records.
    SizesDiffer {
        /// How many.
        count: u64,
        /// The first one's ID.
        example: String,
    },
    /// Files on disk the list does not name (a note: Apple leaves some).
    UnlistedFiles {
        /// How many.
        count: u64,
    },
    /// Encrypted: the file list needs the password (a note).
    Encrypted {
        /// Files found on disk.
        files_on_disk: u64,
    },
}

impl Finding {
    /// Whether it means the backup is damaged (the rest are notes).
    #[must_use]
    pub fn is_damage(&self) -> bool {
        !matches!(
            self,
            Finding::UnlistedFiles { .. } | Finding::Encrypted { .. }
        )
    }

    /// One plain sentence.
    #[must_use]
    pub fn message(&self) -> String {
        use crate::units::count_of;
        match self {
            Finding::PlistMissing { file } => format!("{file} is missing."),
            Finding::PlistEmpty { file } => format!("{file} is empty."),
            Finding::PlistUnreadable { file, reason } => {
                format!("{file} cannot be read ({reason}).")
            }
            Finding::ManifestMissing => {
                "Manifest.db, the list of the backup's files, is missing.".to_owned()
            }
            Finding::ManifestNotADatabase => {
                "Manifest.db, the list of the backup's files, is not a database.".to_owned()
            }
            Finding::ManifestDamaged { reason } => {
                format!("Manifest.db, the list of the backup's files, is damaged ({reason}).")
            }
            Finding::FilesMissing { count, example } => format!(
                "{} the list names {} missing (for example {example}).",
                count_of(*count, "file", "files"),
                if *count == 1 { "is" } else { "are" }
            ),
            Finding::SizesDiffer { count, example } => format!(
                "{} {} another size than the list records (for example {example}).",
                count_of(*count, "file", "files"),
                if *count == 1 { "has" } else { "have" }
            ),
            Finding::UnlistedFiles { count } => format!(
                "{} on disk {} not in the list (Apple's backups can leave some).",
                count_of(*count, "file", "files"),
                if *count == 1 { "is" } else { "are" }
            ),
            Finding::Encrypted { files_on_disk } => format!(
                "The backup is encrypted: its file list needs the password, so its details and its {} were checked, not each file against the list.",
                count_of(*files_on_disk, "file", "files")
            ),
        }
    }
}

/// The health of one device backup.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeviceHealth {
    /// Its folder.
    #[serde(serialize_with = "crate::stored_path::serialize")]
    pub folder: PathBuf,
    /// The device's name.
    pub name: String,
    /// Files the list names.
    pub listed: u64,
    /// Of those, files on disk.
    pub present: u64,
    /// Set when the backup is still being written: not checked, try after this.
    #[serde(serialize_with = "optional_unix_seconds")]
    pub being_written_until: Option<SystemTime>,
    /// What was found.
    pub findings: Vec<Finding>,
}

impl DeviceHealth {
    /// Checked, and nothing damaged.
    #[must_use]
    pub fn is_healthy(&self) -> bool {
        self.being_written_until.is_none() && !self.findings.iter().any(Finding::is_damage)
    }
}

#[expect(clippy::ref_option, reason = "serde passes the field by reference")]
fn optional_unix_seconds<S: serde::Serializer>(
    at: &Option<SystemTime>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match at {
        Some(t) => s.serialize_some(
            &t.duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        ),
        None => s.serialize_none(),
    }
}

/// Checks every device backup in the backup folder `backups`.
pub fn check_backups(
    backups: &Path,
    policy: &Policy,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<Vec<DeviceHealth>> {
    let devices = inventory::inventory(backups, false, cancel)?;
    let mut found = Vec::new();
    for device in devices
        .iter()
        .filter(|d| d.kind == inventory::EntryKind::Device)
    {
        found.push(check_device(
            &device.folder,
            &device.display_name(),
            policy,
            progress,
            cancel,
        )?);
    }
    Ok(found)
}

/// A file on disk: its 20-byte ID and size.
type OnDisk = ([u8; 20], u64);

/// Checks one device backup in `folder`, called `name`.
pub fn check_device(
    folder: &Path,
    name: &str,
    policy: &Policy,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<DeviceHealth> {
    let mut health = DeviceHealth {
        folder: folder.to_owned(),
        name: name.to_owned(),
        listed: 0,
        present: 0,
        being_written_until: None,
        findings: Vec::new(),
    };
    let (mut on_disk, activity) = files_on_disk(folder, cancel)?;
    // Still being written: not checked. (An empty or missing metadata file
    // long after the last change is damage, and reported as such below.)
    if let Verdict::StillWritten {
        retry_at,
        changed_ago,
        ..
    } = freshness::judge(&activity, SystemTime::now(), policy)
        && changed_ago < freshness::BEING_FINISHED
    {
        health.being_written_until = Some(retry_at);
        return Ok(health);
    }
    for file in ["Info.plist", "Manifest.plist", "Status.plist"] {
        if let Some(finding) = plist_finding(&folder.join(file), file) {
            health.findings.push(finding);
        }
    }
    let manifest = folder.join("Manifest.db");
    let header = read_header(&manifest);
    let encrypted = plist::Value::from_file(folder.join("Manifest.plist"))
        .ok()
        .and_then(|v| v.as_dictionary()?.get("IsEncrypted")?.as_boolean())
        .unwrap_or(false);
    match header {
        None => health.findings.push(Finding::ManifestMissing),
        Some(h) if h.starts_with(b"SQLite format 3\0") => {
            on_disk.sort_unstable();
            compare_with_list(&manifest, &on_disk, &mut health, progress, cancel)?;
        }
        Some(_) if encrypted => health.findings.push(Finding::Encrypted {
            files_on_disk: on_disk.len() as u64,
        }),
        Some(_) => health.findings.push(Finding::ManifestNotADatabase),
    }
    Ok(health)
}

/// The first 16 bytes of a file, if it can be read.
fn read_header(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read as _;
    let mut head = vec![0; 16];
    let n = fs::File::open(path).ok()?.read(&mut head).ok()?;
    head.truncate(n);
    Some(head)
}

fn plist_finding(path: &Path, file: &'static str) -> Option<Finding> {
    match fs::metadata(path) {
        Err(_) => Some(Finding::PlistMissing { file }),
        Ok(m) if m.len() == 0 => Some(Finding::PlistEmpty { file }),
        Ok(_) => plist::Value::from_file(path)
            .err()
            .map(|e| Finding::PlistUnreadable {
                file,
                reason: e.to_string(),
            }),
    }
}

/// Decodes a file ID (40 hex digits) into its 20 bytes.
fn parse_id(id: &str) -> Option<[u8; 20]> {
    let bytes = id.as_bytes();
    if bytes.len() != 40 {
        return None;
    }
    let mut out = [0u8; 20];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let text = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

/// The walk's visitor: hash-named files in the two-hex-digit folders, and
/// the finishing gate's facts.
struct DiskFiles;

impl Visitor for DiskFiles {
    type State = (Vec<OnDisk>, Activity);

    fn state(&self) -> Self::State {
        (Vec::new(), Activity::default())
    }

    fn visit(&self, (files, activity): &mut Self::State, entry: &Entry<'_>) -> Result<bool> {
        if entry.file_type.is_dir() {
            // Only the `00`–`ff` folders hold the backup's files.
            return Ok(entry.depth == 1);
        }
        if !entry.file_type.is_file() {
            return Ok(false);
        }
        let meta = entry.metadata()?;
        let top = (entry.depth == 1).then(|| entry.path.file_name()).flatten();
        activity.note(top, meta.len(), meta.modified().ok());
        if entry.depth == 2
            && let Some(id) = entry
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(parse_id)
        {
            files.push((id, meta.len()));
        }
        Ok(false)
    }
}

fn files_on_disk(folder: &Path, cancel: &Cancel) -> Result<(Vec<OnDisk>, Activity)> {
    let mut files = Vec::new();
    let mut activity = Activity::default();
    for (part, seen) in walk::walk(folder, walk::default_threads(), cancel, &DiskFiles)? {
        files.extend(part);
        activity.merge(&seen);
    }
    Ok((files, activity))
}

/// The `file:` URI SQLite needs to open a file read-only and immutable
/// (no lock, no `-wal`/`-shm` created beside it); `None` for a path that
/// is not Unicode (it is then opened read-only by name).
fn immutable_uri(path: &Path) -> Option<String> {
    let text = path.to_str()?;
    // Windows: `\\?\E:\…` as `E:\…`; a share (`\\nas\…`) or a path that must
    // keep its verbatim prefix has no URI SQLite accepts (it takes no
    // authority but `localhost`), so it is opened by name.
    let simplified = crate::paths::simplify_verbatim(text);
    let text = simplified.as_deref().unwrap_or(text);
    if text.starts_with(r"\\") || text.starts_with("//") {
        return None;
    }
    let mut uri = String::from("file:");
    let slashed = text.replace('\\', "/");
    if slashed.as_bytes().get(1) == Some(&b':') {
        uri.push_str("///"); // file:///C:/…
    }
    for c in slashed.chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    Some(uri)
}

fn open_read_only(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    match immutable_uri(path) {
        Some(uri) => rusqlite::Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI),
        None => rusqlite::Connection::open_with_flags(path, flags),
    }
}

/// What the rows of the file list came to.
struct Tally {
    /// Which files on disk a row named.
    matched: Vec<bool>,
    /// Rows whose file is not on disk: how many, the first one's ID.
    missing: (u64, Option<String>),
    /// Rows whose file has another size: how many, the first one's ID.
    wrong_size: (u64, Option<String>),
}

/// Goes through the file rows of the list, against the files on disk.
fn tally_rows(
    db: &rusqlite::Connection,
    on_disk: &[OnDisk],
    health: &mut DeviceHealth,
    tally: &mut Tally,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> rusqlite::Result<()> {
    let throttle = Throttle::new(Throttle::PROGRESS);
    let checked = AtomicU64::new(0);
    let mut rows = db.prepare("SELECT fileID, file FROM Files WHERE flags & 1")?;
    let mut rows = rows.query([])?;
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        let blob: Option<Vec<u8>> = row.get(1)?;
        health.listed += 1;
        let done = checked.fetch_add(1, Ordering::Relaxed) + 1;
        if throttle.ready() {
            progress.report(Progress::Copied {
                bytes: 0,
                files: done,
                current: PathBuf::from(&id),
            });
            if cancel.is_cancelled() {
                return Ok(());
            }
        }
        let found =
            parse_id(&id).and_then(|key| on_disk.binary_search_by(|(k, _)| k.cmp(&key)).ok());
        let Some(at) = found else {
            tally.missing.0 += 1;
            tally.missing.1.get_or_insert(id);
            continue;
        };
        tally.matched[at] = true;
        health.present += 1;
        let recorded = blob
            .as_deref()
            .and_then(mbfile::decode)
            .and_then(|f| f.size);
        if recorded.is_some_and(|size| size != on_disk[at].1) {
            tally.wrong_size.0 += 1;
            tally.wrong_size.1.get_or_insert(id);
        }
    }
    Ok(())
}

/// Compares the `Files` table of `manifest` with the files on disk
/// (`on_disk`, sorted by ID).
fn compare_with_list(
    manifest: &Path,
    on_disk: &[OnDisk],
    health: &mut DeviceHealth,
    progress: &dyn ProgressSink,
    cancel: &Cancel,
) -> Result<()> {
    let damaged = |e: rusqlite::Error| Finding::ManifestDamaged {
        reason: e.to_string(),
    };
    let db = match open_read_only(manifest) {
        Ok(db) => db,
        Err(e) => {
            health.findings.push(damaged(e));
            return Ok(());
        }
    };
    let verdict: rusqlite::Result<Vec<String>> = db
        .prepare("PRAGMA quick_check")
        .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect());
    match verdict {
        Ok(rows) if rows.len() == 1 && rows[0] == "ok" => {}
        Ok(rows) => {
            health.findings.push(Finding::ManifestDamaged {
                reason: rows
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| "no answer".to_owned()),
            });
            return Ok(());
        }
        Err(e) => {
            health.findings.push(damaged(e));
            return Ok(());
        }
    }
    let total: u64 = db
        .query_row("SELECT COUNT(*) FROM Files WHERE flags & 1", [], |r| {
            r.get(0)
        })
        .unwrap_or(0);
    progress.report(Progress::Planned {
        bytes: 0,
        files: total,
    });
    let mut tally = Tally {
        matched: vec![false; on_disk.len()],
        missing: (0, None),
        wrong_size: (0, None),
    };
    let walked = tally_rows(&db, on_disk, health, &mut tally, progress, cancel);
    cancel.check()?;
    if let Err(e) = walked {
        health.findings.push(damaged(e));
        return Ok(());
    }
    if let (count, Some(example)) = tally.missing {
        health
            .findings
            .push(Finding::FilesMissing { count, example });
    }
    if let (count, Some(example)) = tally.wrong_size {
        health
            .findings
            .push(Finding::SizesDiffer { count, example });
    }
    let unlisted = tally.matched.iter().filter(|m| !**m).count() as u64;
    if unlisted > 0 {
        health
            .findings
            .push(Finding::UnlistedFiles { count: unlisted });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_forty_hex_digits_and_nothing_else() {
        assert!(parse_id("0123456789abcdef0123456789abcdef01234567").is_some());
        assert!(parse_id("../../etc/passwd").is_none());
        assert!(parse_id("0123456789abcdef0123456789abcdef0123456").is_none());
        assert!(parse_id("0123456789abcdef0123456789abcdef0123456g").is_none());
    }

    #[test]
    fn uris_escape_what_sqlite_would_misread() {
        assert_eq!(
            immutable_uri(Path::new("/Volumes/Big #1/50% off?/Manifest.db")).unwrap(),
            "file:/Volumes/Big %231/50%25 off%3f/Manifest.db?immutable=1"
        );
        assert_eq!(
            immutable_uri(Path::new(r"E:\Backup\x\Manifest.db")).unwrap(),
            "file:///E:/Backup/x/Manifest.db?immutable=1"
        );
        // A moved folder's link read back on Windows is verbatim.
        assert_eq!(
            immutable_uri(Path::new(r"\\?\E:\Backup\x\Manifest.db")).unwrap(),
            "file:///E:/Backup/x/Manifest.db?immutable=1"
        );
        assert_eq!(
            immutable_uri(Path::new(r"\\?\UNC\nas\share\Manifest.db")),
            None
        );
        assert_eq!(immutable_uri(Path::new(r"\\nas\share\Manifest.db")), None);
    }
}

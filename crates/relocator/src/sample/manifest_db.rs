//! A sample backup's `Manifest.db`: a real SQLite database shaped like
//! Apple's, with a `Files` row per file (`fileID`, `domain`,
//! `relativePath`, `flags` 1 and a `file` blob: an archived `MBFile`
//! record carrying the file's real size, see `mbfile`), a few
//! folder rows (`flags` 2), and a `Properties` table. The health check
//! reads it back as it reads Apple's.

use std::path::Path;

use rusqlite::{Connection, params};

use crate::error::{Error, IoContext as _, Result};
use crate::mbfile;

const DOMAINS: [&str; 5] = [
    "CameraRollDomain",
    "HomeDomain",
    "MediaDomain",
    "AppDomain-net.whatsapp.WhatsApp",
    "AppDomainGroup-group.com.apple.notes",
];

/// About how many bytes `write` produces for `files` rows.
#[must_use]
pub fn estimated_len(files: usize) -> u64 {
    (files as u64 * 600).max(32_768)
}

/// One file of the sample: its SHA-1 name and its size.
#[derive(Debug, Clone)]
pub struct Row {
    /// The file's name: 40 hex digits.
    pub file_id: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Writes the database at `path` with a row for each of `rows`; returns its
/// size in bytes.
pub fn write(path: &Path, rows: &[Row], modified: u64, rng: &mut fastrand::Rng) -> Result<u64> {
    let failed = |e: rusqlite::Error| Error::io(path, std::io::Error::other(e));
    let mut db = Connection::open(path).map_err(failed)?;
    db.execute_batch(
        "PRAGMA journal_mode = OFF;
         PRAGMA synchronous = OFF;
         CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB);
         CREATE INDEX FilesDomainIdx ON Files(domain);
         CREATE INDEX FilesRelativePathIdx ON Files(relativePath);
         CREATE INDEX FilesFlagsIdx ON Files(flags);
         CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);",
    )
    .map_err(failed)?;
    let tx = db.transaction().map_err(failed)?;
    {
        let mut insert = tx
            .prepare("INSERT INTO Files VALUES (?1, ?2, ?3, ?4, ?5)")
            .map_err(failed)?;
        for (n, row) in rows.iter().enumerate() {
            let domain = DOMAINS[rng.usize(0..DOMAINS.len())];
            let relative = format!("Media/DCIM/{}APPLE/IMG_{n:05}.HEIC", 100 + n / 1000);
            let blob = mbfile::encode(
                &relative,
                row.size,
                mbfile::REGULAR_FILE,
                modified,
                n as u64 + 1000,
            );
            insert
                .execute(params![row.file_id, domain, relative, 1, blob])
                .map_err(failed)?;
        }
        // Folders are listed too (flags 2), with no file of their own on disk.
        for folder in 0..=rows.len() / 1000 {
            let relative = format!("Media/DCIM/{}APPLE", 100 + folder);
            let id = format!("{:040x}", 0xd1_u128 << 100 | folder as u128);
            let blob = mbfile::encode(&relative, 0, 0o040_755, modified, 10 + folder as u64);
            insert
                .execute(params![id, "CameraRollDomain", relative, 2, blob])
                .map_err(failed)?;
        }
        tx.execute(
            "INSERT INTO Properties VALUES ('salt', ?1)",
            params![&rng.u64(..).to_le_bytes()[..]],
        )
        .map_err(failed)?;
    }
    tx.commit().map_err(failed)?;
    db.close().map_err(|(_, e)| failed(e))?;
    Ok(std::fs::metadata(path).at(path)?.len())
}

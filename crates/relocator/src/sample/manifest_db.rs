//! A sample backup's `Manifest.db`. With the `sqlite-manifest` feature (the
//! benchmark builds it) this is a real SQLite database shaped like Apple's:
//! a `Files` table with one row per file (`fileID`, `domain`,
//! `relativePath`, `flags` and a `file` blob of about 1 KB, standing in for
//! the archived file metadata) and a `Properties` table. Without it (tests,
//! the demo, the Windows/macOS type check, which cannot build SQLite's C
//! source here) it is a stand-in: an SQLite header and random bytes, 200
//! bytes per file.

use std::path::Path;

use crate::error::Result;

/// About how many bytes `write` produces for `files` rows.
#[must_use]
pub fn estimated_len(files: usize) -> u64 {
    let per_row = if cfg!(feature = "sqlite-manifest") {
        1_150
    } else {
        200
    };
    (files as u64 * per_row).max(4096)
}

/// Writes the database at `path` with a row for each of `file_ids` (the
/// SHA-1 names of the backup's files); returns its size in bytes.
pub fn write(path: &Path, file_ids: &[String], rng: &mut fastrand::Rng) -> Result<u64> {
    #[cfg(feature = "sqlite-manifest")]
    {
        real::write(path, file_ids, rng)
    }
    #[cfg(not(feature = "sqlite-manifest"))]
    {
        let len = estimated_len(file_ids.len());
        super::write_file(path, len, rng, &mut Vec::new(), b"SQLite format 3\0")?;
        Ok(len)
    }
}

#[cfg(feature = "sqlite-manifest")]
mod real {
    use std::path::Path;

    use rusqlite::{Connection, params};

    use crate::error::{Error, IoContext as _, Result};

    const DOMAINS: [&str; 5] = [
        "CameraRollDomain",
        "HomeDomain",
        "MediaDomain",
        "AppDomain-net.whatsapp.WhatsApp",
        "AppDomainGroup-group.com.apple.notes",
    ];

    pub(super) fn write(path: &Path, file_ids: &[String], rng: &mut fastrand::Rng) -> Result<u64> {
        let failed = |e: rusqlite::Error| Error::io(path, std::io::Error::other(e));
        let mut db = Connection::open(path).map_err(failed)?;
        db.execute_batch(
            "PRAGMA journal_mode = OFF;
             PRAGMA synchronous = OFF;
             CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB);
             CREATE INDEX FilesDomainIdx ON Files(domain);
             CREATE INDEX FilesRelativePathIdx ON Files(relativePath);
             CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);",
        )
        .map_err(failed)?;
        let tx = db.transaction().map_err(failed)?;
        {
            let mut insert = tx
                .prepare("INSERT INTO Files VALUES (?1, ?2, ?3, 1, ?4)")
                .map_err(failed)?;
            let mut blob = vec![0u8; 1200];
            for (n, id) in file_ids.iter().enumerate() {
                let domain = DOMAINS[rng.usize(0..DOMAINS.len())];
                let relative = format!("Media/DCIM/{}APPLE/IMG_{n:05}.HEIC", 100 + n / 1000);
                let len = rng.usize(800..1200);
                rng.fill(&mut blob[..len]);
                insert
                    .execute(params![id, domain, relative, &blob[..len]])
                    .map_err(failed)?;
            }
        }
        tx.commit().map_err(failed)?;
        db.close().map_err(|(_, e)| failed(e))?;
        Ok(std::fs::metadata(path).at(path)?.len())
    }
}

//! The `file` column of a backup's `Manifest.db`: one `MBFile` record,
//! archived by `NSKeyedArchiver` into a binary property list. Its root
//! object (`$top.root`, a reference into `$objects`) holds the file's
//! `Size`, `Mode`, times and a reference to its `RelativePath`. Follows the
//! references rather than fixed positions, as the reading tools of the
//! field do (`iphone_backup_decrypt`, `mvt`, `iOSbackup`). Anything unexpected
//! reads as "not known", never as a crash.

use plist::{Dictionary, Uid, Value};

/// What the health check reads of a record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MbFile {
    /// The file's size in bytes.
    pub size: Option<u64>,
    /// Its Unix mode (type and permission bits).
    pub mode: Option<u64>,
    /// Its path inside its domain.
    pub relative_path: Option<String>,
}

/// Reads a record; `None` when the blob is not an archived record.
#[must_use]
pub fn decode(blob: &[u8]) -> Option<MbFile> {
    let root = Value::from_reader(std::io::Cursor::new(blob)).ok()?;
    let top = root.as_dictionary()?;
    let objects = top.get("$objects")?.as_array()?;
    let object =
        |uid: &Value| -> Option<&Value> { objects.get(usize::try_from(uid.as_uid()?.get()).ok()?) };
    let file = object(top.get("$top")?.as_dictionary()?.get("root")?)?.as_dictionary()?;
    Some(MbFile {
        size: file.get("Size").and_then(Value::as_unsigned_integer),
        mode: file.get("Mode").and_then(Value::as_unsigned_integer),
        relative_path: file
            .get("RelativePath")
            .and_then(object)
            .and_then(Value::as_string)
            .map(str::to_owned),
    })
}

/// A regular file's `Mode` (0o100644).
pub const REGULAR_FILE: u64 = 0o100_644;

/// Archives a record as Apple's backups do (for sample backups).
#[must_use]
pub fn encode(relative_path: &str, size: u64, mode: u64, modified: u64, inode: u64) -> Vec<u8> {
    let int = |n: u64| Value::Integer(n.into());
    let mut file = Dictionary::new();
    file.insert("$class".into(), Value::Uid(Uid::new(3)));
    file.insert("RelativePath".into(), Value::Uid(Uid::new(2)));
    file.insert("Size".into(), int(size));
    file.insert("Mode".into(), int(mode));
    file.insert("LastModified".into(), int(modified));
    file.insert("LastStatusChange".into(), int(modified));
    file.insert("Birth".into(), int(modified));
    file.insert("InodeNumber".into(), int(inode));
    file.insert("UserID".into(), int(501));
    file.insert("GroupID".into(), int(501));
    file.insert("ProtectionClass".into(), int(3));
    file.insert("Flags".into(), int(0));
    let mut class = Dictionary::new();
    class.insert("$classname".into(), Value::String("MBFile".into()));
    class.insert(
        "$classes".into(),
        Value::Array(vec![
            Value::String("MBFile".into()),
            Value::String("NSObject".into()),
        ]),
    );
    let mut top = Dictionary::new();
    top.insert("root".into(), Value::Uid(Uid::new(1)));
    let mut archive = Dictionary::new();
    archive.insert("$version".into(), int(100_000));
    archive.insert("$archiver".into(), Value::String("NSKeyedArchiver".into()));
    archive.insert("$top".into(), Value::Dictionary(top));
    archive.insert(
        "$objects".into(),
        Value::Array(vec![
            Value::String("$null".into()),
            Value::Dictionary(file),
            Value::String(relative_path.to_owned()),
            Value::Dictionary(class),
        ]),
    );
    let mut bytes = Vec::new();
    // Writing into memory cannot fail.
    let _ = Value::Dictionary(archive).to_writer_binary(&mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips() {
        let blob = encode(
            "Media/DCIM/100APPLE/IMG_0001.HEIC",
            1_234_567,
            REGULAR_FILE,
            1_700_000_000,
            42,
        );
        assert!(blob.starts_with(b"bplist00"));
        let file = decode(&blob).unwrap();
        assert_eq!(file.size, Some(1_234_567));
        assert_eq!(file.mode, Some(REGULAR_FILE));
        assert_eq!(
            file.relative_path.as_deref(),
            Some("Media/DCIM/100APPLE/IMG_0001.HEIC")
        );
    }

    #[test]
    fn anything_else_is_not_a_record() {
        assert_eq!(decode(b"not a plist"), None);
        let mut bytes = Vec::new();
        Value::String("x".into())
            .to_writer_binary(&mut bytes)
            .unwrap();
        assert_eq!(decode(&bytes), None);
    }
}

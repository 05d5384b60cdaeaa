//! Paths stored losslessly in our JSON records (the journal, the marker).
//! JSON strings are Unicode; a path need not be: on Unix a name is any
//! bytes, on Windows any 16-bit units. A path that is valid Unicode is
//! stored as a plain string; any other as `{"unix_bytes": "<hex>"}` or
//! `{"windows_utf16": [units]}`, read back to the very same path. Use with
//! `#[serde(with = "crate::stored_path")]` (or `stored_path::option`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How a path is written.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Stored {
    /// Valid Unicode: as it is.
    Text(String),
    /// Anything else: its raw form on the system that wrote it.
    Raw {
        /// Unix: the path's bytes, in hex.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unix_bytes: Option<String>,
        /// Windows: the path's UTF-16 units.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        windows_utf16: Option<Vec<u16>>,
    },
}

fn to_stored(path: &Path) -> Stored {
    if let Some(text) = path.to_str() {
        return Stored::Text(text.to_owned());
    }
    #[cfg(unix)]
    {
        use std::fmt::Write as _;
        use std::os::unix::ffi::OsStrExt as _;
        let hex = path
            .as_os_str()
            .as_bytes()
            .iter()
            .fold(String::new(), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            });
        Stored::Raw {
            unix_bytes: Some(hex),
            windows_utf16: None,
        }
    }
    #[cfg(windows)]
    {
        use std::os::windows::ffi::OsStrExt as _;
        Stored::Raw {
            unix_bytes: None,
            windows_utf16: Some(path.as_os_str().encode_wide().collect()),
        }
    }
}

fn from_stored(stored: Stored) -> Result<PathBuf, String> {
    match stored {
        Stored::Text(text) => Ok(PathBuf::from(text)),
        #[cfg(unix)]
        Stored::Raw {
            unix_bytes: Some(hex),
            ..
        } => {
            use std::os::unix::ffi::OsStringExt as _;
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| {
                    hex.get(i..i + 2)
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                })
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(|| "a path's bytes are not valid hex".to_owned())?;
            Ok(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
        }
        #[cfg(windows)]
        Stored::Raw {
            windows_utf16: Some(units),
            ..
        } => {
            use std::os::windows::ffi::OsStringExt as _;
            Ok(PathBuf::from(std::ffi::OsString::from_wide(&units)))
        }
        Stored::Raw { .. } => Err("a path written on another kind of system".to_owned()),
    }
}

/// Serializes a path losslessly.
pub fn serialize<S: Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
    to_stored(path).serialize(serializer)
}

/// Reads a path written by [`serialize`] (or any plain string).
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<PathBuf, D::Error> {
    from_stored(Stored::deserialize(deserializer)?).map_err(serde::de::Error::custom)
}

/// A path as a JSON value, losslessly (for JSON built by hand).
#[must_use]
pub fn as_value(path: &Path) -> serde_json::Value {
    serde_json::to_value(to_stored(path)).unwrap_or(serde_json::Value::Null)
}

/// A path from a JSON value written by [`as_value`].
#[must_use]
pub fn from_value(value: &serde_json::Value) -> Option<PathBuf> {
    serde_json::from_value::<Stored>(value.clone())
        .ok()
        .and_then(|s| from_stored(s).ok())
}

/// The same for a list of paths (serializing only).
pub mod many {
    use super::to_stored;
    use serde::{Serialize as _, Serializer};
    use std::path::PathBuf;

    /// Serializes paths losslessly.
    pub fn serialize<S: Serializer>(paths: &[PathBuf], serializer: S) -> Result<S::Ok, S::Error> {
        paths
            .iter()
            .map(|p| to_stored(p))
            .collect::<Vec<_>>()
            .serialize(serializer)
    }
}

/// The same for `Option<PathBuf>`.
pub mod option {
    use super::{Stored, from_stored, to_stored};
    use serde::{Deserialize as _, Deserializer, Serialize as _, Serializer};
    use std::path::PathBuf;

    /// Serializes an optional path losslessly.
    pub fn serialize<S: Serializer>(
        path: &Option<PathBuf>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        path.as_deref().map(to_stored).serialize(serializer)
    }

    /// Reads an optional path.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<PathBuf>, D::Error> {
        Option::<Stored>::deserialize(deserializer)?
            .map(from_stored)
            .transpose()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Record {
        #[serde(with = "crate::stored_path")]
        path: PathBuf,
        #[serde(with = "crate::stored_path::option", default)]
        other: Option<PathBuf>,
    }

    #[test]
    fn unicode_paths_stay_plain_strings() {
        let r = Record {
            path: PathBuf::from("/Users/Ana Pérez/Backup 📱"),
            other: None,
        };
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(
            json,
            r#"{"path":"/Users/Ana Pérez/Backup 📱","other":null}"#
        );
        assert_eq!(serde_json::from_str::<Record>(&json).unwrap(), r);
    }

    #[cfg(unix)]
    #[test]
    fn any_unix_path_round_trips_byte_for_byte() {
        use std::os::unix::ffi::OsStringExt as _;
        let odd = PathBuf::from(std::ffi::OsString::from_vec(
            b"/media/disk\xff\xfe/Backup".to_vec(),
        ));
        let r = Record {
            path: odd.clone(),
            other: Some(odd),
        };
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("unix_bytes"), "{json}");
        assert_eq!(serde_json::from_str::<Record>(&json).unwrap(), r);
    }

    #[test]
    fn damaged_raw_paths_are_errors_not_panics() {
        let bad = r#"{"path":{"unix_bytes":"zz"}}"#;
        assert!(serde_json::from_str::<Record>(bad).is_err());
        let foreign = r#"{"path":{}}"#;
        assert!(serde_json::from_str::<Record>(foreign).is_err());
    }
}

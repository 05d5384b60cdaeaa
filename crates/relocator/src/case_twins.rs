//! Two names in one folder that differ only by case (`a.txt` and `A.txt`)
//! cannot both be kept by a drive that ignores case — exFAT, FAT32, and
//! NTFS, APFS and Mac OS Extended as they are usually formatted: the
//! second copied would fail ("already exists") or replace the first.
//! Found while the backups are scanned: a walk reads each folder on one
//! thread, entry after entry, so one folder's names are compared at a
//! time and memory stays bounded by the largest folder.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// Pairs named as examples, at most.
const EXAMPLES: usize = 3;

/// The names that differ only by case, as one walk thread found them.
#[derive(Debug, Default, Clone)]
pub struct CaseTwins {
    /// The folder whose names are being compared.
    folder: Option<PathBuf>,
    /// Its names so far, by their lower-case form; `None` for a name that
    /// is its own lower-case form (most are: no second allocation for them).
    names: HashMap<String, Option<OsString>>,
    /// How many names had a twin.
    pub count: u64,
    /// The first pairs found.
    pub examples: Vec<(PathBuf, PathBuf)>,
}

impl CaseTwins {
    /// Notes the entry `name` of `folder`, met after the folder's earlier entries.
    pub fn note(&mut self, folder: &Path, name: &OsStr) {
        if self.folder.as_deref() != Some(folder) {
            self.folder = Some(folder.to_owned());
            self.names.clear();
        }
        let key = name.to_string_lossy().to_lowercase();
        if let Some(twin) = self.names.get(&key) {
            let twin = twin.as_deref().unwrap_or_else(|| OsStr::new(&key));
            if twin != name {
                self.count += 1;
                if self.examples.len() < EXAMPLES {
                    self.examples.push((folder.join(twin), folder.join(name)));
                }
            }
        } else {
            let original = (OsStr::new(&key) != name).then(|| name.to_owned());
            self.names.insert(key, original);
        }
    }

    /// Adds what another thread found.
    pub fn merge(&mut self, other: &CaseTwins) {
        self.count += other.count;
        for pair in &other.examples {
            if self.examples.len() < EXAMPLES {
                self.examples.push(pair.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_differing_only_by_case_in_one_folder_are_twins() {
        let note = |twins: &mut CaseTwins, p: &str| {
            let p = Path::new(p);
            twins.note(p.parent().unwrap(), p.file_name().unwrap());
        };
        let mut twins = CaseTwins::default();
        for p in [
            "/b/d/a.txt",
            "/b/d/A.TXT",
            "/b/d/b",
            "/b/e/a.txt",
            "/b/e/É",
            "/b/e/é",
        ] {
            note(&mut twins, p);
        }
        assert_eq!(twins.count, 2);
        assert_eq!(
            twins.examples[0],
            (PathBuf::from("/b/d/a.txt"), PathBuf::from("/b/d/A.TXT"))
        );
        // The same name in two folders is no twin.
        let mut apart = CaseTwins::default();
        note(&mut apart, "/b/d/x");
        note(&mut apart, "/b/e/X");
        assert_eq!(apart.count, 0);
    }
}

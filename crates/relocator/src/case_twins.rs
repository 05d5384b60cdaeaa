//! Two names in one folder that differ only by case (`a.txt` and `A.txt`)
//! cannot both be kept by a drive that ignores case — exFAT, FAT32, and
//! NTFS, APFS and Mac OS Extended as they are usually formatted: the
//! second copied would fail ("already exists") or replace the first.
//! Found while the backups are scanned: a walk reads each folder on one
//! thread, entry after entry, so one folder's names are compared at a
//! time and memory stays bounded by the largest folder.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};

/// Pairs named as examples, at most.
const EXAMPLES: usize = 3;

/// The names that differ only by case, as one walk thread found them.
///
/// Most names in a backup are plain: ASCII without capitals (the SHA-1
/// names of its files), each its own lower-case form, so two of them are
/// never twins. They are only kept, end to end in one buffer; they are
/// looked up — and indexed for that, once — only in a folder that also
/// has another name (capitals, or letters beyond ASCII), which is the
/// only kind that can have a twin.
#[derive(Debug, Default, Clone)]
pub struct CaseTwins {
    /// The folder whose names are being compared.
    folder: Option<PathBuf>,
    /// Its plain names so far, end to end.
    plain: Vec<u8>,
    /// Where each plain name ends in `plain`.
    plain_ends: Vec<usize>,
    /// The plain names by a hash of their bytes, once the folder has
    /// another name (`None` before): the position in `plain_ends` of the
    /// first name with that hash; `more` holds the others with the same hash.
    plain_index: Option<HashMap<u64, usize, BuildHasherDefault<Fingerprint>>>,
    /// Plain names whose hash an earlier one had (positions in `plain_ends`).
    more: Vec<usize>,
    /// Its other names so far, by their lower-case form.
    others: HashMap<String, OsString>,
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
            self.plain.clear();
            self.plain_ends.clear();
            self.plain_index = None;
            self.more.clear();
            self.others.clear();
        }
        let bytes = name.as_encoded_bytes();
        if is_plain(bytes) {
            if !self.others.is_empty()
                && let Some(twin) = std::str::from_utf8(bytes)
                    .ok()
                    .and_then(|key| self.others.get(key))
            {
                let twin = twin.clone();
                self.found(folder, &twin, name);
            }
            self.plain.extend_from_slice(bytes);
            self.plain_ends.push(self.plain.len());
            if self.plain_index.is_some() {
                self.index_plain(self.plain_ends.len() - 1);
            }
            return;
        }
        let key = name.to_string_lossy().to_lowercase();
        if is_plain(key.as_bytes()) && self.plain_has(key.as_bytes()) {
            self.found(folder, OsStr::new(&key), name);
        } else if let Some(twin) = self.others.get(&key) {
            if twin != name {
                let twin = twin.clone();
                self.found(folder, &twin, name);
            }
        } else {
            self.others.insert(key, name.to_owned());
        }
    }

    /// Counts `name` as the twin of the earlier `twin`.
    fn found(&mut self, folder: &Path, twin: &OsStr, name: &OsStr) {
        self.count += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push((folder.join(twin), folder.join(name)));
        }
    }

    /// The plain name at position `n` of `plain_ends`.
    fn plain_name(&self, n: usize) -> &[u8] {
        let start = n.checked_sub(1).map_or(0, |before| self.plain_ends[before]);
        &self.plain[start..self.plain_ends[n]]
    }

    /// Adds the plain name at position `n` to the index.
    fn index_plain(&mut self, n: usize) {
        let hash = fingerprint(self.plain_name(n));
        let index = self.plain_index.get_or_insert_default();
        match index.entry(hash) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(n);
            }
            std::collections::hash_map::Entry::Occupied(_) => self.more.push(n),
        }
    }

    /// Whether the folder has the plain name `key` (indexing its plain
    /// names the first time it is asked).
    fn plain_has(&mut self, key: &[u8]) -> bool {
        if self.plain_index.is_none() {
            self.plain_index = Some(HashMap::default());
            for n in 0..self.plain_ends.len() {
                self.index_plain(n);
            }
        }
        let hit = self
            .plain_index
            .as_ref()
            .and_then(|index| index.get(&fingerprint(key)))
            .is_some_and(|&n| self.plain_name(n) == key);
        hit || self.more.iter().any(|&n| self.plain_name(n) == key)
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

/// Whether `name` is ASCII without capitals: its own lower-case form, in
/// every system's rules.
fn is_plain(name: &[u8]) -> bool {
    name.iter().all(|b| b.is_ascii() && !b.is_ascii_uppercase())
}

/// A 64-bit hash of a name's bytes (FNV-1a, eight bytes at a step): quick,
/// and only ever compared before the names themselves are.
fn fingerprint(name: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ name.len() as u64;
    for chunk in name.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        hash = (hash ^ u64::from_le_bytes(word)).wrapping_mul(0x0000_0100_0000_01b3);
        hash ^= hash >> 29;
    }
    hash
}

/// The hasher of `plain_index`, whose keys are already hashes.
#[derive(Debug, Default, Clone, Copy)]
struct Fingerprint(u64);

impl Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = fingerprint(bytes);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
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

    /// The straightforward rule: a name whose lower-case form an earlier
    /// name of its folder had, and which differs from that name.
    fn twins_by_the_rule(names: &[(&str, String)]) -> u64 {
        let mut seen: HashMap<(&str, String), &str> = HashMap::new();
        let mut count = 0;
        for (folder, name) in names {
            let key = (*folder, name.to_lowercase());
            match seen.get(&key) {
                Some(earlier) if earlier != name => count += 1,
                Some(_) => {}
                None => {
                    seen.insert(key, name);
                }
            }
        }
        count
    }

    #[test]
    fn plain_and_other_names_in_any_order_count_as_the_rule_says() {
        // Names drawn from a few stems in varied case (and a Kelvin sign,
        // whose lower case is ASCII "k"), in several folders and orders.
        let stems = ["ab12", "kx", "Manifest.db", "e\u{301}t\u{e9}", "ff00aa"];
        let mut state = 7u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            usize::try_from(state >> 33).unwrap()
        };
        for _round in 0..200 {
            let mut names: Vec<(&str, String)> = Vec::new();
            for folder in ["/f/a", "/f/b", "/f/a/c"] {
                let mut taken = std::collections::HashSet::new();
                for _ in 0..next() % 12 {
                    let stem = stems[next() % stems.len()];
                    let name: String = stem
                        .chars()
                        .map(|c| match next() % 4 {
                            0 => c.to_uppercase().next().unwrap(),
                            1 if c == 'k' => '\u{212a}',
                            _ => c,
                        })
                        .collect();
                    // A folder lists a name once.
                    if taken.insert(name.clone()) {
                        names.push((folder, name));
                    }
                }
            }
            let mut twins = CaseTwins::default();
            for (folder, name) in &names {
                twins.note(Path::new(folder), OsStr::new(name));
            }
            assert_eq!(twins.count, twins_by_the_rule(&names), "{names:?}");
        }
    }

    #[test]
    fn a_plain_name_is_found_after_its_hash_was_taken() {
        let mut twins = CaseTwins::default();
        let folder = Path::new("/f");
        twins.note(folder, OsStr::new("abc"));
        twins.note(folder, OsStr::new("xyz"));
        // Two plain names under one hash: the second is still found.
        let mut index = HashMap::default();
        index.insert(fingerprint(b"abc"), 1);
        twins.plain_index = Some(index);
        twins.more.push(0);
        twins.note(folder, OsStr::new("ABC"));
        assert_eq!(twins.count, 1);
        assert_eq!(
            twins.examples[0],
            (PathBuf::from("/f/abc"), PathBuf::from("/f/ABC"))
        );
    }
}

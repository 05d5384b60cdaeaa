//! Path forms: canonical paths as people and Explorer should see them, and
//! comparisons of Windows paths. On Windows `std::fs::canonicalize` returns
//! verbatim paths (`\\?\D:\…`, `\\?\UNC\nas\share\…`), which match no
//! drive list entry (`D:\`), read oddly in every message, and differ from
//! what a link reads back. The rules are pure functions on strings, so they
//! are tested on every platform.

use std::path::{Path, PathBuf};

use crate::error::{IoContext as _, Result};

/// `path` with links resolved, in the form a person would type: on Windows
/// without the verbatim prefix wherever dropping it keeps the same meaning.
/// On Windows a drive unknown to the Mount Manager (ImDisk, OSFMount,
/// `WinFsp`, some `VeraCrypt` and cloud drives) fails `canonicalize` although
/// the path is there: its NT name is mapped back to its drive letter, or
/// the path is made absolute as typed.
pub fn canonical(path: &Path) -> Result<PathBuf> {
    match std::fs::canonicalize(path) {
        Ok(resolved) => Ok(for_people(&resolved)),
        Err(_) if cfg!(windows) && std::fs::metadata(path).is_ok() => {
            #[cfg(windows)]
            if let Some(found) = crate::win32::nt_path(path)
                .ok()
                .and_then(|nt| dos_path_from_nt(&nt, &crate::win32::drive_letter_devices()))
            {
                return Ok(found);
            }
            std::path::absolute(path).at(path)
        }
        Err(e) => Err(crate::Error::io(path, e)),
    }
}

/// The drive-letter form of the NT path `nt` (`\Device\ImDisk0\Backups`
/// → `R:\Backups`), given each drive letter's NT device (`QueryDosDeviceW`).
#[must_use]
pub fn dos_path_from_nt(nt: &str, devices: &[(char, String)]) -> Option<PathBuf> {
    devices.iter().find_map(|(letter, device)| {
        let rest = strip_prefix_ignore_case(nt, device)?;
        let rest = if rest.is_empty() {
            ""
        } else {
            rest.strip_prefix('\\')?
        };
        Some(PathBuf::from(format!("{letter}:\\{rest}")))
    })
}

/// A path as a person typed it, meaning what they meant: absolute (against
/// the current folder), with `.` and `..` taken as written (a `..` after a
/// link goes back up the path, not into the link's target) and no trailing
/// separator — which would make the system follow a backup folder's own
/// link (`…/Backup/` is its target). Nothing is read from the disk.
#[must_use]
pub fn as_typed(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // Never above the root (or a drive's root).
                if out.file_name().is_some() {
                    out.pop();
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` without Windows' verbatim prefix where that is safe (see
/// [`simplify_verbatim`]); unchanged elsewhere.
#[must_use]
pub fn for_people(path: &Path) -> PathBuf {
    if !cfg!(windows) {
        return path.to_owned();
    }
    match path.to_str().and_then(simplify_verbatim) {
        Some(simple) => PathBuf::from(simple),
        None => path.to_owned(),
    }
}

/// The longest a path may be once the verbatim prefix is gone (Windows' `MAX_PATH`).
const MAX_PATH: usize = 260;

/// `\\?\D:\a\b` → `D:\a\b` and `\\?\UNC\nas\share\a` → `\\nas\share\a`,
/// when the short form means the same (the rules of the `dunce` crate): no
/// `.` or `..`, every name valid without the prefix (no reserved device
/// name like `CON`, no trailing dot or space, no forbidden character), and
/// at most 260 characters. `None` when the path has no such prefix or must
/// keep it.
#[must_use]
pub fn simplify_verbatim(path: &str) -> Option<String> {
    let (short_prefix, rest) = if let Some(rest) = strip_prefix_ignore_case(path, r"\\?\UNC\") {
        (r"\\", rest)
    } else if let Some(rest) = path.strip_prefix(r"\\?\") {
        let drive = rest.as_bytes();
        if drive.len() < 2 || !drive[0].is_ascii_alphabetic() || drive[1] != b':' {
            return None; // \\?\Volume{…}\ and other device paths keep their form
        }
        ("", rest)
    } else {
        return None;
    };
    let simple = format!("{short_prefix}{rest}");
    if simple.encode_utf16().count() > MAX_PATH {
        return None;
    }
    // Names after the drive (`D:`) or the server and share.
    let skip = if short_prefix.is_empty() { 1 } else { 2 };
    let names_ok = rest
        .split('\\')
        .skip(skip)
        .filter(|name| !name.is_empty())
        .all(is_plain_name);
    names_ok.then_some(simple)
}

/// A name Windows reads the same with or without the verbatim prefix.
fn is_plain_name(name: &str) -> bool {
    const RESERVED: [&str; 4] = ["AUX", "NUL", "PRN", "CON"];
    if name == "."
        || name == ".."
        || name.ends_with(['.', ' '])
        || name.encode_utf16().count() > 255
    {
        return false;
    }
    if name
        .chars()
        .any(|c| u32::from(c) < 32 || matches!(c, '<' | '>' | ':' | '"' | '/' | '|' | '?' | '*'))
    {
        return false;
    }
    let stem = name
        .trim_end_matches(['.', ' '])
        .split('.')
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    let numbered = |base: &str| {
        stem.strip_prefix(base)
            .is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit() && n != "0")
    };
    !(RESERVED.contains(&stem.as_str()) || numbered("COM") || numbered("LPT"))
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if prefix.is_empty() {
        return None;
    }
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// A Windows path as one comparable string: verbatim prefix removed, `/`
/// as `\`, lower case, no trailing separator.
#[must_use]
pub fn windows_comparable(path: &str) -> String {
    let slashed = path.replace('/', "\\");
    let without = if let Some(rest) = strip_prefix_ignore_case(&slashed, r"\\?\UNC\") {
        format!(r"\\{rest}")
    } else if let Some(rest) = slashed.strip_prefix(r"\\?\") {
        rest.to_owned()
    } else {
        slashed
    };
    without.trim_end_matches('\\').to_lowercase()
}

/// Whether the Windows path `path` lies on the volume mounted at `mount`
/// (`D:\`, `C:\Mounts\Photos\`, `\\nas\share\`): same drive letter or
/// share whatever the case or slash, and whole names only.
#[must_use]
pub fn windows_path_is_under(path: &str, mount: &str) -> bool {
    let path = windows_comparable(path);
    let mount = windows_comparable(mount);
    path == mount
        || path
            .strip_prefix(&mount)
            .is_some_and(|rest| rest.starts_with('\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 24: shells add a trailing slash to a completed folder name; a
    /// path means the same folder with or without it, and `.` and `..` as
    /// typed, never through a link.
    #[cfg(unix)]
    #[test]
    fn a_path_as_typed_means_the_same_folder() {
        let typed = |p: &str| as_typed(Path::new(p));
        let plain = Path::new("/Users/ana/MobileSync/Backup");
        assert_eq!(typed("/Users/ana/MobileSync/Backup/"), plain);
        assert_eq!(typed("/Users/ana/MobileSync/Backup//"), plain);
        assert_eq!(typed("/Users/ana/./MobileSync/Backup/."), plain);
        assert_eq!(typed("/Users/ana/MobileSync/Backup/x/.."), plain);
        assert_eq!(typed("/../Users/ana/MobileSync/Backup"), plain);
        let here = std::env::current_dir().unwrap();
        assert_eq!(typed("Backup/"), here.join("Backup"));
        assert_eq!(typed("/"), Path::new("/"));
    }

    #[test]
    fn a_windows_path_as_typed_loses_its_trailing_separator() {
        if cfg!(windows) {
            assert_eq!(
                as_typed(Path::new(r"C:\Users\ana\Apple\MobileSync\Backup\")),
                Path::new(r"C:\Users\ana\Apple\MobileSync\Backup")
            );
            assert_eq!(as_typed(Path::new(r"E:\")), Path::new(r"E:\"));
        }
    }

    /// Issue 19: a virtual drive (ImDisk, OSFMount) fails `canonicalize`;
    /// its NT name maps back to the letter a person knows, and a device
    /// whose name only begins another's is not mistaken for it.
    #[test]
    fn an_nt_path_maps_back_to_its_drive_letter() {
        let devices = vec![
            ('C', r"\Device\HarddiskVolume3".to_owned()),
            ('R', r"\Device\ImDisk0".to_owned()),
            ('S', r"\Device\ImDisk01".to_owned()),
        ];
        assert_eq!(
            dos_path_from_nt(r"\Device\ImDisk0\Phone\Backup", &devices),
            Some(PathBuf::from(r"R:\Phone\Backup"))
        );
        assert_eq!(
            dos_path_from_nt(r"\device\imdisk01\x", &devices),
            Some(PathBuf::from(r"S:\x"))
        );
        assert_eq!(
            dos_path_from_nt(r"\Device\ImDisk0", &devices),
            Some(PathBuf::from(r"R:\"))
        );
        assert_eq!(dos_path_from_nt(r"\Device\Other\x", &devices), None);
    }

    #[test]
    fn verbatim_disk_and_unc_paths_lose_their_prefix() {
        assert_eq!(
            simplify_verbatim(r"\\?\D:\Backups").as_deref(),
            Some(r"D:\Backups")
        );
        assert_eq!(simplify_verbatim(r"\\?\e:\").as_deref(), Some(r"e:\"));
        assert_eq!(
            simplify_verbatim(r"\\?\UNC\nas\share\Backup").as_deref(),
            Some(r"\\nas\share\Backup")
        );
        assert_eq!(simplify_verbatim(r"D:\Backups"), None);
        assert_eq!(simplify_verbatim("/home/ana"), None);
    }

    #[test]
    fn paths_that_need_the_prefix_keep_it() {
        for keep in [
            r"\\?\Volume{0b3a2c1d-0000-0000-0000-100000000000}\Backup",
            r"\\?\D:\a\..\b",
            r"\\?\D:\trailing.",
            r"\\?\D:\space ",
            r"\\?\D:\CON",
            r"\\?\D:\com1.txt",
            r"\\?\D:\a:b",
        ] {
            assert_eq!(simplify_verbatim(keep), None, "{keep}");
        }
        let long = format!(r"\\?\D:\{}", "a\\".repeat(140));
        assert_eq!(simplify_verbatim(&long), None);
        assert!(simplify_verbatim(r"\\?\D:\COM10").is_some());
    }

    #[test]
    fn windows_prefixes_compare_letters_and_shares_whatever_the_form() {
        assert!(windows_path_is_under(r"\\?\E:\Backup", r"E:\"));
        assert!(windows_path_is_under(r"e:\Backup", r"E:\"));
        assert!(windows_path_is_under(r"E:/Backup/x", r"e:\"));
        assert!(windows_path_is_under(r"E:\", r"E:\"));
        assert!(!windows_path_is_under(r"F:\Backup", r"E:\"));
        assert!(windows_path_is_under(
            r"C:\Mounts\Photos\B",
            r"C:\Mounts\Photos\"
        ));
        assert!(!windows_path_is_under(
            r"C:\Mounts\PhotosOld\B",
            r"C:\Mounts\Photos\"
        ));
        assert!(windows_path_is_under(
            r"\\?\UNC\NAS\share\Backup",
            r"\\nas\share\"
        ));
        assert!(!windows_path_is_under(
            r"\\nas\other\Backup",
            r"\\nas\share\"
        ));
    }

    #[test]
    fn comparable_forms_agree_for_the_same_place() {
        assert_eq!(
            windows_comparable(r"\\?\UNC\nas\Share\Backup\"),
            windows_comparable(r"\\NAS\share\backup")
        );
        assert_eq!(
            windows_comparable(r"\\?\D:\Backup"),
            windows_comparable("d:/backup/")
        );
    }
}

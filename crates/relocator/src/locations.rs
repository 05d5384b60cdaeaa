//! Where Finder, iTunes and Apple Devices keep backups, and what state each
//! of those folders is in. Paths are resolved against home folders the
//! caller passes in, so every platform's logic is a pure, testable function.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::journal;
use crate::link::FolderLink;
use crate::marker;
use crate::operation::Operation;

/// The desktop platforms whose backup folders we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// macOS: Finder (10.15+) and iTunes (10.14 and older).
    MacOs,
    /// Windows: iTunes (Apple's installer or the Microsoft Store) and Apple Devices.
    Windows,
    /// Linux and others: no Apple app, so no default folder.
    Other,
}

impl Platform {
    /// The platform this program runs on.
    #[must_use]
    pub fn current() -> Self {
        if cfg!(target_os = "macos") {
            Platform::MacOs
        } else if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Other
        }
    }
}

/// The user's folders that backup locations hang off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeDirs {
    /// The home or profile folder (`$HOME`, `%USERPROFILE%`).
    pub home: PathBuf,
    /// Windows' roaming application data (`%APPDATA%`); defaults to `home\AppData\Roaming`.
    pub app_data: Option<PathBuf>,
}

impl HomeDirs {
    /// Reads the home folders from the environment. Only binaries call
    /// this; the core always takes `HomeDirs` as an argument.
    #[must_use]
    pub fn from_environment() -> Option<Self> {
        Self::from_variables(Platform::current(), |name| std::env::var_os(name))
    }

    /// The home folders from environment variables read by `var`. Windows
    /// prefers `USERPROFILE`: Git Bash and MSYS set `HOME` to a folder of
    /// their own, where Apple's apps never write.
    pub fn from_variables(
        platform: Platform,
        var: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Option<Self> {
        let non_empty = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let home = match platform {
            Platform::Windows => non_empty("USERPROFILE").or_else(|| non_empty("HOME")),
            Platform::MacOs | Platform::Other => non_empty("HOME"),
        }?;
        let app_data = match platform {
            Platform::Windows => non_empty("APPDATA"),
            Platform::MacOs | Platform::Other => None,
        };
        Some(Self { home, app_data })
    }
}

/// One folder where an Apple app writes backups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownLocation {
    /// Which app writes here, for people ("Finder and iTunes").
    pub app: &'static str,
    /// The `Backup` folder itself.
    pub path: PathBuf,
}

/// The backup folders Apple's apps use on `platform`, for the user whose
/// folders are `dirs`. Empty on platforms without Apple's apps.
#[must_use]
pub fn known_locations(platform: Platform, dirs: &HomeDirs) -> Vec<KnownLocation> {
    let join =
        |base: &Path, parts: &[&str]| parts.iter().fold(base.to_path_buf(), |p, s| p.join(s));
    match platform {
        Platform::MacOs => vec![KnownLocation {
            app: "Finder and iTunes",
            path: join(
                &dirs.home,
                &["Library", "Application Support", "MobileSync", "Backup"],
            ),
        }],
        Platform::Windows => {
            let app_data = dirs
                .app_data
                .clone()
                .unwrap_or_else(|| join(&dirs.home, &["AppData", "Roaming"]));
            vec![
                KnownLocation {
                    app: "iTunes (from Apple's website)",
                    path: join(&app_data, &["Apple Computer", "MobileSync", "Backup"]),
                },
                KnownLocation {
                    app: "Apple Devices, or iTunes from the Microsoft Store",
                    path: join(&dirs.home, &["Apple", "MobileSync", "Backup"]),
                },
            ]
        }
        Platform::Other => Vec::new(),
    }
}

/// What is at a backup folder's path right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocationState {
    /// Nothing there: the app has never made a backup here.
    Absent,
    /// A real folder on this computer.
    Local,
    /// A link made by Backup Relocator to a folder that is there.
    Relocated {
        /// Where the backups are.
        target: PathBuf,
    },
    /// A link whose target is missing: most often the drive is not connected.
    Dangling {
        /// Where the link points.
        target: PathBuf,
    },
    /// A link not made by Backup Relocator (no marker at its target): the
    /// backups moved by hand, which can be moved back, moved on or taken
    /// over (see `relocate::take_over`).
    ForeignLink {
        /// Where the link points.
        target: PathBuf,
    },
    /// A Backup Relocator operation on this folder was interrupted, or is
    /// running right now.
    Interrupted {
        /// The journal recording it.
        journal: PathBuf,
        /// Which operation.
        operation: Operation,
        /// Another Backup Relocator run holds the folder's lock: it is under
        /// way, not interrupted.
        running: bool,
    },
    /// The record of an interrupted operation cannot be read (damaged,
    /// or from a newer version).
    DamagedRecord {
        /// The journal file.
        journal: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// Something else is at the path (a file, say).
    Unexpected {
        /// What it is.
        found: String,
    },
}

impl LocationState {
    /// The state's stable name, as the CLI's JSON spells it.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            LocationState::Absent => "absent",
            LocationState::Local => "local",
            LocationState::Relocated { .. } => "relocated",
            LocationState::Dangling { .. } => "dangling",
            LocationState::ForeignLink { .. } => "foreign_link",
            LocationState::Interrupted { .. } => "interrupted",
            LocationState::DamagedRecord { .. } => "damaged_record",
            LocationState::Unexpected { .. } => "unexpected",
        }
    }

    /// Where a link points, for the link states.
    #[must_use]
    pub fn target(&self) -> Option<&Path> {
        match self {
            LocationState::Relocated { target }
            | LocationState::Dangling { target }
            | LocationState::ForeignLink { target } => Some(target),
            _ => None,
        }
    }

    /// Where the backups of the folder `folder` in this state are: the
    /// folder itself (a real folder), or its link's target (moved here or
    /// by hand). `None` where none can be read: nothing there, a drive away,
    /// a record to recover first, something else in the way.
    #[must_use]
    pub fn backups_at(&self, folder: &Path) -> Option<PathBuf> {
        match self {
            LocationState::Local => Some(folder.to_owned()),
            LocationState::Relocated { target } | LocationState::ForeignLink { target } => {
                Some(target.clone())
            }
            _ => None,
        }
    }

    /// One plain sentence about the state.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            LocationState::Absent => "No backups here yet.".to_owned(),
            LocationState::Local => "Backups are on this computer.".to_owned(),
            LocationState::Relocated { target } => {
                format!("Backups were moved to {}.", target.display())
            }
            LocationState::Dangling { target } => format!(
                "Backups will fail until {} is connected: the backups were moved to {}.",
                drive_name_in(target),
                target.display()
            ),
            LocationState::ForeignLink { target } => format!(
                "Backups were moved by hand (or by another tool) to {}.",
                target.display()
            ),
            LocationState::Interrupted {
                operation,
                running: true,
                ..
            } => format!(
                "A {} of these backups is under way right now.",
                operation.noun()
            ),
            LocationState::Interrupted { operation, .. } => format!(
                "A {} of these backups was interrupted: it must be finished or undone first.",
                operation.noun()
            ),
            LocationState::DamagedRecord { problem, .. } => format!(
                "The record of an interrupted operation on these backups cannot be used ({problem})."
            ),
            LocationState::Unexpected { found } => {
                format!("Something unexpected is here ({found}), not a backup folder.")
            }
        }
    }
}

/// The name of the drive a path is on, as far as the path tells when the
/// drive is away: macOS "/Volumes/Big/…" → "Big"; Windows "E:\…" →
/// "drive E:"; otherwise "the drive holding" and the path.
#[must_use]
pub fn drive_name_in(path: &Path) -> String {
    let text = path.to_string_lossy();
    if let Some(rest) = text.strip_prefix("/Volumes/")
        && let Some(name) = rest.split('/').next().filter(|n| !n.is_empty())
    {
        return format!("the drive \"{name}\"");
    }
    let simple =
        crate::paths::simplify_verbatim(&text).unwrap_or_else(|| text.clone().into_owned());
    let bytes = simple.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return format!("drive {}:", char::from(bytes[0]).to_ascii_uppercase());
    }
    format!("the drive holding {}", path.display())
}

/// Inspects the backup folder `source`: absent, local, relocated by us,
/// dangling, a foreign link, or interrupted (a journal beside it).
pub fn inspect(source: &Path, links: &dyn FolderLink) -> Result<LocationState> {
    match journal::load(source) {
        Ok(Some(j)) => {
            return Ok(LocationState::Interrupted {
                journal: j.path(),
                operation: j.operation,
                running: journal::Lock::held_elsewhere(source),
            });
        }
        Err(Error::Journal { path, message }) => {
            return Ok(LocationState::DamagedRecord {
                journal: path,
                problem: message,
            });
        }
        Err(Error::NewerRecord { path, version }) => {
            return Ok(LocationState::DamagedRecord {
                journal: path,
                problem: format!(
                    "a newer Backup Relocator ({version}) wrote it: update Backup Relocator to finish it"
                ),
            });
        }
        Err(e) => return Err(e),
        Ok(None) => {}
    }
    let meta = match fs::symlink_metadata(source) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(LocationState::Absent),
        Err(e) => return Err(Error::io(source, e)),
    };
    if let Some(target) = links.read(source)? {
        let resolved = resolve_link_target(source, &target);
        return Ok(match fs::metadata(&resolved) {
            Ok(m) if m.is_dir() => {
                if marker::read(&resolved).is_some() {
                    LocationState::Relocated { target: resolved }
                } else {
                    LocationState::ForeignLink { target: resolved }
                }
            }
            Ok(_) => LocationState::ForeignLink { target: resolved },
            Err(_) => LocationState::Dangling { target: resolved },
        });
    }
    if meta.is_dir() {
        Ok(LocationState::Local)
    } else {
        Ok(LocationState::Unexpected {
            found: crate::names::describe_file_type(&meta),
        })
    }
}

/// A link's target as an absolute path (relative targets count from the link's folder).
#[must_use]
pub fn resolve_link_target(link: &Path, target: &Path) -> PathBuf {
    if target.is_absolute() {
        target.to_owned()
    } else {
        link.parent().unwrap_or(Path::new("")).join(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirs() -> HomeDirs {
        HomeDirs {
            home: PathBuf::from("/Users/ana"),
            app_data: None,
        }
    }

    #[test]
    fn macos_has_one_location_under_library() {
        let l = known_locations(Platform::MacOs, &dirs());
        assert_eq!(l.len(), 1);
        assert_eq!(
            l[0].path,
            Path::new("/Users/ana/Library/Application Support/MobileSync/Backup")
        );
    }

    #[test]
    fn windows_has_the_itunes_and_the_store_location() {
        let l = known_locations(Platform::Windows, &dirs());
        assert_eq!(l.len(), 2);
        let parts = |p: &Path| -> Vec<String> {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        };
        assert!(parts(&l[0].path).ends_with(&[
            "ana".into(),
            "AppData".into(),
            "Roaming".into(),
            "Apple Computer".into(),
            "MobileSync".into(),
            "Backup".into()
        ]));
        assert!(parts(&l[1].path).ends_with(&[
            "ana".into(),
            "Apple".into(),
            "MobileSync".into(),
            "Backup".into()
        ]));
    }

    #[test]
    fn windows_honours_a_redirected_appdata() {
        let d = HomeDirs {
            home: PathBuf::from("/profiles/ana"),
            app_data: Some(PathBuf::from("/roaming/ana")),
        };
        let l = known_locations(Platform::Windows, &d);
        assert!(l[0].path.starts_with("/roaming/ana/Apple Computer"));
    }

    #[test]
    fn windows_prefers_the_profile_to_a_shells_home() {
        let env = |name: &str| match name {
            "HOME" => Some("/c/Users/ana/msys-home".into()),
            "USERPROFILE" => Some(r"C:\Users\ana".into()),
            "APPDATA" => Some(r"C:\Users\ana\AppData\Roaming".into()),
            _ => None,
        };
        let w = HomeDirs::from_variables(Platform::Windows, env).unwrap();
        assert_eq!(w.home, PathBuf::from(r"C:\Users\ana"));
        assert_eq!(
            w.app_data,
            Some(PathBuf::from(r"C:\Users\ana\AppData\Roaming"))
        );
        let m = HomeDirs::from_variables(Platform::MacOs, env).unwrap();
        assert_eq!(m.home, PathBuf::from("/c/Users/ana/msys-home"));
        let only_home = |name: &str| (name == "HOME").then(|| "/h".into());
        assert_eq!(
            HomeDirs::from_variables(Platform::Windows, only_home)
                .unwrap()
                .home,
            PathBuf::from("/h")
        );
        assert!(HomeDirs::from_variables(Platform::MacOs, |_| None).is_none());
    }

    #[test]
    fn other_platforms_have_no_default_location() {
        assert!(known_locations(Platform::Other, &dirs()).is_empty());
    }

    #[test]
    fn a_missing_drive_is_named_as_people_know_it() {
        assert_eq!(
            drive_name_in(Path::new("/Volumes/Big Drive/Backup")),
            "the drive \"Big Drive\""
        );
        assert_eq!(drive_name_in(Path::new(r"e:\Backups\Backup")), "drive E:");
        assert_eq!(drive_name_in(Path::new(r"\\?\F:\Backup")), "drive F:");
        assert_eq!(
            drive_name_in(Path::new("/media/ana/x/Backup")),
            "the drive holding /media/ana/x/Backup"
        );
    }

    #[test]
    fn relative_link_targets_resolve_from_the_links_folder() {
        assert_eq!(
            resolve_link_target(Path::new("/a/MobileSync/Backup"), Path::new("../x")),
            Path::new("/a/MobileSync/../x")
        );
        assert_eq!(
            resolve_link_target(Path::new("/a/Backup"), Path::new("/v/Backup")),
            Path::new("/v/Backup")
        );
    }
}

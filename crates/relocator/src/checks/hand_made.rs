//! A backup folder linked by hand (`ln -s` on a Mac, `mklink /J` on
//! Windows, or another tool) — the recipe people used before this app —
//! can be moved back, moved on, or taken over, once its link is seen to
//! point at device backups, and not at a folder that holds the backup
//! folder itself (a move would copy the link into itself).

use std::path::Path;

use crate::contents::{self, Contents};
use crate::problem::Problem;

/// What stops the link `source` → `target`, made by hand, from being taken
/// over, if anything.
#[must_use]
pub fn hand_made_problem(source: &Path, target: &Path) -> Option<Problem> {
    let problem = |around: bool| {
        let (source, target) = (source.to_owned(), target.to_owned());
        Some(if around {
            Problem::HandMadeLinkAroundItself { source, target }
        } else {
            Problem::HandMadeLinkWithoutBackups { source, target }
        })
    };
    // Where the link itself is, through any links above it; and where it points.
    let parent = source
        .parent()
        .and_then(|p| crate::paths::canonical(p).ok());
    let Ok(pointed) = crate::paths::canonical(target) else {
        return problem(false);
    };
    if let Some(parent) = parent {
        let itself = parent.join(source.file_name().unwrap_or_default());
        if parent.starts_with(&pointed) || pointed.starts_with(&itself) {
            return problem(true);
        }
    }
    // The volume is looked up only for a link that holds backups.
    let whole_drive = || {
        crate::volume::place_in_volume(&pointed)
            .is_ok_and(|(_, inside)| inside.as_os_str().is_empty())
    };
    match contents::judge(&pointed) {
        Ok(Contents::DeviceBackups { .. }) if whole_drive() => {
            Some(Problem::HandMadeLinkToAWholeDrive {
                source: source.to_owned(),
                target: target.to_owned(),
            })
        }
        Ok(Contents::DeviceBackups { .. }) => None,
        _ => problem(false),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn a_link_to_backups_passes_and_others_are_refused_in_their_words() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("MobileSync");
        fs::create_dir_all(&home).unwrap();
        let source = home.join("Backup");
        let drive = dir.path().join("drive/Backup");
        crate::sample::generate(&drive, &crate::sample::SampleSpec::demo(1)).unwrap();
        assert_eq!(hand_made_problem(&source, &drive), None);
        let empty = dir.path().join("drive/Empty");
        fs::create_dir_all(&empty).unwrap();
        let code = |target: &Path| hand_made_problem(&source, target).map(|p| p.code());
        assert_eq!(
            code(&empty).as_deref(),
            Some("hand_made_link_without_backups")
        );
        assert_eq!(
            code(&dir.path().join("gone")).as_deref(),
            Some("hand_made_link_without_backups")
        );
        // The folder holding the link, or one above it.
        assert_eq!(code(&home).as_deref(), Some("hand_made_link_around_itself"));
        assert_eq!(
            code(dir.path()).as_deref(),
            Some("hand_made_link_around_itself")
        );
        let message = hand_made_problem(&source, &empty).unwrap().message();
        assert!(
            message.contains("holds no iPhone or iPad backups"),
            "{message}"
        );
        assert!(message.contains("Point the link"), "{message}");
    }
}

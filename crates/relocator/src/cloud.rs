//! Folders that a cloud service keeps in sync with the internet: iCloud
//! Drive, OneDrive, Dropbox, Google Drive, Box. Backups there can be turned
//! into online-only placeholders ("free up space", Files On-Demand,
//! optimised storage), deleted or duplicated by a sync conflict, and on a
//! Mac iCloud Drive is on the Mac's own disk anyway. A pure rule over the
//! folder's path (and its drive's name), the same on every system: each
//! service's app makes its folders under names it chooses, and people see
//! those names, so they are what is matched.
//!
//! Names, from each service's documentation: iCloud Drive is
//! `~/Library/Mobile Documents` on a Mac and `%USERPROFILE%\iCloudDrive` on
//! Windows; apps using Apple's File Provider (OneDrive, Dropbox, Google
//! Drive, Box) sync under `~/Library/CloudStorage/<Service>-<account>`;
//! OneDrive's folders are `OneDrive` and `OneDrive - <organisation>`;
//! Dropbox's `Dropbox` and `Dropbox (<team>)`; Google Drive for desktop's
//! `Google Drive` (and on Windows a virtual drive named "Google Drive");
//! Box's `Box` and `Box Sync` in the home folder.

use std::path::Path;

/// A cloud service that syncs a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CloudService {
    /// Apple's iCloud Drive.
    ICloudDrive,
    /// Microsoft `OneDrive`.
    OneDrive,
    /// Dropbox.
    Dropbox,
    /// Google Drive for desktop.
    GoogleDrive,
    /// Box Drive or Box Sync.
    Box,
    /// Another service using the Mac's File Provider (`~/Library/CloudStorage`).
    Other,
}

impl CloudService {
    /// The service's name, as its maker writes it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            CloudService::ICloudDrive => "iCloud Drive",
            CloudService::OneDrive => "OneDrive",
            CloudService::Dropbox => "Dropbox",
            CloudService::GoogleDrive => "Google Drive",
            CloudService::Box => "Box",
            CloudService::Other => "a cloud service",
        }
    }
}

/// The service syncing the folder `path` (an absolute path), if any: a
/// folder of the path is one of a service's synced folders, or the drive
/// it is on is a service's virtual drive (named `drive_name`).
#[must_use]
pub fn synced_by(path: &Path, drive_name: &str) -> Option<CloudService> {
    if drive_name.eq_ignore_ascii_case("Google Drive") {
        return Some(CloudService::GoogleDrive);
    }
    // Split on both separators, so a Windows path reads the same on
    // every system (a drive letter or `\\?\` prefix matches no name).
    let text = path.to_string_lossy().to_lowercase();
    let names: Vec<&str> = text.split(['/', '\\']).filter(|n| !n.is_empty()).collect();
    for (i, name) in names.iter().enumerate() {
        let parent = i.checked_sub(1).map(|p| names[p]);
        // A folder in a home folder (`/Users/<name>/…`, `C:\Users\<name>\…`).
        let in_home = i >= 2 && matches!(names[i - 2], "users" | "home");
        if let Some(service) = service_folder(name, parent, in_home) {
            return Some(service);
        }
    }
    // `~/Library/CloudStorage` itself: the services' folders are in it.
    names
        .windows(2)
        .any(|pair| pair == ["library", "cloudstorage"])
        .then_some(CloudService::Other)
}

/// The service whose synced folder is named `name` (lower case), inside
/// the folder named `parent`, which is a home folder or not.
fn service_folder(name: &str, parent: Option<&str>, in_home: bool) -> Option<CloudService> {
    let named = |base: &str| {
        name == base
            || name
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with(" - ") || rest.starts_with(" ("))
    };
    if parent == Some("library") && name == "mobile documents" {
        return Some(CloudService::ICloudDrive);
    }
    if parent == Some("cloudstorage") {
        let service = name.split('-').next().unwrap_or_default();
        return Some(match service {
            "onedrive" => CloudService::OneDrive,
            "dropbox" => CloudService::Dropbox,
            "googledrive" => CloudService::GoogleDrive,
            "box" => CloudService::Box,
            "icloud" => CloudService::ICloudDrive,
            _ => CloudService::Other,
        });
    }
    if name == "iclouddrive" || name == "icloud drive" {
        Some(CloudService::ICloudDrive)
    } else if named("onedrive") {
        Some(CloudService::OneDrive)
    } else if named("dropbox") {
        Some(CloudService::Dropbox)
    } else if name == "google drive" || name == "googledrive" {
        Some(CloudService::GoogleDrive)
    } else if (name == "box" || name == "box sync") && in_home {
        // "Box" is a common word: only Box's own folder in a home folder.
        Some(CloudService::Box)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(path: &str) -> Option<CloudService> {
        synced_by(Path::new(path), "")
    }

    /// Issue 19: a destination inside a synced folder is found, on both
    /// systems, whatever the account's name.
    #[test]
    fn synced_folders_are_found_on_both_systems() {
        use CloudService as C;
        assert_eq!(
            on("/Users/ana/Library/Mobile Documents/com~apple~CloudDocs/Backups"),
            Some(C::ICloudDrive)
        );
        assert_eq!(
            on("/Users/ana/Library/CloudStorage/OneDrive-Personal/Backups"),
            Some(C::OneDrive)
        );
        assert_eq!(
            on("/Users/ana/Library/CloudStorage/GoogleDrive-ana@example.com/My Drive"),
            Some(C::GoogleDrive)
        );
        assert_eq!(
            on("/Users/ana/Library/CloudStorage/Dropbox/Phone"),
            Some(C::Dropbox)
        );
        assert_eq!(
            on("/Users/ana/Library/CloudStorage/pCloud-ana"),
            Some(C::Other)
        );
        assert_eq!(on("/Users/ana/Library/CloudStorage"), Some(C::Other));
        assert_eq!(on(r"C:\Users\ana\OneDrive\Backups"), Some(C::OneDrive));
        assert_eq!(
            on(r"D:\OneDrive - Contoso Ltd\Phone backups"),
            Some(C::OneDrive)
        );
        assert_eq!(on(r"C:\Users\ana\iCloudDrive\x"), Some(C::ICloudDrive));
        assert_eq!(on(r"C:\Users\ana\Dropbox (Family)\x"), Some(C::Dropbox));
        assert_eq!(on("/home/ana/Dropbox"), Some(C::Dropbox));
        assert_eq!(on("/Users/ana/Box/Phone"), Some(C::Box));
        assert_eq!(
            synced_by(Path::new(r"G:\My Drive\Backups"), "Google Drive"),
            Some(C::GoogleDrive)
        );
    }

    #[test]
    fn ordinary_folders_are_not_called_synced() {
        for path in [
            "/Volumes/Big Drive/Backups",
            r"E:\Phone backups",
            "/media/ana/Dropbox old/x",
            "/Volumes/Big/Box/Phone",
            r"D:\OneDriveless\x",
            "/Users/ana/Library/Application Support/MobileSync",
        ] {
            assert_eq!(on(path), None, "{path}");
        }
    }
}

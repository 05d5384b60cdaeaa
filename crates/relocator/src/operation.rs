//! The operations Backup Relocator runs, named once for the whole
//! workspace: the journal records one, an outcome says which ran, a
//! problem names an interrupted one; each front end words them itself.

/// An operation a person can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Backups to a drive, link left behind.
    Move,
    /// Back to a real folder on this computer.
    Revert,
    /// From one drive to another, link re-pointed.
    Retarget,
    /// Link to backups placed on a drive earlier (after a reinstall).
    Adopt,
    /// Link again to the same copy, found under another name.
    Relink,
    /// Manage backups moved by hand (a link made by a person or another
    /// tool): our marker added after a check of the copy.
    TakeOver,
    /// New backups in a folder that replaced the link brought to the copy
    /// on the drive, device by device, and the link put back.
    Merge,
    /// One device's backup taken out of the backup folder, kept on a drive.
    Archive,
    /// An archived device backup brought back into the backup folder.
    BringBack,
}

impl Operation {
    /// What people call it: "move", "move back", "move to another drive".
    #[must_use]
    pub fn noun(self) -> &'static str {
        match self {
            Operation::Move => "move",
            Operation::Revert => "move back",
            Operation::Retarget => "move to another drive",
            Operation::Adopt => "adoption",
            Operation::Relink => "re-link",
            Operation::TakeOver => "take-over",
            Operation::Merge => "merge of new backups",
            Operation::Archive => "archive of a device's backup",
            Operation::BringBack => "return of an archived backup",
        }
    }
}

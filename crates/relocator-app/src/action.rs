//! What a page asks the app to do. Pages read the state and return these;
//! [`crate::AppState::apply`] handles each one explicitly.

use std::path::PathBuf;

use crate::page::Page;
use crate::settings::ThemeChoice;
use relocator::Operation;

/// Which folder a dialog or a typed path is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FolderPurpose {
    /// The backup folder.
    Source,
    /// Where the backups should go.
    Destination,
}

/// What a page asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The wizard's next page.
    Next,
    /// The wizard's previous page (or out of the wizard from its first).
    Back,
    /// A home page: the overview, moved backups, preferences.
    Show(Page),
    /// Back to the overview after the end of an operation.
    Finish,
    /// Start preparing an operation on the selected backup folder.
    Begin(Operation),
    /// Work on another of the backup folders found.
    Select(usize),
    /// Open the folder dialog.
    ChooseFolder(FolderPurpose),
    /// The typed path changed (when no dialog can open).
    EditTypedFolder(String),
    /// Use a typed or pasted path (when no dialog can open).
    UseTypedFolder(FolderPurpose, String),
    /// Forget a chosen backup folder; look at the usual ones again.
    UseUsualFolders,
    /// Run the "Before we start" checks again.
    CheckAgain,
    /// Use a connected drive as the destination.
    PickDrive(PathBuf),
    /// List the connected drives again.
    RefreshDrives,
    /// Accept (or not) one warning about the destination, by its code.
    Accept(String, bool),
    /// Read every copied file back (or only compare sizes and dates).
    SetVerifyFull(bool),
    /// Start the operation prepared.
    Start,
    /// Ask to stop the running operation (shows a question).
    AskCancel,
    /// Yes: stop and undo.
    ConfirmCancel,
    /// No: keep going.
    KeepGoing,
    /// After a failure: choose another destination for the same plan.
    ChooseAnotherDrive,
    /// After a failure: the same plan again, from its checks.
    TryAgain,
    /// Finish or undo an interrupted operation.
    Recover,
    /// Set the damaged record of an interrupted operation on this backup
    /// folder aside (the core does it only once the backups are whole).
    SetAsideRecord(PathBuf),
    /// Link a dangling backup folder to the copy found at this path.
    Relink(PathBuf),
    /// Manage the backups the selected folder links to, moved by hand.
    TakeOver,
    /// Choose a drive to archive this device's backup to (its folder
    /// name), or stop choosing.
    AskArchive(Option<String>),
    /// Archive the backup of this device (its folder name) of the selected
    /// folder to this drive.
    Archive(String, PathBuf),
    /// Bring this archived backup back into the selected folder.
    BringBack(PathBuf),
    /// Turn the guard on (a login item) or off.
    SetGuard(bool),
    /// Bring the new backups in the selected folder (a folder where our
    /// link was) to our copy at this path, and link it again.
    Merge(PathBuf),
    /// Show (or hide) what saying "the drive is gone for good" means.
    AskForgetDrive(bool),
    /// The drive an interrupted operation waits for is gone for good: undo
    /// the operation without it.
    ForgetDrive,
    /// Check the health of the backups of the selected folder.
    CheckHealth,
    /// Show a folder in Finder, Explorer or the file manager.
    OpenFolder(PathBuf),
    /// Copy text to the clipboard.
    CopyText(String),
    /// Close the notice at the top.
    DismissNotice,
    /// Light, dark, or the system's.
    SetTheme(ThemeChoice),
    /// Minutes a backup must be quiet before it is moved.
    SetQuietMinutes(u32),
    /// Days until a device counts as not backed up lately.
    SetStaleDays(u32),
}

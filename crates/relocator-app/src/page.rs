//! The wizard's pages and the requests pages make. Pages draw and return
//! an `Action`; the app applies it after drawing.

use std::path::PathBuf;

/// The page on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// What was found.
    Overview,
    /// "Before we start": nothing syncing, folder readable, no backup running.
    Checks,
    /// Choosing the drive.
    Destination,
    /// One sentence of what will happen, and the Move button.
    Review,
    /// Live progress.
    Working,
    /// Finished.
    Done,
    /// Something went wrong; the backups are safe, and where.
    Failed,
    /// Relocation state, move back, move on.
    Settings,
}

impl Page {
    /// The wizard's next page (the pages before the work starts).
    #[must_use]
    pub fn next(self) -> Option<Self> {
        match self {
            Page::Overview => Some(Page::Checks),
            Page::Checks => Some(Page::Destination),
            Page::Destination => Some(Page::Review),
            _ => None,
        }
    }

    /// The wizard's previous page.
    #[must_use]
    pub fn back(self) -> Option<Self> {
        match self {
            Page::Checks => Some(Page::Overview),
            Page::Destination => Some(Page::Checks),
            Page::Review => Some(Page::Destination),
            _ => None,
        }
    }

    /// The page's title.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Page::Overview => "Your backups",
            Page::Checks => "Before we start",
            Page::Destination => "Where should the backups go?",
            Page::Review => "Ready to move",
            Page::Working => "Working",
            Page::Done => "Done",
            Page::Failed => "That did not work",
            Page::Settings => "Settings",
        }
    }
}

/// What a page asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Go to the wizard's next page.
    Next,
    /// Go to the wizard's previous page.
    Back,
    /// Show a page.
    Show(Page),
    /// Pick a backup folder when none was found.
    ChooseSource,
    /// Run the "Before we start" checks again.
    CheckAgain,
    /// Open the folder chooser for the destination.
    ChooseDestination,
    /// Start moving.
    StartMove,
    /// Ask to cancel the running job (shows a confirmation).
    AskCancel,
    /// Confirmed: cancel and roll back.
    ConfirmCancel,
    /// Not cancelling after all.
    KeepGoing,
    /// Ask before moving back to this computer.
    AskRevert,
    /// Confirmed: move back to this computer.
    Revert,
    /// Not moving back after all.
    KeepRelocated,
    /// Move to another drive: the destination page, then review.
    Retarget,
    /// Finish or undo an interrupted operation.
    Recover,
    /// Re-read every backup on the drive and report.
    VerifyOnDrive,
    /// Open a folder in Finder / Explorer / the file manager.
    OpenFolder(PathBuf),
    /// Copy text to the clipboard.
    CopyText(String),
    /// Back to the start (after Done or Failed).
    Restart,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_and_back_walk_the_wizard_and_stop_at_its_ends() {
        let mut p = Page::Overview;
        let mut seen = vec![p];
        while let Some(n) = p.next() {
            p = n;
            seen.push(p);
        }
        assert_eq!(
            seen,
            [
                Page::Overview,
                Page::Checks,
                Page::Destination,
                Page::Review
            ]
        );
        assert_eq!(Page::Review.back(), Some(Page::Destination));
        assert_eq!(Page::Overview.back(), None);
        assert_eq!(Page::Working.next(), None);
        assert_eq!(Page::Done.back(), None);
    }
}

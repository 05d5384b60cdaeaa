//! The pages of the window, and the steps of the wizard the step indicator
//! shows. Which pages an operation walks through is its plan's business
//! (see [`crate::plan`]).

/// The page on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The backup folders found, their devices and state (home).
    Overview,
    /// "Before we start": nothing syncing, folder readable, no backup being written.
    Checks,
    /// Choosing the drive.
    Destination,
    /// What will happen, and the button that starts it.
    Review,
    /// Live progress.
    Working,
    /// Finished.
    Done,
    /// Something went wrong or was cancelled; where the backups are.
    Failed,
    /// Backups that were moved: move back, move on, check them, re-link.
    Manage,
    /// Theme, checking, timings, the backup folder, the log.
    Preferences,
}

/// One step of the wizard, as the step indicator names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// What was found.
    Backups,
    /// Before we start.
    Checks,
    /// Choosing the drive.
    Drive,
    /// What will happen.
    Review,
    /// Doing it.
    Move,
    /// The result.
    Done,
}

impl Page {
    /// The wizard step this page is, if it is one.
    #[must_use]
    pub fn step(self) -> Option<Step> {
        match self {
            Page::Overview => Some(Step::Backups),
            Page::Checks => Some(Step::Checks),
            Page::Destination => Some(Step::Drive),
            Page::Review => Some(Step::Review),
            Page::Working => Some(Step::Move),
            Page::Done | Page::Failed => Some(Step::Done),
            Page::Manage | Page::Preferences => None,
        }
    }

    /// Whether the page belongs to a running or finished operation (the
    /// home pages are not reachable from it without Back or Done).
    #[must_use]
    pub fn is_in_a_flow(self) -> bool {
        matches!(
            self,
            Page::Checks
                | Page::Destination
                | Page::Review
                | Page::Working
                | Page::Done
                | Page::Failed
        )
    }
}

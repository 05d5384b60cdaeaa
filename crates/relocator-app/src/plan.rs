//! What a move, a move back or a move on is preparing: one value, made new
//! in one assignment when a person starts one, dropped when they leave it.
//! It knows its operation, the pages and steps it walks through, the
//! destination chosen and checked, the warnings accepted, and whether every
//! file is read back.

use std::path::{Path, PathBuf};

use relocator::checks::DestinationFacts;
use relocator::{Operation, Problem, Severity};

use crate::page::{Page, Step};
use crate::task::Task;

/// The pages and steps an operation walks through in the window (the
/// core names the operation; the window plans its pages).
pub trait Wizard: Copy {
    /// The pages before the work starts, in order.
    fn pages(self) -> &'static [Page];
    /// The steps the indicator shows.
    fn steps(self) -> &'static [Step];
    /// Where leaving the plan from its first page goes.
    fn home(self) -> Page;

    /// The page after `page`, before the work starts.
    fn next(self, page: Page) -> Option<Page> {
        let pages = self.pages();
        let at = pages.iter().position(|p| *p == page)?;
        pages.get(at + 1).copied()
    }

    /// The page before `page`; `None` on the first (leaving the plan).
    fn back(self, page: Page) -> Option<Page> {
        let pages = self.pages();
        let at = pages.iter().position(|p| *p == page)?;
        at.checked_sub(1).map(|i| pages[i])
    }
}

impl Wizard for Operation {
    fn pages(self) -> &'static [Page] {
        match self {
            Operation::Move => &[
                Page::Overview,
                Page::Checks,
                Page::Destination,
                Page::Review,
            ],
            Operation::Retarget => &[Page::Checks, Page::Destination, Page::Review],
            Operation::Revert => &[Page::Checks, Page::Review],
            // Re-linking, adopting, taking over and merging start from a
            // button, with no pages before.
            Operation::Relink
            | Operation::Adopt
            | Operation::TakeOver
            | Operation::Merge
            | Operation::Archive
            | Operation::BringBack => &[],
        }
    }

    fn steps(self) -> &'static [Step] {
        match self {
            Operation::Move => &[
                Step::Backups,
                Step::Checks,
                Step::Drive,
                Step::Review,
                Step::Move,
                Step::Done,
            ],
            Operation::Retarget => &[
                Step::Checks,
                Step::Drive,
                Step::Review,
                Step::Move,
                Step::Done,
            ],
            Operation::Revert => &[Step::Checks, Step::Review, Step::Move, Step::Done],
            Operation::Relink
            | Operation::Adopt
            | Operation::TakeOver
            | Operation::Merge
            | Operation::Archive
            | Operation::BringBack => &[Step::Move, Step::Done],
        }
    }

    fn home(self) -> Page {
        match self {
            Operation::Move | Operation::Archive | Operation::BringBack => Page::Overview,
            Operation::Retarget
            | Operation::Revert
            | Operation::Relink
            | Operation::Adopt
            | Operation::TakeOver
            | Operation::Merge => Page::Manage,
        }
    }
}

/// A destination chosen and checked.
#[derive(Debug, Clone)]
pub struct Destination {
    /// The folder the backups go into (as `folder/Backup`).
    pub folder: PathBuf,
    /// What was read about it.
    pub facts: DestinationFacts,
    /// Every problem of moving there.
    pub problems: Vec<Problem>,
}

impl Destination {
    /// The problems that stop the operation.
    pub fn blocking(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_blocking())
    }

    /// The warnings a person must accept, one by one.
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity() == Severity::Warning)
    }

    /// Whether it is the drive the backups are on (nothing is freed).
    #[must_use]
    pub fn is_same_drive(&self) -> bool {
        self.facts.same_volume
    }
}

/// Why the plan cannot go on from the Destination page yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// No destination chosen.
    NoDestination,
    /// The destination is still being checked.
    Checking,
    /// Something blocks it.
    Blocked,
    /// Warnings not yet accepted.
    NotAccepted,
}

/// An operation being prepared.
pub struct Plan {
    /// Which.
    pub operation: Operation,
    /// The destination, once chosen and checked (move out, move on).
    pub destination: Option<Destination>,
    /// A destination being checked now.
    pub checking: Option<(PathBuf, Task<Destination>)>,
    /// Codes of the warnings accepted ([`Problem::code`]).
    pub accepted: Vec<String>,
    /// Read every copied file back and compare it.
    pub verify_full: bool,
}

impl Plan {
    /// A new plan for `operation` on the backup folder being worked on.
    #[must_use]
    pub fn new(operation: Operation, verify_full: bool) -> Self {
        Self {
            operation,
            destination: None,
            checking: None,
            accepted: Vec::new(),
            verify_full,
        }
    }

    /// Whether the warning `problem` was accepted.
    #[must_use]
    pub fn has_accepted(&self, problem: &Problem) -> bool {
        self.accepted.contains(&problem.code())
    }

    /// Accepts, or takes back, the warning `problem`.
    pub fn accept(&mut self, problem: &Problem, accepted: bool) {
        let code = problem.code();
        self.accepted.retain(|c| *c != code);
        if accepted {
            self.accepted.push(code);
        }
    }

    /// Puts a checked destination in place: its warnings are new, so none is accepted yet.
    pub fn set_destination(&mut self, destination: Destination) {
        self.accepted.clear();
        self.destination = Some(destination);
    }

    /// The folder being checked, or the one checked.
    #[must_use]
    pub fn destination_folder(&self) -> Option<&Path> {
        self.checking
            .as_ref()
            .map(|(folder, _)| folder.as_path())
            .or_else(|| self.destination.as_ref().map(|d| d.folder.as_path()))
    }

    /// Whether the destination is settled: chosen, checked, nothing blocks,
    /// each warning accepted.
    pub fn destination_ready(&self) -> Result<&Destination, NotReady> {
        if self.checking.is_some() {
            return Err(NotReady::Checking);
        }
        let destination = self.destination.as_ref().ok_or(NotReady::NoDestination)?;
        if destination.blocking().next().is_some() {
            return Err(NotReady::Blocked);
        }
        if destination.warnings().any(|w| !self.has_accepted(w)) {
            return Err(NotReady::NotAccepted);
        }
        Ok(destination)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_operation_walks_its_own_pages_and_steps() {
        let op = Operation::Move;
        assert_eq!(op.next(Page::Overview), Some(Page::Checks));
        assert_eq!(op.next(Page::Destination), Some(Page::Review));
        assert_eq!(op.next(Page::Review), None);
        assert_eq!(op.back(Page::Checks), Some(Page::Overview));
        assert_eq!(op.back(Page::Overview), None);
        assert_eq!(Operation::Revert.next(Page::Checks), Some(Page::Review));
        assert_eq!(Operation::Revert.back(Page::Review), Some(Page::Checks));
        assert_eq!(Operation::Retarget.back(Page::Checks), None);
        assert_eq!(Operation::Retarget.home(), Page::Manage);
        for op in [Operation::Move, Operation::Retarget, Operation::Revert] {
            // Every page before the work is a step the indicator shows, in order.
            let steps: Vec<Step> = op.pages().iter().filter_map(|p| p.step()).collect();
            assert_eq!(steps, op.steps()[..steps.len()]);
            assert_eq!(op.steps().last(), Some(&Step::Done));
        }
    }

    fn destination(problems: Vec<Problem>) -> Destination {
        Destination {
            folder: PathBuf::from("/Volumes/Big"),
            facts: DestinationFacts::default(),
            problems,
        }
    }

    #[test]
    fn a_destination_is_ready_once_each_warning_is_accepted_and_a_new_one_resets_them() {
        let mut plan = Plan::new(Operation::Move, true);
        assert_eq!(
            plan.destination_ready().err(),
            Some(NotReady::NoDestination)
        );
        let same = Problem::SameDrive {
            drive: "Macintosh HD".into(),
        };
        let removable = Problem::RemovableDestination {
            drive: "Big".into(),
        };
        plan.set_destination(destination(vec![same.clone(), removable.clone()]));
        assert_eq!(plan.destination_ready().err(), Some(NotReady::NotAccepted));
        plan.accept(&same, true);
        assert_eq!(plan.destination_ready().err(), Some(NotReady::NotAccepted));
        plan.accept(&removable, true);
        assert!(plan.destination_ready().is_ok());
        plan.accept(&removable, false);
        assert!(plan.destination_ready().is_err());
        plan.accept(&removable, true);
        plan.set_destination(destination(vec![removable.clone()]));
        assert_eq!(plan.destination_ready().err(), Some(NotReady::NotAccepted));
        plan.set_destination(destination(vec![Problem::DestinationMissing {
            destination: PathBuf::from("/x"),
        }]));
        assert_eq!(plan.destination_ready().err(), Some(NotReady::Blocked));
    }
}

//! The bottom bar: Back (secondary, left) and the page's one primary button
//! (right), in the same place on every page. A disabled primary button
//! says why on hover. What each page offers is decided here, once, so the
//! bar and the Enter key agree.

use egui::Ui;
use relocator::contents::Contents;
use relocator::locations::LocationState;

use super::widgets;
use crate::action::Action;
use crate::page::Page;
use relocator::Operation;

use crate::plan::{NotReady, Wizard as _};
use crate::state::AppState;
use crate::words;
use crate::worker::JobResult;

/// The primary button of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Primary {
    /// Its label.
    pub label: String,
    /// What it does.
    pub action: Action,
    /// Whether it can be clicked.
    pub enabled: bool,
    /// Why not, when it cannot.
    pub why_not: Option<String>,
    /// Filled with the accent (a step forward); Cancel is not.
    pub accent: bool,
}

/// What the bottom bar shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Buttons {
    /// The secondary button on the left: its label and action.
    pub back: Option<(String, Action)>,
    /// The primary button on the right.
    pub primary: Option<Primary>,
}

fn forward(label: &str, action: Action, why_not: Option<String>) -> Primary {
    Primary {
        label: label.to_owned(),
        action,
        enabled: why_not.is_none(),
        why_not,
        accent: true,
    }
}

fn back() -> (String, Action) {
    ("Back".to_owned(), Action::Back)
}

/// The buttons of the page on screen.
#[must_use]
pub fn for_page(state: &AppState) -> Buttons {
    match state.page {
        Page::Overview => Buttons {
            back: None,
            primary: overview_primary(state),
        },
        Page::Checks => {
            let why_not = match &state.checks.problems {
                None => Some("Checking…".to_owned()),
                Some(_) if !state.checks_pass() => {
                    Some("Fix the items marked with a cross, then click Check again.".to_owned())
                }
                Some(_) => None,
            };
            Buttons {
                back: Some(back()),
                primary: Some(forward("Next", Action::Next, why_not)),
            }
        }
        Page::Destination => {
            let why_not = state.plan.as_ref().and_then(|p| {
                p.destination_ready()
                    .err()
                    .map(|why| not_ready(&why, false))
            });
            Buttons {
                back: Some(back()),
                primary: Some(forward("Next", Action::Next, why_not)),
            }
        }
        Page::Review => {
            let operation = state.operation().unwrap_or(Operation::Move);
            // A drive checked again after Next (a late folder dialog) must
            // not leave a start button that does nothing.
            let why_not = state
                .plan
                .as_ref()
                .filter(|p| p.operation != Operation::Revert)
                .and_then(|p| p.destination_ready().err().map(|why| not_ready(&why, true)));
            Buttons {
                back: Some(back()),
                primary: Some(forward(
                    words::start_button(operation),
                    Action::Start,
                    why_not,
                )),
            }
        }
        Page::Working => {
            let why_not = if state
                .worker
                .as_ref()
                .is_some_and(|w| w.task.is_cancelling())
            {
                Some("Stopping…".to_owned())
            } else if state.is_relinking() {
                Some("Linking again takes a moment and cannot be stopped.".to_owned())
            } else if state.operation().is_none() {
                Some("An interrupted move is finished or undone as a whole.".to_owned())
            } else if !state.can_cancel() {
                Some("The backups are already in their new place: this last step finishes by itself.".to_owned())
            } else {
                None
            };
            Buttons {
                back: None,
                primary: Some(Primary {
                    label: "Cancel".to_owned(),
                    action: Action::AskCancel,
                    enabled: why_not.is_none(),
                    why_not,
                    accent: false,
                }),
            }
        }
        Page::Done => Buttons {
            back: None,
            primary: Some(forward("Back to overview", Action::Finish, None)),
        },
        Page::Failed => failed_buttons(state),
        // The footer is never empty: the way home, where Back stands elsewhere.
        Page::Manage | Page::Preferences => Buttons {
            back: Some(("Back to overview".to_owned(), Action::Show(Page::Overview))),
            primary: None,
        },
    }
}

/// Why the chosen drive is not ready yet; from the Review page, the way is Back.
fn not_ready(why: &NotReady, on_review: bool) -> String {
    match (why, on_review) {
        (NotReady::Checking, _) => "Checking the drive…",
        (NotReady::NoDestination, false) => "Choose a drive first.",
        (NotReady::Blocked, false) => "The backups cannot go there: choose another drive.",
        (NotReady::NotAccepted, false) => "Tick each box above first.",
        (NotReady::NoDestination | NotReady::Blocked, true) => "Go back and choose another drive.",
        (NotReady::NotAccepted, true) => "Go back and tick each box about the drive first.",
    }
    .to_owned()
}

fn overview_primary(state: &AppState) -> Option<Primary> {
    let report = state.report()?;
    match &report.state {
        Ok(LocationState::Local) => {
            let why_not = match &report.contents {
                _ if state.is_picking() => Some("Waiting for the folder window…".to_owned()),
                _ if !report.done => Some("Counting the backups…".to_owned()),
                Some(Ok(c)) if !c.is_backup_folder() => Some(match c {
                    Contents::EmptyFolder | Contents::NotBackups { .. } => {
                        "This folder does not hold iPhone or iPad backups: choose another folder."
                            .to_owned()
                    }
                    _ => String::new(),
                }),
                Some(Err(e)) => Some(format!("The folder cannot be read: {e}")),
                _ => None,
            };
            Some(forward(
                "Move backups…",
                Action::Begin(Operation::Move),
                why_not,
            ))
        }
        Ok(
            LocationState::Relocated { .. }
            | LocationState::ForeignLink { .. }
            | LocationState::Dangling { .. },
        ) => Some(forward(
            "Manage moved backups",
            Action::Show(Page::Manage),
            None,
        )),
        Ok(LocationState::Interrupted { running: false, .. }) => {
            Some(forward("Finish or undo now", Action::Recover, None))
        }
        Ok(LocationState::Interrupted { running: true, .. }) => Some(forward(
            "Move backups…",
            Action::Begin(Operation::Move),
            Some("Another Backup Relocator window is working on these backups.".to_owned()),
        )),
        Ok(LocationState::DamagedRecord { .. }) => Some(forward(
            "Move backups…",
            Action::Begin(Operation::Move),
            Some("The record of an interrupted operation must be set aside first.".to_owned()),
        )),
        Ok(LocationState::Absent) => Some(forward(
            "Move backups…",
            Action::Begin(Operation::Move),
            Some("There is no backup folder here yet.".to_owned()),
        )),
        Ok(_) | Err(_) => Some(forward(
            "Move backups…",
            Action::Begin(Operation::Move),
            Some("This is not a backup folder Backup Relocator can move.".to_owned()),
        )),
    }
}

fn failed_buttons(state: &AppState) -> Buttons {
    let overview = ("Back to overview".to_owned(), Action::Finish);
    let Some(JobResult::Failed(f)) = &state.result else {
        return Buttons {
            back: None,
            primary: Some(forward("Back to overview", Action::Finish, None)),
        };
    };
    if state.report().is_some_and(|r| {
        matches!(
            r.state,
            Ok(LocationState::Interrupted { running: false, .. })
        )
    }) {
        return Buttons {
            back: Some(overview),
            primary: Some(forward("Finish or undo now", Action::Recover, None)),
        };
    }
    let has_plan = state.plan.is_some();
    let has_drive_step = state
        .operation()
        .is_some_and(|op| op.pages().contains(&Page::Destination));
    let next = if has_plan && has_drive_step && f.failure.suggests_another_drive() {
        Some(forward(
            "Choose another drive",
            Action::ChooseAnotherDrive,
            None,
        ))
    } else if has_plan && f.failure.suggests_trying_again() {
        Some(forward("Try again", Action::TryAgain, None))
    } else {
        None
    };
    match next {
        Some(primary) => Buttons {
            back: Some(overview),
            primary: Some(primary),
        },
        None => Buttons {
            back: None,
            primary: Some(forward("Back to overview", Action::Finish, None)),
        },
    }
}

/// Draws the bar; returns the click.
pub fn bar(ui: &mut Ui, buttons: &Buttons) -> Option<Action> {
    let mut action = None;
    ui.horizontal(|ui| {
        if let Some((label, back)) = &buttons.back
            && widgets::secondary_button(ui, label, true).clicked()
        {
            action = Some(back.clone());
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some(p) = &buttons.primary {
                let response = if p.accent {
                    widgets::primary_button(ui, &p.label, p.enabled)
                } else {
                    widgets::secondary_button(ui, &p.label, p.enabled)
                };
                let response = match &p.why_not {
                    Some(why) => response.on_disabled_hover_text(why),
                    None => response,
                };
                if response.clicked() {
                    action = Some(p.action.clone());
                }
                // Why it cannot be clicked, visible (and read out) beside it.
                if let (false, Some(why)) = (p.enabled, &p.why_not) {
                    ui.add(egui::Label::new(egui::RichText::new(why).weak()).truncate());
                }
            }
        });
    });
    action
}

//! The ways forward a folder's report can offer wherever it shows: going
//! on without a drive an interrupted operation waits for, once the person
//! says it is gone for good (what that means is shown first, then the
//! button that does it); and removing the copies Backup Relocator left on
//! drives, or saying that they are removed once their drive is back.

use egui::Ui;
use relocator::locations::drive_name_in;

use super::widgets::{Status, status_row};
use crate::action::Action;
use crate::scan_job::LocationReport;
use crate::state::AppState;
use crate::words;

/// Whether `report` is about the folder being worked on (the buttons act on it).
fn selected(state: &AppState, report: &LocationReport) -> bool {
    state.location() == Some(&report.location)
}

/// The offer to go on without the drive the interrupted operation of
/// `report` waits for, when the backups are whole without it.
pub fn forget_drive(state: &AppState, ui: &mut Ui, report: &LocationReport) -> Option<Action> {
    let needed = report.drive_needed.as_ref()?;
    let drive = drive_name_in(&needed.drive_folder);
    let Some(whole) = &needed.whole_without_it else {
        status_row(ui, Status::Note, &words::only_on_the_drive(&drive));
        return None;
    };
    if !selected(state, report) {
        return None;
    }
    let mut action = None;
    if state.asking_forget {
        status_row(
            ui,
            Status::Warning,
            &words::forget_drive_meaning(&drive, whole),
        );
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(!state.is_busy(), egui::Button::new(words::FORGET_DRIVE))
                .clicked()
            {
                action = Some(Action::ForgetDrive);
            }
            if ui.button("Cancel").clicked() {
                action = Some(Action::AskForgetDrive(false));
            }
        });
    } else if ui
        .add_enabled(!state.is_busy(), egui::Button::new(words::DRIVE_GONE))
        .clicked()
    {
        action = Some(Action::AskForgetDrive(true));
    }
    action
}

/// The copies of ours `report` found: each named, with one button that
/// removes those on connected drives; those on a drive that is away are
/// only named.
pub fn leftovers(state: &AppState, ui: &mut Ui, report: &LocationReport) -> Option<Action> {
    for path in &report.leftovers.to_remove {
        status_row(ui, Status::Note, &words::leftover_to_remove(path));
    }
    for path in &report.leftovers.waiting {
        status_row(
            ui,
            Status::Note,
            &words::leftover_waiting(&drive_name_in(path), path),
        );
    }
    (!report.leftovers.to_remove.is_empty()
        && selected(state, report)
        && ui
            .add_enabled(!state.is_busy(), egui::Button::new(words::REMOVE_LEFTOVERS))
            .clicked())
    .then_some(Action::Recover)
}

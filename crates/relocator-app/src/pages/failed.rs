//! Failed or cancelled: one plain sentence of what happened, where the
//! backups are now (always somewhere whole), the technical detail behind
//! "Details" with Copy, and the next step in the bar ("Choose another
//! drive", "Try again", or back to the overview).

use egui::{RichText, Ui};
use relocator::failure::Failure;
use relocator::locations::LocationState;

use super::widgets::{self, Status, status_row};
use crate::action::Action;
use crate::state::AppState;
use crate::words;
use crate::worker::JobResult;

/// Draws the failure page.
pub fn ui(state: &AppState, ui: &mut Ui) -> Option<Action> {
    let Some(JobResult::Failed(f)) = &state.result else {
        return None;
    };
    ui.label(RichText::new(words::failure_sentence(&f.failure)).size(17.0));
    ui.add_space(6.0);
    // Where the backups are: as the core said, or as the folder reads now
    // when no record of an operation is left; an interrupted one says so.
    let report = state.report();
    let place = f.safe_at.clone().or_else(|| {
        report
            .filter(|r| {
                matches!(
                    r.state,
                    Ok(LocationState::Local | LocationState::Relocated { .. })
                )
            })
            .map(crate::scan_job::LocationReport::backups_now)
    });
    if let Some(place) = place {
        status_row(
            ui,
            Status::Good,
            &words::safe_sentence(&state.place_name(&place)),
        );
    } else if report.is_some_and(|r| matches!(r.state, Ok(LocationState::Interrupted { .. }))) {
        status_row(ui, Status::Warning, words::LEFT_INTERRUPTED);
    }
    // A record that cannot be used: its way forward is here, the core
    // checks that the backups are whole before it sets the record aside.
    let set_aside = (f.failure == Failure::DamagedRecord)
        .then(|| state.location().map(|l| l.path.clone()))
        .flatten()
        .and_then(|folder| {
            ui.add_space(6.0);
            ui.button(words::SET_RECORD_ASIDE)
                .clicked()
                .then_some(Action::SetAsideRecord(folder))
        });
    ui.add_space(10.0);
    widgets::details(ui, &f.details).or(set_aside)
}

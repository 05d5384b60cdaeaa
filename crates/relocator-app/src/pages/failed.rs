//! Failed or cancelled: one plain sentence of what happened, where the
//! backups are now (always somewhere whole), the technical detail behind
//! "Details" with Copy, and the next step in the bar ("Choose another
//! drive", "Try again", or back to the overview).

use egui::{RichText, Ui};
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
        status_row(ui, Status::Good, &words::safe_sentence(&place));
    } else if report.is_some_and(|r| matches!(r.state, Ok(LocationState::Interrupted { .. }))) {
        status_row(ui, Status::Warning, words::LEFT_INTERRUPTED);
    }
    ui.add_space(10.0);
    widgets::details(ui, &f.details)
}

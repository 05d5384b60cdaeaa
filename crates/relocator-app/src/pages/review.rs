//! Review: one sentence of what will happen, the verification option, and
//! the Move button (in the navigation bar).

use egui::{RichText, Ui};
use relocator::units::format_bytes;

use crate::app::AppState;
use crate::page::Action;

/// Draws the review page.
pub fn ui(state: &mut AppState, ui: &mut Ui) -> Option<Action> {
    let bytes = state.backup_bytes();
    let target = state
        .destination
        .as_ref()
        .map(|d| d.join("Backup"))
        .unwrap_or_default();
    let sentence = if state.retargeting {
        format!(
            "Copy {} of backups to {}, check the copy, then point the link there and delete the old copy.",
            format_bytes(bytes),
            target.display()
        )
    } else {
        format!(
            "Copy {} of backups to {}, check the copy, then leave a link in their old place.",
            format_bytes(bytes),
            target.display()
        )
    };
    ui.label(RichText::new(sentence).size(16.0));
    ui.add_space(10.0);
    ui.label("Nothing is deleted until the copy has been checked. If anything goes wrong, or you cancel, everything is put back as it was.");
    ui.add_space(10.0);
    ui.checkbox(
        &mut state.verify_full,
        "Check every file's content after copying (recommended)",
    )
    .on_hover_text(
        "Reads every copied file back and compares it with the original. Takes a little longer.",
    );
    None
}

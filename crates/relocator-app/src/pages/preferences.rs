//! Preferences: light or dark (or as the system), whether copies are read
//! back, how long a backup must be quiet before it is moved, when a device
//! counts as not backed up lately, the guard between visits, the backup
//! folder, and the log.

use egui::{RichText, Ui};

use super::widgets;
use crate::action::{Action, FolderPurpose};
use crate::settings::{Settings, ThemeChoice};
use crate::state::{AppState, GuardSwitch};
use crate::words;

/// Draws the page.
pub fn ui(state: &AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    let s = &state.settings;

    widgets::section(ui, "Appearance");
    ui.horizontal(|ui| {
        for (choice, label) in [
            (ThemeChoice::System, "As the system"),
            (ThemeChoice::Light, "Light"),
            (ThemeChoice::Dark, "Dark"),
        ] {
            if ui.radio(s.theme == choice, label).clicked() {
                action = Some(Action::SetTheme(choice));
            }
        }
    });

    widgets::section(ui, "Checking the copy");
    let mut full = s.verify_full;
    if ui
        .checkbox(
            &mut full,
            "Read every copied file back and compare it (recommended)",
        )
        .changed()
    {
        action = Some(Action::SetVerifyFull(full));
    }

    widgets::section(ui, "Timing");
    ui.horizontal(|ui| {
        let label = ui.label("Move a backup only after it has been quiet for");
        let mut minutes = s.quiet_minutes;
        let field = ui
            .add(
                egui::DragValue::new(&mut minutes)
                    .range(Settings::QUIET_MINUTES)
                    .suffix(" min"),
            )
            .labelled_by(label.id);
        if field.changed() {
            action = Some(Action::SetQuietMinutes(minutes));
        }
    });
    ui.label(
        RichText::new("Apple's apps write the last details of a backup a few minutes after it seems finished.")
            .weak(),
    );
    ui.horizontal(|ui| {
        let label = ui.label("Mark a device not backed up for");
        let mut days = s.stale_days;
        let field = ui
            .add(
                egui::DragValue::new(&mut days)
                    .range(Settings::STALE_DAYS)
                    .suffix(" days"),
            )
            .labelled_by(label.id);
        if field.changed() {
            action = Some(Action::SetStaleDays(days));
        }
    });

    action = guard(state, ui).or(action);

    widgets::section(ui, "Backup folder");
    for l in &state.config.locations {
        widgets::path_label(ui, &l.path);
    }
    if state.config.is_demo() {
        ui.label("The demo works on its own sample backups only.");
    } else {
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(
                    state.can_change_source() && !state.is_picking(),
                    egui::Button::new("Choose another folder…"),
                )
                .clicked()
            {
                action = Some(Action::ChooseFolder(FolderPurpose::Source));
            }
            if s.source_folder.is_some()
                && state.can_change_source()
                && ui.button("Use the usual folders").clicked()
            {
                action = Some(Action::UseUsualFolders);
            }
        });
    }
    if let Some(typed) = state
        .typed
        .as_ref()
        .filter(|t| t.purpose == FolderPurpose::Source)
        && let Some(a) = widgets::typed_folder(ui, typed)
    {
        action = Some(a);
    }

    log(state, ui).or(action)
}

/// Where the log is, and a way to open its folder.
fn log(state: &AppState, ui: &mut Ui) -> Option<Action> {
    let dir = state.config.log_dir.as_ref()?;
    widgets::section(ui, "Log");
    ui.label("What Backup Relocator did, for you or for support.");
    widgets::path_label(ui, dir);
    ui.button("Open log folder")
        .clicked()
        .then(|| Action::OpenFolder(dir.clone()))
}

/// The guard between visits: on or off, and what it does.
fn guard(state: &AppState, ui: &mut Ui) -> Option<Action> {
    widgets::section(ui, "Between visits");
    let was_on = state.guard == GuardSwitch::On;
    let mut on = was_on;
    let available = state.guard_available();
    let switch = ui.add_enabled(available, egui::Checkbox::new(&mut on, words::GUARD_SWITCH));
    ui.label(RichText::new(words::guard_explained(available, was_on)).weak());
    switch.changed().then_some(Action::SetGuard(on))
}

//! Overview: each backup folder with its state and size (counting up while
//! the scan runs), and the device backups in a table.

use egui::{RichText, Ui};
use relocator::inventory::{DeviceBackup, EntryKind};
use relocator::units::format_bytes;

use crate::app::AppState;
use crate::page::Action;
use crate::scan_job::LocationReport;

/// Draws the overview.
pub fn ui(state: &mut AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    if state.config.locations.is_empty() {
        ui.label(
            "No backup folder was found on this computer: Finder, iTunes and Apple Devices are not \
             here. Choose the folder that holds the backups.",
        );
        ui.add_space(8.0);
        if ui.button("Choose a folder…").clicked() {
            action = Some(Action::ChooseSource);
        }
        return action;
    }
    let many = state.scan.reports.len() > 1;
    for (i, report) in state.scan.reports.iter().enumerate() {
        if many {
            ui.radio_value(
                &mut state.selected,
                i,
                RichText::new(&report.location.app).heading(),
            );
        } else {
            ui.heading(&report.location.app);
        }
        location(ui, report);
        ui.add_space(14.0);
    }
    if !state.scan.is_done() {
        // The scan wakes the window as it counts; no continuous repaint needed.
        ui.label(RichText::new("Counting files…").italics());
    }
    action
}

fn location(ui: &mut Ui, r: &LocationReport) {
    ui.label(RichText::new(r.location.path.display().to_string()).monospace());
    match &r.state {
        Ok(state) => {
            ui.label(state.describe());
        }
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
    }
    if r.files > 0 || !r.done {
        ui.label(RichText::new(format!("{} in {} files", format_bytes(r.bytes), r.files)).strong());
    }
    for e in &r.errors {
        super::widgets::warning_line(ui, &format!("Could not read {e}"));
    }
    if !r.devices.is_empty() {
        ui.add_space(6.0);
        devices(ui, &r.devices, &r.location.path.display().to_string());
    }
}

fn devices(ui: &mut Ui, devices: &[DeviceBackup], id: &str) {
    egui::Grid::new(("devices", id))
        .striped(true)
        .num_columns(6)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            for h in ["Device", "Model", "iOS", "Last backup", "Size", ""] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for d in devices {
                let fallback = || d.name.clone().unwrap_or_else(|| d.udid.clone());
                let name = match d.kind {
                    EntryKind::Device => fallback(),
                    EntryKind::Archive => format!("{} (archived copy)", fallback()),
                    EntryKind::IMazingVersions => "iMazing versions".to_owned(),
                    EntryKind::Other => format!("Other folder: {}", d.udid),
                };
                ui.label(name);
                ui.label(d.product_type.clone().unwrap_or_default());
                ui.label(d.ios_version.clone().unwrap_or_default());
                ui.label(d.last_backup.as_deref().map(short_date).unwrap_or_default());
                ui.label(format_bytes(d.bytes));
                let mut flags = Vec::new();
                if d.encrypted == Some(true) {
                    flags.push("Encrypted");
                }
                if d.in_progress {
                    flags.push("Backup in progress");
                }
                if !d.warnings.is_empty() {
                    flags.push("Partly unreadable");
                }
                let response = ui.label(flags.join(", "));
                if !d.warnings.is_empty() {
                    response.on_hover_text(d.warnings.join("\n"));
                }
                ui.end_row();
            }
        });
}

/// "2024-05-01T10:22:03Z" → "2024-05-01 10:22".
fn short_date(iso: &str) -> String {
    let s = iso.replace('T', " ");
    s.get(..16).map_or(s.clone(), str::to_owned)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_shortened_to_the_minute() {
        assert_eq!(
            super::short_date("2024-05-01T10:22:03.123Z"),
            "2024-05-01 10:22"
        );
        assert_eq!(super::short_date("bad"), "bad");
    }
}

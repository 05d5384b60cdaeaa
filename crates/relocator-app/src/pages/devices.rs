//! The table of device backups: name, model (its product name; the
//! identifier on hover), iOS, when last backed up (marked when long ago),
//! size, and what to know (encrypted, being written, health). On a narrow
//! window each device is a short block of two lines instead, so nothing —
//! the status least of all — is cut off or needs scrolling sideways.

use std::time::SystemTime;

use egui::{RichText, Ui};
use relocator::freshness::Policy;
use relocator::inventory::DeviceBackup;
use relocator::units::format_bytes;

use crate::health_job::HealthCheck;
use crate::style;
use crate::words;

/// Draws the table for the folder `id`.
pub fn table(
    ui: &mut Ui,
    id: &str,
    devices: &[DeviceBackup],
    policy: &Policy,
    health: Option<&HealthCheck>,
) {
    let now = SystemTime::now();
    let dark = ui.visuals().dark_mode;
    if ui.available_width() < NARROW {
        stacked(ui, devices, policy, health, now);
        return;
    }
    egui::ScrollArea::horizontal()
        .id_salt(("devices-scroll", id))
        .show(ui, |ui| {
            egui::Grid::new(("devices", id))
                .striped(true)
                .num_columns(6)
                .spacing([18.0, 8.0])
                .show(ui, |ui| {
                    for h in ["Device", "Model", "iOS", "Last backup", "Size", "Status"] {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.end_row();
                    for d in devices {
                        ui.label(words::device_name(d));
                        let model = words::model(d);
                        match &d.product_type {
                            Some(id) => {
                                ui.label(model)
                                    .on_hover_text(format!("Model identifier: {id}"));
                            }
                            None => empty_cell(ui),
                        }
                        match &d.ios_version {
                            Some(v) => {
                                ui.label(v);
                            }
                            None => empty_cell(ui),
                        }
                        match d.last_backup_at {
                            Some(at) => {
                                let days = relocator::freshness::days_since(at, now);
                                let text = words::last_backup(at, now);
                                if relocator::freshness::is_stale(at, now, policy.stale_after) {
                                    ui.label(RichText::new(text).color(style::warning(dark)))
                                        .on_hover_text(words::stale(days));
                                } else {
                                    ui.label(text);
                                }
                            }
                            None => empty_cell(ui),
                        }
                        ui.label(format_bytes(d.bytes));
                        let status = status(d, health);
                        if status.is_empty() {
                            empty_cell(ui);
                        } else {
                            let response = ui.label(status.join(", "));
                            if !d.warnings.is_empty() {
                                response.on_hover_text(d.warnings.join("\n"));
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}

/// Below this width the table becomes blocks.
const NARROW: f32 = 620.0;

/// Each device as two lines: its name and what to know first, then the
/// rest in a line of small facts.
fn stacked(
    ui: &mut Ui,
    devices: &[DeviceBackup],
    policy: &Policy,
    health: Option<&HealthCheck>,
    now: SystemTime,
) {
    let dark = ui.visuals().dark_mode;
    for d in devices {
        let mut first = words::device_name(d);
        let status = status(d, health);
        if !status.is_empty() {
            first = format!("{first} · {}", status.join(", "));
        }
        ui.label(RichText::new(first).strong());
        let mut facts = Vec::new();
        let model = words::model(d);
        if !model.is_empty() {
            facts.push(model);
        }
        if let Some(v) = &d.ios_version {
            facts.push(format!("iOS {v}"));
        }
        facts.push(format_bytes(d.bytes));
        let stale = d.last_backup_at.map(|at| {
            let stale = relocator::freshness::is_stale(at, now, policy.stale_after);
            (
                format!("Last backup: {}", words::last_backup(at, now)),
                stale,
            )
        });
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(facts.join(" · ")).weak());
            if let Some((text, stale)) = stale {
                let text = RichText::new(format!("· {text}"));
                ui.label(if stale {
                    text.color(style::warning(dark))
                } else {
                    text.weak()
                });
            }
        });
        ui.add_space(4.0);
    }
}

/// A cell with nothing in it: no empty label for a screen reader to read out.
fn empty_cell(ui: &mut Ui) {
    ui.allocate_exact_size(egui::Vec2::ZERO, egui::Sense::hover());
}

/// What to know about one device backup, in short words.
fn status(d: &DeviceBackup, health: Option<&HealthCheck>) -> Vec<String> {
    let mut flags = Vec::new();
    if d.encrypted == Some(true) {
        flags.push("Encrypted".to_owned());
    }
    if d.in_progress {
        flags.push("Backup in progress".to_owned());
    }
    if !d.warnings.is_empty() {
        flags.push("Partly unreadable".to_owned());
    }
    if let Some(h) = health.and_then(|h| h.of_device(&d.folder)) {
        flags.push(
            if h.being_written_until.is_some() {
                "Being written, not checked"
            } else if h.is_healthy() {
                "Checked: healthy"
            } else {
                "Checked: damaged"
            }
            .to_owned(),
        );
    }
    flags
}

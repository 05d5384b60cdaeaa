//! The frame around every page (title bar, navigation) and one file per page.

mod checks;
mod destination;
mod done;
mod failed;
mod overview;
mod review;
mod settings;
mod widgets;
mod working;

use egui::{RichText, Ui};

use crate::app::AppState;
use crate::page::{Action, Page};

/// Draws the whole window for the current page; returns what the user asked for.
pub fn frame(state: &mut AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    egui::Panel::top("title").show(ui, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            let cancelled = matches!(
                state.result,
                Some(crate::worker::JobResult::Failed {
                    cancelled: true,
                    ..
                })
            );
            let title = if state.page == Page::Failed && cancelled {
                "Cancelled"
            } else {
                state.page.title()
            };
            ui.heading(title);
            if state.config.is_demo() {
                ui.label(
                    RichText::new(" Demo ")
                        .strong()
                        .color(egui::Color32::BLACK)
                        .background_color(egui::Color32::from_rgb(0xff, 0xd1, 0x66)),
                )
                .on_hover_text("A sample backup in a temporary folder: nothing real is touched.");
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let busy = state.worker.is_some();
                if state.page != Page::Settings
                    && ui
                        .add_enabled(!busy, egui::Button::new("Settings"))
                        .clicked()
                {
                    action = Some(Action::Show(Page::Settings));
                }
            });
        });
        ui.add_space(4.0);
    });
    if let Some(nav) = navigation(state) {
        egui::Panel::bottom("navigation").show(ui, |ui| {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                if nav.back && ui.button("Back").clicked() {
                    action = Some(Action::Back);
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if let Some((label, enabled, next)) = nav.next
                        && ui
                            .add_enabled(enabled, egui::Button::new(RichText::new(label).strong()))
                            .clicked()
                    {
                        action = Some(next);
                    }
                });
            });
            ui.add_space(6.0);
        });
    }
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            if let Some(notice) = &state.notice {
                widgets::notice(ui, notice);
                ui.add_space(8.0);
            }
            let page_action = match state.page {
                Page::Overview => overview::ui(state, ui),
                Page::Checks => checks::ui(state, ui),
                Page::Destination => destination::ui(state, ui),
                Page::Review => review::ui(state, ui),
                Page::Working => working::ui(state, ui),
                Page::Done => done::ui(state, ui),
                Page::Failed => failed::ui(state, ui),
                Page::Settings => settings::ui(state, ui),
            };
            if page_action.is_some() {
                action = page_action;
            }
        });
    });
    if let Some(Action::CopyText(text)) = &action {
        ui.ctx().copy_text(text.clone());
    }
    action
}

struct Navigation {
    back: bool,
    next: Option<(&'static str, bool, Action)>,
}

fn navigation(state: &AppState) -> Option<Navigation> {
    match state.page {
        Page::Overview => {
            let ready = state
                .report()
                .is_some_and(|r| r.state == Ok(relocator::locations::LocationState::Local));
            Some(Navigation {
                back: false,
                next: Some(("Move backups…", ready, Action::Next)),
            })
        }
        Page::Checks => Some(Navigation {
            back: true,
            next: Some(("Next", state.checks_pass(), Action::Next)),
        }),
        Page::Destination => Some(Navigation {
            back: true,
            next: Some(("Next", state.destination_ready(), Action::Next)),
        }),
        Page::Review => Some(Navigation {
            back: true,
            next: Some(("Move", true, Action::StartMove)),
        }),
        Page::Working | Page::Done | Page::Failed | Page::Settings => None,
    }
}

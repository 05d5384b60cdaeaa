//! The `eframe::App`: settings from storage, the look, the theme, the
//! window's title, closing (a running move asks first; a termination
//! signal stops and undoes it), and the log of what is on screen.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use egui::Ui;

use crate::config::StartConfig;
use crate::page::Page;
use crate::services::Services;
use crate::settings::{Settings, ThemeChoice};
use crate::state::{AppState, Notice, NoticeKind};
use crate::task::Waker;

/// The window.
pub struct App {
    state: AppState,
    /// When the process started, until the first frame is logged.
    launched: Option<Instant>,
    /// The page last written to the log, so each change is logged once.
    logged_page: Option<Page>,
    /// The theme last applied.
    theme: Option<ThemeChoice>,
    /// The window title last set.
    title: String,
    /// Set by a termination signal (logout, shutdown, `kill`).
    terminating: Arc<AtomicBool>,
}

impl App {
    /// Creates the app for eframe: settings from storage, the system's services.
    #[must_use]
    pub fn new(cc: &eframe::CreationContext<'_>, config: StartConfig, launched: Instant) -> Self {
        let ctx = cc.egui_ctx.clone();
        crate::style::apply(&ctx);
        let settings = cc
            .storage
            .and_then(|s| eframe::get_value::<Settings>(s, eframe::APP_KEY))
            .unwrap_or_default();
        // Background events coalesce into at most 10 frames a second: plenty
        // for a progress bar, and a fraction of the CPU of one frame per event.
        let repaint = ctx.clone();
        let wake: Waker =
            Arc::new(move || repaint.request_repaint_after(Duration::from_millis(100)));
        let terminating = Arc::new(AtomicBool::new(false));
        let flag = terminating.clone();
        let closer = ctx.clone();
        if let Err(e) = ctrlc::set_handler(move || {
            flag.store(true, Ordering::SeqCst);
            closer.send_viewport_cmd(egui::ViewportCommand::Close);
            closer.request_repaint();
        }) {
            tracing::warn!(error = %e, "no handler for termination signals");
        }
        Self {
            state: AppState::new(config, settings, Services::system(), wake),
            launched: Some(launched),
            logged_page: None,
            theme: None,
            title: String::new(),
            terminating,
        }
    }

    /// A close while a move runs: a termination signal stops and undoes it
    /// (the window closes when that is done); a person is asked first.
    fn handle_close(&mut self, ctx: &egui::Context) {
        if !ctx.input(|i| i.viewport().close_requested()) || self.state.worker.is_none() {
            return;
        }
        if self.terminating.load(Ordering::SeqCst) {
            if let Some(w) = &self.state.worker {
                w.task.cancel();
            }
            return;
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        if self.state.can_cancel() {
            self.state.asking_cancel = true;
        } else {
            self.state.notice = Some(Notice {
                kind: NoticeKind::Info,
                text: "Backup Relocator can close once this last step is done.".to_owned(),
            });
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if self.theme != Some(self.state.settings.theme) {
            self.theme = Some(self.state.settings.theme);
            ctx.set_theme(self.state.settings.theme.preference());
        }
        self.handle_close(&ctx);
        self.state.ui(ui);
        let title = format!("Backup Relocator — {}", crate::pages::title(&self.state));
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        if let Some(launched) = self.launched.take() {
            tracing::info!(millis = launched.elapsed().as_millis(), "first frame drawn");
        }
        // What a person sees, in the log: support (and the package smoke
        // test, scripts/try-deb.sh) can tell which page is on screen.
        if self.logged_page != Some(self.state.page) {
            self.logged_page = Some(self.state.page);
            tracing::info!(page = ?self.state.page, "page shown");
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if !self.state.config.is_demo() {
            eframe::set_value(storage, eframe::APP_KEY, &self.state.settings);
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // A move still running is stopped and undone before the app ends.
        if let Some(w) = self.state.worker.as_mut() {
            w.task.cancel();
            w.task.join();
        }
        self.state.config.remove_demo();
    }
}

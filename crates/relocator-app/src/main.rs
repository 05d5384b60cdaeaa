//! `backup-relocator`: the window. Parses `--source DIR` and `--demo`, then
//! hands over to the app state in the library; `--guard` first runs the
//! guard instead, without a window.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use relocator_app::{App, StartConfig};

fn main() -> eframe::Result {
    let launched = std::time::Instant::now();
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    // Started by its login item: the guard, without a window.
    if let Some(code) = relocator_app::guard_mode::run_if_asked(&args) {
        std::process::exit(code);
    }
    let mut config = match StartConfig::from_args(args) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    if let Some(dir) = relocator_app::log::default_log_dir()
        && relocator_app::log::init(&dir).is_ok()
    {
        tracing::info!(
            version = env!("CARGO_PKG_VERSION"),
            "Backup Relocator started"
        );
        config.log_dir = Some(dir);
    }
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Backup Relocator")
            .with_app_id("backup-relocator")
            .with_inner_size([820.0, 640.0])
            .with_min_inner_size(relocator_app::MIN_WINDOW)
            .with_icon(icon()),
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "Backup Relocator",
        options,
        Box::new(move |cc| Ok(Box::new(App::new(cc, config, launched)))),
    )
}

/// The window icon, made from `assets/icon.svg` by `scripts/icons.sh`.
fn icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../../../assets/icon-256.png"))
        .unwrap_or_default()
}

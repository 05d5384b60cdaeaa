//! `backup-relocator`: the window. Parses `--source DIR` and `--demo`, then
//! hands over to the app state in the library.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use relocator_app::{App, StartConfig};

fn main() -> eframe::Result {
    let config = match StartConfig::from_args(std::env::args_os().skip(1)) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Backup Relocator")
            .with_app_id("backup-relocator")
            .with_inner_size([820.0, 600.0])
            .with_min_inner_size([640.0, 480.0]),
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "Backup Relocator",
        options,
        Box::new(move |cc| Ok(Box::new(App::new(cc, config)))),
    )
}

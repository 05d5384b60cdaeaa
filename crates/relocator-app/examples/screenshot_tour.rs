//! Walks the real app through every page on a generated backup and saves a
//! screenshot of each (`docs/screenshots/*.png`). Needs a display; the
//! script `scripts/screenshots.sh` runs it under Xvfb.
//!
//! `cargo run -p relocator-app --example screenshot_tour -- OUT_DIR WIDTHxHEIGHT`

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use relocator::Phase;
use relocator::sample::{self, SampleSpec};
use relocator_app::{Action, AppState, FixedPicker, Location, Page, Settings, StartConfig};

/// What the tour waits for before a screenshot, and what it does after.
struct Stop {
    name: &'static str,
    ready: fn(&AppState) -> bool,
    then: Option<Action>,
}

struct Tour {
    state: AppState,
    stops: Vec<Stop>,
    at: usize,
    out: PathBuf,
    pending: Option<Arc<std::sync::atomic::AtomicBool>>,
    settled_frames: u32,
    started: Instant,
    _fixture: (tempfile::TempDir, tempfile::TempDir),
}

impl eframe::App for Tour {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.state.ui(ui);
        // No timed repaints: like the app, the tour repaints when the scan or
        // the worker reports, or when it changes something itself.
        if self.started.elapsed() > Duration::from_mins(5) {
            eprintln!("tour timed out at stop {}", self.at);
            std::process::exit(1);
        }
        if let Some(done) = &self.pending {
            if !done.load(std::sync::atomic::Ordering::SeqCst) {
                return;
            }
            self.pending = None;
            if let Some(action) = self.stops[self.at].then.clone() {
                self.state.apply(action);
            }
            ui.ctx().request_repaint();
            self.at += 1;
            self.settled_frames = 0;
        }
        let Some(stop) = self.stops.get(self.at) else {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        };
        if !(stop.ready)(&self.state) {
            self.settled_frames = 0;
            return;
        }
        // A few frames for the layout to settle before the picture.
        self.settled_frames += 1;
        if self.settled_frames < 4 {
            ui.ctx().request_repaint();
            return;
        }
        let path = self.out.join(format!("{}.png", stop.name));
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = done.clone();
        let ctx = ui.ctx().clone();
        ui.ctx().request_screenshot(move |image| {
            save(&path, &image);
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            ctx.request_repaint();
        });
        self.pending = Some(done);
    }
}

fn save(path: &Path, image: &egui::ColorImage) {
    let [w, h] = image.size;
    let bytes: Vec<u8> = image
        .pixels
        .iter()
        .flat_map(egui::Color32::to_array)
        .collect();
    let w = u32::try_from(w).expect("screen width fits u32");
    let h = u32::try_from(h).expect("screen height fits u32");
    image::RgbaImage::from_raw(w, h, bytes)
        .expect("pixel count matches the size")
        .save(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    println!("saved {}", path.display());
}

fn stops() -> Vec<Stop> {
    let working = |s: &AppState| {
        s.page == Page::Working && s.progress.phase == Phase::Copying && s.progress.bytes > 0
    };
    vec![
        Stop {
            name: "overview",
            ready: |s| s.page == Page::Overview && s.scan.is_done(),
            then: Some(Action::Next),
        },
        Stop {
            name: "checks",
            ready: |s| s.page == Page::Checks,
            then: Some(Action::Next),
        },
        Stop {
            name: "destination",
            ready: |s| s.page == Page::Destination,
            then: Some(Action::Next),
        },
        Stop {
            name: "review",
            ready: |s| s.page == Page::Review,
            then: Some(Action::StartMove),
        },
        Stop {
            name: "progress",
            ready: working,
            then: None,
        },
        Stop {
            name: "done",
            ready: |s| s.page == Page::Done,
            then: Some(Action::Show(Page::Settings)),
        },
        Stop {
            name: "settings",
            ready: |s| s.page == Page::Settings && s.scan.is_done(),
            then: Some(Action::Revert),
        },
        Stop {
            name: "cancel",
            ready: working,
            then: Some(Action::AskCancel),
        },
        Stop {
            name: "confirm-cancel",
            ready: |s| s.confirming == Some(relocator_app::Confirm::Cancel),
            then: Some(Action::ConfirmCancel),
        },
        Stop {
            name: "failed",
            ready: |s| s.page == Page::Failed,
            then: Some(Action::Restart),
        },
    ]
}

fn main() -> eframe::Result {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "docs/screenshots".to_owned()));
    let size = args.next().unwrap_or_else(|| "820x600".to_owned());
    let (w, h) = size.split_once('x').expect("size as WIDTHxHEIGHT");
    let (w, h): (f32, f32) = (w.parse().expect("width"), h.parse().expect("height"));
    std::fs::create_dir_all(&out).expect("output folder");

    // The backups on one file system, the "drive" on another (a RAM disk), so the copy shows progress.
    let fixture = tempfile::Builder::new()
        .prefix("br-tour-")
        .tempdir()
        .expect("temp folder");
    let source = fixture
        .path()
        .join("Library/Application Support/MobileSync/Backup");
    let mut spec = SampleSpec::demo(2026);
    spec.files_per_device = 3000;
    spec.bytes_per_device = 700_000_000;
    sample::generate(&source, &spec).expect("sample backup");
    let mut drive = tempfile::Builder::new();
    drive.prefix("Big Drive ");
    let drive = if Path::new("/dev/shm").is_dir() {
        drive.tempdir_in("/dev/shm")
    } else {
        drive.tempdir()
    }
    .expect("drive folder");
    let config = StartConfig {
        locations: vec![Location {
            app: "Finder and iTunes".to_owned(),
            path: source,
        }],
        ..StartConfig::default()
    };

    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Backup Relocator")
            .with_inner_size([w, h]),
        persist_window: false,
        ..eframe::NativeOptions::default()
    };
    let drive_path = drive.path().to_owned();
    eframe::run_native(
        "Backup Relocator (screenshot tour)",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let mut state = AppState::new(
                config,
                Settings::default(),
                Box::new(FixedPicker::new(vec![Some(drive_path.clone())])),
                Arc::new(move || ctx.request_repaint_after(Duration::from_millis(100))),
            );
            state.check_destination(drive_path);
            Ok(Box::new(Tour {
                state,
                stops: stops(),
                at: 0,
                out,
                pending: None,
                settled_frames: 0,
                started: Instant::now(),
                _fixture: (fixture, drive),
            }))
        }),
    )
}

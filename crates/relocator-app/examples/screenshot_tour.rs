//! Walks the real window through every page on a generated backup and saves
//! a screenshot of each: a move out, the moved backups and their health
//! check, a move back cancelled half-way, the preferences, a folder
//! dialog that cannot open, and the offer to link again when the drive came
//! back under another name, backups moved by hand, and the offer to go on
//! without a drive gone for good (those pages are shown with the scan's
//! report set as a scan finds such folders: the tour cannot mount a second
//! copy of a volume or lose a drive; `tests/wizard.rs` and
//! `tests/never_stuck.rs` do those for real). Needs a display;
//! `scripts/screenshots.sh` runs it under Xvfb for each theme and size.
//!
//! `cargo run -p relocator-app --example screenshot_tour -- OUT_DIR WIDTHxHEIGHT light|dark`

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use relocator::Operation;
use relocator::Phase;
use relocator::Problem;
use relocator::failure::Failure;
use relocator::processes::SyncProcesses;
use relocator::sample::{self, SampleSpec};
use relocator_app::{
    Action, AppState, Destination, FixedPicker, FolderPurpose, JobFailure, JobResult, Location,
    Page, PickOutcome, Plan, Services, Settings, StartConfig, ThemeChoice,
};

/// What the tour waits for before a screenshot, and what it does after.
struct Stop {
    name: &'static str,
    ready: fn(&AppState) -> bool,
    then: Option<Action>,
    /// Set after `then`: what the window is to show next, where the tour
    /// cannot make it happen on disk.
    and_show: Option<fn(&mut AppState)>,
}

struct Tour {
    state: AppState,
    stops: Vec<Stop>,
    at: usize,
    out: PathBuf,
    pending: Option<Arc<std::sync::atomic::AtomicBool>>,
    settled_frames: u32,
    ready_since: Option<Instant>,
    started: Instant,
    _fixture: (tempfile::TempDir, tempfile::TempDir),
}

impl eframe::App for Tour {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.state.ui(ui);
        ui.ctx().request_repaint_after(Duration::from_millis(50));
        if self.started.elapsed() > Duration::from_mins(5) {
            eprintln!(
                "tour timed out at stop {} (page {:?}, phase {:?}, result {:?})",
                self.stops[self.at].name,
                self.state.page,
                self.state.progress.phase(),
                self.state.result
            );
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
            if let Some(show) = self.stops[self.at].and_show {
                show(&mut self.state);
            }
            ui.ctx().request_repaint();
            self.at += 1;
            self.settled_frames = 0;
            self.ready_since = None;
        }
        let Some(stop) = self.stops.get(self.at) else {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        };
        if !(stop.ready)(&self.state) {
            self.settled_frames = 0;
            self.ready_since = None;
            return;
        }
        // A few frames and a moment (a question fades in) for the page to
        // settle before the picture.
        self.settled_frames += 1;
        let since = *self.ready_since.get_or_insert_with(Instant::now);
        if self.settled_frames < 4 || since.elapsed() < Duration::from_millis(400) {
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

fn copying(s: &AppState) -> bool {
    s.page == Page::Working
        && s.progress.phase() == Phase::Copying
        // A few megabytes in: a copy between RAM disks can take a second.
        && s.progress.phase_done().0 > 4_000_000
        && s.progress.speed(Instant::now()).is_some()
}

fn checked(s: &AppState) -> bool {
    s.page == Page::Checks && s.checks.problems.is_some()
}

/// The whole tour, in order.
fn stops() -> Vec<Stop> {
    let mut all = move_out();
    all.extend(after_the_move());
    all.extend(ways_forward_and_failures());
    all
}

/// A move out, from the overview to Done.
fn move_out() -> Vec<Stop> {
    vec![
        Stop {
            name: "overview",
            ready: |s| s.page == Page::Overview && s.scan.is_done(),
            then: Some(Action::Next),
            and_show: None,
        },
        Stop {
            name: "checks",
            ready: checked,
            then: Some(Action::Next),
            and_show: None,
        },
        Stop {
            name: "destination",
            ready: |s| {
                s.page == Page::Destination
                    && s.drives.listed
                    && s.plan.as_ref().is_some_and(|p| p.destination.is_some())
            },
            then: Some(Action::Next),
            and_show: None,
        },
        Stop {
            name: "review",
            ready: |s| s.page == Page::Review,
            then: Some(Action::Start),
            and_show: None,
        },
        Stop {
            name: "progress",
            ready: copying,
            then: None,
            and_show: None,
        },
        Stop {
            name: "done",
            ready: |s| s.page == Page::Done,
            then: Some(Action::Finish),
            and_show: None,
        },
    ]
}

/// The moved backups, their health, a move back cancelled, the preferences.
fn after_the_move() -> Vec<Stop> {
    vec![
        Stop {
            name: "overview-moved",
            ready: |s| s.page == Page::Overview && s.scan.is_done(),
            then: Some(Action::Show(Page::Manage)),
            and_show: None,
        },
        Stop {
            name: "moved-backups",
            ready: |s| s.page == Page::Manage && s.scan.is_done(),
            then: Some(Action::CheckHealth),
            and_show: None,
        },
        Stop {
            name: "moved-backups-health",
            ready: |s| s.health.as_ref().is_some_and(|h| !h.is_running()),
            then: Some(Action::Begin(Operation::Revert)),
            and_show: None,
        },
        Stop {
            name: "checks-move-back",
            ready: checked,
            then: Some(Action::Next),
            and_show: None,
        },
        Stop {
            name: "review-move-back",
            ready: |s| s.page == Page::Review,
            then: Some(Action::Start),
            and_show: None,
        },
        Stop {
            name: "progress-move-back",
            ready: copying,
            then: Some(Action::AskCancel),
            and_show: None,
        },
        Stop {
            name: "confirm-cancel",
            ready: |s| s.asking_cancel,
            then: Some(Action::ConfirmCancel),
            and_show: None,
        },
        Stop {
            name: "cancelled",
            ready: |s| s.page == Page::Failed,
            then: Some(Action::Show(Page::Preferences)),
            and_show: None,
        },
        Stop {
            name: "preferences",
            ready: |s| s.page == Page::Preferences,
            then: Some(Action::ChooseFolder(FolderPurpose::Source)),
            and_show: None,
        },
        Stop {
            name: "no-folder-dialog",
            ready: |s| s.page == Page::Preferences && s.typed.is_some(),
            then: Some(Action::Show(Page::Manage)),
            and_show: Some(drive_back_under_another_name),
        },
        Stop {
            name: "relink-offer",
            ready: |s| {
                s.page == Page::Manage
                    && s.scan.is_done()
                    && s.scan
                        .reports
                        .iter()
                        .any(|r| !r.relink_candidates.is_empty())
            },
            then: Some(Action::Show(Page::Manage)),
            and_show: Some(moved_by_hand),
        },
    ]
}

/// The ways forward and what goes wrong: backups moved by hand, a drive
/// gone for good, a move that stopped, one not allowed, a drive too full,
/// a folder on the same drive.
fn ways_forward_and_failures() -> Vec<Stop> {
    vec![
        Stop {
            name: "moved-by-hand",
            ready: |s| {
                s.page == Page::Manage
                    && s.scan.reports.iter().any(|r| {
                        matches!(
                            r.state,
                            Ok(relocator::locations::LocationState::ForeignLink { .. })
                        )
                    })
            },
            then: Some(Action::Show(Page::Overview)),
            and_show: Some(link_replaced),
        },
        Stop {
            name: "link-replaced",
            ready: |s| {
                s.page == Page::Overview && s.scan.reports.iter().any(|r| !r.merge_into.is_empty())
            },
            then: Some(Action::Show(Page::Manage)),
            and_show: Some(after_a_move_on_a_mac),
        },
        Stop {
            name: "moved-backups-on-a-mac",
            ready: |s| {
                s.page == Page::Manage && s.scan.reports.iter().any(|r| r.after_move.is_some())
            },
            then: Some(Action::Show(Page::Overview)),
            and_show: Some(drive_gone_for_good),
        },
        Stop {
            name: "drive-gone-for-good",
            ready: |s| s.page == Page::Overview && s.asking_forget,
            then: Some(Action::Finish),
            and_show: Some(|s| failed(s, Failure::DriveDisconnected)),
        },
        Stop {
            name: "failed-move",
            ready: |s| s.page == Page::Failed,
            then: Some(Action::Finish),
            and_show: Some(|s| failed(s, Failure::AccessDenied)),
        },
        Stop {
            name: "access-denied",
            ready: |s| s.page == Page::Failed,
            then: Some(Action::Finish),
            and_show: Some(|s| {
                failed(
                    s,
                    Failure::Refused(vec![Problem::NotEnoughSpace {
                        backups: 1_500_000_000,
                        headroom: 100_000_000,
                        needed: 1_600_000_000,
                        free: 900_000_000,
                        drive: "Big Drive".to_owned(),
                    }]),
                );
            }),
        },
        Stop {
            name: "drive-full",
            ready: |s| s.page == Page::Failed,
            then: Some(Action::Show(Page::Overview)),
            and_show: Some(same_drive_offered),
        },
        Stop {
            name: "same-drive-warning",
            ready: |s| s.page == Page::Destination,
            then: None,
            and_show: None,
        },
    ]
}

/// The Failed page of a move that stopped as `failure` says, the backups
/// safe where they were.
fn failed(s: &mut AppState, failure: Failure) {
    s.asking_forget = false;
    s.notice = None;
    let details = match &failure {
        Failure::Refused(problems) => relocator::problem::refusal(problems),
        Failure::AccessDenied => "/Users/ana/Library/Application Support/MobileSync/Backup: permission denied".to_owned(),
        _ => "/Volumes/Big Drive/Backup.partial-0123456789ab: the drive holding it is no longer connected".to_owned(),
    };
    let source = s.location().map(|l| l.path.clone());
    s.plan = Some(Plan::new(Operation::Move, true));
    s.result = Some(JobResult::Failed(JobFailure {
        failure,
        safe_at: source,
        details,
    }));
    s.page = Page::Failed;
}

/// A move's destination on the drive the backups are on: the warning
/// that nothing is freed, with its box to accept.
fn same_drive_offered(s: &mut AppState) {
    s.result = None;
    let folder = s
        .location()
        .and_then(|l| l.path.parent())
        .map(|p| p.join("Elsewhere"))
        .unwrap_or_default();
    let mut plan = Plan::new(Operation::Move, true);
    plan.destination = Some(Destination {
        folder,
        facts: relocator::checks::DestinationFacts {
            is_folder: Some(true),
            same_volume: true,
            ..relocator::checks::DestinationFacts::default()
        },
        problems: vec![Problem::SameDrive {
            drive: "Macintosh HD".to_owned(),
        }],
    });
    s.plan = Some(plan);
    s.page = Page::Destination;
}

/// The report a scan makes of backups someone linked by hand to "Big Drive".
fn moved_by_hand(s: &mut AppState) {
    if let Some(r) = s.scan.reports.first_mut() {
        r.state = Ok(relocator::locations::LocationState::ForeignLink {
            target: PathBuf::from("/Volumes/Big Drive/iPhone backups"),
        });
        r.relink_candidates.clear();
        r.volume = None;
    }
}

/// The report of a folder where our link was (an update replaced it), with
/// an old phone's backup archived on the drive.
fn link_replaced(s: &mut AppState) {
    if let Some(r) = s.scan.reports.first_mut() {
        r.state = Ok(relocator::locations::LocationState::Local);
        r.merge_into = vec![PathBuf::from("/Volumes/Big Drive/Backup")];
        r.archived = vec![relocator::relocate::Archived {
            path: PathBuf::from(
                "/Volumes/Big Drive/Archived iPhone and iPad backups/0123456789abcdef0123456789abcdef01234567",
            ),
            device: "Old iPhone".to_owned(),
            drive: "Big Drive".to_owned(),
        }];
    }
}

/// Moved backups as a Mac shows them just after a move: local snapshots
/// still hold the space, and Time Machine leaves the drive out.
fn after_a_move_on_a_mac(s: &mut AppState) {
    if let Some(r) = s.scan.reports.first_mut() {
        r.state = Ok(relocator::locations::LocationState::Relocated {
            target: PathBuf::from("/Volumes/Big Drive/Backup"),
        });
        r.merge_into.clear();
        r.after_move = Some(relocator::accounting::AfterMove {
            snapshots_hold_space: true,
            second_copy: relocator::accounting::SecondCopy::TimeMachineLeavesItOut,
        });
    }
}

/// The report of a move interrupted after it set the original aside, its
/// drive lost, with a half copy left on another drive that is away; and
/// the person asking what "gone for good" means.
fn drive_gone_for_good(s: &mut AppState) {
    if let Some(r) = s.scan.reports.first_mut() {
        let journal = r.location.path.with_file_name(".backup-relocator.journal");
        r.state = Ok(relocator::locations::LocationState::Interrupted {
            journal,
            operation: Operation::Move,
            running: false,
        });
        r.drive_needed = Some(relocator::relocate::DriveNeeded {
            drive_folder: PathBuf::from("/Volumes/Big Drive/Backups"),
            whole_without_it: Some(r.location.path.clone()),
        });
        r.leftovers.waiting = vec![PathBuf::from(
            "/Volumes/Old Drive/Backups/Backup.partial-0123456789ab",
        )];
    }
    s.asking_forget = true;
}

/// The report a scan makes when the drive came back as "Big Drive 1".
fn drive_back_under_another_name(s: &mut AppState) {
    if let Some(r) = s.scan.reports.first_mut() {
        r.state = Ok(relocator::locations::LocationState::Dangling {
            target: PathBuf::from("/Volumes/Big Drive/Backup"),
        });
        r.devices.clear();
        r.relink_candidates = vec![PathBuf::from("/Volumes/Big Drive 1/Backup")];
    }
}

fn main() -> eframe::Result {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "docs/screenshots".to_owned()));
    let size = args.next().unwrap_or_else(|| "820x640".to_owned());
    let theme = match args.next().as_deref() {
        Some("dark") => ThemeChoice::Dark,
        _ => ThemeChoice::Light,
    };
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
    // Many small files, as real backups have: the copy takes long enough
    // for its speed to show and for a cancel to come in time.
    let mut spec = SampleSpec::demo(2026);
    spec.files_per_device = 50_000;
    spec.bytes_per_device = 500_000_000;
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
        source_given: true,
        demo_drive: Some(drive.path().to_owned()),
        ..StartConfig::default()
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Backup Relocator")
            .with_inner_size([w, h]),
        persist_window: false,
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "Backup Relocator (screenshot tour)",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            relocator_app::apply_style(&ctx);
            let services = Services {
                picker: Box::new(FixedPicker::new(vec![PickOutcome::Unavailable(
                    "This system has no folder dialog (neither the desktop's file portal nor zenity is installed)."
                        .to_owned(),
                )])),
                running: Arc::new(SyncProcesses::default),
                drives: Arc::new(Vec::new),
                open_folder: Arc::new(|_| Ok(())),
                guard: None,
            };
            let settings = Settings {
                theme,
                ..Settings::default()
            };
            ctx.set_theme(theme.preference());
            let wake_ctx = ctx.clone();
            let state = AppState::new(
                config,
                settings,
                services,
                Arc::new(move || wake_ctx.request_repaint_after(Duration::from_millis(100))),
            );
            Ok(Box::new(Tour {
                state,
                stops: stops(),
                at: 0,
                out,
                pending: None,
                settled_frames: 0,
                ready_since: None,
                started: Instant::now(),
                _fixture: (fixture, drive),
            }))
        }),
    )
}

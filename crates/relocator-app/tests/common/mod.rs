//! What the window tests share: the app with stand-in services (a folder
//! dialog that answers from a list, drives that are test mounts, Apple apps
//! that a test switches on and off, a file manager that fails or not), a
//! harness around it, and clicks by label as a person (or a screen reader)
//! finds controls.

#![allow(dead_code, reason = "each test file uses its own part")]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use relocator::processes::SyncProcesses;
use relocator::volume::VolumeInfo;
use relocator_app::{
    AppState, FixedPicker, Location, PickOutcome, Services, Settings, StartConfig,
};

/// Apple apps "running", switched by the test.
#[derive(Clone, Default)]
pub struct Apps(Arc<Mutex<Vec<String>>>);

impl Apps {
    /// Pretends `names` are running.
    pub fn set(&self, names: &[&str]) {
        *self.0.lock().unwrap() = names.iter().map(|n| (*n).to_owned()).collect();
    }
}

/// Folders opened in the "file manager", and whether opening fails.
#[derive(Clone, Default)]
pub struct Opened {
    pub folders: Arc<Mutex<Vec<PathBuf>>>,
    pub fail_with: Arc<Mutex<Option<String>>>,
}

/// What the stand-in system offers.
#[derive(Default)]
pub struct Fakes {
    /// The folder dialog's answers, in order.
    pub picks: Vec<PickOutcome>,
    /// Folders listed as connected drives.
    pub drives: Vec<PathBuf>,
    pub apps: Apps,
    pub opened: Opened,
    /// Where the guard's login item goes (a test's own home), if anywhere.
    pub guard: Option<relocator_app::guard_mode::GuardSetup>,
}

/// A connected drive as the drive list shows it: the test mount, by name.
pub fn drive_info(folder: &Path, name: &str) -> VolumeInfo {
    VolumeInfo {
        mount_point: folder.to_owned(),
        name: name.to_owned(),
        ..relocator::volume::volume_of(folder).unwrap()
    }
}

impl Fakes {
    pub fn services(&self) -> Services {
        let drives: Vec<VolumeInfo> = self
            .drives
            .iter()
            .enumerate()
            .map(|(i, d)| drive_info(d, &format!("Test Drive {}", i + 1)))
            .collect();
        let apps = self.apps.clone();
        let opened = self.opened.clone();
        Services {
            picker: Box::new(FixedPicker::new(self.picks.clone())),
            running: Arc::new(move || SyncProcesses {
                apps: apps.0.lock().unwrap().clone(),
                helpers: Vec::new(),
            }),
            drives: Arc::new(move || drives.clone()),
            open_folder: Arc::new(move |folder| {
                opened.folders.lock().unwrap().push(folder.to_owned());
                match opened.fail_with.lock().unwrap().clone() {
                    Some(reason) => Err(reason),
                    None => Ok(()),
                }
            }),
            guard: self.guard.clone(),
        }
    }
}

/// The app looking at `source`.
pub fn config(source: &Path) -> StartConfig {
    StartConfig {
        locations: vec![Location {
            app: "Finder and iTunes".to_owned(),
            path: source.to_owned(),
        }],
        source_given: true,
        ..StartConfig::default()
    }
}

/// A window of `size` around the app started with `config`, `settings` and `fakes`.
pub fn harness_for(
    config: StartConfig,
    settings: Settings,
    fakes: &Fakes,
    size: egui::Vec2,
) -> Harness<'static, AppState> {
    let mut state = AppState::new(config, settings, fakes.services(), Arc::new(|| {}));
    state.settle();
    // A job finishing on its thread can switch pages twice within one run(),
    // each new page taking a few frames to settle its layout.
    let mut h = Harness::builder()
        .with_size(size)
        .with_max_steps(64)
        .build_ui_state(|ui, s: &mut AppState| s.ui(ui), state);
    h.run();
    h
}

/// The app on `source`, at 820×640.
pub fn harness(source: &Path, fakes: &Fakes) -> Harness<'static, AppState> {
    harness_for(
        config(source),
        Settings::default(),
        fakes,
        egui::vec2(820.0, 640.0),
    )
}

/// Lets background work finish and the page settle.
pub fn settle(h: &mut Harness<'_, AppState>) {
    h.state_mut().settle();
    h.run();
    h.state_mut().settle();
    h.run();
}

/// Clicks the control called `label`, then lets the app settle.
pub fn click(h: &mut Harness<'_, AppState>, label: &str) {
    h.get_by_label(label).click();
    h.run();
    settle(h);
}

/// Whether the control called `label` can be used.
pub fn is_enabled(h: &Harness<'_, AppState>, label: &str) -> bool {
    !h.get_by_label(label).accesskit_node().is_disabled()
}

/// Whether some text on screen contains `text`.
pub fn shows(h: &Harness<'_, AppState>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// What a person ticks to accept the "keep it connected" warning of a
/// removable drive: on a Mac the tests' RAM disks are ejectable, and so
/// rightly called removable.
pub const KEEP_CONNECTED: &str = "I will keep this drive connected when my iPhone or iPad backs up";

/// Accepts the removable drive's warning where one is shown.
pub fn accept_removable(h: &mut Harness<'_, AppState>) {
    if h.query_by_label(KEEP_CONNECTED).is_some() {
        click(h, KEEP_CONNECTED);
    }
}

/// Chooses the listed drive `label`, accepting its removable drive's warning if any.
pub fn choose_drive(h: &mut Harness<'_, AppState>, label: &str) {
    click(h, label);
    accept_removable(h);
}

/// Whether the destination's verdict is good: no problem, or only the
/// removable drive's warning (a Mac's RAM disks).
pub fn drive_is_fine(h: &Harness<'_, AppState>) -> bool {
    shows(h, "This drive can hold your backups.") || shows(h, KEEP_CONNECTED)
}

/// Walks a move out of `source` to the first listed drive, up to the Review page.
pub fn to_review(h: &mut Harness<'_, AppState>) {
    click(h, "Move backups…");
    assert_eq!(h.state().page, relocator_app::Page::Checks);
    click(h, "Next");
    assert_eq!(h.state().page, relocator_app::Page::Destination);
    choose_drive(h, "Test Drive 1");
    assert!(
        is_enabled(h, "Next"),
        "{:?}",
        h.state().plan.as_ref().map(|p| &p.destination)
    );
    click(h, "Next");
    assert_eq!(h.state().page, relocator_app::Page::Review);
}

//! The Backup Relocator window: a wizard (overview, checks, destination,
//! review, progress, done) for moving, moving back and moving on, a page
//! for moved backups and one for preferences. The state and the pages live
//! here so that `main` and the UI tests drive the very same code.

mod action;
mod app;
mod apply;
mod config;
pub mod guard_mode;
mod health_job;
pub mod log;
mod page;
mod pages;
mod picker;
mod plan;
mod scan_job;
mod services;
mod settings;
mod state;
mod style;
mod task;
pub mod words;
mod worker;

pub use action::{Action, FolderPurpose};
pub use app::App;
pub use config::{Location, StartConfig};
pub use health_job::HealthCheck;
pub use page::{Page, Step};
pub use pages::{Buttons, Primary, title};
pub use picker::{FixedPicker, FolderPicker, NativePicker, PendingPick, PickOutcome};
pub use plan::{Destination, NotReady, Plan, Wizard};
pub use scan_job::{LocationReport, ScanJob};
pub use services::{DriveLister, FolderOpener, ProcessLister, Services, open_with_file_manager};
pub use settings::{Settings, ThemeChoice};
pub use state::{
    AppState, Checks, DRIVES_REFRESH, DriveList, GuardSwitch, Notice, NoticeKind, TypedFolder,
};
pub use style::{MIN_WINDOW, apply as apply_style};
pub use task::{Emitter, Task, Waker};
pub use worker::{Job, JobFailure, JobResult, Worker, WorkerEvent};

/// The buttons the bottom bar shows for the state's page (tests, the screen-reader script).
#[must_use]
pub fn buttons(state: &AppState) -> Buttons {
    pages::buttons_for(state)
}

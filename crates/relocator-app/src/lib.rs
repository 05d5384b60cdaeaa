//! The Backup Relocator window: a wizard (overview, checks, destination,
//! review, progress, done) and a settings page. State and pages live here so
//! that `main` and the UI tests drive the very same code.

mod app;
mod config;
pub mod log;
mod page;
mod pages;
mod picker;
mod progress_view;
mod scan_job;
mod settings;
mod worker;

pub use app::{App, AppState, Confirm, Waker};
pub use config::{Location, StartConfig};
pub use page::{Action, Page};
pub use picker::{FixedPicker, FolderPicker, NativePicker};
pub use progress_view::ProgressView;
pub use scan_job::{LocationReport, ScanJob};
pub use settings::Settings;
pub use worker::{Job, JobResult, Worker, WorkerEvent};

//! The folder dialog behind a small trait: the system's dialog (rfd's async
//! dialog, so the window keeps painting while it is open) in the app, a
//! fake in tests (a real dialog would block a test forever). Opening and
//! waiting are apart: macOS wants the dialog made on the window's thread,
//! the answer is awaited on a background task. A dialog that cannot open
//! says so, and why, so the window can offer a typed path instead: a
//! button never does nothing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How a folder dialog ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickOutcome {
    /// A folder was chosen.
    Chosen(PathBuf),
    /// The person closed the dialog.
    Cancelled,
    /// No dialog could open; the reason, in plain words.
    Unavailable(String),
}

/// Waits for the dialog's answer (on a background task).
pub type PendingPick = Box<dyn FnOnce() -> PickOutcome + Send>;

/// Asks a person for a folder.
pub trait FolderPicker {
    /// Opens a folder dialog titled `title`, starting in `start_in`.
    fn open(&self, title: &str, start_in: Option<&Path>) -> PendingPick;
}

/// The operating system's folder dialog.
#[derive(Debug, Default)]
pub struct NativePicker;

/// A dialog that answers "cancelled" this soon never appeared: no person
/// closes a dialog that fast, a missing portal and zenity do.
const CLOSED_AT_ONCE: Duration = Duration::from_millis(250);

impl FolderPicker for NativePicker {
    fn open(&self, title: &str, start_in: Option<&Path>) -> PendingPick {
        if let Some(reason) = dialog_missing() {
            return Box::new(move || PickOutcome::Unavailable(reason));
        }
        let mut dialog = rfd::AsyncFileDialog::new().set_title(title);
        if let Some(dir) = start_in.filter(|d| d.is_dir()) {
            dialog = dialog.set_directory(dir);
        }
        let answer = dialog.pick_folder();
        let opened = Instant::now();
        Box::new(move || {
            let chosen = pollster::block_on(answer);
            judge_answer(
                chosen.map(|handle| handle.path().to_owned()),
                opened.elapsed(),
                cfg!(target_os = "linux"),
            )
        })
    }
}

/// What the dialog's answer means: `None` after `open_for` is a cancel,
/// unless it came back at once where dialogs can fail silently (Linux).
fn judge_answer(chosen: Option<PathBuf>, open_for: Duration, fails_silently: bool) -> PickOutcome {
    match chosen {
        Some(path) => PickOutcome::Chosen(path),
        None if fails_silently && open_for < CLOSED_AT_ONCE => PickOutcome::Unavailable(
            "The folder window closed as soon as it opened: this system has no working folder dialog."
                .to_owned(),
        ),
        None => PickOutcome::Cancelled,
    }
}

/// Why no folder dialog can open here, if that is known up front. On Linux
/// rfd needs the desktop portal (over the session bus) or zenity.
fn dialog_missing() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some();
    let portal = bus && portal_service_installed();
    let zenity = program_on_path("zenity");
    linux_dialog_missing(portal, zenity)
}

/// The reason no dialog opens, from what this Linux has.
fn linux_dialog_missing(portal: bool, zenity: bool) -> Option<String> {
    (!portal && !zenity).then(|| {
        "This system has no folder dialog (neither the desktop's file portal nor zenity is installed)."
            .to_owned()
    })
}

/// Whether the desktop portal's D-Bus service is installed.
fn portal_service_installed() -> bool {
    let dirs = std::env::var("XDG_DATA_DIRS")
        .ok()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "/usr/local/share:/usr/share".to_owned());
    dirs.split(':').any(|dir| {
        Path::new(dir)
            .join("dbus-1/services/org.freedesktop.portal.Desktop.service")
            .is_file()
    })
}

/// Whether `program` is an executable file in a folder of `PATH`.
fn program_on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// A picker that answers from a list, for tests and the screenshot tour.
#[derive(Debug, Default)]
pub struct FixedPicker {
    answers: std::sync::Mutex<Vec<PickOutcome>>,
}

impl FixedPicker {
    /// Answers with `answers` in order, then "cancelled".
    #[must_use]
    pub fn new(answers: Vec<PickOutcome>) -> Self {
        let mut answers = answers;
        answers.reverse();
        Self {
            answers: std::sync::Mutex::new(answers),
        }
    }

    /// Answers with each folder in turn.
    #[must_use]
    pub fn folders(folders: &[&Path]) -> Self {
        Self::new(
            folders
                .iter()
                .map(|f| PickOutcome::Chosen(f.to_path_buf()))
                .collect(),
        )
    }
}

impl FolderPicker for FixedPicker {
    fn open(&self, _title: &str, _start_in: Option<&Path>) -> PendingPick {
        let answer = self
            .answers
            .lock()
            .ok()
            .and_then(|mut a| a.pop())
            .unwrap_or(PickOutcome::Cancelled);
        Box::new(move || answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixed_picker_answers_in_order_then_cancels() {
        let p = FixedPicker::new(vec![
            PickOutcome::Chosen(PathBuf::from("/a")),
            PickOutcome::Unavailable("no".into()),
        ]);
        assert_eq!(
            p.open("x", None)(),
            PickOutcome::Chosen(PathBuf::from("/a"))
        );
        assert_eq!(p.open("x", None)(), PickOutcome::Unavailable("no".into()));
        assert_eq!(p.open("x", None)(), PickOutcome::Cancelled);
    }

    #[test]
    fn linux_without_portal_and_zenity_has_no_dialog_and_says_why() {
        let reason = linux_dialog_missing(false, false).unwrap();
        assert!(reason.contains("zenity"), "{reason}");
        assert_eq!(linux_dialog_missing(true, false), None);
        assert_eq!(linux_dialog_missing(false, true), None);
    }

    #[test]
    fn an_instant_cancel_on_linux_means_the_dialog_never_showed() {
        let at_once = Duration::from_millis(5);
        let later = Duration::from_secs(3);
        assert!(matches!(
            judge_answer(None, at_once, true),
            PickOutcome::Unavailable(_)
        ));
        assert_eq!(judge_answer(None, later, true), PickOutcome::Cancelled);
        assert_eq!(judge_answer(None, at_once, false), PickOutcome::Cancelled);
        assert_eq!(
            judge_answer(Some(PathBuf::from("/b")), at_once, true),
            PickOutcome::Chosen(PathBuf::from("/b"))
        );
    }
}

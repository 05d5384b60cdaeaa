//! The folder picker behind a small trait: the native dialog (rfd) in the
//! app, a fake in tests (a real dialog would block a test forever).

use std::path::PathBuf;

/// Asks the user for a folder.
pub trait FolderPicker {
    /// Shows a folder chooser titled `title`; `None` if the user cancelled.
    fn pick_folder(&self, title: &str) -> Option<PathBuf>;
}

/// The operating system's folder dialog.
#[derive(Debug, Default)]
pub struct NativePicker;

impl FolderPicker for NativePicker {
    fn pick_folder(&self, title: &str) -> Option<PathBuf> {
        rfd::FileDialog::new().set_title(title).pick_folder()
    }
}

/// A picker that answers from a list, for tests and demos.
#[derive(Debug, Default)]
pub struct FixedPicker {
    answers: std::sync::Mutex<Vec<Option<PathBuf>>>,
}

impl FixedPicker {
    /// Answers with `answers` in order, then `None`.
    #[must_use]
    pub fn new(answers: Vec<Option<PathBuf>>) -> Self {
        let mut answers = answers;
        answers.reverse();
        Self {
            answers: std::sync::Mutex::new(answers),
        }
    }
}

impl FolderPicker for FixedPicker {
    fn pick_folder(&self, _title: &str) -> Option<PathBuf> {
        self.answers.lock().ok()?.pop().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixed_picker_answers_in_order_then_cancels() {
        let p = FixedPicker::new(vec![
            Some(PathBuf::from("/a")),
            None,
            Some(PathBuf::from("/b")),
        ]);
        assert_eq!(p.pick_folder("x"), Some(PathBuf::from("/a")));
        assert_eq!(p.pick_folder("x"), None);
        assert_eq!(p.pick_folder("x"), Some(PathBuf::from("/b")));
        assert_eq!(p.pick_folder("x"), None);
    }
}

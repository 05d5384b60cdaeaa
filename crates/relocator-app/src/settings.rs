//! What the app remembers between runs (eframe storage). The facts about a
//! relocation live on disk — the link, the journal, the marker — never here.

use std::path::PathBuf;

/// Remembered preferences.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The destination chosen last time.
    pub last_destination: Option<PathBuf>,
}

//! How results reach the terminal: plain sentences, JSON, and a progress
//! line on stderr when it is a terminal.

use std::io::{IsTerminal as _, Write as _};
use std::sync::Mutex;
use std::time::Instant;

use relocator::tracker::{Outline, Tracker};
use relocator::units::format_bytes;
use relocator::{Progress, ProgressSink};

/// Prints one JSON value on its own line.
pub fn json_line(value: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer(&mut out, value);
    let _ = writeln!(out);
    let _ = out.flush();
}

/// Progress for people: a line on stderr rewritten in place, on a terminal
/// only, from the core's tracker (the same figures the window shows).
pub struct TerminalProgress {
    tracker: Mutex<Tracker>,
    enabled: bool,
}

impl TerminalProgress {
    /// A progress line if stderr is a terminal; silent otherwise. `outline`
    /// is what the operation will do, as far as the command says.
    pub fn new(outline: Outline) -> Self {
        Self {
            tracker: Mutex::new(Tracker::new(outline, Instant::now())),
            enabled: std::io::stderr().is_terminal(),
        }
    }
}

impl ProgressSink for TerminalProgress {
    fn report(&self, event: Progress) {
        if !self.enabled {
            return;
        }
        let mut tracker = self
            .tracker
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        tracker.apply(&event, now);
        let line = match event {
            Progress::Phase { phase } => format!("{}…", crate::words::phase(phase)),
            Progress::Planned { .. } => return,
            Progress::Scanned { bytes, files } => {
                format!("Counting: {} in {files} files", format_bytes(bytes))
            }
            Progress::Copied { .. } => progress_line(&tracker, now),
            Progress::Warning { message } => format!("Warning: {message}\n"),
            Progress::Done => "\n".to_owned(),
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
    }
}

/// "Copying: 42% 1.2 GB of 2.9 GB, 840/2,000 files, 85 MB/s, about 3 minutes left in all".
fn progress_line(tracker: &Tracker, now: Instant) -> String {
    let (bytes, files) = tracker.phase_done();
    let (total_bytes, total_files) = tracker.phase_total();
    let pct = tracker
        .phase_fraction()
        .map(|f| format!(" {:.0}%", f * 100.0))
        .unwrap_or_default();
    let speed = tracker
        .speed(now)
        .map(|s| format!(", {}/s", format_bytes(s)))
        .unwrap_or_default();
    let left = tracker
        .time_left(now)
        .map(|d| format!(", {} in all", crate::words::time_left(d)))
        .unwrap_or_default();
    format!(
        "{}:{pct} {} of {}, {files}/{total_files} files{speed}{left}",
        crate::words::phase(tracker.phase()),
        format_bytes(bytes),
        format_bytes(total_bytes),
    )
}

/// Progress as JSON lines on stdout.
pub struct JsonProgress;

impl ProgressSink for JsonProgress {
    fn report(&self, event: Progress) {
        if let Ok(v) = serde_json::to_value(&event) {
            json_line(&v);
        }
    }
}

/// Clears the progress line, on a terminal only.
pub fn clear_line() {
    if std::io::stderr().is_terminal() {
        eprint!("\r\x1b[2K");
    }
}

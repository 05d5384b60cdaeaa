//! How results reach the terminal: plain sentences, JSON, and a progress
//! line on stderr when it is a terminal.

use std::io::{IsTerminal as _, Write as _};
use std::sync::Mutex;
use std::time::Instant;

use relocator::units::format_bytes;
use relocator::{Progress, ProgressSink};

/// Prints one JSON value on its own line.
pub fn json_line(value: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer(&mut out, value);
    let _ = writeln!(out);
    let _ = out.flush();
}

/// Progress for people: a line on stderr rewritten in place, on a terminal only.
pub struct TerminalProgress {
    state: Mutex<ProgressState>,
    enabled: bool,
}

struct ProgressState {
    total_bytes: u64,
    total_files: u64,
    phase_started: Instant,
    label: &'static str,
}

impl TerminalProgress {
    /// A progress line if stderr is a terminal; silent otherwise.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(ProgressState {
                total_bytes: 0,
                total_files: 0,
                phase_started: Instant::now(),
                label: "",
            }),
            enabled: std::io::stderr().is_terminal(),
        }
    }
}

impl ProgressSink for TerminalProgress {
    fn report(&self, event: Progress) {
        if !self.enabled {
            return;
        }
        let mut s = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let line = match event {
            Progress::Phase { phase } => {
                s.label = phase.label();
                s.phase_started = Instant::now();
                format!("{}…", s.label)
            }
            Progress::Planned { bytes, files } => {
                s.total_bytes = bytes;
                s.total_files = files;
                return;
            }
            Progress::Scanned { bytes, files } => {
                format!("Counting: {} in {files} files", format_bytes(bytes))
            }
            Progress::Copied { bytes, files, .. } => {
                let millis = s.phase_started.elapsed().as_millis().max(1);
                let speed = u64::try_from(u128::from(bytes) * 1000 / millis).unwrap_or(u64::MAX);
                let eta = if speed > 0 && s.total_bytes > bytes {
                    format!(", about {} s left", (s.total_bytes - bytes) / speed)
                } else {
                    String::new()
                };
                let pct = if s.total_bytes > 0 {
                    bytes as f64 * 100.0 / s.total_bytes as f64
                } else {
                    0.0
                };
                format!(
                    "{}: {pct:.0}% {} of {}, {files}/{} files, {}/s{eta}",
                    s.label,
                    format_bytes(bytes),
                    format_bytes(s.total_bytes),
                    s.total_files,
                    format_bytes(speed),
                )
            }
            Progress::Warning { message } => format!("Warning: {message}\n"),
            Progress::Done => "\n".to_owned(),
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
    }
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

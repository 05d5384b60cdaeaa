//! What the progress page shows, folded from the core's progress events:
//! the phase, bytes and files done of the planned totals, speed and time left.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use relocator::{Phase, Progress};

/// The progress page's figures.
#[derive(Debug, Clone)]
pub struct ProgressView {
    /// The phase under way.
    pub phase: Phase,
    /// Planned bytes of the phase.
    pub total_bytes: u64,
    /// Planned files of the phase.
    pub total_files: u64,
    /// Bytes done in the phase.
    pub bytes: u64,
    /// Files done in the phase.
    pub files: u64,
    /// The file being worked on.
    pub current: Option<PathBuf>,
    /// When the phase began.
    pub phase_started: Instant,
    /// Warnings so far.
    pub warnings: Vec<String>,
}

impl Default for ProgressView {
    fn default() -> Self {
        Self {
            phase: Phase::Checking,
            total_bytes: 0,
            total_files: 0,
            bytes: 0,
            files: 0,
            current: None,
            phase_started: Instant::now(),
            warnings: Vec::new(),
        }
    }
}

impl ProgressView {
    /// Folds one event in.
    pub fn apply(&mut self, event: Progress) {
        match event {
            Progress::Phase { phase } => {
                self.phase = phase;
                self.phase_started = Instant::now();
                self.bytes = 0;
                self.files = 0;
                self.current = None;
            }
            Progress::Planned { bytes, files } => {
                self.total_bytes = bytes;
                self.total_files = files;
            }
            Progress::Scanned { bytes, files } => {
                self.bytes = bytes;
                self.files = files;
            }
            Progress::Copied {
                bytes,
                files,
                current,
            } => {
                self.bytes = bytes;
                self.files = files;
                self.current = Some(current);
            }
            Progress::Warning { message } => self.warnings.push(message),
            Progress::Done => {}
        }
    }

    /// Done of planned, 0.0–1.0 (bytes when known, else files).
    #[must_use]
    pub fn fraction(&self) -> f32 {
        let (done, total) = if self.total_bytes > 0 {
            (self.bytes, self.total_bytes)
        } else {
            (self.files, self.total_files)
        };
        if total == 0 {
            0.0
        } else {
            (done as f32 / total as f32).clamp(0.0, 1.0)
        }
    }

    /// Bytes per second in this phase.
    #[must_use]
    pub fn speed(&self) -> u64 {
        let millis = self.phase_started.elapsed().as_millis().max(1);
        u64::try_from(u128::from(self.bytes) * 1000 / millis).unwrap_or(u64::MAX)
    }

    /// Time left, once there is enough to go on (3 seconds and 1 % in).
    #[must_use]
    pub fn eta(&self) -> Option<Duration> {
        let speed = self.speed();
        let started = self.phase_started.elapsed() >= Duration::from_secs(3);
        (started && speed > 0 && self.total_bytes > self.bytes && self.fraction() >= 0.01)
            .then(|| Duration::from_secs((self.total_bytes - self.bytes) / speed))
    }
}

/// "about 3 minutes", "less than a minute".
#[must_use]
pub fn describe_duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0..=59 => "less than a minute".to_owned(),
        60..=119 => "about a minute".to_owned(),
        120..=3599 => format!("about {} minutes", secs.div_ceil(60)),
        _ => format!("about {} h {} min", secs / 3600, (secs % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_fold_into_a_fraction() {
        let mut v = ProgressView::default();
        v.apply(Progress::Phase {
            phase: Phase::Copying,
        });
        v.apply(Progress::Planned {
            bytes: 200,
            files: 4,
        });
        v.apply(Progress::Copied {
            bytes: 50,
            files: 1,
            current: PathBuf::from("a"),
        });
        assert!((v.fraction() - 0.25).abs() < 1e-6);
        assert_eq!(v.current, Some(PathBuf::from("a")));
        v.apply(Progress::Phase {
            phase: Phase::Verifying,
        });
        assert!(v.fraction().abs() < f32::EPSILON);
        assert_eq!(v.eta(), None, "no estimate right after a phase starts");
    }

    #[test]
    fn durations_read_like_a_person_says_them() {
        assert_eq!(
            describe_duration(Duration::from_secs(20)),
            "less than a minute"
        );
        assert_eq!(describe_duration(Duration::from_secs(61)), "about a minute");
        assert_eq!(
            describe_duration(Duration::from_secs(301)),
            "about 6 minutes"
        );
        assert_eq!(
            describe_duration(Duration::from_mins(3 * 60 + 2)),
            "about 3 h 2 min"
        );
    }
}

//! What the progress page shows, folded from the core's progress events:
//! the phases met so far, the work done of the phase's total, the file
//! being worked on, and a speed and time left that appear only once they
//! mean something (a few seconds and a few megabytes into a phase) and are
//! smoothed over a sliding window so they do not jump.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use relocator::{Phase, Progress};

/// A speed is shown after this long in a phase…
pub const SPEED_AFTER: Duration = Duration::from_secs(3);
/// …and this many bytes.
pub const SPEED_AFTER_BYTES: u64 = 20_000_000;
/// The speed is measured over the last this long.
const WINDOW: Duration = Duration::from_secs(5);

/// The progress page's figures.
#[derive(Debug, Clone)]
pub struct ProgressView {
    /// The phase under way.
    pub phase: Phase,
    /// Every phase met, in order.
    pub phases_seen: Vec<Phase>,
    /// Planned bytes of the phase (0 when unknown).
    pub total_bytes: u64,
    /// Planned files of the phase (0 when unknown).
    pub total_files: u64,
    /// Bytes done in the phase.
    pub bytes: u64,
    /// Files done in the phase.
    pub files: u64,
    /// The file being worked on.
    pub current: Option<PathBuf>,
    /// Warnings so far.
    pub warnings: Vec<String>,
    /// What the checks will count (the app's own scan), for their bar.
    expected: (u64, u64),
    phase_started: Instant,
    samples: VecDeque<(Instant, u64)>,
}

impl ProgressView {
    /// A view for a job over backups of `bytes` in `files` (0 if unknown), starting at `now`.
    #[must_use]
    pub fn new(expected: (u64, u64), now: Instant) -> Self {
        Self {
            phase: Phase::Checking,
            phases_seen: vec![Phase::Checking],
            total_bytes: expected.0,
            total_files: expected.1,
            bytes: 0,
            files: 0,
            current: None,
            warnings: Vec::new(),
            expected,
            phase_started: now,
            samples: VecDeque::new(),
        }
    }

    /// Folds one event in, arrived at `now`.
    pub fn apply(&mut self, event: Progress, now: Instant) {
        match event {
            Progress::Phase { phase } => {
                self.phase = phase;
                if !self.phases_seen.contains(&phase) {
                    self.phases_seen.push(phase);
                }
                self.phase_started = now;
                self.samples.clear();
                (self.bytes, self.files) = (0, 0);
                (self.total_bytes, self.total_files) = match phase {
                    Phase::Checking | Phase::Scanning => self.expected,
                    _ => (0, 0),
                };
                self.current = None;
            }
            Progress::Planned { bytes, files } => {
                self.total_bytes = bytes;
                self.total_files = files;
            }
            Progress::Scanned { bytes, files } => self.count(bytes, files, now),
            Progress::Copied {
                bytes,
                files,
                current,
            } => {
                self.count(bytes, files, now);
                self.current = Some(current);
            }
            Progress::Warning { message } => self.warnings.push(message),
            Progress::Done => {}
        }
    }

    fn count(&mut self, bytes: u64, files: u64, now: Instant) {
        self.bytes = bytes;
        self.files = files;
        self.samples.push_back((now, bytes));
        while self
            .samples
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) > WINDOW)
            && self.samples.len() > 2
        {
            self.samples.pop_front();
        }
    }

    /// Whether the phase has a total to show a bar against.
    #[must_use]
    pub fn has_total(&self) -> bool {
        self.total_bytes > 0 || self.total_files > 0
    }

    /// Done of the total, 0.0–1.0 (bytes when known, else files).
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

    /// Bytes per second over the last few seconds, once the phase has run
    /// `SPEED_AFTER` and done `SPEED_AFTER_BYTES`.
    #[must_use]
    pub fn speed(&self, now: Instant) -> Option<u64> {
        if now.duration_since(self.phase_started) < SPEED_AFTER || self.bytes < SPEED_AFTER_BYTES {
            return None;
        }
        let (first_at, first) = *self.samples.front()?;
        let (last_at, last) = *self.samples.back()?;
        let span = last_at.duration_since(first_at);
        // Too short a window (events came in a burst): over the whole phase.
        let (done, over) = if span >= Duration::from_secs(1) {
            (last.saturating_sub(first), span)
        } else {
            (self.bytes, now.duration_since(self.phase_started))
        };
        let millis = over.as_millis().max(1);
        u64::try_from(u128::from(done) * 1000 / millis).ok()
    }

    /// Time left in the phase at the current speed, when there is one.
    #[must_use]
    pub fn time_left(&self, now: Instant) -> Option<Duration> {
        let speed = self.speed(now).filter(|s| *s > 0)?;
        (self.total_bytes > self.bytes)
            .then(|| Duration::from_secs((self.total_bytes - self.bytes).div_ceil(speed)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copied(bytes: u64, files: u64) -> Progress {
        Progress::Copied {
            bytes,
            files,
            current: PathBuf::from("/b/00008110-001A2B3C4D5E6F70/2b/2b00"),
        }
    }

    #[test]
    fn events_fold_into_a_fraction_and_each_phase_starts_afresh() {
        let t0 = Instant::now();
        let mut v = ProgressView::new((1000, 10), t0);
        assert!(
            v.has_total(),
            "the checks' bar runs against the app's own count"
        );
        v.apply(
            Progress::Phase {
                phase: Phase::Copying,
            },
            t0,
        );
        assert!(!v.has_total());
        v.apply(
            Progress::Planned {
                bytes: 200,
                files: 4,
            },
            t0,
        );
        v.apply(copied(50, 1), t0);
        assert!((v.fraction() - 0.25).abs() < 1e-6);
        assert!(v.current.is_some());
        v.apply(
            Progress::Phase {
                phase: Phase::Verifying,
            },
            t0,
        );
        v.apply(Progress::Planned { bytes: 0, files: 4 }, t0);
        v.apply(copied(0, 3), t0);
        assert!(
            (v.fraction() - 0.75).abs() < 1e-6,
            "files when bytes are not planned"
        );
        assert_eq!(
            v.phases_seen,
            [Phase::Checking, Phase::Copying, Phase::Verifying]
        );
    }

    #[test]
    fn no_speed_in_the_first_moments_however_fast_the_start() {
        let t0 = Instant::now();
        let mut v = ProgressView::new((0, 0), t0);
        v.apply(
            Progress::Phase {
                phase: Phase::Copying,
            },
            t0,
        );
        v.apply(
            Progress::Planned {
                bytes: 10_000_000_000,
                files: 10,
            },
            t0,
        );
        // 71 GB/s for a few milliseconds: what the page used to show.
        let soon = t0 + Duration::from_millis(1);
        v.apply(copied(71_000_000, 1), soon);
        assert_eq!(v.speed(soon), None);
        assert_eq!(v.time_left(soon), None);
        // Time alone is not enough either: a few megabytes must be done.
        let later = t0 + Duration::from_secs(10);
        let mut slow = ProgressView::new((0, 0), t0);
        slow.apply(
            Progress::Phase {
                phase: Phase::Copying,
            },
            t0,
        );
        slow.apply(copied(1_000_000, 1), later);
        assert_eq!(slow.speed(later), None);
    }

    #[test]
    fn the_speed_is_the_recent_rate_and_gives_a_time_left() {
        let t0 = Instant::now();
        let mut v = ProgressView::new((0, 0), t0);
        v.apply(
            Progress::Phase {
                phase: Phase::Copying,
            },
            t0,
        );
        v.apply(
            Progress::Planned {
                bytes: 1_000_000_000,
                files: 100,
            },
            t0,
        );
        // A burst at first, then a steady 50 MB/s.
        v.apply(copied(100_000_000, 1), t0 + Duration::from_millis(100));
        for s in 1..=10 {
            v.apply(
                copied(100_000_000 + s * 50_000_000, s),
                t0 + Duration::from_secs(s),
            );
        }
        let now = t0 + Duration::from_secs(10);
        let speed = v.speed(now).unwrap();
        assert!((49_000_000..=51_000_000).contains(&speed), "{speed}");
        // 400 MB left at 50 MB/s.
        assert_eq!(v.time_left(now), Some(Duration::from_secs(8)));
    }
}

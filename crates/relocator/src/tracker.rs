//! Progress, counted once for the window and the terminal: the phases an
//! operation goes through (done, current, ahead), the current phase's share
//! done and its speed, and the time left for the **whole** operation — the
//! copy, then checking the copy, switching over and freeing space — from the
//! rates this run has shown so far. Each later phase is estimated from what
//! the earlier ones measured: comparing and switching walk the files as the
//! first check did, reading back goes at least as fast as the copy wrote,
//! deleting costs a few times a file's look-up. Figures appear only once
//! they mean something (a few seconds and megabytes into the copy), and the
//! speed is smoothed over a sliding window.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::progress::{Phase, Progress};

/// A speed is shown after this long in a phase…
pub const SPEED_AFTER: Duration = Duration::from_secs(3);
/// …and this many bytes.
pub const SPEED_AFTER_BYTES: u64 = 20_000_000;
/// The speed is measured over the last this long.
const WINDOW: Duration = Duration::from_secs(5);
/// Files looked up per second before any were (a warm cache, a local disk).
const PRIOR_LOOKUPS: f64 = 20_000.0;
/// Deleting a file costs about this many look-ups (measured in recorded
/// moves on ext4 and exFAT: 12 to 15; unlinking writes to the folder and
/// the journal, a look-up only reads a cached folder).
const DELETE_COST: f64 = 12.0;
/// Switching over compares the set-aside original with the copy: both trees.
const SWITCH_WALKS: f64 = 2.0;

/// What an operation will do, as far as its front end knows at the start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outline {
    /// Bytes of the backups (0 when not yet counted).
    pub bytes: u64,
    /// Files of the backups (0 when not yet counted).
    pub files: u64,
    /// A copy is made (not one rename on the same drive).
    pub copies: bool,
    /// Every copied file is read back and compared.
    pub verify_full: bool,
    /// The old place is deleted at the end.
    pub frees: bool,
}

impl Outline {
    /// The phases an operation of this outline goes through, in order.
    #[must_use]
    pub fn phases(&self) -> Vec<Phase> {
        let mut phases = vec![Phase::Checking];
        if self.copies {
            phases.extend([Phase::Copying, Phase::Verifying]);
        }
        phases.push(Phase::Switching);
        if self.copies && self.frees {
            phases.push(Phase::CleaningUp);
        }
        phases
    }

    /// Before anything has run: how long an operation of this outline
    /// should take on a fast drive and on a slow one — a range, since no
    /// speed is known yet — from the same cost of each phase as
    /// [`Tracker::time_left`]. `None` while the backups are not counted.
    #[must_use]
    pub fn estimate(&self) -> Option<(Duration, Duration)> {
        (self.files > 0).then(|| (self.taking(&FAST_DRIVE), self.taking(&SLOW_DRIVE)))
    }

    /// The whole operation's time on a drive of `speed`.
    fn taking(&self, speed: &DriveSpeed) -> Duration {
        let mut tracker = Tracker::new(*self, Instant::now());
        tracker.rates = Rates {
            lookups: Some(speed.lookups),
            copy: Some(speed.bytes),
            read_back: Some(speed.bytes * READ_BACK_SHARE),
            deletes: None,
        };
        let (bytes, files) = (self.bytes as f64, self.files as f64);
        let seconds: f64 = self
            .phases()
            .into_iter()
            .map(|phase| match phase {
                Phase::Checking => tracker.ahead_walks(1.0),
                Phase::Copying => (bytes / speed.bytes).max(files / speed.creates),
                _ => tracker.ahead(phase, Some(speed.bytes)),
            })
            .sum();
        Duration::from_secs_f64(seconds.ceil())
    }
}

/// What a drive does per second, for an estimate before any run.
struct DriveSpeed {
    /// Bytes written.
    bytes: f64,
    /// Files created.
    creates: f64,
    /// Files looked up.
    lookups: f64,
}

/// Reading every byte back beside the copy makes a move take about twice
/// its copy (`docs/BENCHMARKS.md`: 2.19× and 2.49× the plain copy): as if
/// it read back at half the copy's speed.
const READ_BACK_SHARE: f64 = 0.5;

/// A fast drive: an SSD over USB 3 or Thunderbolt writes 400 MB/s and more;
/// tiny files go at about 5,000 a second (recorded here: 200,000 in 45 s).
const FAST_DRIVE: DriveSpeed = DriveSpeed {
    bytes: 400e6,
    creates: 5_000.0,
    lookups: PRIOR_LOOKUPS,
};

/// A slow one (a hard disk on USB 2, a share over Wi-Fi, exFAT on a
/// memory stick).
const SLOW_DRIVE: DriveSpeed = DriveSpeed {
    bytes: 35e6,
    creates: 400.0,
    lookups: 5_000.0,
};

/// Where a phase stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhaseState {
    /// Finished.
    Done,
    /// Under way.
    Current,
    /// Still ahead.
    Ahead,
}

/// The rates this run has shown, for estimating what is ahead.
#[derive(Debug, Clone, Copy, Default)]
struct Rates {
    /// Files looked up per second (the first check's walk, the comparison).
    lookups: Option<f64>,
    /// Bytes copied per second.
    copy: Option<f64>,
    /// Bytes read back per second.
    read_back: Option<f64>,
    /// Files deleted per second.
    deletes: Option<f64>,
}

impl Rates {
    fn lookups(&self) -> f64 {
        self.lookups.unwrap_or(PRIOR_LOOKUPS)
    }
    fn deletes(&self) -> f64 {
        self.deletes.unwrap_or(self.lookups() / DELETE_COST)
    }
}

/// An operation's progress, folded from the core's events.
#[derive(Debug, Clone)]
pub struct Tracker {
    outline: Outline,
    phase: Phase,
    seen: Vec<Phase>,
    started: Instant,
    phase_started: Instant,
    /// The current phase's planned bytes and files (0: unknown).
    total: (u64, u64),
    /// Done in the current phase.
    done: (u64, u64),
    /// Where the current part of the phase started (a phase may re-plan).
    part_started: (Instant, u64, u64),
    current: Option<PathBuf>,
    warnings: Vec<String>,
    samples: VecDeque<(Instant, u64)>,
    rates: Rates,
    /// The overall share last shown: it never goes back.
    shown: std::cell::Cell<f32>,
}

impl Tracker {
    /// A tracker for an operation of `outline`, starting at `now`.
    #[must_use]
    pub fn new(outline: Outline, now: Instant) -> Self {
        Self {
            outline,
            phase: Phase::Checking,
            seen: vec![Phase::Checking],
            started: now,
            phase_started: now,
            total: (outline.bytes, outline.files),
            done: (0, 0),
            part_started: (now, 0, 0),
            current: None,
            warnings: Vec::new(),
            samples: VecDeque::new(),
            rates: Rates::default(),
            shown: std::cell::Cell::new(0.0),
        }
    }

    /// Folds one event in, arrived at `now`.
    pub fn apply(&mut self, event: &Progress, now: Instant) {
        match event {
            Progress::Phase { phase } => self.begin(*phase, now),
            Progress::Planned { bytes, files } => {
                self.learn(now);
                self.total = (*bytes, *files);
                self.part_started = (now, self.done.0.min(*bytes), 0);
                self.samples.clear();
            }
            Progress::Scanned { bytes, files } => self.count(*bytes, *files, now),
            Progress::Copied {
                bytes,
                files,
                current,
            } => {
                self.count(*bytes, *files, now);
                self.current = Some(current.clone());
            }
            Progress::Warning { message } => self.warnings.push(message.clone()),
            Progress::Done => self.learn(now),
        }
    }

    fn begin(&mut self, phase: Phase, now: Instant) {
        self.learn(now);
        if phase == Phase::Copying {
            // What the first check counted is what the copy has to do.
            self.outline.bytes = self.outline.bytes.max(self.done.0);
            self.outline.files = self.outline.files.max(self.done.1);
        }
        if phase == Phase::Switching && !self.seen.contains(&Phase::Copying) {
            // One rename on the same drive: nothing is copied or freed.
            self.outline.copies = false;
        }
        self.phase = phase;
        if !self.seen.contains(&phase) {
            self.seen.push(phase);
        }
        self.phase_started = now;
        self.part_started = (now, 0, 0);
        self.samples.clear();
        self.done = (0, 0);
        self.total = match phase {
            Phase::Checking | Phase::Scanning => (self.outline.bytes, self.outline.files),
            _ => (0, 0),
        };
        self.current = None;
    }

    /// Takes in the rate the part of the phase now ending has shown.
    fn learn(&mut self, now: Instant) {
        let (at, bytes0, files0) = self.part_started;
        let secs = now.duration_since(at).as_secs_f64();
        if secs < 0.2 {
            return;
        }
        let bytes = self.done.0.saturating_sub(bytes0) as f64 / secs;
        let files = self.done.1.saturating_sub(files0) as f64 / secs;
        match self.phase {
            Phase::Checking | Phase::Scanning if files > 0.0 => self.rates.lookups = Some(files),
            Phase::Copying if bytes > 0.0 => self.rates.copy = Some(bytes),
            Phase::Verifying if self.total.0 > 0 && bytes > 0.0 => {
                self.rates.read_back = Some(bytes);
            }
            Phase::Verifying if self.total.0 == 0 && files > 0.0 => {
                self.rates.lookups = Some(files);
            }
            Phase::CleaningUp if files > 0.0 => self.rates.deletes = Some(files),
            _ => {}
        }
    }

    fn count(&mut self, bytes: u64, files: u64, now: Instant) {
        self.done = (bytes, files);
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

    /// The phase under way.
    #[must_use]
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The phases to show, each with where it stands: those the operation
    /// goes through, then any other it met (undoing, recovering).
    #[must_use]
    pub fn phases(&self) -> Vec<(Phase, PhaseState)> {
        let mut list = if self.off_plan() {
            Vec::new()
        } else {
            self.outline.phases()
        };
        for seen in &self.seen {
            if !list.contains(seen) {
                list.push(*seen);
            }
        }
        let here = list.iter().position(|p| *p == self.phase).unwrap_or(0);
        list.into_iter()
            .enumerate()
            .map(|(i, phase)| {
                let state = if phase == self.phase {
                    PhaseState::Current
                } else if i < here || self.seen.contains(&phase) {
                    PhaseState::Done
                } else {
                    PhaseState::Ahead
                };
                (phase, state)
            })
            .collect()
    }

    /// Whether the work left the plan: an undo, or a recovery.
    #[must_use]
    pub fn off_plan(&self) -> bool {
        self.seen
            .iter()
            .any(|p| matches!(p, Phase::RollingBack | Phase::Recovering))
    }

    /// The current phase's planned bytes and files (0: unknown).
    #[must_use]
    pub fn phase_total(&self) -> (u64, u64) {
        self.total
    }

    /// Bytes and files done in the current phase.
    #[must_use]
    pub fn phase_done(&self) -> (u64, u64) {
        self.done
    }

    /// The current phase's share done, 0.0–1.0 (bytes when planned, else
    /// files); `None` when it has no total.
    #[must_use]
    pub fn phase_fraction(&self) -> Option<f32> {
        let (done, total) = if self.total.0 > 0 {
            (self.done.0, self.total.0)
        } else {
            (self.done.1, self.total.1)
        };
        (total > 0).then(|| (done as f32 / total as f32).clamp(0.0, 1.0))
    }

    /// The file being worked on.
    #[must_use]
    pub fn current(&self) -> Option<&Path> {
        self.current.as_deref()
    }

    /// Warnings so far.
    #[must_use]
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Bytes per second over the last few seconds of the current phase, once
    /// it has run [`SPEED_AFTER`] and done [`SPEED_AFTER_BYTES`].
    #[must_use]
    pub fn speed(&self, now: Instant) -> Option<u64> {
        let since = now.duration_since(self.phase_started);
        if since < SPEED_AFTER || self.done.0 < SPEED_AFTER_BYTES {
            return None;
        }
        let (first_at, first) = *self.samples.front()?;
        let (last_at, last) = *self.samples.back()?;
        let span = last_at.duration_since(first_at);
        // Too short a window (events came in a burst): over the whole part.
        let (done, over) = if span >= Duration::from_secs(1) {
            (last.saturating_sub(first), span)
        } else {
            (
                self.done.0.saturating_sub(self.part_started.1),
                now.duration_since(self.part_started.0),
            )
        };
        let millis = over.as_millis().max(1);
        u64::try_from(u128::from(done) * 1000 / millis).ok()
    }

    /// The time left for the whole operation, once it means something: the
    /// copy has shown its speed (or there is no copy and the check is over).
    /// `None` while undoing or recovering, whose length nothing foretells.
    #[must_use]
    pub fn time_left(&self, now: Instant) -> Option<Duration> {
        if self.off_plan() {
            return None;
        }
        // The copy's average since it began, once its speed shows (see
        // `copy_left` for the last few seconds' part in it).
        let copy_rate = match self.phase {
            Phase::Copying => self.speed(now).map(|_| {
                let secs = now.duration_since(self.part_started.0).as_secs_f64();
                self.done.0.saturating_sub(self.part_started.1) as f64 / secs.max(0.001)
            }),
            _ => self.rates.copy,
        };
        if self.outline.copies && copy_rate.is_none() {
            return None;
        }
        if !self.outline.copies && self.phase == Phase::Checking {
            return None;
        }
        let mut seconds = 0.0;
        for (phase, state) in self.phases() {
            seconds += match state {
                PhaseState::Done => 0.0,
                PhaseState::Current => self.current_left(now, copy_rate),
                PhaseState::Ahead => self.ahead(phase, copy_rate),
            };
        }
        Some(Duration::from_secs_f64(seconds.max(0.0).ceil()))
    }

    /// The share of the whole operation done, 0.0–1.0: the time spent of
    /// the time spent and left; it never goes back (while no time left can
    /// be told, it stays where it was). `None` before any estimate, and
    /// while undoing or recovering, which have no share of a plan.
    #[must_use]
    pub fn overall_fraction(&self, now: Instant) -> Option<f32> {
        let Some(left) = self.time_left(now) else {
            let shown = self.shown.get();
            return (shown > 0.0 && !self.off_plan()).then_some(shown);
        };
        let left = left.as_secs_f32();
        let spent = now.duration_since(self.started).as_secs_f32();
        let fraction = spent / (spent + left).max(f32::EPSILON);
        let shown = self.shown.get().max(fraction.clamp(0.0, 1.0));
        self.shown.set(shown);
        Some(shown)
    }

    /// Seconds left in the current phase.
    fn current_left(&self, now: Instant, copy_rate: Option<f64>) -> f64 {
        let (total_bytes, total_files) = self.total;
        let bytes_left = total_bytes.saturating_sub(self.done.0) as f64;
        let files_left = total_files.saturating_sub(self.done.1) as f64;
        let measured = now.duration_since(self.part_started.0).as_secs_f64();
        let rate = |done: u64, from: u64| {
            (measured >= 1.0 && done > from).then(|| done.saturating_sub(from) as f64 / measured)
        };
        match self.phase {
            Phase::Checking | Phase::Scanning => {
                files_left / rate(self.done.1, self.part_started.2).unwrap_or(self.rates.lookups())
                    + self.ahead_walks(1.0)
            }
            Phase::Copying => self.copy_left(now, copy_rate, (bytes_left, files_left)),
            Phase::Verifying if total_bytes > 0 => {
                let read = rate(self.done.0, self.part_started.1)
                    .or(self.rates.read_back)
                    .or(copy_rate)
                    .unwrap_or(f64::INFINITY);
                bytes_left / read.max(1.0) + self.ahead_walks(1.0)
            }
            Phase::Verifying => {
                files_left / rate(self.done.1, self.part_started.2).unwrap_or(self.rates.lookups())
            }
            Phase::CleaningUp => {
                files_left / rate(self.done.1, self.part_started.2).unwrap_or(self.rates.deletes())
            }
            Phase::Switching => self.ahead(Phase::Switching, copy_rate) / 2.0,
            Phase::RollingBack | Phase::Recovering => 0.0,
        }
    }

    /// Seconds left of the copy, with `average` bytes per second so far:
    /// by its files or by its bytes, whichever takes longer (many small
    /// files cost their creation more than their bytes). Where the bytes
    /// decide, the slower of the average and the last few seconds: a
    /// drive's cache takes the first gigabytes fast, then the drive's own
    /// speed shows, and stays.
    fn copy_left(
        &self,
        now: Instant,
        average: Option<f64>,
        (bytes_left, files_left): (f64, f64),
    ) -> f64 {
        let measured = now.duration_since(self.part_started.0).as_secs_f64();
        let files_done = self.done.1.saturating_sub(self.part_started.2) as f64;
        let by_files = if measured >= 1.0 && files_done > 0.0 {
            files_left / (files_done / measured)
        } else {
            0.0
        };
        let average = average.unwrap_or(f64::INFINITY).max(1.0);
        let by_bytes = bytes_left / average;
        if by_files > by_bytes {
            return by_files;
        }
        let recent = self.speed(now).map_or(average, |s| (s as f64).max(1.0));
        by_files.max(bytes_left / average.min(recent))
    }

    /// Seconds a phase still ahead should take.
    fn ahead(&self, phase: Phase, copy_rate: Option<f64>) -> f64 {
        let (bytes, files) = (self.outline.bytes as f64, self.outline.files as f64);
        match phase {
            Phase::Copying => bytes / copy_rate.unwrap_or(f64::INFINITY).max(1.0),
            Phase::Verifying => {
                let reading = if self.outline.verify_full {
                    // Read back while the copy goes on: what is left at its end.
                    let read = self.rates.read_back.or(copy_rate).unwrap_or(f64::INFINITY);
                    (bytes / read.max(1.0) - bytes / copy_rate.unwrap_or(f64::INFINITY).max(1.0))
                        .max(0.0)
                } else {
                    0.0
                };
                reading + self.ahead_walks(1.0)
            }
            Phase::Switching if self.outline.copies => self.ahead_walks(SWITCH_WALKS),
            Phase::CleaningUp => files / self.rates.deletes(),
            _ => 0.0,
        }
    }

    /// Seconds for `walks` looks at every file.
    fn ahead_walks(&self, walks: f64) -> f64 {
        walks * self.outline.files as f64 / self.rates.lookups()
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

    fn phase(phase: Phase) -> Progress {
        Progress::Phase { phase }
    }

    fn outline() -> Outline {
        Outline {
            bytes: 1_000_000_000,
            files: 100,
            copies: true,
            verify_full: false,
            frees: true,
        }
    }

    #[test]
    fn an_estimate_before_the_run_spans_a_fast_and_a_slow_drive() {
        let photos = Outline {
            bytes: 30_000_000_000,
            files: 20_000,
            copies: true,
            verify_full: true,
            frees: true,
        };
        let (fast, slow) = photos.estimate().unwrap();
        // 30 GB at 400 MB/s is 75 s of copying and as long again to read it
        // back; at 35 MB/s about 14 minutes each.
        assert!(
            fast >= Duration::from_secs(150) && fast < Duration::from_mins(3),
            "{fast:?}"
        );
        assert!(
            slow >= Duration::from_secs(1_714) && slow < Duration::from_mins(31),
            "{slow:?}"
        );
        // Without reading back: the copy and the walks.
        let (fast, slow) = Outline {
            verify_full: false,
            ..photos
        }
        .estimate()
        .unwrap();
        assert!(
            fast >= Duration::from_secs(75) && fast < Duration::from_mins(2),
            "{fast:?}"
        );
        assert!(
            slow >= Duration::from_secs(857) && slow < Duration::from_secs(1_000),
            "{slow:?}"
        );
        // Many tiny files: their creation, not their bytes, sets the copy's time.
        let tiny = Outline {
            bytes: 200_000_000,
            files: 200_000,
            ..photos
        };
        let (fast, slow) = tiny.estimate().unwrap();
        assert!(fast >= Duration::from_secs(40), "{fast:?}");
        assert!(slow >= Duration::from_secs(500), "{slow:?}");
        // A rename on the same drive copies nothing: only its walks.
        let rename = Outline {
            copies: false,
            ..photos
        };
        assert!(rename.estimate().unwrap().1 < Duration::from_secs(30));
        assert_eq!(Outline::default().estimate(), None, "not counted yet");
    }

    #[test]
    fn events_fold_into_a_fraction_and_each_phase_starts_afresh() {
        let t0 = Instant::now();
        let mut v = Tracker::new(
            Outline {
                bytes: 1000,
                files: 10,
                ..outline()
            },
            t0,
        );
        assert!(
            v.phase_fraction().is_some(),
            "the checks' bar runs against the front end's own count"
        );
        v.apply(&phase(Phase::Copying), t0);
        assert_eq!(v.phase_fraction(), None);
        v.apply(
            &Progress::Planned {
                bytes: 200,
                files: 4,
            },
            t0,
        );
        v.apply(&copied(50, 1), t0);
        assert!((v.phase_fraction().unwrap() - 0.25).abs() < 1e-6);
        assert!(v.current().is_some());
        v.apply(&phase(Phase::Verifying), t0);
        v.apply(&Progress::Planned { bytes: 0, files: 4 }, t0);
        v.apply(&copied(0, 3), t0);
        assert!(
            (v.phase_fraction().unwrap() - 0.75).abs() < 1e-6,
            "files when bytes are not planned"
        );
        let states: Vec<_> = v.phases().into_iter().map(|(_, s)| s).collect();
        assert_eq!(
            states,
            [
                PhaseState::Done,
                PhaseState::Done,
                PhaseState::Current,
                PhaseState::Ahead,
                PhaseState::Ahead
            ]
        );
    }

    #[test]
    fn no_speed_in_the_first_moments_however_fast_the_start() {
        let t0 = Instant::now();
        let mut v = Tracker::new(outline(), t0);
        v.apply(&phase(Phase::Copying), t0);
        v.apply(
            &Progress::Planned {
                bytes: 10_000_000_000,
                files: 10,
            },
            t0,
        );
        // 71 GB/s for a few milliseconds: what the page used to show.
        let soon = t0 + Duration::from_millis(1);
        v.apply(&copied(71_000_000, 1), soon);
        assert_eq!(v.speed(soon), None);
        assert_eq!(v.time_left(soon), None);
        // Time alone is not enough either: a few megabytes must be done.
        let later = t0 + Duration::from_secs(10);
        let mut slow = Tracker::new(outline(), t0);
        slow.apply(&phase(Phase::Copying), t0);
        slow.apply(&copied(1_000_000, 1), later);
        assert_eq!(slow.speed(later), None);
    }

    #[test]
    fn the_speed_is_the_recent_rate_and_the_time_left_counts_every_phase_ahead() {
        let t0 = Instant::now();
        let mut v = Tracker::new(outline(), t0);
        // The first check looks at 100 files in a second.
        v.apply(
            &Progress::Scanned {
                bytes: 1_000_000_000,
                files: 100,
            },
            t0 + Duration::from_secs(1),
        );
        let c0 = t0 + Duration::from_secs(1);
        v.apply(&phase(Phase::Copying), c0);
        v.apply(
            &Progress::Planned {
                bytes: 1_000_000_000,
                files: 100,
            },
            c0,
        );
        // A burst at first, then a steady 50 MB/s (files of 10 MB).
        v.apply(&copied(100_000_000, 10), c0 + Duration::from_millis(100));
        for s in 1..=10 {
            v.apply(
                &copied(100_000_000 + s * 50_000_000, 10 + s * 5),
                c0 + Duration::from_secs(s),
            );
        }
        let now = c0 + Duration::from_secs(10);
        let speed = v.speed(now).unwrap();
        assert!((49_000_000..=51_000_000).contains(&speed), "{speed}");
        // 400 MB left at 50 MB/s (the last seconds, slower than the
        // average with its burst): 8 s; then comparing (1 s: 100 files at
        // 100 a second), switching (2 s: both trees), deleting (12 s: a
        // deletion costs 12 look-ups).
        assert_eq!(v.time_left(now), Some(Duration::from_secs(23)));
    }

    #[test]
    fn without_a_copy_the_time_left_waits_for_the_check_and_an_undo_has_none() {
        let t0 = Instant::now();
        let same_drive = Outline {
            copies: false,
            ..outline()
        };
        let mut v = Tracker::new(same_drive, t0);
        assert_eq!(
            v.phases().iter().map(|(p, _)| *p).collect::<Vec<_>>(),
            [Phase::Checking, Phase::Switching]
        );
        assert_eq!(v.time_left(t0), None);
        v.apply(&phase(Phase::Switching), t0 + Duration::from_secs(1));
        assert!(v.time_left(t0 + Duration::from_secs(1)).is_some());
        v.apply(&phase(Phase::RollingBack), t0 + Duration::from_secs(2));
        assert_eq!(v.time_left(t0 + Duration::from_secs(2)), None);
        assert!(
            v.phases()
                .iter()
                .any(|(p, s)| *p == Phase::RollingBack && *s == PhaseState::Current)
        );
    }
}

//! Progress events, the sink they go to, the cancel flag, and a throttle so a
//! window never sees more than a few dozen events a second.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A named phase of an operation, for "Copying…", "Verifying…" and the like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Running the preflight checks.
    Checking,
    /// Counting what there is to copy.
    Scanning,
    /// Copying files.
    Copying,
    /// Comparing the copy with the original.
    Verifying,
    /// Moving the finished copy into place, setting the original aside, linking.
    Switching,
    /// Deleting the set-aside original or the old copy.
    CleaningUp,
    /// Undoing a cancelled or failed operation.
    RollingBack,
    /// Finishing or undoing an operation interrupted by a crash.
    Recovering,
}

/// One progress event.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Progress {
    /// How much work the phase that follows has in total.
    Planned {
        /// Total bytes.
        bytes: u64,
        /// Total files.
        files: u64,
    },
    /// A running count while sizing a tree.
    Scanned {
        /// Bytes counted so far.
        bytes: u64,
        /// Files counted so far.
        files: u64,
    },
    /// A running count while copying or verifying.
    Copied {
        /// Bytes done so far.
        bytes: u64,
        /// Files done so far.
        files: u64,
        /// The file being worked on.
        #[serde(serialize_with = "crate::stored_path::serialize")]
        current: PathBuf,
    },
    /// A new phase began.
    Phase {
        /// Which one.
        phase: Phase,
    },
    /// Something the user should know that does not stop the work.
    Warning {
        /// One plain sentence.
        message: String,
    },
    /// The operation finished.
    Done,
}

/// Where progress events go. Implementations must be cheap: the engine calls
/// `report` from its worker threads.
pub trait ProgressSink: Sync {
    /// Receives one event.
    fn report(&self, event: Progress);
}

/// A sink that ignores everything, for callers that need no feedback.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn report(&self, _event: Progress) {}
}

impl<F: Fn(Progress) + Sync> ProgressSink for F {
    fn report(&self, event: Progress) {
        self(event);
    }
}

/// A shared flag the user's "Cancel" sets and the engine checks often.
#[derive(Debug, Default, Clone)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag that is not set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the running operation to stop and roll back.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether cancel was asked for.
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(Error::Cancelled)` once cancel was asked for.
    pub fn check(&self) -> crate::Result<()> {
        if self.is_cancelled() {
            Err(crate::Error::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// Lets through at most one event per interval; the rest are dropped.
/// Asked once per file by every copy and reader thread, so it takes no lock:
/// one atomic holds when the last event went out.
#[derive(Debug)]
pub struct Throttle {
    interval: Duration,
    start: Instant,
    /// Nanoseconds from `start` to the last event let through; `NONE` before the first.
    last: AtomicU64,
}

impl Throttle {
    /// The interval used for progress events: 25 a second at most.
    pub const PROGRESS: Duration = Duration::from_millis(40);
    /// No event let through yet.
    const NONE: u64 = u64::MAX;

    /// A throttle letting one event through per `interval`.
    #[must_use]
    pub fn new(interval: Duration) -> Self {
        Self {
            interval,
            start: Instant::now(),
            last: AtomicU64::new(Self::NONE),
        }
    }

    /// Whether an event may go out now (and, if so, starts a new interval).
    pub fn ready(&self) -> bool {
        let now = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX - 1);
        let interval = u64::try_from(self.interval.as_nanos()).unwrap_or(u64::MAX);
        let last = self.last.load(Ordering::Relaxed);
        if last != Self::NONE && now.saturating_sub(last) < interval {
            return false;
        }
        // Of two threads at the same moment, one wins the interval.
        self.last
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_lets_the_first_event_through_and_holds_the_next() {
        let t = Throttle::new(Duration::from_hours(1));
        assert!(t.ready());
        assert!(!t.ready());
        let fast = Throttle::new(Duration::ZERO);
        assert!(fast.ready());
        assert!(fast.ready());
    }

    #[test]
    fn cancel_is_shared_between_clones() {
        let c = Cancel::new();
        let other = c.clone();
        assert!(c.check().is_ok());
        other.cancel();
        assert!(matches!(c.check(), Err(crate::Error::Cancelled)));
    }
}

//! Work off the window's thread, one type for all of it (a move, the scan,
//! a health check, the folder dialog, opening a folder): a named thread
//! sends events over a channel and wakes the window, which drains them each
//! frame. Cancel is a shared flag; dropping a task cancels it without
//! waiting (the window never waits for a drive that does not answer).
//! A thread that cannot start is an error the caller shows, never a page
//! waiting forever.

use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use relocator::Cancel;

/// Asks the window to repaint (from any thread).
pub type Waker = std::sync::Arc<dyn Fn() + Send + Sync>;

/// Sends one event to the window and wakes it.
pub struct Emitter<E> {
    tx: Sender<E>,
    wake: Waker,
}

impl<E> Emitter<E> {
    /// Sends `event` (dropped silently once the window stopped listening).
    pub fn emit(&self, event: E) {
        let _ = self.tx.send(event);
        (self.wake)();
    }
}

/// What a one-shot task (one answer, then done) has to say now.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer<E> {
    /// Still working.
    Pending,
    /// Its answer (the last event it sent).
    Given(E),
    /// It ended without answering (it panicked).
    Ended,
}

/// A running (or finished) piece of background work sending events `E`.
pub struct Task<E> {
    events: Receiver<E>,
    cancel: Cancel,
    thread: Option<JoinHandle<()>>,
}

impl<E: Send + 'static> Task<E> {
    /// Runs `work` on a thread called `name`.
    pub fn start(
        name: &str,
        wake: Waker,
        work: impl FnOnce(&Emitter<E>, &Cancel) + Send + 'static,
    ) -> std::io::Result<Self> {
        let (tx, events) = mpsc::channel();
        let cancel = Cancel::new();
        let flag = cancel.clone();
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || work(&Emitter { tx, wake }, &flag))?;
        Ok(Self {
            events,
            cancel,
            thread: Some(thread),
        })
    }

    /// The events that arrived since the last call.
    pub fn drain(&mut self) -> Vec<E> {
        self.events.try_iter().collect()
    }

    /// The events that arrived since the last call, and whether the thread
    /// has ended (asked before draining: once it has, every event it sent
    /// is among these).
    pub fn arrived(&mut self) -> (Vec<E>, bool) {
        let ended = self.is_finished();
        (self.drain(), ended)
    }

    /// The answer of a one-shot task: its last event, once it sent one;
    /// `Answer::Ended` once its thread ended without one.
    pub fn answer(&mut self) -> Answer<E> {
        let (mut events, ended) = self.arrived();
        match events.pop() {
            Some(answer) => Answer::Given(answer),
            None if ended => Answer::Ended,
            None => Answer::Pending,
        }
    }

    /// Asks the work to stop.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Whether stopping was asked for.
    #[must_use]
    pub fn is_cancelling(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Whether the thread has ended (its last events may still be queued).
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Waits until the thread ends. A panic on it is logged, not re-raised:
    /// the window stays up and says the work stopped.
    pub fn join(&mut self) {
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("a background task panicked");
        }
    }
}

impl<E> Drop for Task<E> {
    fn drop(&mut self) {
        // A task replaced or left (a new scan, another drive) is told to
        // stop and left to end on its own: the window never waits for a
        // drive that does not answer. The one task that must end before the
        // app does, the operation, is joined explicitly when the window closes.
        self.cancel.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn events_arrive_in_order_and_each_wakes_the_window() {
        let wakes = Arc::new(AtomicUsize::new(0));
        let counter = wakes.clone();
        let mut task = Task::start(
            "test-task",
            Arc::new(move || {
                counter.fetch_add(1, Ordering::SeqCst);
            }),
            |emit, _| {
                for i in 0..3 {
                    emit.emit(i);
                }
            },
        )
        .unwrap();
        task.join();
        assert!(task.is_finished());
        assert_eq!(task.drain(), [0, 1, 2]);
        assert_eq!(wakes.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn dropping_a_task_cancels_it_without_waiting_for_it() {
        let (release, released) = mpsc::channel::<()>();
        let (saw_cancel, seen) = mpsc::channel::<bool>();
        let task: Task<()> = Task::start("test-task", Arc::new(|| {}), move |_, cancel| {
            // Stuck, as on a drive that does not answer, until released.
            let _ = released.recv();
            let _ = saw_cancel.send(cancel.is_cancelled());
        })
        .unwrap();
        // Were the drop to wait, this test would never get past it.
        drop(task);
        release.send(()).unwrap();
        assert_eq!(seen.recv(), Ok(true), "the dropped task was told to stop");
    }

    #[test]
    fn a_one_shot_task_answers_once_or_says_it_ended_without() {
        let (go, wait) = mpsc::channel::<()>();
        let mut task = Task::start("test-task", Arc::new(|| {}), move |emit, _| {
            let _ = wait.recv();
            emit.emit(7);
        })
        .unwrap();
        assert_eq!(task.answer(), Answer::Pending);
        go.send(()).unwrap();
        task.join();
        assert_eq!(task.answer(), Answer::Given(7));
        let mut silent: Task<u8> = Task::start("test-task", Arc::new(|| {}), |_, _| {}).unwrap();
        silent.join();
        assert_eq!(silent.answer(), Answer::Ended);
    }

    #[test]
    fn a_panicking_task_ends_without_taking_the_window_down() {
        let mut task: Task<u8> = Task::start("test-task", Arc::new(|| {}), |_, _| {
            panic!("boom");
        })
        .unwrap();
        task.join();
        assert!(task.is_finished());
        assert!(task.drain().is_empty());
    }
}

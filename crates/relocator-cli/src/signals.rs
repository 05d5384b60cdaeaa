//! Ctrl-C, a closed terminal, `SIGTERM` (and on Windows the console's
//! Ctrl-C, Ctrl-Break and close): a request to stop, taken over as the
//! program starts. While nothing has been changed yet (a check, a status)
//! the program stops at once. During an operation the first request
//! cancels it, which rolls everything back exactly as the app's Cancel does
//! (or lets it finish when it is past the switch); every later one only
//! says that the undo is being finished, and never interrupts it. During
//! recovery nothing is interrupted at all.

use std::io::Write as _;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU8, Ordering};

use relocator::Cancel;

/// What a stop request does now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum OnStop {
    /// Nothing is being changed: stop the program (exit 130).
    Exit = 0,
    /// Cancel the operation (it rolls back).
    Cancel = 1,
    /// Keep going: recovery must reach a consistent state.
    Finish = 2,
}

static MODE: AtomicU8 = AtomicU8::new(OnStop::Exit as u8);
static REQUEST: LazyLock<Cancel> = LazyLock::new(Cancel::new);

/// Takes over the stop signals for the whole run (call first thing).
pub fn install() {
    // Only one handler per process; a second install keeps the first.
    let _ = ctrlc::set_handler(|| {
        let message = match MODE.load(Ordering::SeqCst) {
            1 if !REQUEST.is_cancelled() => {
                REQUEST.cancel();
                "Stopping: putting everything back as it was. Please wait…"
            }
            1 => "Still putting everything back as it was; this finishes on its own. Please wait…",
            2 => "Recovery is finishing, so that your backups are whole in one place. Please wait…",
            _ => {
                let _ = writeln!(std::io::stderr(), "\nStopped; nothing was changed.");
                std::process::exit(130);
            }
        };
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "\n{message}");
        let _ = err.flush();
    });
}

/// From now on a stop request does `on_stop`; returns the cancel flag an
/// operation watches.
pub fn from_now(on_stop: OnStop) -> Cancel {
    MODE.store(on_stop as u8, Ordering::SeqCst);
    REQUEST.clone()
}

//! Ctrl-C, a closed terminal, `SIGTERM` (and on Windows the console's
//! Ctrl-C, Ctrl-Break and close): a request to stop. During an operation the
//! first one cancels it, which rolls everything back exactly as the app's
//! Cancel does (or lets it finish when it is past the switch); every later
//! one only says that the undo is being finished, and never interrupts it.
//! During recovery nothing is interrupted at all.

use std::io::Write as _;

use relocator::Cancel;

/// What a stop request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnStop {
    /// Cancel the operation (it rolls back).
    Cancel,
    /// Keep going: recovery must reach a consistent state.
    Finish,
}

/// Takes over the stop signals for the rest of the process.
pub fn install(cancel: &Cancel, on_stop: OnStop) {
    let cancel = cancel.clone();
    // Only one handler per process; a second install keeps the first.
    let _ = ctrlc::set_handler(move || {
        let message = match on_stop {
            OnStop::Cancel if !cancel.is_cancelled() => {
                cancel.cancel();
                "Stopping: putting everything back as it was. Please wait…"
            }
            OnStop::Cancel => {
                "Still putting everything back as it was; this finishes on its own. Please wait…"
            }
            OnStop::Finish => {
                "Recovery is finishing, so that your backups are whole in one place. Please wait…"
            }
        };
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "\n{message}");
        let _ = err.flush();
    });
}

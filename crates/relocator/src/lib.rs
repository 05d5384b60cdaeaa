//! The core of Backup Relocator: it finds a person's iPhone and iPad backups,
//! sizes and checks them, moves them to a bigger drive leaving a link behind
//! (a symbolic link on macOS, an NTFS junction on Windows), and undoes that —
//! crash-safely, never losing a file. It knows nothing of windows or
//! terminals: callers pass home folders, a progress sink and a cancel flag.
//!
//! ```no_run
//! use relocator::{Cancel, NoProgress, scan};
//! let totals = scan::scan("/backups".as_ref(), &NoProgress, &Cancel::new())?;
//! println!("{} files, {} bytes", totals.files, totals.bytes);
//! # Ok::<(), relocator::Error>(())
//! ```

#![deny(missing_docs)]

pub mod accounting;
mod apple_double;
pub mod capabilities;
pub mod case_twins;
pub mod checks;
pub mod cloud;
pub mod contents;
mod context;
pub mod copy;
mod durable;
pub mod error;
pub mod failure;
mod faults;
mod file_id;
#[cfg(test)]
mod floors;
pub mod freshness;
pub mod guard;
pub mod health;
mod in_use;
pub mod inventory;
pub mod journal;
pub mod link;
pub mod locations;
pub mod marker;
mod mbfile;
pub mod models;
pub mod names;
pub mod not_permitted;
mod operation;
pub mod paths;
pub mod problem;
pub mod processes;
pub mod progress;
mod read_back;
mod record_check;
pub mod relocate;
pub mod removal;
pub mod report;
pub mod sample;
pub mod scan;
mod sparse;
pub mod stored_path;
pub mod tracker;
pub mod units;
pub mod verify;
pub mod volume;
mod walk;
#[cfg(windows)]
#[expect(
    unsafe_code,
    reason = "the one reviewed module of Win32 calls std lacks; see its documentation"
)]
mod win32;
pub mod xattrs;

pub use context::Context;
pub use error::{Error, Result};
pub use operation::Operation;
pub use problem::{Problem, Severity};
pub use progress::{Cancel, NoProgress, Phase, Progress, ProgressSink};

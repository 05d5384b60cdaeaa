//! Backup Relocator's guard (issue 21): a small program without a window,
//! started at login once a person turns it on, that watches over moved
//! backups between visits. It samples what the system already keeps in
//! memory — the mount table, the process list, the USB devices, the link
//! on this computer's disk — never the drive, and feeds the changes to the
//! core's pure decisions (`relocator::guard`); what they say is shown once
//! as a system notification whose one action opens the app.

pub mod control;
pub mod login_item;
pub mod notify;
pub mod places;
pub mod run;
pub mod sample;
pub mod settings;
pub mod watched;
pub mod words;

pub use run::{Options, run};

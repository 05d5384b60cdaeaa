//! What an operation (and its preflight) needs from its caller: how links
//! are made, where progress goes, the cancel, what is running, and the
//! rules of the finishing gate. One value, passed down, so a front end
//! never unpacks it to call a check.

use crate::freshness::Policy;
use crate::link::FolderLink;
use crate::progress::{Cancel, ProgressSink};

/// What an operation needs from its caller.
pub struct Context<'a> {
    /// Creates and removes the links.
    pub links: &'a dyn FolderLink,
    /// Receives progress.
    pub progress: &'a dyn ProgressSink,
    /// The user's cancel.
    pub cancel: &'a Cancel,
    /// Apple sync apps running now (`processes::running_sync_processes`).
    pub sync_apps: Vec<String>,
    /// The rules of the preflight (the finishing gate's quiet period).
    pub policy: Policy,
}

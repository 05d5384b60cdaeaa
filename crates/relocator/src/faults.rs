//! Crash points for the kill-and-recover tests. With the `failpoints`
//! feature, setting `FAILPOINTS=<name>=return` makes the process abort at
//! that point (like a `kill -9`: no destructors, no cleanup). Without the
//! feature these compile to nothing.

/// Aborts the process here when the crash point `name` is switched on.
#[inline]
pub fn crash_point(name: &str) {
    let _ = name; // used only with the `failpoints` feature
    fail::fail_point!(name, |_| std::process::abort());
}

//! `copy FROM TO`: the move's copy on its own (new files only, flushed to
//! the disk, optionally verified), linking and deleting nothing. The
//! benchmark times it against `cp`, `rsync` and `xcp`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use relocator::capabilities::CopyDrives;
use relocator::copy::{self, CopyOptions};
use relocator::error::IoContext as _;
use relocator::progress::{NoProgress, ProgressSink};
use relocator::units::format_bytes;
use relocator::verify::{self, Comparison, VerifyMode};
use serde_json::json;

use crate::args::VerifyArg;
use crate::output::{JsonProgress, json_line};

pub fn run(
    from: &Path,
    to: &Path,
    verify: Option<VerifyArg>,
    threads: Option<usize>,
    json: bool,
) -> relocator::Result<ExitCode> {
    let mode = verify.map(VerifyMode::from);
    let started = Instant::now();
    std::fs::create_dir(to).at(to)?;
    let sink: &dyn ProgressSink = if json { &JsonProgress } else { &NoProgress };
    let how = Comparison {
        drives: CopyDrives::measure(from, to),
        since: std::time::SystemTime::now(),
    };
    let mut options = CopyOptions {
        verify_content: mode == Some(VerifyMode::Full),
        drives: how.drives,
        ..CopyOptions::default()
    };
    if let Some(n) = threads {
        options.threads = n.max(1);
    }
    let cancel = crate::signals::from_now(crate::signals::OnStop::Cancel);
    let copied_and_checked = copy::copy_tree(from, to, options, sink, &cancel).and_then(|report| {
        let copied = started.elapsed();
        if mode.is_some() {
            verify::verify_tree(from, to, &how, sink, &cancel)?;
        }
        Ok((report, copied))
    });
    let (report, copied) = match copied_and_checked {
        Ok(done) => done,
        Err(e) => {
            // The folder is ours, created above: a failed copy leaves nothing behind.
            let _ = std::fs::remove_dir_all(to);
            return Err(e);
        }
    };
    let total = started.elapsed();
    if json {
        json_line(&json!({
            "ok": true,
            "bytes": report.bytes,
            "files": report.files,
            "copy_seconds": copied.as_secs_f64(),
            "total_seconds": total.as_secs_f64(),
        }));
    } else {
        println!(
            "Copied {} in {} files to {} ({:.2} s{}).",
            format_bytes(report.bytes),
            report.files,
            to.display(),
            total.as_secs_f64(),
            if mode.is_some() { ", verified" } else { "" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

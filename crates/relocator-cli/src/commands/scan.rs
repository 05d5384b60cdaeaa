//! `scan DIR`: bytes and files of a folder.

use std::path::Path;
use std::process::ExitCode;

use relocator::units::format_bytes;
use relocator::{Cancel, scan};

use crate::output::{TerminalProgress, json_line};

pub fn run(dir: &Path, json: bool) -> relocator::Result<ExitCode> {
    let progress = TerminalProgress::new(relocator::tracker::Outline::default());
    let totals = scan::scan(dir, &progress, &Cancel::new())?;
    if json {
        json_line(&serde_json::json!({
            "path": relocator::stored_path::as_value(dir),
            "bytes": totals.bytes,
            "files": totals.files,
            "folders": totals.folders,
            "links": totals.links,
            "extra_hard_links": totals.extra_hard_links,
            "errors": totals.errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }));
    } else {
        crate::output::clear_line();
        println!(
            "{}: {} in {} files ({} bytes)",
            dir.display(),
            format_bytes(totals.bytes),
            totals.files,
            totals.bytes
        );
        for e in &totals.errors {
            eprintln!("could not read {e}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `check --source DIR --to DIR`: the preflight list; exit 1 when something blocks.

use std::path::Path;
use std::process::ExitCode;

use relocator::checks;
use relocator::units::format_bytes;
use relocator::{Cancel, Context, link, processes};
use relocator::{Problem, Severity};

use crate::output::{TerminalProgress, json_line};

pub fn run(
    links: &dyn link::FolderLink,
    source: &Path,
    to: &Path,
    json: bool,
    policy: relocator::freshness::Policy,
) -> relocator::Result<ExitCode> {
    let running = processes::running();
    let progress = TerminalProgress::new(relocator::tracker::Outline::default());
    let cancel = Cancel::new();
    let ctx = Context {
        links,
        progress: &progress,
        cancel: &cancel,
        sync_apps: running.apps.clone(),
        policy,
    };
    let pre = checks::check_move(&ctx, source, to)?;
    if json {
        json_line(&serde_json::json!({
            "source": relocator::stored_path::as_value(source),
            "destination": relocator::stored_path::as_value(to),
            "bytes": pre.source.bytes,
            "files": pre.source.files,
            "needed_bytes": checks::SpaceNeeded::for_backups(pre.source.bytes).total(),
            "headroom_bytes": checks::space_margin(pre.source.bytes),
            "free_bytes": pre.destination.as_ref().and_then(|d| d.volume.as_ref()).map(|v| v.free_bytes),
            "drive": pre.destination.as_ref().and_then(|d| d.volume.as_ref()),
            "same_volume": pre.destination.as_ref().is_some_and(|d| d.same_volume),
            "blocked": pre.is_blocked(),
            "helpers": running.helpers,
            "problems": pre.problems.iter().map(problem_json).collect::<Vec<_>>(),
        }));
    } else {
        crate::output::clear_line();
        println!(
            "Backups: {} in {} files",
            format_bytes(pre.source.bytes),
            pre.source.files
        );
        if pre.problems.is_empty() {
            println!("Everything is ready to move.");
        }
        if !running.helpers.is_empty() {
            println!(
                "Note: Apple's background helper {} is running. That is normal: it does not stop a move.",
                running.helpers.join(", ")
            );
        }
        for p in &pre.problems {
            let tag = match p.severity() {
                Severity::Blocking => "Blocking",
                Severity::Warning => "Warning",
                Severity::Note => "Note",
            };
            println!("{tag}: {}", p.message());
            if let Some(hint) = crate::words::problem_hint(p, source) {
                println!("  {hint}");
            }
        }
    }
    Ok(if pre.is_blocked() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A problem as JSON: its fields, plus `severity` and `message`.
pub fn problem_json(p: &Problem) -> serde_json::Value {
    let mut v = serde_json::to_value(p).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        let severity = match p.severity() {
            Severity::Blocking => "blocking",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        o.insert("severity".into(), severity.into());
        o.insert("message".into(), p.message().into());
    }
    v
}

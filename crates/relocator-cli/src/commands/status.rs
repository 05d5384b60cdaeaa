//! `status [--source DIR]`: every backup folder with its state, link target,
//! size and devices.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use relocator::inventory::DeviceBackup;
use relocator::locations::{self, HomeDirs, LocationState, Platform};
use relocator::report::FolderReport;
use relocator::units::format_bytes;
use relocator::{Cancel, NoProgress, freshness, link, stored_path};
use serde_json::{Value, json};
use std::time::Duration;

use crate::output::json_line;
use crate::words;

pub fn run(
    links: &dyn link::FolderLink,
    source: Option<&Path>,
    json: bool,
    stale_after: Duration,
) -> relocator::Result<ExitCode> {
    let places: Vec<(&str, PathBuf)> = match source {
        Some(p) => vec![("chosen folder", p.to_owned())],
        None => HomeDirs::from_environment()
            .map(|dirs| locations::known_locations(Platform::current(), &dirs))
            .unwrap_or_default()
            .into_iter()
            .map(|l| (l.app, l.path))
            .collect(),
    };
    let mut reports = Vec::new();
    for (app, path) in &places {
        reports.push(describe(app, path, links, stale_after)?);
    }
    if json {
        let locations: Vec<Value> = reports.iter().map(Status::json).collect();
        json_line(&json!({ "locations": locations }));
        return Ok(ExitCode::SUCCESS);
    }
    if places.is_empty() {
        println!(
            "This system has no Apple app that makes iPhone or iPad backups, so there is no usual backup folder. \
             Name one with --source DIR."
        );
    }
    for r in &reports {
        r.print();
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(
    app: &str,
    path: &Path,
    links: &dyn link::FolderLink,
    stale_after: Duration,
) -> relocator::Result<Status> {
    let report = FolderReport::gather(path, links, &NoProgress, &Cancel::new())?;
    Ok(Status {
        app: app.to_owned(),
        report,
        stale_after,
    })
}

/// One folder's report, with what the terminal adds: the app that uses
/// it, and when a device counts as not backed up lately.
struct Status {
    app: String,
    report: FolderReport,
    stale_after: Duration,
}

impl Status {
    fn json(&self) -> Value {
        let r = &self.report;
        let survey = r.survey.as_ref();
        json!({
            "app": self.app,
            "source": stored_path::as_value(&r.folder),
            "state": r.state.name(),
            "message": r.state.describe(),
            "hint": r.drive_needed.as_ref().map_or_else(
                || words::location_hint(&r.state, &r.folder),
                |needed| Some(words::drive_needed_hint(needed, &r.folder)),
            ),
            "target": r.state.target().map(stored_path::as_value),
            "found": r.found
                .iter()
                .map(|f| json!({ "path": stored_path::as_value(&f.path), "what": f.what() }))
                .collect::<Vec<_>>(),
            "bytes": survey.map(|s| s.facts.bytes),
            "files": survey.map(|s| s.facts.files),
            "devices": survey
                .map(|s| s.devices.iter().map(|d| device_json(d, self.stale_after)).collect::<Vec<_>>())
                .unwrap_or_default(),
            "drive_needed": r.drive_needed,
            "leftovers": {
                "to_remove": r.leftovers.to_remove.iter().map(|p| stored_path::as_value(p)).collect::<Vec<_>>(),
                "waiting": r.leftovers.waiting.iter().map(|p| stored_path::as_value(p)).collect::<Vec<_>>(),
            },
            "relink_candidates": r.relink_candidates
                .iter()
                .map(|p| stored_path::as_value(p))
                .collect::<Vec<_>>(),
            "merge_into": r.merge_into.iter().map(|p| stored_path::as_value(p)).collect::<Vec<_>>(),
            "archived": r.archived.iter().map(|a| json!({
                "path": stored_path::as_value(&a.path),
                "device": a.device,
                "drive": a.drive,
            })).collect::<Vec<_>>(),
            "after_move": r.after_move,
            "errors": survey.map(|s| s.errors.clone()).unwrap_or_default(),
            "interrupted": r.interrupted.as_ref().map(|j| json!({
                "operation": j.operation,
                "step": j.step,
                "id": j.id,
                "running": matches!(r.state, LocationState::Interrupted { running: true, .. }),
                "journal": stored_path::as_value(&j.path()),
            })),
        })
    }

    fn print(&self) {
        let r = &self.report;
        println!(
            "{} ({}): {}",
            r.folder.display(),
            self.app,
            r.state.describe()
        );
        match &r.drive_needed {
            Some(needed) => println!("  {}", words::drive_needed_hint(needed, &r.folder)),
            None => {
                if let Some(hint) = words::location_hint(&r.state, &r.folder) {
                    println!("  {hint}");
                }
            }
        }
        for line in words::leftover_lines(&r.leftovers, &r.folder) {
            println!("  {line}");
        }
        for c in &r.relink_candidates {
            println!(
                "  The backups are at {}: the drive came back under another name. \
                 backup-relocator-cli relink --source \"{}\" --yes points the link there.",
                c.display(),
                r.folder.display()
            );
        }
        for f in &r.found {
            println!("  Found: {} ({})", f.path.display(), f.what());
        }
        for copy in &r.merge_into {
            println!(
                "  New backups are here again, and the earlier ones are at {}: \
                 backup-relocator-cli merge --source \"{}\" brings them there and links it again.",
                copy.display(),
                r.folder.display()
            );
        }
        for a in &r.archived {
            println!(
                "  {} is archived on {}: backup-relocator-cli bring-back --source \"{}\" --from \"{}\" brings it back.",
                a.device,
                a.drive,
                r.folder.display(),
                a.path.display()
            );
        }
        for line in words::after_move_lines(r.after_move.as_ref()) {
            println!("  {line}");
        }
        let Some(survey) = &r.survey else {
            return;
        };
        println!(
            "  {} in {} files",
            format_bytes(survey.facts.bytes),
            survey.facts.files
        );
        for d in &survey.devices {
            let mut flags = Vec::new();
            if d.encrypted == Some(true) {
                flags.push("encrypted");
            }
            if d.in_progress {
                flags.push("backup in progress");
            }
            if stale(d, self.stale_after) {
                flags.push("not backed up lately");
            }
            let or_unknown = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".to_owned());
            println!(
                "  {} — {} {} iOS {}, last backup {}, {}{}",
                or_unknown(&d.name),
                d.udid,
                or_unknown(&d.product_type),
                or_unknown(&d.ios_version),
                or_unknown(&d.last_backup),
                format_bytes(d.bytes),
                if flags.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", flags.join(", "))
                }
            );
            for w in &d.warnings {
                println!("    warning: {w}");
            }
        }
    }
}

/// Whether the device's last backup is older than `stale_after`.
fn stale(d: &DeviceBackup, stale_after: Duration) -> bool {
    let now = std::time::SystemTime::now();
    d.last_backup_at
        .is_some_and(|t| freshness::is_stale(t, now, stale_after))
}

fn device_json(d: &DeviceBackup, stale_after: Duration) -> Value {
    let now = std::time::SystemTime::now();
    let days = d.last_backup_at.map(|t| freshness::days_since(t, now));
    json!({
        "days_since_backup": days,
        "stale": stale(d, stale_after),
        "udid": d.udid,
        "kind": d.kind,
        "name": d.name,
        "product_type": d.product_type,
        "ios_version": d.ios_version,
        "last_backup": d.last_backup,
        "serial_number": d.serial_number,
        "encrypted": d.encrypted,
        "in_progress": d.in_progress,
        "bytes": d.bytes,
        "files": d.files,
        "warnings": d.warnings,
    })
}

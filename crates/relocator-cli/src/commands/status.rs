//! `status [--source DIR]`: every backup folder with its state, link target,
//! size and devices.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use relocator::inventory::{self, DeviceBackup};
use relocator::locations::{self, HomeDirs, LocationState, Platform};
use relocator::units::format_bytes;
use relocator::{Cancel, NoProgress, freshness, journal, link, relocate, scan, stored_path};
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
        json_line(&json!({ "locations": reports }));
        return Ok(ExitCode::SUCCESS);
    }
    if places.is_empty() {
        println!(
            "This system has no Apple app that makes iPhone or iPad backups, so there is no usual backup folder. \
             Name one with --source DIR."
        );
    }
    for r in &reports {
        print_report(r);
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(
    app: &str,
    path: &Path,
    links: &dyn link::FolderLink,
    stale_after: Duration,
) -> relocator::Result<Value> {
    let state = locations::inspect(path, links)?;
    let sized: Option<&Path> = match &state {
        LocationState::Local => Some(path),
        LocationState::Relocated { target } | LocationState::ForeignLink { target } => Some(target),
        _ => None,
    };
    let (bytes, files, devices, errors) = match sized {
        Some(dir) => {
            let totals = scan::scan(dir, &NoProgress, &Cancel::new())?;
            let devices = inventory::inventory(dir, true, &Cancel::new())?;
            let errors: Vec<String> = totals.errors.iter().map(ToString::to_string).collect();
            (Some(totals.bytes), Some(totals.files), devices, errors)
        }
        None => (None, None, Vec::new(), Vec::new()),
    };
    let interrupted = match &state {
        LocationState::Interrupted { running, .. } => journal::load(path)?.map(|j| {
            json!({
                "operation": j.operation,
                "step": j.step,
                "id": j.id,
                "running": running,
                "journal": stored_path::as_value(&j.path()),
            })
        }),
        _ => None,
    };
    let found = match &state {
        LocationState::DamagedRecord { .. } => relocate::locate_backups(path)
            .iter()
            .map(|f| json!({ "path": stored_path::as_value(&f.path), "what": f.what() }))
            .collect(),
        _ => Vec::new(),
    };
    Ok(json!({
        "app": app,
        "source": stored_path::as_value(path),
        "state": state.name(),
        "message": state.describe(),
        "hint": words::location_hint(&state, path),
        "target": state.target().map(stored_path::as_value),
        "found": found,
        "bytes": bytes,
        "files": files,
        "devices": devices.iter().map(|d| device_json(d, stale_after)).collect::<Vec<_>>(),
        "relink_candidates": relocate::relink_candidates(path, links)?
            .iter()
            .map(|p| stored_path::as_value(p))
            .collect::<Vec<_>>(),
        "errors": errors,
        "interrupted": interrupted,
    }))
}

fn device_json(d: &DeviceBackup, stale_after: Duration) -> Value {
    let now = std::time::SystemTime::now();
    let days = d.last_backup_at.map(|t| freshness::days_since(t, now));
    json!({
        "days_since_backup": days,
        "stale": d.last_backup_at.is_some_and(|t| now.duration_since(t).unwrap_or_default() > stale_after),
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

fn print_report(r: &Value) {
    let text = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let place = r.get("source").map(words::shown_path).unwrap_or_default();
    println!("{place} ({}): {}", text("app"), text("message"));
    if let Some(hint) = r.get("hint").and_then(Value::as_str) {
        println!("  {hint}");
    }
    for c in r["relink_candidates"].as_array().into_iter().flatten() {
        println!(
            "  The backups are at {}: the drive came back under another name. \
             backup-relocator-cli relink --source \"{}\" --yes points the link there.",
            words::shown_path(c),
            words::shown_path(&r["source"])
        );
    }
    for f in r["found"].as_array().into_iter().flatten() {
        println!(
            "  Found: {} ({})",
            words::shown_path(&f["path"]),
            f["what"].as_str().unwrap_or("")
        );
    }
    if let (Some(b), Some(f)) = (r["bytes"].as_u64(), r["files"].as_u64()) {
        println!("  {} in {f} files", format_bytes(b));
    }
    for d in r["devices"].as_array().into_iter().flatten() {
        let s = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("?").to_owned();
        let mut flags = Vec::new();
        if d["encrypted"].as_bool() == Some(true) {
            flags.push("encrypted");
        }
        if d["in_progress"].as_bool() == Some(true) {
            flags.push("backup in progress");
        }
        if d["stale"].as_bool() == Some(true) {
            flags.push("not backed up lately");
        }
        println!(
            "  {} — {} {} iOS {}, last backup {}, {}{}",
            s("name"),
            s("udid"),
            s("product_type"),
            s("ios_version"),
            s("last_backup"),
            format_bytes(d["bytes"].as_u64().unwrap_or(0)),
            if flags.is_empty() {
                String::new()
            } else {
                format!(" ({})", flags.join(", "))
            }
        );
        for w in d["warnings"].as_array().into_iter().flatten() {
            println!("    warning: {}", w.as_str().unwrap_or(""));
        }
    }
}

//! `health [--source DIR]`: checks each device backup (its details, its file
//! list, every listed file on disk with its size), wherever the backups are.
//! Exit 1 when any backup is damaged or could not be checked yet.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use relocator::health::{self, DeviceHealth};
use relocator::locations::{self, HomeDirs, Platform};
use relocator::units::{clock_time, count_of};
use relocator::{Cancel, link, stored_path};
use serde_json::json;

use crate::output::{TerminalProgress, json_line};

pub fn run(
    links: &dyn link::FolderLink,
    source: Option<&Path>,
    json: bool,
    policy: &relocator::freshness::Policy,
) -> relocator::Result<ExitCode> {
    let places: Vec<PathBuf> = match source {
        Some(p) => vec![p.to_owned()],
        None => HomeDirs::from_environment()
            .map(|dirs| locations::known_locations(Platform::current(), &dirs))
            .unwrap_or_default()
            .into_iter()
            .map(|l| l.path)
            .collect(),
    };
    let progress = TerminalProgress::new(relocator::tracker::Outline::default());
    let mut all_healthy = true;
    let mut reports = Vec::new();
    for place in &places {
        let state = locations::inspect(place, links)?;
        let Some(backups) = state.backups_at(place) else {
            if !json {
                println!("{}: {}", place.display(), state.describe());
            }
            reports.push(json!({
                "source": stored_path::as_value(place),
                "state": state.name(),
                "devices": [],
            }));
            continue;
        };
        let devices = health::check_backups(&backups, policy, &progress, &Cancel::new())?;
        all_healthy &= devices.iter().all(DeviceHealth::is_healthy);
        if json {
            reports.push(json!({
                "source": stored_path::as_value(place),
                "backups": stored_path::as_value(&backups),
                "state": state.name(),
                "devices": devices,
                "healthy": devices.iter().all(DeviceHealth::is_healthy),
            }));
        } else {
            crate::output::clear_line();
            println!("{}:", backups.display());
            if devices.is_empty() {
                println!("  No device backups here.");
            }
            for d in &devices {
                print_device(d);
            }
        }
    }
    if json {
        json_line(&json!({ "locations": reports, "healthy": all_healthy }));
    }
    Ok(if all_healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_device(d: &DeviceHealth) {
    if let Some(at) = d.being_written_until {
        println!(
            "  {}: still being written, so not checked; check again after {}.",
            d.name,
            clock_time(at)
        );
        return;
    }
    let verdict = if d.is_healthy() { "healthy" } else { "damaged" };
    let counts = if d.listed > 0 {
        format!(
            " — {} listed, {} of them on disk",
            count_of(d.listed, "file", "files"),
            relocator::units::group_digits(d.present)
        )
    } else {
        String::new()
    };
    println!("  {}: {verdict}{counts}", d.name);
    for f in &d.findings {
        println!("    {}", f.message());
    }
}

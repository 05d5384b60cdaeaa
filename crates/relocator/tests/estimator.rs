//! The time left, tested on recorded moves (issue 20): each stream in
//! `tests/progress/` is a real move's progress, recorded with the moment
//! each event came (`scripts/record-progress.sh`: photos-sized files, many
//! tiny files, and a slow check on an exFAT drive through FUSE), replayed
//! here into the core's tracker at those moments. Each set's errors are
//! printed. An estimate of the whole must be there by 40 % of the run; from
//! a quarter on it must be within 25 % of the real length. The first one
//! after a tenth is held to 65 %: a drive's cache takes the first
//! gigabytes of a copy of big files at several times the drive's own speed
//! (650 MB/s, then 140 MB/s in `photos-ext4`), which nothing in the first
//! seconds can tell; from then on the slower of the average and the last
//! seconds decides.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use relocator::tracker::{Outline, Tracker};
use relocator::{Phase, Progress};
use serde_json::Value;

fn phase(name: &str) -> Option<Phase> {
    Some(match name {
        "checking" => Phase::Checking,
        "scanning" => Phase::Scanning,
        "copying" => Phase::Copying,
        "verifying" => Phase::Verifying,
        "switching" => Phase::Switching,
        "cleaning_up" => Phase::CleaningUp,
        "rolling_back" => Phase::RollingBack,
        "recovering" => Phase::Recovering,
        _ => return None,
    })
}

/// One recorded event, as the core sent it.
fn event(v: &Value) -> Option<Progress> {
    let n = |key: &str| v[key].as_u64();
    Some(match v["event"].as_str()? {
        "phase" => Progress::Phase {
            phase: phase(v["phase"].as_str()?)?,
        },
        "planned" => Progress::Planned {
            bytes: n("bytes")?,
            files: n("files")?,
        },
        "scanned" => Progress::Scanned {
            bytes: n("bytes")?,
            files: n("files")?,
        },
        "copied" => Progress::Copied {
            bytes: n("bytes")?,
            files: n("files")?,
            current: PathBuf::new(),
        },
        "warning" => Progress::Warning {
            message: v["message"].as_str()?.to_owned(),
        },
        "done" => Progress::Done,
        _ => return None,
    })
}

/// A recorded run: its outline, its length, and its events with their moments.
struct Run {
    name: String,
    outline: Outline,
    total: Duration,
    events: Vec<(Duration, Progress)>,
}

fn read(path: &Path) -> Run {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap());
    let header = lines.next().unwrap();
    let o = &header["outline"];
    let outline = Outline {
        bytes: o["bytes"].as_u64().unwrap(),
        files: o["files"].as_u64().unwrap(),
        copies: o["copies"].as_bool().unwrap(),
        verify_full: o["verify_full"].as_bool().unwrap(),
        frees: o["frees"].as_bool().unwrap(),
    };
    let events = lines
        .filter_map(|l| {
            Some((
                Duration::from_millis(l["ms"].as_u64()?),
                event(&l["event"])?,
            ))
        })
        .collect();
    Run {
        name: header["set"].as_str().unwrap().to_owned(),
        outline,
        total: Duration::from_millis(header["total_ms"].as_u64().unwrap()),
        events,
    }
}

/// The estimated whole length, and how far it is from the real one (a
/// share: +0.2 means 20 % too long), first at or after each of `shares`
/// of the real run.
fn errors_at(run: &Run, shares: &[f64]) -> Vec<(f64, f64)> {
    let t0 = Instant::now();
    let mut tracker = Tracker::new(run.outline, t0);
    let mut found = Vec::new();
    let total = run.total.as_secs_f64();
    let mut next = 0;
    for (at, e) in &run.events {
        tracker.apply(e, t0 + *at);
        while next < shares.len() && at.as_secs_f64() >= shares[next] * total {
            let Some(left) = tracker.time_left(t0 + *at) else {
                break;
            };
            let estimate = at.as_secs_f64() + left.as_secs_f64();
            found.push((at.as_secs_f64() / total, estimate / total - 1.0));
            next += 1;
        }
    }
    found
}

#[test]
fn the_whole_time_left_is_honest_from_early_on_in_recorded_moves() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/progress");
    let mut runs: Vec<Run> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| read(&e.path()))
        .collect();
    runs.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(runs.len() >= 3, "recorded moves in {}", dir.display());
    let mut failures = Vec::new();
    for run in &runs {
        let shares = [0.10, 0.25, 0.50, 0.75];
        let errors = errors_at(run, &shares);
        if errors.len() < shares.len() {
            failures.push(format!("{}: estimates at only {errors:?}", run.name));
        }
        println!(
            "{}: {:.1} s; estimate of the whole {}",
            run.name,
            run.total.as_secs_f64(),
            errors
                .iter()
                .map(|(at, e)| format!("at {:.0} %: {:+.0} %", at * 100.0, e * 100.0))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let Some(&(at, first)) = errors.first() else {
            failures.push(format!("{}: no estimate after a tenth", run.name));
            continue;
        };
        if at >= 0.4 || first.abs() > 0.65 {
            failures.push(format!(
                "{}: {:+.0} % at {:.0} %",
                run.name,
                first * 100.0,
                at * 100.0
            ));
        }
        for &(at, e) in errors.iter().filter(|(at, _)| *at >= 0.25) {
            if e.abs() > 0.25 {
                failures.push(format!(
                    "{}: {:+.0} % at {:.0} %",
                    run.name,
                    e * 100.0,
                    at * 100.0
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

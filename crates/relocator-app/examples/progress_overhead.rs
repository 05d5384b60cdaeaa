//! Does reporting progress to the window slow the copy? Copies the same
//! generated backup with no progress sink and with the app's path (events
//! over a channel to another thread that folds them into the progress page's
//! figures), alternating, and prints the median time of each and their ratio.
//!
//! `cargo run --release -p relocator-app --example progress_overhead -- [ROUNDS]`

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use relocator::copy::{CopyOptions, copy_tree};
use relocator::sample::{self, SampleSpec};
use relocator::tracker::{Outline, Tracker};
use relocator::{Cancel, NoProgress, Progress};

fn copy_once(source: &Path, scratch: &Path, n: usize, with_ui: bool) -> Duration {
    let dest = scratch.join(format!("copy-{n}"));
    std::fs::create_dir(&dest).expect("destination");
    let started = Instant::now();
    if with_ui {
        let (tx, rx) = mpsc::channel::<Progress>();
        let ui = std::thread::Builder::new()
            .name("fake-window".to_owned())
            .spawn(move || {
                let mut view = Tracker::new(Outline::default(), Instant::now());
                let mut frames = 0u64;
                for event in rx {
                    view.apply(&event, Instant::now());
                    frames += 1;
                }
                (frames, view.phase_done().0)
            })
            .expect("thread");
        let sink = move |p: Progress| {
            let _ = tx.send(p);
        };
        copy_tree(source, &dest, CopyOptions::default(), &sink, &Cancel::new()).expect("copy");
        drop(sink);
        let (frames, bytes) = ui.join().expect("window thread");
        assert!(frames > 0 && bytes > 0);
    } else {
        copy_tree(
            source,
            &dest,
            CopyOptions::default(),
            &NoProgress,
            &Cancel::new(),
        )
        .expect("copy");
    }
    started.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let mut base = tempfile::Builder::new();
    base.prefix("br-overhead-");
    let dir = if Path::new("/dev/shm").is_dir() {
        base.tempdir_in("/dev/shm")
    } else {
        base.tempdir()
    }
    .expect("temp");
    let source = dir.path().join("Backup");
    let mut spec = SampleSpec::demo(7);
    spec.files_per_device = 5000;
    spec.bytes_per_device = 350_000_000;
    let summary = sample::generate(&source, &spec).expect("sample");
    println!(
        "backup: {} files, {} bytes; {rounds} rounds each, alternating",
        summary.files, summary.bytes
    );
    let (mut without, mut with) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        // Alternate which goes first, so neither always meets a warmer cache.
        if round % 2 == 0 {
            without.push(copy_once(&source, dir.path(), round * 2, false));
            with.push(copy_once(&source, dir.path(), round * 2 + 1, true));
        } else {
            with.push(copy_once(&source, dir.path(), round * 2 + 1, true));
            without.push(copy_once(&source, dir.path(), round * 2, false));
        }
        for n in [round * 2, round * 2 + 1] {
            std::fs::remove_dir_all(dir.path().join(format!("copy-{n}"))).expect("cleanup");
        }
    }
    let (a, b) = (median(without.clone()), median(with.clone()));
    println!("without progress: median {a:?} (all {without:?})");
    println!("with the window's progress path: median {b:?} (all {with:?})");
    println!(
        "ratio with/without: {:.3}",
        b.as_secs_f64() / a.as_secs_f64()
    );
}

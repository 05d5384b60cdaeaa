//! `guard on | off | status | run`: the guard that watches over moved
//! backups between visits (see the `relocator-guard` crate). Its login item
//! starts this program again with `guard run`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use relocator_guard::control;
use relocator_guard::login_item::Start;
use relocator_guard::notify::Notifier;
use relocator_guard::places::Places;
use relocator_guard::run::Ended;
use relocator_guard::settings::GuardSettings;

use crate::args::{GuardAction, GuardWatch};

/// How long the guard sleeps between two looks at the system.
const TICK: Duration = Duration::from_secs(2);

/// Runs one guard action.
pub fn run(action: GuardAction) -> ExitCode {
    let Some(places) = Places::current() else {
        eprintln!("The guard needs a home folder, and none is set (HOME).");
        return ExitCode::FAILURE;
    };
    match action {
        GuardAction::On { watch, stale_days } => on(&places, &watch, stale_days),
        GuardAction::Off => off(&places),
        GuardAction::Status => status(&places),
        GuardAction::Run(args) => run_here(places, &args),
    }
}

/// After a move back of `source`: the guard forgets it (and is turned off
/// when nothing is left to watch). Said, never fatal: the move back is done.
pub fn moved_back(source: &Path) {
    let Some(places) = Places::current() else {
        return;
    };
    match control::forget(&places, source) {
        Ok(true) => println!("The guard is off: no moved backups are left to watch over."),
        Ok(false) => {}
        Err(e) => eprintln!("The guard could not forget {}: {e}", source.display()),
    }
}

/// What the login item starts: the app beside this program with `--guard`
/// when it is installed (a program without a console: no window stays
/// open on Windows), else this program with `guard run`.
fn this_program(watch: &GuardWatch) -> Start {
    let source = watch
        .source
        .iter()
        .flat_map(|s| ["--source".to_owned(), s.to_string_lossy().into_owned()]);
    match app_beside_me(None) {
        Some(app) => Start {
            args: std::iter::once("--guard".to_owned())
                .chain(source)
                .collect(),
            ..app
        },
        None => Start {
            program: std::env::current_exe().unwrap_or_else(|_| "backup-relocator-cli".into()),
            args: ["guard".to_owned(), "run".to_owned()]
                .into_iter()
                .chain(source)
                .collect(),
        },
    }
}

fn on(places: &Places, watch: &GuardWatch, stale_days: u64) -> ExitCode {
    let settings = GuardSettings { stale_days };
    let turned_on = settings
        .save(&places.settings())
        .and_then(|()| control::turn_on(places, &this_program(watch)));
    match turned_on {
        Ok(()) => {
            println!(
                "The guard is on: it runs now and at each login, and tells you when the drive is missing as a backup comes, when an update replaced the link, or when a device has not backed up for {stale_days} days."
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("The guard could not be turned on: {e}");
            ExitCode::FAILURE
        }
    }
}

fn off(places: &Places) -> ExitCode {
    match control::turn_off(places).map(|()| control::wait_until_ended(places)) {
        Ok(true) => {
            println!("The guard is off: nothing starts at login any more.");
            ExitCode::SUCCESS
        }
        Ok(false) => {
            println!(
                "The guard is off: nothing starts at login any more. The guard running now has not ended yet; it ends within a minute."
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("The guard could not be turned off: {e}");
            ExitCode::FAILURE
        }
    }
}

fn status(places: &Places) -> ExitCode {
    let status = control::status(places);
    println!(
        "The guard is {}{}.",
        if status.on { "on" } else { "off" },
        match (status.on, status.running) {
            (true, true) => " and running",
            (true, false) => ", but not running now (it starts at the next login)",
            (false, true) => ", and the guard running now ends soon",
            (false, false) => "",
        }
    );
    for folder in &status.folders {
        println!(
            "  watches {} (on {})",
            folder.source.display(),
            folder.drive_name
        );
    }
    ExitCode::SUCCESS
}

fn run_here(places: Places, watch: &GuardWatch) -> ExitCode {
    let options = relocator_guard::Options {
        places,
        source: watch.source.clone(),
        tick: TICK,
        notifier: Notifier {
            open: app_beside_me(watch.source.as_deref()),
        },
    };
    match relocator_guard::run(&options) {
        Ok(Ended::TurnedOff) => {
            println!("The guard was turned off.");
            ExitCode::SUCCESS
        }
        Ok(Ended::AlreadyRunning) => {
            println!("The guard is running already.");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("The guard stopped: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The app, when it is installed beside this program: what a
/// notification's action opens.
fn app_beside_me(source: Option<&Path>) -> Option<Start> {
    let me = std::env::current_exe().ok()?;
    let app = me.with_file_name(format!("backup-relocator{}", std::env::consts::EXE_SUFFIX));
    app.is_file().then(|| Start {
        program: app,
        args: source
            .map(|s| vec!["--source".to_owned(), s.to_string_lossy().into_owned()])
            .unwrap_or_default(),
    })
}

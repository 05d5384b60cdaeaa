//! The app's part in the guard (issue 21). Started by its login item as
//! `backup-relocator --guard [--source DIR]`, the app runs
//! the guard without a window (see the `relocator-guard` crate); a
//! notification's action starts the app again, with its window, on the
//! same folder. Preferences turn the guard on and off through `GuardSetup`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use relocator_guard::login_item::Start;
use relocator_guard::notify::Notifier;
use relocator_guard::places::Places;

/// The flag the login item starts the app with.
pub const GUARD_FLAG: &str = "--guard";

/// How long the guard sleeps between two looks at the system.
const TICK: Duration = Duration::from_secs(2);

/// Where the guard's login item goes, and the program it starts.
#[derive(Debug, Clone)]
pub struct GuardSetup {
    /// The login item and the guard's files.
    pub places: Places,
    /// The program the login item starts (this app).
    pub program: PathBuf,
}

impl GuardSetup {
    /// This user's, starting this program (`None` without a home folder).
    #[must_use]
    pub fn current() -> Option<Self> {
        Some(Self {
            places: Places::current()?,
            program: std::env::current_exe().ok()?,
        })
    }

    /// What the login item starts: this app as the guard, watching the
    /// folder `source` if one was chosen instead of the usual ones.
    #[must_use]
    pub fn start(&self, source: Option<&Path>) -> Start {
        let mut args = vec![GUARD_FLAG.to_owned()];
        if let Some(source) = source {
            args.push("--source".to_owned());
            args.push(source.to_string_lossy().into_owned());
        }
        Start {
            program: self.program.clone(),
            args,
        }
    }
}

/// The folder the guard was asked to watch (`--source DIR` after
/// `--guard`), `None` for the usual ones.
fn parse(args: &[OsString]) -> Result<Option<PathBuf>, String> {
    match args {
        [] => Ok(None),
        [flag, folder] if flag == "--source" => Ok(Some(PathBuf::from(folder))),
        [flag] if flag == "--source" => Err("--source needs a folder".to_owned()),
        [other, ..] => Err(format!("unknown argument {}", other.to_string_lossy())),
    }
}

/// Runs the guard when the app was started as one (`--guard` first); the
/// process's exit code then, `None` otherwise.
#[must_use]
pub fn run_if_asked(args: &[OsString]) -> Option<i32> {
    let (first, rest) = args.split_first()?;
    if first != GUARD_FLAG {
        return None;
    }
    let source = match parse(rest) {
        Ok(source) => source,
        Err(e) => {
            eprintln!("{e}");
            return Some(2);
        }
    };
    let Some(setup) = GuardSetup::current() else {
        eprintln!("The guard needs a home folder, and none is set.");
        return Some(1);
    };
    let open = Start {
        program: setup.program.clone(),
        args: source
            .iter()
            .flat_map(|s| ["--source".to_owned(), s.to_string_lossy().into_owned()])
            .collect(),
    };
    let options = relocator_guard::Options {
        places: setup.places,
        source,
        tick: TICK,
        notifier: Notifier { open: Some(open) },
    };
    match relocator_guard::run(&options) {
        Ok(ended) => {
            tracing::info!(?ended, "the guard ended");
            Some(0)
        }
        Err(e) => {
            eprintln!("The guard stopped: {e}");
            Some(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_guards_arguments_are_read_and_bad_ones_refused() {
        assert_eq!(
            parse(&os(&["--source", "/b/Backup"])),
            Ok(Some("/b/Backup".into()))
        );
        assert_eq!(parse(&[]), Ok(None));
        assert!(parse(&os(&["--source"])).is_err());
        assert!(parse(&os(&["--window"])).is_err());
        assert_eq!(run_if_asked(&os(&["--source", "/b"])), None);
        assert_eq!(run_if_asked(&os(&["--guard", "--window"])), Some(2));
    }

    #[test]
    fn the_login_item_starts_this_app_as_the_guard_with_its_settings() {
        let setup = GuardSetup {
            places: Places::of(
                relocator::locations::Platform::Other,
                &relocator::locations::HomeDirs {
                    home: "/home/ana".into(),
                    app_data: None,
                },
                None,
            ),
            program: "/usr/bin/backup-relocator".into(),
        };
        let start = setup.start(Some(Path::new("/b/Backup")));
        assert_eq!(start.args, ["--guard", "--source", "/b/Backup"]);
        // What the login item starts is what the guard reads back.
        assert_eq!(
            parse(&os(&start.args[1..]
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>())),
            Ok(Some("/b/Backup".into()))
        );
    }
}

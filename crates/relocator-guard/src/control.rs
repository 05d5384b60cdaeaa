//! Turning the guard on and off, and asking how it is: what the CLI's
//! `guard on | off | status` and the app's Preferences both call. On
//! makes the login item and starts the guard now; off removes the login
//! item and waits for the running guard to see that and end; a move back
//! forgets its folder and turns the guard off once nothing is left.

use std::fs::File;
use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::login_item::{self, Start};
use crate::places::Places;
use crate::watched::{Folder, Memory};

/// How the guard is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Its login item is there.
    pub on: bool,
    /// A guard is running now.
    pub running: bool,
    /// The folders it watched when it last started.
    pub folders: Vec<Folder>,
}

/// How long `off` waits for a running guard to end.
const PATIENCE: Duration = Duration::from_secs(10);

/// Makes the login item that starts `start` at each login, and starts it
/// now; a guard running with other settings ends first (it sees its login
/// item change), so the new settings hold at once.
pub fn turn_on(places: &Places, start: &Start) -> io::Result<()> {
    let before = login_item::current(places);
    login_item::install(places, start)?;
    if is_running(places) && login_item::current(places) != before {
        // It ends at its next look; one that does not is told apart below
        // (it keeps running, and the new one steps aside).
        let _ = wait_until_ended(places);
    }
    if !is_running(places) {
        login_item::start_now(places, start)?;
    }
    Ok(())
}

/// Removes the login item: nothing starts at login any more, and a
/// running guard ends at its next look.
pub fn turn_off(places: &Places) -> io::Result<()> {
    login_item::remove(places).map(drop)
}

/// Waits (a few seconds at most) for a running guard to end; `true` when
/// none runs any more.
#[must_use]
pub fn wait_until_ended(places: &Places) -> bool {
    let began = Instant::now();
    while is_running(places) {
        if began.elapsed() > PATIENCE {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    true
}

/// The guard's state now.
#[must_use]
pub fn status(places: &Places) -> Status {
    Status {
        on: login_item::is_installed(places),
        running: is_running(places),
        folders: Memory::load(&places.memory()).folders,
    }
}

/// After a move back of `source`: the guard forgets it, and is turned off
/// when it watched nothing else. `true` when it was turned off.
pub fn forget(places: &Places, source: &Path) -> io::Result<bool> {
    let path = places.memory();
    let mut memory = Memory::load(&path);
    let before = memory.folders.len();
    memory.folders.retain(|f| f.source != source);
    if memory.folders.len() != before {
        memory.save(&path)?;
    }
    if memory.folders.is_empty() && login_item::is_installed(places) {
        turn_off(places)?;
        return Ok(true);
    }
    Ok(false)
}

/// Whether a guard holds the lock now.
#[must_use]
pub fn is_running(places: &Places) -> bool {
    let Ok(file) = File::options().read(true).write(true).open(places.lock()) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use relocator::locations::{HomeDirs, Platform};

    #[test]
    fn a_move_back_turns_the_guard_off_only_once_nothing_is_left_to_watch() {
        let home = tempfile::tempdir().unwrap();
        let dirs = HomeDirs {
            home: home.path().to_owned(),
            app_data: None,
        };
        let places = Places::of(Platform::Other, &dirs, None);
        let folder = |name: &str| Folder {
            source: home.path().join(name).join("Backup"),
            copy: home.path().join("drive").join(name).join("Backup"),
            drive_name: "Big Drive".to_owned(),
        };
        let memory = Memory {
            folders: vec![folder("iTunes"), folder("Apple Devices")],
        };
        memory.save(&places.memory()).unwrap();
        let start = Start {
            program: "/bin/true".into(),
            args: Vec::new(),
        };
        login_item::install(&places, &start).unwrap();
        assert!(!is_running(&places));
        assert!(!forget(&places, &folder("iTunes").source).unwrap());
        assert!(status(&places).on);
        assert_eq!(status(&places).folders, [folder("Apple Devices")]);
        assert!(forget(&places, &folder("Apple Devices").source).unwrap());
        let after = status(&places);
        assert!(!after.on && !after.running && after.folders.is_empty());
    }
}

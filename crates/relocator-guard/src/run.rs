//! The guard's loop: one guard at a time (a lock in the settings folder),
//! the watched folders gathered once, then every few seconds a sample of
//! the system compared with the last one, its changes turned into the
//! events each folder's decisions take in, and their notices shown. The
//! drive is read only when it has just been mounted (to know it again) or
//! a backup has just ended (its devices' dates): never to poll it. Its
//! settings are read again at each look (a change holds at once); it ends
//! when its login item is gone (turned off) or changed.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use relocator::guard::{DriveNow, Guard, Notice, Seen, Watched};
use relocator::link::{FolderLink, platform_link};
use relocator::locations::{HomeDirs, Platform, known_locations};

use crate::login_item;
use crate::notify::Notifier;
use crate::places::Places;
use crate::sample::{Change, Sample, Sampler, changes};
use crate::settings::GuardSettings;
use crate::watched::{self, Folder, FolderNow, Memory};
use crate::words;

/// How the guard runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Its files and login item.
    pub places: Places,
    /// Watch this backup folder instead of the usual places.
    pub source: Option<PathBuf>,
    /// How long it sleeps between looks.
    pub tick: Duration,
    /// Shows the notices.
    pub notifier: Notifier,
}

/// Why the guard ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// Its login item is gone (the person turned it off) or changed (on
    /// again with other settings: the guard started from it now runs).
    TurnedOff,
    /// Another guard is running already.
    AlreadyRunning,
}

/// The id the decisions know our copy by: `watched::copy_on` recognises
/// it (by our marker naming the folder), so one fixed id is enough.
const OURS: &str = "ours";

/// Whether this look checks that the login item is still there: every
/// look (a file's metadata), but on Windows, where a check starts
/// `reg.exe`, every third (a turning on again waits for it: see `control`).
fn checks_login_item(look: u32) -> bool {
    !cfg!(windows) || look.is_multiple_of(3)
}

/// One watched folder and its decisions.
struct Watch {
    folder: Folder,
    guard: Guard,
    /// Where the drive is mounted when it is at home (the link's place).
    home: Option<PathBuf>,
    now: FolderNow,
    /// The folder became a real folder again through a move back (its copy
    /// gone from the drive or kept on purpose): no longer watched.
    moved_back: bool,
    /// When the devices' dates were last read from the drive.
    dates_read: Option<std::time::Instant>,
    /// The link now points elsewhere (moved on): to be watched anew.
    relinked: bool,
}

/// How many looks pass between two searches for moved folders while none
/// is watched (a moved folder may come later).
const LOOKS_PER_SEARCH: u32 = 15;

/// How long a device's dates read from the drive stay fresh before an
/// overdue notice reads them again.
const DATES_FRESH: Duration = Duration::from_hours(1);

/// Runs the guard until it is turned off; prints each notice it shows.
pub fn run(options: &Options) -> Result<Ended, String> {
    let places = &options.places;
    std::fs::create_dir_all(&places.config)
        .map_err(|e| format!("{}: {e}", places.config.display()))?;
    // Opened without truncating: another guard may hold it.
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(places.lock())
        .map_err(|e| format!("{}: {e}", places.lock().display()))?;
    if lock.try_lock().is_err() {
        return Ok(Ended::AlreadyRunning);
    }
    // The login item this guard was started from: when it goes or changes,
    // this guard ends.
    let started_from = login_item::current(places);
    let links = platform_link();
    let sources = options
        .source
        .clone()
        .map_or_else(usual_sources, |s| vec![s]);
    let mut sampler = Sampler::default();
    let mut before = sampler.sample();
    let mut settings = GuardSettings::load(&places.settings());
    let mut watches: Vec<Watch> = Vec::new();
    let mut looks = 0_u32;
    let mut search_now = true;
    loop {
        // A folder moved (or moved on) since the last search is watched too.
        if search_now || looks.is_multiple_of(LOOKS_PER_SEARCH) {
            let found = Found {
                sources: &sources,
                links: links.as_ref(),
                sample: &before,
                settings,
            };
            search(places, &found, &mut watches, &options.notifier);
        }
        std::thread::sleep(options.tick);
        looks = looks.wrapping_add(1);
        if checks_login_item(looks) {
            let now = login_item::current(places);
            if now.is_none() || now != started_from {
                return Ok(Ended::TurnedOff);
            }
        }
        let now_set = GuardSettings::load(&places.settings());
        if now_set != settings {
            settings = now_set;
            for watch in &mut watches {
                watch.guard.set_stale_after(settings.stale_after());
            }
        }
        // A folder moved back (forgotten by the app or the CLI) is let go;
        // a memory that cannot be read lets go of nothing.
        if let Some(memory) = Memory::read(&places.memory()) {
            watches.retain(|w| memory.folder(&w.folder.source).is_some());
        }
        let after = sampler.sample();
        let changed = changes(&before, &after);
        for watch in &mut watches {
            watch.look(&changed, links.as_ref(), &options.notifier);
        }
        search_now = watches.iter().any(|w| w.relinked);
        let moved_back: Vec<PathBuf> = watches
            .iter()
            .filter(|w| w.moved_back)
            .map(|w| w.folder.source.clone())
            .collect();
        if !moved_back.is_empty() {
            watches.retain(|w| !w.moved_back);
            if let Some(mut memory) = Memory::read(&places.memory()) {
                memory.folders.retain(|f| !moved_back.contains(&f.source));
                if let Err(e) = memory.save(&places.memory()) {
                    eprintln!("the guard's memory could not be saved: {e}");
                }
            }
        }
        before = after;
    }
}

/// What a search for moved folders works from.
struct Found<'a> {
    sources: &'a [PathBuf],
    links: &'a dyn FolderLink,
    sample: &'a Sample,
    settings: GuardSettings,
}

/// Watches each moved folder not watched yet, and one whose link now
/// points elsewhere (moved on) anew; remembers them for the next start. A
/// drive is read only for a folder new to the watch (its name).
fn search(places: &Places, found: &Found<'_>, watches: &mut Vec<Watch>, notifier: &Notifier) {
    let mut memory = Memory::load(&places.memory());
    let known: Vec<(PathBuf, String)> = watches
        .iter()
        .map(|w| (w.folder.copy.clone(), w.folder.drive_name.clone()))
        .collect();
    let folders = watched::gather(found.sources, &memory, found.links, &|copy| {
        known
            .iter()
            .find(|(k, _)| k == copy)
            .map(|(_, name)| name.clone())
            .or_else(|| {
                copy.is_dir()
                    .then(|| relocator::volume::volume_of(copy).ok())
                    .flatten()
                    .map(|v| v.display_name())
            })
    });
    let mut changed = false;
    for folder in folders {
        let at = watches
            .iter()
            .position(|w| w.folder.source == folder.source);
        if at.is_some_and(|i| watches[i].folder.copy == folder.copy) {
            continue;
        }
        let mut watch = Watch::new(
            folder,
            found.sample,
            found.links,
            found.settings.stale_after(),
        );
        watch.first_look(found.sample, notifier);
        match at {
            Some(i) => watches[i] = watch,
            None => watches.push(watch),
        }
        changed = true;
    }
    if changed {
        memory.folders = watches.iter().map(|w| w.folder.clone()).collect();
        if let Err(e) = memory.save(&places.memory()) {
            eprintln!("the guard's memory could not be saved: {e}");
        }
    }
}

/// The usual backup folders on this system.
fn usual_sources() -> Vec<PathBuf> {
    HomeDirs::from_environment()
        .map(|dirs| {
            known_locations(Platform::current(), &dirs)
                .into_iter()
                .map(|l| l.path)
                .collect()
        })
        .unwrap_or_default()
}

/// The mount point holding `path` among `mounts`: the longest prefix.
fn mount_of<'a>(path: &Path, mounts: &'a Sample) -> Option<(&'a PathBuf, bool)> {
    mounts
        .mounts
        .iter()
        .filter(|(root, _)| path.starts_with(root))
        .max_by_key(|(root, _)| root.components().count())
        .map(|(root, writable)| (root, *writable))
}

impl Watch {
    fn new(folder: Folder, sample: &Sample, links: &dyn FolderLink, stale_after: Duration) -> Self {
        let present = folder.copy.is_dir();
        let mount = present.then(|| mount_of(&folder.copy, sample)).flatten();
        let home = mount.map(|(root, _)| root.clone());
        let drive = match mount {
            Some((_, writable)) => DriveNow::Here { writable },
            None => DriveNow::Missing,
        };
        let devices = if present {
            watched::devices_in(&folder.copy)
        } else {
            Vec::new()
        };
        let watched = Watched {
            drive_name: folder.drive_name.clone(),
            drive_root: home
                .clone()
                .unwrap_or_else(|| folder.copy.parent().unwrap_or(&folder.copy).to_owned()),
            record_id: OURS.to_owned(),
            devices,
        };
        let now = watched::folder_now(&folder.source, links);
        Self {
            guard: Guard::new(watched, drive, stale_after),
            folder,
            home,
            now,
            moved_back: false,
            dates_read: present.then(std::time::Instant::now),
            relinked: false,
        }
    }

    /// What is worth saying as watching begins: a link replaced while no
    /// guard ran, a drive mounted elsewhere already, a device late.
    fn first_look(&mut self, sample: &Sample, notifier: &Notifier) {
        let mut first = vec![Seen::Clock {
            now: SystemTime::now(),
        }];
        if self.now == FolderNow::RealFolder {
            first.push(Seen::LinkReplaced);
        }
        if self.home.is_none() {
            for (root, writable) in &sample.mounts {
                self.translate(
                    &Change::Mounted {
                        root: root.clone(),
                        writable: *writable,
                    },
                    &mut first,
                );
            }
        }
        self.tell(first, notifier);
    }

    /// One look: the system's changes, the link, the clock.
    fn look(&mut self, changed: &[Change], links: &dyn FolderLink, notifier: &Notifier) {
        let mut seen = Vec::new();
        for change in changed {
            self.translate(change, &mut seen);
        }
        // While an operation holds the folder (a move back, a merge), its
        // link comes and goes on purpose: looked at once it is done.
        if !relocator::journal::Lock::held_elsewhere(&self.folder.source) {
            self.look_at_folder(links, &mut seen);
        }
        let now = SystemTime::now();
        // Before saying a device is late, its dates are read again from the
        // drive (at most once an hour, and only when it is here).
        if self.home.is_some()
            && self.guard.would_tell_overdue(now)
            && self.dates_read.is_none_or(|at| at.elapsed() > DATES_FRESH)
        {
            self.read_backups(&mut seen);
        }
        seen.push(Seen::Clock { now });
        self.tell(seen, notifier);
    }

    /// The root the decisions know the drive at home by.
    fn home_root(&self) -> PathBuf {
        self.guard.watched().drive_root.clone()
    }

    /// Turns one change of the system into what this folder's decisions see.
    fn translate(&mut self, change: &Change, seen: &mut Vec<Seen>) {
        match change {
            Change::Mounted { root, writable } => {
                let Some(found) = watched::copy_on(root, &self.folder) else {
                    return;
                };
                if found == self.folder.copy {
                    self.home = Some(root.clone());
                    seen.push(Seen::DriveMounted {
                        root: self.home_root(),
                        writable: *writable,
                        record_id: Some(OURS.to_owned()),
                    });
                    self.read_backups(seen);
                } else {
                    seen.push(Seen::DriveMounted {
                        root: found,
                        writable: *writable,
                        record_id: Some(OURS.to_owned()),
                    });
                }
            }
            Change::Unmounted { root } => {
                let root = if self.home.as_ref() == Some(root) {
                    self.home = None;
                    self.home_root()
                } else {
                    // Elsewhere, the decisions know the drive by its copy's place.
                    match self.guard.drive() {
                        DriveNow::Elsewhere { root: at } if at.starts_with(root) => at.clone(),
                        _ => root.clone(),
                    }
                };
                seen.push(Seen::DriveUnmounted { root });
            }
            Change::DeviceConnected { name } => {
                seen.push(Seen::DeviceConnected { name: name.clone() });
            }
            Change::BackupStarting => seen.push(Seen::BackupStarting),
            Change::BackupEnded => {
                if self.home.is_some() {
                    self.read_backups(seen);
                }
            }
        }
    }

    /// Each device's last backup, read from the copy (the drive is awake:
    /// it was just mounted, or a backup just ended).
    fn read_backups(&mut self, seen: &mut Vec<Seen>) {
        self.dates_read = Some(std::time::Instant::now());
        for device in watched::devices_in(&self.folder.copy) {
            if let Some(at) = device.last_backup {
                seen.push(Seen::BackedUp {
                    udid: device.udid,
                    name: device.name,
                    at,
                });
            }
        }
    }

    /// Whether the link is still a link (read on this computer's disk).
    fn look_at_folder(&mut self, links: &dyn FolderLink, seen: &mut Vec<Seen>) {
        let now = watched::folder_now(&self.folder.source, links);
        if now == self.now {
            return;
        }
        match &now {
            // With the drive here, a copy gone or kept on purpose means a
            // move back, not an update (read once, as the link changed).
            FolderNow::RealFolder if self.home.is_some() && !watched::copy_in_use(&self.folder) => {
                self.moved_back = true;
            }
            FolderNow::RealFolder => seen.push(Seen::LinkReplaced),
            FolderNow::Link(target) if *target != self.folder.copy => self.relinked = true,
            FolderNow::Link(_) => seen.push(Seen::LinkRestored),
            FolderNow::Absent => {}
        }
        self.now = now;
    }

    fn tell(&mut self, seen: Vec<Seen>, notifier: &Notifier) {
        for event in seen {
            for notice in self.guard.see(event) {
                say(&notice, &self.folder, notifier);
            }
        }
    }
}

/// Shows `notice` and prints it (the guard's own record, for a log).
fn say(notice: &Notice, folder: &Folder, notifier: &Notifier) {
    let message = words::message(notice, &folder.drive_name);
    match notifier.show(&message) {
        Ok(()) => println!("notified: {}: {}", message.summary, message.body),
        Err(e) => eprintln!("could not show \"{}\": {e}", message.summary),
    }
}

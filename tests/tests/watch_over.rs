//! Issue 21, end to end on Linux: the guard turned on over backups moved
//! to a loop-mounted drive, watched from a private session bus where a
//! stand-in notification service records every notification. The drive
//! unmounted and a process named like Apple's backup process started:
//! exactly one notification, naming the drive. The link replaced by a
//! folder holding a new device's backup: one more; `merge` brings it to
//! the drive, every byte compared. Off: no login item left, the guard gone.

#![cfg(target_os = "linux")]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use relocator_tests::{Drive, DriveKind, digest, scratch, small_backup, source_to, stderr};

const CLI: &str = env!("CARGO_BIN_EXE_cli-under-test");

/// A private session bus with the stand-in notification service on it.
struct Bus {
    daemon: Child,
    service: Child,
    address: String,
    log: PathBuf,
}

impl Bus {
    fn start(dir: &Path) -> Self {
        let socket = dir.join("bus");
        let address = format!("unix:path={}", socket.display());
        let daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile"])
            .arg(format!("--address={address}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (scripts/setup.sh tests installs it)");
        wait_for("the session bus", || socket.exists());
        let log = dir.join("notifications.jsonl");
        let ready = dir.join("service-ready");
        let service = Command::new("/usr/bin/python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/notification_service.py"))
            .args([address.as_str()])
            .args([&log, &ready])
            .spawn()
            .expect("python3 with GObject introspection (scripts/setup.sh tests)");
        wait_for("the notification service", || ready.exists());
        Self {
            daemon,
            service,
            address,
            log,
        }
    }

    /// Every notification shown so far.
    fn shown(&self) -> Vec<serde_json::Value> {
        fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Waits until `count` notifications were shown, then a few of the
    /// guard's looks more, and returns them all (a second one would show).
    fn settled_at(&self, count: usize) -> Vec<serde_json::Value> {
        wait_for(&format!("notification {count}"), || {
            self.shown().len() >= count
        });
        std::thread::sleep(Duration::from_secs(5));
        self.shown()
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        for child in [&mut self.service, &mut self.daemon] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn wait_for(what: &str, done: impl Fn() -> bool) {
    let began = Instant::now();
    while !done() {
        assert!(
            began.elapsed() < Duration::from_secs(20),
            "{what} did not come within 20 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The CLI as the person's session runs it: their home, their bus.
fn cli(home: &Path, bus: &Bus, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(CLI)
        .args(args)
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(args: &[&str]) -> Vec<std::ffi::OsString> {
    args.iter().map(std::ffi::OsString::from).collect()
}

fn os(args: &[std::ffi::OsString]) -> Vec<&std::ffi::OsStr> {
    args.iter().map(std::ffi::OsString::as_os_str).collect()
}

/// Turns the guard off when the test ends, passed or not.
struct TurnedOffAtTheEnd<'a> {
    home: &'a Path,
    bus: &'a Bus,
}

impl Drop for TurnedOffAtTheEnd<'_> {
    fn drop(&mut self) {
        let _ = cli(self.home, self.bus, &os(&text(&["guard", "off"])));
    }
}

#[test]
fn the_guard_tells_once_of_a_missing_drive_and_of_a_replaced_link_which_merge_mends() {
    if relocator_tests::skipped_here(true) {
        return;
    }
    let dir = scratch();
    let home = dir.path().join("home");
    let source = home.join("MobileSync/Backup");
    small_backup(&source, 2101, 12);
    let drive = Drive::of_kind(DriveKind::Ext4, 160 << 20);
    let moved = relocator_tests::run(
        CLI,
        &source_to(
            "move",
            &source,
            drive.path(),
            &["--yes", "--quiet-minutes", "0"],
        ),
    );
    assert!(moved.status.success(), "{}", stderr(&moved));
    let copy = drive.path().join("Backup");
    let drive_name = relocator::volume::volume_of(&copy).unwrap().display_name();
    let before_on_drive = digest(&copy);
    let bus = Bus::start(dir.path());

    // On: a login item, and the guard running from it.
    let mut on = text(&["guard", "on", "--stale-days", "36500", "--source"]);
    on.push(source.clone().into_os_string());
    let out = cli(&home, &bus, &os(&on));
    assert!(out.status.success(), "{}", stderr(&out));
    let _off = TurnedOffAtTheEnd {
        home: &home,
        bus: &bus,
    };
    let login_item = home.join(".config/autostart/backup-relocator-guard.desktop");
    let entry = fs::read_to_string(&login_item).unwrap();
    // The app beside the CLI when it is built (`--guard`), else the CLI.
    assert!(
        entry.contains(" --guard --source") || entry.contains(" guard run --source"),
        "{entry}"
    );
    wait_for("the guard to run", || {
        let status = cli(&home, &bus, &os(&text(&["guard", "status"])));
        let said = String::from_utf8_lossy(&status.stdout).into_owned();
        said.contains("on and running") && said.contains(&source.display().to_string())
    });

    // The drive unmounted: nothing to say until a backup comes.
    drive.unplug();
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(bus.shown(), Vec::<serde_json::Value>::new());
    let backup_process = dir.path().join("AppleMobileBackup");
    fs::copy("/bin/sleep", &backup_process).unwrap();
    let mut backing_up = Command::new(&backup_process).arg("60").spawn().unwrap();
    let shown = bus.settled_at(1);
    let _ = backing_up.kill();
    let _ = backing_up.wait();
    assert_eq!(shown.len(), 1, "{shown:#?}");
    let summary = shown[0]["summary"].as_str().unwrap();
    assert_eq!(summary, format!("Connect {drive_name}"), "{shown:#?}");
    assert_eq!(
        shown[0]["actions"][1], "Open Backup Relocator",
        "{shown:#?}"
    );

    // Back, then an update replaces the link with a folder of new backups.
    assert!(drive.replug(), "the drive could not be mounted again");
    std::thread::sleep(Duration::from_secs(3));
    let new_device = relocator_tests::link_replaced_by_a_new_backup(&source, dir.path(), 2102);
    let new_backup = digest(&source.join(&new_device));
    let shown = bus.settled_at(2);
    assert_eq!(shown.len(), 2, "{shown:#?}");
    assert_eq!(
        shown[1]["summary"],
        "New backups are on this computer again"
    );
    assert!(
        shown[1]["body"].as_str().unwrap().contains(&drive_name),
        "{shown:#?}"
    );

    // The merge brings the new device's backup to the drive; the link is back.
    let mut merge = text(&["merge", "--yes", "--quiet-minutes", "0", "--source"]);
    merge.push(source.clone().into_os_string());
    let out = cli(&home, &bus, &os(&merge));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read_link(&source).unwrap(), copy);
    assert_eq!(digest(&copy.join(&new_device)), new_backup);
    let mut after = digest(&copy);
    after.retain(|path, _| !path.starts_with(&new_device));
    assert_eq!(after, before_on_drive, "the drive's own backups changed");
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(bus.shown().len(), 2, "the restored link said something");

    // Off: no login item, and the guard ends.
    let out = cli(&home, &bus, &os(&text(&["guard", "off"])));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!login_item.exists());
    let status = cli(&home, &bus, &os(&text(&["guard", "status"])));
    assert!(
        String::from_utf8_lossy(&status.stdout).starts_with("The guard is off."),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );
}

//! The guard's login item on each system, made and removed without
//! administrator rights: a `LaunchAgent` in `~/Library/LaunchAgents`
//! (macOS), a value under `HKCU\…\Run` (Windows), an XDG autostart entry
//! (Linux). What each holds is a pure function of the command it starts;
//! `install`, `remove` and `is_installed` write, delete and look.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use relocator::locations::Platform;

use crate::places::{LAUNCH_AGENT_LABEL, LOGIN_ITEM_NAME, Places};

/// The per-user key Windows starts programs from at login.
const RUN_KEY: &str = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run";

/// What the login item starts: a program and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    /// The program (this one, wherever it is installed).
    pub program: PathBuf,
    /// Its arguments (`--guard …` for the app, `guard run …` for the CLI).
    pub args: Vec<String>,
}

impl Start {
    fn program_text(&self) -> io::Result<&str> {
        self.program.to_str().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "the program's path {} is not valid Unicode, which a login item needs",
                    self.program.display()
                ),
            )
        })
    }
}

/// An XDG autostart entry (the Desktop Entry specification): `TryExec`
/// makes a session skip it once the program is uninstalled.
pub fn desktop_entry(start: &Start) -> io::Result<String> {
    let program = start.program_text()?;
    let exec: Vec<String> = std::iter::once(program)
        .chain(start.args.iter().map(String::as_str))
        .map(exec_quoted)
        .collect();
    Ok(format!(
        "[Desktop Entry]\nType=Application\nName={LOGIN_ITEM_NAME}\nComment=Watches over your moved iPhone and iPad backups\nExec={}\nTryExec={}\nTerminal=false\nNoDisplay=true\nX-GNOME-Autostart-enabled=true\n",
        exec.join(" "),
        program.replace('\\', "\\\\")
    ))
}

/// One argument of an `Exec` key: quoted when it holds a reserved
/// character, with `"`, `` ` ``, `$` and `\` escaped inside the quotes;
/// a `%` is doubled (field codes), and the value's own `\` escaped again.
fn exec_quoted(arg: &str) -> String {
    let reserved = |c: char| " \t\n\"'\\><~|&;$*?#()`".contains(c);
    let mut out = arg.replace('%', "%%");
    if out.is_empty() || out.contains(reserved) {
        let mut quoted = String::from("\"");
        for c in out.chars() {
            if matches!(c, '"' | '`' | '$' | '\\') {
                quoted.push('\\');
            }
            quoted.push(c);
        }
        quoted.push('"');
        out = quoted;
    }
    // The key's value is itself a string whose `\` is an escape.
    out.replace('\\', "\\\\")
}

/// A `LaunchAgent` (launchd.plist(5)): started at login, in the
/// background (launchd may throttle it, which suits a guard that sleeps).
pub fn launch_agent(start: &Start) -> io::Result<Vec<u8>> {
    let mut arguments = vec![plist::Value::from(start.program_text()?)];
    arguments.extend(start.args.iter().map(|a| plist::Value::from(a.as_str())));
    let mut dict = plist::Dictionary::new();
    dict.insert("Label".into(), LAUNCH_AGENT_LABEL.into());
    dict.insert("ProgramArguments".into(), plist::Value::Array(arguments));
    dict.insert("RunAtLoad".into(), true.into());
    dict.insert("ProcessType".into(), "Background".into());
    let mut bytes = Vec::new();
    plist::Value::Dictionary(dict)
        .to_writer_xml(&mut bytes)
        .map_err(io::Error::other)?;
    Ok(bytes)
}

/// The command line a `Run` value holds: each part quoted as Windows'
/// `CommandLineToArgvW` reads it back.
pub fn run_value(start: &Start) -> io::Result<String> {
    let program = start.program_text()?;
    Ok(std::iter::once(program)
        .chain(start.args.iter().map(String::as_str))
        .map(windows_quoted)
        .collect::<Vec<_>>()
        .join(" "))
}

fn windows_quoted(arg: &str) -> String {
    if !arg.is_empty() && !arg.contains([' ', '\t', '"']) {
        return arg.to_owned();
    }
    let mut out = String::from("\"");
    let mut backslashes = 0;
    for c in arg.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                // The backslashes before it doubled, and one for the quote.
                out.push_str(&"\\".repeat(backslashes + 1));
                backslashes = 0;
            }
            _ => backslashes = 0,
        }
        if c == '"' {
            out.push('"');
        } else {
            out.push(c);
        }
    }
    out.push_str(&"\\".repeat(backslashes));
    out.push('"');
    out
}

/// Makes the login item (replacing one made earlier).
pub fn install(places: &Places, start: &Start) -> io::Result<()> {
    match places.platform {
        Platform::Windows => reg(&[
            "add",
            RUN_KEY,
            "/v",
            LOGIN_ITEM_NAME,
            "/t",
            "REG_SZ",
            "/d",
            &run_value(start)?,
            "/f",
        ]),
        Platform::MacOs => write_file(&places.login_item, &launch_agent(start)?),
        Platform::Other => write_file(&places.login_item, desktop_entry(start)?.as_bytes()),
    }
}

/// Removes the login item; `true` when there was one.
pub fn remove(places: &Places) -> io::Result<bool> {
    if !is_installed(places) {
        return Ok(false);
    }
    match places.platform {
        Platform::Windows => reg(&["delete", RUN_KEY, "/v", LOGIN_ITEM_NAME, "/f"])?,
        Platform::MacOs | Platform::Other => std::fs::remove_file(&places.login_item)?,
    }
    Ok(true)
}

/// Whether the login item is there.
#[must_use]
pub fn is_installed(places: &Places) -> bool {
    current(places).is_some()
}

/// What the login item holds now (`None` when there is none): a guard
/// started from it ends when it changes (turned off, or on again with other
/// settings).
#[must_use]
pub fn current(places: &Places) -> Option<String> {
    match places.platform {
        Platform::Windows => reg_command(&["query", RUN_KEY, "/v", LOGIN_ITEM_NAME])
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned()),
        Platform::MacOs | Platform::Other => std::fs::read_to_string(&places.login_item).ok(),
    }
}

/// `reg.exe` with `args`, without a console window flashing up.
fn reg_command(args: &[&str]) -> Command {
    let mut command = Command::new("reg");
    command.args(args).stdin(Stdio::null());
    without_a_window(&mut command);
    command
}

/// On Windows a console program started from a program without a console
/// opens a window of its own unless told not to (`CREATE_NO_WINDOW`).
pub fn without_a_window(command: &mut Command) {
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt as _;
        const CREATE_NO_WINDOW: u32 = 0x0800_0000;
        command.creation_flags(CREATE_NO_WINDOW);
    }
    let _ = command;
}

fn reg(args: &[&str]) -> io::Result<()> {
    let out = reg_command(args).output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "reg {} failed: {}",
            args[0],
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// Writes `bytes` to `path` whole (a temporary file renamed over it).
fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let at = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(at)?;
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, bytes).map_err(at)?;
    std::fs::rename(&temporary, path).map_err(at)
}

/// Starts the guard now, as the login item would at the next login, on
/// its own (its output nowhere, not waited for). On macOS launchd starts
/// it from the `LaunchAgent` (`launchctl bootstrap`), so that it is one
/// process launchd knows, not two.
pub fn start_now(places: &Places, start: &Start) -> io::Result<()> {
    if places.platform == Platform::MacOs {
        let domain = format!("gui/{}", user_id());
        // A bootstrap of an agent already loaded fails harmlessly.
        let _ = Command::new("launchctl")
            .args(["bootout", &format!("{domain}/{LAUNCH_AGENT_LABEL}")])
            .output();
        let out = Command::new("launchctl")
            .arg("bootstrap")
            .arg(&domain)
            .arg(&places.login_item)
            .output()?;
        return if out.status.success() {
            Ok(())
        } else {
            Err(io::Error::other(
                String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            ))
        };
    }
    let mut command = Command::new(&start.program);
    command
        .args(&start.args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // On its own: closing the terminal it was turned on from does not end it.
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        command.process_group(0);
    }
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt as _;
        const DETACHED_PROCESS: u32 = 0x0000_0008;
        const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
        command.creation_flags(DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP);
    }
    command.spawn().map(drop)
}

/// The user's id, for launchd's per-user domain.
fn user_id() -> String {
    Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "501".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(program: &str, args: &[&str]) -> Start {
        Start {
            program: program.into(),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    #[test]
    fn an_autostart_entry_quotes_what_the_specification_reserves() {
        let entry = desktop_entry(&start(
            "/opt/Backup Relocator/backup-relocator",
            &["--guard", "--source", "/home/ana/my $backups/100%"],
        ))
        .unwrap();
        assert!(entry.starts_with("[Desktop Entry]\nType=Application\n"));
        assert!(
            entry.contains(
                "Exec=\"/opt/Backup Relocator/backup-relocator\" --guard --source \"/home/ana/my \\\\$backups/100%%\"\n"
            ),
            "{entry}"
        );
        assert!(entry.contains("TryExec=/opt/Backup Relocator/backup-relocator\n"));
    }

    #[test]
    fn a_launch_agent_starts_the_program_with_its_arguments_at_login() {
        let bytes = launch_agent(&start(
            "/Applications/Backup Relocator.app/Contents/MacOS/backup-relocator",
            &["--guard"],
        ))
        .unwrap();
        let value = plist::Value::from_reader_xml(bytes.as_slice()).unwrap();
        let dict = value.as_dictionary().unwrap();
        assert_eq!(dict["Label"].as_string(), Some(LAUNCH_AGENT_LABEL));
        assert_eq!(dict["RunAtLoad"].as_boolean(), Some(true));
        let args: Vec<&str> = dict["ProgramArguments"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(plist::Value::as_string)
            .collect();
        assert_eq!(
            args,
            [
                "/Applications/Backup Relocator.app/Contents/MacOS/backup-relocator",
                "--guard"
            ]
        );
    }

    #[test]
    fn a_run_value_reads_back_as_the_same_arguments_on_windows() {
        let value = run_value(&start(
            r"C:\Program Files\Backup Relocator\backup-relocator.exe",
            &["--guard", "--source", r#"D:\odd "name"\"#, "plain"],
        ))
        .unwrap();
        assert_eq!(
            value,
            r#""C:\Program Files\Backup Relocator\backup-relocator.exe" --guard --source "D:\odd \"name\"\\" plain"#
        );
    }

    #[test]
    fn a_login_item_made_is_found_and_removed_once() {
        let home = tempfile::tempdir().unwrap();
        let dirs = relocator::locations::HomeDirs {
            home: home.path().to_owned(),
            app_data: None,
        };
        for platform in [Platform::Other, Platform::MacOs] {
            let places = Places::of(platform, &dirs, None);
            assert!(!is_installed(&places));
            install(&places, &start("/usr/bin/backup-relocator", &["--guard"])).unwrap();
            assert!(is_installed(&places), "{platform:?}");
            assert!(remove(&places).unwrap());
            assert!(!is_installed(&places));
            assert!(!remove(&places).unwrap());
            // Nothing else is left in its folder (no temporary file).
            let folder = places.login_item.parent().unwrap();
            assert_eq!(
                std::fs::read_dir(folder).unwrap().count(),
                0,
                "{platform:?}"
            );
        }
    }

    /// Windows (and Wine): the Run value written, read back, removed.
    #[cfg(windows)]
    #[test]
    fn a_run_value_is_made_in_the_registry_and_removed() {
        let home = tempfile::tempdir().unwrap();
        let dirs = relocator::locations::HomeDirs {
            home: home.path().to_owned(),
            app_data: None,
        };
        let places = Places::of(Platform::Windows, &dirs, None);
        let _ = remove(&places);
        assert!(!is_installed(&places));
        let start = start(
            r"C:\Program Files\Backup Relocator\backup-relocator.exe",
            &["--guard"],
        );
        install(&places, &start).unwrap();
        let read = current(&places).unwrap();
        assert!(read.contains(&run_value(&start).unwrap()), "{read}");
        assert!(remove(&places).unwrap());
        assert!(!is_installed(&places));
    }
}

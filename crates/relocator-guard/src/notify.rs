//! Shows a message as a system notification. Linux and the BSDs: the
//! desktop's notification service over D-Bus
//! (`org.freedesktop.Notifications`, through `notify-rust`), with one
//! action, "Open Backup Relocator", that starts the app; the action is
//! waited for on a thread of its own. macOS: `osascript`'s `display
//! notification` (the texts passed as arguments, never as script), which
//! has no action. Windows: a toast through PowerShell's Windows Runtime
//! bridge (the texts passed in environment variables), no action either.

use std::io;

use crate::login_item::Start;
use crate::words::Message;

/// The notification's one action's label.
pub const OPEN_ACTION: &str = "Open Backup Relocator";

/// Shows notifications; `open` is what the action starts.
#[derive(Debug, Clone)]
pub struct Notifier {
    /// The app, started by the action (none when it cannot be found).
    pub open: Option<Start>,
}

impl Notifier {
    /// Shows `message`.
    pub fn show(&self, message: &Message) -> io::Result<()> {
        show(message, self.open.as_ref())
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
fn show(message: &Message, open: Option<&Start>) -> io::Result<()> {
    let mut notification = notify_rust::Notification::new();
    notification
        .appname("Backup Relocator")
        .summary(&message.summary)
        .body(&message.body)
        .icon("backup-relocator");
    if open.is_some() {
        // "default" is the action a click on the notification itself runs.
        notification.action("default", OPEN_ACTION);
    }
    let handle = notification.show().map_err(io::Error::other)?;
    if let Some(open) = open.cloned() {
        std::thread::Builder::new()
            .name("notification action".to_owned())
            .spawn(move || {
                handle.wait_for_action(|action| {
                    if action == "default" {
                        let _ = std::process::Command::new(&open.program)
                            .args(&open.args)
                            .spawn();
                    }
                });
            })?;
    }
    Ok(())
}

#[cfg(target_os = "macos")]
fn show(message: &Message, _open: Option<&Start>) -> io::Result<()> {
    let status = std::process::Command::new("osascript")
        .args([
            "-e",
            "on run argv",
            "-e",
            "display notification (item 2 of argv) with title \"Backup Relocator\" subtitle (item 1 of argv)",
            "-e",
            "end run",
        ])
        .arg(&message.summary)
        .arg(&message.body)
        .status()?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| io::Error::other("osascript could not show the notification"))
}

#[cfg(windows)]
fn show(message: &Message, _open: Option<&Start>) -> io::Result<()> {
    /// Windows shows toasts only for a known app id: PowerShell's own.
    const SCRIPT: &str = r#"
$null = [Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime]
$xml = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)
$texts = $xml.GetElementsByTagName('text')
$null = $texts.Item(0).AppendChild($xml.CreateTextNode($env:RELOCATOR_SUMMARY))
$null = $texts.Item(1).AppendChild($xml.CreateTextNode($env:RELOCATOR_BODY))
$app = '{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\WindowsPowerShell\v1.0\powershell.exe'
[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier($app).Show([Windows.UI.Notifications.ToastNotification]::new($xml))
"#;
    let mut command = std::process::Command::new("powershell");
    command
        .args(["-NoProfile", "-NonInteractive", "-Command", SCRIPT])
        .env("RELOCATOR_SUMMARY", &message.summary)
        .env("RELOCATOR_BODY", &message.body);
    crate::login_item::without_a_window(&mut command);
    let status = command.status()?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| io::Error::other("PowerShell could not show the notification"))
}

//! The guard's notices in words: a short title and one or two sentences,
//! each notice worded here and nowhere else.

use relocator::guard::Notice;

/// A notification's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The title: what happened, naming the drive or the device.
    pub summary: String,
    /// What it means and what to do.
    pub body: String,
}

/// The words for `notice` about backups whose drive is `drive`.
#[must_use]
pub fn message(notice: &Notice, drive: &str) -> Message {
    let (summary, body) = match notice {
        Notice::ConnectDrive { drive, device } => (
            format!("Connect {drive}"),
            format!(
                "{} backs up there. Until the drive is connected, backups fail.",
                device
                    .as_deref()
                    .map_or_else(|| "Your iPhone or iPad".to_owned(), |d| format!("Your {d}"))
            ),
        ),
        Notice::DriveReadOnly { drive } => (
            format!("{drive} cannot be written"),
            "Backups cannot be saved on it: it is read-only or locked. Unlock it, or connect it again, before the next backup.".to_owned(),
        ),
        Notice::DriveElsewhere { drive, root } => (
            format!("{drive} is connected under another name"),
            format!(
                "Your backups are at {}, where the link does not point. Open Backup Relocator to link them again.",
                root.display()
            ),
        ),
        Notice::BackupsOnComputer => (
            "New backups are on this computer again".to_owned(),
            format!(
                "An update replaced the link to {drive} with a folder. Open Backup Relocator to bring the new backups to the drive."
            ),
        ),
        Notice::Overdue { device, days } => (
            format!(
                "{device} has not backed up for {days} {}",
                if *days == 1 { "day" } else { "days" }
            ),
            format!(
                "Its backups are on {drive}. Connect the drive and the {device} to this computer to back it up."
            ),
        ),
    };
    Message { summary, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_notice_names_the_drive_or_the_device() {
        let connect = message(
            &Notice::ConnectDrive {
                drive: "Big Drive".into(),
                device: Some("iPhone".into()),
            },
            "Big Drive",
        );
        assert_eq!(connect.summary, "Connect Big Drive");
        assert!(connect.body.starts_with("Your iPhone backs up there."));
        let replaced = message(&Notice::BackupsOnComputer, "Big Drive");
        assert!(replaced.body.contains("link to Big Drive"));
        let overdue = message(
            &Notice::Overdue {
                device: "Ana's iPad".into(),
                days: 1,
            },
            "Big Drive",
        );
        assert_eq!(overdue.summary, "Ana's iPad has not backed up for 1 day");
    }
}

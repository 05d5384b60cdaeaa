//! The command-line arguments.

use std::path::{Path, PathBuf};

use clap::builder::{OsStringValueParser, TypedValueParser as _};

use clap::{Parser, Subcommand, ValueEnum};

/// Moves iPhone and iPad backups to a bigger drive and leaves a link behind,
/// safely, and moves them back.
#[derive(Debug, Parser)]
#[command(name = "backup-relocator-cli", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How thoroughly to check the copy.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum VerifyArg {
    /// Names, sizes, times and link targets.
    Sizes,
    /// Also every file's content, read back and compared byte for byte.
    Full,
}

/// What every operation that changes things takes.
impl From<VerifyArg> for relocator::verify::VerifyMode {
    fn from(arg: VerifyArg) -> Self {
        match arg {
            VerifyArg::Sizes => Self::Sizes,
            VerifyArg::Full => Self::Full,
        }
    }
}

/// The finishing gate: how long a backup must have been quiet.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct GateArgs {
    /// A device backup whose newest file changed less than this many
    /// minutes ago may still be being written, and is not moved.
    #[arg(long, value_name = "MINUTES", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(0..=10_080))]
    pub quiet_minutes: u64,
}

impl GateArgs {
    /// The core's rules with this quiet period.
    pub fn policy(self) -> relocator::freshness::Policy {
        relocator::freshness::Policy {
            quiet_period: std::time::Duration::from_secs(self.quiet_minutes * 60),
            ..relocator::freshness::Policy::default()
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// How thoroughly to check the copy before anything is deleted.
    #[arg(long, value_enum, default_value = "full")]
    pub verify: VerifyArg,
    /// Do not ask before starting (warnings are still shown).
    #[arg(long)]
    pub yes: bool,
    /// Print progress and the result as JSON lines.
    #[arg(long)]
    pub json: bool,
    /// The finishing gate.
    #[command(flatten)]
    pub gate: GateArgs,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show every backup folder, its state, size and devices.
    Status {
        /// Look at this backup folder instead of the usual places.
        #[arg(value_parser = typed_path(), long)]
        source: Option<PathBuf>,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
        /// Mark devices not backed up for more than this many days.
        #[arg(long, value_name = "DAYS", default_value_t = 7,
              value_parser = clap::value_parser!(u64).range(0..=36_500))]
        stale_days: u64,
    },
    /// Point a link that dangles (its drive came back under another name or
    /// drive letter) at the same backups where they are now. A link change
    /// only: nothing is copied or deleted. `status` shows where they are.
    Relink {
        /// The backup folder (a link that dangles).
        #[arg(value_parser = typed_path(), long)]
        source: PathBuf,
        /// Where the backups are now (default: the one place `status` finds).
        #[arg(value_parser = typed_path(), long)]
        to: Option<PathBuf>,
        /// Do not ask before changing the link.
        #[arg(long)]
        yes: bool,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check each device backup: its details, its file list, and every
    /// listed file on disk with its size (exit 1 when any is damaged).
    Health {
        /// Check this backup folder instead of the usual places.
        #[arg(value_parser = typed_path(), long)]
        source: Option<PathBuf>,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
        /// The finishing gate.
        #[command(flatten)]
        gate: GateArgs,
    },
    /// Count the bytes and files of a folder.
    Scan {
        #[arg(value_parser = typed_path())]
        /// The folder.
        dir: PathBuf,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Check whether the backups can be moved into a folder.
    Check {
        /// The backup folder.
        #[arg(value_parser = typed_path(), long)]
        source: PathBuf,
        /// The folder to move them into (they become <DIR>/Backup).
        #[arg(value_parser = typed_path(), long)]
        to: PathBuf,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
        /// The finishing gate.
        #[command(flatten)]
        gate: GateArgs,
    },
    /// Move the backups into a folder on another drive and leave a link behind.
    Move {
        /// The backup folder.
        #[arg(value_parser = typed_path(), long)]
        source: PathBuf,
        /// The folder to move them into (they become <DIR>/Backup).
        #[arg(value_parser = typed_path(), long)]
        to: PathBuf,
        /// Verification, confirmation and output.
        #[command(flatten)]
        common: RunArgs,
    },
    /// Move relocated backups back to this computer.
    Revert {
        /// The backup folder (now a link).
        #[arg(value_parser = typed_path(), long)]
        source: PathBuf,
        /// Keep the copy on the drive.
        #[arg(long)]
        keep_target: bool,
        /// Verification, confirmation and output.
        #[command(flatten)]
        common: RunArgs,
    },
    /// Bring new backups to the drive after an update replaced the link
    /// with a real folder: each device's backup is copied to the copy on
    /// the drive and checked (a newer one replaces the drive's, whose older
    /// one is kept beside it; nothing is overwritten), then the link is put
    /// back.
    Merge {
        /// The backup folder (a real folder again).
        #[arg(value_parser = typed_path(), long)]
        source: PathBuf,
        /// The copy on the drive (default: the one found for this folder).
        #[arg(value_parser = typed_path(), long)]
        to: Option<PathBuf>,
        /// Verification, confirmation and output.
        #[command(flatten)]
        common: RunArgs,
    },
    /// Take one device's backup out of the backup folder and keep it on a
    /// drive, in "Archived iPhone and iPad backups" (copied and checked
    /// first); the other devices' backups stay as they are.
    Archive {
        /// The backup folder.
        #[arg(value_parser = typed_path(), long)]
        source: PathBuf,
        /// The device's folder name (its id, as `status` lists it).
        #[arg(long)]
        device: String,
        /// The folder on the drive to keep it in.
        #[arg(value_parser = typed_path(), long)]
        to: PathBuf,
        /// Verification, confirmation and output.
        #[command(flatten)]
        common: RunArgs,
    },
    /// Bring an archived device backup back into the backup folder (copied
    /// and checked first; the archived copy is then removed).
    BringBack {
        /// The backup folder.
        #[arg(value_parser = typed_path(), long)]
        source: PathBuf,
        /// The archived backup (a device's folder in "Archived iPhone and iPad backups").
        #[arg(value_parser = typed_path(), long)]
        from: PathBuf,
        /// Verification, confirmation and output.
        #[command(flatten)]
        common: RunArgs,
    },
    /// Move relocated backups to another drive.
    Retarget {
        /// The backup folder (now a link).
        #[arg(value_parser = typed_path(), long)]
        source: PathBuf,
        /// The folder to move them into (they become <DIR>/Backup).
        #[arg(value_parser = typed_path(), long)]
        to: PathBuf,
        /// Keep the old copy.
        #[arg(long)]
        keep_old: bool,
        /// Verification, confirmation and output.
        #[command(flatten)]
        common: RunArgs,
    },
    /// Finish or undo an operation that was interrupted.
    Recover {
        /// The backup folder.
        #[arg(value_parser = typed_path(), long)]
        source: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set aside a record of an interrupted operation that cannot be used
    /// (damaged, or naming folders it would never have made), once the
    /// backups are whole at the backup folder's place. `status` shows where
    /// they are.
    SetAsideRecord {
        /// The backup folder.
        #[arg(value_parser = typed_path(), long)]
        source: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// An interrupted operation waits for a drive that is gone for good
    /// (lost, broken, wiped): undo it without that drive, when the backups
    /// are whole on this computer or on the drive they were being moved
    /// from. What of ours is on the lost drive is removed should it ever
    /// be connected again. `status` says when this is possible.
    ForgetDrive {
        /// The backup folder.
        #[arg(value_parser = typed_path(), long)]
        source: PathBuf,
        /// Do not ask first.
        #[arg(long)]
        yes: bool,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Manage backups moved by hand (the backup folder is a link made with
    /// `ln -s`, `mklink /J` or another tool): every file is read, then
    /// Backup Relocator's mark is added to the folder the link points to.
    /// `revert` and `retarget` take such a folder over by themselves.
    TakeOver {
        /// The backup folder (a link made by hand).
        #[arg(value_parser = typed_path(), long)]
        source: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Link the backup folder to backups moved earlier (after reinstalling the computer).
    Adopt {
        /// The backup folder (absent or empty).
        #[arg(value_parser = typed_path(), long)]
        source: PathBuf,
        /// The Backup folder on the drive.
        #[arg(value_parser = typed_path(), long)]
        from: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Copy a folder the way a move does (new files only, flushed to the disk,
    /// optionally verified) without linking or deleting anything: for
    /// benchmarks and for trying a drive.
    Copy {
        #[arg(value_parser = typed_path())]
        /// The folder to copy.
        from: PathBuf,
        #[arg(value_parser = typed_path())]
        /// The new folder to create (must not exist).
        to: PathBuf,
        /// Verify the copy afterwards (default: no verification).
        #[arg(long, value_enum)]
        verify: Option<VerifyArg>,
        /// Threads copying at once (default: the number of cores, 2 to 4).
        #[arg(long)]
        threads: Option<usize>,
        /// Print progress and the result as JSON lines (otherwise nothing until the end).
        #[arg(long)]
        json: bool,
    },
    /// Watch over moved backups between visits: a system notification
    /// when the drive is missing as a backup comes, when an update replaced
    /// the link, or when a device has not backed up lately.
    Guard {
        /// On, off, status, or run.
        #[command(subcommand)]
        action: GuardAction,
    },
    /// Make a realistic sample backup (for trying things out and for tests).
    Sample {
        #[arg(value_parser = typed_path())]
        /// Where to create the backup folder.
        dir: PathBuf,
        /// Seed for names, sizes and content.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Number of devices.
        #[arg(long, default_value_t = 3)]
        devices: usize,
        /// Files per device.
        #[arg(long, default_value_t = 1200)]
        files: usize,
        /// Bytes per device (approximate).
        #[arg(long, default_value_t = 60_000_000)]
        bytes: u64,
    },
}

/// What to do with the guard.
#[derive(Debug, Subcommand)]
pub enum GuardAction {
    /// Turn it on (or change its days): a login item starts it at each
    /// login, and it starts now.
    On {
        /// What it watches.
        #[command(flatten)]
        watch: GuardWatch,
        /// Tell when a device has not backed up for more than this many days.
        #[arg(long, value_name = "DAYS", default_value_t = 7,
              value_parser = clap::value_parser!(u64).range(1..=36_500))]
        stale_days: u64,
    },
    /// Turn it off: the login item goes and the running guard ends.
    Off,
    /// Whether it is on and running, and what it watches.
    Status,
    /// Run it here, without a window (what the login item starts).
    Run(GuardWatch),
}

/// What the guard watches.
#[derive(Debug, Clone, clap::Args)]
pub struct GuardWatch {
    /// Watch this backup folder instead of the usual places.
    #[arg(value_parser = typed_path(), long)]
    pub source: Option<PathBuf>,
}

/// Paths as people type them (a trailing slash from a shell's completion,
/// `.` and `..`) mean the same folder as without: read the core's way.
fn typed_path() -> impl clap::builder::TypedValueParser<Value = PathBuf> {
    OsStringValueParser::new().map(|s| relocator::paths::as_typed(Path::new(&s)))
}

//! The command-line arguments.

use std::path::PathBuf;

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

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// How thoroughly to check the copy before anything is deleted.
    #[arg(long, value_enum, default_value = "full")]
    pub verify: VerifyArg,
    /// Do not ask before starting.
    #[arg(long)]
    pub yes: bool,
    /// Print progress and the result as JSON lines.
    #[arg(long)]
    pub json: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show every backup folder, its state, size and devices.
    Status {
        /// Look at this backup folder instead of the usual places.
        #[arg(long)]
        source: Option<PathBuf>,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Count the bytes and files of a folder.
    Scan {
        /// The folder.
        dir: PathBuf,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Check whether the backups can be moved into a folder.
    Check {
        /// The backup folder.
        #[arg(long)]
        source: PathBuf,
        /// The folder to move them into (they become <DIR>/Backup).
        #[arg(long)]
        to: PathBuf,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Move the backups into a folder on another drive and leave a link behind.
    Move {
        /// The backup folder.
        #[arg(long)]
        source: PathBuf,
        /// The folder to move them into (they become <DIR>/Backup).
        #[arg(long)]
        to: PathBuf,
        /// Verification, confirmation and output.
        #[command(flatten)]
        common: RunArgs,
    },
    /// Move relocated backups back to this computer.
    Revert {
        /// The backup folder (now a link).
        #[arg(long)]
        source: PathBuf,
        /// Keep the copy on the drive.
        #[arg(long)]
        keep_target: bool,
        /// Verification, confirmation and output.
        #[command(flatten)]
        common: RunArgs,
    },
    /// Move relocated backups to another drive.
    Retarget {
        /// The backup folder (now a link).
        #[arg(long)]
        source: PathBuf,
        /// The folder to move them into (they become <DIR>/Backup).
        #[arg(long)]
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
        #[arg(long)]
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
        #[arg(long)]
        source: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Link the backup folder to backups moved earlier (after reinstalling the computer).
    Adopt {
        /// The backup folder (absent or empty).
        #[arg(long)]
        source: PathBuf,
        /// The Backup folder on the drive.
        #[arg(long)]
        from: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Copy a folder the way a move does (new files only, flushed to the disk,
    /// optionally verified) without linking or deleting anything: for
    /// benchmarks and for trying a drive.
    Copy {
        /// The folder to copy.
        from: PathBuf,
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
    /// Make a realistic sample backup (for trying things out and for tests).
    Sample {
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

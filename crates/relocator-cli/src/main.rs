//! `backup-relocator-cli`: Backup Relocator without a window.

fn main() -> std::process::ExitCode {
    relocator_cli::run(std::env::args_os())
}

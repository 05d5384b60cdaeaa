//! The real CLI, built with crash points enabled (this crate turns on the
//! core's `failpoints` feature), for the kill-and-recover tests.

fn main() -> std::process::ExitCode {
    relocator_cli::run(std::env::args_os())
}

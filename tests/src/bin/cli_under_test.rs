//! The real CLI, built with crash points enabled (this crate turns on the
//! core's `failpoints` feature), for the kill-and-recover tests. Built for
//! Windows and run under Wine with `BR_WINE_STAND_IN_LINKS` set, it makes
//! its links with the stand-in of `relocator_tests::wine_link` (Wine 8
//! cannot make junctions); nothing else ever sets that.

fn main() -> std::process::ExitCode {
    #[cfg(windows)]
    if std::env::var_os("BR_WINE_STAND_IN_LINKS").is_some() {
        return relocator_cli::run_with_links(
            std::env::args_os(),
            &relocator_tests::wine_link::WineStandInLinks,
        );
    }
    relocator_cli::run(std::env::args_os())
}

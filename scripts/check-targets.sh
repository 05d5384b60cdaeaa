#!/usr/bin/env bash
# Type-checks the workspace for macOS and the window for Windows (the rest
# of the Windows build is compiled and run under Wine by wine-tests.sh), the
# end-to-end tests crate included, so their code is compiled on every CI run
# although no such machine is here. Uses Debian's
# Rust (which ships its standard library's source) to build std for each
# target; a separate target folder keeps it apart from the main build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh targets
export PATH="/usr/bin:$PATH"
export RUSTC_BOOTSTRAP=1
# Platform code must be warning-free too (dependencies' warnings are capped by cargo).
export RUSTFLAGS="-D warnings"
# SQLite is bundled (C source): a type check needs none of it, and this
# makes libsqlite3-sys skip the C compiler these targets lack here.
export LIBSQLITE3_SYS_USE_PKG_CONFIG=1
check() {
    /usr/bin/cargo check -Zbuild-std --target "$@" --target-dir "${CARGO_TARGET_DIR:-target}/cross-check"
}
# macOS: the whole workspace, then the core's unit tests and the
# end-to-end suite (with its per-OS stand-in drives), which run natively on
# macos-latest in the GitHub workflow: here they at least compile.
echo "== cargo check --target aarch64-apple-darwin" >&2
check aarch64-apple-darwin --workspace
check aarch64-apple-darwin -p relocator -p relocator-tests -p relocator-app --tests
# Windows: the window, and its tests. The core, the CLI and the end-to-end
# suite are compiled for Windows, warnings denied, by scripts/wine-tests.sh
# (and run there under Wine): checking them here too only repeated that.
echo "== cargo check --target x86_64-pc-windows-msvc" >&2
check x86_64-pc-windows-msvc -p relocator-app
check x86_64-pc-windows-msvc -p relocator-app --tests
echo "check-targets.sh: Windows and macOS type-check"

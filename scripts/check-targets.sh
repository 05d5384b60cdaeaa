#!/usr/bin/env bash
# Type-checks the workspace for Windows and macOS, the end-to-end tests
# crate included, so their code is compiled on every CI run although no
# such machine is here. Uses Debian's
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
for target in x86_64-pc-windows-msvc aarch64-apple-darwin; do
    echo "== cargo check --target $target" >&2
    /usr/bin/cargo check -Zbuild-std --target "$target" --workspace \
        --target-dir "${CARGO_TARGET_DIR:-target}/cross-check"
    # The core's unit tests and the end-to-end suite (with its per-OS
    # stand-in drives) run natively on these systems in the GitHub
    # workflow: make sure they at least compile here.
    /usr/bin/cargo check -Zbuild-std --target "$target" -p relocator -p relocator-tests \
        -p relocator-app --tests \
        --target-dir "${CARGO_TARGET_DIR:-target}/cross-check"
done
echo "check-targets.sh: Windows and macOS type-check"

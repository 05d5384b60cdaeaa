#!/usr/bin/env bash
# Type-checks the workspace for Windows and macOS (all but the Linux-only
# end-to-end tests crate), so their code is
# compiled on every CI run although no such machine is here. Uses Debian's
# Rust (which ships its standard library's source) to build std for each
# target; a separate target folder keeps it apart from the main build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh targets
export PATH="/usr/bin:$PATH"
export RUSTC_BOOTSTRAP=1
# Platform code must be warning-free too (dependencies' warnings are capped by cargo).
export RUSTFLAGS="-D warnings"
for target in x86_64-pc-windows-msvc aarch64-apple-darwin; do
    echo "== cargo check --target $target" >&2
    /usr/bin/cargo check -Zbuild-std --target "$target" --workspace --exclude relocator-tests \
        --target-dir target/cross-check
    # The core library's unit tests run natively on these systems in the
    # GitHub workflow: make sure they at least compile here.
    /usr/bin/cargo check -Zbuild-std --target "$target" -p relocator --tests \
        --target-dir target/cross-check
done
echo "check-targets.sh: Windows and macOS type-check"

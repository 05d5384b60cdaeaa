#!/usr/bin/env bash
# What CI checks: formatting, lints, documentation, and (unless --skip-tests) the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
if [ "${1:-}" != "--skip-tests" ]; then
    scripts/test.sh
fi
echo "check.sh: all checks passed"

#!/usr/bin/env bash
# Records real moves' progress streams for the time-left estimator's tests
# (crates/relocator/tests/progress/*.jsonl): photos-sized files on ext4 and
# on exFAT through FUSE, many tiny files, and a run whose check is slower
# than its copy (the unoptimised build, which compares in the program), each
# moved with full verification onto a loop-mounted drive. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh tests
cargo build --release -p relocator-cli --locked
cargo build -p relocator-cli --locked
rm -f crates/relocator/tests/progress/*.jsonl
python3 scripts/record_progress.py "${CARGO_TARGET_DIR:-target}/release/backup-relocator-cli" \
    "${CARGO_TARGET_DIR:-target}/debug/backup-relocator-cli" crates/relocator/tests/progress

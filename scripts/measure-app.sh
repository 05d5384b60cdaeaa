#!/usr/bin/env bash
# Measures the app under Xvfb (release build): time to first frame, idle CPU,
# CPU of the window thread while the progress page updates, and whether
# progress reporting slows the copy (the progress_overhead example).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
cargo build --release -p relocator-app --example screenshot_tour --example progress_overhead
cargo build --release -p relocator-app -p relocator-cli
source scripts/virtual-display.sh
start_virtual_display 1400x1000
trap 'kill $xvfb 2>/dev/null || true' EXIT
built="${CARGO_TARGET_DIR:-target}/release"
python3 scripts/measure_app.py "$built/backup-relocator" "$built/examples/screenshot_tour" "$display" "$built/backup-relocator-cli"
"$built/examples/progress_overhead" "${ROUNDS:-5}"

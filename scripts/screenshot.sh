#!/usr/bin/env bash
# Runs the app (demo mode by default) on a virtual display and saves what it
# shows: for machines without a screen. Usage: scripts/screenshot.sh [OUT.png] [app args…]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-backup-relocator.png}"
shift || true
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--demo)
scripts/setup.sh app
cargo build --release -p relocator-app
source scripts/virtual-display.sh
app=""
start_virtual_display 1024x768
trap 'kill $app $xvfb 2>/dev/null || true' EXIT
DISPLAY="$display" "${CARGO_TARGET_DIR:-target}/release/backup-relocator" "${args[@]}" &
app=$!
sleep "${WAIT_SECONDS:-6}"
DISPLAY="$display" import -window root "$out"
echo "saved $out"

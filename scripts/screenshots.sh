#!/usr/bin/env bash
# Walks the real app through every page under Xvfb and saves a screenshot of
# each into docs/screenshots (820x600) and docs/screenshots/large (1280x900).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
cargo build -p relocator-app --example screenshot_tour
tour="${CARGO_TARGET_DIR:-target}/debug/examples/screenshot_tour"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
xvfb-run -a -s "-screen 0 1400x1000x24 -nolisten tcp" "$tour" docs/screenshots 820x600
xvfb-run -a -s "-screen 0 1400x1000x24 -nolisten tcp" "$tour" docs/screenshots/large 1280x900

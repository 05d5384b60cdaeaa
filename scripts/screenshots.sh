#!/usr/bin/env bash
# Walks the real app through every page under Xvfb and saves a screenshot of
# each, light and dark, at the smallest window (560x460) and at 1280x900:
# docs/screenshots/<theme>/<size>/<page>.png.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
cargo build -p relocator-app --example screenshot_tour
tour="${CARGO_TARGET_DIR:-target}/debug/examples/screenshot_tour"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
chmod 700 "$XDG_RUNTIME_DIR"
for theme in light dark; do
    for size in 560x460 1280x900; do
        out="docs/screenshots/$theme/$size"
        # A copy between RAM disks can end between two frames, before the
        # progress page is caught: the tour is run again, up to three times.
        for try in 1 2 3; do
            rm -rf "$out"
            if xvfb-run -a -s "-screen 0 1400x1000x24 -nolisten tcp" "$tour" "$out" "$size" "$theme"; then
                break
            fi
            [ "$try" -lt 3 ] || exit 1
        done
    done
done

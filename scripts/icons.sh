#!/usr/bin/env bash
# Renders assets/icon.svg into the PNG sizes the app and packages use, and a
# Windows .ico. Uses ImageMagick (installed if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v convert >/dev/null || scripts/setup.sh app
for size in 32 64 128 256 512; do
    convert -background none -density 300 assets/icon.svg -resize "${size}x${size}" "assets/icon-${size}.png"
done
convert assets/icon-256.png assets/icon-128.png assets/icon-64.png assets/icon-32.png assets/icon.ico
echo "icons written to assets/"

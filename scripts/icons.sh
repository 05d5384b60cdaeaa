#!/usr/bin/env bash
# Renders assets/icon.svg into the PNG, .ico and .icns files (scripts/icons.py),
# with CairoSVG and Pillow from PyPI in a private venv under target/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh icons
venv=target/tools/icons-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check cairosvg==2.9.1 pillow==13.0.0
fi
"$venv/bin/python" scripts/icons.py

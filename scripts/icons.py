#!/usr/bin/env python3
"""Renders assets/icon.svg into every icon file the app and its packages use.

PNG sizes for the window and Linux (32-512 px), a multi-size Windows .ico and
a macOS .icns. Rendering is CairoSVG; the .ico and .icns are written by Pillow.
Run through scripts/icons.sh, which installs both into a private venv.
"""

import io
import pathlib
import sys

import cairosvg
from PIL import Image

ASSETS = pathlib.Path(__file__).resolve().parent.parent / "assets"
PNG_SIZES = [32, 64, 128, 256, 512]
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]


def render(svg: bytes, size: int) -> Image.Image:
    png = cairosvg.svg2png(bytestring=svg, output_width=size, output_height=size)
    return Image.open(io.BytesIO(png)).convert("RGBA")


def main() -> int:
    svg = (ASSETS / "icon.svg").read_bytes()
    for size in PNG_SIZES:
        render(svg, size).save(ASSETS / f"icon-{size}.png", optimize=True)
    # Each size rendered from the vector, not scaled down from one bitmap.
    ico = [render(svg, s) for s in ICO_SIZES]
    ico[-1].save(
        ASSETS / "icon.ico",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=ico[:-1],
    )
    big = render(svg, 1024)
    big.save(ASSETS / "icon.icns", append_images=[render(svg, s) for s in (16, 32, 64, 128, 256, 512)])
    for name in ["icon.ico", "icon.icns"] + [f"icon-{s}.png" for s in PNG_SIZES]:
        print(f"{ASSETS / name}: {(ASSETS / name).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

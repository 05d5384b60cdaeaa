#!/usr/bin/env bash
# Installs the system packages the project needs on Debian/Ubuntu, once.
#   scripts/setup.sh tests     what the tests use: mount, setpriv, losetup (util-linux), and
#                              the stand-in drives' formats: ext4, XFS, Btrfs, NTFS (ntfs-3g),
#                              exFAT (exfat-fuse), FAT32 (fusefat), extended attributes (attr)
#   scripts/setup.sh wine      Wine 8, MinGW (for a stand-in DLL) and Debian's Rust with its
#                              library source, to run the Windows build here
#   scripts/setup.sh app       what the window needs at run time, and Xvfb for a display-less machine
#   scripts/setup.sh a11y      the screen reader's side: D-Bus, the AT-SPI bus and Python's pyatspi
#   scripts/setup.sh targets   Debian's Rust with its library source, for the Windows/macOS type check,
#                              and LLVM's llvm-rc for the Windows resources
#   scripts/setup.sh icons     Python's venv and Cairo, for rendering the icon files
#   scripts/setup.sh package   what building, installing and trying the .deb needs
#   scripts/setup.sh checks    Python's YAML reader, for checking the GitHub workflow
#   scripts/setup.sh bench     the benchmark's tools from apt (hyperfine, rsync, GNU time, mkfs.ext4, fio, curl)
# Each list is installed only if something in it is missing.
set -euo pipefail

want() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "Installing ${missing[*]} needs root: run 'sudo $0 $*'" >&2
        exit 1
    fi
    echo "Installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

for part in "${@:-tests}"; do
    case "$part" in
        tests) want util-linux mount e2fsprogs xfsprogs btrfs-progs ntfs-3g exfat-fuse exfatprogs \
                    fusefat dosfstools attr dbus python3-gi ;;
        wine) want wine64 gcc-mingw-w64-x86-64 rustc-web rust-web-src cargo-web ;;
        app) want xvfb xauth libgl1 libegl1 libegl-mesa0 libgl1-mesa-dri libxkbcommon-x11-0 \
                  libxcursor1 libxrandr2 libxi6 x11-apps imagemagick ;;
        a11y) want dbus dbus-x11 at-spi2-core python3-pyatspi gir1.2-atspi-2.0 python3-gi xvfb xauth xdotool ;;
        targets) want rustc-web rust-web-src cargo-web llvm ;;
        icons) want python3-venv libcairo2 ;;
        checks) want python3-yaml ;;
        bench) want hyperfine rsync time e2fsprogs diffutils util-linux fio findutils curl ;;
        package) want dpkg-dev desktop-file-utils xvfb xauth imagemagick x11-utils ;;
        *) echo "unknown part: $part" >&2; exit 2 ;;
    esac
done

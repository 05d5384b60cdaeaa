#!/usr/bin/env bash
# The screen reader's test: the real window under Xvfb, its accessibility
# tree on the AT-SPI bus (as Orca reads it), driven by control names from
# scripts/screen_reader.py through a move, a cancel, a move on and a move
# back, with two loop-mounted ext4 drives named "BR First" and "BR Second".
# Needs root (loop mounts), like the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh a11y app tests
cargo build -p relocator-app -p relocator-cli
bin="${CARGO_TARGET_DIR:-target}/debug"

work=$(mktemp -d /dev/shm/br-a11y-XXXXXX)
mounts=()
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || true; rmdir "$m" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

drives=()
for name in First Second; do
    image="$work/$name.img"
    truncate -s 3G "$image"
    mkfs.ext4 -q -L "BR $name" "$image"
    mount_point="/media/br-a11y-${name,,}-$$"
    mkdir -p "$mount_point"
    mount -o loop "$image" "$mount_point"
    mounts+=("$mount_point")
    drives+=("$mount_point")
done

# 90,000 files in three device backups: the copy lasts long enough to cancel.
export HOME="$work/home"
source_dir="$HOME/Library/Application Support/MobileSync/Backup"
"$bin/backup-relocator-cli" sample "$source_dir" --files 30000 --bytes 300000000 >/dev/null

source scripts/virtual-display.sh
start_virtual_display 1280x900
pids+=("$xvfb")
export DISPLAY="$display"
eval "$(dbus-launch --sh-syntax)"
pids+=("$DBUS_SESSION_BUS_PID")
/usr/libexec/at-spi-bus-launcher --launch-immediately >/dev/null 2>&1 &
pids+=("$!")
for _ in $(seq 50); do
    dbus-send --session --dest=org.a11y.Bus --print-reply /org/a11y/bus \
        org.freedesktop.DBus.Properties.Set string:org.a11y.Status string:IsEnabled \
        variant:boolean:true >/dev/null 2>&1 && break
    sleep 0.1
done

/usr/bin/python3 scripts/screen_reader.py "$source_dir" "${drives[0]}" "${drives[1]}" \
    "$bin/backup-relocator"

#!/usr/bin/env bash
# Measures the guard (issue 21) as it runs between visits: over SECONDS of
# idle (default 600) its CPU time and its wake-ups (voluntary context
# switches of all its threads), which files it touches (strace, if
# installed: nothing on the drive), and an eject while it runs (unmount
# without force or lazy). Needs root (a loop-mounted ext4 drive).
# usage: scripts/measure-guard.sh [SECONDS]   (PROFILE=debug to skip the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
profile=${PROFILE:-release}
if [ "$profile" = release ]; then
    cargo build --release -p relocator-cli >&2
else
    cargo build -p relocator-cli >&2
fi
cli="$PWD/${CARGO_TARGET_DIR:-target}/$profile/backup-relocator-cli"
work=$(mktemp -d /tmp/guard-measure.XXXXXX)
home="$work/home"
drive="$work/drive"
source="$home/MobileSync/Backup"
cleanup() {
    HOME="$home" "$cli" guard off >/dev/null 2>&1 || true
    mountpoint -q "$drive" && umount "$drive"
    [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
truncate -s 256M "$work/drive.img"
mkfs.ext4 -q -L "Big Drive" "$work/drive.img"
mkdir -p "$drive" "$home"
mount -o loop "$work/drive.img" "$drive"
"$cli" sample "$source" --files 300 --bytes 3000000 >/dev/null
"$cli" move --source "$source" --to "$drive" --yes --quiet-minutes 0 >/dev/null
export HOME="$home"
unset XDG_CONFIG_HOME
"$cli" guard on --source "$source" --stale-days 36500 >/dev/null
sleep 3
pid=$(pgrep -f "guard run --source $source" | head -1)
[ -n "$pid" ] || { echo "the guard is not running" >&2; exit 1; }
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
wakeups() { cat /proc/"$pid"/task/*/status | awk '/^voluntary_ctxt_switches/ {n += $2} END {print n}'; }
threads() { ls /proc/"$pid"/task | wc -l; }
cpu0=$(ticks); wake0=$(wakeups)
sleep "$seconds"
cpu1=$(ticks); wake1=$(wakeups)
hz=$(getconf CLK_TCK)
awk -v t=$((cpu1 - cpu0)) -v hz="$hz" -v s="$seconds" -v w=$((wake1 - wake0)) -v th="$(threads)" 'BEGIN {
    printf "guard idle for %d s (%s threads): CPU %.2f s (%.3f %% of one core), %d wake-ups (%.1f per minute)\n",
        s, th, t / hz, 100 * t / hz / s, w, 60 * w / s }'
# Then 10 s under strace (which itself wakes the process: measured apart):
# every file the guard opens, reads or looks at, and whether one is on the drive.
if command -v strace >/dev/null; then
    timeout -s INT 10 strace -f -qq -e trace=%file,%desc -p "$pid" -o "$work/strace.log" || true
    calls=$(grep -c . "$work/strace.log" || true)
    on_drive=$(grep -c -F "(\"$drive" "$work/strace.log" || true)
    echo "in 10 s under strace: $calls file calls, $on_drive of them on the drive"
fi
open_on_drive=$(ls -l /proc/"$pid"/fd 2>/dev/null | grep -c -F "$drive" || true)
echo "files the guard holds open on the drive: $open_on_drive"
if umount "$drive"; then
    echo "eject while the guard runs: unmounted without force"
else
    echo "eject while the guard runs: FAILED (busy)"
    exit 1
fi

#!/usr/bin/env bash
# Installs the .deb the way a user's package manager would (dpkg -i), checks
# that a desktop finds the program, its menu entry and its icon, starts the
# installed app on a virtual display, screenshots it (must not be blank, must
# be the Overview page), then removes the package and checks nothing is left.
# Usage: scripts/try-deb.sh [PACKAGE.deb]   (default: build it with package-deb.sh)
# Needs root (dpkg). Leaves the screenshot in target/packages/installed-app.png.
set -euo pipefail
cd "$(dirname "$0")/.."
deb="${1:-$(scripts/package-deb.sh)}"
scripts/setup.sh package
name=backup-relocator
fail() {
    echo "try-deb.sh: $*" >&2
    dpkg -r "$name" >/dev/null 2>&1 || true
    exit 1
}

echo "== declared dependencies: $(dpkg-deb -f "$deb" Depends)"
# dpkg itself installs no dependencies; like a desktop's installer, let apt
# bring in what the package declares but the machine lacks.
if ! dpkg -i "$deb"; then
    echo "== installing the declared dependencies that are missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq --no-install-recommends >/dev/null \
        || fail "apt could not install the package's dependencies"
fi
dpkg-query -W -f='${Status}\n' "$name" | grep -q "install ok installed" || fail "not installed"

echo "== files where a desktop expects them"
[ -x /usr/bin/$name ] || fail "/usr/bin/$name is missing or not executable"
desktop=/usr/share/applications/$name.desktop
[ -f "$desktop" ] || fail "$desktop is missing"
desktop-file-validate "$desktop" || fail "$desktop is not a valid desktop entry"
grep -qx "Exec=$name" "$desktop" || fail "$desktop does not start $name"
grep -qx "Icon=$name" "$desktop" || fail "$desktop does not name the icon $name"
for size in 32x32 128x128 256x256; do
    icon=/usr/share/icons/hicolor/$size/apps/$name.png
    [ -f "$icon" ] || fail "$icon is missing"
    [ "$(identify -format '%wx%h' "$icon")" = "$size" ] || fail "$icon is not $size"
done
libraries=$(ldd /usr/bin/$name)
if grep -q "not found" <<<"$libraries"; then
    echo "$libraries" >&2
    fail "the binary needs a library that is not installed"
fi

echo "== the installed app on a virtual display"
home=$(mktemp -d)
export XDG_RUNTIME_DIR="$home/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
source scripts/virtual-display.sh
app=""
start_virtual_display 1024x768
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$home"' EXIT
# Started by name from PATH, in a fresh home, as a double-click would.
(cd "$home" && HOME="$home" DISPLAY="$display" exec $name) &
app=$!
log="$home/.local/state/$name/$name.log"
for _ in $(seq 60); do
    grep -q "page shown" "$log" 2>/dev/null && break
    kill -0 $app 2>/dev/null || fail "the app exited at start"
    sleep 0.5
done
grep -q 'page shown page=Overview' "$log" || { cat "$log" >&2 || true; fail "the app did not show the Overview page"; }
sleep 1
shot=target/packages/installed-app.png
DISPLAY="$display" import -window root "$shot"
windows=$(DISPLAY="$display" xwininfo -root -tree)
# The title names the page too ("Backup Relocator — Your backups"), for screen readers.
grep -q '"Backup Relocator — Your backups"' <<<"$windows" || fail "no window titled Backup Relocator — Your backups"
colours=$(identify -format '%k' "$shot")
spread=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)
echo "screenshot $shot: $colours colours, grey standard deviation $spread"
[ "$colours" -gt 50 ] || fail "the screenshot is blank ($colours colours)"
awk -v s="$spread" 'BEGIN { exit !(s > 0.05) }' || fail "the screenshot is nearly uniform"
kill $app || fail "the app died before it was closed"
wait $app 2>/dev/null || true
app=""

echo "== removal"
dpkg -r $name
dpkg-query -W -f='${Status}\n' "$name" 2>/dev/null | grep -q "install ok installed" && fail "still installed"
for f in /usr/bin/$name "$desktop" /usr/share/icons/hicolor/256x256/apps/$name.png; do
    [ ! -e "$f" ] || fail "$f is left after removal"
done
echo "try-deb.sh: installed, ran, showed the Overview, removed cleanly"

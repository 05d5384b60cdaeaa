#!/usr/bin/env bash
# Runs our Windows code for real, here, under Wine 8 (see
# ../shared/reference/windows-under-wine.md): the core library's unit tests
# and the CLI, built for x86_64-pc-windows-gnu with Debian's Rust and
# -Zbuild-std. The CLI then checks, moves nothing of value and copies
# between two drive letters that Wine maps to two different Linux mounts
# (E: and F: in the prefix's dosdevices/). Prints one line
# "Wine: N passed, N failed, N skipped" and fails if anything failed.
#
# Wine is not Windows: it has no junctions (FSCTL_SET_REPARSE_POINT), so
# the tests that need one say they are skipped; the GitHub workflow's
# windows-latest job runs them for real.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh wine
export PATH="/usr/bin:$PATH"
export RUSTC_BOOTSTRAP=1
export WINEDEBUG=-all
target=x86_64-pc-windows-gnu
out="${CARGO_TARGET_DIR:-target}/wine"
mkdir -p "$out"
out=$(cd "$out" && pwd)
# The prefix lives outside the project: its z: drive is a link to "/", and
# tools that walk the project (cargo-packager looks for its configuration
# files) would follow it round the whole machine and its link loops.
export WINEPREFIX="${BR_WINE_PREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/backup-relocator/wine-prefix}"
mkdir -p "$(dirname "$WINEPREFIX")"
wine=/usr/lib/wine/wine64

echo "== building the core's tests and the CLI for $target" >&2
tests_json="$out/tests.json"
/usr/bin/cargo test -Zbuild-std --target "$target" --target-dir "$out/build" --locked \
    -p relocator --lib --no-run --message-format=json >"$tests_json"
/usr/bin/cargo build -Zbuild-std --target "$target" --target-dir "$out/build" --locked \
    -p relocator-cli --bin backup-relocator-cli
test_exe=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "relocator":
        print(m["executable"])' "$tests_json" | tail -n 1)
cli_exe="$out/build/$target/debug/backup-relocator-cli.exe"

# Rust's std needs ProcessPrng, which Wine 8 lacks: a stand-in DLL beside each program.
x86_64-w64-mingw32-gcc -shared -O2 -o "$out/bcryptprimitives.dll" scripts/wine/bcryptprimitives.c -lbcrypt
cp "$out/bcryptprimitives.dll" "$(dirname "$test_exe")/"
cp "$out/bcryptprimitives.dll" "$(dirname "$cli_exe")/"

if [ ! -d "$WINEPREFIX/dosdevices" ]; then
    echo "== creating the Wine prefix" >&2
    "$wine" wineboot --init >/dev/null 2>&1 || true
fi

# Two drive letters on two different Linux file systems: E: a fresh RAM
# disk (a drive of its own, like a USB drive), F: a folder on the root
# file system (where the "computer's" backups are).
drives="$out/drives"
mkdir -p "$drives/e" "$drives/f"
if mountpoint -q "$drives/e"; then umount -l "$drives/e"; fi
if [ "$(id -u)" -eq 0 ]; then
    mount -t tmpfs -o size=256m wine-drive-e "$drives/e"
fi
rm -rf "${drives:?}/f/"*
ln -sfn "$drives/e" "$WINEPREFIX/dosdevices/e:"
ln -sfn "$drives/f" "$WINEPREFIX/dosdevices/f:"
cleanup() { if mountpoint -q "$drives/e"; then umount -l "$drives/e"; fi; }
trap cleanup EXIT

echo "== the core's unit tests under Wine" >&2
log="$out/unit-tests.log"
set +e
"$wine" "$test_exe" --test-threads=1 --show-output >"$log" 2>&1
unit_status=$?
set -e
cat "$log"
read -r unit_passed unit_failed < <(python3 -c '
import re, sys
text = open(sys.argv[1], errors="replace").read()
m = re.search(r"test result: \w+\. (\d+) passed; (\d+) failed", text)
print(*(m.groups() if m else ("0", "1")))' "$log")
unit_skipped=$(grep -c "^skipped" "$log" || true)
if [ "$unit_status" -ne 0 ] && [ "$unit_failed" -eq 0 ]; then unit_failed=1; fi

echo "== the CLI under Wine, across drive letters" >&2
set +e
python3 scripts/wine_checks.py "$wine" "$cli_exe" "$drives" >"$out/cli-checks.log" 2>&1
set -e
cat "$out/cli-checks.log"
cli_passed=$(grep -c "^PASS" "$out/cli-checks.log" || true)
cli_failed=$(grep -c "^FAIL" "$out/cli-checks.log" || true)

passed=$((unit_passed + cli_passed))
failed=$((unit_failed + cli_failed))
echo "Wine: $passed passed, $failed failed, $unit_skipped skipped (unit tests $unit_passed passed, $unit_failed failed; CLI checks $cli_passed passed, $cli_failed failed)"
[ "$failed" -eq 0 ]

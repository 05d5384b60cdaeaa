#!/usr/bin/env bash
# Runs our Windows code for real, here, under Wine 8 (see
# ../shared/reference/windows-under-wine.md), built for
# x86_64-pc-windows-gnu with Debian's Rust and -Zbuild-std:
#  - the core library's unit tests;
#  - the CLI's checks across two drive letters that Wine maps to two
#    different Linux mounts (scripts/wine_checks.py);
#  - whole operations of the CLI under test (the real CLI with crash
#    points): a move while a file is held open as antivirus holds one, the
#    health check, a move on to an exFAT drive, a move back, recoveries
#    after kills, a relink and an adopt, every byte compared after each
#    (scripts/wine_flows.py), on E: (a RAM disk), F: (the root file system)
#    and G: (exFAT through FUSE).
# Prints "Wine: N passed, N failed, N skipped", names what was skipped, and
# fails if anything failed.
#
# Wine is not Windows: it has no junctions (FSCTL_SET_REPARSE_POINT), so
# the unit tests that need one say they are skipped, and the whole
# operations use a stand-in link that only these tests use
# (tests/src/wine_link.rs); the GitHub workflow's windows-latest job runs
# the junctions for real.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh wine
export PATH="/usr/bin:$PATH"
export RUSTC_BOOTSTRAP=1
# Windows code must be warning-free (dependencies' warnings are capped by
# cargo): scripts/check-targets.sh leaves the core, the CLI and the tests
# to this build.
export RUSTFLAGS="-D warnings"
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

echo "== building the tests and the CLI for $target" >&2
# Every test binary of the core, the CLI and the end-to-end suite. (The
# window's are not built here: compiling eframe for Windows would add
# minutes to a CI run near its limit; they run on windows-latest.)
tests_json="$out/tests.json"
# JSON for the list of test binaries; the compiler's warnings and errors
# rendered on the log as it words them.
/usr/bin/cargo test -Zbuild-std --target "$target" --target-dir "$out/build" --locked \
    -p relocator -p relocator-guard -p relocator-cli -p relocator-tests --no-run \
    --message-format=json-render-diagnostics >"$tests_json"
/usr/bin/cargo build -Zbuild-std --target "$target" --target-dir "$out/build" --locked \
    -p relocator-cli --bin backup-relocator-cli -p relocator-tests --bin cli-under-test
cli_exe="$out/build/$target/debug/backup-relocator-cli.exe"
under_test_exe="$out/build/$target/debug/cli-under-test.exe"
# A program that holds a file open as antivirus does (no FILE_SHARE_DELETE).
x86_64-w64-mingw32-gcc -O2 -o "$out/hold_file.exe" scripts/wine/hold_file.c

# Rust's std needs ProcessPrng, which Wine 8 lacks: a stand-in DLL beside each program.
x86_64-w64-mingw32-gcc -shared -O2 -o "$out/bcryptprimitives.dll" scripts/wine/bcryptprimitives.c -lbcrypt
cp "$out/bcryptprimitives.dll" "$out/build/$target/debug/deps/"
cp "$out/bcryptprimitives.dll" "$(dirname "$cli_exe")/"

if [ ! -d "$WINEPREFIX/dosdevices" ]; then
    echo "== creating the Wine prefix" >&2
    "$wine" wineboot --init >/dev/null 2>&1 || true
    # wineboot returns before its services have settled; a fresh prefix then
    # answered the first whole operations without volume identities (a cold
    # CI run here failed two relink checks that way). Wait for them to end.
    /usr/lib/wine/wineserver -w || true
fi

# Drive letters on different Linux file systems: E: a fresh RAM disk (a
# drive of its own, like a USB drive), F: a folder on the root file system
# (where the "computer's" backups are), G: an exFAT drive (exfat-fuse on a
# loop device; a second RAM disk where that cannot be made).
drives="$out/drives"
cleanup() {
    for d in e g; do if mountpoint -q "$drives/$d"; then umount -l "$drives/$d"; fi; done
    if [ -n "${g_loop:-}" ]; then losetup -d "$g_loop" 2>/dev/null || true; fi
    rm -f "$drives/g.img"
}
cleanup
mkdir -p "$drives/e" "$drives/f" "$drives/g"
g_loop=""
g_kind="a RAM disk"
if [ "$(id -u)" -eq 0 ]; then
    mount -t tmpfs -o size=256m wine-drive-e "$drives/e"
    truncate -s 256M "$drives/g.img"
    if mkfs.exfat -L WineG "$drives/g.img" >/dev/null 2>&1 \
        && g_loop=$(losetup -f --show "$drives/g.img") \
        && mount.exfat-fuse "$g_loop" "$drives/g"; then
        g_kind="exFAT"
    else
        mount -t tmpfs -o size=256m wine-drive-g "$drives/g"
    fi
fi
rm -rf "${drives:?}/f/"* "${drives:?}/e/"* "${drives:?}/g/"*
ln -sfn "$drives/e" "$WINEPREFIX/dosdevices/e:"
ln -sfn "$drives/f" "$WINEPREFIX/dosdevices/f:"
ln -sfn "$drives/g" "$WINEPREFIX/dosdevices/g:"
rm -f "$WINEPREFIX/dosdevices/h:"
trap cleanup EXIT

echo "== every test binary under Wine" >&2
log="$out/test-binaries.log"
python3 scripts/wine_test_binaries.py "$wine" "$tests_json" "$out/test-logs" >"$log" 2>&1 || true
cat "$log"
read -r unit_passed unit_failed unit_skipped < <(grep "^TOTAL " "$log" | cut -d" " -f2- || echo "0 1 0")

echo "== the CLI under Wine, across drive letters" >&2
set +e
python3 scripts/wine_checks.py "$wine" "$cli_exe" "$drives" >"$out/cli-checks.log" 2>&1
set -e
cat "$out/cli-checks.log"
cli_passed=$(grep -c "^PASS" "$out/cli-checks.log" || true)
cli_failed=$(grep -c "^FAIL" "$out/cli-checks.log" || true)

echo "== whole operations of the Windows build under Wine (G: is $g_kind)" >&2
rm -rf "${drives:?}/f/"* "${drives:?}/e/"* "${drives:?}/g/"*
set +e
python3 scripts/wine_flows.py "$wine" "$under_test_exe" "$out/hold_file.exe" "$drives" "$WINEPREFIX" \
    >"$out/flows.log" 2>&1
set -e
cat "$out/flows.log"
flows_passed=$(grep -c "^PASS" "$out/flows.log" || true)
flows_failed=$(grep -c "^FAIL" "$out/flows.log" || true)
if ! grep -q "^PASS nothing of ours is left at the end" "$out/flows.log"; then
    echo "FAIL the whole operations did not run to their end" >&2
    flows_failed=$((flows_failed + 1))
fi

passed=$((unit_passed + cli_passed + flows_passed))
failed=$((unit_failed + cli_failed + flows_failed))
echo "Wine: $passed passed, $failed failed, $unit_skipped skipped (test binaries $unit_passed passed, $unit_failed failed; CLI checks $cli_passed passed, $cli_failed failed; whole operations $flows_passed passed, $flows_failed failed)"
if [ "$unit_skipped" -gt 0 ]; then
    echo "Skipped under Wine, with their reasons:"
    grep "^SKIPPED " "$log" | sed 's/^SKIPPED /  /'
fi
[ "$failed" -eq 0 ]

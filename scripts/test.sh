#!/usr/bin/env bash
# Runs every test of the workspace: what CI runs, what the README tells you to run.
# The end-to-end tests mount small RAM file systems as stand-in drives and
# run some checks as an unprivileged user, which needs root. Not root? The
# script re-runs itself inside a user namespace where it is (the tests that
# must drop privileges then say they are skipped, and why).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ] && [ -z "${BR_IN_USERNS:-}" ]; then
    if unshare --user --map-root-user --mount true 2>/dev/null; then
        export BR_IN_USERNS=1
        exec unshare --user --map-root-user --mount "$0" "$@"
    fi
    echo "note: not root and no user namespaces: the tests that need a stand-in drive will fail" >&2
fi
scripts/setup.sh tests
cargo test --workspace --locked "$@"

#!/usr/bin/env bash
# What CI checks: formatting, lints, documentation, and (unless --skip-tests) the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
# The scripts in Python, and the GitHub workflow (valid YAML, the three systems).
scripts/setup.sh checks
python3 -m py_compile scripts/bench.py scripts/icons.py scripts/screen_reader.py scripts/wine_checks.py \
    scripts/wine_flows.py scripts/wine_test_binaries.py scripts/import_loops.py \
    tests/scripts/notification_service.py
# No two modules of a crate use each other, directly or round a circle.
python3 scripts/import_loops.py crates/relocator/src crates/relocator-app/src crates/relocator-cli/src \
    crates/relocator-guard/src
python3 - <<'PY'
import yaml
workflow = yaml.safe_load(open(".github/workflows/ci.yml"))
systems = set(workflow["jobs"]["test"]["strategy"]["matrix"]["os"])
assert systems == {"ubuntu-latest", "macos-latest", "windows-latest"}, systems
packaged = {row["os"] for row in workflow["jobs"]["package"]["strategy"]["matrix"]["include"]}
assert packaged == systems, packaged
PY
if [ "${1:-}" != "--skip-tests" ]; then
    scripts/test.sh
fi
echo "check.sh: all checks passed"

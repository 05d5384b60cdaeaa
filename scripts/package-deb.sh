#!/usr/bin/env bash
# Builds the Linux package, target/packages/backup-relocator_<version>_amd64.deb,
# with cargo-packager (installed at a pinned version if missing) from the
# `dist` profile. The configuration is [package.metadata.packager] in
# crates/relocator-app/Cargo.toml. Prints the package's path on stdout.
# PACKAGE_FROM=<folder under the target folder> packages the binary built
# there instead (CI: `debug`, with the package-build alias pointed at the
# test build; see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGER_VERSION=0.11.8
if ! cargo packager --version 2>/dev/null | grep -q "$PACKAGER_VERSION"; then
    echo "Installing cargo-packager $PACKAGER_VERSION (about 3 minutes, once)" >&2
    cargo install cargo-packager --version "$PACKAGER_VERSION" --locked >&2
fi
scripts/setup.sh package >&2
rm -f target/packages/*.deb
from="${PACKAGE_FROM:-dist}"
cargo packager -p relocator-app --profile "$from" --formats deb --out-dir "$PWD/target/packages" >&2
deb=$(ls target/packages/*.deb)
echo "package-deb.sh: $deb, $(stat -c %s "$deb") bytes; binary ($from) $(stat -c %s "${CARGO_TARGET_DIR:-target}/$from/backup-relocator") bytes" >&2
echo "$deb"

#!/usr/bin/env bash
# The speed benchmark (scripts/bench.py): our scan, copy, verification,
# freeing of space and move against du, diskus, cp, rsync, xcp, fcp and
# rm -rf, and the disk's own floor (fio), on loop-mounted ext4 file systems.
#   scripts/bench.sh            full run (about 26 minutes on 2 cores), writes docs/BENCHMARKS.md
#   scripts/bench.sh --quick    one tiny set, one round (CI), writes target/bench/BENCHMARKS-quick.md
# Needs root (it mounts file systems). Installs what it uses: hyperfine, rsync
# and GNU time from apt; xcp, fcp and diskus with cargo into target/tools.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
    echo "bench.sh mounts loop file systems: run it as root" >&2
    exit 1
fi
scripts/setup.sh bench
tools="$PWD/target/tools"
export PATH="$tools/bin:$PATH"
install_tool() {
    local name=$1 version=$2
    [ -x "$tools/bin/$name" ] && return 0
    echo "Installing $name $version into $tools (once)" >&2
    cargo install --locked --quiet --root "$tools" "$name" --version "$version"
}
install_tool xcp 0.24.9
install_tool diskus 0.8.0
if [ ! -x "$tools/bin/fcp" ]; then
    # fcp 0.2.1 (2020, the last release) no longer compiles with current Rust:
    # two one-line fixes (a type annotation, a macro's trailing semicolon).
    # Its source straight from crates.io: letting `cargo install` fetch it
    # (and fail) compiled every dependency twice.
    echo "Installing fcp 0.2.1 into $tools, patched for current Rust (once)" >&2
    src=$(mktemp -d)
    curl -fsSL --retry 3 https://static.crates.io/crates/fcp/fcp-0.2.1.crate | tar xz -C "$src"
    sed -i 's/let args: Box<_> = env::args/let args: Box<[String]> = env::args/' "$src/fcp-0.2.1/src/main.rs"
    sed -i '47s/err));$/err))/' "$src/fcp-0.2.1/src/filesystem.rs"
    cargo install --locked --quiet --force --root "$tools" --path "$src/fcp-0.2.1"
    rm -rf "$src"
fi
cargo build --release --locked -p relocator-cli
cargo build --release --locked -p relocator --example remove_tree
python3 scripts/bench.py "$@"

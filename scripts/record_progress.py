#!/usr/bin/python3
"""Records the progress a real move reports, with the moment each event
came, for the time-left estimator's tests (crates/relocator/tests/
estimator.rs replays them into the core's tracker).

For each set: a sample backup is made, sized with `scan`, then moved onto a
loop-mounted drive with full verification while every JSON progress line
is stamped with the milliseconds since the start. The file written is one
JSON header line (the set, its outline as the window gives it, the whole
run's length) and one line per event.

Usage: record_progress.py CLI SLOW_CLI OUT_DIR   (run by scripts/record-progress.sh, as root)

SLOW_CLI is the same program built without optimisation: its check, which
compares every byte in the program, runs slower than the copy — the run
with a slow verification the estimator must also be honest about.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

CLI, SLOW_CLI, OUT = sys.argv[1:4]

# name: (devices, files per device, bytes per device, drive format, slow check)
SETS = {
    "photos-ext4": (4, 1_500, 2_000_000_000, "ext4", False),
    "tiny-files-ext4": (4, 50_000, 50_000_000, "ext4", False),
    "photos-exfat-fuse": (3, 1_000, 1_000_000_000, "exfat", False),
    "slow-check-ext4-direct": (3, 1_000, 1_000_000_000, "ext4-direct", True),
}


def run(*args, **kw):
    return subprocess.run(args, check=True, **kw)


SAVED = {}


def writeback(limit):
    """Limits the data waiting to be written to `limit` bytes (None: as it was)."""
    for name in ("dirty_bytes", "dirty_background_bytes", "dirty_ratio", "dirty_background_ratio"):
        path = f"/proc/sys/vm/{name}"
        if limit is not None and name not in SAVED:
            with open(path) as f:
                SAVED[name] = f.read().strip()
    if limit is None:
        for name in ("dirty_ratio", "dirty_background_ratio"):
            with open(f"/proc/sys/vm/{name}", "w") as f:
                f.write(SAVED.get(name, "20" if name == "dirty_ratio" else "10"))
        SAVED.clear()
        return
    for name, value in (("dirty_bytes", limit), ("dirty_background_bytes", limit // 4)):
        with open(f"/proc/sys/vm/{name}", "w") as f:
            f.write(str(value))


def drive(kind, work):
    """A fresh 2 GiB drive of `kind` mounted in `work`: its mount point and
    how to take it away again."""
    image = os.path.join(work, f"{kind}.img")
    mount = os.path.join(work, f"{kind}-mnt")
    os.makedirs(mount)
    with open(image, "wb") as f:
        f.truncate(12 << 30)
    if kind == "ext4":
        run("mkfs.ext4", "-q", "-F", image)
        run("mount", "-o", "loop", image, mount)
        return mount, lambda: run("umount", mount)
    if kind == "ext4-direct":
        # Reads and writes go to the disk itself, not the host's cache of
        # the image: the read-back is as slow as the disk.
        run("mkfs.ext4", "-q", "-F", image)
        device = run("losetup", "-f", "--show", "--direct-io=on", image,
                     capture_output=True, text=True).stdout.strip()
        run("mount", device, mount)

        def away_direct():
            run("umount", mount)
            run("losetup", "-d", device)
        return mount, away_direct
    run("mkfs.exfat", image, stdout=subprocess.DEVNULL)
    device = run("losetup", "-f", "--show", image, capture_output=True, text=True).stdout.strip()
    run("mount.exfat-fuse", device, mount, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def away():
        run("umount", mount)
        for _ in range(50):
            if subprocess.run(["losetup", "-d", device]).returncode == 0:
                return
            time.sleep(0.1)
    return mount, away


def record(name, devices, files, size, kind, slow):
    with tempfile.TemporaryDirectory(dir="/var/tmp") as work:
        source = os.path.join(work, "home", "MobileSync", "Backup")
        run(CLI, "sample", source, "--devices", str(devices), "--files", str(files),
            "--bytes", str(size), stdout=subprocess.DEVNULL)
        scanned = json.loads(run(CLI, "scan", source, "--json", capture_output=True).stdout)
        mount, away = drive(kind, work)
        try:
            run("sync")
            with open("/proc/sys/vm/drop_caches", "w") as f:
                f.write("3")
            # As on a Mac or a PC, where each copied file is flushed as it is
            # written: Linux would otherwise take gigabytes into memory at
            # first (this machine has 24 GiB) and write them out later,
            # which no person's computer shows.
            writeback(64 << 20)
            lines = []
            start = time.monotonic()
            mover = subprocess.Popen(
                [SLOW_CLI if slow else CLI, "move", "--source", source, "--to", mount, "--yes", "--json",
                 "--verify", "full"],
                stdout=subprocess.PIPE, text=True)
            for line in mover.stdout:
                ms = round((time.monotonic() - start) * 1000)
                lines.append({"ms": ms, "event": json.loads(line)})
            mover.wait()
            total = round((time.monotonic() - start) * 1000)
            if mover.returncode != 0:
                sys.exit(f"{name}: the move failed: {lines[-1] if lines else ''}")
        finally:
            writeback(None)
            away()
    header = {
        "set": name,
        "drive": kind,
        "outline": {"bytes": scanned["bytes"], "files": scanned["files"], "copies": True,
                    "verify_full": True, "frees": True},
        "total_ms": total,
    }
    path = os.path.join(OUT, f"{name}.jsonl")
    with open(path, "w") as f:
        f.write(json.dumps(header) + "\n")
        for line in lines:
            # The last line is the outcome, not a progress event.
            if "event" in line["event"]:
                line["event"].pop("current", None)  # the file's path: not needed
                f.write(json.dumps(line) + "\n")
    print(f"{name}: {scanned['files']} files, {scanned['bytes'] / 1e6:.0f} MB, "
          f"{total / 1000:.1f} s, {len(lines)} events -> {path}")


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (devices, files, size, kind, slow) in SETS.items():
        record(name, devices, files, size, kind, slow)


if __name__ == "__main__":
    main()

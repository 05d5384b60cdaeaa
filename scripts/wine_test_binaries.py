#!/usr/bin/env python3
"""Runs every test binary of the Windows build under Wine (called by
scripts/wine-tests.sh) and sums them up: the core's unit tests, the CLI's,
and the end-to-end suite's (most of whose tests make stand-in drives with
diskpart or need junctions, which Wine lacks: each of those says it is
skipped, and why). Prints each binary's output, then the line
"TOTAL <passed> <failed> <skipped>" and one "SKIPPED <test>: <reason>" line
per skipped test.

Usage: wine_test_binaries.py WINE CARGO_MESSAGES_JSON LOG_DIR
"""

import json
import os
import re
import subprocess
import sys

WINE, MESSAGES, LOGS = sys.argv[1:4]
binaries = []
for line in open(MESSAGES):
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m.get("profile", {}).get("test"):
        binaries.append((m["target"]["name"], m["target"]["kind"][0], m["executable"]))

passed = failed = 0
skipped = []
os.makedirs(LOGS, exist_ok=True)
for name, kind, exe in binaries:
    log = os.path.join(LOGS, f"{name}-{kind}.log")
    with open(log, "w") as out:
        done = subprocess.run([WINE, exe, "--test-threads=1", "--show-output"], stdout=out,
                              stderr=subprocess.STDOUT, timeout=3600)
    text = open(log, errors="replace").read()
    print(f"== {name} ({kind}): {os.path.basename(exe)}", flush=True)
    print(text, flush=True)
    m = re.search(r"test result: \w+\. (\d+) passed; (\d+) failed", text)
    if m:
        passed += int(m.group(1))
        failed += int(m.group(2))
    if done.returncode != 0 and not (m and int(m.group(2)) > 0):
        failed += 1  # it did not run to its end
    test = "?"
    for line in text.splitlines():
        header = re.match(r"---- (\S+) stdout ----", line)
        if header:
            test = header.group(1)
        elif line.startswith("skipped"):
            skipped.append(f"{name}::{test}: {line.strip()}")
# A skipped test reports itself as passed to libtest: count it once, as skipped.
print(f"TOTAL {passed - len(skipped)} {failed} {len(skipped)}")
for s in skipped:
    print(f"SKIPPED {s}")

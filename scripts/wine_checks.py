#!/usr/bin/env python3
"""The Windows CLI under Wine, across two drive letters (run by
scripts/wine-tests.sh, which maps E: and F: to two Linux file systems).

Checks what issue 13 found broken on Windows: volume facts for a drive
letter (no `\\\\?\\` anywhere, not a "network drive", real free space),
the preflight of a move to another drive letter, the copy with full
verification from the drive, the journal left behind by nothing, and the
link that cannot be made under Wine (no junctions) refused before any copy.
Prints PASS/FAIL lines; the caller counts them.

Usage: wine_checks.py WINE CLI_EXE DRIVES_DIR
"""

import filecmp
import json
import os
import subprocess
import sys

WINE, CLI, DRIVES = sys.argv[1], sys.argv[2], sys.argv[3]
E = os.path.join(DRIVES, "e")
F = os.path.join(DRIVES, "f")
SOURCE = "F:\\MobileSync\\Backup"
failures = 0


def cli(*args):
    done = subprocess.run([WINE, CLI, *args], capture_output=True, text=True,
                          errors="replace", timeout=600)
    return done.returncode, done.stdout, done.stderr


def check(name, ok, detail=""):
    global failures
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))
    if not ok:
        failures += 1


def no_verbatim(text):
    return "\\\\?\\" not in text


def tree(root):
    found = {}
    for folder, _dirs, files in os.walk(root):
        for f in files:
            path = os.path.join(folder, f)
            found[os.path.relpath(path, root)] = path
    return found


code, out, err = cli("sample", SOURCE, "--files", "40", "--bytes", "400000")
check("sample backups on F:", code == 0, err)
original = tree(os.path.join(F, "MobileSync", "Backup"))
check("the sample has files", len(original) > 40, str(len(original)))

code, out, err = cli("status", "--source", SOURCE, "--json")
status = json.loads(out) if code == 0 else {}
location = (status.get("locations") or [{}])[0]
check("status reads F: as local backups", location.get("state") == "local", out + err)
check("status counts the bytes", (location.get("bytes") or 0) > 0, out)
check("status shows no verbatim path", no_verbatim(out), out)

code, out, err = cli("check", "--source", SOURCE, "--to", "E:\\", "--json")
pre = json.loads(out) if out.strip().startswith("{") else {}
codes = [p.get("code") for p in pre.get("problems", [])]
drive = pre.get("drive") or {}
check("check names E: by its drive letter", drive.get("mount_point") == "E:\\", out)
check("E: is not a network drive", not drive.get("network") and "network_destination" not in codes, out)
check("E: has free space", (pre.get("free_bytes") or 0) > 0 and "not_enough_space" not in codes, out)
check("check output has no verbatim path", no_verbatim(out) and no_verbatim(err), out + err)
# Wine has no junctions: the link the move would end with is found missing
# before anything is copied, and said in words.
check("a link Wine cannot make is refused up front", "cannot_make_link" in codes, codes)

# (Wine names the format of some Linux mounts "unknown"; C: it calls NTFS.)
code, out, err = cli("check", "--source", SOURCE, "--to", "C:\\users", "--json")
c_drive = (json.loads(out) if out.strip().startswith("{") else {}).get("drive") or {}
check("C: is read as a local NTFS drive",
      c_drive.get("mount_point") == "C:\\" and c_drive.get("file_system") == "ntfs"
      and not c_drive.get("network") and (c_drive.get("free_bytes") or 0) > 0, out)

code, out, err = cli("check", "--source", SOURCE, "--to", "E:\\")
check("check in words names no verbatim path and no network drive",
      no_verbatim(out) and "network drive" not in out, out)

code, out, err = cli("copy", SOURCE, "E:\\copy", "--verify", "full", "--json")
check("copy F: to E: with full verification", code == 0, out + err)
copied = tree(os.path.join(E, "copy"))
same = sorted(copied) == sorted(original) and all(
    filecmp.cmp(original[k], copied[k], shallow=False) for k in original)
check("every copied file is identical", same, f"{len(copied)} vs {len(original)}")

code, out, err = cli("move", "--source", SOURCE, "--to", "E:\\", "--yes")
check("move to E: is refused (no junctions under Wine)", code == 1, out + err)
check("the refusal says what and that nothing changed",
      "link" in err and "Nothing was changed" in err, err)
check("nothing was copied to E:", not any(n.startswith("Backup") for n in os.listdir(E)), os.listdir(E))
check("the backups are untouched on F:", tree(os.path.join(F, "MobileSync", "Backup")).keys() == original.keys())
check("no journal is left", not os.path.exists(os.path.join(F, "MobileSync", ".backup-relocator.journal")))

os.makedirs(os.path.join(F, "dst"), exist_ok=True)
code, out, err = cli("move", "--source", SOURCE, "--to", "F:\\dst", "--yes")
check("a same-drive move is refused up front too", code == 1, out + err)
check("the same-drive refusal leaves no folder behind",
      os.listdir(os.path.join(F, "dst")) == [] and os.path.isdir(os.path.join(F, "MobileSync", "Backup")),
      os.listdir(os.path.join(F, "dst")))

code, out, err = cli("recover", "--source", SOURCE)
check("recover finds nothing interrupted", code == 0 and "Nothing" in out, out + err)

sys.exit(1 if failures else 0)

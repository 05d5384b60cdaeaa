#!/usr/bin/env python3
"""Whole operations of the Windows build under Wine (run by
scripts/wine-tests.sh): a move with a file held open the way antivirus
holds one, the health check, a move on to a third drive, a move back,
recoveries after kills at several steps, a relink and an adopt, on drive
letters that Wine maps to three different Linux file systems (E: a RAM
disk, F: the root file system, where the "computer's" backups are, G: an
exFAT drive through FUSE). After each, every byte is compared with a copy
of the original taken at the start.

The links are a STAND-IN: Wine 8 can make no junction, so the CLI under
test makes Unix symbolic links that Wine follows (tests/src/wine_link.rs,
switched on by BR_WINE_STAND_IN_LINKS). Junctions themselves are tested on
the workflow's windows-latest job.

Prints PASS/FAIL/SKIP lines; the caller counts them.

Usage: wine_flows.py WINE CLI_UNDER_TEST_EXE HOLD_FILE_EXE DRIVES_DIR PREFIX
"""

import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

WINE, CLI, HOLD, DRIVES, PREFIX = sys.argv[1:6]
E, F, G = (os.path.join(DRIVES, d) for d in ("e", "f", "g"))
SOURCE = "F:\\MobileSync\\Backup"
LOCAL = os.path.join(F, "MobileSync", "Backup")
PARENT = os.path.dirname(LOCAL)
failures = 0
ENV = dict(os.environ, BR_WINE_STAND_IN_LINKS="1", WINEDEBUG="-all", WINEPREFIX=PREFIX)


def cli(*args, failpoint=None):
    env = dict(ENV, FAILPOINTS=failpoint) if failpoint else ENV
    done = subprocess.run([WINE, CLI, *args], capture_output=True, text=True,
                          errors="replace", timeout=600, env=env)
    return done.returncode, done.stdout, done.stderr


def check(name, ok, detail=""):
    global failures
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)
    if not ok:
        failures += 1


def files_under(root):
    found = {}
    for folder, _dirs, names in os.walk(root):
        for n in names:
            if n == ".backup-relocator.json":
                continue
            path = os.path.join(folder, n)
            found[os.path.relpath(path, root)] = path
    return found


def same_as_original(root):
    """Every file of the original, byte for byte, and nothing else."""
    if not os.path.isdir(root):
        return False, f"{root} is not there"
    got = files_under(root)
    if sorted(got) != sorted(ORIGINAL):
        return False, f"{len(got)} files instead of {len(ORIGINAL)}"
    differ = [k for k in ORIGINAL if not filecmp.cmp(ORIGINAL[k], got[k], shallow=False)]
    return not differ, f"differ: {differ[:3]}"


def check_whole(name, root):
    ok, why = same_as_original(root)
    check(name, ok, why)


def ours_left():
    """Folders, records and links of ours that an ended operation must not leave."""
    left = [n for n in os.listdir(PARENT) if ".moving-" in n or ".partial-" in n or n.endswith(".journal")]
    for drive in (E, G):
        left += [os.path.join(drive, n) for n in os.listdir(drive) if n.startswith("Backup.")]
    return left


def links_to(drive):
    return os.path.islink(LOCAL) and os.path.realpath(LOCAL) == os.path.realpath(os.path.join(drive, "Backup"))


def map_letter(letter, folder):
    link = os.path.join(PREFIX, "dosdevices", letter + ":")
    if os.path.lexists(link):
        os.unlink(link)
    if folder:
        os.symlink(folder, link)


# --- the computer's backups, and a copy of them to compare with -----------
code, out, err = cli("sample", SOURCE, "--files", "30", "--bytes", "300000")
check("sample backups on F:", code == 0, err)
snapshot = tempfile.mkdtemp(prefix="wine-flows-original-")
shutil.copytree(LOCAL, os.path.join(snapshot, "Backup"))
ORIGINAL = files_under(os.path.join(snapshot, "Backup"))

# --- a move while antivirus holds a file of the original --------------------
device = sorted(d for d in os.listdir(LOCAL) if os.path.isdir(os.path.join(LOCAL, d)))[0]
held_flag = os.path.join(F, "held")
held_file = f"{SOURCE}\\{device}\\Info.plist"
journal = "F:\\MobileSync\\.backup-relocator.journal"
holder = subprocess.Popen([WINE, HOLD, held_file, journal, "F:\\held", "1500"], env=ENV)
deadline = time.time() + 60
while not os.path.exists(held_flag) and time.time() < deadline:
    time.sleep(0.05)
check("a program holds a file of the original open, without sharing its deletion",
      os.path.exists(held_flag))
code, out, err = cli("move", "--source", SOURCE, "--to", "E:\\", "--yes", "--verify", "full")
holder.wait(timeout=180)
check("the move to E: waits for the held file and finishes", code == 0, out + err)
check_whole("E:\\Backup holds every byte of the original", os.path.join(E, "Backup"))
check("the backup folder now links to E:", links_to(E), os.listdir(PARENT))
check("nothing of the move is left over", ours_left() == [], ours_left())

code, out, err = cli("status", "--source", SOURCE, "--json")
state = (json.loads(out).get("locations") or [{}])[0].get("state") if code == 0 else None
check("status reads the moved backups as moved", state == "relocated", out + err)
code, out, err = cli("health", "--source", SOURCE)
check("the health check reads every device through the link", code == 0 and "healthy" in out, out + err)

# --- a move on to an exFAT drive, then back to the computer ----------------
code, out, err = cli("retarget", "--source", SOURCE, "--to", "G:\\", "--yes", "--verify", "full")
check("the move on from E: to G: (exFAT) finishes", code == 0, out + err)
check_whole("G:\\Backup holds every byte of the original", os.path.join(G, "Backup"))
check("the link points to G: and E: is empty of backups",
      links_to(G) and not os.path.exists(os.path.join(E, "Backup")), os.listdir(E))
code, out, err = cli("revert", "--source", SOURCE, "--yes", "--verify", "full")
check("the move back from G: finishes", code == 0, out + err)
check_whole("the computer holds every byte again", LOCAL)
check("it is a real folder, and G: is empty of backups",
      not os.path.islink(LOCAL) and not os.path.exists(os.path.join(G, "Backup")))
check("nothing of the moves is left over", ours_left() == [], ours_left())

# --- killed at a step, then recovered ---------------------------------------
KILLS = [
    ("move", "copy-after-file=return", "undone", lambda: LOCAL),
    ("move", "move-set-aside=return", "finished", lambda: os.path.join(E, "Backup")),
    ("move", "deleting-after-file=return", "finished", lambda: os.path.join(E, "Backup")),
    ("revert", "revert-unlinked=return", "finished", lambda: LOCAL),
    ("retarget", "retarget-published=return", "finished", lambda: os.path.join(G, "Backup")),
]
for op, failpoint, expected, where in KILLS:
    args = {"move": ("move", "--source", SOURCE, "--to", "E:\\", "--yes"),
            "revert": ("revert", "--source", SOURCE, "--yes"),
            "retarget": ("retarget", "--source", SOURCE, "--to", "G:\\", "--yes")}[op]
    # Each kill starts from where its operation starts.
    if op == "move" and os.path.islink(LOCAL):
        cli("revert", "--source", SOURCE, "--yes")
    if op in ("revert", "retarget") and not links_to(E):
        if os.path.islink(LOCAL):
            cli("revert", "--source", SOURCE, "--yes")
        cli("move", "--source", SOURCE, "--to", "E:\\", "--yes")
    code, out, err = cli(*args, failpoint=failpoint)
    check(f"{op} killed at {failpoint.split('=')[0]}", code != 0, out + err)
    code, out, err = cli("recover", "--source", SOURCE)
    check(f"recovery after it says the {op} was {expected}", code == 0 and f"was {expected}" in out, out + err)
    check_whole(f"after that recovery every byte is at {where()}", where())
    check(f"after that recovery nothing of ours is left over", ours_left() == [], ours_left())

# --- the drive back under another letter: relink -----------------------------
if os.path.islink(LOCAL):
    cli("revert", "--source", SOURCE, "--yes")
code, out, err = cli("move", "--source", SOURCE, "--to", "E:\\", "--yes")
check("a move to E: before the letter changes", code == 0, out + err)
map_letter("e", None)
map_letter("h", E)
code, out, err = cli("status", "--source", SOURCE, "--json")
state = (json.loads(out).get("locations") or [{}])[0].get("state") if code == 0 else None
check("with E: gone the link reads as dangling", state == "dangling", out + err)
# Wine gives each drive letter its own volume identity (mountmgr's default
# GUID ends in the letter), so the copy on H: is another volume to it and
# relink must refuse: its identity check at work.
code, out, err = cli("relink", "--source", SOURCE, "--yes")
check("relink refuses a copy whose volume identity differs", code == 1 and "not found" in err, out + err)
# A copy placed by an earlier version records no volume identity: relink
# then finds it by its place on the drive, as it does on Windows for a
# letter change (where the volume GUID stays the same).
marker_path = os.path.join(E, "Backup", ".backup-relocator.json")
with open(marker_path) as f:
    marker = json.load(f)
marker.pop("volume_id", None)
with open(marker_path, "w") as f:
    json.dump(marker, f)
code, out, err = cli("relink", "--source", SOURCE, "--yes")
check("relink points the link at H:\\Backup", code == 0 and "H:\\Backup" in out, out + err)
code, out, err = cli("status", "--source", SOURCE, "--json")
state = (json.loads(out).get("locations") or [{}])[0].get("state") if code == 0 else None
check("after relink the backups read as moved again", state == "relocated", out + err)
check_whole("after relink every byte is there through the link", LOCAL)

# --- a reinstalled computer: adopt the copy on the drive --------------------
os.unlink(LOCAL)
os.unlink(LOCAL + ".stand-in-link")
code, out, err = cli("adopt", "--source", SOURCE, "--from", "H:\\Backup")
check("adopt links the backup folder to the copy on H:", code == 0, out + err)
check_whole("after adopt every byte is there through the link", LOCAL)
code, out, err = cli("revert", "--source", SOURCE, "--yes")
check("and the adopted backups move back to the computer", code == 0, out + err)
check_whole("the computer holds every byte at the end", LOCAL)
check("nothing of ours is left at the end", ours_left() == [] and not os.listdir(E), ours_left() + os.listdir(E))
map_letter("h", None)
map_letter("e", E)
shutil.rmtree(snapshot)
sys.exit(1 if failures else 0)

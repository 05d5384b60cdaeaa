#!/usr/bin/python3
"""Drives the real Backup Relocator window the way a screen reader does:
over AT-SPI, by the names and roles of its controls, never by pixels.

It completes a move to a drive, a cancelled move on, a move on to a
second drive and a move back; takes over backups moved by hand and moves
them back; and lets go of a drive gone for good. It checks what a blind
user relies on: the
window is named, the step indicator says where the wizard is, the progress
bar is exposed with a value, and every control it needs has a name. At the
end the backups are checked on disk: whole, in their first place, and
nothing left on the drives.

Usage: screen_reader.py SOURCE FIRST_DRIVE SECOND_DRIVE APP_BINARY
(run by scripts/screen-reader-test.sh, which starts the display and buses).
"""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import pyatspi

SOURCE, FIRST, SECOND, BINARY = sys.argv[1:5]
FIRST_NAME, SECOND_NAME = "BR First", "BR Second"


def log(text):
    print(f"[screen reader] {text}", flush=True)


def digest(root):
    """Every file below root: its relative path and content hash."""
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                found[os.path.relpath(path, root)] = hashlib.blake2b(f.read()).hexdigest()
    return found


class Window:
    """The app as AT-SPI shows it."""

    def __init__(self, process):
        self.process = process
        self.app = None

    def application(self):
        if self.app is not None:
            return self.app
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            child = desktop.getChildAtIndex(i)
            if child is not None and child.name == "backup-relocator":
                self.app = child
                return child
        return None

    def nodes(self):
        def walk(node):
            yield node
            for i in range(node.childCount):
                child = node.getChildAtIndex(i)
                if child is not None:
                    yield from walk(child)

        app = self.application()
        return list(walk(app)) if app is not None else []

    def frame_name(self):
        frame = self.frame()
        return frame.name if frame is not None else None

    def wait(self, what, test, timeout=60):
        """Polls until test() gives something, or fails saying what it waited for."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"the app ended while waiting for {what}")
            try:
                found = test()
            except Exception:  # the tree changes under the walk
                found = None
            if found:
                return found
            time.sleep(0.1)
        names = [(n.getRoleName(), n.name) for n in self.nodes()]
        sys.exit(f"timed out waiting for {what}; the window shows: {names}")

    def find(self, role, name):
        for node in self.nodes():
            if node.getRoleName() == role and node.name == name:
                return node
        return None

    def enabled(self, role, name):
        node = self.find(role, name)
        if node is not None and node.getState().contains(pyatspi.STATE_ENABLED):
            return node
        return None

    def press(self, name, role="push button", timeout=60):
        node = self.wait(f'{role} "{name}" enabled', lambda: self.enabled(role, name), timeout)
        node.queryAction().doAction(0)
        log(f'pressed {role} "{name}"')

    def button_starting(self, prefix, role="push button"):
        """The enabled control of `role` whose name starts with `prefix`."""
        def test():
            for node in self.nodes():
                if (node.getRoleName() == role and (node.name or "").startswith(prefix)
                        and node.getState().contains(pyatspi.STATE_ENABLED)):
                    return node
            return None

        return self.wait(f'{role} starting "{prefix}" enabled', test)

    def press_starting(self, prefix, role="push button"):
        node = self.button_starting(prefix, role)
        name = node.name
        node.queryAction().doAction(0)
        log(f'pressed {role} "{name}"')
        return name

    def page(self, title, timeout=60):
        expected = f"Backup Relocator — {title}"
        self.wait(f'the window named "{expected}"', lambda: self.frame_name() == expected, timeout)
        log(f'window is "{expected}"')

    def label(self, text, timeout=30):
        return self.wait(f'a label "{text}"', lambda: self.find("label", text), timeout)

    def label_containing(self, text, timeout=30):
        def test():
            for node in self.nodes():
                if node.getRoleName() == "label" and text in (node.name or ""):
                    return node
            return None

        return self.wait(f'a label containing "{text}"', test, timeout)

    def progress_value(self):
        for node in self.nodes():
            if node.getRoleName() == "progress bar":
                return node.queryValue().currentValue
        return None

    def extents(self, node):
        box = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        return box.x, box.y, box.x + box.width, box.y + box.height

    def frame(self):
        for node in self.nodes():
            if node.getRoleName() == "frame":
                return node
        return None

    def whole_progress(self):
        """The whole operation's bar: its value, its range, and whether it
        and the time left beside it are fully inside the window."""
        bar = self.find("progress bar", "Whole move")
        frame = self.frame()
        if bar is None or frame is None:
            return None
        value = bar.queryValue()
        fx0, fy0, fx1, fy1 = self.extents(frame)
        footer = 58  # the bottom bar's height: above it is what shows

        def inside(node):
            x0, y0, x1, y1 = self.extents(node)
            return fx0 <= x0 and fy0 <= y0 and x1 <= fx1 and y1 <= fy1 - footer
        left = None
        for node in self.nodes():
            if node.getRoleName() == "label" and " left" in (node.name or ""):
                left = node
        under_way = [n.name for n in self.nodes()
                     if n.getRoleName() == "label" and (n.name or "").endswith(": under way")]
        return {
            "value": value.currentValue, "min": value.minimumValue, "max": value.maximumValue,
            "bar_inside": inside(bar), "left_shown": left is not None,
            "left_inside": left is not None and inside(left),
            "phase": under_way[0] if under_way else None,
        }


def smallest_window():
    """Makes the app's window the smallest it allows (560x460)."""
    subprocess.run(["xdotool", "search", "--sync", "--name", "^Backup Relocator",
                    "windowsize", "560", "460"], check=True, stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    log("window at 560x460")


def watch_progress(window, done_title):
    """Until the page is done_title, checks at every look that the whole
    operation's bar and its time left are fully inside the window, and that
    the bar reads from 0 to 100; returns the phases seen."""
    phases = []
    left_seen = False
    expected = f"Backup Relocator — {done_title}"
    deadline = time.time() + 600
    while window.frame_name() != expected:
        if time.time() > deadline:
            sys.exit(f"no {done_title} page within 10 minutes")
        try:
            seen = window.whole_progress()
        except Exception:  # the tree changes under the walk
            seen = None
        if seen:
            assert seen["min"] == 0 and seen["max"] == 100, seen
            assert 0 <= seen["value"] <= 100, seen
            assert seen["bar_inside"], f"the bar is outside the window: {seen}"
            # The time left shows once the speed is known (a fast start can
            # pass 10 % before): whenever it shows, all of it is inside.
            if seen["left_shown"]:
                assert seen["left_inside"], f"the time left is outside the window: {seen}"
                left_seen = True
            if seen["phase"] and seen["phase"] not in phases:
                phases.append(seen["phase"])
                log(f'{seen["phase"]}: bar at {seen["value"]} % of 0–100, inside the window')
        time.sleep(0.2)
    assert left_seen, "the time left never showed during the operation"
    log(f'window is "{expected}"')
    return phases


def unnamed_controls(window):
    """Buttons, boxes and fields a screen reader could not name."""
    roles = {"push button", "toggle button", "check box", "radio button", "text", "spin button"}
    return [n.getRoleName() for n in window.nodes() if n.getRoleName() in roles and not n.name]


def move_to(window, drive, move_label="Move"):
    window.page("Before we start")
    window.press("Next")
    window.page("Where should the backups go?")
    window.press(drive, role="radio button")
    window.press("Next")
    window.page("Ready to go")
    window.press(move_label)


def main():
    before = digest(SOURCE)
    log(f"{len(before)} files in the backups")
    env = dict(os.environ)
    process = subprocess.Popen([BINARY, "--source", SOURCE], env=env)
    window = Window(process)
    try:
        window.page("Your backups")
        window.label("Step 1 of 6: Backups")
        unnamed = unnamed_in(window)
        assert not unnamed, unnamed

        log("-- move to the first drive, at the smallest window")
        smallest_window()
        window.press("Move backups…")
        window.label("Step 2 of 6: Checks")
        move_to(window, FIRST_NAME)
        window.page("Moving your backups")
        phases = watch_progress(window, "Done")
        assert len(phases) >= 3, f"the bar was seen in too few phases: {phases}"
        window.label("Step 6 of 6: Done")
        window.press("Back to overview")
        window.page("Your backups")
        assert os.path.islink(SOURCE), "the backup folder is a link now"

        log("-- a move on, cancelled during the copy")
        window.press("Manage moved backups")
        window.page("Moved backups")
        window.press("Move to another drive…")
        window.label("Step 1 of 5: Checks")
        move_to(window, SECOND_NAME)
        window.wait("the copy under way", lambda: (window.progress_value() or 0) > 0)
        window.press("Cancel")
        window.press("Stop and undo")
        window.page("Cancelled — nothing was changed", timeout=600)
        window.label_containing("Your backups are safe on")
        window.press("Back to overview")

        log("-- a move on to the second drive")
        window.press("Manage moved backups")
        window.press("Move to another drive…")
        move_to(window, SECOND_NAME)
        window.page("Done", timeout=600)
        window.label("Your backups are on the new drive")
        window.press("Back to overview")

        log("-- a move back to this computer")
        window.press("Manage moved backups")
        window.press("Move back to this computer…")
        window.label("Step 1 of 4: Checks")
        window.page("Before we start")
        window.press("Next")
        window.page("Ready to go")
        window.press("Move back")
        window.page("Done", timeout=600)
        window.label("Your backups are back on this computer")
        window.press("Back to overview")
        window.page("Your backups")
        unnamed = unnamed_in(window)
        assert not unnamed, unnamed
    finally:
        close(process)

    assert os.path.isdir(SOURCE) and not os.path.islink(SOURCE), "the backups are back"
    assert digest(SOURCE) == before, "every file came back as it was"
    for drive in (FIRST, SECOND):
        left = [e for e in os.listdir(drive) if e != "lost+found"]
        assert not left, f"{drive} still holds {left}"
    log("move, cancel, move on and move back completed by control names")
    by_hand()
    drive_gone_for_good()
    between_visits()


def cli():
    return os.path.join(os.path.dirname(BINARY), "backup-relocator-cli")


def unnamed_in(window):
    """The controls without a name, read again when the tree changes under
    the walk (AT-SPI then answers that a node no longer exists)."""
    return window.wait("a whole look at the controls", lambda: (unnamed_controls(window),))[0]


def small_sample(folder, devices=1, seed=1):
    """A small sample backup at folder, made by the command-line tool."""
    subprocess.run([cli(), "sample", folder, "--devices", str(devices), "--files", "200",
                    "--bytes", "2000000", "--seed", str(seed)],
                   check=True, stdout=subprocess.DEVNULL)


def run_app(source, steps):
    """Starts the app on source, runs steps(window), then closes it."""
    process = subprocess.Popen([BINARY, "--source", source], env=dict(os.environ))
    window = Window(process)
    try:
        steps(window)
        unnamed = unnamed_in(window)
        assert not unnamed, unnamed
    finally:
        close(process)


def close(process):
    """Closes the app as a logout does (a termination signal), or fails."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        sys.exit("the app did not close on SIGTERM")


def by_hand():
    """Backups moved by hand (a link someone made): shown as such, taken
    over by one button, then moved back, every byte as it was."""
    log("-- backups moved by hand: taken over, then moved back")
    home = os.path.join(os.path.dirname(SOURCE), "by-hand")
    source = os.path.join(home, "Backup")
    copy = os.path.join(FIRST, "iPhone backups")
    small_sample(copy)
    before = digest(copy)
    os.makedirs(home)
    os.symlink(copy, source)

    def steps(window):
        window.page("Your backups")
        window.label_containing("Moved by hand to")
        window.press("Manage moved backups")
        window.page("Moved backups")
        window.press("Let Backup Relocator manage them")
        window.page("Done", timeout=300)
        window.label("Backup Relocator now manages your backups")
        window.press("Back to overview")
        window.press("Manage moved backups")
        window.press("Move back to this computer…")
        window.page("Before we start")
        window.press("Next")
        window.page("Ready to go")
        window.press("Move back")
        window.page("Done", timeout=300)
        window.label("Your backups are back on this computer")

    run_app(source, steps)
    assert os.path.isdir(source) and not os.path.islink(source), "moved back"
    assert digest(source) == before, "every file came back as it was"
    assert not os.path.exists(copy), "the hand-made copy was deleted after the checked copy"
    log("backups moved by hand taken over and moved back by control names")


def drive_gone_for_good():
    """A move interrupted after it set the original aside, its drive lost:
    the window offers to go on without it, says what that means, and does it."""
    log("-- a drive gone for good")
    home = os.path.join(os.path.dirname(SOURCE), "gone")
    source = os.path.join(home, "Backup")
    small_sample(source)
    before = digest(source)
    op_id = "0123456789ab"
    aside = f"{source}.moving-{op_id}"
    os.rename(source, aside)
    lost = "/media/br-a11y-lost-drive/Backups"
    now = int(time.time())
    journal = {
        "format": 1, "app_version": "0.1.0", "operation": "move", "id": op_id,
        "step": "setting_aside", "source": source, "target": f"{lost}/Backup",
        "staging": f"{lost}/Backup.partial-{op_id}", "aside": aside,
        "previous": None, "previous_id": None, "keep_previous": False,
        "rolling_back": False, "total_bytes": 0, "total_files": 0,
        "started_at": now, "updated_at": now,
    }
    with open(os.path.join(home, ".backup-relocator.journal"), "w") as f:
        json.dump(journal, f)

    def steps(window):
        window.page("Your backups")
        window.label_containing("which is not connected")
        window.press("The drive is gone for good…")
        window.label_containing("lost, broken or wiped")
        window.press("Go on without that drive")
        window.label_containing("no longer waits")
        window.enabled("push button", "Move backups…") or window.wait(
            "Move backups… enabled", lambda: window.enabled("push button", "Move backups…"))

    run_app(source, steps)
    assert os.path.isdir(source) and not os.path.islink(source), "back in place"
    assert digest(source) == before, "every file as it was"
    assert not os.path.exists(os.path.join(home, ".backup-relocator.journal"))
    log("a drive gone for good let go by control names")


def between_visits():
    """Issue 21 by control names: one device's backup archived to a drive
    and brought back; the guard turned on and off in Preferences; a folder
    where our link was (an update replaced it) brought to the drive."""
    log("-- one device at a time, the guard, a replaced link")
    home = os.path.join(os.path.dirname(SOURCE), "visits")
    source = os.path.join(home, "Backup")
    small_sample(source, devices=2, seed=7)
    before = digest(source)
    login_item = os.path.join(os.environ["HOME"], ".config", "autostart",
                              "backup-relocator-guard.desktop")

    def steps(window):
        window.page("Your backups")
        window.label("One device at a time")
        archive = window.press_starting("Archive ")
        device = archive[len("Archive "):].rstrip("…")
        window.press_starting(f"Archive to {FIRST_NAME} (")
        window.page("Done", timeout=300)
        window.label("The backup is archived on the drive")
        window.press("Back to overview")
        window.label_containing(f"{device}: archived on")
        window.press(f"Bring back {device}")
        window.page("Done", timeout=300)
        window.label("The backup is back")
        window.press("Back to overview")
        window.page("Your backups")

        window.press("Preferences", role="toggle button")
        window.page("Preferences")
        window.press("Watch over my moved backups between visits", role="check box")
        window.label_containing("On: a small helper without a window")
        assert os.path.isfile(login_item), "the guard's login item"
        window.press("Watch over my moved backups between visits", role="check box")
        window.label_containing("Off. When on, a small helper")
        assert not os.path.exists(login_item), "no login item left once off"

    run_app(source, steps)
    assert digest(source) == before, "every file of the archived device came back as it was"
    for drive in (FIRST, SECOND):
        archive = os.path.join(drive, "Archived iPhone and iPad backups")
        left = os.listdir(archive) if os.path.isdir(archive) else []
        assert not left, f"{archive} still holds {left}"

    log("-- a replaced link brought to the drive")
    moved = os.path.join(os.path.dirname(SOURCE), "replaced")
    source = os.path.join(moved, "Backup")
    small_sample(source, devices=1, seed=8)
    subprocess.run([cli(), "move", "--source", source, "--to", FIRST, "--yes",
                    "--quiet-minutes", "0"], check=True, stdout=subprocess.DEVNULL)
    copy = os.readlink(source)
    on_drive = digest(copy)
    newer = os.path.join(moved, "newer")
    small_sample(newer, devices=1, seed=9)
    os.remove(source)
    os.makedirs(source)
    (new_device,) = os.listdir(newer)
    os.rename(os.path.join(newer, new_device), os.path.join(source, new_device))
    new_backup = digest(os.path.join(source, new_device))

    def merge(window):
        window.page("Your backups")
        window.label_containing("New backups are on this computer again")
        window.press("Bring them to the drive")
        window.page("Done", timeout=300)
        window.label("The new backups are on the drive")

    run_app(source, merge)
    assert os.path.islink(source) and os.readlink(source) == copy, "linked again"
    assert digest(os.path.join(copy, new_device)) == new_backup, "the new backup on the drive"
    after = {k: v for k, v in digest(copy).items() if not k.startswith(new_device)}
    assert after == on_drive, "the drive's own backups as they were"
    subprocess.run([cli(), "revert", "--source", source, "--yes"], check=True,
                   stdout=subprocess.DEVNULL)
    log("archive, bring back, the guard's switch and a merge done by control names")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Measures the window under Xvfb: time to first frame, idle CPU over 10 s,
and the window thread's CPU while the progress page updates during a real
copy. Run by scripts/measure-app.sh after a release build."""
import os
import subprocess
import sys
import tempfile
import time

TICK = os.sysconf("SC_CLK_TCK")


def ticks(pid, tid=None):
    path = f"/proc/{pid}/task/{tid}/stat" if tid else f"/proc/{pid}/stat"
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def first_frame_and_idle(app, display, args):
    state = tempfile.mkdtemp()
    env = dict(os.environ, DISPLAY=display, XDG_STATE_HOME=state)
    start = time.monotonic()
    proc = subprocess.Popen([app, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = os.path.join(state, "backup-relocator", "backup-relocator.log")
    first = None
    while time.monotonic() - start < 30 and first is None:
        if os.path.exists(log):
            for line in open(log):
                if "first frame drawn" in line:
                    first = int(line.split("millis=")[1].split()[0])
        time.sleep(0.05)
    time.sleep(8)  # let the scan of the demo backup finish
    t0 = ticks(proc.pid)
    time.sleep(10)
    idle = (ticks(proc.pid) - t0) / TICK / 10 * 100
    proc.terminate()
    proc.wait()
    return first, idle


def progress_cpu(tour, display, out):
    env = dict(os.environ, DISPLAY=display)
    proc = subprocess.Popen([tour, out, "820x600"], env=env, stdout=subprocess.PIPE, text=True)
    window = None
    samples = []
    for line in proc.stdout:
        if "progress.png" in line:
            window = (time.monotonic(), ticks(proc.pid, proc.pid))
        elif "done.png" in line and window:
            wall = time.monotonic() - window[0]
            cpu = (ticks(proc.pid, proc.pid) - window[1]) / TICK
            samples.append((wall, cpu))
    proc.wait()
    return samples


def main():
    app, tour, display, cli = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    backups = os.path.join(tempfile.mkdtemp(), "Backup")
    subprocess.run([cli, "sample", backups], check=True, stdout=subprocess.DEVNULL)
    for label, args in (("a 180 MB backup (--source)", ["--source", backups]), ("--demo, which first writes its sample", ["--demo"])):
        first, idle = first_frame_and_idle(app, display, args)
        print(f"{label}: time to first frame {first} ms, idle CPU over 10 s {idle:.1f} %")
    for wall, cpu in progress_cpu(tour, display, tempfile.mkdtemp()):
        print(f"window thread while the progress page updated: {cpu:.2f} s CPU over {wall:.2f} s = {cpu / wall * 100:.1f} %")


if __name__ == "__main__":
    main()

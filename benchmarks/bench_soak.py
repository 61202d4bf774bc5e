"""Memory over a long soak of live changes and theme switches (issue 23, item 5).

    python benchmarks/bench_soak.py [--minutes 30] [--every 2]

The lab's window (offscreen) plays the default config under a real event loop; every
``--every`` seconds it gets the next of a round of changes a lecturer makes (a theme
switch between each two: ``tests/ui_fuzz.lecture_round``, with two data sets of the
lecturer's own loaded from files). Once a minute the resident memory of the
window's process and of the engine's is sampled. Reported: the samples, and the slope
of each after the first minute (least squares, MB/min); goal under 0.2 MB/min each.
The window's memory is read after ``malloc_trim`` (the C heap handing back what it holds
free; the process's own growth is what is asked), the engine's as it is.
"""
from __future__ import annotations

import argparse
import ctypes
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from itertools import cycle
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from lab_window import open_window  # noqa: E402
from ui_fuzz import lecture_round  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_mb(pid):
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2 ** 20


def data_files(folder):
    """Two small data sets of the lecturer's own, in a CSV and an NPZ file."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    csv = folder / "quadrants.csv"
    np.savetxt(csv, np.column_stack([X, y]), delimiter=",", header="x1,x2,label", comments="")
    npz = folder / "rings.npz"
    r = np.hypot(*X.T)
    np.savez(npz, X=X * 2, y=(r > 1).astype(int))
    return csv, npz


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between two changes")
    parser.add_argument("--trace", action="store_true",
                        help="also name the ten places whose Python allocations grew most after the first minute")
    args = parser.parse_args()
    app = QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    window = open_window(folder / "lab.ini")
    themes = cycle(("light", "presentation", "dark"))
    round_ = cycle(lecture_round(window, data_files(folder)))
    turn = [0]

    def act():
        if turn[0] % 2 == 0:
            window.set_theme(next(themes))
        else:
            next(round_)()
        turn[0] += 1
        if not window.state.playing:
            window.controls.play_button.click()
    trim = ctypes.CDLL("libc.so.6").malloc_trim
    samples = []

    traced = []

    def sample():
        gc.collect()
        trim(0)
        if args.trace and len(samples) == 1:
            tracemalloc.start(12)
        if args.trace and len(samples) == 2:
            traced.append(tracemalloc.take_snapshot())
        samples.append((time.monotonic(), resident_mb(os.getpid()), resident_mb(window.engine.process.pid)))
        minute = (samples[-1][0] - samples[0][0]) / 60
        print(f"{minute:5.1f} min: window {samples[-1][1]:7.1f} MB, engine {samples[-1][2]:7.1f} MB, "
              f"{turn[0]} actions", flush=True)

    window.controls.play_button.click()
    actions, sampler = QTimer(), QTimer()
    actions.timeout.connect(act)
    sampler.timeout.connect(sample)
    loop = QEventLoop()
    QTimer.singleShot(0, sample)
    actions.start(int(args.every * 1000))
    sampler.start(60_000)
    QTimer.singleShot(int(args.minutes * 60_000) + 500, loop.quit)
    loop.exec()
    actions.stop()
    sampler.stop()
    window.close()

    t, w, e = (np.array(column) for column in zip(*samples))
    after = (t - t[0]) >= 59                            # after the first minute
    for name, mb in (("window", w), ("engine", e)):
        slope = np.polyfit((t[after] - t[0]) / 60, mb[after], 1)[0] if after.sum() >= 2 else float("nan")
        print(f"{name}: {mb[0]:.1f} MB at the start, {mb[after][0] if after.any() else mb[-1]:.1f} after the first "
              f"minute, {mb[-1]:.1f} at the end; slope after the first minute {slope:+.3f} MB/min")
    print(f"{turn[0]} actions over {args.minutes:g} minutes; load average {os.getloadavg()[0]:.1f}")
    if traced:
        for stat in tracemalloc.take_snapshot().compare_to(traced[0], "traceback")[:10]:
            print(stat)
            print("\n".join("    " + line for line in stat.traceback.format()[-8:]))


if __name__ == "__main__":
    main()

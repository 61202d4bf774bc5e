"""Recordings under load (offscreen): memory, real time, and closing mid-recording.

    python benchmarks/bench_recording.py [CHECKOUT]

CHECKOUT (default: this one) is the lab to measure, so one script gives before/after
figures from an older checkout too. While the default config trains at full speed
(100 steps per frame), it measures:
* memory: the window (1600 × 950) recorded at 10 fps for 20 s; the process's resident
  memory is sampled every 0.1 s: the largest growth, and the growth per frame grabbed
  once settled (from 5 s on), in raw frames (w × h × 3 bytes);
* real time: the surface panel recorded at 10 fps for 10 s: frames in the file and how
  long the file plays (a GIF's summed delays) against the 10 s recorded;
* closing: the window recorded for 8 s, then closed: how long the close took, what it
  said, whether the file exists, and which threads are left.
"""
from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent).resolve()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lab_window import open_window as open_lab, pump  # noqa: E402  (it puts this checkout first on the path…)

sys.path.insert(0, str(ROOT))                    # … so the one to measure goes before it

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def os_threads():
    return set(os.listdir("/proc/self/task"))


def open_window(folder):
    window = open_lab(Path(folder) / "bench.ini")
    pump(QApplication.instance(), 1.0, lambda: window.painted is not None)
    speed = window.controls.speed.slider
    speed.setValue(speed.maximum())                  # full speed: 100 steps per frame
    window.controls.play_button.click()
    pump(QApplication.instance(), 1.0)
    return window


def gif_seconds(path):
    with Image.open(path) as gif:
        total = 0
        for k in range(gif.n_frames):
            gif.seek(k)
            total += gif.info["duration"]
        return gif.n_frames, total / 1000


def grabbed(recorder):
    """Frames grabbed so far (the recorder before the streaming one kept them in a list)."""
    return recorder.grabbed if hasattr(recorder, "grabbed") else len(recorder.frames)


def record(window, target, path, seconds, fps=10):
    """Record until the recorder stops by itself and the file is saved. Returns the
    message, the largest memory growth (MB), the growth per frame grabbed once settled
    (a least-squares slope of memory against frames grabbed, from 5 s on; MB) and the size
    of one raw frame (MB)."""
    app = QApplication.instance()
    messages = []
    before = resident_mb()
    recorder = window.lecture.record(target, path, fps=fps, max_seconds=seconds)
    recorder.finished.connect(messages.append)
    widget = window.lecture.target_widget(target)
    raw = widget.width() * widget.height() * 3 / 1e6
    start, samples = time.monotonic(), []
    while not messages and time.monotonic() < start + seconds + 120:
        pump(app, 0.1)
        if recorder.recording:
            samples.append((time.monotonic() - start, grabbed(recorder), resident_mb()))
    t, frames, rss = np.array(samples).T
    settled = t >= 5.0
    slope = np.polyfit(frames[settled], rss[settled], 1)[0]
    return messages[0] if messages else "no message", rss.max() - before, slope, raw


def main():
    app = QApplication([])
    print(f"checkout: {ROOT}")
    with tempfile.TemporaryDirectory() as folder:
        window = open_window(folder)
        message, growth, slope, raw = record(window, "window", Path(folder) / "window.gif", 20.0)
        print(f"memory: the window for 20 s at 10 fps: {message}")
        print(f"  grew at most {growth:.0f} MB; once settled {slope:.2f} MB per frame grabbed "
              f"= {slope / raw:.2f} raw frames ({raw:.2f} MB each)")

        message, *_ = record(window, "surface", Path(folder) / "surface.gif", 10.0)
        count, played = gif_seconds(Path(folder) / "surface.gif")
        print(f"real time: the surface panel for 10 s at 10 fps: {count} frames in the file "
              f"(100 promised), playing {played:.2f} s ({message})")

        threads = os_threads()
        out = Path(folder) / "closing.gif"
        window.lecture.record("window", out, fps=10, max_seconds=60)
        pump(app, 8.0)
        start = time.monotonic()
        window.close()
        took = time.monotonic() - start
        pump(app, 0.5)
        left = sorted(t.name for t in threading.enumerate() if t is not threading.main_thread())
        print(f"closing after 8 s of recording the window: {took:.2f} s; said: {window.lecture.last_message!r}; "
              f"file {'written' if out.exists() else 'absent'}; "
              f"{len(os_threads() - threads)} new OS threads left; Python threads left: {left or 'none'}")


if __name__ == "__main__":
    main()

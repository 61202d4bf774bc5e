"""The window under load (offscreen): frames per second, main-thread gaps, latency.

    python benchmarks/bench_ui.py [--load N] [--config deep]

While the default config trains at the default speed:
* frames painted per second and steps trained per second over DURATION seconds, against
  the steps asked for (the speed's steps per frame, a frame every TICK: 333 a second at the
  default 5);
* the main thread's gaps: a 1 ms probe timer records the gaps between its ticks (a gap of
  g ms means the event loop was busy, or waiting, for about g - 1 ms): longest, 99th
  percentile;
* key presses: every 200 ms a Space key press is posted to the window, and the time until
  its shortcut has toggled Play is recorded (the press waits in the queue like a real one);
* the time from a change of the depth slider to the first frame painted with the new
  depth, over REPEATS changes (median and worst).
The first figures are measured three times: one run, with a baseline pinned beside it
(issue 14: the worker trains two runs, the window paints both), and after clearing it.
``--load N`` starts N CPU-bound processes beside the lab first (a busy lecture laptop).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from lab_window import open_window, pump, start_burners  # noqa: E402
from stall_probe import StallProbe  # noqa: E402

DURATION = 5.0
REPEATS = 20
TICK = 0.015          # seconds: the engine's tick, a frame's steps asked for each


class KeyLatency:
    """Posts a Space press every ``interval`` ms; records how long each took to toggle Play."""

    def __init__(self, window, interval=200):
        self.window, self.latencies, self._posted = window, [], None
        if hasattr(window, "state"):               # the lab's state says when Play toggles
            window.state.listen(lambda edit, *_: edit == "set_playing" and self._toggled(None))
        else:                                     # older windows: the controls' signal
            window.controls.play_toggled.connect(self._toggled)
        self.timer = QTimer()
        self.timer.setInterval(interval)
        self.timer.timeout.connect(self._post)

    def _post(self):
        if self._posted is None:
            self._posted = time.perf_counter()
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QCoreApplication.postEvent(self.window, QKeyEvent(kind, Qt.Key.Key_Space,
                                                                  Qt.KeyboardModifier.NoModifier, " "))

    def _toggled(self, _):
        if self._posted is not None:
            self.latencies.append(time.perf_counter() - self._posted)
            self._posted = None


def measure(app, window, label):
    """Frames painted and steps trained per second (against those asked for), and the main
    thread's gaps, over DURATION."""
    probe = StallProbe()
    frames, steps = window.frames_painted, window.painted.snapshot.step
    probe.start()
    pump(app, DURATION)
    probe.stop()
    fps = (window.frames_painted - frames) / DURATION
    trained = (window.painted.snapshot.step - steps) / DURATION
    speed = window.controls.speed
    asked = speed.values[speed.slider.value()] / TICK
    print(f"{label}: frames painted per second: {fps:.1f}; steps trained per second: {trained:.0f} "
          f"of {asked:.0f} asked ({trained / asked:.0%}); main-thread gaps: longest "
          f"{probe.longest_ms():.1f} ms, 99th percentile {probe.percentile_ms(99):.1f} ms "
          f"({len(probe.gaps)} probe ticks, every 1 ms)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", type=int, default=0, help="CPU-bound processes beside the lab")
    args = parser.parse_args()
    burners = start_burners(args.load, 600)
    app = QApplication([])
    window = open_window(Path("/tmp") / "bench_ui.ini")
    pump(app, 2.0, lambda: window.painted is not None)

    window.controls.play_button.click()
    print(f"{args.load} competing processes on {os.cpu_count()} cores")
    for label, button in (("one run", None), ("with a baseline", window.controls.pin_button),
                          ("baseline cleared", window.controls.clear_button)):
        if button is not None:
            button.click()
        pump(app, 1.0)                                 # warm up
        measure(app, window, label)

    keys = KeyLatency(window)
    keys.timer.start()
    pump(app, DURATION)
    keys.timer.stop()
    pump(app, 0.3)
    print(f"key press to Play toggled: median {statistics.median(keys.latencies) * 1e3:.1f} ms, "
          f"worst {max(keys.latencies) * 1e3:.1f} ms over {len(keys.latencies)} presses")

    if not window.controls.play_button.isChecked():
        window.controls.play_button.click()
    latencies = []
    depth_slider = window.controls.fields["depth"].slider
    for k in range(REPEATS):
        depth = 4 + (k * 7) % 40
        start = time.perf_counter()
        depth_slider.setValue(depth - 1)
        pump(app, 5.0, lambda: window.painted.snapshot.config.depth == depth)
        latencies.append(time.perf_counter() - start)
        pump(app, 0.1)
    print(f"depth change to painted frame: median {statistics.median(latencies) * 1e3:.1f} ms, "
          f"worst {max(latencies) * 1e3:.1f} ms over {REPEATS} changes (depth 4 … 43)")
    window.close()
    for process in burners:
        process.kill()


if __name__ == "__main__":
    main()

"""The window under load (offscreen): frames per second, main-thread stalls, latency.

    python benchmarks/bench_ui.py

While the default config trains at the default speed:
* frames painted per second over DURATION seconds;
* the longest main-thread stall: a 1 ms probe timer records the largest gap between
  its ticks (a gap of g ms means the event loop was busy for about g - 1 ms);
* the time from a change of the depth slider to the first frame painted with the new
  depth, over REPEATS changes (median and worst).
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from stall_probe import StallProbe  # noqa: E402

DURATION = 5.0
REPEATS = 20


def pump(app, seconds, until=None):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        if until is not None and until():
            return True
        time.sleep(0.0005)
    return False


def main():
    app = QApplication([])
    from simulator import SimConfig
    from ui.main_window import MainWindow

    settings = QSettings(str(Path("/tmp") / "bench_ui.ini"), QSettings.Format.IniFormat)
    settings.clear()
    window = MainWindow(SimConfig(), settings=settings)
    window.resize(1600, 950)
    window.show()
    pump(app, 1.0, lambda: window.painted is not None)

    probe = StallProbe()
    window.controls.play_button.click()
    pump(app, 1.0)                                   # warm up
    frames = window.frames_painted
    probe.start()
    pump(app, DURATION)
    probe.stop()
    fps = (window.frames_painted - frames) / DURATION
    print(f"frames painted per second: {fps:.1f}")
    print(f"main-thread stall: longest {probe.longest_ms():.1f} ms, 99th percentile "
          f"{probe.percentile_ms(99):.1f} ms (probe timer every 1 ms, {len(probe.gaps)} ticks)")

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


if __name__ == "__main__":
    main()

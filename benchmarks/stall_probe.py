"""A 1 ms timer on the main thread that records the gaps between its ticks: a gap of
g ms means the event loop was busy (or waiting for the GIL) for about g - 1 ms."""
from __future__ import annotations

import time

from PySide6.QtCore import QTimer


class StallProbe:
    def __init__(self):
        self.gaps = []
        self._last = 0.0
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)

    def _tick(self):
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def start(self):
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self):
        self.timer.stop()

    def longest_ms(self):
        return max(self.gaps) * 1e3

    def percentile_ms(self, q):
        gaps = sorted(self.gaps)
        return gaps[int(q / 100 * (len(gaps) - 1))] * 1e3

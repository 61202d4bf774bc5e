"""A 1 ms timer on the main thread that records the gaps between its ticks: a gap of
g ms means the event loop was busy (or waiting for a core) for about g - 1 ms. Beside
each gap it records the main thread's own CPU time over it: what the lab's code cost,
whatever else the machine was doing (on a quiet machine the two agree)."""
from __future__ import annotations

import time

from PySide6.QtCore import QTimer


class StallProbe:
    def __init__(self):
        self.gaps = []
        self.cpu_gaps = []
        self._last = self._last_cpu = 0.0
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)

    def _tick(self):
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append(now - self._last)
        self.cpu_gaps.append(cpu - self._last_cpu)
        self._last, self._last_cpu = now, cpu

    def start(self):
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self.timer.start()

    def stop(self):
        self.timer.stop()

    def longest_ms(self):
        return max(self.gaps) * 1e3

    def percentile_ms(self, q):
        gaps = sorted(self.gaps)
        return gaps[int(q / 100 * (len(gaps) - 1))] * 1e3

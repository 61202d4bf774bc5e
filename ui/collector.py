"""Garbage collection by the UI thread's event loop only.

Python's cyclic garbage collector runs wherever an allocation crosses a generation's
threshold: on any thread, and in the middle of anything. If the garbage holds Qt objects
(a panel thrown away by a theme switch, a pyqtgraph menu or curve), their destructors then
run there. On another thread Qt warns "QBasicTimer::start: Timers cannot be started from
another thread" and soon crashes; inside a paint event, destroying graphics items crashed
pyqtgraph's view (a segmentation fault in ``GraphicsView.paintEvent``).

So while the lab runs, automatic collection is off and a timer of the UI thread's event
loop collects instead, generation by generation with Python's own thresholds (the recipe
of pyqtgraph's ``GarbageCollector``), as a piece of the UI thread's deferred work
(``chores``): a collection never falls in the same pass as a panel's drawing. Reference
counting still frees everything that is not in a cycle at once, where it is dropped; only
cycles wait for the timer.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from .chores import chores

INTERVAL_MS = 200
_holders = 0
_collector = None


class UiThreadCollector(QObject):
    """A timer in the UI thread that does what the automatic collector would."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(lambda: chores().add(self, "collect", self.collect_due))

    def collect_due(self):
        """Collect each generation whose count passed its threshold (young first)."""
        counts = gc.get_count()
        for generation in range(3):
            if counts[generation] <= self.thresholds[generation]:
                break
            gc.collect(generation)


def hold():
    """Collect from the UI thread's event loop from now on (call it from the UI thread, once a
    QApplication exists; pairs with release)."""
    global _holders, _collector
    if _collector is None:
        _collector = UiThreadCollector(QCoreApplication.instance())
    _holders += 1
    if _holders == 1:
        gc.disable()
        _collector.timer.start()


def freeze_start_up():
    """Take what exists now out of every later collection: once, after the lab's window
    is built (main.py). A full collection over the thousands of objects Qt and pyqtgraph
    made at start-up stops the UI thread for 30-40 ms, a visible stall; tests, pictures and
    other windows need no such tuning of the whole process."""
    gc.collect()
    gc.freeze()


def release():
    """Give collection back to Python once the last holder has let go."""
    global _holders
    _holders = max(0, _holders - 1)
    if _holders == 0 and _collector is not None:
        _collector.timer.stop()
        gc.collect()
        gc.enable()

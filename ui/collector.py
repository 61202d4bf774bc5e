"""Garbage collection by the UI thread's event loop only.

Python's cyclic garbage collector runs wherever an allocation crosses a generation's
threshold: on any thread, and in the middle of anything, and Qt objects in the garbage
must be destroyed on the UI thread and outside a paint (the crashes this prevents:
docs/architecture.md, "Garbage is collected by the event loop only").

So while the lab runs, automatic collection is off and the UI thread collects instead,
generation by generation with Python's own thresholds (the recipe of pyqtgraph's
``GarbageCollector``), every ``INTERVAL`` seconds as a piece of its deferred work
(``chores``): a collection never falls in the same pass as a panel's drawing. Reference
counting still frees everything that is not in a cycle at once, where it is dropped; only
cycles wait for the collector.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject

from .chores import chores

INTERVAL = 0.2           # seconds between two looks at the counts
_holders = 0
_collector = None


class UiThreadCollector(QObject):
    """What the automatic collector would do, done by the UI thread's deferred work."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.thresholds = gc.get_threshold()

    def start(self):
        chores().add(self, "collect", self.collect_due, after=INTERVAL)

    def stop(self):
        chores().discard(self, "collect")

    def collect_due(self):
        """Collect each generation whose count passed its threshold (young first)."""
        counts = gc.get_count()
        for generation in range(3):
            if counts[generation] <= self.thresholds[generation]:
                break
            gc.collect(generation)
        self.start()


def hold():
    """Collect from the UI thread's event loop from now on (call it from the UI thread, once a
    QApplication exists; pairs with release)."""
    global _holders, _collector
    if _collector is None:
        _collector = UiThreadCollector(QCoreApplication.instance())
    _holders += 1
    if _holders == 1:
        gc.disable()
        _collector.start()


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
        _collector.stop()
        gc.collect()
        gc.enable()

"""The one way to schedule work on the UI thread: ``chores().add(owner, name, work, after)``
runs ``work()`` in a later pass of the event loop, one piece per pass, first in first out,
not before ``after`` seconds from now.

Everything the window does later goes through it: the next panel of a paint round and the
round itself, a throttled curve, a panel catching up as it comes into view, the release
of held panels, a recording's next frame, the engine's watchdog, a garbage collection.
One piece runs per pass, and the pass after it is left to Qt to paint what it changed
(why one, not every piece that is due: docs/architecture.md, "One queue for the UI thread's deferred work").

Each piece is named by its owner (a QObject) and a name. Queuing a name already waiting
replaces its work and its time and keeps its place, so a piece asked for twice runs once;
a piece whose owner has been deleted is dropped.
"""
from __future__ import annotations

import math
import time
from collections import OrderedDict

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer

_queue = None


class Chores(QObject):
    """A first-in first-out queue of (owner, name) → (when due, work), run one piece every
    other pass of the event loop."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._waiting = OrderedDict()
        self._drawing = False           # the pass after a piece: Qt's, to draw what it changed
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)     # a recording's frames keep time
        self._timer.timeout.connect(self._run_next)

    def add(self, owner, name, work, after=0.0):
        """Run ``work()`` in a later pass of the event loop, after what is queued now, and
        not before ``after`` seconds from now."""
        self._waiting[(owner, name)] = (time.monotonic() + after, work)
        self._arm()

    def discard(self, owner, name):
        self._waiting.pop((owner, name), None)

    def forget(self, owner):
        """Drop every piece ``owner`` queued (it is closing)."""
        for key in [key for key in self._waiting if key[0] is owner]:
            del self._waiting[key]

    def waiting(self, owner, name):
        return (owner, name) in self._waiting

    def _arm(self):
        """The timer set for the next pass that has work: at once (1 ms, not 0: a zero
        timer is due again the moment a piece ends, before any timer that fell due while it
        ran, which then waited for two pieces instead of one), or when the first piece is due."""
        if not self._waiting and not self._drawing:
            self._timer.stop()
            return
        wait = 0.0 if self._drawing else min(due for due, _ in self._waiting.values()) - time.monotonic()
        self._timer.start(max(1, math.ceil(wait * 1000)))

    def _run_next(self):
        if self._drawing:
            self._drawing = False
            self._arm()
            return
        try:
            now = time.monotonic()
            for key, (due, work) in list(self._waiting.items()):
                if due > now:
                    continue
                del self._waiting[key]
                if shiboken6.isValid(key[0]):
                    self._drawing = True
                    work()
                    break
        finally:                        # a piece that failed leaves the queue running
            self._arm()


def chores():
    """The application's one queue (made on first use; the UI thread only)."""
    global _queue
    if _queue is None or not shiboken6.isValid(_queue):
        _queue = Chores(QCoreApplication.instance())
    return _queue

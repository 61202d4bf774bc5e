"""The UI thread's deferred work, one piece per pass of the event loop.

Work that can wait a moment (the next panel of a paint round, the next step of a theme
switch, a panel catching up as it comes into view, a garbage collection) is queued here
rather than on timers of its own. Qt fires every timer that is due in one pass of its
event loop, with no input handled in between: four pieces of 30-60 ms each that fell due
together stopped the window for 130-230 ms. From one queue, one piece runs per pass, and
the pass after it is left to Qt: it paints what the piece changed there (Qt draws in the
pass after a change), and a second piece in that pass had doubled it (a panel's build
beside the paint of the one placed before it, 40 + 46 ms).

Each piece is named by its owner (a QObject) and a name. Queuing a name already waiting
replaces its work and keeps its place, so a piece asked for twice runs once; a piece whose
owner has been deleted is dropped.
"""
from __future__ import annotations

from collections import OrderedDict

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer

_queue = None


class Chores(QObject):
    """A first-in first-out queue of (owner, name) → work, run one piece every other pass."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._waiting = OrderedDict()
        self._drawing = False           # the pass after a piece: Qt's, to draw what it changed
        self._timer = QTimer(self)
        # 1 ms, not 0: a zero timer is due again the moment a piece ends, before any timer
        # that fell due while it ran, which then waited for two pieces instead of one
        self._timer.setInterval(1)
        self._timer.timeout.connect(self._run_next)

    def add(self, owner, name, work):
        """Run ``work()`` in a later pass of the event loop, after what is queued now."""
        self._waiting[(owner, name)] = work
        self._timer.start()

    def discard(self, owner, name):
        self._waiting.pop((owner, name), None)

    def forget(self, owner):
        """Drop every piece ``owner`` queued (it is closing)."""
        for key in [key for key in self._waiting if key[0] is owner]:
            del self._waiting[key]

    def waiting(self, owner, name):
        return (owner, name) in self._waiting

    def _run_next(self):
        if self._drawing:
            self._drawing = False
            return
        while self._waiting:
            (owner, _), work = self._waiting.popitem(last=False)
            if shiboken6.isValid(owner):
                work()
                self._drawing = True
                break
        if not self._waiting and not self._drawing:
            self._timer.stop()


def chores():
    """The application's one queue (made on first use; the UI thread only)."""
    global _queue
    if _queue is None or not shiboken6.isValid(_queue):
        _queue = Chores(QCoreApplication.instance())
    return _queue

"""Work off the UI thread, with its results delivered on the UI thread.

``Background.run(function, *args, done=..., failed=...)`` runs ``function(*args)`` in a
QThreadPool thread. What it returns (or the exception it raises) travels back by a
queued signal of the Background object, which lives in the UI thread, and there
``done(result)`` (or ``failed(error)``) is called: a callback may touch widgets, the
function must not. With one thread (the default) the functions run one after another in
the order given, so a stream of small jobs (a recording's frames) keeps its order.

Stopping is cooperative: ``clear()`` drops the jobs not yet started, and a long function
can poll ``stopping`` (set by ``shutdown``). ``wait()`` joins the pool's threads and then
delivers the callbacks still queued, so after it returns no thread is left and every
finished job has been reported.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRunnable, Qt, QThreadPool, Signal


class _Job(QRunnable):
    def __init__(self, owner, function, args, done, failed):
        super().__init__()
        self.owner, self.call = owner, (function, args, done, failed)

    def run(self):
        function, args, done, failed = self.call
        self.call = None                      # let the UI thread hold the last references
        try:
            outcome, callback = function(*args), done
        except Exception as error:            # handed to ``failed`` on the UI thread
            outcome, callback = error, failed or _raise
        self.owner._delivered.emit(callback, outcome)


def _raise(error):
    raise error


class Background(QObject):
    """A pool of ``threads`` threads whose jobs report back on the UI thread."""

    _delivered = Signal(object, object)         # (callback, result or exception)

    def __init__(self, threads=1, parent=None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self.stopping = False
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def run(self, function, *args, done=None, failed=None):
        """Run ``function(*args)`` in the pool; ``done(result)`` or ``failed(error)`` follow
        on the UI thread (without ``failed``, the error is raised there)."""
        self.pool.start(_Job(self, function, args, done, failed))

    def _deliver(self, callback, outcome):
        if callback is not None:
            callback(outcome)

    def clear(self):
        """Drop the jobs that have not started (their callbacks never run)."""
        self.pool.clear()

    def wait(self, seconds):
        """Wait up to ``seconds`` for the running jobs; True if the pool's threads have all
        ended, in which case every finished job's callback has run on return."""
        ended = self.pool.waitForDone(max(0, int(seconds * 1000)))
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        return ended

    def shutdown(self, seconds=5.0):
        """Ask running jobs to stop (``stopping``), drop the queued ones and wait."""
        self.stopping = True
        self.clear()
        return self.wait(seconds)

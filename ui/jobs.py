"""Work off the UI thread: the one way to start it (``Jobs.run``) and the one way its
outcome comes back (``done(result)`` or ``failed(sentence)``, called on the UI thread;
in a process, a function that returns a generator hands each thing it yields to
``each(thing)`` first, and its return value is the result).

* ``process=True`` (the default): ``function(*arguments)`` in a process of its own, forked
  from a server started once with the engine's modules imported (no Qt), below the
  window's priority (``simulator.jobs``). NumPy work there (a phase diagram, a data file's
  check) never takes the window's interpreter lock: PySide releases it around every Qt
  call and must take it back each time, and a busy thread made one pyqtgraph call wait up
  to 5 ms for it. The function, its arguments and its result cross a pipe (picklable).
* ``process=False``: in the owner's one thread, in the order given: work on objects that
  live in the window's process (a recording's frames, appended to its file).

A ValueError the function raises is a refusal: its sentence goes to ``failed``. Any other
exception in a thread is a fault of the lab's and is raised again on the UI thread; a
process that ends without an answer is said in one sentence. An owner's ``Jobs`` is a
child of it: ``cancel()`` drops what has not started and ends its processes at once.
"""
from __future__ import annotations

import multiprocessing

from PySide6.QtCore import (QCoreApplication, QEvent, QObject, QRunnable, QSocketNotifier, Qt,
                            QThreadPool, Signal)

from simulator.jobs import call

CONTEXT = multiprocessing.get_context("forkserver")
CONTEXT.set_forkserver_preload(["simulator.session", "simulator.phase"])   # no Qt


class _InThread(QRunnable):
    def __init__(self, jobs, function, arguments, done, failed):
        super().__init__()
        self.jobs, self.call = jobs, (function, arguments, done, failed)

    def run(self):
        function, arguments, done, failed = self.call
        self.call = None                      # the UI thread holds the last references
        try:
            outcome, callback = function(*arguments), done
        except ValueError as refusal:
            outcome, callback = str(refusal), failed
        except Exception as fault:            # raised again on the UI thread
            outcome, callback = fault, _raise
        self.jobs._delivered.emit(callback, outcome)


class _InProcess(QObject):
    """One function call in a process of its own, its answers read when the pipe has them."""

    def __init__(self, jobs, function, arguments, each, done, failed):
        super().__init__()
        self.each, self.done, self.failed = each, done, failed
        self.connection, theirs = CONTEXT.Pipe(duplex=False)
        self.process = CONTEXT.Process(target=call, args=(theirs, function, arguments), daemon=True)
        try:
            self.process.start()
        except BaseException:
            self.connection.close()
            raise
        finally:
            theirs.close()
        self.notifier = QSocketNotifier(self.connection.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self._answer)
        self.setParent(jobs)              # one of the owner's once it runs

    def _answer(self):
        while True:
            try:
                kind, result = self.connection.recv()
            except (EOFError, OSError):
                self.process.join()
                kind, result = "failed", f"the computation stopped (exit code {self.process.exitcode})"
            if kind != "each":
                break
            if self.each is not None:
                self.each(result)
            if not self.connection.poll():
                return                        # the rest when the pipe has it
        self.notifier.setEnabled(False)
        self._end()
        callback = self.done if kind == "done" else self.failed
        if callback is not None:
            callback(result)

    def kill(self):
        self.notifier.setEnabled(False)
        if self.process.is_alive():
            self.process.kill()
        self._end()

    def _end(self):
        self.process.join()
        self.connection.close()
        self.deleteLater()


def _raise(error):
    raise error


class Jobs(QObject):
    """The work its ``parent`` runs off the UI thread."""

    _delivered = Signal(object, object)         # (callback, outcome), from the thread

    def __init__(self, parent):
        super().__init__(parent)
        self._pool = None                       # the one thread, made when first needed
        self._delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def run(self, function, *arguments, each=None, done=None, failed=None, process=True):
        """Start ``function(*arguments)`` (see the module); ``done(result)`` or
        ``failed(sentence)`` follow on the UI thread, after ``each(thing)`` for what a
        process's generator yields. A process's call is returned: its ``kill()`` ends it
        at once, and no callback runs after it."""
        if process:
            return _InProcess(self, function, arguments, each, done, failed)
        if self._pool is None:
            self._pool = QThreadPool(self)
            self._pool.setMaxThreadCount(1)
        self._pool.start(_InThread(self, function, arguments, done, failed))
        return None

    def _deliver(self, callback, outcome):
        if callback is not None:
            callback(outcome)

    def cancel(self):
        """Drop the thread's work not started yet (its callbacks never run) and end every
        process at once."""
        if self._pool is not None:
            self._pool.clear()
        for job in self.findChildren(_InProcess):
            job.kill()

    def wait(self, seconds):
        """Wait up to ``seconds`` for the thread's work; True if it has all ended, in which
        case every callback of it has run on return."""
        ended = self._pool is None or self._pool.waitForDone(max(0, int(seconds * 1000)))
        QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        return ended

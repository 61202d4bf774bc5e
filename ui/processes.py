"""Work in processes of its own: what the lab computes beside the window never shares the
window's interpreter lock (PySide releases it around every Qt call and must take it back
each time; a busy computing thread made one pyqtgraph call wait up to 5 ms for it, and a
panel's redraw of a hundred calls half a second).

Every such process is forked from one server started once per session with the engine's
modules already imported (``forkserver``), so starting one takes milliseconds, not the
second a fresh interpreter needs to import NumPy; none of them imports Qt (the engine's
loop and a job's runner are in ``simulator``).

Each runs at a lower priority than the window (``simulator.jobs.in_background``): where the processes
outnumber the cores (the engine, a cost surface and the phase diagram's measures on a
two-core laptop), the window waited for a core: a gap of 109 ms after a change of data
set held 46 ms of its own work. Lowered, they take what the window leaves, which is most
of it: the window's own work is short.
"""
from __future__ import annotations

import multiprocessing

from PySide6.QtCore import QObject, QSocketNotifier, Signal

from simulator.jobs import call

CONTEXT = multiprocessing.get_context("forkserver")
CONTEXT.set_forkserver_preload(["simulator.session", "simulator.phase"])   # no Qt


class ProcessJob(QObject):
    """``function(*arguments)`` in a process of its own (both picklable); ``done(result)``
    or ``failed(message)`` arrive in the UI thread: the message of a ValueError the function
    raised, or how the process ended. ``kill()`` ends it at once."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, function, *arguments, parent=None):
        super().__init__(parent)
        self._connection, theirs = CONTEXT.Pipe(duplex=False)
        self.process = CONTEXT.Process(target=call, args=(theirs, function, arguments), daemon=True)
        self.process.start()
        theirs.close()
        self._notifier = QSocketNotifier(self._connection.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._collect)

    def _collect(self):
        self._notifier.setEnabled(False)
        try:
            succeeded, result = self._connection.recv()
        except (EOFError, OSError):
            self.process.join()
            self._connection.close()
            self.failed.emit(f"the computation stopped (exit code {self.process.exitcode})")
            return
        self.process.join()
        self._connection.close()
        (self.done if succeeded else self.failed).emit(result)

    def kill(self):
        self._notifier.setEnabled(False)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self._connection.close()

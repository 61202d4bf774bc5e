"""The engine in a process of its own.

    controls --commands--> Engine (UI thread) ==pipe==> engine process: SimulationWorker
    panels <--frame_ready-- Engine (UI thread) <==pipe== Frames

Training is CPU-bound Python and NumPy. Run in a thread, it shares the interpreter's lock
with the UI thread, and on a busy machine the UI waited for it for whole scheduler slices:
menus and keys answered after seconds. In its own process it shares nothing: the UI
thread only sends small commands and unpickles one Frame (≈ 60-200 KB, under a
millisecond) per display frame.

The process runs the same ``SimulationWorker`` the window used to run in a thread, with
its timers, in a ``QCoreApplication`` event loop (no widgets, no display). Commands are
``(slot name, arguments)`` tuples; the process calls the worker's slot of that name.
Configs are coalesced on both sides, so a dragged slider costs one build.

The process is forked from the lab's server of processes (``processes.py``), so a window
starts its engine in milliseconds.
"""
from __future__ import annotations

import queue
import threading
import time
import warnings

from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, Qt, QTimer, Signal

from .processes import CONTEXT, in_background


class _Mailbox(QObject):
    """Commands read from the window by a thread of the engine process, delivered to the
    worker in the process's main thread (queued), between its ticks."""

    arrived = Signal()

    def __init__(self, connection):
        super().__init__()
        self.connection, self.commands = connection, queue.SimpleQueue()
        threading.Thread(target=self._read, name="commands", daemon=True).start()

    def _read(self):
        """Read whatever the window sends at once, even while the worker computes for
        seconds: a window that wrote into a full pipe would stop until the worker read it."""
        while True:
            try:
                command = self.connection.recv()
            except (EOFError, OSError):
                command = ("stop",)
            self.commands.put(command)
            self.arrived.emit()
            if command[0] == "stop":
                return


def serve(connection, config):
    """The engine process: a worker driven by the commands that arrive on ``connection``,
    its Frames sent back on it, until "stop" or until the window's end of the pipe closes."""
    from .worker import SimulationWorker

    in_background()
    app = QCoreApplication.instance() or QCoreApplication([])
    warnings.showwarning = lambda message, category, filename, line, *_: connection.send(
        ("warning", f"{category.__name__}: {message} ({filename}:{line})"))   # shown by the window
    worker = SimulationWorker(config)
    worker.frame_ready.connect(connection.send)
    mailbox = _Mailbox(connection)

    def deliver():
        while not mailbox.commands.empty():
            name, *arguments = mailbox.commands.get()
            if name == "stop":
                worker.stop()
                app.quit()
                return
            getattr(worker, name)(*arguments)

    mailbox.arrived.connect(deliver, Qt.ConnectionType.QueuedConnection)
    worker.start()
    app.exec()
    connection.close()


class Engine(QObject):
    """The window's handle on the engine process: the worker's slots, sent as commands, and
    its Frames, received in the UI thread and re-emitted as ``frame_ready``."""

    frame_ready = Signal(object)
    stopped = Signal(str)          # the process ended without being asked to

    def __init__(self, config, parent=None):
        super().__init__(parent)
        self._connection, theirs = CONTEXT.Pipe(duplex=True)
        self.process = CONTEXT.Process(target=serve, args=(theirs, config), name="engine",
                                        daemon=True)
        self.process.start()
        theirs.close()
        self._config = None
        self._closing = False
        self._notifier = QSocketNotifier(self._connection.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)

    # ------------------------------------------------------------ the worker's slots
    def set_config(self, config):
        """Keep only the newest config and send it once the queued burst is read."""
        if self._config is None:
            QTimer.singleShot(0, self._send_config)
        self._config = config

    def _send_config(self):
        config, self._config = self._config, None
        if config is not None:
            self._send("set_config", config)

    def set_playing(self, playing):
        self._send("set_playing", bool(playing))

    def set_steps_per_frame(self, steps):
        self._send("set_steps_per_frame", int(steps))

    def step_once(self):
        self._send("step_once")

    def reset(self):
        self._send("reset")

    def drop_probe(self, a, b):
        self._send("drop_probe", float(a), float(b))

    def restart(self, config, baseline=None):
        """A clean slate: ``config`` beside the ``baseline`` config (None: no baseline), both
        from fresh weights; a config still waiting to be sent is moot."""
        self._config = None
        self._send("restart", config, baseline)

    def pin_baseline(self):
        self._send("pin_baseline")

    def clear_baseline(self):
        self._send("clear_baseline")

    def _send(self, *command):
        if self._closing:
            return
        if self._config is not None and command[0] != "set_config":
            self._send_config()                    # commands keep the order they were given in
        try:
            self._connection.send(command)
        except (BrokenPipeError, OSError):
            self._lost()

    # ------------------------------------------------------------ frames
    def _read(self):
        """Pass on every Frame that arrived (the window paints only the newest); a warning
        raised in the engine is raised again here, where it is seen (and fails a test)."""
        try:
            while self._connection.poll():
                received = self._connection.recv()
                if isinstance(received, tuple):
                    warnings.warn(f"in the engine: {received[1]}", RuntimeWarning, stacklevel=1)
                else:
                    self.frame_ready.emit(received)
        except (EOFError, OSError):
            self._lost()

    def _lost(self):
        if not self._closing:
            self._closing = True
            self._notifier.setEnabled(False)
            self.process.join(1.0)                 # for its exit code
            self.stopped.emit(f"The engine stopped unexpectedly (exit code {self.process.exitcode}); "
                              "save your setup and restart the lab.")

    @property
    def running(self):
        return self.process.is_alive()

    def shutdown(self, timeout_ms=1000):
        """Ask the process to stop, drain what it still sends, and wait for it; kill it if
        it does not end within ``timeout_ms``. True if it ended by itself."""
        if self._closing and not self.process.is_alive():
            return True
        self._closing = True
        self._notifier.setEnabled(False)
        try:
            self._connection.send(("stop",))
        except (BrokenPipeError, OSError):
            pass
        end = time.monotonic() + timeout_ms / 1000
        while self.process.is_alive() and time.monotonic() < end:
            try:                                   # a worker blocked in send() must get through
                while self._connection.poll(0.01):
                    self._connection.recv()
            except (EOFError, OSError):
                self.process.join(max(0.0, end - time.monotonic()))
                break
        ended = not self.process.is_alive()
        if not ended:
            self.process.kill()
        self.process.join()
        self._connection.close()
        return ended

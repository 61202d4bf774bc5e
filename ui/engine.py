"""The window's handle on the engine process (simulator/session.py), which has no Qt.

    LabState --edits--> Engine.follow: a sender thread ==pipe==> engine process (Session)
    panels <--frame_ready-- Engine (UI thread) <-- a reader thread <==pipe== Frames, messages

The engine follows the lab's state: each edit of it that is a command of the Session's is
sent, in order (the Session coalesces a run of configs: the one place that does). The UI
thread never touches the pipe, so it never waits on it: a command goes into a queue that a
thread of its own sends from, and what the engine sends is read by another thread and
handed to the UI thread through a wake-up pipe its event loop watches. Frames (60-200 KB
pickled) are read off the UI thread.

The engine says it is alive at least every 0.4 s; silent for ``SILENCE`` seconds, it is
"not answering" (``answering(False)``: stopped, or stuck), and heard again, it is
(``answering(True)``). ``restart_process`` replaces it with a fresh one. A process that
ends without being asked is reported once (``stopped``). A config it could not build is
reported (``refused``: the sentence, and the config that runs on), and so is a fault of
its own (``failed``) and the preparing of a new run that takes long (``working``); a
warning raised in it is raised again here, where it is seen.
"""
from __future__ import annotations

import collections
import os
import queue
import threading
import time
import warnings

from PySide6.QtCore import QObject, QSocketNotifier, Signal

from simulator.session import COMMANDS, serve

from .chores import chores
from .jobs import CONTEXT

SILENCE = 1.0          # seconds without a word from the engine: it is not answering
WATCH = 0.25           # seconds between two listens for that silence
MOST_WAITING = 1000    # commands kept for an engine that does not read (the oldest dropped)


class _Outbox:
    """Commands sent by a thread of their own, in order. ``put`` never waits, whatever the
    engine does; an engine that reads nothing has the oldest dropped past MOST_WAITING."""

    def __init__(self, connection):
        self.connection = connection
        self._waiting = collections.deque()
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self.closed = False
        self.broken = False               # the pipe failed: the engine has gone
        self.thread = threading.Thread(target=self._send, name="commands out", daemon=True)
        self.thread.start()

    def put(self, command):
        with self._lock:
            self._waiting.append(command)
            if len(self._waiting) > MOST_WAITING:
                self._waiting.popleft()
            self._ready.notify()

    def close(self):
        with self._lock:
            self.closed = True
            self._ready.notify()

    def _send(self):
        while True:
            with self._lock:
                while not self._waiting and not self.closed:
                    self._ready.wait()
                if not self._waiting:
                    return
                command = self._waiting.popleft()
            try:
                self.connection.send(command)
            except (BrokenPipeError, OSError, ValueError):
                self.broken = True
                return


class _Reader:
    """What the engine sends, read by a thread of its own and handed to the UI thread: a
    byte on a wake-up pipe that a socket notifier of the UI thread's event loop watches."""

    def __init__(self, connection):
        self.connection = connection
        self.received = queue.SimpleQueue()
        self.wake_read, self._wake_write = os.pipe()
        os.set_blocking(self.wake_read, False)
        self.thread = threading.Thread(target=self._read, name="frames in", daemon=True)
        self.thread.start()

    def _read(self):
        while True:
            try:
                message = self.connection.recv()
            except (EOFError, OSError, TypeError):    # TypeError: closed while it read
                message = ("ended",)
            self.received.put(message)
            try:
                os.write(self._wake_write, b"!")
            except OSError:
                return
            if message == ("ended",):
                return

    def take(self):
        """Everything received so far, in order."""
        try:
            while os.read(self.wake_read, 4096):
                pass
        except BlockingIOError:
            pass
        messages = []
        while not self.received.empty():
            messages.append(self.received.get())
        return messages

    def close(self):
        for fd in (self.wake_read, self._wake_write):
            try:
                os.close(fd)
            except OSError:
                pass


class Engine(QObject):
    """The engine process seen from the window: its commands (the Session's), its Frames
    as ``frame_ready`` in the UI thread, and what it says."""

    frame_ready = Signal(object)
    stopped = Signal(str)          # the process ended without being asked to
    refused = Signal(str, object)  # a config it could not build: why, and the config running on
    failed = Signal(str)           # a fault of the engine's own
    answering = Signal(bool)       # silent for SILENCE seconds (False), or heard again (True)
    working = Signal(str, float, bool)   # a new run being prepared: what, share done, baseline's

    def __init__(self, state, parent=None):
        """An engine process that runs and follows ``state`` (a LabState)."""
        super().__init__(parent)
        self.state = state
        self._closing = False
        self._answering = True
        self._start()
        state.listen(self.follow)

    def _start(self):
        """A process on the state as it is now: its config, baseline, speed, needs and play."""
        state = self.state
        self._connection, theirs = CONTEXT.Pipe(duplex=True)
        self.process = CONTEXT.Process(target=serve, args=(theirs, state.config), name="engine", daemon=True)
        self.process.start()
        theirs.close()
        self._outbox, self._reader = _Outbox(self._connection), _Reader(self._connection)
        self._heard = time.monotonic()
        self._received = 0                      # Frames received from this process
        self._notifier = QSocketNotifier(self._reader.wake_read, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)
        if state.baseline is not None:
            self.follow("restart", state.config, state.baseline)
        self.follow("set_needs", state.needs)
        self.follow("set_steps_per_frame", state.steps_per_frame)
        self.follow("set_playing", state.playing)
        self._listen()

    # ------------------------------------------------------------ the Session's commands
    def follow(self, edit, *arguments):
        """An edit of the lab's state (``LabState.listen``): sent if it is a command of the
        Session's (``set_config``, ``restart``, ``step_once``…), in the order made."""
        if edit in COMMANDS and not self._closing:
            self._outbox.put((edit, *arguments))

    def painting(self):
        """The window begins to paint the newest Frame received: the engine sends the next
        ones as the window paints them (Session.painting), not faster than they are painted."""
        if not self._closing:
            self._outbox.put(("painting", self._received))

    # ------------------------------------------------------------ what it sends
    def _read(self):
        """Hand on what arrived: Frames (the window paints only the newest), refusals and
        faults; a warning raised in the engine is raised again here, where it is seen (and
        fails a test)."""
        for message in self._reader.take():
            self._heard = time.monotonic()
            if not isinstance(message, tuple):
                self._received += 1
                self.frame_ready.emit(message)
            elif message[0] == "warning":
                warnings.warn(f"in the engine: {message[1]}", RuntimeWarning, stacklevel=1)
            elif message[0] == "refused":
                self.refused.emit(*message[1:])
            elif message[0] == "error":
                self.failed.emit(message[1])
            elif message[0] == "working":
                self.working.emit(*message[1:])
            elif message[0] == "ended":
                self._lost()
        if not self._answering:
            self._answering = True
            self.answering.emit(True)

    def _listen(self):
        """Every WATCH seconds while it runs: has it been silent for SILENCE seconds?"""
        if self._closing:
            return
        if self._answering and self.process.is_alive() and time.monotonic() - self._heard > SILENCE:
            self._answering = False
            self.answering.emit(False)
        chores().add(self, "listen", self._listen, after=WATCH)

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

    def restart_process(self):
        """End the engine process at once (it may not answer) and start a fresh one on the
        state as it is now."""
        self._end(kill=True)
        self._closing, self._answering = False, True
        self._start()
        self.answering.emit(True)

    def shutdown(self, timeout_ms=1000):
        """Ask the process to stop and wait for it; kill it if it does not end within
        ``timeout_ms`` (it may be stuck, or stopped). True if it ended by itself."""
        if self._closing and not self.process.is_alive():
            self._end(kill=False)
            return True
        self._closing = True
        chores().discard(self, "listen")
        self._outbox.put(("stop",))
        self.process.join(timeout_ms / 1000)
        ended = not self.process.is_alive()
        self._end(kill=True)
        return ended

    def _end(self, kill):
        """The process ended (killed if it still runs), its pipe and threads closed."""
        self._notifier.setEnabled(False)
        if kill and self.process.is_alive():
            self.process.kill()
        self.process.join()
        self._outbox.close()
        self._outbox.thread.join(1.0)
        self._reader.thread.join(1.0)             # the process's end of the pipe is closed:
        self._connection.close()                  # it reads the end, then the pipe is closed
        self._reader.close()

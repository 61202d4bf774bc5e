"""Recording a panel or the window as a GIF (or MP4) while the simulation runs.

Frames are grabbed from the rendered widget on a timer in the UI thread (a grab is a
copy of what is on screen), then quantised and encoded in a background thread, and
written atomically. ``progress`` and ``finished`` report in the UI thread.
"""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QTimer, Signal

from pathlib import Path

from .export import ExportError, animation_bytes, atomic_write, image_to_rgb


class GifRecorder(QObject):
    """Grabs ``widget`` ``fps`` times a second for at most ``max_seconds``, then encodes."""

    progress = Signal(str)
    finished = Signal(str)        # what happened, in one sentence
    _encoded = Signal(str)        # from the encoding thread to the UI thread

    def __init__(self, widget, path, fps=10, max_seconds=10.0, parent=None):
        super().__init__(parent)
        self.widget, self.path, self.fps, self.max_seconds = widget, str(path), int(fps), float(max_seconds)
        self.frames = []
        self.thread = None
        self.timer = QTimer(self)
        self.timer.setInterval(max(1, int(1000 / self.fps)))
        self.timer.timeout.connect(self._grab)
        self._encoded.connect(self._done)
        self._started = 0.0

    def start(self):
        self._started = time.monotonic()
        self.timer.start()
        self._grab()

    @property
    def recording(self):
        return self.timer.isActive()

    def _grab(self):
        self.frames.append(image_to_rgb(self.widget.grab().toImage()))
        elapsed = time.monotonic() - self._started
        self.progress.emit(f"Recording {elapsed:.1f} s of {self.max_seconds:g} s "
                           f"({len(self.frames)} frames)")
        if elapsed >= self.max_seconds:
            self.stop()

    def stop(self):
        """Stop grabbing and encode what was grabbed, in the background."""
        if not self.timer.isActive():
            return
        self.timer.stop()
        self.progress.emit(f"Encoding {len(self.frames)} frames…")
        self.thread = threading.Thread(target=self._encode, name="gif-encoder", daemon=True)
        self.thread.start()

    def _encode(self):
        try:
            data = animation_bytes(self.frames, self.fps, Path(self.path).suffix.lower(),
                                   lambda f: self.progress.emit(f"Encoding: {100 * f:.0f} %"))
            atomic_write(self.path, data)
            message = f"Saved {len(self.frames)} frames to {self.path}"
        except ExportError as error:
            message = f"The recording was not saved: {error}"
        self._encoded.emit(message)

    def _done(self, message):
        self.finished.emit(message)

    def wait(self, timeout=30.0):
        """Wait for the encoding thread (the window's close does)."""
        if self.thread is not None:
            self.thread.join(timeout)

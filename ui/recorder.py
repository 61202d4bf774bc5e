"""Recording a panel or the window as a GIF or MP4 while the simulation runs.

A piece of the UI thread's deferred work (``chores``), ``fps`` times a second, copies what
the widget shows (``shown_image``) and notes the moment; the frame is encoded at once in
the recorder's thread (``Jobs``, one thread, so frames stay in order) and appended to the
file (``Animation``). The animation is timed by those moments, not by the frame rate asked
for: a frame the machine was too busy to grab leaves the previous one on screen longer,
so ten seconds recorded play back in ten seconds. At most ``BACKLOG`` grabbed frames
wait for the encoder; a tick that finds more waiting is skipped, so memory stays bounded
whatever the length. While the panels' drawing is held (``drawing.holding``: a change of
layout, for a pass or two) their pixels on screen are stale: such a tick lets them draw
(``drawing.release``) and draws the widget anew. ``progress`` and ``finished`` are emitted
in the UI thread only.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QObject, QPoint, QRect, Signal
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtOpenGLWidgets import QOpenGLWidget

from .chores import chores
from .drawing import holding, release
from .export import Animation, image_to_rgb
from .jobs import Jobs
from .widgets import on_screen

BACKLOG = 2           # grabbed frames waiting to be encoded, at most
ONE_IMAGE = {"xcb", "offscreen", "windows"}     # platforms that keep a window's pixels in one image


def shown_image(widget):
    """What ``widget`` shows now, as a QImage.

    Qt draws a window into its backing store and shows that. Where the platform keeps it in
    one image (X11, Windows, offscreen), the widget's part of it is what Qt last drew there,
    for the price of a copy; ``grab()`` draws the widget again, which for a panel at
    projector size cost 30-70 ms of the UI thread at every frame of a recording. Elsewhere
    (a platform that swaps buffers), where the widget is not all on show at its size (behind
    a tab, not drawn yet), or where OpenGL draws part of it (the 3-D tab: Qt puts that
    beside the backing store, not in it), it is drawn anew by ``grab()``."""
    window = widget.window()
    store = window.backingStore() if QGuiApplication.platformName() in ONE_IMAGE else None
    pixels = store.paintDevice() if store is not None else None
    ratio = widget.devicePixelRatioF()
    whole = widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()
    opengl = any(on_screen(view) for view in widget.findChildren(QOpenGLWidget))
    if opengl or not (whole and isinstance(pixels, QImage) and pixels.size() == window.size() * ratio):
        return widget.grab().toImage()
    corner = QPoint(0, 0) if widget is window else widget.mapTo(window, QPoint(0, 0))
    image = pixels.copy(QRect(corner * ratio, widget.size() * ratio))
    image.setDevicePixelRatio(ratio)
    return image


class Recorder(QObject):
    """Records ``widget`` ``fps`` times a second for at most ``max_seconds`` into ``path``
    (.gif or .mp4). Frames are what the widget shows (``shown_image``); if it is not
    ``drawn`` yet (a panel just brought to the front), the first frame waits for the first
    tick, when the panel has caught up, and is drawn anew."""

    progress = Signal(str)
    finished = Signal(str)        # what happened, in one sentence

    def __init__(self, widget, path, fps=10, max_seconds=10.0, parent=None, drawn=True):
        super().__init__(parent)
        self.drawn = drawn
        self.widget, self.path, self.fps, self.max_seconds = widget, str(path), int(fps), float(max_seconds)
        self.jobs = Jobs(self)
        self._recording = False
        self._due = 0.0                  # when the next frame is to be grabbed
        self.animation = None
        self.grabbed = self.skipped = self.waiting = self.unseen = 0
        self.outcome = None           # the sentence ``finished`` carried, once finished
        self._started = 0.0

    def start(self):
        """Start grabbing; ExportError at once if the file cannot be written."""
        self._started = self._due = time.monotonic()
        self.animation = Animation(self.path, self.fps, self._started)
        self._recording = True
        if self.drawn:
            self._tick()
        else:                        # its first frame once it is laid out in front, not 1/fps later
            chores().add(self, "frame", self._tick)

    @property
    def recording(self):
        return self._recording

    def _next(self):
        """The next tick, ``1/fps`` after the last one was due (or at once, if behind)."""
        self._due = max(self._due + 1 / self.fps, time.monotonic())
        chores().add(self, "frame", self._tick, after=self._due - time.monotonic())

    def _tick(self):
        now = time.monotonic()
        if now - self._started >= self.max_seconds:
            self.stop(self._started + self.max_seconds)
            return
        self._next()
        if self.waiting >= BACKLOG:                 # the encoder is behind: keep memory bounded
            self.skipped += 1
            return
        self.waiting += 1
        self.grabbed += 1
        widget = self.widget
        self.unseen += not on_screen(widget)        # hidden: it shows what it last drew
        if self.drawn and not holding():
            image = shown_image(widget)
        else:                        # not drawn yet, or held: its pixels on screen are stale
            release()
            image = widget.grab().toImage()
        self.drawn = True
        self.jobs.run(self._encode, image, now, done=self._encoded, failed=self._failed,
                      process=False)
        self.progress.emit(f"Recording {now - self._started:.1f} s of {self.max_seconds:g} s "
                           f"({self.grabbed} frames)")

    def _encode(self, image, t):                    # in the encoding thread
        self.animation.add(image_to_rgb(image), t)

    def _encoded(self, _):
        self.waiting -= 1

    def stop(self, end=None):
        """Stop grabbing and finish the file in the background; ``finished`` follows."""
        if not self._recording:
            return
        self._recording = False
        chores().discard(self, "frame")
        end = time.monotonic() if end is None else end
        self.progress.emit(f"Finishing {self.path}…")
        self.jobs.run(self.animation.finish, end, done=self._saved, failed=self._failed, process=False)

    def _saved(self, result):
        frames, seconds = result
        skipped = (f"; {self.skipped} grab{'s' * (self.skipped > 1)} skipped while the encoder caught up"
                   if self.skipped else "")
        unseen = (f"; {self.unseen} of them taken while it was hidden, showing it as it last was"
                  if self.unseen else "")
        self._report(f"Saved {frames} frame{'s' * (frames != 1)} ({seconds:.1f} s) to {self.path}{skipped}{unseen}")

    def _failed(self, sentence):
        self._recording = False
        chores().discard(self, "frame")
        self.jobs.cancel()
        self._report(f"The recording was not saved: {sentence}")

    def _report(self, message):
        if self.outcome is None:
            self.outcome = message
            self.finished.emit(message)

    def finish_now(self, seconds=2.0):
        """Finish the file within about ``seconds`` or abandon it (the window is closing);
        either way no encoding thread is left. Returns what happened, or None if no
        recording was under way."""
        if self.animation is None or self.outcome is not None:
            return None
        self.stop()
        if not self.jobs.wait(seconds):
            self.jobs.cancel()
            self.animation.interrupt()          # ffmpeg is stopped; a GIF frame ends soon
            self.jobs.wait(5.0)
            self._report(f"The recording was abandoned: {self.path} was not written")
        self.animation.abandon()                # no-op once finished; removes a partial file
        return self.outcome

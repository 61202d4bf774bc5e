"""The command line's pictures and recordings, made off screen (``picture.OffScreen``).

The run happens here, in the calling thread, with the same Simulation the engine uses and
the same Frames (``Framer``), so the same inputs always give the same picture.

On the command line SIGINT, SIGTERM and SIGHUP end the run (``stop_on_signals``): the
handler raises ``Stopped``, which leaves through the ``with`` blocks that remove a file
not finished. Never inside Qt's calls to Python code of ours (layouts, paints), where
PySide would print the exception and carry on: there the signals are held
(``held_signals``) and handled as the block ends. A Stopped that C code swallowed (one
that ran the handler and cleared what it raised) is raised again before a file is put in
place (``raise_if_stopped``).
"""
from __future__ import annotations

import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QSettings

from simulator import Simulation
from simulator.frames import FINE_RESOLUTION, Framer

from .export import Animation, image_to_rgb
from .main_window import MainWindow
from .panels import build
from .picture import OffScreen
from .style import apply_theme, current


STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
stopped_by = []         # the signal that ended the run: its Stopped may surface as another
                        # exception (raised while a module was being imported, say)


class Stopped(BaseException):
    """A signal (its number the argument) ended the making of a picture or recording."""


def stop_on_signals():
    """SIGINT, SIGTERM and SIGHUP raise Stopped from now on; after one, all three are ignored."""
    def stop(number, frame):
        for each in STOPPING:
            signal.signal(each, signal.SIG_IGN)
        stopped_by.append(number)
        raise Stopped(number)

    for number in STOPPING:
        signal.signal(number, stop)


def raise_if_stopped():
    """Stopped again if a signal came and its Stopped was lost on the way (seen under load:
    status 0, a whole file, nothing said), so that nothing of the run is put in place."""
    if stopped_by:
        raise Stopped(stopped_by[0])


@contextmanager
def held_signals():
    """SIGINT, SIGTERM and SIGHUP held for the block (where Qt calls Python code of ours)."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def frame_of(sim, framer=None, baseline=None):
    """The Frame the window would show for the simulation's current state (and its
    ``baseline`` Simulation's), with the finest surfaces, taken through the network now
    where it has moved off them (``framer``: the run's own, so contours are traced once
    per surface)."""
    for run in (sim, baseline):
        if run is not None:
            run.follow_network(FINE_RESOLUTION)
            if run.landscape.surface.resolution < FINE_RESOLUTION:
                run.refine_surface(FINE_RESOLUTION)
    return (framer or Framer()).frame(sim, baseline=baseline)


def runs(config, baseline=None, steps=0):
    """The Simulations of ``config`` and of the ``baseline`` config (None: no baseline),
    after ``steps`` training steps each, as the engine trains them."""
    sims = [Simulation(config)] + ([Simulation(baseline)] if baseline is not None else [None])
    advance(sims, steps)
    return sims


def advance(sims, steps):
    for sim in sims:
        if sim is not None:
            sim.advance(steps)


def run_frame(config, steps, baseline=None):
    """The Frame after ``steps`` training steps of ``config`` (and of a ``baseline`` config)."""
    sim, twin = runs(config, baseline, steps)
    return frame_of(sim, baseline=twin)


class HeadlessView(OffScreen):
    """The whole window (``panel=None``, with settings of its own, never the user's) or one
    new panel, for ``config``, with the reader's ``view`` choices, laid out off screen at
    ``size`` in the current theme."""

    def __init__(self, config=None, panel=None, size=(1600, 950), view=None):
        self._scratch = tempfile.TemporaryDirectory()      # no user settings read or written
        if panel is None:
            settings = QSettings(str(Path(self._scratch.name) / "render.ini"), QSettings.Format.IniFormat)
            widget = MainWindow(config, settings=settings, engine=False, theme=current().name, view=view)
        else:
            widget = build(panel, view)
        super().__init__(widget, size)

    def close(self):
        super().close()
        self._scratch.cleanup()


def picture(frame, panel=None, size=(1600, 950), scale=1, view=None, config=None):
    """A QImage of the window or a new panel laid out at ``size`` showing ``frame`` (None:
    nothing yet), in the current theme."""
    with held_signals():
        view = HeadlessView(config, panel, size, view)
        try:
            if frame is not None:
                view.show(frame)
            return view.grab(scale)
        finally:
            view.close()


def render(config, steps, panel=None, size=(1600, 950), theme="dark", baseline=None, view=None):
    """A QImage of the window or one panel after ``steps`` steps of ``config`` (beside a
    ``baseline`` config, if given), with the panels' ``view`` choices (a saved setup's)."""
    with held_signals():
        apply_theme(theme)
    return picture(run_frame(config, steps, baseline), panel, size, view=view, config=config)


def record(config, path, frames, every, fps=10, panel=None, size=(900, 650), theme="dark", steps=0,
           baseline=None, view=None):
    """Write a GIF or MP4 of ``frames`` pictures, ``every`` training steps apart, after
    ``steps``, shown ``fps`` a second, with the panels' ``view`` choices; each picture is
    encoded as it is made."""
    with held_signals():
        apply_theme(theme)
    with Animation(path, fps) as animation:       # a file not finished is removed
        sims, framer = runs(config, baseline, steps), Framer()
        with held_signals():
            canvas = HeadlessView(config, panel, size, view)
        try:
            for k in range(frames):
                frame = frame_of(sims[0], framer, sims[1])
                with held_signals():
                    canvas.show(frame)
                    image = canvas.grab()
                animation.add(image_to_rgb(image), k / fps)
                advance(sims, every)
                raise_if_stopped()
            animation.finish(frames / fps)
        finally:
            with held_signals():
                canvas.close()

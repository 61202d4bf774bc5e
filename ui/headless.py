"""Pictures and recordings without a visible window.

The run happens here, in the calling thread, with the same Simulation the worker
uses, so the same inputs always give the same picture.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from simulator import Simulation

from .contours import contour_lines
from .export import Animation, image_to_rgb
from .panels import build, dispose, show_completely
from .export import render as render_widget
from .style import apply_theme
from .worker import FINE_RESOLUTION, Frame

def frame_of(sim):
    """The Frame the window would show for the simulation's current state."""
    if sim.landscape.surface.resolution < FINE_RESOLUTION:
        sim.refine_surface(FINE_RESOLUTION)
    snapshot = sim.snapshot()
    return Frame(snapshot, 0.0, False, contour_lines(snapshot.surface))


def run_frame(config, steps):
    """The Frame after ``steps`` training steps of ``config``."""
    sim = Simulation(config)
    sim.advance(steps)
    return frame_of(sim)


class HeadlessView:
    """The whole window (``panel=None``) or one panel, laid out at ``size``, off screen."""

    def __init__(self, config, panel=None, size=(1600, 950), theme="dark"):
        from .main_window import PANELS, MainWindow

        self.app = QApplication.instance()
        apply_theme(theme)
        self._scratch = tempfile.TemporaryDirectory()      # no user settings read or written
        if panel is None:
            settings = QSettings(str(Path(self._scratch.name) / "render.ini"), QSettings.Format.IniFormat)
            self.widget = MainWindow(config, settings=settings, engine=False, theme=theme)
        else:
            self.widget = build(PANELS[panel])
        self.is_window = panel is None
        self.size = size
        self.widget.resize(*size)
        self.widget.show()
        self.app.processEvents()

    def show(self, frame):
        if self.is_window:
            self.widget.show_frame(frame, complete=True)
        else:
            show_completely(self.widget, frame)
        for _ in range(3):
            self.app.processEvents()

    def grab(self):
        """The picture, exactly ``size`` (a window whose controls cannot shrink that far,
        as with presentation type, is cut at the right edge rather than scaled)."""
        return render_widget(self.widget, size=self.size)

    def close(self):
        self.widget.close()
        if self.is_window:
            self.widget.deleteLater()
        else:
            dispose(self.widget)
        self.app.processEvents()
        self._scratch.cleanup()


def render(config, steps, panel=None, size=(1600, 950), theme="dark"):
    """A QImage of the window or one panel after ``steps`` steps of ``config``."""
    view = HeadlessView(config, panel, size, theme)
    try:
        view.show(run_frame(config, steps))
        return view.grab()
    finally:
        view.close()


def record(config, path, frames, every, fps=10, panel=None, size=(900, 650), theme="dark", steps=0):
    """Write a GIF or MP4 of ``frames`` pictures, ``every`` training steps apart, after
    ``steps``, shown ``fps`` a second; each picture is encoded as it is made."""
    with Animation(path, fps) as animation:       # a file not finished is removed
        sim = Simulation(config)
        sim.advance(steps)
        view = HeadlessView(config, panel, size, theme)
        try:
            for k in range(frames):
                view.show(frame_of(sim))
                animation.add(image_to_rgb(view.grab()), k / fps)
                sim.advance(every)
            animation.finish(frames / fps)
        finally:
            view.close()

"""Pictures without a visible window: run a config for N steps, render, save.

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
from .style import apply_theme
from .worker import FINE_RESOLUTION, Frame


FRAMES = 200          # snapshots taken along a run, as the live window would, for the curves


def run_frame(config, steps):
    """The Frame the window shows after ``steps`` training steps of ``config``."""
    sim = Simulation(config)
    chunk = max(1, steps // FRAMES)
    for done in range(0, steps, chunk):
        sim.advance(min(chunk, steps - done))
        sim.snapshot()                          # records the train and test cost
    if sim.landscape.surface.resolution < FINE_RESOLUTION:
        sim.refine_surface(FINE_RESOLUTION)
    snapshot = sim.snapshot()
    return Frame(snapshot, 0.0, False, contour_lines(snapshot.surface))


def render_window(config, steps, size=(1600, 950)):
    """A QImage of the whole window after ``steps`` steps of ``config``."""
    from .main_window import MainWindow

    app = QApplication.instance()
    with tempfile.TemporaryDirectory() as scratch:      # no user settings read or written
        settings = QSettings(str(Path(scratch) / "render.ini"), QSettings.Format.IniFormat)
        window = MainWindow(config, settings=settings, engine=False)
        window.resize(*size)
        window.show()
        app.processEvents()
        window.show_frame(run_frame(config, steps), complete=True)
        for _ in range(3):
            app.processEvents()
        image = window.grab().toImage()
        window.close()
        window.deleteLater()
        app.processEvents()
    return image


def render_panel(config, steps, name, size=(900, 650)):
    """A QImage of one panel, exactly ``size`` pixels, after ``steps`` steps of ``config``."""
    from .main_window import PANELS

    app = QApplication.instance()
    apply_theme()
    panel = PANELS[name]()
    panel.resize(*size)
    panel.show()
    app.processEvents()
    frame = run_frame(config, steps)
    panel.show_frame(frame)
    if hasattr(panel, "throttle"):
        panel.throttle.flush()
    if hasattr(panel, "wait_until_ready"):
        panel.wait_until_ready()
    for _ in range(3):
        app.processEvents()
    image = panel.grab().toImage()
    if hasattr(panel, "shutdown"):
        panel.shutdown()
    panel.close()
    panel.deleteLater()
    app.processEvents()
    return image

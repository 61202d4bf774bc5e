"""Phase diagram: log₁₀ of layer 1's error over the output's, at initialisation, over
depth × σw, measured on real networks, with the theory's critical line χ = 1.

The panel's ``Measurer`` computes each map in a process of its own (a few seconds at
most), only while the panel is on screen, and keeps it per activation and σb; the
current setting is marked on it.
"""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from simulator.phase import phase_diagram
from simulator.theory import effective_sigmas

from .panel import Panel
from ..jobs import Jobs
from ..style import pen
from ..widgets import on_screen, place_by_centres, typeset

RATIO_MAP = pg.ColorMap(pos=[0.0, 0.5, 1.0], color=["#2166ac", "#f7f7f7", "#b2182b"])
LIMIT = 10.0          # colours saturate at 10⁻¹⁰ and 10¹⁰
# The current setting's cross, on the map's own colours: white outlined in black, so that
# one of the two keeps 3:1 on every colour of the map (black on its red, 3.1:1; white 6.9:1).
HERE_FILL, HERE_EDGE = "#ffffff", "#000000"


class Measurer:
    """Phase diagrams measured one at a time in a process of their own (a map is a second
    of NumPy: in a thread it would take the interpreter's lock from the window), kept per
    (activation, σb); ``measured(diagram)`` is called with each, on the UI thread."""

    def __init__(self, owner, measured):
        self.jobs, self.measured = Jobs(owner), measured
        self.cache = {}
        self.queue = []
        self.key = None                    # being measured

    def request(self, key):
        if key not in self.cache and key != self.key and key not in self.queue:
            self.queue.append(key)
            self._next()

    def _next(self):
        if self.key is None and self.queue:
            self.key = self.queue.pop(0)
            self.jobs.run(phase_diagram, *self.key, done=self._store, failed=lambda _: self._finish())

    def _store(self, diagram):
        self.cache[self.key] = diagram
        self._finish()
        self.measured(diagram)

    def _finish(self):
        self.key = None
        self._next()

    def stop(self):
        """Forget what is queued and end a measurement under way at once."""
        self.queue.clear()
        self.jobs.cancel()
        self.key = None


class PhaseDiagramPanel(Panel):
    """The measured map, the critical line and the current setting."""

    title = "Phase diagram"
    help = ("Measured at initialisation over depth and σw: layer 1's error over the "
            "output's, ‖δ^1‖/‖δ^L‖. Blue: it vanishes, red: it explodes. The line is the "
            "theory's edge of chaos, χ = σw²·E[φ'(z)²] = 1, where the gradient keeps its "
            "size through any depth; the cross marks the network now.")
    place = ("behind", "bars")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", "depth (hidden layers)")
        self.plot.setLabel("left", typeset("σw (weights N(0, σw²/fan_in))"))
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=RATIO_MAP, values=(-LIMIT, LIMIT), interactive=False,
                                        width=14)
        self.colorbar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        self.colorbar.axis.setLabel(typeset("log₁₀ ‖δ¹‖/‖δ^L‖"))   # beside its numbers, in the theme's type
        # on the map's own colours (white at χ = 1), the same in every theme
        self.critical = pg.InfiniteLine(angle=0, label="χ = 1", labelOpts={
            "position": 0.08, "color": "#111111", "fill": "#f7f7f7"})   # clear of the deepest networks' crosses
        self.plot.addItem(self.critical)
        self.here = pg.ScatterPlotItem(size=24, symbol="x", brush=HERE_FILL)
        self.plot.addItem(self.here)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.plot, 1)
        self.measurer = Measurer(self, self._finished)
        self._key = None
        self.diagram = None
        self.restyle()

    def restyle(self):
        super().restyle()
        self.critical.setPen(pen("#111111", 3, style=Qt.PenStyle.DashLine))
        self.here.setPen(pen(HERE_EDGE, 2))

    def shutdown(self):
        self.measurer.stop()

    def show_frame(self, frame):
        c = frame.snapshot.config
        sigma_w, sigma_b = effective_sigmas(c.init, c.width, c.width, c.sigma_w, c.sigma_b, c.gain)
        if c.recurrent:                       # not a point of this map
            self.here.setData([], [])
        else:
            self.here.setData([c.depth], [sigma_w])
        key = (c.activation, round(float(sigma_b), 3))
        if key != self._key:
            self._key = key
            if key in self.measurer.cache:
                self._show(self.measurer.cache[key])
            else:
                self.status.setText(typeset(f"Measuring {c.activation} networks at initialisation "
                                            f"(σb = {key[1]:g})…"))
        self._measure_if_shown()

    def showEvent(self, event):
        super().showEvent(event)
        self._measure_if_shown()

    def _measure_if_shown(self):
        """Start measuring the current key's map, only while the panel is on screen."""
        if self._key is not None and on_screen(self):
            self.measurer.request(self._key)

    def _finished(self, diagram):
        if (diagram.activation, round(diagram.sigma_b, 3)) == self._key:
            self._show(diagram)

    def _show(self, diagram):
        self.diagram = diagram
        d, s = diagram.depths, diagram.sigma_ws
        values = np.clip(np.nan_to_num(diagram.log_ratio, nan=LIMIT), -LIMIT, LIMIT)
        self.image.setImage(values, levels=(-LIMIT, LIMIT))
        covered = place_by_centres(self.image, d, s)
        critical = diagram.critical_sigma_w
        self.critical.setVisible(bool(np.isfinite(critical)))
        if np.isfinite(critical):
            self.critical.setPos(critical)
            where = f"The dashed line is the theory's edge of chaos, χ = 1 at σw = {critical:.3g}."
        else:
            where = (f"χ < 1 for every σw up to {s[-1]:g}: {diagram.activation} networks "
                     "vanish at any depth here." if np.nanmax(diagram.log_ratio) < 0 else
                     "χ = 1 is not reached for σw in this range.")
        here = ("The recurrent run is not on it: the map is of feed-forward networks."
                if not self.here.data.size else "✕ marks the current setting.")
        self.status.setText(typeset(f"{diagram.activation}, σb = {diagram.sigma_b:g}: blue, layer 1's "
                                    f"error vanishes; red, it explodes. {where} {here}"))
        self.plot.setRange(rect=covered, padding=0)

    def finish(self, timeout=30.0):
        """Block until the current map is shown (for a picture); at once if the panel is
        not on screen, where no measurement is started."""
        if not on_screen(self):
            return
        deadline = time.monotonic() + timeout
        app = QCoreApplication.instance()
        cache = self.measurer.cache
        while self._key not in cache:
            self._measure_if_shown()
            app.processEvents()
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        if self._key in cache:
            self._show(cache[self._key])

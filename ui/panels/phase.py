"""Phase diagram: log₁₀ of layer 1's error over the output's, at initialisation, over
depth × σw, measured on real networks, with the theory's critical line χ = 1.

The map is computed in a background thread (a few seconds at most) and cached per
activation and σb; the current setting is marked on it.
"""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from simulator.phase import phase_diagram
from simulator.theory import effective_sigmas

from ..style import pen, style_axes
from ..widgets import on_screen

RATIO_MAP = pg.ColorMap(pos=[0.0, 0.5, 1.0], color=["#2166ac", "#f7f7f7", "#b2182b"])
LIMIT = 10.0          # colours saturate at 10⁻¹⁰ and 10¹⁰


class _Done(QObject):
    finished = Signal(object)


class _Job(QRunnable):
    def __init__(self, activation, sigma_b, done, cancelled):
        super().__init__()
        self.activation, self.sigma_b, self.done, self.cancelled = activation, sigma_b, done, cancelled

    def run(self):
        diagram = phase_diagram(self.activation, self.sigma_b, cancelled=self.cancelled)
        if diagram is not None:
            self.done.finished.emit(diagram)


class PhaseDiagramPanel(QWidget):
    """The measured map, the critical line and the current setting."""

    title = "Phase diagram"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", "depth (hidden layers)")
        self.plot.setLabel("left", "σw (weights N(0, σw²/fan_in))")
        style_axes(self.plot)
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=RATIO_MAP, values=(-LIMIT, LIMIT), interactive=False,
                                        width=14, label="log₁₀ ‖δ¹‖/‖δ^L‖")
        self.colorbar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        self.critical = pg.InfiniteLine(angle=0, pen=pen("#111111", 3, style=Qt.PenStyle.DashLine),
                                        label="χ = 1", labelOpts={"position": 0.92, "color": "#111111",
                                                                  "fill": "#f7f7f7"})
        self.plot.addItem(self.critical)
        self.here = pg.ScatterPlotItem(size=16, symbol="x", brush="#00e676", pen=pen("#00e676", 3))
        self.plot.addItem(self.here)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.plot, 1)
        self.cache = {}
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._running = set()
        self._stopping = False
        self._key = None
        self._done = _Done()
        self._done.finished.connect(self._finished)
        self.diagram = None

    def show_frame(self, frame):
        c = frame.snapshot.config
        sigma_w, sigma_b = effective_sigmas(c.init, c.width, c.width, c.sigma_w, c.sigma_b, c.gain)
        self.here.setData([c.depth], [sigma_w])
        key = (c.activation, round(float(sigma_b), 3))
        if key != self._key:
            self._key = key
            if key in self.cache:
                self._show(self.cache[key])
            else:
                self.status.setText(f"Measuring {c.activation} networks at initialisation "
                                    f"(σb = {key[1]:g})…")
        self._measure_if_shown()

    def showEvent(self, event):
        super().showEvent(event)
        self._measure_if_shown()

    def _measure_if_shown(self):
        """Start measuring the current key's map, only while the panel is on screen."""
        key = self._key
        if key is not None and on_screen(self) and key not in self.cache and key not in self._running:
            self._running.add(key)
            self.pool.start(_Job(*key, self._done, lambda: self._stopping))

    def _finished(self, diagram):
        key = (diagram.activation, round(diagram.sigma_b, 3))
        self._running.discard(key)
        self.cache[key] = diagram
        if key == self._key:
            self._show(diagram)

    def _show(self, diagram):
        self.diagram = diagram
        d, s = diagram.depths, diagram.sigma_ws
        values = np.clip(np.nan_to_num(diagram.log_ratio, nan=LIMIT), -LIMIT, LIMIT)
        self.image.setImage(values, levels=(-LIMIT, LIMIT))
        dd, ds = d[1] - d[0], s[1] - s[0]
        self.image.setRect(d[0] - dd / 2, s[0] - ds / 2, dd * len(d), ds * len(s))
        critical = diagram.critical_sigma_w
        self.critical.setVisible(bool(np.isfinite(critical)))
        if np.isfinite(critical):
            self.critical.setPos(critical)
            where = f"The dashed line is the theory's edge of chaos, χ = 1 at σw = {critical:.3g}."
        else:
            where = (f"χ < 1 for every σw up to {s[-1]:g}: {diagram.activation} networks "
                     "vanish at any depth here." if np.nanmax(diagram.log_ratio) < 0 else
                     "χ = 1 is not reached for σw in this range.")
        self.status.setText(f"{diagram.activation}, σb = {diagram.sigma_b:g}: blue, layer 1's "
                            f"error vanishes; red, it explodes. {where} ✕ marks the current setting.")
        self.plot.setRange(xRange=(d[0] - dd / 2, d[-1] + dd / 2), yRange=(s[0] - ds / 2, s[-1] + ds / 2),
                           padding=0)

    def wait_until_ready(self, timeout=30.0):
        """Block until the current map is shown (for a picture); at once if the panel is
        not on screen, where no measurement is started."""
        if not on_screen(self):
            return
        deadline = time.monotonic() + timeout
        app = QCoreApplication.instance()
        while self._key not in self.cache:
            self._measure_if_shown()
            app.processEvents()
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        if self._key in self.cache:
            self._show(self.cache[self._key])

    def shutdown(self):
        """Stop a running measurement and wait for its thread (the window's close)."""
        self._stopping = True
        self.pool.clear()
        self.pool.waitForDone()

"""Activations over training: per hidden layer the mean activation a^l and its 2nd–98th
percentile band over the run, on the run's first test inputs (Glorot & Bengio 2010,
Fig. 2), and, under it, the share of each layer's units that are saturated at the last
look. The record is the run's (Simulation: ``History.activity``), so the curves are the
same whether the panel was shown or not. One colour per layer, layer 1 warm, the top
hidden layer (the lesson's) cool and drawn thicker; the bands of layer 1 and of the top
hidden layer only (ten overlapping bands hid each other); deep networks get twelve
layers' curves (``speed.drawn_layers``). In the recurrent mode the layers are the time
steps.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout

from simulator.activity import MONITORED, SATURATED

from .panel import Panel
from ..style import dense_pen, heading, layer_colors, legend_below, pen, seen_through
from ..widgets import Throttle
from .bars import layer_ticks
from .loss import REFRESH
from .speed import drawn_layers, legend_layers

BAND = 55              # the alpha of a layer's 2nd–98th percentile band


def hidden(unit):
    """'hidden layer', or in the recurrent mode 'time step'."""
    return "hidden layer" if unit == "layer" else unit


def headline(record, unit):
    """What the record says of the top hidden layer, in a sentence: 'Top hidden layer (6):
    mean 0.03, 91 % of its units saturated at step 1,200 (most: 95 % at step 800).'"""
    if len(record.steps) == 0:
        return "No activations recorded yet."
    top = record.saturated[:, -1]
    n = record.mean.shape[1]
    peak = int(np.argmax(top))
    text = (f"Top {hidden(unit)} ({n}): mean a = {record.mean[-1, -1]:.2g}, "
            f"{top[-1]:.0%} of its units saturated at step {record.steps[-1]:,}")
    if top[peak] > top[-1] + 0.05:
        text += f" (most: {top[peak]:.0%} at step {record.steps[peak]:,})"
    return text + "."


class ActivityPanel(Panel):
    """Each hidden layer's mean activation and percentile band over training, and its
    saturated share now."""

    title = "Activations over training"
    help = (f"Each hidden layer's mean activation a^l (line) over training, and for the first "
            f"and the top hidden layer the band from the 2nd to the 98th percentile, on the run's first {MONITORED} test inputs "
            "(Glorot & Bengio 2010, Fig. 2); under it, the share of each layer's units that are "
            f"saturated (|φ'(z)| below {SATURATED:g} of its largest: they pass back less than a "
            "tenth of the error they could). With sigmoid and the standard initialisation the "
            "top hidden layer is pushed to 0 early, saturated, and only slowly escapes; tanh "
            "keeps its means near 0. In the recurrent mode the layers are the time steps.")
    place = ("behind", "surface")        # beside Activation, in its tabs (the first tab stays in front)
    at_start = False                 # a paper card's panel: in the View menu

    def __init__(self, parent=None):
        super().__init__(parent)
        self.header = heading(QLabel(), 1.1, lines=2)
        self.header.setWordWrap(True)
        self.curves = pg.PlotWidget()
        self.curves.setLabel("bottom", "training step")
        self.curves.setLabel("left", "activation a")
        self.curves.showGrid(x=True, y=True, alpha=0.2)
        self.legend = legend_below(self.curves, 7)
        self.saturation = pg.PlotWidget()
        self.saturation.setLabel("left", "saturated")
        self.saturation.setYRange(0, 1.08, padding=0)
        self.saturation.getAxis("left").setTicks([[(v, f"{v:.0%}") for v in (0, 0.5, 1)]])
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7)
        self.saturation.addItem(self.bars)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.curves, 3)
        layout.addWidget(self.saturation, 1)
        self.lines, self.bands = [], []      # per drawn layer its mean; per banded (low, high, fill)
        self.layers, self.banded, self.unit = [], [], "layer"
        self.record = None
        self.throttle = Throttle(self._draw, REFRESH, self)
        self.restyle()

    def restyle(self):
        super().restyle()
        self._paint()

    def show_frame(self, frame):
        self.throttle.submit(frame.snapshot)

    def finish(self):
        self.throttle.flush()

    def picture_caption(self):
        return f"mean and 2nd–98th percentile per {hidden(self.unit)}, saturated share now"

    def _draw(self, snapshot):
        record, self.unit = snapshot.history.activity, snapshot.unit_name
        self.record = record
        n = record.mean.shape[1] if record.mean.ndim == 2 else 0
        if self.layers != drawn_layers(n):
            self._make(n)
        for l, line in zip(self.layers, self.lines):
            line.setData(record.steps, record.mean[:, l])
        for l, (low, high, _) in zip(self.banded, self.bands):
            low.setData(record.steps, record.low[:, l])
            high.setData(record.steps, record.high[:, l])
        self.header.setText(headline(record, self.unit))
        now = record.saturated[-1] if len(record.steps) else np.zeros(0)
        self.bars.setOpts(x=np.arange(1, len(now) + 1), height=now, brushes=layer_colors(len(now)))
        self.saturation.setLabel("bottom", f"{hidden(self.unit)}, at step {record.steps[-1]:,}"
                                 if len(record.steps) else hidden(self.unit))
        self.saturation.setXRange(0.4, max(1, len(now)) + 0.6, padding=0)
        self.saturation.getAxis("bottom").setTicks([[(k, str(k)) for k in layer_ticks(len(now))]]
                                                   if len(now) else None)

    def _make(self, n):
        """The curves and bands of a run of ``n`` hidden layers, made anew."""
        for item in self.lines + [part for band in self.bands for part in band]:
            self.curves.removeItem(item)
        self.layers, self.banded = drawn_layers(n), sorted({0, n - 1}) if n else []
        self.lines, self.bands = [], []
        for _ in self.banded:
            low, high = pg.PlotDataItem(), pg.PlotDataItem()
            fill = pg.FillBetweenItem(low, high)
            for item in (fill, low, high):
                self.curves.addItem(item)
            self.bands.append((low, high, fill))
        for _ in self.layers:
            line = pg.PlotDataItem()
            self.curves.addItem(line)
            self.lines.append(line)
        self.legend.show_entries([(self.lines[i], f"{self.unit} {self.layers[i] + 1}")
                                  for i in legend_layers(len(self.layers))])
        self._paint()

    def _paint(self):
        """Every layer's line and band in its colour; the top hidden layer's line thicker."""
        n = max(self.layers) + 1 if self.layers else 0
        colors = layer_colors(n)
        for l, line in zip(self.layers, self.lines):
            line.setPen(dense_pen(colors[l], 3.5 if l == n - 1 else 2))
        for l, (low, high, fill) in zip(self.banded, self.bands):
            low.setPen(pen(seen_through(colors[l], 2 * BAND), 0.5))
            high.setPen(pen(seen_through(colors[l], 2 * BAND), 0.5))
            band = pg.mkColor(colors[l])
            band.setAlpha(BAND)
            fill.setBrush(band)
        bars = len(self.record.saturated[-1]) if self.record is not None and len(self.record.steps) else 0
        self.bars.setOpts(brushes=layer_colors(bars))

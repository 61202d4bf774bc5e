"""Learning speed over time: ‖∂C/∂b‖ of every layer against the steps, on a log scale.

Nielsen's figure (ch. 5): the curves of the early layers run far below those of the
late ones for the whole run. Colours go from the first layer (warm) to the last (cool).
One minibatch's gradient is noisy, so each curve is a running geometric mean over 1/50
of the run (at least one step), which keeps the orders of magnitude and drops the jitter.
A layer whose gradient is exactly 0 (or not finite) leaves a gap. After a divergence the
curves end at the last finite step, and the title says so. Beside a baseline,
its curves are drawn faded in the same layer colours, and the title says which is which.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout

from simulator.diagnosis import named

from .panel import Panel
from ..style import current, dense_pen, faint, layer_colors
from ..widgets import Throttle
from .bars import last_finite_label
from .loss import REFRESH, SteadyView, curve_plot, set_positive


def geometric_running_mean(values, window):
    """exp of the running mean of log values over ``window`` (shorter at the start);
    any value ≤ 0 or not finite makes its windows NaN (not drawn)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(np.where(values > 0, values, np.nan))
    sums = np.concatenate([[0.0], np.cumsum(logs)])
    index = np.arange(1, len(values) + 1)
    start = np.maximum(0, index - window)
    return np.exp((sums[index] - sums[start]) / (index - start))


FADED_CURVE = 110      # the alpha of the baseline's curves
MOST_CURVES = 12       # more curves than this are a tangle the eye cannot follow


def drawn_layers(n):
    """Which of n layers get a curve: all of them up to MOST_CURVES, else MOST_CURVES evenly
    spaced from the first to the last (at depth 100 a hundred curves cost 170 ms a redraw
    and showed nothing that twelve do not)."""
    if n <= MOST_CURVES:
        return list(range(n))
    return sorted(set(np.linspace(0, n - 1, MOST_CURVES).round().astype(int).tolist()))


def legend_layers(n):
    """Which of n layers get a legend entry: the first, the last, and a few between."""
    step = max(1, int(np.ceil(n / 6)))
    return sorted(set(range(0, n, step)) | {n - 1})


class LearningSpeedPanel(Panel):
    """One curve per layer of its speed of learning ‖∂C/∂b‖ over the run (for deep
    networks, for twelve layers evenly spaced from the first to the last)."""

    title = "Learning speed"
    help = ("Each layer's speed of learning, ‖∂C/∂b^l‖, over the whole run (Nielsen, ch. 5): "
            "the early layers' curves run orders of magnitude below the late ones for as "
            "long as the gradient vanishes.")
    place = ("behind", "loss")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot, self.legend = curve_plot("speed ‖∂C/∂b‖", legend_columns=7)
        self.curves = []               # one per drawn layer (``self.layers``)
        self.layers = []
        self.unit = "layer"            # what the curves are of (Snapshot.unit_name)
        self.baseline_curves, self.baseline_layers = [], []
        self.live_pool, self.baseline_pool = [], []      # every curve made, drawn or empty
        self.baseline_key = pg.PlotDataItem()            # the baseline's legend sample
        self.title_text = ""
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot)
        self.view = SteadyView(self.plot)
        self.throttle = Throttle(self._draw, REFRESH, self)
        self.restyle()

    def _title(self):
        self.plot.setTitle(self.title_text or None, color=current().foreground)

    def restyle(self):
        super().restyle()
        self._title()
        self._paint(self.curves, self.layers, live=True)
        self._paint(self.baseline_curves, self.baseline_layers, live=False)
        self.baseline_key.setPen(dense_pen(faint(current().foreground, FADED_CURVE), 1.5))

    def show_frame(self, frame):
        self.throttle.submit(frame)

    def finish(self):
        self.throttle.flush()

    def _draw(self, frame):
        snapshot, twin = frame.snapshot, frame.baseline
        title = last_finite_label(snapshot).rstrip(": ")
        if title != self.title_text:
            self.title_text = title
            self._title()
        history = snapshot.history
        n = history.speed.shape[1]
        if self.layers != drawn_layers(n) or self.unit != snapshot.unit_name:
            self.unit = snapshot.unit_name
            self.curves, self.layers = self._layer_curves(self.live_pool, n, live=True)
        means = self._set(self.curves, self.layers, history)
        n_twin = 0 if twin is None else twin.history.speed.shape[1]
        if self.baseline_layers != drawn_layers(n_twin):
            self.baseline_curves, self.baseline_layers = self._layer_curves(self.baseline_pool, n_twin,
                                                                            live=False)
        if twin is not None:
            means += self._set(self.baseline_curves, self.baseline_layers, twin.history)
        self._key(twin is not None)
        self.view.fit(history.steps[-1] if len(history.steps) else 0, np.concatenate([[]] + means))

    def _key(self, shown):
        """The baseline's entry in the legend, "baseline (faded)", while one is shown (as
        the loss's "baseline (dashed)"; a title line had taken the plot's room)."""
        keyed = any(sample.item is self.baseline_key for sample, _ in self.legend.items)
        if shown and not keyed:
            self.legend.addItem(self.baseline_key, "baseline (faded)")
        elif keyed and not shown:
            self.legend.removeItem(self.baseline_key)

    @staticmethod
    def _set(curves, layers, history):
        """The curves of ``layers`` of ``history``; returns the running means drawn."""
        window = max(1, len(history.steps) // 50)
        means = [geometric_running_mean(history.speed[:, l], window) for l in layers]
        for curve, mean in zip(curves, means):
            set_positive(curve, history.steps, mean)
        return means

    @staticmethod
    def _paint(curves, layers, live, n=None):
        """The curves of ``layers`` (of ``n``) in their layers' colours: the live run's
        bright, the baseline's faded and thinner."""
        colors = layer_colors(n or (max(layers) + 1 if layers else 0))
        for curve, l in zip(curves, layers):
            curve.setPen(dense_pen(colors[l], 2) if live
                         else dense_pen(faint(colors[l], FADED_CURVE), 1.5))

    def _layer_curves(self, pool, n, live):
        """(curves, layers) for a run of ``n`` layers, from ``pool``: the live run's bright
        and in the legend, the baseline's faded, thinner and behind them. The pool's curves
        are kept and given new colours (made anew at every change of depth, twelve curves
        and their legend cost 35-65 ms of the UI thread); those not needed are emptied."""
        layers = drawn_layers(n)
        while len(pool) < len(layers):
            curve = pg.PlotDataItem()
            curve.setZValue(0 if live else -1)
            self.plot.addItem(curve)
            pool.append(curve)
        curves = pool[:len(layers)]
        self._paint(curves, layers, live, n)
        for curve in pool[len(layers):]:
            curve.setData([], [])
        if live:
            self.legend.show_entries([(curves[i], named(layers[i] + 1, n, self.unit))
                                      for i in legend_layers(len(layers))])
        return curves, layers

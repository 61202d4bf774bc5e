"""Loss curve: training and test cost over the steps, on a log scale.

A deep sigmoid network's curve runs flat for a long stretch: the plateau where the
first layers, whose gradients vanished, barely move. Beside a baseline, its
training and test costs are drawn dashed in the same colours.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from .panel import Panel
from ..style import current, ink, legend_below, pen
from ..widgets import Throttle, hold, log_ticks, round_down, round_up

REFRESH = 0.1          # seconds between redraws: a curve needs no more than 10 per second
REACH = 1e3           # a baseline's costs beyond this many times the live run's leave the view
SLACK = np.log10(3)    # a view shrinks when it is 3× wider (in y: 3× the ratio) than needed


class SteadyView:
    """The view of a curve over the training steps: x from 0 to a round number past the
    last step, y (log₁₀) between round numbers around the values.

    It changes only when the curves leave it (or fill much less of it, after a reset),
    not at every redraw: the picture does not creep while training, and the axes, whose
    ticks and labels are the costliest part of a plot to draw, are redrawn only then. The
    y ticks are chosen with the range (``log_ticks``): a few labelled round numbers."""

    def __init__(self, plot):
        self.plot = plot
        self.x_end = self.y_range = None
        plot.disableAutoRange()
        self.fit(0, np.array([]))

    def fit(self, last_step, values):
        x_end = round_up(max(last_step, 10))
        if self.x_end is None or not last_step <= self.x_end <= 3 * x_end:
            self.x_end = x_end
            self.plot.setXRange(0, x_end, padding=0.02)
        shown = values[np.isfinite(values) & (values > 0)]
        if shown.size == 0:                  # nothing to fit yet: 0.1 … 1 until there is
            if self.y_range is None:
                self.plot.setYRange(-1.0, 0.0, padding=0.02)
                self.plot.getAxis("left").setTicks(log_ticks(-1.0, 0.0))
            return
        low, high = round_down(shown.min()), round_up(shown.max())
        needed = (np.log10(low), np.log10(high if high > low else round_up(high * 1.01)))
        held = hold(self.y_range, needed, SLACK)
        if held != self.y_range:
            self.y_range = held
            self.plot.setYRange(*held, padding=0.02)
            self.plot.getAxis("left").setTicks(log_ticks(*held))


def curve_plot(y_label, legend_columns):
    """A plot of values over the training steps, log y, with a legend under it: (plot, legend)."""
    plot = pg.PlotWidget()
    plot.setLogMode(y=True)
    plot.setLabel("bottom", "training step")
    plot.setLabel("left", y_label)
    plot.showGrid(x=True, y=True, alpha=0.2)
    return plot, legend_below(plot, legend_columns)


class LossPanel(Panel):
    """Training cost (whole set), test cost, and the noisy minibatch cost behind them."""

    title = "Loss"
    help = ("The cost C, on the minibatch (grey), the training set and the held-out test set, "
            "against the training steps. A long flat stretch is a plateau: the early layers "
            "barely learn until their gradient grows.")
    place = ("below", "bars")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot, self.legend = curve_plot("cost C", legend_columns=4)
        self.batch = self.plot.plot(name="minibatch")
        self.train = self.plot.plot(name="training set")
        self.test = self.plot.plot(name="test set")
        self.baseline_train, self.baseline_test = self.plot.plot(), self.plot.plot()
        self.baseline_key = pg.PlotDataItem()
        self.keyed = False                # the baseline's entry is in the legend
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot)
        self.view = SteadyView(self.plot)
        self.throttle = Throttle(self._draw, REFRESH, self)
        self.restyle()

    def restyle(self):
        super().restyle()
        dashed = Qt.PenStyle.DashLine            # the baseline's: the same ink, dashed
        self.batch.setPen(pen(ink("minibatch"), 1))   # a faint grey, opaque
        self.train.setPen(pen(ink("training"), 2.5))
        self.test.setPen(pen(ink("test"), 2.5))
        self.baseline_train.setPen(pen(ink("training"), 2, style=dashed))
        self.baseline_test.setPen(pen(ink("test"), 2, style=dashed))
        self.baseline_key.setPen(pen(current().foreground, 2, style=dashed))

    def show_frame(self, frame):
        self.throttle.submit(frame)

    def finish(self):
        self.throttle.flush()

    def _draw(self, frame):
        h, twin = frame.snapshot.history, frame.baseline
        set_positive(self.batch, h.steps, h.batch_loss)
        set_positive(self.train, h.eval_steps, h.train_loss)
        set_positive(self.test, h.eval_steps, h.test_loss)
        shown = twin is not None
        b = twin.history if shown else h
        for curve, costs in ((self.baseline_train, b.train_loss), (self.baseline_test, b.test_loss)):
            set_positive(curve, b.eval_steps, costs if shown else np.full(len(costs), np.nan))
        if shown != self.keyed:
            self.keyed = shown
            if shown:
                self.legend.addItem(self.baseline_key, "baseline (dashed)")
            else:
                self.legend.removeItem(self.baseline_key)
        last = max(h.steps[-1] if len(h.steps) else 0, h.eval_steps[-1] if len(h.eval_steps) else 0)
        live = np.concatenate([h.batch_loss, h.train_loss, h.test_loss])
        self.view.fit(last, np.concatenate([live] + (within_reach(live, b) if shown else [])))


def within_reach(live, baseline_history):
    """The baseline's costs that the view should fit: those at most REACH times the live
    run's largest, so an exploding baseline leaves through the top instead of flattening
    the live run's curve into a line."""
    costs = np.concatenate([baseline_history.train_loss, baseline_history.test_loss])
    finite = live[np.isfinite(live)]
    return [costs if finite.size == 0 else costs[costs <= REACH * finite.max()]]


def set_positive(curve, x, y):
    """Plot only finite, positive values (a log axis has no place for 0 or inf)."""
    keep = np.isfinite(y) & (y > 0)
    curve.setData(x[keep], y[keep])

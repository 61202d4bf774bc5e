"""Loss curve: training and test cost over the steps, on a log scale.

A deep sigmoid network's curve runs flat for a long stretch: the plateau where the
first layers, whose gradients vanished, barely move.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..style import pen, style_axes
from ..widgets import Throttle

TRAIN_COLOR, TEST_COLOR, BATCH_COLOR = "#4fa3ff", "#ff9f43", (150, 150, 150, 90)
REFRESH = 0.1          # seconds between redraws: a curve needs no more than 10 per second


def curve_plot(y_label):
    """A plot of values over the training steps, log y, with a legend: (plot, legend)."""
    plot = pg.PlotWidget()
    plot.setLogMode(y=True)
    plot.setLabel("bottom", "training step")
    plot.setLabel("left", y_label)
    plot.showGrid(x=True, y=True, alpha=0.2)
    style_axes(plot)
    return plot, plot.addLegend(offset=(-10, 10))


class LossPanel(QWidget):
    """Training cost (whole set), test cost, and the noisy minibatch cost behind them."""

    title = "Loss"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot, self.legend = curve_plot("cost C")
        self.batch = self.plot.plot(pen=pen(BATCH_COLOR, 1), name="minibatch")
        self.train = self.plot.plot(pen=pen(TRAIN_COLOR, 2.5), name="training set")
        self.test = self.plot.plot(pen=pen(TEST_COLOR, 2.5), name="test set")
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot)
        self.throttle = Throttle(self._draw, REFRESH, self)

    def show_frame(self, frame):
        self.throttle.submit(frame.snapshot.history)

    def _draw(self, h):
        set_positive(self.batch, h.steps, h.batch_loss)
        set_positive(self.train, h.eval_steps, h.train_loss)
        set_positive(self.test, h.eval_steps, h.test_loss)


def set_positive(curve, x, y):
    """Plot only finite, positive values (a log axis has no place for 0 or inf)."""
    keep = np.isfinite(y) & (y > 0)
    curve.setData(x[keep], y[keep])

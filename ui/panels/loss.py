"""Loss curve: training and test cost over the steps, on a log scale.

A deep sigmoid network's curve runs flat for a long stretch: the plateau where the
first layers, whose gradients vanished, barely move.
"""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..style import plain_axes

TRAIN_COLOR, TEST_COLOR, BATCH_COLOR = "#4fa3ff", "#ff9f43", (150, 150, 150, 90)
REFRESH = 0.1          # seconds between redraws: a curve needs no more than 10 per second


class LossPanel(QWidget):
    """Training cost (whole set), test cost, and the noisy minibatch cost behind them."""

    title = "Loss"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        self.plot.setLogMode(y=True)
        self.plot.setLabel("bottom", "training step")
        self.plot.setLabel("left", "cost C")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.legend = self.plot.addLegend(offset=(-10, 10))
        self.batch = self.plot.plot(pen=pg.mkPen(BATCH_COLOR, width=1), name="minibatch")
        self.train = self.plot.plot(pen=pg.mkPen(TRAIN_COLOR, width=2.5), name="training set")
        self.test = self.plot.plot(pen=pg.mkPen(TEST_COLOR, width=2.5), name="test set")
        plain_axes(self.plot)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot)
        self._drawn, self._step, self._pending = 0.0, 0, None
        self._flush = QTimer(self)               # draws a snapshot that arrived too soon
        self._flush.setInterval(int(REFRESH * 1000))
        self._flush.timeout.connect(self._draw_pending)
        self._flush.start()

    def _draw_pending(self):
        if self._pending is not None:
            self.show_snapshot(self._pending, force=True)

    def show_snapshot(self, snapshot, force=False):
        """Draw the history, at most every REFRESH seconds (the last one always counts:
        ``force`` draws now, e.g. for an export)."""
        now = time.monotonic()
        if not force and now - self._drawn < REFRESH and snapshot.step >= self._step:
            self._pending = snapshot
            return
        self._drawn, self._step, self._pending = now, snapshot.step, None
        h = snapshot.history
        _set_positive(self.batch, h.steps, h.batch_loss)
        _set_positive(self.train, h.eval_steps, h.train_loss)
        _set_positive(self.test, h.eval_steps, h.test_loss)


def _set_positive(curve, x, y):
    """Plot only finite, positive costs (a log axis has no place for 0 or inf)."""
    keep = np.isfinite(y) & (y > 0)
    curve.setData(x[keep], y[keep])

"""What the decision-boundary panel shows where the input is not a plane: the test set and
the classes the network gives it.

* Images (the 8×8 digits, or any data set whose inputs are square images): the first
  ``ROWS × COLUMNS`` test images, each under the label the network predicts for it; a
  wrong one is framed and labelled in red.
* Anything else: the confusion matrix of the test set, each true class's row shaded by
  the share of its samples given each predicted class.

Both are redrawn only when the predictions change; the panel writes the accuracy above.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ..style import current, style_axes

ROWS, COLUMNS = 8, 12              # test images shown
LABEL_ROOM = 5                     # image pixels above each image for its label
WRONG = "#e5484d"
MAX_NUMBERED = 12                  # classes up to which the matrix's cells show counts


def _plot():
    plot = pg.PlotWidget()
    plot.setMouseEnabled(False, False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.invertY(True)
    plot.setAspectLocked(True)
    return plot


class TestImages:
    """A grid of test images, each with its predicted label; wrong ones in red."""

    def __init__(self):
        self.widget = _plot()
        for axis in ("left", "bottom"):
            self.widget.hideAxis(axis)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.widget.addItem(self.image)
        self.labels = []
        self._key = None

    def show(self, data, predicted):
        n = min(ROWS * COLUMNS, len(data.y_test))
        key = (id(data), predicted[:n].tobytes())
        if key == self._key:
            return
        self._key = key
        theme = current()
        h, w = data.image_shape
        cell_h, cell_w = h + 2 + LABEL_ROOM, w + 2 + 1            # frame, label, a gap
        X = data.X_test[:n]
        ink = (X - X.min()) / max(float(np.ptp(X)), 1e-12)        # any scale shown as 0 … 1
        paper, pen_colour = np.array(_rgb(theme.background)), np.array(_rgb(theme.foreground))
        rows = -(-n // COLUMNS)
        mosaic = np.empty((rows * cell_h, COLUMNS * cell_w, 3))
        mosaic[...] = paper
        wrong = predicted[:n] != data.y_test[:n]
        while len(self.labels) < n:
            label = pg.TextItem(anchor=(0.5, 1.0))
            self.widget.addItem(label)
            self.labels.append(label)
        for k in range(n):
            top, left = (k // COLUMNS) * cell_h + LABEL_ROOM, (k % COLUMNS) * cell_w
            if wrong[k]:
                mosaic[top:top + h + 2, left:left + w + 2] = _rgb(WRONG)
            pixels = ink[k].reshape(h, w)[..., None]
            mosaic[top + 1:top + 1 + h, left + 1:left + 1 + w] = paper + pixels * (pen_colour - paper)
            label = self.labels[k]
            label.setText(data.classes[int(predicted[k])], color=WRONG if wrong[k] else theme.foreground)
            label.setPos(left + (w + 2) / 2, top)
        for label in self.labels[n:]:
            label.setText("")
        self.image.setImage(mosaic.astype(np.uint8), levels=(0, 255))
        self.widget.setRange(xRange=(0, COLUMNS * cell_w), yRange=(0, rows * cell_h), padding=0.01)


class ConfusionMatrix:
    """Rows: the true class; columns: the predicted one; shade: the row's share."""

    def __init__(self):
        self.widget = _plot()
        self.widget.setLabel("left", "true class")
        self.widget.setLabel("bottom", "predicted class")
        style_axes(self.widget)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.widget.addItem(self.image)
        self.counts = []
        self._key = None

    def show(self, data, predicted):
        key = (id(data), predicted.tobytes())
        if key == self._key:
            return
        self._key = key
        K = data.n_classes
        counts = np.zeros((K, K), dtype=int)
        np.add.at(counts, (data.y_test, predicted), 1)
        share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
        self.image.setImage(share, levels=(0.0, 1.0))
        ticks = [list(enumerate(data.classes))] if K <= 2 * MAX_NUMBERED else None
        for name in ("left", "bottom"):
            self.widget.getPlotItem().getAxis(name).setTicks(
                [[(k + 0.5, text) for k, text in ticks[0]]] if ticks else None)
        numbered = K <= MAX_NUMBERED
        while numbered and len(self.counts) < K * K:
            item = pg.TextItem(anchor=(0.5, 0.5))
            self.widget.addItem(item)
            self.counts.append(item)
        for index, item in enumerate(self.counts):
            i, j = divmod(index, K)
            shown = numbered and i < K
            item.setText(str(counts[i, j]) if shown else "",
                         color="#000000" if shown and share[i, j] > 0.6 else "#ffffff")
            if shown:
                item.setPos(j + 0.5, i + 0.5)
        self.widget.setRange(xRange=(0, K), yRange=(0, K), padding=0.02)


def _rgb(color):
    c = pg.mkColor(color)
    return c.red(), c.green(), c.blue()

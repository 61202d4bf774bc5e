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
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF

from ..style import current, ink, style_axes, text_on

ROWS, COLUMNS = 8, 12              # test images shown
LABEL_ROOM = 8                     # image pixels above each image for its label
MAX_NUMBERED = 12                  # classes up to which the matrix's cells show counts
GAP = 3                            # pixels between a label and the image under it
MOST_SHRUNK = 7                    # pixels: the least type a label is given
LINE_TO_PIXEL_SIZE = 1.2           # a line of type is about this many times its pixel size


def _plot():
    plot = pg.PlotWidget()
    plot.setMouseEnabled(False, False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.invertY(True)
    plot.setAspectLocked(True)
    return plot


class Labels(pg.GraphicsObject):
    """Short texts at points of a plot, in the type of the application, each centred on its
    point across and, down, above it (``above``) or centred on it. One item draws them all:
    a ``pg.TextItem`` each (96 test images' labels, or 144 counts) cost 60-90 ms of the UI
    thread to make, and a panel makes them anew at every theme switch."""

    def __init__(self, above, room=None):
        super().__init__()
        self.above = above
        self.room = room                   # the height in plot units a label may take, if bounded
        self.entries = []                  # (x, y, text, colour)
        self._points = QRectF()

    def show(self, entries):
        """Show ``entries``, [(x, y, text, colour)]."""
        self.prepareGeometryChange()
        self.entries = [(x, y, text, QColor(color)) for x, y, text, color in entries]
        xs, ys = [e[0] for e in self.entries], [e[1] for e in self.entries]
        self._points = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)) if xs else QRectF()
        self.update()

    def _font(self, pixels_per_unit):
        """The application's type, smaller where a label's ``room`` is not as tall."""
        font = QFont()
        if self.room is not None:
            tallest = self.room * pixels_per_unit - GAP
            if QFontMetricsF(font).height() > tallest:
                font.setPixelSize(max(MOST_SHRUNK, int(tallest / LINE_TO_PIXEL_SIZE)))
        return font

    def viewTransformChanged(self):
        self.prepareGeometryChange()       # the texts' size in the plot's units changed

    def boundingRect(self):
        if not self.entries:
            return QRectF()
        metrics = QFontMetricsF(QFont())
        widest = max(metrics.horizontalAdvance(text) for _, _, text, _ in self.entries)
        across, down = widest * (self.pixelWidth() or 0.0), metrics.height() * (self.pixelHeight() or 0.0)
        return self._points.adjusted(-across, -down, across, down)

    def paint(self, painter, *args):
        painter.save()                     # the scene's painter goes on to draw other items
        to_device = painter.transform()
        painter.resetTransform()           # type in pixels, whatever the plot's scale
        painter.setFont(self._font(abs(to_device.m22())))
        metrics = QFontMetricsF(painter.font())
        for x, y, text, color in self.entries:
            point = to_device.map(QPointF(x, y))
            width = metrics.horizontalAdvance(text)
            baseline = (point.y() - metrics.descent() - GAP if self.above
                        else point.y() + (metrics.ascent() - metrics.descent()) / 2)
            painter.setPen(color)
            painter.drawText(QPointF(point.x() - width / 2, baseline), text)
        painter.restore()


class TestImages:
    """A grid of test images, each with its predicted label; wrong ones in red."""

    def __init__(self):
        self.widget = _plot()
        for axis in ("left", "bottom"):
            self.widget.hideAxis(axis)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.widget.addItem(self.image)
        self.labels = Labels(above=True, room=LABEL_ROOM)
        self.widget.addItem(self.labels)
        self._key = None

    def restyle(self):
        """Drawn anew at the next ``show``, on the current theme's paper and in its ink."""
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
        shade = (X - X.min()) / max(float(np.ptp(X)), 1e-12)        # any scale shown as 0 … 1
        paper, pen_colour = np.array(_rgb(theme.background)), np.array(_rgb(theme.foreground))
        rows = -(-n // COLUMNS)
        mosaic = np.empty((rows * cell_h, COLUMNS * cell_w, 3))
        mosaic[...] = paper
        wrong = predicted[:n] != data.y_test[:n]
        red = ink("wrong")
        labels = []
        for k in range(n):
            top, left = (k // COLUMNS) * cell_h + LABEL_ROOM, (k % COLUMNS) * cell_w
            if wrong[k]:
                mosaic[top:top + h + 2, left:left + w + 2] = _rgb(red)
            pixels = shade[k].reshape(h, w)[..., None]
            mosaic[top + 1:top + 1 + h, left + 1:left + 1 + w] = paper + pixels * (pen_colour - paper)
            labels.append((left + (w + 2) / 2, top, data.classes[int(predicted[k])],
                           red if wrong[k] else theme.foreground))
        self.labels.show(labels)
        self.image.setImage(mosaic.astype(np.uint8), levels=(0, 255))
        self.widget.setRange(xRange=(0, COLUMNS * cell_w), yRange=(0, rows * cell_h), padding=0.01)


SHARES = pg.colormap.get("viridis")       # the confusion matrix's shades


def count_ink(share):
    """The ink of a count on the cell of row share ``share`` (0 … 1): black or white,
    whichever reads on the cell's shade."""
    return text_on(SHARES.map(float(share), mode="qcolor"))


class ConfusionMatrix:
    """Rows: the true class; columns: the predicted one; shade: the row's share."""

    def __init__(self):
        self.widget = _plot()
        self.widget.setLabel("left", "true class")
        self.widget.setLabel("bottom", "predicted class")
        style_axes(self.widget)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(SHARES)
        self.widget.addItem(self.image)
        self.counts = Labels(above=False)
        self.widget.addItem(self.counts)
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
        self.counts.show([(j + 0.5, i + 0.5, str(counts[i, j]), count_ink(share[i, j]))
                          for i in range(K) for j in range(K)] if numbered else [])
        self.widget.setRange(xRange=(0, K), yRange=(0, K), padding=0.02)


def _rgb(color):
    c = pg.mkColor(color)
    return c.red(), c.green(), c.blue()

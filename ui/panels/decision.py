"""Decision boundary: the data over the network's output on the input plane, as in
TensorFlow Playground, so one sees whether the network learns at all."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout

from . import Panel
from ..style import pen, style_axes

CLASS_COLORS = ("#3b82f6", "#f59e0b")      # class 0, class 1
OUTPUT_MAP = pg.ColorMap(pos=[0.0, 0.5, 1.0], color=["#1d4f91", "#2b2f38", "#a8650a"])


class DecisionBoundaryPanel(Panel):
    """P(class 1) over the input plane, with the training (filled) and test (ringed) points."""

    title = "Decision boundary"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.accuracy = QLabel()
        self.accuracy.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.setAspectLocked(True)
        self.plot.setLabel("bottom", "x₁")
        self.plot.setLabel("left", "x₂")
        style_axes(self.plot)
        self.image = pg.ImageItem()
        self.image.setColorMap(OUTPUT_MAP)
        self.plot.addItem(self.image)
        self.train = pg.ScatterPlotItem(size=7, pen=pen("#111111", 0.5))
        self.test = pg.ScatterPlotItem(size=9, brush=None)
        self.plot.addItem(self.train)
        self.plot.addItem(self.test)
        layout = QVBoxLayout(self)
        layout.addWidget(self.accuracy)
        layout.addWidget(self.plot, 1)
        self._data = None

    def show_frame(self, frame):
        snapshot = frame.snapshot
        decision = snapshot.decision
        self.image.setImage(decision.probability, levels=(0.0, 1.0))
        dx, dy = decision.x[1] - decision.x[0], decision.y[1] - decision.y[0]
        self.image.setRect(decision.x[0] - dx / 2, decision.y[0] - dy / 2,
                           dx * len(decision.x), dy * len(decision.y))
        if snapshot.data is not self._data:
            self._data = data = snapshot.data
            self.train.setData(data.X_train[:, 0], data.X_train[:, 1],
                               brush=[CLASS_COLORS[int(c)] for c in data.y_train])
            self.test.setData(data.X_test[:, 0], data.X_test[:, 1],
                              pen=[pen(CLASS_COLORS[int(c)], 2) for c in data.y_test])
            self.plot.setRange(xRange=(decision.x[0], decision.x[-1]),
                               yRange=(decision.y[0], decision.y[-1]), padding=0)
        self.accuracy.setText(f"accuracy: training {100 * snapshot.train_accuracy:.0f} %, "
                              f"test {100 * snapshot.test_accuracy:.0f} %    "
                              "(filled: training points, rings: test points)")

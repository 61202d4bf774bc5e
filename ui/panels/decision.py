"""Decision boundary: the data over the network's output on the input plane, as in
TensorFlow Playground, so one sees whether the network learns at all. Where the input is
not a plane (the digits, a file of many columns) there is no map to draw: the panel
shows the test set and the network's answers instead (``predictions.py``)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout

from simulator.simulation import TestPredictions

from .panel import Panel
from ..style import current, ink, pen
from ..widgets import place_by_centres
from .predictions import COLUMNS, ROWS, ConfusionMatrix, TestImages


def output_map():
    """P(class 1) from blue (0) through the undecided middle (0.5) to orange (1). The middle
    is a grey near the theme's background, so the undecided band reads as empty: the dark
    grey of the dark theme was a dark block on a white panel."""
    middle = "#2b2f38" if current().dark else "#e9ebef"
    return pg.ColorMap(pos=[0.0, 0.5, 1.0], color=["#1d4f91", middle, "#a8650a"])


class DecisionBoundaryPanel(Panel):
    """P(class 1) over the input plane, with the training (filled) and test (ringed) points."""

    title = "Decision boundary"
    help = ("What the network has learned: the 2-D data points over the network's output "
            "on the plane (filled: training points, rings: test points). On the "
            "handwritten digits, test images under the labels the network predicts (wrong "
            "ones in red), or the confusion matrix of true against predicted digits.")
    place = ("behind", "surface")
    needs = frozenset({"decision"})

    def __init__(self, parent=None):
        super().__init__(parent)
        self.accuracy = QLabel()
        self.accuracy.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.setAspectLocked(True)
        self.plot.setLabel("bottom", "x₁")
        self.plot.setLabel("left", "x₂")
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=output_map(), interactive=False,
                                        width=14)
        self.colorbar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        self.colorbar.axis.setLabel("P(class 1)")        # beside its numbers, in the theme's type
        self.plot.getPlotItem().layout.setContentsMargins(1, 10, 1, 1)   # room for its "1.0"
        self.train = pg.ScatterPlotItem(size=7)
        self.test = pg.ScatterPlotItem(size=9, brush=None)
        self.plot.addItem(self.train)
        self.plot.addItem(self.test)
        self._test_images = self._confusion = None     # made when first needed
        self.views = QStackedWidget()
        self.views.addWidget(self.plot)
        layout = QVBoxLayout(self)
        layout.addWidget(self.accuracy)
        layout.addWidget(self.views, 1)
        self._data = None
        self.restyle()

    def restyle(self):
        super().restyle()
        self.colorbar.setColorMap(output_map())        # the map's too
        self.train.setPen(pen("#111111", 0.5))
        self._data = None                        # the points drawn anew, in the theme's inks
        if self._test_images is not None:
            self._test_images.restyle()

    @property
    def test_images(self):
        """The view for data that are images (made when first needed: its labelled images
        had doubled the cost of building the panel, at every theme switch)."""
        if self._test_images is None:
            self._test_images = TestImages()
            self.views.addWidget(self._test_images.widget)
        return self._test_images

    @property
    def confusion(self):
        """The view for other data that are not a plane (made when first needed)."""
        if self._confusion is None:
            self._confusion = ConfusionMatrix()
            self.views.addWidget(self._confusion.widget)
        return self._confusion

    def show_frame(self, frame):
        snapshot = frame.snapshot
        decision = snapshot.decision
        if isinstance(decision, TestPredictions):
            self._show_predictions(snapshot, decision.predicted)
            return
        self.views.setCurrentWidget(self.plot)
        self.image.setImage(decision.probability, levels=(0.0, 1.0))
        place_by_centres(self.image, decision.x, decision.y)
        if snapshot.data is not self._data:
            self._data = data = snapshot.data
            inks = (ink("class 0"), ink("class 1"))
            brushes = [pg.mkBrush(color) for color in inks]   # one per class, shared:
            rings = [pen(color, 2) for color in inks]           # a pen per point cost 27 ms
            self.train.setData(data.X_train[:, 0], data.X_train[:, 1],
                               brush=[brushes[int(c)] for c in data.y_train])
            self.test.setData(data.X_test[:, 0], data.X_test[:, 1],
                              pen=[rings[int(c)] for c in data.y_test])
            self.plot.setRange(xRange=(decision.x[0], decision.x[-1]),
                               yRange=(decision.y[0], decision.y[-1]), padding=0)
        self.accuracy.setText(f"accuracy: training {100 * snapshot.train_accuracy:.0f} %, "
                              f"test {100 * snapshot.test_accuracy:.0f} %    "
                              "(filled: training points, rings: test points)")

    def _show_predictions(self, snapshot, predicted):
        data = snapshot.data
        view = self.test_images if data.image_shape else self.confusion
        self.views.setCurrentWidget(view.widget)
        view.show(data, predicted)
        right = int((predicted == data.y_test).sum())
        what = (f"the first {min(len(predicted), ROWS * COLUMNS)} test images, each under "
                "the label the network gives it (red: wrong)" if data.image_shape else
                "rows: the true class, columns: the class the network gives it")
        self.accuracy.setText(f"test accuracy {100 * right / len(predicted):.0f} % "
                              f"({right} of {len(predicted)})    {what}")

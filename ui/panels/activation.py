"""Activation: φ and φ' with the maximum of φ' marked, and the φ'(z) values that are
actually inside the network now, on the cost surface's data (every sample the diagnosis
counts dead or saturated units on), as a histogram (all hidden layers or one)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QComboBox, QLabel, QSizePolicy, QVBoxLayout

from simulator.activations import get_activation

from .panel import Panel
from ..style import current, heading, ink, pen
from ..widgets import Resized, typeset

Z_RANGE = 6.0
POOLED = {"layer": "all hidden layers", "time step": "all time steps"}   # by Snapshot.unit_name


def max_label(activation):
    """'max φ' = 0.25' (sigmoid), 'max φ' = 1' (tanh, ReLU)."""
    return f"max φ' = {activation.derivative_max:.3g}"


class ActivationPanel(Panel):
    """φ and φ' of the hidden layers' activation, and the histogram of φ'(z) inside."""

    title = "Activation"
    help = ("The activation φ and its slope φ', with the histogram of φ'(z) over the "
            "units inside the network. Where φ saturates (large |z|) the slope is near "
            "0 and the unit passes almost no error back; the sigmoid's slope is never "
            "more than 1/4, ReLU's is 1 on every active unit.")
    place = ("behind", "surface")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.header = heading(QLabel(), 1.1)      # wraps, where a plot title was cut off
        self.header.setWordWrap(True)
        self.curves = pg.PlotWidget()
        self.curves.setLabel("bottom", "z")
        self.curves.showGrid(x=True, y=True, alpha=0.2)
        legend = self.curves.addLegend(offset=(10, 10))
        self.phi = self.curves.plot(name="φ(z)")
        self.dphi = self.curves.plot(name="φ'(z)")
        self.max_line = pg.InfiniteLine(angle=0)
        self.curves.addItem(self.max_line)
        self.max_marker = pg.ScatterPlotItem(size=11, pen=None)
        self.curves.addItem(self.max_marker)
        self.max_text = pg.TextItem(anchor=(0, 1))
        self.curves.addItem(self.max_text)
        legend.setZValue(5)

        self.layer = QComboBox()
        self.layer.setAccessibleName("layer of the φ'(z) histogram")
        self.layer.setToolTip("Pool φ'(z) over every hidden layer (time step), or look at one.")
        self.layer.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layer.currentIndexChanged.connect(lambda _: self._draw_histogram())
        self.share = QLabel()
        self.share.setWordWrap(True)
        self.hist = pg.PlotWidget()
        self.hist.setLabel("bottom", "φ'(z) in the network")
        self.hist.setLabel("left", "count")
        self.bars = pg.BarGraphItem(x0=[], x1=[], height=[], pen=None)
        self.hist.addItem(self.bars)

        self.controls = QBoxLayout(QBoxLayout.Direction.LeftToRight)   # the layer and its share
        self.controls.addWidget(self.layer, 0, Qt.AlignmentFlag.AlignLeft)
        self.controls.addWidget(self.share, 1)
        histogram = QVBoxLayout()
        histogram.setContentsMargins(0, 0, 0, 0)
        histogram.addLayout(self.controls)
        histogram.addWidget(self.hist, 1)
        for plot in (self.curves, self.hist):       # shared by stretch alone: a plot's size hint
            plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)  # is its size now
        plots = Resized(self._place)                   # φ above the histogram, or beside it
        self.pair = QBoxLayout(QBoxLayout.Direction.TopToBottom, plots)
        self.pair.setContentsMargins(0, 0, 0, 0)
        self.pair.addWidget(self.curves, 1)
        self.pair.addLayout(histogram, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(plots, 1)
        self.activation = None
        self._derivatives = None
        self.counts = np.zeros(0)
        self.restyle()

    def _place(self, width, height):
        """The two plots side by side or one above the other in a ``width`` × ``height``
        room, whichever gives the smaller of them the longer short side (the axes and the
        histogram's layer and share above it counted: the share beside the layer under a
        whole-width histogram, under it beside the other plot)."""
        layer = self.layer.sizeHint()
        items = [plot.getPlotItem() for plot in (self.curves, self.hist)]
        down = max(item.getAxis("bottom").height() for item in items)
        across = max(item.getAxis("left").width() for item in items)
        above_stacked = max(layer.height(), self.share.heightForWidth(max(1, width - layer.width())))
        above_beside = layer.height() + self.share.heightForWidth(max(1, width // 2))
        stacked = min(width - across, (height - above_stacked) / 2 - down)
        beside = min(width / 2 - across, height - above_beside - down)
        wide = beside > stacked
        self.pair.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)
        self.controls.setDirection(QBoxLayout.Direction.TopToBottom if wide else QBoxLayout.Direction.LeftToRight)

    def restyle(self):
        super().restyle()
        self.phi.setPen(pen(ink("phi"), 2.5))
        self.dphi.setPen(pen(ink("dphi"), 2.5))
        self.max_line.setPen(pen(ink("bound"), 1.5, style=Qt.PenStyle.DashLine))
        self.max_marker.setBrush(ink("bound"))
        self.max_text.setColor(ink("bound"))
        font = self.max_text.textItem.font()
        font.setPointSizeF(current().font_pt * 1.3)
        font.setBold(True)
        self.max_text.setFont(font)
        self.bars.setOpts(brush=ink("dphi"))

    def show_frame(self, frame):
        snapshot = frame.snapshot
        name = snapshot.config.activation
        if self.activation is None or self.activation.name != name:
            self.activation = get_activation(name)
            self._draw_curves()
        n_hidden = len(snapshot.derivatives.mean_dphi)
        unit = snapshot.unit_name
        if self.layer.count() != n_hidden + 1 or self.layer.itemText(0) != POOLED[unit]:
            self.layer.blockSignals(True)
            self.layer.clear()
            self.layer.addItems([POOLED[unit]] + [f"{unit} {k + 1}" for k in range(n_hidden)])
            self.layer.blockSignals(False)
        self._derivatives = snapshot.derivatives
        self._draw_histogram()

    def view_controls(self):
        return (self.layer,)

    def picture_caption(self):
        return f"φ'(z) of {self.layer.currentText() or POOLED['layer']}"

    def _draw_curves(self):
        act = self.activation
        z = np.linspace(-Z_RANGE, Z_RANGE, 601)
        value, derivative = act.value_and_derivative(z)
        self.phi.setData(z, np.clip(value, -Z_RANGE, Z_RANGE))
        self.dphi.setData(z, derivative)
        self.max_line.setPos(act.derivative_max)
        at = act.argmax if act.argmax is not None else Z_RANGE * 0.6
        self.max_marker.setData([at], [act.value_and_derivative(np.array([at]))[1][0]])
        self.max_text.setText(max_label(act))
        left = at > 0                   # the label ends at the marker: it stays inside the plot
        self.max_text.setAnchor((1 if left else 0, 1))
        self.max_text.setPos(at - 0.2 if left else at + 0.2, act.derivative_max + 0.05)
        self.header.setText(typeset(f"{act.name}: {act.description}"))
        low = float(value.min())                 # tanh and ELU reach -1: shown whole
        self.curves.setYRange(min(-1.2, low) if low < -0.5 else -0.2, max(1.3, act.derivative_max + 0.4),
                              padding=0)

    def _draw_histogram(self):
        d = self._derivatives
        if d is None or len(d.histogram) == 0:
            self.bars.setOpts(x0=[], x1=[], height=[])
            self.counts = np.zeros(0)
            return
        k = self.layer.currentIndex()
        self.counts = d.histogram.sum(axis=0) if k <= 0 else d.histogram[k - 1]
        edges = d.bin_edges
        self.bars.setOpts(x0=edges[:-1], x1=edges[1:], height=self.counts)
        rows = slice(None) if k <= 0 else slice(k - 1, k)
        if self.activation.can_die:
            self.share.setText(f"dead units (φ' = 0 on every sample): "
                               f"{100 * d.dead_fraction[rows].mean():.0f} %")
        else:
            self.share.setText(f"saturated units (φ' < 1 % of its maximum on every sample): "
                               f"{100 * d.saturated_units[rows].mean():.0f} %")

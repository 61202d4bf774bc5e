"""The Jacobian's singular values: the histogram of the singular values σ of
J(x) = ∂a^{L-1}/∂a^0 (from the input to the last hidden layer) over the run's first test
inputs, now, on a log axis of σ, with their spread (the std of ln σ), the share within a
factor 2 of 1, and the mean-field χ of the network (Pennington, Schoenholz & Ganguli 2017).
The engine takes them only while this panel is shown (``needs``); the Frame's Spectrum
says its step and how many inputs.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from simulator.jacobian import within_two

from .panel import Panel
from ..style import current, heading, ink, pen
from ..widgets import PowerOfTenAxis, typeset

BINS_PER_DECADE = 10


def histogram(values):
    """(edges in log₁₀ σ, share of the σ in each bin): whole decades around the values,
    BINS_PER_DECADE bins each, from 0.1 to 10 at least."""
    logs = np.log10(values[values > 0]) if values.size else np.zeros(0)
    low, high = (np.floor(logs.min()), np.ceil(logs.max())) if logs.size else (-1.0, 1.0)
    low, high = min(low, -1.0), max(high, 1.0)     # σ = 1 in view, a decade either side at least
    edges = np.linspace(low, high, int(round((high - low) * BINS_PER_DECADE)) + 1)
    counts, _ = np.histogram(logs, edges)
    return edges, counts / max(values.size, 1)


def chi_words(theory):
    """'χ = 1.00 per layer: the edge of chaos', or why mean-field theory is silent."""
    if not theory.applies:
        return theory.note[0].lower() + theory.note[1:].rstrip(".")
    return f"mean-field χ = {theory.chi_star:.3g} per layer ({theory.regime_name})"


def describe(spectrum, snapshot):
    """The panel's headline: how many inputs, the spread, the share near 1, χ."""
    if spectrum is None:
        return "No singular values yet."
    if spectrum.values.size == 0:
        return spectrum.note or "No singular values."
    values = spectrum.values
    old = "" if spectrum.step == snapshot.step else f" (taken at step {spectrum.step:,})"
    text = (f"σ of ∂a^(L−1)/∂a^0 on {len(values)} test inputs{old}: spread (std of ln σ) "
            f"{spectrum.spread:.2f}; {within_two(values):.0%} within a factor 2 of 1; "
            f"{chi_words(snapshot.theory)}.")
    return text + (f" {spectrum.note}" if spectrum.note else "")


class JacobianPanel(Panel):
    """The histogram of the input–output Jacobian's singular values, now."""

    title = "Jacobian's singular values"
    help = ("The singular values σ of the Jacobian ∂a^(L−1)/∂a^0, from the input to the last "
            "hidden layer, at the current weights, over the run's first test inputs (up to 64; "
            "fewer where the inputs are many, as the headline says), on a log axis "
            "(Pennington, Schoenholz & Ganguli 2017). Each σ is how much one direction of the "
            "input is stretched on its way up, and of the error on its way down. χ = 1 keeps "
            "their mean square at 1, not their spread: tanh with orthogonal weights at χ = 1 "
            "keeps them bunched near 1 (dynamical isometry) at any depth; with Gaussian "
            "weights they spread out more with every layer; ReLU cannot reach isometry with "
            "either. The spread is the standard deviation of ln σ: 0 when every direction "
            "keeps the same size. Taken only while the panel is shown; not in the recurrent "
            "mode, whose time steps share one W.")
    place = ("behind", "bars")           # beside Chain rule, in its tabs (the first tab stays in front)
    needs = frozenset({"jacobian"})
    at_start = False                 # a paper card's panel: in the View menu

    def __init__(self, parent=None):
        super().__init__(parent)
        self.header = heading(QLabel(), 1.1, lines=2)
        self.header.setWordWrap(True)
        self.axis = PowerOfTenAxis(orientation="bottom")
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis})
        self.plot.setLabel("bottom", "singular value σ")
        self.plot.setLabel("left", "share of the σ")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.bars = pg.BarGraphItem(x0=[], x1=[], height=[])
        self.plot.addItem(self.bars)
        self.one = pg.InfiniteLine(pos=0.0, angle=90)           # σ = 1: the isometry
        self.plot.addItem(self.one)
        self.one_text = pg.TextItem("σ = 1", anchor=(-0.1, 0))
        self.plot.addItem(self.one_text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.plot, 1)
        self.edges, self.shares = np.zeros(1), np.zeros(0)
        self.restyle()

    def restyle(self):
        super().restyle()
        self.bars.setOpts(brush=ink("factor"), pen=pen(ink("factor"), 0.5))
        self.one.setPen(pen(ink("bound"), 2, style=Qt.PenStyle.DashLine))
        self.one_text.setColor(ink("bound"))
        font = self.one_text.textItem.font()
        font.setPointSizeF(current().font_pt)
        self.one_text.setFont(font)

    def show_frame(self, frame):
        spectrum = frame.spectrum
        values = spectrum.values if spectrum is not None else np.zeros(0)
        self.edges, self.shares = histogram(values)
        self.bars.setOpts(x0=self.edges[:-1], x1=self.edges[1:], height=self.shares)
        top = max(float(self.shares.max()) if self.shares.size else 0.0, 0.05) * 1.1
        self.plot.setXRange(self.edges[0], self.edges[-1], padding=0.02)
        self.plot.setYRange(0, top, padding=0)
        self.one_text.setPos(0.0, top)
        self.header.setText(typeset(describe(spectrum, frame.snapshot)))

    def picture_caption(self):
        return "histogram of σ of ∂aᴸ⁻¹/∂a⁰, log axis"

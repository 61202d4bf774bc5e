"""Chain rule: layer 1's error is a product of one factor per later layer.

Bars: the factor f^l = ‖δ^{l-1}‖/‖δ^l‖ each layer l = 2 … L contributes (for one neuron
per layer exactly |w^l·φ'(z^{l-1})|). Line: the running product from the output back,
P^l = f^{l+1}⋯f^L = ‖δ^l‖/‖δ^L‖, on the same log axis. Where φ' stays below 1 (the
sigmoid: σ' ≤ 1/4) a reference line marks its largest value. A factor of 0/0 (no error reaches either layer) is
a hatched bar marked NaN, an exact 0 a stub marked 0, an overflow a bar marked ∞; the
line skips the layers where the product is 0 or not finite, and the caption says so.
After a divergence the panel shows the last finite step, and says so. Beside a
baseline, the baseline's running product is drawn dashed, and the caption
gives both products.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from simulator.activations import get_activation
from simulator.compare import brief
from simulator.numbers import log_sizes, power_of_ten

from .panel import Panel
from ..style import current, heading, ink, legend_below, pen
from ..widgets import PowerOfTenAxis, typeset
from .bars import MarkedBars, last_finite_label


def together(product):
    """The product P¹ in a few words: '10⁻⁶', '0.25', 'exactly 0', '∞', or None for NaN."""
    if np.isfinite(product) and product > 0:
        exponent = np.log10(product)
        return f"{product:.2g}" if abs(exponent) < 3 else power_of_ten(round(exponent))
    return {0.0: "exactly 0", np.inf: "∞"}.get(product)


def fraction(value):
    """A bound as a slide writes it: 1/4, 0.3."""
    close = Fraction(value).limit_denominator(16)
    return f"{close.numerator}/{close.denominator}" if abs(close - value) < 1e-12 and close.denominator > 1 \
        else f"{value:.2g}"


def caption(factors, product, activation, unit="layer"):
    """The chain rule in words, from the factors f² … f^L and the product P¹; ``unit``: what
    the entries are ("layer", or "time step" in the recurrent mode)."""
    n = len(factors)
    if n == 0:
        return f"One {unit}: its error is the output's own, with no factors to multiply."
    if not np.all(np.isfinite(factors)):
        each = ", some of them 0/0 or ∞"
    elif np.all(factors < 0.25):
        each = ", each below 1/4"
    elif np.all(factors < 1):
        each = ", each below 1"
    elif np.all(factors > 1):
        each = ", each above 1"
    else:
        each = ""
    size = together(product)
    if size is None:
        total = ""
    elif product == 0:
        total = f": together exactly 0: no error reaches {unit} 1"
    elif product == np.inf:
        total = ": together ∞: the error overflowed"
    elif product > 1:                          # "27× the output's error", not "27 of" it
        total = f": together {size}× the output's error"
    else:
        total = f": together {size} of the output's error"
    bound = get_activation(activation).derivative_max
    hint = f" (φ' ≤ {fraction(bound)})" if bound < 1 else ""
    first = f"{unit[0].upper()}{unit[1:]} 1's error"
    if n == 1:                                 # "1 factor, below 1", not "1 factors, each below 1"
        return f"{first} is the product of 1 factor{each.replace('each ', '')}{total}{hint}."
    return f"{first} is the product of {n} factors{each}{total}{hint}."


class ChainRulePanel(Panel):
    """The factor each layer contributes, and their running product from the output back."""

    title = "Chain rule"
    help = ("Layer 1's error δ^1 is the output's error δ^L passed back through every layer: "
            "δ^(l-1) = (w^l)ᵀ δ^l ⊙ σ'(z^(l-1)). Each bar is one layer's factor f^l, the line "
            "their running product P^l. For the sigmoid σ' ≤ 1/4 (the dashed line), so with "
            "weights of size about 1 every factor is small and the product falls "
            "geometrically: the vanishing gradient.")
    place = ("behind", "bars")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.caption = heading(QLabel(), 1.3, lines=2)
        self.caption.setWordWrap(True)
        self.plot = pg.PlotWidget(axisItems={"left": PowerOfTenAxis("left")})
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setLabel("left", typeset("factor f^l and product P^l"))
        self.plot.showGrid(y=True, alpha=0.25)
        self.legend = legend_below(self.plot, columns=2)
        self.bars = MarkedBars(self.plot, 0.6)
        self.legend.addItem(self.bars.plain, typeset("factor f^l = ‖δ^(l-1)‖ / ‖δ^l‖"))
        self.product = self.plot.plot(symbol="o", symbolPen=None, symbolSize=8,
                                      name=typeset("product P^l = ‖δ^l‖ / ‖δ^L‖"))
        self.baseline_product = pg.PlotDataItem(symbol="o", symbolSize=7, symbolBrush=None)
        self.plot.addItem(self.baseline_product)
        self.keyed = False              # the baseline's product is in the legend
        self.bound = pg.InfiniteLine(angle=0)            # the largest φ', where it is below 1
        self.bound.setVisible(False)
        self.plot.addItem(self.bound)
        self.bound_key = pg.PlotDataItem()                # the line's entry in the legend
        self.jacobians = pg.PlotDataItem(symbol="o", symbolSize=6, symbolPen=None)   # recurrent mode
        self.plot.addItem(self.jacobians)
        self._shown = None                  # (unit, Jacobians' line shown): the axis and legend
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.plot, 1)
        self.factor_logs = self.product_logs = self.baseline_logs = np.zeros(0)
        self.restyle()

    def restyle(self):
        super().restyle()
        self.bars.restyle(ink("factor"))
        product = ink("product")
        self.product.setPen(pen(product, 3))
        self.product.setSymbolBrush(product)
        self.baseline_product.setPen(pen(product, 2, style=Qt.PenStyle.DashLine))
        self.baseline_product.setSymbolPen(pen(product, 1.5))
        for line in (self.bound, self.bound_key):
            line.setPen(pen(ink("bound"), 2, style=Qt.PenStyle.DashLine))
        foreground = current().foreground
        self.jacobians.setPen(pen(foreground, 2, style=Qt.PenStyle.DotLine))
        self.jacobians.setSymbolBrush(foreground)

    def show_frame(self, frame):
        snapshot, twin = frame.snapshot, frame.baseline
        stats = snapshot.stats
        n = len(stats.chain_factors)
        self.factor_logs = log_sizes(stats.chain_factors[1:])
        self.product_logs = log_sizes(stats.chain_product)
        self.baseline_logs = log_sizes(twin.stats.chain_product if twin else np.zeros(0))
        layers = np.arange(1, n + 1)
        finite_f = np.isfinite(self.factor_logs)
        jacobian_logs = log_sizes(stats.jacobian_product if stats.jacobian_product is not None else np.zeros(0))
        shown = np.concatenate([self.factor_logs[finite_f], self.product_logs[np.isfinite(self.product_logs)],
                                self.baseline_logs[np.isfinite(self.baseline_logs)],
                                jacobian_logs[np.isfinite(jacobian_logs)], [0.0]])
        bottom, top = np.floor(shown.min()) - 1, max(1.0, np.ceil(shown.max()) + 0.5)
        self.bars.set(layers[1:], self.factor_logs, bottom, top, [ink("factor")] * (n - 1))
        keep = np.isfinite(self.product_logs)
        self.product.setData(layers[keep], self.product_logs[keep])
        keep_b = np.isfinite(self.baseline_logs)
        self.baseline_product.setData(np.arange(1, len(keep_b) + 1)[keep_b], self.baseline_logs[keep_b])
        if (twin is not None) != self.keyed:
            self.keyed = twin is not None
            if self.keyed:
                self.legend.addItem(self.baseline_product, "the baseline's product (dashed)")
            else:
                self.legend.removeItem(self.baseline_product)
        n = max(n, len(keep_b))
        bound = get_activation(snapshot.config.activation).derivative_max
        if (bound < 1) != self.bound.isVisible():
            self.bound.setVisible(bound < 1)
            if bound < 1:
                self.legend.addItem(self.bound_key, f"max φ' = {fraction(bound)}")
            else:
                self.legend.removeItem(self.bound_key)
        if bound < 1:
            self.bound.setPos(np.log10(bound))
        self._show_jacobians(snapshot)
        self.plot.setXRange(0.4, n + 0.6, padding=0)
        self.plot.setYRange(bottom, top, padding=0)
        text = last_finite_label(snapshot) + caption(
            stats.chain_factors[1:], stats.chain_product[0], snapshot.config.activation, snapshot.unit_name)
        if twin is not None:
            size = together(twin.stats.chain_product[0]) or "not a number"
            text += f" The baseline ({brief(twin.config, snapshot.config)}): P¹ = {size}."
        self.caption.setText(text)

    def _show_jacobians(self, snapshot):
        """The recurrent mode's product of the step Jacobians' gains beside the measured
        one (none for a feed-forward network), and the axis named by what the entries are."""
        product = snapshot.stats.jacobian_product
        shown = (snapshot.unit_name, product is not None)
        if shown != self._shown:
            self._shown = shown
            self.plot.setLabel("bottom", "layer l" if shown[0] == "layer" else f"{shown[0]} t")
            if product is not None:
                self.legend.addItem(self.jacobians, "product of the step Jacobians' gains")
            elif self.jacobians in [sample.item for sample, _ in self.legend.items]:
                self.legend.removeItem(self.jacobians)
        if product is None:
            self.jacobians.setData([], [])
            return
        logs = log_sizes(product)
        keep = np.isfinite(logs)
        self.jacobians.setData(np.arange(1, len(logs) + 1)[keep], logs[keep])

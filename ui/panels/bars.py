"""Gradient bars: one bar per layer, first layer on the left, on a log scale (or linear).

The picture of the vanishing gradient: in a deep sigmoid network the bars fall by
orders of magnitude from right (output) to left (layer 1). The log axis spans the data,
about a decade beyond the smallest and the largest bar, so a 10⁶× slower layer 1 looks
it; the axis widens at once when a bar leaves it and shrinks only when the bars fill
much less of it (``hold``), so it does not jitter while training. A linear scale shows
Nielsen's own figures (0.003 … 0.28). What is not a positive number is drawn for what
it is: exactly 0 as a stub marked 0, an overflow (∞) as a bar through the top marked ∞,
NaN as a hatched bar marked NaN; neighbours of one kind share one mark. After a
divergence the bars are those of the last finite step, and the headline says so.

Theory overlay: for ‖δ‖ per sample, the quantity mean-field theory predicts, a dashed
line shows the prediction √(χ¹⋯) anchored at the output layer, with χ named.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout

from . import Panel
from ..style import current, pen, style_axes
from ..widgets import PowerOfTenAxis, decades, hold, layer_colors, round_up, times

QUANTITIES = {
    "‖∂C/∂b‖: speed of learning": ("grad_b_norm", "‖∂C/∂b‖"),
    "‖∂C/∂W‖ per layer": ("grad_w_norm", "‖∂C/∂W‖"),
    "‖δ‖ per sample (with the theory)": ("delta_rms", "‖δ‖"),
    "relative update ‖ΔW‖/‖W‖": ("relative_update", "‖ΔW‖/‖W‖"),
}
THEORY_FIELD = "delta_rms"
STUB = 0.04                        # the stub that marks an exact 0: this share of the axis


def log_heights(values):
    """log₁₀ of the values: 0 → -inf, ∞ → +inf, NaN (and anything negative) → NaN."""
    values = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(np.where(values > 0, values, 1.0))
    return np.where(values > 0, logs, np.where(values == 0, -np.inf, np.nan))


def last_finite_label(snapshot):
    """'Last finite step, 6: ' after a divergence (the statistics shown are that step's)."""
    return f"Last finite step, {snapshot.step}: " if snapshot.diverged else ""


class MarkedBars:
    """Bars drawn from a bottom; heights that are not finite get a mark: -inf (exactly 0)
    a stub marked 0, +inf a bar through the top marked ∞, NaN a hatched bar marked NaN.
    Neighbouring bars of one kind share one mark (at depth 50 a "0" per bar would pile
    up). Shared by the gradient bars and the chain-rule factors."""

    def __init__(self, plot, width, color=None):
        self.plot = plot
        self.plain = pg.BarGraphItem(x=[], height=[], width=width, brush=color, pen=None)  # legend
        self.hatched = pg.BarGraphItem(x=[], height=[], width=width)
        plot.addItem(self.plain)
        plot.addItem(self.hatched)
        self.marks = []                  # TextItems, reused from frame to frame

    def set(self, x, heights, bottom, top, brushes):
        """Draw bars at ``x`` up to ``heights`` (axis units) on the axis ``bottom`` … ``top``."""
        zero, nan = heights == -np.inf, np.isnan(heights)
        stub = bottom + STUB * (top - bottom)
        drawn = np.where(zero, stub, np.where(np.isfinite(heights), heights, top))
        plain = ~nan
        _set_bars(self.plain, x[plain], bottom, drawn[plain] - bottom,
                  [b for b, keep in zip(brushes, plain) if keep], lambda b: pg.mkPen(None))
        hatch = [QBrush(pg.mkColor(b), Qt.BrushStyle.BDiagPattern) for b, bad in zip(brushes, nan) if bad]
        _set_bars(self.hatched, x[nan], bottom, np.full(len(hatch), top - bottom), hatch,
                  lambda b: pg.mkPen(b.color(), width=1))
        self._place([(xi, stub, "0", (0.5, 1.0)) for xi in runs(x, zero)]        # above the stub
                    + [(xi, top, "▲∞", (0.5, 0.0)) for xi in runs(x, heights == np.inf)]
                    + [(xi, (top + bottom) / 2, "NaN", (0.5, 0.5)) for xi in runs(x, nan)])

    def _place(self, marks):
        while len(self.marks) < len(marks):
            item = pg.TextItem(color=current().foreground)
            self.plot.addItem(item)
            self.marks.append(item)
        for item, (xi, y, text, anchor) in zip(self.marks, marks):
            item.setAnchor(anchor)
            item.setText(text)
            item.setPos(float(xi), y)
            item.setVisible(True)
        for item in self.marks[len(marks):]:
            item.setVisible(False)

    def texts(self):
        """The marks on show, as (x, text), for tests and pictures."""
        return [(item.pos().x(), item.textItem.toPlainText()) for item in self.marks
                if item.isVisible()]


def runs(x, chosen):
    """The middle x of each run of neighbouring chosen bars: [3.0] for bars 2, 3, 4."""
    edges = np.diff(np.concatenate([[0], chosen.astype(int), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(x[a] + x[b]) / 2 for a, b in zip(starts, ends)]


def _set_bars(item, x, bottom, heights, brushes, pen_of):
    """Bars from ``bottom``; none at all without any x (pyqtgraph 0.14 fails on empty pens)."""
    if len(x) == 0:
        item.setOpts(x=[], y0=[], height=[], brushes=None, pens=None)
    else:
        item.setOpts(x=x, y0=np.full(len(x), bottom), height=heights, brushes=brushes,
                     pens=[pen_of(b) for b in brushes])


def needed_range(values, logarithmic):
    """The axis the finite positive ``values`` need (None if there are none): on a log
    axis (log₁₀ units) the whole decades around them and one more on either side; on a
    linear one 0 … a round number at or above the largest."""
    if logarithmic:
        return decades(values, margin=1)
    shown = values[np.isfinite(values) & (values > 0)]
    return (0.0, round_up(shown.max())) if shown.size else None


def slowdown_text(logs):
    """'Layer 1 learns 31,000× slower than layer 9' (or faster), from the log heights;
    in words where a gradient is 0, overflowed (∞) or is not a number."""
    if len(logs) < 2:
        return ""
    first, last = logs[0], logs[-1]
    for layer, value in ((1, first), (len(logs), last)):
        if np.isnan(value):
            return f"Layer {layer}'s gradient is not a number (NaN): the run has broken down"
        if value == np.inf:
            return f"Layer {layer}'s gradient overflowed (∞): it explodes"
    if first == -np.inf:
        dead = int(np.argmax(logs != -np.inf)) if np.any(logs != -np.inf) else len(logs)
        if dead == 1:
            return "Layer 1's gradient is exactly 0: it does not learn at all"
        return (f"Layers 1–{dead} get a gradient of exactly 0: no error reaches them, so they "
                "do not learn")
    if last == -np.inf:
        return f"Layer {len(logs)}'s gradient is exactly 0: the output does not learn"
    exponent = last - first
    if abs(exponent) < np.log10(1.5):
        return f"Layer 1 learns about as fast as layer {len(logs)}"
    way = "slower" if exponent >= 0 else "faster"
    return f"Layer 1 learns {times(exponent)} {way} than layer {len(logs)}"


def theory_line(measured, theory):
    """log₁₀ of the predicted ‖δ^l‖, anchored at the measured output layer (or None)."""
    if not theory.applies or not np.isfinite(measured[-1]) or measured[-1] <= 0:
        return None
    with np.errstate(divide="ignore"):
        return np.log10(measured[-1] * theory.prediction.chain_product)


class GradientBarsPanel(Panel):
    """Per-layer gradient size as log-scale bars, and the first-to-last ratio written large."""

    title = "Gradient bars"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.quantity = QComboBox()
        self.quantity.addItems(list(QUANTITIES))
        self.quantity.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.quantity.setMinimumContentsLength(12)      # may narrow (the list still shows all)
        self.quantity.setToolTip("Which size to draw per layer. ‖∂C/∂b‖ is Nielsen's speed of "
                                 "learning; ‖δ‖ per sample is what mean-field theory predicts.")
        self.quantity.currentTextChanged.connect(lambda _: self._redraw())
        self.log_scale = QCheckBox("log scale")
        self.log_scale.setChecked(True)
        self.log_scale.setToolTip("Log: every order of magnitude gets the same height, so a layer "
                                  "10⁶× slower is visibly so. Linear: Nielsen's own figures.")
        self.log_scale.toggled.connect(lambda _: self._redraw())
        self.ratio = QLabel()
        font = self.ratio.font()
        font.setPointSize(18)
        font.setBold(True)
        self.ratio.setFont(font)
        self.ratio.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ratio.setWordWrap(True)
        self.ratio.setMinimumHeight(2 * self.ratio.fontMetrics().height() + 8)
        self.theory_label = QLabel()
        self.theory_label.setWordWrap(True)
        self.plot = pg.PlotWidget(axisItems={"left": PowerOfTenAxis("left")})
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setLabel("bottom", "layer (1 = first, next to the input)")
        self.plot.showGrid(y=True, alpha=0.25)
        self.bars = MarkedBars(self.plot, 0.7)
        ink = current().foreground
        self.theory = pg.PlotDataItem(pen=pen(ink, 2.5, style=Qt.PenStyle.DashLine),
                                      symbol="o", symbolSize=7, symbolBrush=ink, symbolPen=None)
        self.plot.addItem(self.theory)
        style_axes(self.plot)
        top = QHBoxLayout()
        top.addWidget(self.quantity, 1)
        top.addWidget(self.log_scale)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.ratio)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.theory_label)
        self._stats = self._theory = self._snapshot = None
        self._frame = self._range = None
        self._brushes = []
        self.logs = np.zeros(0)
        self.theory_logs = None

    def view_state(self):
        return {"bars": self.quantity.currentText(), "bars_log": self.log_scale.isChecked()}

    def restore_view(self, state):
        if "bars" in state:
            self.quantity.setCurrentText(state["bars"])
        if "bars_log" in state:
            self.log_scale.setChecked(state["bars_log"])

    def show_frame(self, frame):
        self._snapshot = frame.snapshot
        self._stats = frame.snapshot.stats
        self._theory = frame.snapshot.theory
        self._redraw()

    def _redraw(self):
        if self._stats is None:
            return
        field, label = QUANTITIES[self.quantity.currentText()]
        values = getattr(self._stats, field)
        self.logs = log_heights(values)
        self.theory_logs = theory_line(values, self._theory) if field == THEORY_FIELD else None
        logarithmic = self.log_scale.isChecked()
        shown = values if self.theory_logs is None else np.concatenate([values, 10.0 ** self.theory_logs])
        needed = needed_range(shown, logarithmic)
        if needed is None:                        # nothing positive and finite to fit
            needed = (-3, 1) if logarithmic else (0.0, 1.0)
        if self._frame is None or self._frame[0] != logarithmic:
            self._range = None                    # a new scale starts afresh
        self._range = hold(self._range, needed, slack=2 if logarithmic else needed[1])
        bottom, top = self._range
        n = len(self.logs)
        x = np.arange(1, n + 1)
        heights = self.logs if logarithmic else np.where(np.isfinite(self.logs), values, self.logs)
        self.bars.set(x, heights, bottom, top, self._colors(n))
        if self.theory_logs is None:
            self.theory.setData([], [])
        else:
            keep = np.isfinite(self.theory_logs)
            line = self.theory_logs if logarithmic else 10.0 ** self.theory_logs
            self.theory.setData(x[keep], line[keep])
        frame = (logarithmic, label, n, bottom, top)
        if frame != self._frame:             # axes repaint only when their range changes
            self._frame = frame
            self.plot.getAxis("left").logarithmic = logarithmic
            self.plot.setLabel("left", label)
            self.plot.setXRange(0.4, n + 0.6, padding=0)
            self.plot.setYRange(bottom, top, padding=0)
            self.plot.getAxis("bottom").setTicks([[(int(i), str(i)) for i in _layer_ticks(n)]])
        headline = slowdown_text(self.logs) if field != "relative_update" else ""
        self.ratio.setText(last_finite_label(self._snapshot) + headline)
        self.theory_label.setText(self._theory_text(field))

    def view_controls(self):
        return self.quantity, self.log_scale

    def picture_caption(self):
        label = QUANTITIES[self.quantity.currentText()][1]
        return f"{label} per layer, {'log' if self.log_scale.isChecked() else 'linear'} scale"

    def _theory_text(self, field):
        t = self._theory
        if not t.applies:
            return t.note
        if field != THEORY_FIELD:
            return f"{t.note}. Choose ‖δ‖ per sample to see the prediction beside the bars."
        return f"{t.note}. Dashed: the mean-field prediction, each layer back √χ times the next."

    def _colors(self, n):
        if len(self._brushes) != n:
            self._brushes = layer_colors(n)
        return self._brushes


def _layer_ticks(n):
    step = max(1, int(np.ceil(n / 12)))
    ticks = list(range(1, n + 1, step))
    return ticks if ticks[-1] == n else ticks + [n]

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

With a baseline each layer gets a pair: the live run's bar filled, the
baseline's beside it outlined over a faded fill, in the same layer colour; the headline
compares layer 1 with the baseline's layer 1.

Theory overlay: for ‖δ‖ per sample, the quantity mean-field theory predicts, a dashed
line shows the prediction √(χ¹⋯) anchored at the output layer, with χ named.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout

from simulator.compare import brief
from simulator.diagnosis import comparison_sentence, speed_sentence
from simulator.numbers import log_sizes

from .panel import Panel
from ..style import current, layer_colors, pen
from ..widgets import PowerOfTenAxis, decades, hold, round_up

QUANTITIES = {
    "‖∂C/∂b‖: speed of learning": ("speeds", "‖∂C/∂b‖"),
    "‖∂C/∂W‖ per layer": ("grad_w_norm", "‖∂C/∂W‖"),
    "‖δ‖ per sample (with the theory)": ("delta_rms", "‖δ‖"),
    "relative update ‖ΔW‖/‖W‖": ("relative_update", "‖ΔW‖/‖W‖"),
}
THEORY_FIELD = "delta_rms"
SINGLE_WIDTH = 0.7
PAIR_WIDTH, PAIR_SHIFT = 0.38, 0.2   # a pair's bars: each this wide, this far off the layer
STUB = 0.04                        # the stub that marks an exact 0: this share of the axis
FADED = 60                         # the alpha of a baseline bar's fill (its outline is opaque)


def last_finite_label(snapshot):
    """'Last finite step, 6: ' after a divergence (the statistics shown are that step's)."""
    return f"Last finite step, {snapshot.step}: " if snapshot.diverged else ""


def measured(snapshot, field):
    """A quantity per layer: the speeds of learning over the last steps (the numbers the
    diagnosis reads, so the two say the same), the other quantities of the last step."""
    return snapshot.speeds if field == "speeds" else getattr(snapshot.stats, field)


def headline_of(snapshot, sentence):
    """The bars' headline: what they measure, after the diagnosis's headline where it
    sounds an alarm ("Exploded at step 6. At step 5: …"): the panel never tells a story
    of its own beside the run's."""
    diagnosis = snapshot.diagnosis
    if diagnosis.severity != "alarm" or not sentence:
        return sentence
    when = f"At step {snapshot.step}: " if snapshot.diverged else ""
    return f"{diagnosis.headline}. {when}{sentence[0].lower() if when else sentence[0]}{sentence[1:]}"


class MarkedBars:
    """Bars drawn from a bottom; heights that are not finite get a mark: -inf (exactly 0)
    a stub marked 0, +inf a bar through the top marked ∞, NaN a hatched bar marked NaN.
    Neighbouring bars of one kind share one mark, which names their layers (at depth 50
    a "0" per bar would pile up). ``outlined``: a faded fill inside an outline of the full
    colour (a baseline's bars). Shared by the gradient bars and the chain-rule factors."""

    def __init__(self, plot, width, color=None, outlined=False):
        self.plot = plot
        self.width = width                # may change between calls of set (pairs, singles)
        self.outlined = outlined
        self.plain = pg.BarGraphItem(x=[], height=[], width=width, brush=color, pen=None)  # legend
        self.hatched = pg.BarGraphItem(x=[], height=[], width=width)
        plot.addItem(self.plain)
        plot.addItem(self.hatched)
        self.marks = []                  # TextItems, reused from frame to frame

    def restyle(self, color=None):
        """The marks in the current theme's ink; ``color``: the bars' own, where they have
        one (the legend shows the plain item's brush)."""
        if color is not None:
            self.plain.setOpts(brush=color)
        for item in self.marks:
            item.setColor(current().foreground)

    def set(self, x, heights, bottom, top, brushes):
        """Draw bars at ``x`` up to ``heights`` (axis units) on the axis ``bottom`` … ``top``."""
        zero, nan = heights == -np.inf, np.isnan(heights)
        stub = bottom + STUB * (top - bottom)
        drawn = np.where(zero, stub, np.where(np.isfinite(heights), heights, top))
        plain = ~nan
        kept = [b for b, keep in zip(brushes, plain) if keep]
        if self.outlined:
            _set_bars(self.plain, x[plain], bottom, drawn[plain] - bottom, [faded(b) for b in kept],
                      [pen(b, 1.5) for b in kept], self.width)
        else:
            _set_bars(self.plain, x[plain], bottom, drawn[plain] - bottom, kept,
                      [pg.mkPen(None)] * len(kept), self.width)
        hatch = [QBrush(pg.mkColor(b), Qt.BrushStyle.BDiagPattern) for b, bad in zip(brushes, nan) if bad]
        _set_bars(self.hatched, x[nan], bottom, np.full(len(hatch), top - bottom), hatch,
                  [pg.mkPen(b.color(), width=1) for b in hatch], self.width)
        kinds = (("0", zero, stub, (0.5, 1.0)),                             # above the stub
                 ("▲∞", heights == np.inf, top, (0.5, 0.0)),
                 ("NaN", nan, (top + bottom) / 2, (0.5, 0.5)))
        self._place([(xi, y, run_mark(text, first, last), anchor)
                     for text, chosen, y, anchor in kinds for xi, first, last in runs(x, chosen)])

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
    """Each run of neighbouring chosen bars as (middle x, first layer, last layer):
    [(3.0, 2, 4)] for bars 2, 3, 4 (a pair's bars sit beside their layer's number)."""
    edges = np.diff(np.concatenate([[0], chosen.astype(int), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [((x[a] + x[b]) / 2, round(x[a]), round(x[b])) for a, b in zip(starts, ends)]


def run_mark(text, first, last):
    """A run's mark: '0' over one bar, '0 (1–8)' over layers 1 to 8 (one shared '0' alone,
    between two bars, read as a stray label)."""
    return text if first == last else f"{text} ({first}–{last})"


def faded(color, alpha=FADED):
    """``color`` made faint (a baseline's), with ``alpha`` of 255."""
    color = pg.mkColor(color)
    color.setAlpha(alpha)
    return color


def _set_bars(item, x, bottom, heights, brushes, pens, width):
    """Bars from ``bottom``; none at all without any x (pyqtgraph 0.14 fails on empty pens)."""
    if len(x) == 0:
        item.setOpts(x=[], y0=[], height=[], brushes=None, pens=None)
    else:
        item.setOpts(x=x, y0=np.full(len(x), bottom), height=heights, brushes=brushes, pens=pens,
                     width=width)


def needed_range(values, logarithmic):
    """The axis the finite positive ``values`` need (None if there are none): on a log
    axis (log₁₀ units) the whole decades around them and one more on either side; on a
    linear one 0 … a round number at or above the largest."""
    if logarithmic:
        return decades(values, margin=1)
    shown = values[np.isfinite(values) & (values > 0)]
    return (0.0, round_up(shown.max())) if shown.size else None


def theory_line(measured, snapshot):
    """log₁₀ of the predicted ‖δ^l‖, anchored at the measured output layer (or None): the
    mean-field prediction, or in the recurrent mode the product of the step Jacobians'
    gains (``LayerStats.jacobian_product``)."""
    product = snapshot.stats.jacobian_product
    if product is None and snapshot.theory.applies:
        product = snapshot.theory.prediction.chain_product
    if product is None or not np.isfinite(measured[-1]) or measured[-1] <= 0:
        return None
    with np.errstate(divide="ignore"):
        return np.log10(measured[-1] * product)


def axis_title(unit):
    """The bars' x axis: what its entries are, and which end is which."""
    if unit == "layer":
        return "layer (1 = first, next to the input)"
    return f"{unit} (1 = the first symbol read; the last: the output)"


class GradientBarsPanel(Panel):
    """Per-layer gradient size as log-scale bars, and the first-to-last ratio written large."""

    title = "Gradient bars"
    help = ("How fast each layer learns: ‖∂C/∂b^l‖, the size of the gradient for the biases "
            "of layer l, first layer on the left. Backpropagation multiplies the error by "
            "one factor per layer on its way back (the chain rule), so a factor below 1 "
            "makes the early bars vanish and a factor above 1 makes them explode. "
            "On a log axis every factor of ten is one step of height.")
    place = ("beside", "surface")
    view_keys = {"bars": tuple(QUANTITIES), "bars_log": bool}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.quantity = QComboBox()
        self.quantity.setAccessibleName("size drawn per layer")
        self.quantity.addItems(list(QUANTITIES))
        self.quantity.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.quantity.setMinimumContentsLength(12)      # may narrow (the list still shows all)
        self.quantity.setToolTip("Which size to draw per layer. ‖∂C/∂b‖ is Nielsen's speed of "
                                 "learning (over the last 20 steps: one minibatch jitters); ‖δ‖ "
                                 "per sample is what mean-field theory predicts.")
        self.quantity.currentTextChanged.connect(lambda _: self._redraw())
        self.quantity.currentTextChanged.connect(self.view_changed)
        self.log_scale = QCheckBox("log scale")
        self.log_scale.setChecked(True)
        self.log_scale.setToolTip("Log: every order of magnitude gets the same height, so a layer "
                                  "10⁶× slower is visibly so. Linear: Nielsen's own figures.")
        self.log_scale.toggled.connect(lambda _: self._redraw())
        self.log_scale.toggled.connect(self.view_changed)
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
        self.plot.showGrid(y=True, alpha=0.25)
        self.bars = MarkedBars(self.plot, SINGLE_WIDTH)
        self.baseline_bars = MarkedBars(self.plot, PAIR_WIDTH, outlined=True)
        self.theory = pg.PlotDataItem(symbol="o", symbolSize=7, symbolPen=None)
        self.plot.addItem(self.theory)
        top = QHBoxLayout()
        top.addWidget(self.quantity, 1)
        top.addWidget(self.log_scale)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.ratio)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.theory_label)
        self._stats = self._theory = self._snapshot = self._baseline = None
        self._frame = self._range = None
        self._brushes = []
        self.logs = np.zeros(0)
        self.theory_logs = self.baseline_logs = None
        self.restyle()

    def restyle(self):
        super().restyle()
        foreground = current().foreground
        self.theory.setPen(pen(foreground, 2.5, style=Qt.PenStyle.DashLine))
        self.theory.setSymbolBrush(foreground)
        for bars in (self.bars, self.baseline_bars):
            bars.restyle()
        self._brushes = []                       # the layers' colours are the theme's

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
        self._baseline = frame.baseline
        self._redraw()

    def _redraw(self):
        if self._stats is None:
            return
        field, label = QUANTITIES[self.quantity.currentText()]
        values = measured(self._snapshot, field)
        self.logs = log_sizes(values)
        self.theory_logs = theory_line(values, self._snapshot) if field == THEORY_FIELD else None
        logarithmic = self.log_scale.isChecked()
        base = None if self._baseline is None else measured(self._baseline, field)
        self.baseline_logs = None if base is None else log_sizes(base)
        shown = np.concatenate([values] + ([] if self.theory_logs is None else [10.0 ** self.theory_logs])
                               + ([] if base is None else [base]))
        needed = needed_range(shown, logarithmic)
        if needed is None:                        # nothing positive and finite to fit
            needed = (-3, 1) if logarithmic else (0.0, 1.0)
        if self._frame is None or self._frame[0] != logarithmic:
            self._range = None                    # a new scale starts afresh
        self._range = hold(self._range, needed, slack=3 if logarithmic else needed[1])
        bottom, top = self._range
        n = max(len(self.logs), 0 if base is None else len(base))
        x = np.arange(1, len(self.logs) + 1)
        heights = self.logs if logarithmic else np.where(np.isfinite(self.logs), values, self.logs)
        if base is None:
            self.bars.width = SINGLE_WIDTH
            self.bars.set(x, heights, bottom, top, self._colors(len(x)))
            self.baseline_bars.set(np.zeros(0), np.zeros(0), bottom, top, [])
        else:
            self.bars.width = PAIR_WIDTH
            self.bars.set(x - PAIR_SHIFT, heights, bottom, top, self._colors(len(x)))
            xb = np.arange(1, len(base) + 1)
            b_heights = self.baseline_logs if logarithmic else np.where(
                np.isfinite(self.baseline_logs), base, self.baseline_logs)
            self.baseline_bars.set(xb + PAIR_SHIFT, b_heights, bottom, top, layer_colors(len(xb)))
        if self.theory_logs is None:
            self.theory.setData([], [])
        else:
            keep = np.isfinite(self.theory_logs)
            line = self.theory_logs if logarithmic else 10.0 ** self.theory_logs
            self.theory.setData(x[keep], line[keep])
        unit = self._snapshot.unit_name
        frame = (logarithmic, label, n, bottom, top, unit)
        if frame != self._frame:             # axes repaint only when their range changes
            self._frame = frame
            self.plot.getAxis("left").logarithmic = logarithmic
            self.plot.setLabel("left", label)
            self.plot.setLabel("bottom", axis_title(unit))
            self.plot.setXRange(0.4, n + 0.6, padding=0)
            self.plot.setYRange(bottom, top, padding=0)
            self.plot.getAxis("bottom").setTicks([[(int(i), str(i)) for i in layer_ticks(n)]])
        if field == "relative_update":
            headline = ""
        elif base is None:
            headline = speed_sentence(self.logs, unit)
        else:
            headline = comparison_sentence(self.logs, self.baseline_logs,
                                           brief(self._snapshot.config, self._baseline.config, 32),
                                           unit, self._baseline.unit_name)
        self.ratio.setText(headline_of(self._snapshot, headline))
        self.theory_label.setText(self._pairs_text() + self._theory_text(field))

    def view_controls(self):
        return self.quantity, self.log_scale

    def picture_caption(self):
        label = QUANTITIES[self.quantity.currentText()][1]
        unit = self._snapshot.unit_name if self._snapshot is not None else "layer"
        return f"{label} per {unit}, {'log' if self.log_scale.isChecked() else 'linear'} scale"

    def _pairs_text(self):
        if self._baseline is None:
            return ""
        live, base = self._snapshot.config, self._baseline.config
        return f"Filled: {brief(live, base)}. Outlined: the baseline, {brief(base, live)}. "

    def _theory_text(self, field):
        t = self._theory
        if self._stats.jacobian_product is not None and field == THEORY_FIELD:
            return f"{t.note} Dashed: that product, from the output back."
        if not t.applies:
            return t.note
        if field != THEORY_FIELD:
            return f"{t.note}. Choose ‖δ‖ per sample to see the prediction beside the bars."
        return f"{t.note}. Dashed: the mean-field prediction, each layer back √χ times the next."

    def _colors(self, n):
        if len(self._brushes) != n:
            self._brushes = layer_colors(n)
        return self._brushes


def layer_ticks(n):
    """The layer numbers an axis of n layers labels: all of them, or about twelve and the last."""
    step = max(1, int(np.ceil(n / 12)))
    ticks = list(range(1, n + 1, step))
    return ticks if ticks[-1] == n else ticks + [n]

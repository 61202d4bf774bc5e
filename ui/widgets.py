"""Small widgets shared by the panels and the controls."""
from __future__ import annotations

import html
import math
import re
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from simulator.numbers import power_of_ten, scientific

from .chores import chores
from .style import NOTE_STYLES

ROUND = (1, 1.5, 2, 3, 5, 7.5, 10)      # round numbers an axis ends at (× 10ᵏ)
HELD_WIDTHS = 64                          # widths a Note keeps its words' heights for, at most


def round_up(value):
    """The smallest of 1, 1.5, 2, 3, 5, 7.5 × 10ᵏ that is ≥ value (value > 0; values
    beyond 10^±300 are taken as 10^±300, which a float can still scale)."""
    value = min(max(value, 1e-300), 1e300)
    scale = 10.0 ** np.floor(np.log10(value))
    return next(r * scale for r in ROUND if r * scale >= value * (1 - 1e-12))


def round_down(value):
    """The largest of 1, 1.5, 2, 3, 5, 7.5 × 10ᵏ that is ≤ value (value > 0, as round_up)."""
    value = min(max(value, 1e-300), 1e300)
    scale = 10.0 ** np.floor(np.log10(value))
    return next(r * scale for r in reversed(ROUND) if r * scale <= value * (1 + 1e-12))


def decades(values, margin=0):
    """(low, high): the whole decades (log₁₀) around the finite positive ``values``, with
    ``margin`` decades more on either side; None if there are none. At least one decade."""
    shown = values[np.isfinite(values) & (values > 0)]
    if shown.size == 0:
        return None
    low, high = int(np.floor(np.log10(shown.min()))), int(np.ceil(np.log10(shown.max())))
    return low - margin, max(high, low + 1) + margin


def hold(current, needed, slack):
    """The range to show: ``current`` widened to hold ``needed`` (at once), unless that is
    more than ``slack`` wider than ``needed``, which then starts afresh. Data that jitter
    across a boundary widen it once and it stays: a picture that does not jump while
    training, and axes that are not redrawn at every frame."""
    if current is None:
        return needed
    union = (min(current[0], needed[0]), max(current[1], needed[1]))
    if (union[1] - union[0]) - (needed[1] - needed[0]) > slack:
        return needed
    return union


def log_ticks(low, high, most=5):
    """Ticks for a log₁₀ axis from ``low`` to ``high`` (log₁₀ values), as pyqtgraph's
    ``AxisItem.setTicks`` takes them: [labelled, unlabelled], positions in log₁₀.

    Labelled: the densest of 1, 1.5, 2, 3, 5, 7.5 × 10ᵏ / 1, 2, 5 × 10ᵏ / 10ᵏ / every
    2nd, 5th, 10th … decade that gives at most ``most`` labels in the range (pyqtgraph's
    own log ticks label every minor tick of a short range, and they pile up). Unlabelled:
    1 … 9 × 10ᵏ where the range spans at most three decades."""
    def inside(values):
        return [v for v in values if 0 < v < np.inf and low - 1e-9 <= np.log10(v) <= high + 1e-9]

    ks = range(max(int(np.floor(low)) - 1, -307), min(int(np.ceil(high)) + 1, 307))   # floats' own range
    labelled = []
    for mantissas in (ROUND[:-1], (1, 2, 5), (1,)):
        labelled = inside([m * 10.0 ** k for k in ks for m in mantissas])
        if len(labelled) <= most:
            break
    every = 2
    while len(labelled) > most:
        labelled = inside([10.0 ** k for k in ks if k % every == 0])
        every = {2: 5}.get(every, every * 2)
    minor = inside([m * 10.0 ** k for k in ks for m in range(1, 10)]) if high - low <= 3 else []
    exponents = np.log10(labelled)
    if (np.allclose(exponents, np.round(exponents))                    # 10⁻⁶ … 10⁰ alike
            and any(not 1e-3 <= v < 100 for v in labelled)):
        return [[(e, power_of_ten(round(e))) for e in exponents], []]
    return [[(np.log10(v), tick_label(v)) for v in labelled],
            [(np.log10(v), "") for v in minor if v not in labelled]]


def tick_label(value):
    """A tick's number as a slide writes it: 0.2, 5, 1.5×10³, 10⁻⁶ (a power of ten alone)."""
    exponent = np.log10(value)
    if abs(exponent - round(exponent)) < 1e-9 and not 1e-3 <= value < 100:
        return power_of_ten(round(exponent))
    return scientific(value)


_SUPERSCRIPT = re.compile(r"\^(?:\(([^)]*)\)|\{([^}]*)\}|(-?\|?\w+\|?))")
_SUBSCRIPT = re.compile(r"(σ)([wb])(?![A-Za-z])|\b(fan)_(in)\b|([ξχ])_(\w)")


def typeset(text):
    """Plain notation as rich text (HTML, which Qt labels and pyqtgraph's labels, legends
    and titles show): δ^(l-1) → δ<sup>l−1</sup>, e^-z → e<sup>−z</sup>, f^l, σw → σ<sub>w</sub>,
    ξ_c → ξ<sub>c</sub>."""
    def sup(match):
        inner = next(group for group in match.groups() if group is not None)
        return f"<sup>{inner.replace('-', '−')}</sup>"

    def sub(match):
        base, index = next((match[k], match[k + 1]) for k in (1, 3, 5) if match[k])
        return f"{base}<sub>{index}</sub>"

    return _SUBSCRIPT.sub(sub, _SUPERSCRIPT.sub(sup, html.escape(text, quote=False)))


def plain(rich):
    """The text of rich text (``typeset``'s), as a screen reader says it: σ<sub>w</sub> → σw."""
    return QTextDocumentFragment.fromHtml(rich).toPlainText()


class Note(QLabel):
    """Words in their panel's layout, never laid over a title or a control: a finding in the
    red of an alarm or the amber of a warning, or a plain remark. A click hides it until its
    words change; with nothing to say it takes no room. At each width it keeps the height
    of the most lines its words have taken there (until its type changes or it falls
    silent), so that words which change length from frame to frame (a step, a clause that
    comes and goes) never move what is beside it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setToolTip("Click to hide this (it comes back when it changes).")
        self._hidden_text = None           # the words a click hid
        self._severity = None
        self._held = {}                    # width → the most height words took at it
        self.hide()

    def say(self, text, severity="info"):
        """Show ``text`` ('alarm', 'warning' or 'info'), unless a click hid these very words;
        None or "" hides it."""
        if severity != self._severity:
            self._severity = severity
            self.setStyleSheet(NOTE_STYLES[severity])
        if text != self.text():
            self.setText(text or "")
            self._hold()
        if not text:
            self._hidden_text = None       # gone: the next words are shown, even the same
            self._held.clear()
        self.setVisible(bool(text) and text != self._hidden_text)

    def _hold(self):
        width = self.width()
        if width > 0 and self.text():
            if len(self._held) > HELD_WIDTHS:
                self._held.clear()
            self._held[width] = max(self._held.get(width, 0), super().heightForWidth(width))

    def heightForWidth(self, width):
        return max(super().heightForWidth(width), self._held.get(width, 0))

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._hold()                       # the words' height at the new width

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):    # a theme
            self._held.clear()

    def mousePressEvent(self, event):
        self._hidden_text = self.text()
        self.hide()


class Field(QLabel):
    """A status-bar field at least as wide as ``widest`` in its own type, with a space after
    it: a changing number never relayouts, and the fields never run together (widths fixed
    in pixels did, in presentation type). Refitted whenever its font changes (a theme)."""

    SPACE = 16

    def __init__(self, widest, parent=None):
        super().__init__(parent)
        self.widest = widest
        self.setContentsMargins(0, 0, self.SPACE, 0)
        self._fit()

    def changeEvent(self, event):
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()

    def _fit(self):
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance(self.widest) + self.SPACE
                             if self.widest else 0)


def on_screen(widget):
    """Whether any of the widget can be seen (a dock behind another tab is 'visible' to
    Qt but has nothing on screen)."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


class PowerOfTenAxis(pg.AxisItem):
    """An axis whose values are log₁₀ of the quantity, labelled 10ᵏ at whole k; with
    ``logarithmic = False`` an ordinary linear axis (the values are the quantity)."""

    logarithmic = True

    def tickValues(self, minVal, maxVal, size):
        if not self.logarithmic:
            return super().tickValues(minVal, maxVal, size)
        span = maxVal - minVal
        if not math.isfinite(span) or span <= 0:
            return []
        step = max(1, int(np.ceil(span / max(2, size / 40))))
        for nice in (1, 2, 5, 10, 20, 25, 50, 100):
            if nice >= step:
                step = nice
                break
        first = math.ceil(minVal / step) * step
        return [(step, list(np.arange(first, maxVal + 1e-9, step)))]

    def tickStrings(self, values, scale, spacing):
        if not self.logarithmic:
            return super().tickStrings(values, scale, spacing)
        return [power_of_ten(round(v)) for v in values]


class ValueSlider(QWidget):
    """A named slider over a list of values, with the current value written beside.

    ``values`` may be any increasing list (linear or logarithmic); ``fmt`` writes one.
    ``set_value`` shows any value exactly: one that is not in the list (a setup may hold
    any value its config accepts) takes its place between its neighbours until the next
    ``set_value``, so the slider never shows, or sends, a value the config does not hold.
    Emits ``value_changed(value)`` when the user moves it (not on ``set_value``).
    """

    value_changed = Signal(object)

    def __init__(self, name, values, fmt=str, tooltip="", parent=None):
        super().__init__(parent)
        self.steps = list(values)           # the slider's own values
        self.values = list(values)          # the steps and the value shown, if not a step
        self.fmt = fmt
        self.name_label = QLabel(name)
        self.value_label = QLabel()
        self.value_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.value_label.setMinimumWidth(52)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName(plain(name))
        self.slider.setRange(0, len(self.values) - 1)
        self.slider.setPageStep(max(1, len(self.values) // 10))
        self.slider.valueChanged.connect(self._moved)
        top = QHBoxLayout()
        top.addWidget(self.name_label)
        top.addStretch(1)
        top.addWidget(self.value_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.slider)
        self.setToolTip(tooltip)
        self._moved(0, emit=False)

    @property
    def value(self):
        """The value shown."""
        return self.values[self.slider.value()]

    def set_value(self, value):
        """Show exactly ``value``, without emitting."""
        self.values = self.steps if value in self.steps else sorted(self.steps + [value])
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, len(self.values) - 1)
            self.slider.setValue(self.values.index(value))
        self._moved(self.slider.value(), emit=False)

    def _moved(self, index, emit=True):
        self.value_label.setText(self.fmt(self.values[index]))
        if emit:
            self.value_changed.emit(self.values[index])


def place_by_centres(image, x, y):
    """Stretch the pyqtgraph ImageItem ``image`` so that the centre of its pixel (i, k)
    sits at (x[i], y[k]): x and y are a grid's evenly spaced coordinates (two or more
    each), where its values were computed. Returns the rectangle the pixels cover."""
    dx, dy = x[1] - x[0], y[1] - y[0]
    rect = QRectF(x[0] - dx / 2, y[0] - dy / 2, dx * len(x), dy * len(y))
    image.setRect(rect)
    return rect


def log_values(low, high, per_decade):
    """Values spaced evenly in log₁₀ from ``low`` to ``high``, rounded to 2 significant
    digits, so that a decade's values are the round ones (0.05, 0.5, not 0.0501, 0.501)."""
    exponents = np.linspace(np.log10(low), np.log10(high),
                            int(round((np.log10(high) - np.log10(low)) * per_decade)) + 1)
    return [float(f"{10 ** e:.2g}") for e in exponents]


class Throttle:
    """Calls ``draw(item)`` at most every ``interval`` seconds for ``owner`` (a QObject);
    the newest item is never lost: one that arrives too soon is drawn once the interval
    has passed (a chore of the owner's), or by ``flush()``."""

    def __init__(self, draw, interval, owner):
        self._draw, self._interval, self._owner = draw, interval, owner
        self._pending = None
        self._last = 0.0

    def submit(self, item):
        self._pending = item
        wait = self._interval - (time.monotonic() - self._last)
        if wait <= 0:
            self.flush()
        else:
            chores().add(self._owner, "throttled", self.flush, after=wait)

    def flush(self):
        if self._pending is not None:
            item, self._pending = self._pending, None
            self._last = time.monotonic()
            self._draw(item)


class Resized(QWidget):
    """A widget that tells ``resized(width, height)`` its every new size."""

    def __init__(self, resized):
        super().__init__()
        self.resized = resized

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.resized(event.size().width(), event.size().height())

"""Themes: dark (the default), light, and presentation (light, large type, thick lines:
readable from the back of a lecture hall).

A panel is built once and takes a theme in place (``Panel.restyle``): its colours come
from the theme by role (``ink("training")``), its line widths through ``pen()``, its
axes through ``style_axes()``. The inks are the Okabe-Ito colours a colour-blind student
tells apart, in the variant that keeps 3:1 against the theme's plots (4.5:1 for text):
a test computes every one from the themes' own colours.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette, QPixmapCache
from PySide6.QtWidgets import QApplication, QGraphicsItem, QGraphicsView, QLabel, QStyleFactory, QWidget

# What each role is drawn in, on a dark and on a light background (Okabe-Ito, Wong 2011:
# orange, sky blue, bluish green, blue, vermillion, reddish purple, and greys).
INKS = {
    "dark": {"training": "#56B4E9", "test": "#E69F00", "minibatch": "#64686f", "factor": "#56B4E9",
             "product": "#E69F00", "bound": "#CC79A7", "phi": "#56B4E9", "dphi": "#E69F00",
             "class 0": "#56B4E9", "class 1": "#E69F00", "wrong": "#FF6E54", "muted": "#9aa0a8",
             "focus": "#56B4E9"},
    "light": {"training": "#0072B2", "test": "#D55E00", "minibatch": "#8a8f98", "factor": "#0072B2",
              "product": "#D55E00", "bound": "#c51b7d", "phi": "#0072B2", "dphi": "#D55E00",
              "class 0": "#0072B2", "class 1": "#D55E00", "wrong": "#c0392b", "muted": "#595f69",
              "focus": "#0072B2"},
}
# Inks used as text (4.5:1 against the plots and the windows, not 3:1). "focus" is the
# palette's highlight: the frame Fusion draws round the control with the keyboard's focus and
# a chosen item's background (3:1 against the windows too).
TEXT_ROLES = ("muted", "bound")
# A card's cases, one colour each, in this order: Okabe-Ito on dark; on light, its blue and
# vermillion, and the other hues darkened to keep 3:1 (its orange, sky blue and yellow do not).
SERIES = {"dark": ("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#F0E442", "#D55E00", "#9aa0a8"),
          "light": ("#0072B2", "#D55E00", "#007A5A", "#AA3377", "#8A6A00", "#6e737b")}
# The part of plasma the layers' colours take (layer 1 first, warm): on a dark plot its
# bright end, on a light one its dark end (its yellow had been layer 1 on white, 1.1:1).
LAYER_RANGES = {"dark": (0.95, 0.45), "light": (0.46, 0.0)}
# WCAG 2's least contrast for what must be seen: a line, bar or marker, and text.
MARK_CONTRAST, TEXT_CONTRAST = 3.0, 4.5


@dataclass(frozen=True)
class Theme:
    name: str
    dark: bool
    background: str          # plots
    panel: str               # windows and docks
    foreground: str
    font_pt: int             # widgets and axis labels
    tick_pt: int             # axis tick labels
    line_scale: float        # every pen's width is multiplied by this
    controls_pt: int         # the controls column: what the lecturer reads, not the class
    inks: dict = field(default_factory=dict)

    def ink(self, role):
        """The colour of ``role`` (a key of INKS) in this theme."""
        return self.inks[role]


THEMES = {
    "dark": Theme("dark", True, "#16181d", "#20232a", "#e6e6e6", 10, 9, 1.0, 10, INKS["dark"]),
    "light": Theme("light", False, "#ffffff", "#f3f4f6", "#1f2328", 10, 9, 1.0, 10, INKS["light"]),
    "presentation": Theme("presentation", False, "#ffffff", "#f3f4f6", "#000000", 16, 15, 2.2, 12,
                          INKS["light"]),
}
_current = THEMES["dark"]


def current():
    """The theme in use."""
    return _current


def ink(role):
    """The current theme's colour for ``role``."""
    return _current.ink(role)


def series_colors():
    """The current theme's colours for a card's cases, in order (``SERIES``)."""
    return SERIES["dark" if _current.dark else "light"]


def layer_colors(n):
    """n colours from the first layer (warm) to the last (cool), each keeping 3:1 against
    the current theme's plots."""
    cmap = pg.colormap.get("plasma")
    first, last = LAYER_RANGES["dark" if _current.dark else "light"]
    return [cmap.map(first + (last - first) * i / max(1, n - 1), mode="qcolor") for i in range(n)]


def luminance(color):
    """WCAG 2 relative luminance of ``color``: 0 (black) … 1 (white)."""
    def linear(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in pg.mkColor(color).getRgbF()[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    """WCAG 2 contrast ratio of two colours: 1 … 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(color):
    """Black or white, whichever reads better on ``color`` (a map's cell): at least 4.58:1."""
    return "#000000" if contrast("#000000", color) >= contrast("#ffffff", color) else "#ffffff"


def faint(color, alpha):
    """``color`` as it looks at ``alpha`` over the plots' background (``seen_through``), but
    no fainter than MARK_CONTRAST against it: a baseline's curves, faded and still seen."""
    low, high = alpha, 255
    if contrast(seen_through(color, low), _current.background) >= MARK_CONTRAST:
        return seen_through(color, low)
    while high - low > 1:                    # the faintest alpha that keeps the contrast
        middle = (low + high) // 2
        if contrast(seen_through(color, middle), _current.background) >= MARK_CONTRAST:
            high = middle
        else:
            low = middle
    return seen_through(color, high)


def pen(color, width=1.0, **options):
    """A pen of the current theme: ``width`` scaled for presentation mode."""
    return pg.mkPen(color, width=width * _current.line_scale, **options)


def dense_pen(color, width=1.0):
    """A pen for a curve of many points a pixel or two apart, with square ends. pyqtgraph
    draws a wide opaque curve as separate segments, each with its pen's ends: round ends
    (pyqtgraph's) made the learning-speed panel's 22 curves of 1,500 points take 37-48 ms
    a paint at projector size, square ones 28 ms, and the two pictures differ by under a
    pixel, at sharp turns only (at widths up to 2 px, not at all)."""
    dense = pen(color, width)
    dense.setCapStyle(Qt.PenCapStyle.SquareCap)
    return dense


def seen_through(color, alpha):
    """``color`` as it looks at ``alpha`` (of 255) over the plots' background, as one opaque
    colour: a faint line drawn opaque. pyqtgraph draws a wide opaque line as segments and a
    wide translucent one as a stroked path: the loss panel's translucent minibatch curve of
    1,500 points took 80 ms to draw at projector size, opaque 10 ms."""
    ink, paper = pg.mkColor(color), pg.mkColor(_current.background)
    a = alpha / 255
    return QColor(*(round(a * i + (1 - a) * p) for i, p in zip(ink.getRgb()[:3], paper.getRgb()[:3])))


# Style sheets only where the palette cannot say it, set on those widgets alone: an
# application-wide sheet must be set anew at every theme switch (widgets under a sheet take
# a new palette only when polished again), and that restyled every widget, 0.2-0.4 s.
NOTE_STYLES = {      # a Note's look by severity: white on red, black on amber, plain
    "alarm": "QLabel { background: #b3261e; color: white; font-weight: bold; padding: 4px 8px; "
             "border-radius: 4px; }",
    "warning": "QLabel { background: #f0b400; color: black; padding: 4px 8px; border-radius: 4px; }",
    "info": "QLabel { padding: 2px 4px; }",
}
DIAGNOSIS_STYLES = {  # the diagnosis line's look by severity
    "alarm": "DiagnosisBar { background: #b3261e; } QLabel { color: white; font-weight: bold; }",
    "warning": "DiagnosisBar { background: #f0b400; } QLabel { color: black; }",
    "ok": "",
}
# Translucent greys read on dark and light backgrounds alike.
GROUPS_STYLE = """
QGroupBox { font-weight: bold; margin-top: 12px; border: 1px solid rgba(128, 134, 145, 120);
            border-radius: 4px; padding-top: 6px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 3px; }
"""


def restyle(widget, sheet):
    """Give ``widget`` its style sheet anew, so that it and its children are polished with the
    palette and font of the theme now current."""
    widget.setStyleSheet("")
    widget.setStyleSheet(sheet)


def palette(theme):
    p = QPalette()
    muted = theme.ink("muted")
    colors = {
        QPalette.ColorRole.Window: theme.panel, QPalette.ColorRole.WindowText: theme.foreground,
        QPalette.ColorRole.Base: theme.background, QPalette.ColorRole.AlternateBase: theme.panel,
        QPalette.ColorRole.Text: theme.foreground,
        QPalette.ColorRole.Button: "#2c3039" if theme.dark else "#e9ecf0",
        QPalette.ColorRole.ButtonText: theme.foreground, QPalette.ColorRole.Highlight: theme.ink("focus"),
        QPalette.ColorRole.HighlightedText: text_on(theme.ink("focus")), QPalette.ColorRole.ToolTipBase: "#fffbe6",
        QPalette.ColorRole.ToolTipText: "#000000", QPalette.ColorRole.PlaceholderText: muted,
    }
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(muted))
    return p


def apply_theme(name="dark"):
    """Make ``name`` current: pyqtgraph's defaults (before plots are made), Fusion, the
    palette and the application font, and Qt's cache of rendered pixmaps emptied: what it
    held was drawn in the old theme's colours and type, and it is let go only at its limit
    (10 MB), so every switch had added about 26 kB to the window for good (a 30-minute soak
    of changes and theme switches: 0.3 MB a minute). A ValueError names unknown themes."""
    global _current
    if name not in THEMES:
        raise ValueError(f"theme: unknown name {name!r}; allowed: {', '.join(THEMES)}")
    _current = theme = THEMES[name]
    # Antialiasing every curve costs more than a frame's budget in software rendering;
    # the few items that need smooth edges (the ball, the arrow) ask for it themselves.
    pg.setConfigOptions(antialias=False, background=theme.background, foreground=theme.foreground,
                        imageAxisOrder="col-major")
    app = QApplication.instance()
    if app.property("lab_style") != "Fusion":
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setProperty("lab_style", "Fusion")
    app.setPalette(palette(theme))
    font = app.font()
    if font.pointSize() != theme.font_pt:
        font.setPointSize(theme.font_pt)
        app.setFont(font)
    QPixmapCache.clear()
    return theme


def controls_style():
    """The controls column's style sheet: its groups, and its type, which in presentation
    mode stays smaller than the panels' (the lecturer reads it, the class reads the panels,
    which get the room). A size in the sheet: the groups' sheet would override a font."""
    return GROUPS_STYLE + f"QWidget {{ font-size: {_current.controls_pt}pt; }}\n"


def style_axes(plot_widget):
    """Theme fonts on the axes, no SI prefixes (0.69 stays 0.69, not '690 (×0.001)'), and
    each axis cached as a pixmap, so that a frame that moves only the data does not redraw it."""
    for name in ("left", "bottom"):
        style_axis(plot_widget.getPlotItem().getAxis(name))


# A vertical axis starts with room for labels this wide, in its tick type.
WIDE_LABEL = "−0.25"


def style_axis(axis, keeps_room=True):
    """One axis in the theme's type and ink, cached as a pixmap (see ``style_axes``).

    A vertical axis keeps the widest room its labels have needed, from that of
    ``WIDE_LABEL`` up: pyqtgraph fits it to the labels as it draws them, and where they
    grew and shrank from frame to frame ("0" and "0.025" on the histogram's counts) the
    plot was laid out and drawn again, and again: a panel brought to the front was drawn
    six times in one pass (120 ms), and jumped sideways as it played. A colour bar's does
    not (``style_colour_bar``)."""
    theme = _current
    tick_font = QFont()
    tick_font.setPointSize(theme.tick_pt)
    # No range asks for a prefix, then none is taken: pyqtgraph's enableAutoSIPrefix(False)
    # still fixes one from the range of the moment (a colour bar restyled at -0.2 … -0.16
    # was labelled -200 … -160, in thousandths, for good).
    axis.setLabel(axis.labelText, siPrefixEnableRanges=(),
                  **{"font-size": f"{theme.font_pt}pt", "color": theme.foreground})
    axis.enableAutoSIPrefix(False)
    axis.textWidth = QFontMetrics(tick_font).horizontalAdvance(WIDE_LABEL)
    axis.setStyle(tickFont=tick_font, autoReduceTextSpace=not keeps_room)
    axis.setPen(pen(theme.foreground, 1))
    axis.setTextPen(theme.foreground)
    axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def style_colour_bar(colour_bar):
    """A colour bar's axis in the theme, as wide as its numbers (pyqtgraph fixes 45 px), and
    giving back the room of numbers it no longer shows: they change with the config, not
    the frame ("-0.15887" at depth 20, "0.05" at depth 2), and kept, their room narrowed
    the map for good. Its other axes are the bar's frame, in the theme's ink."""
    for name in ("left", "right", "top", "bottom"):
        frame = colour_bar.getAxis(name)
        if frame is not colour_bar.axis:
            frame.setPen(pen(_current.foreground, 1))
            frame.setTextPen(_current.foreground)
    style_axis(colour_bar.axis, keeps_room=False)
    colour_bar.axis.setWidth()


def heading(label, factor=1.3, bold=False, lines=0):
    """Give a panel's headline or caption type ``factor`` times the theme's size (so that
    it grows with presentation type, as a fixed point size did not), and room for at least
    ``lines`` lines of it (a caption that wraps must not move the plot under it as it
    changes), now and at every theme (``restyle_widget``)."""
    label.heading = (factor, bold, lines)
    font = label.font()
    font.setPointSizeF(_current.font_pt * factor)
    font.setBold(bold)
    label.setFont(font)
    if lines:
        label.setMinimumHeight(lines * QFontMetrics(font).height() + 6)
    return label


def restyle_legend(legend):
    """A legend's names in the current theme's ink and type."""
    legend.setLabelTextColor(_current.foreground)
    legend.setLabelTextSize(f"{_current.font_pt}pt")
    for _, label in legend.items:
        label.setText(label.text)               # drawn anew in the new ink and type
    legend.update()


def restyle_widget(widget):
    """Every plot in ``widget`` in the current theme (its background, axes, colour bars and
    legends), every headline in its type, every widget with a style sheet polished anew:
    what all panels share of taking a theme, when built and at every switch."""
    for plot in widget.findChildren(pg.PlotWidget):
        plot.setBackground(_current.background)
        style_axes(plot)
        for item in plot.scene().items():
            if isinstance(item, pg.ColorBarItem):
                style_colour_bar(item)
            elif isinstance(item, pg.LegendItem):
                restyle_legend(item)
    for label in widget.findChildren(QLabel):
        if getattr(label, "heading", None):
            heading(label, *label.heading)
    for child in widget.findChildren(QWidget):
        if child.styleSheet():             # a widget under a sheet takes a new palette only
            restyle(child, child.styleSheet())     # when polished again


def forget_old_symbols(widget):
    """Every scatter in ``widget`` keeps only the symbols it draws now. pyqtgraph keys a
    scatter's rendered symbols by the identity of the pens and brushes it was given, and a
    restyle gives new ones: the old renderings stayed, up to a thousand an item (a soak of
    theme switches grew the window by about 0.3 MB a minute)."""
    for view in widget.findChildren(QGraphicsView):
        for item in view.scene().items():
            if isinstance(item, pg.ScatterPlotItem) and len(item.fragmentAtlas):
                item._maybeRebuildAtlas(threshold=0, minlen=0)      # from the styles in use


class RowLegend(pg.LegendItem):
    """A legend under the plot whose entries take as many columns as the plot's width holds,
    at most ``most``: in presentation type the loss's and the learning speed's legends, in
    rows wider than their tab, pushed the plot past the panel's right edge ("tes")."""

    SPACING = 20

    def __init__(self, plot_item, most):
        super().__init__(colCount=most, horSpacing=self.SPACING, labelTextColor=_current.foreground,
                         labelTextSize=f"{_current.font_pt}pt", frame=False)
        self.most, self.plot_item = most, plot_item
        self._fitted = None                      # (room, entries) the columns were fitted for
        plot_item.geometryChanged.connect(self.refit)

    def addItem(self, item, name):
        super().addItem(item, name)
        self.refit()

    def removeItem(self, item):
        entries = list(self.items)
        super().removeItem(item)
        _delete([entry for entry in entries if entry not in self.items])

    def clear(self):
        entries = list(self.items)
        super().clear()
        _delete(entries)

    def show_entries(self, entries):
        """The legend's entries set to ``entries``, [(item, name)]: renamed in place where the
        items are those shown (a legend made anew costs a few ms per entry), else made anew."""
        if [sample.item for sample, _ in self.items] != [item for item, _ in entries]:
            self.clear()
            for item, name in entries:
                self.addItem(item, name)
            return
        for (sample, label), (_, name) in zip(self.items, entries):
            label.setText(name)
            sample.update()                      # its item's pen may be new
        self._fitted = None                      # the names' widths may have changed
        self.refit()

    def refit(self):
        """The most columns, up to ``most``, whose rows fit the plot's view (not the plot
        item's width: a legend too wide had already widened the item past the view)."""
        view = self.plot_item.getViewWidget()
        if view is None:
            return
        room = view.width() - self.plot_item.getAxis("left").width()
        if (room, len(self.items)) == self._fitted:  # moved, or resized in height only
            return
        self._fitted = (room, len(self.items))
        for columns in range(min(self.most, max(1, len(self.items))), 0, -1):
            self.setColumnCount(columns)
            if self.layout.effectiveSizeHint(Qt.SizeHint.MinimumSize).width() <= room:
                break
        if self.plot_item.width() > view.width() + 1:   # widened by the legend before: back to
            self.plot_item.setGeometry(QRectF(0, 0, view.width(), view.height()))   # the view


def _delete(entries):
    """Delete a legend's removed entries. pyqtgraph only closes them: they stayed, hidden,
    children of the legend, a set more at every change of its entries (a baseline's key
    coming or going, the learning speed's layers)."""
    for sample, label in entries:
        for item in (sample, label):
            item.setParentItem(None)
            shiboken6.delete(item)


def legend_below(plot_widget, columns):
    """A legend in a row of its own under the plot, never over the curves, in the theme's
    type, in at most ``columns`` columns; curves added with a ``name`` join it, as with
    pyqtgraph's own ``addLegend``."""
    item = plot_widget.getPlotItem()
    legend = RowLegend(item, columns)
    item.layout.addItem(legend, 4, 1)
    item.legend = legend
    return legend

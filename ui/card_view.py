"""A paper card on screen: title, citation and claim, the paper's figure beside the lab's
measurement (one pyqtgraph plot per figure of the result), and the mark with its verdict.

    view = CardView(CARDS["he"])
    view.show_result(result)            # a CardResult, partial or final
    view.show_progress(progress)        # a Progress: the result so far and what is running

``CardWindow`` shows a card in a window of its own, measuring in a process of its own
(``Jobs``) and drawing each Progress as it comes; ``picture(key, size, theme)`` runs a
card to its end and draws it off screen (``main.py --card NAME --export OUT.png``).

Series are drawn by kind: the paper's numbers as large diamonds, laws dashed, the lab's
measurement solid (with its band, where it has one, shaded). Series of one case share a
colour in every figure of the card: a card names its series "<source>, <case>" ("law,
xavier", "lab, xavier (10 seeds)"), and the case is the name after the first ", "
without a trailing "(…)".
"""
from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from simulator.cards import CARDS, Progress, run_card

from .export import render
from .jobs import Jobs
from .style import apply_theme, current, heading, legend_below, pen, series_colors, style_axes, style_colour_bar
from .widgets import log_ticks, typeset

PAPER_COLOR = "#e8590c"
MARK_COLORS = {True: "#2e7d32", False: "#c62828", None: "#6b7079"}
DRAWN = ("law", "lab", "paper")
LEGEND_TYPE = 0.85                       # legends' type, of the theme's: the plots need the room
DETAILS_SHARE = 0.15                    # of the card's height, at most, for the detail lines         # the order of drawing: the paper's points on top
_TRAILING = re.compile(r"\s*\(.*\)\s*$")


def case_of(name):
    """The case a series belongs to: its name after the first ', ', without '(…)'."""
    case = name.split(", ", 1)[1] if ", " in name else name
    return _TRAILING.sub("", case)


def _positive(x, y, log_x, log_y):
    """The points a log axis can show (both coordinates finite, positive where logarithmic)."""
    keep = np.isfinite(x) & np.isfinite(y)
    if log_x:
        keep &= x > 0
    if log_y:
        keep &= y > 0
    return keep


class FigurePlot(pg.PlotWidget):
    """One figure of a card's result, drawn anew from each result shown."""

    def __init__(self, figure):
        super().__init__()
        self.showGrid(x=True, y=True, alpha=0.2)
        style_axes(self)
        self.colorbar = self.image = None
        if figure.heatmap is not None:              # laid out before the legend's row
            grid = figure.heatmap
            self.image = pg.ImageItem()
            self.addItem(self.image)
            self.colorbar = pg.ColorBarItem(colorMap=pg.colormap.get("viridis"), values=(grid.low, grid.high),
                                            interactive=False, width=14, label=typeset(grid.label))
            self.colorbar.setImageItem(self.image, insert_in=self.getPlotItem())
            style_colour_bar(self.colorbar)
        self.legend = legend_below(self, 4)
        self.legend.setLabelTextSize(f"{round(current().font_pt * LEGEND_TYPE)}pt")
        self.title_label = text("", 1.1, bold=True)
        self.set_axes(figure)

    def set_axes(self, figure):
        self.title_label.setText(typeset(figure.title))
        self.setLabel("bottom", typeset(figure.x_label))
        self.setLabel("left", typeset(figure.y_label))
        style_axes(self)
        if figure.heatmap is None:
            self.setLogMode(x=figure.log_x, y=figure.log_y)

    def show_figure(self, figure, colors):
        """Draw ``figure``, each case in its colour from ``colors`` (case → colour)."""
        self.title_label.setText(typeset(figure.title))
        self.legend.clear()
        for item in list(self.getPlotItem().items):
            if item is not self.image:
                self.removeItem(item)
        if figure.heatmap is not None:
            self._heatmap(figure)
            return
        for series in sorted(figure.series, key=lambda s: DRAWN.index(s.kind)):
            self._draw(series, colors[case_of(series.name)], figure)
        self._whole_ticks(figure)
        self._log_ticks(figure)

    def _log_ticks(self, figure):
        """A few round labels on a log y axis (pyqtgraph's read 4·10² on a short range)."""
        if not figure.log_y:
            return
        values = np.concatenate([v for s in figure.series for v in (s.y, s.low, s.high) if v is not None])
        values = values[np.isfinite(values) & (values > 0)]
        if values.size:
            low, high = np.log10(values.min()), np.log10(values.max())
            self.getAxis("left").setTicks(log_ticks(low - 0.05, high + 0.05))

    def _whole_ticks(self, figure):
        """Ticks at the x values themselves where they are a few whole numbers (layers,
        depths), on a log axis too (pyqtgraph's read 2·10¹ there)."""
        xs = np.unique(np.concatenate([s.x for s in figure.series])) if figure.series else []
        whole = 0 < len(xs) <= 12 and np.all(xs == np.round(xs)) and np.all(xs > 0)
        at = np.log10(xs) if figure.log_x and whole else xs
        self.getAxis("bottom").setTicks([[(p, f"{v:g}") for p, v in zip(at, xs)]] if whole else None)

    def _draw(self, series, color, figure):
        x, y = series.x, series.y
        keep = _positive(x, y, figure.log_x, figure.log_y)
        if not keep.any():
            return
        name = typeset(series.name)
        if series.kind == "paper":
            self.plot(x[keep], y[keep], pen=pen(PAPER_COLOR, 1.5, style=Qt.PenStyle.DotLine),
                      symbol="d", symbolSize=12 * current().line_scale, symbolBrush=PAPER_COLOR,
                      symbolPen=pen(PAPER_COLOR, 1), name=name)
            return
        if series.kind == "law":
            self.plot(x[keep], y[keep], pen=pen(color, 2, style=Qt.PenStyle.DashLine), name=name)
            return
        if series.low is not None and series.high is not None:
            band = keep & _positive(x, series.low, figure.log_x, figure.log_y) \
                & _positive(x, series.high, figure.log_x, figure.log_y)
            if band.any():
                clear = pg.mkPen(0, 0, 0, 0)          # drawn (a band needs their paths), unseen
                low = pg.PlotDataItem(x[band], series.low[band], pen=clear)
                high = pg.PlotDataItem(x[band], series.high[band], pen=clear)
                fill = pg.mkColor(color)
                fill.setAlpha(35)
                self.addItem(low)
                self.addItem(high)
                self.addItem(pg.FillBetweenItem(low, high, brush=fill))
        few = keep.sum() <= 30
        self.plot(x[keep], y[keep], pen=pen(color, 2.5), name=name,
                  symbol="o" if few else None, symbolSize=6 * current().line_scale,
                  symbolBrush=color, symbolPen=pen(color, 1))

    def _heatmap(self, figure):
        """The map on a grid of cells (columns x, rows y, by index), ticks naming the
        values; the figure's curves mapped onto the same grid (log y: by log y)."""
        grid = figure.heatmap
        values = np.where(np.isfinite(grid.values), grid.values, np.nan)
        self.image.setImage(values.T, levels=(grid.low, grid.high))
        self.image.setRect(-0.5, -0.5, len(grid.x), len(grid.y))
        self.getAxis("bottom").setTicks([[(i, f"{v:g}") for i, v in enumerate(grid.x)]])
        self.getAxis("left").setTicks([[(i, f"{v:g}") for i, v in enumerate(grid.y)]])
        to_y = np.log if figure.log_y else (lambda v: v)
        for series in figure.series:
            x = np.interp(series.x, grid.x, np.arange(len(grid.x)))
            y = np.interp(to_y(series.y), to_y(grid.y), np.arange(len(grid.y)),
                          left=np.nan, right=len(grid.y) - 0.5)
            keep = np.isfinite(y)
            self.plot(x[keep], y[keep], pen=pen("#ffffff", 4), name=None)
            self.plot(x[keep], y[keep], pen=pen("#d6336c", 2.5, style=Qt.PenStyle.DashLine),
                      name=typeset(series.name))
        self.setXRange(-0.5, len(grid.x) - 0.5, padding=0)
        self.setYRange(-0.5, len(grid.y) - 0.5, padding=0)


def text(html, factor, bold=False):
    """A wrapped rich-text label in the theme's type × ``factor``."""
    label = heading(QLabel(html), factor, bold)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    return label


class CardView(QWidget):
    """A card: what the paper says, what the lab measured, and whether it holds."""

    def __init__(self, card, parent=None):
        super().__init__(parent)
        self.card = card
        self.setAutoFillBackground(True)
        title = text(typeset(card.title), 1.5, bold=True)
        citation = text(typeset(card.citation), 1.0)
        citation.setStyleSheet(f"color: {'#a0a6b0' if current().dark else '#4a5058'};")
        self.claim = text(typeset("“" + card.claim + "”"), 1.0)
        self.plots_row = QHBoxLayout()
        self.plots = []
        self.mark = text("", 1.3, bold=True)
        self.mark.setWordWrap(False)
        self.mark.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict = text("", 1.15)
        self.details = text("", 0.9)
        self.lines = []
        verdict_row = QHBoxLayout()
        verdict_row.addWidget(self.mark)
        verdict_row.addWidget(self.verdict, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(citation)
        layout.addWidget(self.claim)
        layout.addLayout(self.plots_row, 1)
        layout.addLayout(verdict_row)
        layout.addWidget(self.details)
        self.show_result(None)

    def show_progress(self, progress: Progress):
        """The result so far, with how far the run has come and what it is doing."""
        self.show_result(progress.result, progress.fraction, progress.doing)

    def show_result(self, result, fraction=None, doing=""):
        """Draw ``result`` (None: nothing measured yet)."""
        if result is not None:
            self._figures(result.figures)
        holds = None if result is None else result.holds
        if holds is None:
            share = "" if fraction is None else f" {fraction:.0%}"
            self.mark.setText(f"measuring…{share}")
            self.verdict.setText(typeset(doing or "The lab is setting up the experiment."))
        else:
            self.mark.setText("✔ holds" if holds else "✘ does not hold")
            self.verdict.setText(typeset(result.verdict))
        scale = current().line_scale
        self.mark.setStyleSheet(f"QLabel {{ background: {MARK_COLORS[holds]}; color: white; "
                                f"border-radius: {round(6 * scale)}px; padding: {round(6 * scale)}px "
                                f"{round(14 * scale)}px; }}")
        lines = [f"<b>Set-up:</b> {typeset(self.card.setup)}"]
        if result is not None:
            lines.insert(0, f"<b>Paper:</b> {typeset(result.paper)}")
            lines.insert(1, f"<b>Lab:</b> {typeset(result.lab)}")
            lines.insert(2, f"<b>Holds if:</b> {typeset(result.tolerance)}"
                         + (f" — {typeset(result.margin)}" if result.margin else ""))
        self.lines = lines
        self._fit_details()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit_details()

    def _fit_details(self):
        """As many of the detail lines (paper, lab, tolerance, set-up: in that order) as
        fit in a fifth of the card's height (perhaps none), so the plots keep the room on a slide."""
        width = max(100, self.width() - 2 * self.layout().contentsMargins().left())
        for n in range(len(self.lines), -1, -1):
            self.details.setText("<br>".join(self.lines[:n]))
            self.details.setVisible(n > 0)
            if self.details.heightForWidth(width) <= DETAILS_SHARE * self.height():
                return

    def _figures(self, figures):
        if len(figures) != len(self.plots):
            for column in self.plots:
                column.setParent(None)
                column.deleteLater()
            self.plots = []
            for figure in figures:
                column = QWidget()
                box = QVBoxLayout(column)
                box.setContentsMargins(0, 0, 0, 0)
                plot = FigurePlot(figure)
                box.addWidget(plot.title_label)
                box.addWidget(plot, 1)
                column.plot = plot
                self.plots.append(column)
                self.plots_row.addWidget(column, 1)
        colors = {}                     # one colour per case across the card's figures
        palette = series_colors()
        for series in (s for figure in figures for s in figure.series):
            colors.setdefault(case_of(series.name), palette[len(colors) % len(palette)])
        for column, figure in zip(self.plots, figures):
            column.plot.show_figure(figure, colors)


def picture(key, size=(1600, 950), theme="dark", settings=None):
    """A QImage of card ``key`` run to its end, laid out at ``size`` in ``theme``."""
    from simulator.cards import finish

    card = CARDS[key]
    return picture_of(card, finish(card.run(settings)), size, theme)


def picture_of(card, result, size=(1600, 950), theme="dark"):
    """A QImage of ``card`` showing ``result``, laid out at ``size`` in ``theme``."""
    apply_theme(theme)
    view = CardView(card)
    view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    view.resize(*size)
    view.show()
    view.show_result(result)
    app = QApplication.instance()
    for _ in range(3):
        app.processEvents()
    try:
        return render(view, 1, size)
    finally:
        view.close()
        view.deleteLater()
        app.processEvents()



class CardWindow(CardView):
    """A card in a window of its own, measuring in a process of its own once shown (with
    ``settings``, or the card's); closing the window ends the measurement at once."""

    def __init__(self, card, settings=None, parent=None):
        super().__init__(card, parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setWindowTitle(f"{card.citation} — Vanishing Gradient Lab")
        self.settings = settings
        self.jobs = Jobs(self)
        self.measuring = None             # the measurement's process, once started

    def showEvent(self, event):
        super().showEvent(event)
        if self.measuring is None:
            self.measuring = self.jobs.run(run_card, self.card.key, self.settings,
                                           each=self.show_progress, done=self.show_result,
                                           failed=self._failed)

    def _failed(self, sentence):
        self.mark.setText("✘ not measured")
        self.verdict.setText(sentence)

    def closeEvent(self, event):
        self.jobs.cancel()
        super().closeEvent(event)


class CardsMenu(QObject):
    """The Cards menu of ``window`` (a QMainWindow): every paper card, each opened in a card
    window of its own beside the lab, which keeps playing (a card open already is raised);
    the card windows close with the lab."""

    SHARE = 0.85                      # of the lab window's size, for a card window

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.open = {}                    # key → its CardWindow
        menu = window.menuBar().addMenu("&Cards")
        menu.setToolTipsVisible(True)
        for key, card in CARDS.items():
            action = QAction(f"{card.authors} ({card.year}): {card.title}".replace("&", "&&"), window)
            action.setToolTip(card.claim)
            action.triggered.connect(lambda _=False, k=key: self.show(k))
            menu.addAction(action)

    def show(self, key):
        """Card ``key`` in its window, measuring (raised, if it is open)."""
        view = self.open.get(key)
        if view is None or not shiboken6.isValid(view):
            view = self.open[key] = CardWindow(CARDS[key], parent=self.window)
            view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            size = self.window.size() * self.SHARE
            view.resize(size.width(), size.height())
        view.show()
        view.raise_()
        view.activateWindow()
        return view

    def close(self):
        """Close every card window (their measurements end at once)."""
        for view in self.open.values():
            if shiboken6.isValid(view):
                view.close()
        self.open.clear()


def window(key, size=(1600, 950), theme="dark"):
    """A window for card ``key`` in ``theme`` that runs its measurement when shown."""
    apply_theme(theme)
    view = CardWindow(CARDS[key])
    view.resize(*size)
    return view

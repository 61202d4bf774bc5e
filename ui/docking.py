"""The docks' shares of the window: the first layout's rule (``share_room``), and the
shares kept through a resize (``Shares``), so that a window made smaller and large again
looks as it did."""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QTabBar

from .drawing import settle_layout

PLOT_LEAST = 150       # pixels of height a plot needs for its data to be read from the back row
COLUMN_LEAST = 600     # pixels of width a column of panels needs in presentation type
QUANTUM = 4            # pixels: a height measured to within a pixel, rounded up to a multiple of this
SAME_COLUMN = 4        # pixels: docks whose left edges are this close are one column


def room_for_plots(dock):
    """The height ``dock`` needs to give each of its plots PLOT_LEAST pixels of data: its
    height now, less its tallest plot's data, plus PLOT_LEAST. A plot's axes, legend and
    the captions around it stay as they are (measured at the dock's width now)."""
    views = [view for view in dock.widget().findChildren(pg.PlotWidget) if view.isVisible()]
    if not views:
        return 0
    def data_now(view):          # what of the dock's height is the plot's data (a plot may
        item = view.getPlotItem()             # be taller than its view: squeezed below its least)
        return view.height() - item.height() + item.getViewBox().height()
    need = dock.height() - min(data_now(view) for view in views) + PLOT_LEAST
    return QUANTUM * math.ceil(need / QUANTUM)        # the same from any layout it is measured in


def share_room(window, fold=None, shown=None):
    """The panels' shares of the window: the controls at their narrowest, the cost surface
    and the gradient bars half of the rest each; the loss under the bars, a quarter of the
    column or the room its plot needs. Where the column is too short for both plots, and
    always in presentation mode, the loss and the learning speed are tabs behind the bars;
    in presentation mode, a screen whose half is narrower than COLUMN_LEAST or too small
    for the maps on show (at 1024 × 768, or at 1280 × 720 with a baseline) has every panel
    as a tab of one column. ``fold``: the controls folded away (True),
    shown (False), or left as they are (None). ``shown``: the Frame the panels show (its
    baseline, if any, is a second map)."""
    d, controls = window.docks, window.findChild(QDockWidget, "controls")
    presentation = window.theme == "presentation"
    if presentation or d["loss"] in window.tabifiedDockWidgets(d["bars"]):   # tabs undone: a dock
        window.restoreState(window.first_layout)                # split from a tabbed one joins its tabs
    if fold is not None:
        controls.setVisible(not fold)
    columns = [controls] if controls.isVisible() else []
    narrowest = [controls.minimumSizeHint().width()] if columns else []
    free = window.width() - sum(narrowest)
    resize_docks(window, columns + [d["surface"], d["bars"]], narrowest + [free // 2, free // 2],
                 Qt.Orientation.Horizontal)
    maps = 1 if shown is None or shown.baseline is None else 2
    if presentation and (free // 2 < COLUMN_LEAST or window.panels["surface"].room_for(maps) < PLOT_LEAST):
        for dock in window.docks.values():
            if dock is not d["surface"] and dock.isVisible() and not dock.isFloating():
                window.tabifyDockWidget(d["surface"], dock)
        d["bars"].raise_()
        lay_out(window)
        return
    if not presentation:
        column = d["bars"].height() + d["loss"].height()
        loss = max(column // 4, room_for_plots(d["loss"]))
        if column - loss >= room_for_plots(d["bars"]):
            resize_docks(window, [d["bars"], d["loss"]], [column - loss, loss], Qt.Orientation.Vertical)
            return
    for dock in [d["loss"]] + window.tabifiedDockWidgets(d["loss"]):   # the loss's group whole
        window.tabifyDockWidget(d["bars"], dock)
    d["bars"].raise_()
    lay_out(window)
    need = tabs_width(window, d["bars"], d["loss"])
    both = d["surface"].width() + d["bars"].width()
    if need > d["bars"].width():            # every tab's name whole, the maps keeping most room
        need = min(need, both // 2 + both // 8)
        resize_docks(window, [d["surface"], d["bars"]], [both - need, need], Qt.Orientation.Horizontal)


def resize_docks(window, docks, sizes, orientation):
    """``QMainWindow.resizeDocks``, laid out, and once more with what it missed by added:
    it hands out the room in its own measure (a loss asked 269 px high got 258)."""
    laid = [(dock, size) for dock, size in zip(docks, sizes)     # a floating dock is not in
            if not dock.isFloating() and not dock.isHidden()]      # the layout's rows
    docks, sizes = [dock for dock, _ in laid], [size for _, size in laid]
    if not docks or min(sizes) < 1:
        return                              # a window too small to share (or docks unshown)
    def now():
        return [dock.width() if orientation == Qt.Orientation.Horizontal else dock.height()
                for dock in docks]
    if now() == list(sizes):
        return                              # as they are: nothing laid out, nothing drawn again
    window.resizeDocks(docks, sizes, orientation)
    lay_out(window)
    corrected = [2 * size - got for size, got in zip(sizes, now())]    # asked + missed
    if corrected != list(sizes) and min(corrected) >= 1:       # (a dock held at its least size
        window.resizeDocks(docks, corrected, orientation)      # may have got twice the asked)
        lay_out(window)


def lay_out(window):
    """Lay the window out now, its docks' contents too: ``resizeDocks`` and ``tabifyDockWidget``
    take effect only at the main window's next layout."""
    window.layout().activate()
    settle_layout()


def tabs_width(window, *docks):
    """The width the tab bar holding ``docks`` needs for its tabs' whole names (0: none)."""
    titles = {dock.windowTitle() for dock in docks}
    return max((bar.sizeHint().width() for bar in window.findChildren(QTabBar) if bar.isVisible()
                and titles <= {bar.tabText(i) for i in range(bar.count())}), default=0)


class Shares:
    """The docks' shares of the window as last arranged (by ``share_room``, a theme, a
    separator dragged, a dock moved): the controls' width, each other column's share of
    the rest, each dock's share of its column's height. Given back after every resize:
    Qt hands out a window's new room in proportion to the docks' sizes of the moment, so
    after a small window, clamped to the docks' least sizes, the controls took half of a
    large one."""

    def __init__(self, window):
        self.window = window
        self.arranged = None         # [[docks, top to bottom]], left to right
        self.columns = []            # [(the column's top dock, its width)]
        self.rows = []               # [[(dock, height)], top to bottom] per column of two or more

    def _arranged(self):
        """The docks in view, in columns: [[docks, top to bottom]], left to right."""
        docks = [dock for dock in self.window.findChildren(QDockWidget)
                 if dock.isVisible() and not dock.isFloating() and not dock.visibleRegion().isEmpty()]
        columns = {}
        for dock in sorted(docks, key=lambda dock: (dock.x(), dock.y())):
            left = next((x for x in columns if abs(x - dock.x()) <= SAME_COLUMN), dock.x())
            columns.setdefault(left, []).append(dock)
        return [column for _, column in sorted(columns.items())]

    def remember(self):
        """The shares as the window is arranged now, laid out."""
        lay_out(self.window)
        self.arranged = arranged = self._arranged()
        self.columns = [(column[0], column[0].width()) for column in arranged]
        self.rows = [[(dock, dock.height()) for dock in column] for column in arranged if len(column) > 1]

    def forget(self):
        """No shares to give back until remembered again (while the docks are rearranged)."""
        self.arranged = None

    def give_back(self):
        """The remembered shares at the window's new size (if the same docks are in view)."""
        if not self.arranged or self.arranged != self._arranged():
            return
        controls = [width for dock, width in self.columns if dock.objectName() == "controls"]
        total = sum(dock.width() for dock, _ in self.columns)
        rest, was = total - sum(controls), sum(width for _, width in self.columns) - sum(controls)
        if was < 1 or any(h < 1 for column in self.rows for _, h in column):
            return                              # remembered at no size: nothing to give back
        widths = [width if dock.objectName() == "controls" else round(width * rest / was)
                  for dock, width in self.columns]
        resize_docks(self.window, [dock for dock, _ in self.columns], widths, Qt.Orientation.Horizontal)
        for column in self.rows:
            height = sum(dock.height() for dock, _ in column)
            was = sum(h for _, h in column)
            resize_docks(self.window, [dock for dock, _ in column],
                         [round(h * height / was) for _, h in column], Qt.Orientation.Vertical)

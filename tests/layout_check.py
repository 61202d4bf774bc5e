"""What a window shows cut, squeezed or garbled, found by measuring its text against its
room: labels, the status bar, pyqtgraph's titles and axis labels, maps without a colour
bar, plots with too little height. Shared by the layout tests (issue 26)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QTabBar

SLACK = 2          # pixels a text may overhang its room by rounding


def _shown(widget):
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def _plain(label):
    from PySide6.QtGui import QTextDocument
    if label.textFormat() == label.textFormat().PlainText or "<" not in label.text():
        return label.text()
    document = QTextDocument()
    document.setHtml(label.text())
    return document.toPlainText()


def cut_labels(window):
    """Labels whose text does not fit the room they have."""
    found = []
    for label in window.findChildren(QLabel):
        if not _shown(label) or not label.text().strip():
            continue
        room = label.contentsRect()
        if label.wordWrap():
            if label.heightForWidth(room.width()) > room.height() + SLACK:
                found.append(f"label cut in height: {_plain(label)[:60]!r}")
        else:
            widest = max(label.fontMetrics().horizontalAdvance(line) for line in _plain(label).splitlines() or [""])
            if widest > room.width() + SLACK:
                found.append(f"label cut: {_plain(label)[:60]!r} ({widest} px in {room.width()})")
    return found


def cut_tabs(window):
    """Dock tabs whose names are elided."""
    return [f"tab elided: {bar.tabText(i)!r}" for bar in window.findChildren(QTabBar) if _shown(bar)
            for i in range(bar.count()) if bar.elideMode() != bar.elideMode().ElideNone]


def cut_plot_texts(window):
    """Plot titles and axis labels longer than their plot's side, and maps shown without
    a colour bar of their own."""
    found = []
    for widget in window.findChildren(pg.PlotWidget):
        if not _shown(widget):
            continue
        item = widget.getPlotItem()
        title = item.titleLabel
        if title.isVisible() and title.text:
            text = title.item.boundingRect().width()
            if text > item.width() + SLACK:
                found.append(f"plot title cut: {title.text[:50]!r} ({text:.0f} px in {item.width():.0f})")
        for side, along in (("left", item.height), ("bottom", item.width)):
            axis = item.getAxis(side)
            if axis.isVisible() and axis.label.isVisible() and axis.labelText:
                need = axis.label.boundingRect().width()
                if need > along() + SLACK:
                    found.append(f"{side} axis title garbled: {axis.labelText[:40]!r} ({need:.0f} px in {along():.0f})")
    return found


def maps_without_colour_bars(window):
    """Colour maps on screen with no colour bar of their own beside them."""
    found = []
    for widget in window.findChildren(pg.GraphicsLayoutWidget) + window.findChildren(pg.PlotWidget):
        if not _shown(widget):
            continue
        items = widget.scene().items()
        images = [i for i in items if isinstance(i, pg.ImageItem) and i.isVisible() and i.image is not None]
        bars = [i for i in items if isinstance(i, pg.ColorBarItem) and i.isVisible() and i.width() > 4]
        if len(bars) < len(images):
            found.append(f"{len(images)} maps and {len(bars)} colour bars in one view")
    return found


def short_plots(window, least):
    """Plots on screen with less than ``least`` pixels of height for their data."""
    found = []
    for widget in window.findChildren(pg.PlotWidget):
        if _shown(widget):
            view = widget.getPlotItem().getViewBox()
            if view.height() < least:
                found.append(f"plot squeezed: {view.height():.0f} px high in {widget.parent().objectName() or type(widget.parent()).__name__}")
    return found


def cut_texts(window):
    """Every text on screen cut, elided or garbled, and every map without its colour bar."""
    return cut_labels(window) + cut_tabs(window) + cut_plot_texts(window) + maps_without_colour_bars(window)

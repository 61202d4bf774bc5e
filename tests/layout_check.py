"""What a window shows cut, squeezed or garbled, found by measuring its text against its
room: labels, the status bar, pyqtgraph's titles and axis labels, maps without a colour
bar, plots with too little height. Shared by the layout tests (issue 26)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsView, QLabel, QTabBar

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


def _text_width(label):
    """The width the label's text needs on one line (rich text as laid out: a subscript
    is narrower than its letters)."""
    if "<" not in label.text():
        return max((label.fontMetrics().horizontalAdvance(line) for line in label.text().splitlines()), default=0)
    from PySide6.QtGui import QTextDocument
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    document.setHtml(label.text())
    return document.idealWidth()


def cut_labels(window):
    """Labels whose text does not fit the room they have."""
    found = []
    for label in window.findChildren(QLabel):
        if not _shown(label) or not label.text().strip():
            continue
        room = label.contentsRect()
        if label.wordWrap():
            if label.heightForWidth(label.width()) > label.height() + SLACK:   # (style sheets' padding)
                found.append(f"label cut in height: {_plain(label)[:60]!r}")
        else:
            widest = _text_width(label)
            if widest > room.width() + SLACK:
                found.append(f"label cut: {_plain(label)[:60]!r} ({widest} px in {room.width()})")
    return found


def cut_tabs(window):
    """Dock tabs whose names are elided, or cut or hidden by the bar's end."""
    found = []
    for bar in window.findChildren(QTabBar):
        if not _shown(bar):
            continue
        for i in range(bar.count()):
            rect = bar.tabRect(i)
            if bar.elideMode() != bar.elideMode().ElideNone:
                found.append(f"tab elided: {bar.tabText(i)!r}")
            elif rect.left() < 0 or rect.right() > bar.width():
                found.append(f"tab cut or hidden: {bar.tabText(i)!r}")
    return found


def _views(window):
    """Every pyqtgraph view on screen (its viewport covers the view itself)."""
    return [view for view in window.findChildren(QGraphicsView) if _shown(view.viewport())]


def _plots(window):
    """Every PlotItem on screen, in any pyqtgraph view."""
    for view in _views(window):                 # pyqtgraph's views are Python subclasses
        yield from (i for i in view.scene().items() if isinstance(i, pg.PlotItem) and i.isVisible())


def clipped_views(window):
    """Views shown only in part (their widget wider or taller than the room it was given),
    or whose plots are wider or taller than the view (a plot's least size beyond it)."""
    found = []
    for view in _views(window):
        port = view.viewport()
        seen = port.visibleRegion().boundingRect()
        if seen.width() < port.width() - SLACK or seen.height() < port.height() - SLACK:
            found.append(f"view cut: {seen.width()}×{seen.height()} of {port.width()}×{port.height()} shown")
        for item in view.scene().items():
            if isinstance(item, pg.PlotItem) and item.isVisible() and (
                    item.width() > port.width() + SLACK or item.height() > port.height() + SLACK):
                found.append(f"plot wider or taller than its view: {item.width():.0f}×{item.height():.0f} "
                             f"in {port.width()}×{port.height()} ({item.titleLabel.text[:30]!r})")
    return found


def cut_plot_texts(window):
    """Plot titles and axis titles longer than their plot's side."""
    found = []
    for item in _plots(window):
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
    for widget in window.findChildren(QGraphicsView):
        if not _shown(widget.viewport()):
            continue
        items = widget.scene().items()
        images = [i for i in items if isinstance(i, pg.ImageItem) and i.isVisible() and i.image is not None]
        bars = [i for i in items if isinstance(i, pg.ColorBarItem) and i.isVisible() and i.width() > 4]
        if len(bars) < len(images):
            found.append(f"{len(images)} maps and {len(bars)} colour bars in one view")
    return found


def short_plots(window, least):
    """Plots on screen with less than ``least`` pixels of height for their data."""
    return [f"plot squeezed: {item.getViewBox().height():.0f} px high ({item.titleLabel.text or item.getAxis('left').labelText!r})"
            for item in _plots(window) if item.getViewBox().height() < least]


def cut_texts(window):
    """Every text on screen cut, elided or garbled, and every map without its colour bar."""
    return (cut_labels(window) + cut_tabs(window) + cut_plot_texts(window) + clipped_views(window)
            + maps_without_colour_bars(window))

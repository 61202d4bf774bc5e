"""A panel is built once and takes every theme in place: restyled, it draws with exactly the
pens, brushes and type of a panel built in that theme (issue 25), and the inks keep their
contrast against the plots (issue 26)."""
import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from simulator import SimConfig
from ui.headless import run_frame
from ui.panels import PANELS, build
from ui.style import INKS, THEMES, apply_theme
from ui_helpers import shown

LIVE, BASELINE = SimConfig(depth=4, width=6), SimConfig(depth=4, width=6, activation="relu")


def pen_look(pen):
    pen = pg.mkPen(pen)
    if pen.style() == pg.QtCore.Qt.PenStyle.NoPen:
        return "none"
    return (pen.color().name(), pen.color().alpha(), round(pen.widthF(), 3), int(pen.style().value))


def brush_look(brush):
    if brush is None:
        return "none"
    brush = pg.mkBrush(brush)
    return (brush.color().name(), brush.color().alpha(), int(brush.style().value))


def look(panel):
    """Every drawn item's pens, brushes and type, every axis's, every label's type: what a
    theme decides in a panel, as a sorted list (items made in another order compare equal)."""
    seen = []
    for plot in panel.findChildren(pg.PlotWidget):
        seen.append(("background", plot.backgroundBrush().color().name()))
        for item in plot.scene().items():
            if not item.isVisible():
                continue
            kind = type(item).__name__
            if isinstance(item, pg.AxisItem):
                seen.append((kind, item.orientation, pen_look(item.pen()), pen_look(item.textPen()),
                             item.style["tickFont"].pointSize() if item.style["tickFont"] else None,
                             item.autoSIPrefixScale, item.labelStyle.get("font-size")))
            elif isinstance(item, pg.PlotDataItem):
                o = item.opts
                seen.append((kind, pen_look(o["pen"]), brush_look(o["symbolBrush"]) if o["symbol"] else "",
                             pen_look(o["symbolPen"]) if o["symbol"] else ""))
            elif isinstance(item, pg.InfiniteLine):
                seen.append((kind, pen_look(item.pen)))
            elif isinstance(item, pg.TextItem):
                seen.append((kind, item.color.name(), item.textItem.font().pointSizeF()))
            elif isinstance(item, pg.ScatterPlotItem) and len(item.data) == 0:
                seen.append((kind, pen_look(item.opts["pen"]), brush_look(item.opts["brush"])))
    for label in panel.findChildren(QLabel):
        seen.append(("label", label.font().pointSizeF(), label.minimumHeight(), label.styleSheet()))
    return sorted(map(repr, seen))


@pytest.mark.parametrize("name", sorted(PANELS))
@pytest.mark.parametrize("theme", ["light", "presentation"])
def test_a_restyled_panel_draws_as_one_built_in_the_theme(qtbot, name, theme, theme_restored):
    frame = run_frame(LIVE, 5, baseline=BASELINE)
    apply_theme("dark")
    restyled = shown(qtbot, build(name), (900, 600))
    restyled.show_frame(frame)
    restyled.finish()
    apply_theme(theme)
    qtbot.wait(1)              # the application's new type, as the window does
    restyled.restyle()
    restyled.show_frame(frame)
    fresh = shown(qtbot, build(name), (900, 600))
    fresh.show_frame(frame)
    fresh.finish()
    assert look(restyled) == look(fresh)


def contrast(a, b):
    """WCAG 2 contrast ratio of two colours."""
    def luminance(color):
        c = np.array(QColor(color).getRgbF()[:3])
        c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_every_ink_keeps_three_to_one_against_its_plots(theme):
    t = THEMES[theme]
    faint = {"minibatch"}                    # a faint curve by design, under the cost's own
    for role, color in t.inks.items():
        if role not in faint:
            assert contrast(color, t.background) >= 3, (theme, role, contrast(color, t.background))
    assert contrast(t.foreground, t.background) >= 4.5
    assert set(INKS["dark"]) == set(INKS["light"])

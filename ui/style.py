"""Colours and fonts: a dark theme that reads well on a projector."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsItem, QStyleFactory

BACKGROUND = "#16181d"
PANEL = "#20232a"
FOREGROUND = "#e6e6e6"
ACCENT = "#4fa3ff"

STYLE_SHEET = """
QLabel#banner {
    background: #b3261e; color: white; font-weight: bold; padding: 8px 12px;
    border-radius: 4px;
}
QGroupBox { font-weight: bold; margin-top: 12px; border: 1px solid #3a3f4b;
            border-radius: 4px; padding-top: 6px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 3px; }
QDockWidget::title { background: #2a2e37; padding: 4px; }
"""


def dark_palette():
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: PANEL, QPalette.ColorRole.WindowText: FOREGROUND,
        QPalette.ColorRole.Base: BACKGROUND, QPalette.ColorRole.AlternateBase: PANEL,
        QPalette.ColorRole.Text: FOREGROUND, QPalette.ColorRole.Button: "#2c3039",
        QPalette.ColorRole.ButtonText: FOREGROUND, QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#000000", QPalette.ColorRole.ToolTipBase: "#fffbe6",
        QPalette.ColorRole.ToolTipText: "#000000", QPalette.ColorRole.PlaceholderText: "#8a8f98",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b7079"))
    return palette


def apply_theme():
    """Set pyqtgraph's colours (before any plot is made), Fusion, the palette, the sheet."""
    # Antialiasing every curve costs more than a frame's budget in software rendering;
    # the few items that need smooth edges (the ball, the arrow) ask for it themselves.
    pg.setConfigOptions(antialias=False, background=BACKGROUND, foreground=FOREGROUND,
                        imageAxisOrder="col-major")
    app = QApplication.instance()
    app.setStyle(QStyleFactory.create("Fusion"))
    app.setPalette(dark_palette())
    app.setStyleSheet(STYLE_SHEET)


def plain_axes(plot_widget):
    """No SI prefixes on the axes (0.69 stays 0.69, not '690 (×0.001)'), and each axis
    cached as a pixmap, so that a frame that moves only the data does not redraw it."""
    for name in ("left", "bottom"):
        axis = plot_widget.getPlotItem().getAxis(name)
        axis.enableAutoSIPrefix(False)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

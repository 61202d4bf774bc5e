"""The Help menu: "What am I looking at?", one short paragraph per panel in the lecture's
words (each panel's ``help``), then the diagnosis line and the controls; and About, with
the versions the lab runs on.
"""
from __future__ import annotations

import platform

import numpy as np
import pyqtgraph as pg
import PySide6
from PySide6.QtCore import QObject, Qt, qVersion
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout

from .panels import PANELS
from .widgets import typeset

TITLE = "What am I looking at?"

WHAT_ELSE = {       # beside the panels' own paragraphs (``Panel.help``)
    "diagnosis": "The line under the toolbar says what is happening to the run, and the "
                 "panels say the same: exploded, launched off the map, dead units (ReLUs that "
                 "output 0 on every sample), saturated units, an exploding or vanishing "
                 "gradient, a plateau, or learning. Where one change of a control helps, its "
                 "button makes the change and starts the run again.",
    "recurrent mode": "Over time (the Recurrent box): one hidden layer of Width units reads "
                      "T symbols, one per time step, with the same weights W at every step, "
                      "and must answer with the first symbol it read. Backpropagation through "
                      "time multiplies the error by one step Jacobian diag(φ'(u_t)) Wᵀ per "
                      "step back, so every panel shows time steps where it showed layers: time "
                      "step 1 read the first symbol, the last entry is the output. ρ, the "
                      "largest |eigenvalue| of W, sets the size of those factors (Bengio, "
                      "Simard and Frasconi 1994; Hochreiter 1991).",
    "controls": "The knobs of the network and the remedies. Depth adds factors to the "
                "product; σw and the activation set their size (χ per layer). The remedies: "
                "ReLU with He initialisation keeps χ = 1; batch normalisation keeps units out "
                "of saturation; residual connections let the error flow back along the "
                "identity; gradient clipping tames the cliffs of exploding gradients; Adam "
                "rescales each weight's step, which hides a vanishing gradient rather than "
                "curing it. Play, Step and Reset (Space, S, R) are in the toolbar; Ctrl+Z undoes a "
                "change of the settings (a slider drag, a preset, a setup), Ctrl+Shift+Z "
                "redoes it.",
}


def guide_html():
    """Every panel's paragraph under its title, then the diagnosis and the controls, notation
    typeset."""
    paragraphs = [(panel.title, panel.help) for panel in PANELS.values()] + [
        (name[0].upper() + name[1:], text) for name, text in WHAT_ELSE.items()]
    return "".join(f"<h3>{title}</h3><p>{typeset(text)}</p>" for title, text in paragraphs)


def versions():
    """(name, version) of what the lab runs on."""
    return (("Python", platform.python_version()), ("Qt", qVersion()), ("PySide6", PySide6.__version__),
            ("pyqtgraph", pg.__version__), ("NumPy", np.__version__))


def about_text():
    listed = "<br>".join(f"{name} {version}" for name, version in versions())
    return ("<b>Vanishing Gradient Lab</b><p>Why deep networks learn slowly, or not at all: "
            f"the chain rule, seen while it happens.</p><p>{listed}</p>")


class HelpMenu(QObject):
    """The Help menu of ``window`` (a QMainWindow); the guide and About open without
    blocking the window, which keeps playing."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.guide = None
        menu = window.menuBar().addMenu("&Help")
        for text, slot in ((TITLE, self.show_guide), ("About", self.show_about)):
            action = QAction(text, window)
            action.triggered.connect(slot)
            menu.addAction(action)

    def show_guide(self):
        if self.guide is None:
            self.guide = QDialog(self.window)
            self.guide.setWindowTitle(TITLE)
            text = QTextBrowser()
            text.setHtml(guide_html())
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
            buttons.rejected.connect(self.guide.close)
            layout = QVBoxLayout(self.guide)
            layout.addWidget(text)
            layout.addWidget(buttons)
            self.guide.resize(620, 640)
        self.guide.show()                     # a dialog of the window: it stays on top of it

    def show_about(self):
        box = QMessageBox(QMessageBox.Icon.NoIcon, "About the Vanishing Gradient Lab", about_text(),
                          QMessageBox.StandardButton.Ok, self.window)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

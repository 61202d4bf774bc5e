"""The Help menu: "What am I looking at?", one short paragraph per panel in the lecture's
words, and About, with the versions the lab runs on.

The paragraphs are keyed by the panels' names in ``PANELS`` (a test checks that every
panel has one); "controls" explains the knobs and the remedies.
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

WHAT_YOU_SEE = {
    "surface": "The cost C over a flat slice through the weights: a moves layer 1's weights, "
               "b the output layer's, both along fixed random directions. The ball is the "
               "network: where its weights are along a and b. Every training step moves it, its "
               "trail is where the network has been, and the arrow is the network's own "
               "gradient, pointing downhill, as long as the slope is steep. A plateau runs flat "
               "along a: layer 1's slope is tiny, so gradient descent barely moves it, while a "
               "healthy network sits in a bowl that slopes both ways. Exploding gradients make "
               "cliffs: one step launches the ball off the map. As the network trains it leaves "
               "the slice (its other layers move), so the slice is taken again through it; the "
               "note under the map says from which step, and the map's and the network's cost "
               "under the ball. A click on the map starts the probe, a hollow ball that learns "
               "only a and b on this slice: what if only those two layers learned. The 3-D tab "
               "shows the same slice as a landscape.",
    "bars": "How fast each layer learns: ‖∂C/∂b^l‖, the size of the gradient for the biases "
            "of layer l, first layer on the left. Backpropagation multiplies the error by "
            "one factor per layer on its way back (the chain rule), so a factor below 1 "
            "makes the early bars vanish and a factor above 1 makes them explode. "
            "On a log axis every factor of ten is one step of height.",
    "loss": "The cost C, on the minibatch (grey), the training set and the held-out test set, "
            "against the training steps. A long flat stretch is a plateau: the early layers "
            "barely learn until their gradient grows.",
    "speed": "Each layer's speed of learning, ‖∂C/∂b^l‖, over the whole run (Nielsen, ch. 5): "
             "the early layers' curves run orders of magnitude below the late ones for as "
             "long as the gradient vanishes.",
    "chain": "Layer 1's error δ^1 is the output's error δ^L passed back through every layer: "
             "δ^(l-1) = (w^l)ᵀ δ^l ⊙ σ'(z^(l-1)). Each bar is one layer's factor f^l, the line "
             "their running product P^l. For the sigmoid σ' ≤ 1/4 (the red line), so with "
             "weights of size about 1 every factor is small and the product falls "
             "geometrically: the vanishing gradient.",
    "activation": "The activation φ and its slope φ', with the histogram of φ'(z) over the "
                  "units inside the network. Where φ saturates (large |z|) the slope is near "
                  "0 and the unit passes almost no error back; the sigmoid's slope is never "
                  "more than 1/4, ReLU's is 1 on every active unit.",
    "decision": "What the network has learned: the 2-D data points over the network's output "
                "on the plane (filled: training points, rings: test points). On the "
                "handwritten digits, test images under the labels the network predicts (wrong "
                "ones in red), or the confusion matrix of true against predicted digits.",
    "phase": "Measured at initialisation over depth and σw: layer 1's error over the "
             "output's, ‖δ^1‖/‖δ^L‖. Blue: it vanishes, red: it explodes. The line is the "
             "theory's edge of chaos, χ = σw²·E[φ'(z)²] = 1, where the gradient keeps its "
             "size through any depth; the cross marks the network now.",
    "diagnosis": "The line under the toolbar says what is happening to the run, and the "
                 "panels say the same: exploded, launched off the map, dead units (ReLUs that "
                 "output 0 on every sample), saturated units, an exploding or vanishing "
                 "gradient, a plateau, or learning. Where one change of a control helps, its "
                 "button makes the change and starts the run again.",
    "controls": "The knobs of the network and the remedies. Depth adds factors to the "
                "product; σw and the activation set their size (χ per layer). The remedies: "
                "ReLU with He initialisation keeps χ = 1; batch normalisation keeps units out "
                "of saturation; residual connections let the error flow back along the "
                "identity; gradient clipping tames the cliffs of exploding gradients; Adam "
                "rescales each weight's step, which hides a vanishing gradient rather than "
                "curing it. Play, Step and Reset (Space, S, R) are in the toolbar.",
}


def guide_html():
    """Every paragraph under its panel's title, notation typeset."""
    titles = {name: panel.title for name, panel in PANELS.items()} | {"controls": "Controls",
                                                                     "diagnosis": "Diagnosis"}
    return "".join(f"<h3>{titles[name]}</h3><p>{typeset(text)}</p>" for name, text in WHAT_YOU_SEE.items())


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

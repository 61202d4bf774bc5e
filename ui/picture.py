"""Pictures made off screen: a widget laid out at a size of its own (``OffScreen``), and a
panel as a picture: the plot and a caption naming what is shown, without the panel's view
controls (drop-downs, tabs, check boxes), which mean nothing on a slide.

A panel lists its view controls in ``view_controls()`` and says what they show in
``picture_caption()`` ("‖∂C/∂b‖ per layer, log scale"), both part of the Panel contract;
the caption adds the run: the preset's name (or the network's shape) and the step, and,
beside a baseline, what differs from it. A picture from the window at a size of its own is
made with a new panel given the shown one's ``view_state`` (``panel_picture``).
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from simulator import SimConfig, load_presets
from simulator.compare import brief, difference, shape

from .export import render
from .panels import Panel, build, dispose
from .style import heading

CAPTION = "picture_caption"


def run_name(config):
    """The preset ``config`` is, or its network in a few words, what differs from the
    defaults first: 'depth 10 × width 16, residual·sigmoid·scaled_normal·σw 0.5'."""
    for preset in load_presets().values():
        if preset.config == config:
            return preset.name
    sized = replace(SimConfig(), depth=config.depth, width=config.width, time_steps=config.time_steps)
    return f"{shape(config)}, {brief(config, sized)}"           # the size said once


def caption(panel, snapshot, baseline=None):
    """'Gradient bars: ‖∂C/∂b‖ per layer, log scale · Deep sigmoid (vanishing) · step 300',
    and beside a ``baseline`` Snapshot ' · against the baseline: no batch norm → batch norm'."""
    shown = panel.picture_caption()
    what = f"{panel.title}: {shown}" if shown else panel.title
    text = f"{what}  ·  {run_name(snapshot.config)}  ·  step {snapshot.step:,}"
    if baseline is not None:
        text += f"  ·  against the baseline: {difference(snapshot.config, baseline.config)}"
    return text


def show_picture(panel, frame):
    """Show ``frame`` in ``panel`` completely, as a picture: view controls hidden, a caption
    on top."""
    panel.show_frame(frame)
    panel.finish()
    for control in panel.view_controls():
        control.hide()
    label = panel.findChild(QLabel, CAPTION)
    if label is None:
        label = heading(QLabel(), 1.1, bold=True)
        label.setObjectName(CAPTION)
        label.setWordWrap(True)
        panel.layout().insertWidget(0, label)
    label.setText(caption(panel, frame.snapshot, frame.baseline))



class OffScreen:
    """``widget`` (the whole window, or a panel) laid out at ``size``: shown, so Qt lays it
    out and its panels draw as on screen, but never on the screen itself
    (WA_DontShowOnScreen)."""

    def __init__(self, widget, size):
        self.app = QApplication.instance()
        self.widget, self.size = widget, size
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        widget.resize(*size)
        widget.show()
        self.app.processEvents()

    def show(self, frame):
        """Show ``frame`` completely: nothing a panel would draw later is left out."""
        if isinstance(self.widget, Panel):
            show_picture(self.widget, frame)
        else:
            self.widget.show_frame(frame, complete=True)
        for _ in range(3):
            self.app.processEvents()

    def grab(self, scale=1):
        """The picture, exactly ``size`` × ``scale`` (a window whose controls cannot shrink
        that far, as with presentation type, is cut at the right edge rather than scaled)."""
        return render(self.widget, scale, self.size)

    def close(self):
        self.widget.close()
        if isinstance(self.widget, Panel):
            dispose(self.widget)
        else:
            self.widget.deleteLater()
        self.app.processEvents()


def panel_picture(frame, name, size, scale=1, view=None):
    """A QImage of a new panel ``name`` laid out at ``size`` showing ``frame``, with the
    reader's ``view`` choices, in the current theme."""
    canvas = OffScreen(build(name, view), size)
    try:
        canvas.show(frame)
        return canvas.grab(scale)
    finally:
        canvas.close()

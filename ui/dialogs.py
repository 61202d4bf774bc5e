"""The Export picture and Record dialogs: what to picture, and how."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QHBoxLayout, QSpinBox)

from .export import SCALES, svg_refusal


def _targets(docks):
    combo = QComboBox()
    combo.addItem("Whole window", "window")
    for name, dock in docks.items():
        combo.addItem(dock.windowTitle(), name)
    return combo


def _buttons(dialog, form):
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)


class ExportDialog(QDialog):
    """Target, format (PNG or SVG), and a scale (1×, 2×, 4×) or an exact size."""

    def __init__(self, docks, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Export picture")
        form = QFormLayout(self)
        self.target = _targets(docks)
        self.format = QComboBox()
        self.format.addItems(["png", "svg"])
        refusal = svg_refusal()
        if refusal is None:
            self.format.setToolTip("SVG is vector graphics for one panel's plot, where pyqtgraph "
                                   "can export it; the dialog says so where it cannot.")
        else:                                   # offered, it would fail on every panel
            self.format.model().item(1).setEnabled(False)
            self.format.setToolTip(f"SVG is not available here: {refusal}")
        self.scale = QComboBox()
        for s in SCALES:
            self.scale.addItem(f"{s}×", s)
        self.use_size = QCheckBox("exact size")
        self.width_box, self.height_box = QSpinBox(), QSpinBox()
        for box, value in ((self.width_box, 1600), (self.height_box, 900)):
            box.setRange(50, 8000)
            box.setValue(value)
        size = QHBoxLayout()
        for widget in (self.use_size, self.width_box, self.height_box):
            size.addWidget(widget)
        form.addRow("Picture", self.target)
        form.addRow("Format", self.format)
        form.addRow("Scale", self.scale)
        form.addRow("Size", size)
        _buttons(self, form)

    def choice(self):
        size = (self.width_box.value(), self.height_box.value()) if self.use_size.isChecked() else None
        return self.target.currentData(), self.format.currentText(), self.scale.currentData(), size


class RecordDialog(QDialog):
    """Target, frame rate and the longest duration of a recording (GIF or MP4, chosen by
    the file name next)."""

    def __init__(self, docks, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Record GIF or MP4")
        form = QFormLayout(self)
        self.target = _targets(docks)
        self.target.setCurrentIndex(1)
        self.fps = QSpinBox()
        self.fps.setRange(1, 30)
        self.fps.setValue(10)
        self.seconds = QDoubleSpinBox()
        self.seconds.setRange(0.5, 120.0)
        self.seconds.setValue(10.0)
        self.seconds.setSuffix(" s")
        form.addRow("Record", self.target)
        form.addRow("Frames per second", self.fps)
        form.addRow("At most", self.seconds)
        _buttons(self, form)

    def choice(self):
        return self.target.currentData(), self.fps.value(), self.seconds.value()

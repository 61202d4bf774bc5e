"""The diagnosis line under the toolbar: what is happening to the run, in words, with the
one change of a control that helps as a button (simulator/diagnosis.py decides all of it).

It sits in the window's layout, never over a panel; red for an alarm, amber for a
warning, plain when the run learns. Beside a baseline it says the baseline's state too,
named as such. The × hides the message until the run's state changes (``wanted``: the
window hides the toolbar that holds it, as a toolbar shows and hides its widgets itself).
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from .style import DIAGNOSIS_STYLES, current


class DiagnosisBar(QWidget):
    """One diagnosis (and a baseline's) with its remedy's button and a dismiss button."""

    remedy_chosen = Signal(object)           # the live run's Remedy
    wanted = Signal(bool)                    # shown, or dismissed (a toolbar holding it hides)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)   # its colour, by severity
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAccessibleName("what is happening to the run")
        self.remedy = QPushButton()
        self.remedy.clicked.connect(self._chosen)
        self.dismiss = QToolButton()
        self.dismiss.setText("×")
        self.dismiss.setToolTip("Hide this message until the run's state changes")
        self.dismiss.setAccessibleName("hide the diagnosis")
        self.dismiss.clicked.connect(self._dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(self.text, 1)
        row.addWidget(self.remedy)
        row.addWidget(self.dismiss)
        self._remedy = None
        self._key = self._dismissed = None
        self._severity = None
        self._wanted = True
        self._alert = self._shown = None

    def alert(self, text, action="", act=None, severity="alarm", only=None):
        """Say ``text`` about the lab itself (an engine that does not answer: an alarm;
        work under way: a warning) in place of the diagnosis, with a button ``action`` that
        calls ``act``; None: the diagnosis again (``only``: if what is said is of that
        severity)."""
        if text is None:
            if self._alert is not None and only in (None, self._alert[3]):
                self._alert = None
                if self._shown is not None:
                    self.show_diagnoses(*self._shown)
            return
        self._alert = (text, action, act, severity)
        self.text.setText(text)
        self._look(severity)
        self.remedy.setText(action)
        self.remedy.setVisible(bool(action))
        self._want(True)
        self.updateGeometry()

    def _chosen(self):
        if self._alert is not None:
            self._alert[2]()
        else:
            self.remedy_chosen.emit(self._remedy)

    def _look(self, severity):
        theme = current()          # a style sheet keeps the type and the ink it was set with
        look = (severity, theme.name, theme.font_pt)
        if look != self._severity:
            self._severity = look
            self.setStyleSheet(DIAGNOSIS_STYLES[severity] + f" QLabel {{ font-size: {theme.font_pt}pt; }}")
            self.text.ensurePolished()
            self.updateGeometry()

    def show_diagnoses(self, live, baseline=None, baseline_name=""):
        """Show the live run's Diagnosis (and the baseline's, named ``baseline_name``)."""
        self._shown = (live, baseline, baseline_name)
        if self._alert is not None:
            return
        key = (live.kind, live.headline, None if baseline is None else (baseline.kind, baseline.headline))
        self._key = key
        lines = [live.text]
        if baseline is not None:                # its state and its measure; the advice is the live run's
            lines.append(f"Baseline ({baseline_name}): {baseline.headline}: {baseline.sentence}")
        text = "\n".join(lines)
        if text != self.text.text():
            self.text.setText(text)
            self.updateGeometry()
        severity = max((d.severity for d in (live, baseline) if d is not None),
                       key=("ok", "warning", "alarm").index)
        self._look(severity)
        self._remedy = live.remedy
        self.remedy.setVisible(live.remedy is not None)
        if live.remedy is not None and self.remedy.text() != live.remedy.label:
            self.remedy.setText(live.remedy.label)
            self.remedy.setToolTip(f"{live.remedy.label}: change it and start the run again")
        if key != self._dismissed:
            self._dismissed = None            # the state changed: its next dismissal is new
        self._want(key != self._dismissed)

    def sizeHint(self):
        """As high as its words need at the width it has, and two lines at least, so that a
        message of one line or two moves nothing (a toolbar asks a wrapped label for the
        height of a narrow guess at its width: three or four lines' room for one)."""
        hint = super().sizeHint()
        lines = 2 * self.text.fontMetrics().lineSpacing()
        width = self.text.width() if self.text.width() > 100 else max(hint.width() - 200, 200)
        margins = self.layout().contentsMargins()
        hint.setHeight(max(lines, self.text.heightForWidth(width)) + margins.top() + margins.bottom())
        return hint

    def minimumSizeHint(self):
        """As narrow as its layout allows (the words wrap), as high as ``sizeHint``: a long
        diagnosis on one line had set the window's least width (1,329 px in presentation
        type, wider than a 1280 × 720 projector)."""
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()               # the words wrap anew

    def _dismiss(self):
        self._dismissed = self._key
        self._want(False)

    def _want(self, shown):
        if shown != self._wanted:
            self._wanted = shown
            self.wanted.emit(shown)

"""The main window: controls on the left, panels in docks, a status bar.

Frames arrive from the worker thread as queued signals; the window keeps only the
newest and paints it on its own timer, at most once per display frame, so a slow
paint drops stale frames instead of queueing them.
"""
from __future__ import annotations

import gc
import time

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (QDockWidget, QLabel, QMainWindow, QScrollArea, QSizePolicy,
                               QToolBar, QWidget)

from simulator import SimConfig

from .controls import ControlPanel
from .panels.activation import ActivationPanel
from .panels.bars import GradientBarsPanel
from .panels.chain import ChainRulePanel
from .panels.decision import DecisionBoundaryPanel
from .panels.loss import LossPanel
from .panels.phase import PhaseDiagramPanel
from .panels.speed import LearningSpeedPanel
from .panels.surface import SurfacePanel
from .style import apply_theme
from .widgets import on_screen
from .worker import EngineThread

PAINT_MS = 16
PANELS = {                       # name (for --panel and View menu) → panel class
    "surface": SurfacePanel, "bars": GradientBarsPanel, "loss": LossPanel,
    "speed": LearningSpeedPanel, "chain": ChainRulePanel, "activation": ActivationPanel,
    "decision": DecisionBoundaryPanel, "phase": PhaseDiagramPanel,
}


class MainWindow(QMainWindow):
    """The lab. ``settings``: where geometry and the last config persist (QSettings)."""

    def __init__(self, config=None, settings=None, engine=True):
        """``engine=False`` builds the window without a worker thread: frames are then
        handed to ``show_frame`` by the caller (headless rendering)."""
        super().__init__()
        self.setWindowTitle("Vanishing Gradient Lab")
        self.settings = settings if settings is not None else QSettings("VanishingGradientLab", "lab")
        config = config or self._saved_config() or SimConfig()
        apply_theme()

        self.controls = ControlPanel(config)
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(290)
        controls_dock = QDockWidget("Controls")
        controls_dock.setObjectName("controls")
        controls_dock.setWidget(scroll)
        controls_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, controls_dock)

        self.banner = QLabel()                 # the diverged message, across the top
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.banner_bar = QToolBar("Messages")
        self.banner_bar.setObjectName("messages")
        self.banner_bar.setMovable(False)
        self.banner_bar.addWidget(self.banner)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner_bar)
        self.banner_bar.hide()
        empty = QWidget()                      # the docks are the window: no central widget
        empty.setMaximumSize(0, 0)
        self.setCentralWidget(empty)

        self.panels = {name: make() for name, make in PANELS.items()}
        self.docks = {}
        for name, panel in self.panels.items():
            dock = QDockWidget(panel.title)
            dock.setObjectName(name)
            dock.setWidget(panel)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            dock.visibilityChanged.connect(lambda shown, p=panel: self._catch_up(p, shown))
            self.docks[name] = dock
        d = self.docks
        self.splitDockWidget(d["surface"], d["bars"], Qt.Orientation.Horizontal)
        self.splitDockWidget(d["bars"], d["loss"], Qt.Orientation.Vertical)
        for first, second in (("surface", "decision"), ("surface", "activation"), ("bars", "chain"),
                              ("bars", "phase"), ("loss", "speed")):
            self.tabifyDockWidget(d[first], d[second])
        for name in ("surface", "bars", "loss"):
            d[name].raise_()
        self._build_menu()

        self.status = {key: QLabel() for key in ("step", "cost", "rate", "fps")}
        for key, width in (("step", 110), ("cost", 230), ("rate", 120), ("fps", 100)):
            self.status[key].setMinimumWidth(width)    # a changing number must not relayout
            self.statusBar().addPermanentWidget(self.status[key])

        self.engine = EngineThread(config) if engine else None
        if engine:
            worker = self.engine.worker
            worker.frame_ready.connect(self._receive)
            self.controls.config_changed.connect(worker.set_config)
            self.controls.play_toggled.connect(worker.set_playing)
            self.controls.step_requested.connect(worker.step_once)
            self.controls.reset_requested.connect(worker.reset)
            self.controls.speed_changed.connect(worker.set_steps_per_frame)
            self.panels["surface"].drop_requested.connect(worker.drop_ball)
        for key, slot in ((Qt.Key.Key_Space, self.toggle_play), (Qt.Key.Key_S, self.controls.step_requested.emit),
                          (Qt.Key.Key_R, self.controls.reset_requested.emit)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
            shortcut.activated.connect(slot)

        self.latest = None            # newest Frame, not yet painted
        self.painted = None           # the Frame on screen
        self.frames_painted = 0
        self._fps_clock = (time.monotonic(), 0)
        self.paint_timer = QTimer(self)
        self.paint_timer.setInterval(PAINT_MS)
        self.paint_timer.timeout.connect(self.paint)
        self.paint_timer.start()
        self._restore_geometry()
        # A full garbage collection over the thousands of objects Qt and pyqtgraph made
        # stops both threads for 30-40 ms: a visible stall. Freezing what exists now takes
        # them out of every later collection.
        gc.collect()
        gc.freeze()

    # ----------------------------------------------------------------- menus
    def _build_menu(self):
        view = self.menuBar().addMenu("&View")
        for name, dock in self.docks.items():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        for name, dock in self.docks.items():
            action = QAction(f"Show only {dock.windowTitle()}", self)
            action.triggered.connect(lambda _=False, n=name: self.show_only(n))
            view.addAction(action)
        show_all = QAction("Show all panels", self)
        show_all.triggered.connect(self.show_all)
        view.addAction(show_all)

    def show_only(self, name):
        """Hide every panel but one: a clean screenshot of a single panel."""
        for other, dock in self.docks.items():
            dock.setVisible(other == name)

    def show_all(self):
        for dock in self.docks.values():
            dock.setVisible(True)

    def _catch_up(self, panel, shown):
        """A panel that comes into view shows the frame on screen at once."""
        if shown and self.painted is not None:
            QTimer.singleShot(0, lambda: panel.show_frame(self.painted))   # once it is laid out

    def toggle_play(self):
        self.controls.set_playing(not self.controls.play_button.isChecked())

    # ----------------------------------------------------------------- frames
    def _receive(self, frame):
        self.latest = frame            # older unpainted frames are simply dropped

    def paint(self):
        """Show the newest frame, if there is one not shown yet."""
        frame, self.latest = self.latest, None
        if frame is not None:
            self.show_frame(frame)

    def show_frame(self, frame, complete=False):
        """Show one frame in every panel and the status bar (``complete``: also the parts
        that are normally redrawn less often, for an exported picture)."""
        snapshot = frame.snapshot
        for panel in self.panels.values():
            if complete or on_screen(panel):           # tabs behind others catch up when shown
                panel.show_frame(frame)
            if complete and hasattr(panel, "throttle"):
                panel.throttle.flush()
        self.banner.setText(snapshot.diverged or "")
        self.banner_bar.setVisible(snapshot.diverged is not None)
        message = snapshot.diverged.split(":")[0] + ": see the message above" if snapshot.diverged else ""
        if message != self.statusBar().currentMessage():
            self.statusBar().showMessage(message)
        self.status["step"].setText(f"step {snapshot.step:,}")
        self.status["cost"].setText(f"cost {snapshot.train_loss:.4g}  (test {snapshot.test_loss:.4g})")
        self.status["rate"].setText(f"{frame.steps_per_second:,.0f} steps/s" if frame.playing else "paused")
        self.painted = frame
        self.frames_painted += 1
        start, count = self._fps_clock
        now = time.monotonic()
        if now - start >= 1.0:
            self.status["fps"].setText(f"{(self.frames_painted - count) / (now - start):.0f} frames/s")
            self._fps_clock = (now, self.frames_painted)

    # ----------------------------------------------------------------- settings
    def _saved_config(self):
        text = self.settings.value("config")
        if not text:
            return None
        try:
            return SimConfig.from_json(str(text))
        except ValueError:
            return None                # a config from an older version: start from defaults

    def _restore_geometry(self):
        geometry, state = self.settings.value("geometry"), self.settings.value("state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 860)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def closeEvent(self, event):
        self.paint_timer.stop()
        if self.engine is not None:
            self.engine.shutdown()
        self.panels["phase"].shutdown()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("state", self.saveState())
        self.settings.setValue("config", self.controls.config.to_json())
        self.settings.sync()
        super().closeEvent(event)

"""The main window: controls on the left, panels in docks, menus, a status bar, themes.

Frames arrive from the engine process (``Engine.frame_ready``); the window keeps only the
newest and paints it, one panel per event-loop turn, so a slow paint drops stale frames
instead of queueing them. The File menu and what it does (pictures, recordings, setups)
are the lecture tools' (``lecture.py``).
"""
from __future__ import annotations

import time

from PySide6.QtCore import QByteArray, QEvent, QRect, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea, QTabBar, QToolBar, QWidget

from simulator import SimConfig
from simulator.compare import brief, shape, versus

from . import collector
from .chores import chores
from .controls import ControlPanel
from .drawing import draw_once, hold, settle_layout
from .engine import Engine
from .card_view import CardsMenu
from .guide import HelpMenu
from .history import History
from .state import LabState
from .lecture import LectureTools
from .panels import PANELS, build
from .style import THEMES, apply_theme, controls_style, forget_old_symbols, restyle
from .diagnosis_bar import DiagnosisBar
from .docking import Shares, lay_out, share_room
from .widgets import Field, on_screen

PAINT = 0.016          # seconds: a display frame, the least time between two paints
FIRST_SHARE = 0.9              # the first start opens the window at this share of the screen
STATUS_WIDEST = {"state": "", "versus": "", "step": "step 100,000", "cost": "cost 0.0000  (test 0.0000)",
                 "rate": "1,000 steps/s", "fps": "100 frames/s"}    # the status bar's fields
LECTURERS_FIELDS = ("versus", "rate", "fps")      # not shown in presentation mode
TAB_PT = 11                                       # the dock tabs' type, at most,
TAB_LEAST_PT = 9                                  # and at least, where its names need less


def first_geometry(screen):
    """The window's rectangle at the first start: FIRST_SHARE of the available ``screen``
    (a QRect) in each direction, centred on it."""
    rect = QRect(0, 0, round(screen.width() * FIRST_SHARE), round(screen.height() * FIRST_SHARE))
    rect.moveCenter(screen.center())
    return rect


def _changes(shown, frame):
    """Whether ``frame`` shows another run than ``shown``: another config or baseline, or
    the run begun again (a reset)."""
    before, now = shown.snapshot, frame.snapshot
    baselines = [f.baseline and f.baseline.config for f in (shown, frame)]
    return before.config != now.config or now.step < before.step or baselines[0] != baselines[1]


class MainWindow(QMainWindow):
    """The lab. ``settings``: where geometry and the last config persist (QSettings)."""

    def __init__(self, config=None, settings=None, engine=True, theme=None, baseline=None, view=None):
        """``engine=False`` builds the window without an engine process: frames are then
        handed to ``show_frame`` by the caller (headless rendering). ``theme``: dark,
        light or presentation (default: the last one used). ``baseline``: a config to
        train beside the run from the start.  ``view``: the panels' view
        choices (a saved setup's ``view``)."""
        super().__init__()
        self.setWindowTitle("Vanishing Gradient Lab")
        self.settings = settings if settings is not None else QSettings("VanishingGradientLab", "lab")
        saved_theme = str(self.settings.value("theme", "dark"))
        self.theme = theme or (saved_theme if saved_theme in THEMES else "dark")
        self.state = LabState(config or self._saved_config() or SimConfig(), baseline,
                              dict(view or {}, theme=self.theme))
        self._before_presentation = ("dark", None, None, Qt.WindowState.WindowNoState)
        #                          theme, layout, size, window state before F5
        self._shown_once = False
        self.shares = Shares(self)
        self._share_again = False
        self.controls_folded = True                # in presentation mode (C unfolds them)
        apply_theme(self.theme)

        self.controls = ControlPanel(self.state)
        self.controls.setStyleSheet(controls_style())
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        self._fit_controls(scroll)
        controls_dock = QDockWidget("Controls")
        controls_dock.setObjectName("controls")
        controls_dock.setWidget(scroll)
        controls_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, controls_dock)
        controls_dock.visibilityChanged.connect(lambda _: self._rearranged())

        run_bar = QToolBar("Run")              # Play, Step, Reset, the speed: seen first
        run_bar.setObjectName("run")
        run_bar.setMovable(False)
        run_bar.addWidget(self.controls.run_bar)
        self.controls.run_bar.setStyleSheet(controls_style())   # the controls' type, as the column
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, run_bar)
        self.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        self.diagnosis = DiagnosisBar()        # what is happening, under the Run bar
        self.diagnosis.remedy_chosen.connect(self.apply_remedy)
        diagnosis_bar = QToolBar("Diagnosis")
        diagnosis_bar.setObjectName("diagnosis")
        diagnosis_bar.setMovable(False)
        diagnosis_bar.addWidget(self.diagnosis)
        self.diagnosis.wanted.connect(diagnosis_bar.setVisible)     # a toolbar hides its widgets itself
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, diagnosis_bar)
        for bar in (run_bar, diagnosis_bar):   # a bar shown, hidden or grown takes the docks' room
            bar.installEventFilter(self)
        empty = QWidget()                      # the docks are the window: no central widget
        empty.setMaximumSize(0, 0)
        self.setCentralWidget(empty)

        self.panels = {name: build(name, view) for name in PANELS}
        self.docks = {}
        for name, panel in self.panels.items():
            self.docks[name] = self._dock(name, panel)
            for signal, edit in panel.requests.items():
                getattr(panel, signal).connect(getattr(self.state, edit))
            self.state.set_view(panel.view_state())
            panel.view_changed.connect(lambda p=panel: self.state.set_view(p.view_state()))
        for name, panel in self.panels.items():
            self.docks[name].setVisible(panel.at_start)
        self.first_layout = self.saveState()      # which dock is where, for share_room
        self._build_menu()

        self.status = {key: Field(widest) for key, widest in STATUS_WIDEST.items()}
        for field in self.status.values():
            self.statusBar().addPermanentWidget(field)
        self._lecturers_fields()

        self.state.set_needs(self._needs())
        self.state.listen(self._follow)
        self.engine = Engine(self.state) if engine else None
        self._shut_down = False
        if engine:
            collector.hold()          # as main() does, for windows made elsewhere (tests)
            self.engine.frame_ready.connect(self._receive)
            self.engine.stopped.connect(self.lecture.report)
            self.engine.refused.connect(self._refused)
            self.engine.failed.connect(self._failed)
            self.engine.answering.connect(self._answering)
            self.engine.working.connect(self._working)
        for key, slot in ((Qt.Key.Key_Escape, self._escape), (Qt.Key.Key_C, self.toggle_controls),
                          (Qt.Key.Key_Space, self.toggle_play), (Qt.Key.Key_S, self.state.step_once),
                          (Qt.Key.Key_R, self.state.reset), (Qt.Key.Key_B, self.state.pin_baseline)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
            shortcut.activated.connect(slot)

        self.latest = None            # newest Frame, not yet painted
        self._last_paint = 0.0
        self.painted = None           # the Frame on screen
        self.frames_painted = 0
        self._fps_clock = (time.monotonic(), 0)
        self._round = []                  # names of the panels still to draw _round_frame
        self._round_frame = None
        self._pieces = []                 # what is left of the first one's passes (Panel.passes)
        self._restore_geometry()

    # ----------------------------------------------------------------- menus
    def _build_menu(self):
        self.lecture = LectureTools(self)          # the File menu
        self._edit_menu()
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
        reset = QAction("Reset layout", self)
        reset.triggered.connect(self.reset_layout)
        view.addAction(reset)
        view.addSeparator()
        for name in ("dark", "light"):
            action = QAction(f"{name.capitalize()} theme", self)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            view.addAction(action)
        fold = QAction("Fold or unfold the controls\tC", self)
        fold.triggered.connect(self.toggle_controls)
        view.addAction(fold)
        presentation = QAction("Presentation mode", self)
        presentation.setShortcut(QKeySequence(Qt.Key.Key_F5))
        presentation.triggered.connect(self.toggle_presentation)
        view.addAction(presentation)
        self.cards = CardsMenu(self)
        self.help = HelpMenu(self)

    def _edit_menu(self):
        """Edit ▸ Undo and Redo of the settings (``History``), named by what they do."""
        edit = self.menuBar().addMenu("&Edit")
        self.undo_action, self.redo_action = QAction(self), QAction(self)
        for action, keys in ((self.undo_action, ("Ctrl+Z",)), (self.redo_action, ("Ctrl+Shift+Z", "Ctrl+Y"))):
            action.setShortcuts([QKeySequence(key) for key in keys])
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            edit.addAction(action)

        def named():
            for action, verb, words in ((self.undo_action, "Undo", self.history.undo_words()),
                                        (self.redo_action, "Redo", self.history.redo_words())):
                action.setText(verb if words is None else f"{verb} {words}".replace("&", "&&"))
                action.setEnabled(words is not None)
        self.history = History(self.state, named)
        self.undo_action.triggered.connect(self.history.undo)
        self.redo_action.triggered.connect(self.history.redo)
        named()

    def show_only(self, name):
        """Hide every panel but one: a clean screenshot of a single panel. The panels are
        drawn once the window is laid out (``drawing.hold``), not at each round of it."""
        hold(self.panels.values())
        for other, dock in self.docks.items():
            dock.setVisible(other == name)

    def show_all(self):
        """Every panel back, with the room of a first start: shown where they were and left
        at that, they came back squashed after "Show only" (a plot with no room left). Drawn
        only at the room they end with (``drawing.hold``): drawn at each round of the layout,
        they took 80-120 ms in one pass."""
        hold(self.panels.values())
        for dock in self.docks.values():
            dock.setVisible(True)
        self.share_room()

    def reset_layout(self):
        """The layout of a first start, whatever was moved, floated, closed or tabbed since
        (in presentation mode, its own: the controls folded, the curves behind the bars)."""
        hold(self.panels.values())
        self.restoreState(self.first_layout)
        self.share_room()

    def _dock(self, name, panel):
        """The dock of ``panel``, in the place it declares (``Panel.place``)."""
        dock = QDockWidget(panel.title)
        dock.setObjectName(name)
        dock.setWidget(panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        if panel.place is not None:
            where, other = panel.place
            if where == "behind":
                self.tabifyDockWidget(self.docks[other], dock)
                self.docks[other].raise_()
            else:
                self.splitDockWidget(self.docks[other], dock, Qt.Orientation.Horizontal if where == "beside"
                                     else Qt.Orientation.Vertical)
        dock.visibilityChanged.connect(lambda shown: self._shown_or_hidden(name, shown))
        dock.dockLocationChanged.connect(self._rearranged)
        dock.topLevelChanged.connect(self._rearranged)
        return dock

    def _shown_or_hidden(self, name, shown):
        """A panel that comes into view shows the frame on screen, once it is laid out; what
        the panels on screen need computed is told to the engine."""
        if shown and self.painted is not None:
            chores().add(self, ("catch up", name), lambda: self._show_painted(name))
        chores().add(self, "needs", lambda: self.state.set_needs(self._needs()))
        self._rearranged()

    def _needs(self):
        """What the panels on screen need beyond the Snapshot (``Panel.needs``)."""
        return frozenset().union(*(panel.needs for panel in self.panels.values() if on_screen(panel)))

    def _show_painted(self, name):
        if self.painted is not None and on_screen(self.panels[name]):
            self.panels[name].show_frame(self.painted)

    def toggle_play(self):
        self.state.set_playing(not self.state.playing)

    # ----------------------------------------------------------------- frames
    def _receive(self, frame):
        """Keep the newest frame (older unpainted ones are dropped) and paint it once the
        last paint is a display frame (PAINT) old, or when the round under way ends; a
        frame of another run than the round's (a new config, a reset, a pin: ``_changes``)
        takes the round over at once: the panels still to draw draw it, those drawn already
        draw it again after them."""
        self.latest = frame
        self.diagnosis.alert(None, only="warning")          # work under way: ready now
        if frame.halted:                  # the run diverged and playback paused itself
            self.state.set_playing(False)
        if self._round and _changes(self._round_frame, frame):
            drawn = [name for name in self.panels if name not in self._round]
            self.latest = None
            self._round_of(frame, self._round + drawn)
        elif not self._round:
            chores().add(self, "paint", self.paint,
                         after=max(0.0, PAINT - (time.monotonic() - self._last_paint)))

    def paint(self):
        """Start showing the newest frame, unless the last one is still being shown: one
        panel per pass of the event loop (or one piece of it: ``Panel.passes``), the status
        bar and the diagnosis line in the gradient bars' pass (or at once where they are not on screen) (``_paint_next``, a
        piece of the UI thread's deferred work). A panel drawn in a pass of its own keeps
        every stretch of work on the UI thread short, so a key press or a menu is answered
        between two panels even on a busy machine; ``painted`` is set once every panel on
        screen shows the frame."""
        if self.latest is None or self._round:
            return
        frame, self.latest = self.latest, None
        self._last_paint = time.monotonic()
        self._round_of(frame, list(self.panels))
        chores().add(self, "paint", self._paint_next)

    def _round_of(self, frame, panels):
        """The round draws ``frame`` in ``panels`` (names, in order), the status bar now
        where the gradient bars, whose pass shows it, are not on screen; the engine is told
        (it sends Frames as fast as they are painted)."""
        self._round_frame, self._round, self._pieces = frame, panels, []
        if self.engine is not None:
            self.engine.painting()
        if not on_screen(self.panels["bars"]):
            self._show_status(frame)

    def _paint_next(self):
        while self._round:
            name = self._round[0]
            panel = self.panels[name]
            if not on_screen(panel):
                self._round.pop(0)
                continue
            self._pieces = self._pieces or panel.passes(self._round_frame)
            self._pieces.pop(0)()
            if not self._pieces:
                self._round.pop(0)
                if name == "bars":                    # its headline and the diagnosis line say
                    self._show_status(self._round_frame)   # the same numbers: in one pass
            break
        if self._round:
            chores().add(self, "paint", self._paint_next)
        else:
            self._shown(self._round_frame)
            if self.latest is not None:            # it arrived while this one was drawn
                self.paint()

    def show_frame(self, frame, complete=False):
        """Show one frame in every panel and the status bar now (``complete``: also the
        parts that are normally redrawn less often, for an exported picture)."""
        self._show_status(frame)
        for panel in self.panels.values():
            if complete:
                panel.show_frame(frame)
                panel.finish()
            elif on_screen(panel):                     # tabs behind others catch up when shown
                panel.show_frame(frame)
        if complete and self._share_again:             # a picture's window, shared with the
            self.share_room(frame)                     # captions (and maps) the frame gave it
            self._share_again = False
        self._shown(frame)

    def _show_status(self, frame):
        snapshot, baseline = frame.snapshot, frame.baseline
        self.diagnosis.show_diagnoses(snapshot.diagnosis, baseline and baseline.diagnosis,
                                      baseline and brief(baseline.config, snapshot.config))
        self.status["state"].setText(snapshot.diagnosis.headline)
        self.status["versus"].setText(versus(snapshot.config, baseline.config, 32) if baseline else "")
        self.status["step"].setText(f"step {snapshot.step:,}")
        self.status["cost"].setText(f"cost {snapshot.train_loss:.4g}  (test {snapshot.test_loss:.4g})")
        self.status["rate"].setText(f"{frame.steps_per_second:,.0f} steps/s" if frame.playing else "paused")

    def _refused(self, message, running):
        """A config the engine could not build: said, and the config that runs on (the
        defaults, where it was the first) is the state's again."""
        self.lecture.report(f"That setting was not used: {message}")
        self.state.running(running or SimConfig())

    def _working(self, what, share, baseline):
        """A new run being prepared, part by part (its panels still show the run before it,
        until its first frame): said in the diagnosis line."""
        whose = "the baseline" if baseline else f"the new network ({shape(self.state.config)})"
        self.diagnosis.alert(f"Working on {whose}: {what}, {share:.0%} done… The panels show the "
                             "run before it until it is ready.", severity="warning")

    def _answering(self, answering):
        """The engine has gone silent (stopped, or stuck), or is heard again."""
        if answering:
            self.diagnosis.alert(None)
        else:
            self.diagnosis.alert("The engine is not answering (nothing from it for a second): it "
                                 "may be stuck or stopped. The window goes on.", "Restart the engine",
                                 self.restart_engine)

    def restart_engine(self):
        """A fresh engine process on the lab's state as it is."""
        self.engine.restart_process()

    def apply_remedy(self, remedy):
        """The diagnosis's remedy: its change of the config, and the run starts again."""
        if remedy is not None:
            self.state.set_config(remedy.apply(self.state.config))
            self.state.reset()

    def _follow(self, edit, *arguments):
        """Edits of the state the window shows itself: a setup's view choices."""
        if edit == "set_view":
            view = arguments[0]
            if view.get("theme", self.theme) != self.theme:
                self.set_theme(view["theme"])
            for panel in self.panels.values():
                panel.restore_view(view)

    def _shown(self, frame):
        """``frame`` is now on screen in every panel."""
        before, self.painted = self.painted, frame
        if self._share_again or (self.theme == "presentation" and before is not None
                                 and (before.baseline is None) != (frame.baseline is None)):
            self._share_again = False      # (presentation's shares depend on the maps on show)
            chores().add(self, "share room", self.share_room)
        self.frames_painted += 1
        start, count = self._fps_clock
        now = time.monotonic()
        if not frame.playing:
            self.status["fps"].setText("")
        elif now - start >= 1.0 and self.engine is not None:
            self.status["fps"].setText(f"{(self.frames_painted - count) / (now - start):.0f} frames/s")
            self._fps_clock = (now, self.frames_painted)

    # ----------------------------------------------------------------- settings
    def _saved_config(self):
        """The config saved at the last close. Its data file, if any, is read and checked by
        the engine, not here (a large one took seconds of the window's start); one that can
        no longer be used is refused there, in one sentence, and the defaults run."""
        text = self.settings.value("config")
        if not text:
            return None
        try:
            return SimConfig.from_json(str(text)).replace(data_digest="")
        except ValueError:             # from an older version: start from the defaults
            return None

    def _restore_geometry(self):
        geometry, state = self.settings.value("geometry"), self.settings.value("state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:                                   # the first start: most of the screen
            self.setGeometry(first_geometry(self.screen().availableGeometry()))
        self._layout_restored = isinstance(state, QByteArray)
        if self._layout_restored:
            self.restoreState(state)

    # ----------------------------------------------------------------- themes
    def set_theme(self, name, state=None, size=None):
        """Switch to the theme ``name``: the controls and every panel take it in place (built
        once, they are restyled, not rebuilt), then the frame on screen is drawn anew in it.
        ``state`` and ``size``: the layout and window size to end with (by default those of
        now; out of presentation mode from the menu, those before F5)."""
        if self.theme == "presentation" != name:
            _, before, before_size, window_state = self._before_presentation
            self.showNormal()                      # out of full screen first
            self.setWindowState(window_state)
            state, size = (before, before_size) if state is None else (state, size)
        share = name == "presentation" or (self.theme == "presentation" and state is None)
        if name == "presentation" != self.theme:
            self.controls_folded = True
        state = self.saveState() if state is None else state
        hold(self.panels.values())         # drawn once, at the layout they end with
        self.shares.forget()               # the layout's in-between sizes given back nothing
        self.theme = name
        self.state.set_view({"theme": name})
        apply_theme(name)
        for controls in (self.controls, self.controls.run_bar):
            restyle(controls, controls_style())
        self._fit_controls(self.findChild(QScrollArea))
        self._lecturers_fields()
        for panel in self.panels.values():
            panel.restyle()
        forget_old_symbols(self)
        if self.painted is not None:
            self._show_status(self.painted)        # the diagnosis in the new type, before the layout
        settle_layout()                        # laid out in the new type before it is drawn
        if size is not None:                   # the docks' sizes restored at the window's own
            self.resize(size)                  # (restored in a full screen, they were scaled back)
        self.restoreState(state)
        if size is not None:                   # after the layout: its least width, not the last one's
            self.resize(size)
        if share:                      # presentation's shares, or out of them with no layout to go back to
            self.share_room()
        else:
            self.shares.remember()
        self.whole_tab_names()
        if self.latest is None:
            self.latest = self.painted          # every panel shows the frame anew, in the theme
        self.paint()

    def _lecturers_fields(self):
        """The status bar's fields for the lecturer alone, hidden in presentation mode: the
        lecture hall reads the panels."""
        for key in LECTURERS_FIELDS:
            self.status[key].setVisible(self.theme != "presentation")

    def _fit_controls(self, scroll):
        """The controls column as wide as its widgets want at the theme's type size."""
        self.controls.adjustSize()
        scroll.setMinimumWidth(self.controls.sizeHint().width()
                               + scroll.verticalScrollBar().sizeHint().width() + 4)

    def share_room(self, frame=None):
        """The first layout's shares of the window (``docking.share_room``) for the maps of
        ``frame`` (the frame on screen if None), kept from now on through resizes. Shared
        before the first frame, with the panels' captions still empty, they are shared
        again once it is on screen."""
        self.shares.forget()                   # its in-between sizes given back nothing
        share_room(self, self.controls_folded if self.theme == "presentation" else None,
                   frame or self.painted)
        self.whole_tab_names()                 # the tab bars it made
        self.shares.remember()
        self._share_again = self.painted is None

    def _share_presentation(self):
        """Presentation mode's shares, if it is still on (a resize leaving it queued this)."""
        if self.theme == "presentation":
            self.share_room()

    def whole_tab_names(self):
        """Dock tabs keep their whole names ("Gradient bars", not "Gradient…"), in the largest
        type up to TAB_PT their bar holds them in, and scroll where even TAB_LEAST_PT does not.
        They are the lecturer's navigation, not the slide's words: in presentation type they
        ran off the bar."""
        lay_out(self)                          # the docks' widths as they are now
        by_title = {dock.windowTitle(): dock for dock in self.docks.values()}
        font = self.font()
        largest = min(font.pointSize(), TAB_PT)
        for bar in self.findChildren(QTabBar):
            docks = [by_title[bar.tabText(i)] for i in range(bar.count()) if bar.tabText(i) in by_title]
            front = by_title.get(bar.tabText(bar.currentIndex()))     # its width is the group's
            room = front.width() if front is not None and bar.parent() is self else bar.width()
            for size in range(largest, TAB_LEAST_PT - 1, -1):    # (the bar's own is set later)
                font.setPointSize(size)
                bar.setFont(font)
                if bar.sizeHint().width() <= room:
                    break
            bar.setElideMode(Qt.TextElideMode.ElideNone)
            bar.setUsesScrollButtons(True)
            # Qt leaves a tab bar behind, on show, for groups tabified before the window was
            # shown: one not under any of its docks is such a ghost, and is hidden.
            if docks and bar.parent() is self and not any(
                    abs(d.x() - bar.x()) <= 8 and d.isVisible() and not d.visibleRegion().isEmpty()
                    for d in docks):
                bar.hide()

    def showEvent(self, event):
        super().showEvent(event)
        if not self._shown_once and (self.theme == "presentation" or not self._layout_restored):
            self.share_room()                  # a first start, or presentation mode
        elif not self._shown_once:
            self.shares.remember()             # the layout of the last close
        self._shown_once = True
        self.whole_tab_names()

    def toggle_presentation(self):
        """F5: presentation mode, the lecture hall: full screen, the controls folded away
        (C brings them back), light, large type, thick lines; F5 or Esc: back to the theme,
        the layout, the window size and state of before."""
        if self.theme == "presentation":
            self.set_theme(self._before_presentation[0])
        else:
            self._before_presentation = (self.theme, self.saveState(), self.size(), self.windowState())
            self.set_theme("presentation")
            self.showFullScreen()

    def _failed(self, fault):
        """The engine met a fault of its own and paused: Play says so, and the message."""
        self.state.set_playing(False)
        self.lecture.report(f"The engine met a fault and paused: {fault}. Reset, or change a control, "
                            "to go on.")

    def _escape(self):
        """Esc: cancel the loading of a file, or else leave presentation mode."""
        if self.lecture.loading is not None:
            self.lecture.cancel_loading()
        elif self.theme == "presentation":
            self.toggle_presentation()

    def toggle_controls(self):
        """C: the controls folded away or back (presentation mode starts with them folded)."""
        controls = self.findChild(QDockWidget, "controls")
        if self.theme == "presentation":       # the panels shared out in the room left
            hold(self.panels.values())
            self.controls_folded = controls.isVisible()
            self.share_room()
        else:
            controls.setVisible(not controls.isVisible())

    def resizeEvent(self, event):
        """The panels laid out at the new size, in the shares they had, and drawn once, not
        at each round of it. In presentation mode the screen is shared out anew for its size:
        going full screen comes after F5 has shared the window it had, which on a 1280 × 720
        projector was too narrow for two columns."""
        super().resizeEvent(event)
        if self.theme == "presentation":
            chores().add(self, "share the screen", self._share_presentation)
        self.shares.give_back()
        self.whole_tab_names()                 # in the docks' new widths
        draw_once(panel for panel in self.panels.values() if on_screen(panel))

    def event(self, event):
        """A separator let go (the main window's own, not a widget's): the shares as dragged."""
        handled = super().event(event)
        if event.type() == QEvent.Type.MouseButtonRelease:
            self._rearranged()
        return handled

    def eventFilter(self, watched, event):
        """A toolbar shown, hidden or resized: the docks' shares given back in the room left
        (Qt shares it out anew in proportion, a pixel off here and there)."""
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide):
            chores().add(self, "give back shares", self.shares.give_back)
        return super().eventFilter(watched, event)

    def _rearranged(self):
        """A dock moved, floated, shown, hidden or dragged wider: its shares, once laid out."""
        chores().add(self, "remember shares", self.shares.remember)

    def closeEvent(self, event):
        self.lecture.close()
        self.cards.close()
        chores().forget(self)
        if self.engine is not None and not self._shut_down:
            self._shut_down = True
            self.engine.shutdown()
            collector.release()
        for panel in self.panels.values():
            panel.shutdown()
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("state", self.saveState())
        self.settings.setValue("config", self.state.config.to_json())
        self.settings.setValue("theme", self._before_presentation[0] if self.theme == "presentation"
                               else self.theme)            # a lab opens in a window, not full screen
        self.settings.sync()
        super().closeEvent(event)

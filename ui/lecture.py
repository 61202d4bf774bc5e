"""The lecture tools and the File menu: pictures (PNG, SVG), the clipboard, recordings
(GIF, MP4), saved setups and the user's data sets, with their dialogs and the
one-sentence reports; and Quit.

They work on the window from outside: the lab's state (``LabState``), its panels through
the Panel contract only, and its dock layout. A picture of a panel at a size of its own
is a new panel laid out at that size, off screen (``picture.panel_picture``).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QByteArray, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox

from simulator.data import check_data_file
from simulator.files import path_text

from .dialogs import ExportDialog, RecordDialog
from .drawing import hold
from .export import ExportError, atomic_write, png_bytes, render, svg_bytes
from .jobs import Jobs
from .picture import panel_picture
from .recorder import Recorder
from .saved_setups import Setup, check_view, read_setup, setup_json
from .widgets import on_screen


def size_text(path):
    """' (2.1 MB)', ' (14 kB)': the file's size for a progress line, or '' if it cannot
    be seen."""
    try:
        size = os.stat(path).st_size
    except OSError:
        return ""
    if size < 1_000:
        return f" ({size} bytes)"
    return f" ({size / 1e3:.0f} kB)" if size < 1_000_000 else f" ({size / 1e6:.1f} MB)"


RECORDING_RED = "#e03131"          # the recording dot: seen on every theme's status bar


class LectureTools(QObject):
    """The File menu of ``window`` (a MainWindow) and what it does."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.recorder = None
        self.last_message = None        # the last thing reported to the user
        self.dialogs = {}               # kept: each opens with the choices made last
        self.box = None                 # the message box of ``report``, made when first needed
        self.jobs = Jobs(self)
        self.loading = None             # the process checking a file, while it runs
        self.loading_name = ""          # that file's name
        self.recording_note = QLabel()   # the status bar's red dot and time while recording
        self.recording_note.setAccessibleName("Recording")
        self.recording_note.hide()
        window.statusBar().addPermanentWidget(self.recording_note)
        files = window.menuBar().addMenu("&File")
        for text, slot, key in (("Save setup…", self.save_setup_dialog, "Ctrl+S"),
                                ("Load setup…", self.load_setup_dialog, "Ctrl+O"),
                                ("Load data set…", self.load_data_dialog, None),
                                ("Cancel loading\tEsc", self.cancel_loading, None),   # Esc: the window's
                                (None, None, None),
                                ("Export picture…", self.export_dialog, "Ctrl+E"),
                                ("Copy panel to clipboard", self.copy_panel, "Ctrl+Shift+C"),
                                ("Record GIF or MP4…", self.record_dialog, "Ctrl+R"),
                                ("Stop recording", self.stop_recording, None),
                                (None, None, None),
                                ("Quit", window.close, "Ctrl+Q")):
            if text is None:
                files.addSeparator()
                continue
            action = QAction(text, window)
            if key:
                action.setShortcut(QKeySequence(key))
            action.triggered.connect(slot)
            files.addAction(action)
            if slot == self.cancel_loading:
                self.cancel_action = action
        self.cancel_action.setEnabled(False)

    def report(self, message):
        """Tell the user one thing: in the status bar, and in the window's one message box,
        which stays until it is dismissed (a status-bar message is wiped by the next menu
        item the mouse passes) but blocks nothing (a window-modal box had kept the window
        from closing). A new message replaces the one on show: boxes piled up otherwise,
        and every one was laid out again at each theme switch."""
        self.last_message = message
        self.window.statusBar().showMessage(message, 10_000)
        if self.box is None:
            self.box = QMessageBox(QMessageBox.Icon.Information, "Vanishing Gradient Lab", "",
                                   QMessageBox.StandardButton.Ok, self.window)
            self.box.setWindowModality(Qt.WindowModality.NonModal)
        self.box.setText(message)
        self.box.show()

    def dialog(self, kind):
        """The window's one dialog of ``kind`` (ExportDialog, RecordDialog), made once and
        kept, so that it opens with the choices made last."""
        if kind not in self.dialogs:
            self.dialogs[kind] = kind(self.window.docks, self.window)
        return self.dialogs[kind]

    def ask_path(self, title, name, filters, save=True):
        """A file dialog that opens in the folder used last (kept in the settings; at first
        the home folder, not the folder the lab was started from); the path, or ""."""
        folder = Path(str(self.window.settings.value("folder", "") or Path.home()))
        if not folder.is_dir():
            folder = Path.home()
        ask = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        path, _ = ask(self.window, title, str(folder / name), filters)
        if path:
            self.window.settings.setValue("folder", str(Path(path).parent))
        return path

    def _say(self, message):
        self.window.statusBar().showMessage(message, 5000)

    # ----------------------------------------------------------------- setups
    def current_setup(self):
        """The lab's state as a Setup, with the window's layout."""
        state = self.window.state
        return Setup(state.config, bytes(self.window.saveState()), dict(state.view), state.baseline)

    def save_setup(self, path):
        try:
            atomic_write(path, setup_json(self.current_setup()).encode("utf-8"))
        except ExportError as error:
            self.report(f"The setup was not saved: {error}")
            return False
        self._say(f"Saved the setup to {path}")
        return True

    def load_setup(self, path):
        """Load a setup once it has been read and checked (its data file too), in a process
        of its own (``check``); a bad file changes nothing and says what is wrong."""
        self.check(read_setup, path, self._setup_read, "The setup was not loaded")

    def _setup_read(self, setup):
        """Use a setup read and checked: its view choices (checked against the panels'),
        a clean slate of its config and baseline, as a preset is, and its layout."""
        check_view(setup.view)
        state = self.window.state
        state.set_view(setup.view)
        state.restart(setup.config, setup.baseline)
        if setup.layout:
            self.window.restoreState(QByteArray(setup.layout))

    def save_setup_dialog(self):
        path = self.ask_path("Save setup", "setup.json", "Setups (*.json)")
        if path:
            self.save_setup(path)

    def load_setup_dialog(self):
        path = self.ask_path("Load setup", "", "Setups (*.json)", save=False)
        if path:
            self.load_setup(path)

    # ----------------------------------------------------------------- files read
    def check(self, read, path, use, refusal):
        """``read(path)`` in a process of its own while the status bar says so (Esc
        cancels), then ``use(what it read)``; a refusal is reported after ``refusal``, and
        nothing changes. A second file replaces one under way."""
        self._end_loading()
        name = Path(path).name

        def done(result):
            self._end_loading()
            self.window.statusBar().clearMessage()
            try:
                use(result)
            except ValueError as error:          # what only the window can check
                self.report(f"{refusal}: {path_text(path)}: {error}")

        def failed(message):
            self._end_loading()
            self.report(f"{refusal}: {message}")

        self.loading = self.jobs.run(read, str(path), done=done, failed=failed)
        self.loading_name = name
        self.cancel_action.setEnabled(True)
        self.window.statusBar().showMessage(f"Checking {name}{size_text(path)}… (Esc cancels)")

    def load_data(self, path):
        """Train on the data set in ``path`` (CSV or .npz) once it has been checked."""
        self.check(check_data_file, path, lambda digest: self._use_data(path, digest),
                   "The data set was not loaded")

    def _use_data(self, path, digest):
        state = self.window.state
        state.set_config(state.config.replace(dataset="file", data_file=os.path.abspath(path),
                                              data_digest=digest))

    def cancel_loading(self):
        """Stop checking a file (File ▸ Cancel loading, Esc): nothing is loaded."""
        if self.loading is not None:
            self._end_loading()
            self._say(f"Stopped checking {self.loading_name}: nothing was loaded")

    def _end_loading(self):
        """The check under way, if any, ended (killed if it still runs) and forgotten."""
        if self.loading is not None:
            self.loading.kill()
            self.loading = None
        self.cancel_action.setEnabled(False)

    def load_data_dialog(self):
        path = self.ask_path("Load data set", "", "Data sets (*.csv *.txt *.npz)", save=False)
        if path:
            self.load_data(path)

    # ----------------------------------------------------------------- pictures
    def target_widget(self, target):
        """The window (``"window"``) or the panel named ``target``."""
        return self.window if target == "window" else self.window.panels[target]

    def export_picture(self, target, path, scale=1, size=None, fmt="png"):
        """Write the window or a panel as PNG (at ``scale`` or ``size``) or a panel as SVG."""
        try:
            if fmt == "svg":
                if target == "window":
                    raise ExportError("SVG is made per panel: choose a panel, or PNG for the window")
                data = svg_bytes(self.window.panels[target].findChild(pg.PlotWidget).getPlotItem())
            else:
                data = png_bytes(self.picture(target, scale, size))
            atomic_write(path, data)
        except ExportError as error:
            self.report(f"The picture was not saved: {error}")
            return False
        self._say(f"Saved {path}")
        return True

    def picture(self, target, scale=1, size=None):
        """A QImage of the window or a panel: as it is on screen, at ``scale``; or laid out
        at ``size`` (a panel anew, off screen, with the reader's view choices)."""
        w = self.window
        if size is not None and target != "window":
            panel = w.panels[target]
            return panel_picture(w.painted, target, size, scale, panel.view_state())
        before = w.size()
        image = render(self.target_widget(target), scale, size)
        if size is not None:
            w.resize(before)
        return image

    def export_dialog(self):
        dialog = self.dialog(ExportDialog)
        if dialog.exec():
            target, fmt, scale, size = dialog.choice()
            path = self.ask_path("Export picture", f"{target}.{fmt}", f"{fmt.upper()} (*.{fmt})")
            if path:
                self.export_picture(target, path, scale, size, fmt)

    def copy_panel(self):
        """Copy the panel with the keyboard focus (or the cost surface) to the clipboard."""
        panels = self.window.panels
        focus = QApplication.focusWidget() or self.window
        name = next((n for n, p in panels.items() if p.isAncestorOf(focus)), "surface")
        QApplication.clipboard().setImage(render(panels[name]))
        self._say(f"Copied {panels[name].title} to the clipboard")

    # ----------------------------------------------------------------- recordings
    def record(self, target, path, fps=10, max_seconds=10.0):
        """Start recording the window or a panel as a GIF or MP4, by the path's suffix
        (File ▸ Stop recording ends it)."""
        if self.recorder is not None and self.recorder.outcome is None:
            self.report("A recording is already running or being saved: stop it first.")
            return None
        drawn = on_screen(self.target_widget(target))
        if target != "window":            # a panel behind another tab has nothing drawn to grab
            if not drawn:                 # drawn once it is laid out in front (drawing.hold)
                hold(self.window.panels.values())
            self.window.docks[target].show()
            self.window.docks[target].raise_()
            if not drawn and self.window.painted is not None:    # nor waits its turn to catch up
                self.window.panels[target].show_frame(self.window.painted)
        recorder = Recorder(self.target_widget(target), path, fps, max_seconds, self, drawn)
        recorder.progress.connect(self._recording)            # both in the UI thread
        recorder.finished.connect(self._recorded)
        try:
            recorder.start()
        except ExportError as error:
            recorder.deleteLater()
            self.report(f"The recording was not started: {error}")
            return None
        if self.recorder is not None:
            self.recorder.deleteLater()                 # finished: nothing of it runs
        self.recorder = recorder
        return recorder

    def _recording(self, progress):
        """The status bar says a recording runs: a red dot, the time and the frames."""
        self.recording_note.setText(f'<span style="color:{RECORDING_RED}">●</span> {progress}')
        self.recording_note.show()

    def _recorded(self, sentence):
        self.recording_note.hide()
        self.report(sentence)

    def stop_recording(self):
        if self.recorder is not None:
            self.recorder.stop()

    def record_dialog(self):
        dialog = self.dialog(RecordDialog)
        if dialog.exec():
            target, fps, seconds = dialog.choice()
            path = self.ask_path("Record", f"{target}.gif", "GIF (*.gif);;MP4 video (*.mp4)")
            if path:
                self.record(target, path, fps, seconds)

    def close(self):
        """The window is closing: stop checking a data file, finish a recording under way
        (or abandon it, past about 2 s) and say what happened on stderr, where it can still
        be read."""
        self._end_loading()
        if self.recorder is not None:
            outcome = self.recorder.finish_now()
            if outcome is not None:
                self.last_message = outcome
                print(outcome, file=sys.stderr)

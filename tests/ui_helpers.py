"""Helpers for the window tests: a window with its own settings file, panels shown on
their own, and waits."""
import time

import shiboken6
from PySide6.QtCore import QSettings

from simulator import SimConfig, load_presets


SMALL = SimConfig(depth=3, width=8)


STALLED = 10.0        # seconds an engine may stay silent before a wait on it fails
HANG_MS = 600_000     # no wait on the engine lasts longer: a hang, not a slow machine


def make_window(qtbot, tmp_path, config=SMALL):
    """A shown window with its own settings file; ``config=None``: the saved config."""
    from ui.main_window import MainWindow
    settings = QSettings(str(tmp_path / "lab.ini"), QSettings.Format.IniFormat)
    window = MainWindow(config, settings=settings)
    qtbot.addWidget(window)
    window.show()
    wait_on_engine(qtbot, window, lambda: window.painted is not None)
    from ui.chores import chores
    qtbot.waitUntil(lambda: not chores().waiting(window, "share room"))   # shared with captions
    return window


def wait_on_engine(qtbot, window, condition):
    """Until ``condition()``, however long the engine's work takes on this machine (a large
    network built on a busy one takes seconds more), as long as it answers: it speaks at
    least every HEARTBEAT seconds, working or not, and one silent for STALLED seconds fails
    the wait at once."""
    silent_since = []

    def heard(answering):
        silent_since[:] = [] if answering else [time.monotonic()]
    window.engine.answering.connect(heard)
    try:
        qtbot.waitUntil(lambda: bool(condition() or (
            silent_since and time.monotonic() - silent_since[0] > STALLED)), timeout=HANG_MS)
    finally:
        window.engine.answering.disconnect(heard)
    assert condition(), f"the engine was silent for {STALLED:.0f} s"


def wait_for_config(qtbot, window):
    """Until the painted Snapshot was made with the controls' current config."""
    wait_on_engine(qtbot, window, lambda: window.painted is not None
                   and window.painted.snapshot.config == window.controls.config)


def read(qtbot, window, what, path):
    """``window.lecture.load_setup`` or ``load_data`` (``what``) of ``path``, waited for
    until the file has been read and checked: True if it was used, False if refused."""
    window.lecture.last_message = None
    getattr(window.lecture, what)(path)
    qtbot.waitUntil(lambda: window.lecture.loading is None, timeout=HANG_MS)   # a process's check: it ends
    message = window.lecture.last_message
    return message is None or "not loaded" not in message


def preset(name):
    return load_presets()[name].config


def close_window(window):
    """Close the window and check that its engine process has ended."""
    window.close()
    assert not window.engine.running and window.engine.process.exitcode == 0


SHOWN = []          # panels of the running test, deleted when it ends (conftest.py)


def shown(qtbot, panel, size=(700, 500)):
    """``panel`` shown on its own at ``size``, and deleted at the end of the test."""
    panel.resize(*size)
    panel.show()
    qtbot.waitExposed(panel)
    SHOWN.append(panel)
    return panel


def delete_shown():
    """Delete the test's panels (C++ side) while their Python side is whole. Left to the
    garbage collector, a panel's cycle (its throttle holds its method) could be cleared
    item by item before Qt destroyed it, and Qt would then ask a half-cleared label its
    size ("'LabelItem' object has no attribute '_sizeHint'"), failing a later test."""
    while SHOWN:
        panel = SHOWN.pop()
        if shiboken6.isValid(panel):
            panel.shutdown()
            shiboken6.delete(panel)

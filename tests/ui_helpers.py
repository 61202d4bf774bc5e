"""Helpers for the window tests: a window with its own settings file, and waits."""
import time

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


def preset(name):
    return load_presets()[name].config


def close_window(window):
    """Close the window and check that its engine process has ended."""
    window.close()
    assert not window.engine.running and window.engine.process.exitcode == 0

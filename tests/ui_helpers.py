"""Helpers for the window tests: a window with its own settings file, and waits."""
from PySide6.QtCore import QSettings

from simulator import SimConfig, load_presets


SMALL = SimConfig(depth=3, width=8)


def make_window(qtbot, tmp_path, config=SMALL):
    """A shown window with its own settings file; ``config=None``: the saved config."""
    from ui.main_window import MainWindow
    settings = QSettings(str(tmp_path / "lab.ini"), QSettings.Format.IniFormat)
    window = MainWindow(config, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.painted is not None, timeout=5000)
    return window


def wait_for_config(qtbot, window, timeout=5000):
    """Until the painted Snapshot was made with the controls' current config."""
    qtbot.waitUntil(lambda: window.painted is not None
                    and window.painted.snapshot.config == window.controls.config, timeout=timeout)


def preset(name):
    return load_presets()[name].config


def close_window(window):
    """Close the window and check that its engine process has ended."""
    window.close()
    assert not window.engine.running and window.engine.process.exitcode == 0

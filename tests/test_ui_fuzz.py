"""500 random actions on the real window while its engine thread trains (issue 10, item 8):
no exception in any thread, no Qt warning (they fail the test), the engine runs the
config the controls show, and the window closes promptly."""
import sys
import threading
import time

from ui_fuzz import fuzz, pump
from ui_helpers import make_window, wait_for_config

ACTIONS = 500


def test_five_hundred_random_actions_while_it_plays(qtbot, tmp_path, monkeypatch):
    errors = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: errors.append(info))
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args))
    window = make_window(qtbot, tmp_path)
    window.controls.play_button.click()
    fuzz(window, ACTIONS, seed=2026, folder=tmp_path)
    window.show_all()
    wait_for_config(qtbot, window)         # a large network may take long: it says it works
    assert window.painted.snapshot.config == window.controls.config
    start = time.perf_counter()
    window.close()
    closing = time.perf_counter() - start
    assert not window.engine.running        # ended, or killed if it was busy in a long computation
    pump(0.1)
    assert errors == []
    assert closing < 1.0, f"closing took {closing:.2f} s"

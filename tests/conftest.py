"""Shared test set-up: the engine's tests need nothing; Qt tests run offscreen."""
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")     # as the engine runs: simulator/__init__.py
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


import pytest  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path):
    """The lab's main window on a small network, closed (its engine process ended) afterwards."""
    from ui_helpers import close_window, make_window
    w = make_window(qtbot, tmp_path)
    yield w
    close_window(w)


@pytest.fixture(scope="session", autouse=True)
def garbage_collected_on_the_event_loop(qapp):
    """As in the lab (main.py): cycles are collected by a timer of the event loop, never in
    the middle of a paint or on another thread (see ui/collector.py)."""
    from ui import collector
    collector.hold()
    yield
    collector.release()


@pytest.fixture(autouse=True)
def _panels_deleted_while_whole():
    """The panels a test showed on their own (``ui_helpers.shown``), deleted as it ends."""
    yield
    if "ui_helpers" in sys.modules:
        sys.modules["ui_helpers"].delete_shown()


@pytest.fixture
def theme_restored():
    """The dark theme again after a test that applied another."""
    yield
    from ui.style import apply_theme
    apply_theme("dark")

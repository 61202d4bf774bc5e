"""Shared test set-up: the engine's tests need nothing; Qt tests run offscreen."""
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


import pytest  # noqa: E402


@pytest.fixture
def window(qtbot, tmp_path):
    """The lab's main window on a small network, closed (thread ended) afterwards."""
    from ui_helpers import close_window, make_window
    w = make_window(qtbot, tmp_path)
    yield w
    close_window(w)

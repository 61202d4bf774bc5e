"""The window a newcomer opens (issue 12, items 7-10): Play, Step, Reset and the speed in
view at a projector's 1280×720, most of the screen at the first start, Quit and Help, a
layout that stays put, and a setup's view honoured by --config."""
import platform

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRect, QSettings, Qt, qVersion
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMessageBox

from simulator import load_presets
from ui.headless import HeadlessView, run_frame
from ui.panels import PANELS
from ui.widgets import on_screen
from ui_helpers import SMALL

SLIDE = (1280, 720)
VANISHING = load_presets()["Deep sigmoid (vanishing)"].config
EXPLODING = load_presets()["Large weights (exploding)"].config


@pytest.fixture(scope="module")
def frame():
    return run_frame(VANISHING, 20)


def dock_rects(window):
    return sorted((d.geometry().getRect() for d in window.docks.values() if on_screen(d)))


# ---------------------------------------------------------------- item 7
# Play, Step, Reset and the speed in view: test_ui_slides.test_the_window_shows_all_its_text…
def test_the_first_start_opens_the_window_at_nine_tenths_of_the_screen(qtbot, tmp_path):
    from ui.main_window import MainWindow, first_geometry
    # a full-HD screen under a 40-px panel: 1728 × 936, centred in what is left
    assert first_geometry(QRect(0, 40, 1920, 1040)).getRect() == (96, 92, 1728, 936)
    window = MainWindow(SMALL, QSettings(str(tmp_path / "lab.ini"), QSettings.Format.IniFormat), engine=False)
    qtbot.addWidget(window)
    screen = window.screen().availableGeometry()          # offscreen: 800 × 800
    assert window.height() == round(0.9 * screen.height())
    assert window.width() == max(round(0.9 * screen.width()), window.minimumSizeHint().width())
    # a saved geometry still wins: test_ui_window.test_last_config_and_geometry_are_restored


# ---------------------------------------------------------------- item 8
def test_help_explains_every_panel_and_about_names_the_versions(window, qtbot):
    from ui.guide import about_text, guide_html
    words = guide_html().lower()
    for panel in PANELS.values():
        assert len(panel.help) > 100 and f"<h3>{panel.title.lower()}</h3>" in words
    for taught in ("chain rule", "σ' ≤ 1/4", "plateau", "bowl", "cliff", "batch normalisation",
                   "residual", "clipping", "digits", "δ<sup>l−1</sup>"):
        assert taught in words, taught
    for version in (platform.python_version(), qVersion(), pg.__version__, np.__version__):
        assert version in about_text()
    actions = {a.text(): a for a in window.findChildren(QAction)}
    actions["What am I looking at?"].trigger()
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QDialog)
                                if d.windowTitle() == "What am I looking at?"))
    actions["About"].trigger()
    qtbot.waitUntil(lambda: any(b.isVisible() and np.__version__ in b.text()
                                for b in window.findChildren(QMessageBox)))
    assert window.isVisible() and window.engine.running           # neither blocks the lab


def test_file_quit_closes_the_window_and_ends_the_engine(window, qtbot):
    quit_action = next(a for a in window.findChildren(QAction) if a.text() == "Quit")
    assert quit_action.shortcut().toString() == "Ctrl+Q"
    quit_action.trigger()
    assert not window.isVisible() and not window.engine.running


# ---------------------------------------------------------------- item 9
def test_raising_any_tab_leaves_every_dock_where_it_was(qtbot, frame):
    view = HeadlessView(frame.snapshot.config, None, SLIDE)
    try:
        window = view.widget
        window.show_frame(frame)        # as on screen: a tab behind others catches up when raised
        view.app.processEvents()
        before = dock_rects(window)
        for name in [*PANELS, "surface", "bars", "loss"]:
            window.docks[name].raise_()
            for _ in range(3):
                view.app.processEvents()
            assert dock_rects(window) == before, name
    finally:
        view.close()


def test_the_diagnosis_sits_under_the_toolbar_over_no_panel_and_can_be_dismissed(qtbot):
    """It was a banner laid over the panels' titles that no click could move for good."""
    diverged = run_frame(EXPLODING, 8)
    assert diverged.snapshot.diverged
    view = HeadlessView(EXPLODING, None, SLIDE)
    try:
        view.show(run_frame(EXPLODING, 0))
        window = view.widget
        view.show(diverged)
        line = window.diagnosis
        assert on_screen(line) and line.text.text().startswith("Exploded at step 6:")
        top_left = line.mapTo(window, line.rect().topLeft())
        where = QRect(top_left, line.size())
        assert not any(where.intersects(d.geometry()) for d in window.docks.values() if on_screen(d))
        assert line.remedy.isVisible() and line.remedy.text().startswith("Clip ‖∇C‖ at 1")
        qtbot.mouseClick(line.dismiss, Qt.MouseButton.LeftButton)      # the reader has read it
        view.show(diverged)
        assert not line.isVisible()
        view.show(run_frame(EXPLODING, 0))                             # another state: shown
        assert on_screen(line) and line.text.text().startswith("Exploding gradient")
        view.show(diverged)
        assert on_screen(line)
    finally:
        view.close()


def test_a_launched_ball_is_told_under_its_own_map_and_covers_nothing(qtbot):
    """The live run's "Launched off" sat on the baseline's map, over its title."""
    clipped = load_presets()["Clipping tames the cliff"].config
    launched = run_frame(clipped, 8, baseline=EXPLODING)          # the baseline launches
    assert launched.baseline.ball.launched and not launched.snapshot.ball.launched
    view = HeadlessView(clipped, "surface", (900, 500))
    try:
        view.show(launched)
        panel = view.widget
        baseline, live = panel.baseline_map, panel.map
        assert on_screen(baseline.note) and baseline.note.text().startswith("Launched off the map at step")
        assert not live.note.text().startswith("Launched")
        for cost_map in (baseline, live):               # under its plot, not over it
            assert cost_map.note.geometry().top() >= cost_map.plot.geometry().bottom()
    finally:
        view.close()


# ---------------------------------------------------------------- item 10
VIEW = {"theme": "light", "bars": "‖δ‖ per sample (with the theory)", "bars_log": False,
        "log_colour": False}


@pytest.fixture
def setup_file(tmp_path):
    import json
    path = tmp_path / "setup.json"
    path.write_text(json.dumps({"setup": 1, "config": {"depth": 3, "width": 8}, "view": VIEW}))
    return path


def test_config_takes_the_setups_theme_unless_theme_is_given(setup_file, tmp_path):
    import main
    for extra, theme in (([], "light"), (["--theme", "presentation"], "presentation")):
        args = main.parse_args(["--config", str(setup_file), "--export", str(tmp_path / "x.png"), *extra])
        setup, _ = main.checked(args)
        assert args.theme == theme and setup.view == VIEW


def test_a_window_opened_with_config_shows_the_setups_view(qtbot, setup_file, tmp_path, theme_restored):
    import main
    args = main.parse_args(["--config", str(setup_file)])
    setup, _ = main.checked(args)
    window = main.open_window(args, setup, QSettings(str(tmp_path / "lab.ini"), QSettings.Format.IniFormat))
    try:
        assert window.theme == "light" and window.controls.config.depth == 3
        shown = {}
        for panel in window.panels.values():
            shown.update(panel.view_state())
        assert shown == {key: value for key, value in VIEW.items() if key != "theme"}
    finally:
        window.close()


def test_the_diagnosis_speaks_in_the_theme_the_window_was_opened_with(qtbot, tmp_path, theme_restored):
    from ui.main_window import MainWindow
    from ui.style import THEMES
    window = MainWindow(SMALL, QSettings(str(tmp_path / "lab.ini"), QSettings.Format.IniFormat), engine=False,
                        theme="presentation")       # its type is applied after the window is made
    qtbot.addWidget(window)
    window.show_frame(run_frame(EXPLODING, 8))
    assert window.diagnosis.text.font().pointSize() == THEMES["presentation"].font_pt



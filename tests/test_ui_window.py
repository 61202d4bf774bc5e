"""The window, driven through its real widgets (pytest-qt, offscreen)."""

import time

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction

from simulator import SimConfig
from simulator.session import CATCH_UP, TICK
from ui.widgets import ValueSlider, on_screen
from ui_helpers import close_window, make_window, preset, wait_for_config, wait_on_engine


def _move(widget, value=None):
    """Change a control the way a user would; returns nothing."""
    if isinstance(widget, ValueSlider):
        slider = widget.slider
        slider.setValue(slider.value() + 1 if slider.value() < slider.maximum() else slider.value() - 1)
    elif widget.metaObject().className() == "QComboBox":
        widget.setCurrentIndex((widget.currentIndex() + 1) % widget.count())
    elif widget.metaObject().className() == "QCheckBox":
        widget.click()
    else:
        widget.setValue(widget.value() + 1)


CONTROLLED = ["depth", "width", "activation", "init", "sigma_w", "sigma_b", "learning_rate",
              "optimizer", "batch_size", "clip", "clip_threshold", "batch_norm", "residual",
              "dataset", "noise", "seed"]


@pytest.mark.parametrize("field", CONTROLLED)
def test_each_control_changes_the_config_the_engine_runs(window, qtbot, field):
    controls = window.controls
    if field in ("sigma_w", "sigma_b"):
        controls.fields["init"].setCurrentText("scaled_normal")
    if field == "clip_threshold":
        controls.fields["clip"].setChecked(True)
    before = getattr(controls.config, field)
    widget = controls.fields[field]
    assert widget.isEnabled() and widget.toolTip()
    _move(widget)
    after = getattr(controls.config, field)
    assert after != before
    wait_for_config(qtbot, window)
    assert getattr(window.painted.snapshot.config, field) == after


def test_bars_count_equals_depth_plus_one(window, qtbot):
    for depth in (7, 1, 12):
        window.controls.fields["depth"].slider.setValue(depth - 1)   # slider index = depth - 1
        qtbot.waitUntil(lambda: window.painted.snapshot.config.depth == depth, timeout=5000)
        bars = window.panels["bars"]
        assert len(bars.bars.plain.opts["x"]) == depth + 1 == len(bars.logs)
        expected = np.log10(window.painted.snapshot.stats.grad_b_norm)   # the default quantity
        assert np.allclose(bars.logs, expected)


def test_deep_sigmoid_headline_says_how_much_slower_layer_one_learns(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, preset("Deep sigmoid (vanishing)"))
    try:
        text = w.panels["bars"].ratio.text()
        assert text.startswith("Layer 1 learns") and "slower than layer 11" in text
        assert w.panels["bars"].logs[-1] - w.panels["bars"].logs[0] > 4
    finally:
        close_window(w)


def test_play_moves_the_ball_downhill_and_pause_stops(window, qtbot):
    start = window.painted.snapshot.ball
    qtbot.mouseClick(window.controls.play_button, Qt.MouseButton.LeftButton)
    # the ball's cost is measured on a share of the time, and says at which step
    wait_on_engine(qtbot, window, lambda: window.painted.snapshot.ball.measured >= 20)
    ball = window.painted.snapshot.ball
    assert ball.cost < start.cost and len(ball.trail) > 1
    qtbot.mouseClick(window.controls.play_button, Qt.MouseButton.LeftButton)
    wait_on_engine(qtbot, window, lambda: not window.painted.playing)
    step = window.painted.snapshot.step
    qtbot.wait(200)
    assert window.painted.snapshot.step == step


def test_an_engine_fault_leaves_play_saying_play(window, qtbot):
    """The engine pauses itself on a fault of its own; the button had gone on saying
    "Pause" over a lab that did nothing (seen live after a fault)."""
    qtbot.mouseClick(window.controls.play_button, Qt.MouseButton.LeftButton)
    assert window.controls.play_button.text() == "Pause"
    window.engine.failed.emit("AttributeError: something")
    assert not window.state.playing and not window.controls.play_button.isChecked()
    assert window.controls.play_button.text() == "Play"
    assert "The engine met a fault and paused" in window.statusBar().currentMessage()


def test_keyboard_space_plays_s_steps_r_resets(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.painted.snapshot.step == 1, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.controls.play_button.isChecked()
    qtbot.waitUntil(lambda: window.painted.snapshot.step > 5, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.controls.play_button.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: window.painted.snapshot.step == 0, timeout=5000)


def test_diverging_preset_shows_its_message_and_reset_recovers(window, qtbot):
    window.controls.preset.setCurrentText("Large weights (exploding)")
    wait_for_config(qtbot, window)
    qtbot.mouseClick(window.controls.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.painted.snapshot.diverged is not None, timeout=10000)
    assert on_screen(window.diagnosis) and window.diagnosis.text.text().startswith("Exploded at step")
    qtbot.waitUntil(lambda: window.controls.play_button.text() == "Play", timeout=2000)  # paused itself
    assert not window.controls.play_button.isChecked() and not window.painted.playing
    qtbot.mouseClick(window.controls.reset_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.painted.snapshot.step == 0
                    and window.painted.snapshot.diverged is None, timeout=5000)
    assert not window.diagnosis.text.text().startswith("Exploded")


def test_a_cliff_launches_the_network_off_the_map_and_its_map_says_so(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, preset("Large weights (exploding)"))
    try:
        qtbot.mouseClick(w.controls.play_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.painted.snapshot.diverged is not None, timeout=10000)
        assert w.painted.snapshot.ball.launched is not None
        note = w.panels["surface"].map.note
        assert on_screen(note) and note.text().startswith("Launched off the map at step")
    finally:
        close_window(w)


def test_clicking_the_map_starts_the_probe_there(window, qtbot):
    panel = window.panels["surface"]
    qtbot.waitUntil(lambda: panel.surface is not None, timeout=5000)
    view = panel.plot.getPlotItem().vb
    scene_point = view.mapViewToScene(QPointF(-0.5, 0.25))
    widget_point = panel.plot.mapFromScene(scene_point)
    ball = window.painted.snapshot.ball.position
    qtbot.mouseClick(panel.plot.viewport(), Qt.MouseButton.LeftButton, pos=widget_point)
    qtbot.waitUntil(lambda: window.painted.snapshot.probe is not None, timeout=5000)
    assert np.allclose(window.painted.snapshot.probe.trail[0], [-0.5, 0.25], atol=0.05)
    qtbot.waitUntil(lambda: window.painted.snapshot.probe.steps >= 5, timeout=5000)    # it rolls
    assert np.array_equal(window.painted.snapshot.ball.position, ball)     # the network stays
    assert "probe" in panel.map.note.text()


def test_surface_panel_shows_the_surface_it_was_sent(window, qtbot):
    panel = window.panels["surface"]
    surface = window.painted.snapshot.surface
    image = panel.image.image
    assert image.shape == surface.cost.shape
    assert np.allclose(image, np.log10(surface.cost))
    panel.log_scale.setChecked(False)
    assert np.allclose(panel.image.image, surface.cost)
    assert "layer 1" in panel.plot.getAxis("bottom").labelText
    assert f"layer {surface.v_layer}" in panel.plot.getAxis("left").labelText


def test_loss_panel_plots_the_history(window, qtbot):
    window.docks["loss"].raise_()          # in front (a short window has it behind the bars)
    window.controls.play_button.click()
    qtbot.waitUntil(lambda: len(window.painted.snapshot.history.eval_steps) > 5, timeout=10000)
    window.controls.play_button.click()
    qtbot.waitUntil(lambda: not window.painted.playing, timeout=5000)
    curve = window.panels["loss"].train        # redrawn at most 10 times a second
    qtbot.waitUntil(lambda: np.array_equal(curve.getOriginalDataset()[0],
                                           window.painted.snapshot.history.eval_steps), timeout=2000)
    assert np.allclose(curve.getOriginalDataset()[1], window.painted.snapshot.history.train_loss)


def test_a_theme_chosen_in_presentation_mode_brings_the_layout_of_before_back(window, qtbot):
    """A live walkthrough chose Dark theme from the menu in presentation mode: the loss and
    learning speed stayed tabs behind the bars, Show all panels kept them there, and the
    layout was saved for the next start."""
    def loss_beside_bars():
        return window.docks["loss"] in window.tabifiedDockWidgets(window.docks["bars"])

    window.resize(1400, 900)                   # room for the loss under the bars
    qtbot.waitUntil(lambda: window.height() == 900)
    window.reset_layout()
    window.toggle_presentation()                               # F5
    assert loss_beside_bars()
    window.set_theme("dark")                                   # View ▸ Dark theme
    assert not loss_beside_bars() and window.docks["loss"].height() > 100
    window.tabifyDockWidget(window.docks["bars"], window.docks["loss"])   # stuck, as saved
    window.show_all()
    assert not loss_beside_bars()


def test_the_status_fields_keep_apart_in_presentation_type(window, qtbot, theme_restored):
    """A live walkthrough read "(test 0.6948) 356 steps/s 63 frames/s" run together in
    presentation mode: the fields' widths were pixels fixed for the dark theme's type."""
    from ui.main_window import STATUS_WIDEST
    dark = window.status["step"].font().pointSizeF()
    window.set_theme("presentation")
    qtbot.waitUntil(lambda: window.status["step"].font().pointSizeF() > dark)
    for key, widest in STATUS_WIDEST.items():
        label = window.status[key]
        assert label.contentsMargins().right() >= 8                        # a space between
        assert label.minimumWidth() >= label.fontMetrics().horizontalAdvance(widest)


def test_show_only_one_panel_and_show_all_gives_the_first_layout_back(window, qtbot):
    """A live walkthrough found "Show all panels" after "Show only" leaving the panels
    squashed (a plot with no room left, a legend cut to "test se"), a layout then saved."""
    from layout_check import short_plots
    from ui.docking import PLOT_LEAST
    window.resize(1400, 900)
    qtbot.wait(50)
    window.show_all()                                       # the first layout, at this size
    qtbot.wait(50)
    d = window.docks
    assert abs(d["surface"].width() - d["bars"].width()) <= 8                 # halves
    assert on_screen(d["loss"]) and on_screen(d["bars"])                       # one under the other
    assert short_plots(window, PLOT_LEAST) == []            # each with room for its data
    first = {n: (d.geometry(), on_screen(d)) for n, d in window.docks.items()}
    for name in ("surface", "bars", "loss"):
        window.show_only(name)
        assert [n for n, d in window.docks.items() if d.isVisible()] == [name]
        qtbot.wait(50)
        window.show_all()
        qtbot.wait(50)
        assert {n: (d.geometry(), on_screen(d)) for n, d in window.docks.items()} == first


def test_last_config_and_geometry_are_restored(qtbot, tmp_path):
    first = make_window(qtbot, tmp_path)
    first.controls.fields["depth"].slider.setValue(8)          # depth 9
    wait_for_config(qtbot, first)     # the panels' labels for depth 9 set the least width
    first.resize(max(760, first.minimumSizeHint().width()), 560)   # fits the 800 × 800 screen
    size = first.width(), first.height()                  # (no smaller than the window can be)
    close_window(first)
    second = make_window(qtbot, tmp_path, None)
    try:
        assert second.controls.config.depth == 9
        assert (second.width(), second.height()) == size
    finally:
        close_window(second)


def started_with(qtbot, tmp_path, saved):
    """(the config a window shows and paints, what it said) when the settings hold ``saved``
    (JSON text) as the last config used; the window is closed again."""
    from PySide6.QtCore import QSettings
    settings = QSettings(str(tmp_path / "lab.ini"), QSettings.Format.IniFormat)
    settings.setValue("config", saved)
    settings.sync()
    w = make_window(qtbot, tmp_path, None)
    try:
        wait_for_config(qtbot, w)
        return w.controls.config, w.lecture.last_message
    finally:
        close_window(w)


def test_a_bad_saved_config_falls_back_to_defaults(qtbot, tmp_path):
    assert started_with(qtbot, tmp_path, '{"depth": 0}')[0] == SimConfig()


def test_saved_settings_whose_data_file_cannot_be_used_start_on_the_defaults_and_say_why(qtbot, tmp_path):
    """Issue 23, finding 1: a saved config naming a file of zero input columns left a window
    that never painted, at every start, the engine printing tracebacks. The engine reads
    the file (the window does not: a large one held its start for seconds): a file changed
    since trains, a bad one is refused in one sentence and the defaults run."""
    data = tmp_path / "d.csv"
    data.write_text("".join(f"{i},{i % 5},{'ab'[i % 2]}\n" for i in range(30)))
    stale = SimConfig(depth=2, dataset="file", data_file=str(data), data_digest="0" * 64)
    config, said = started_with(qtbot, tmp_path, stale.to_json())
    assert config == stale.replace(data_digest="") and said is None
    empty = tmp_path / "empty.npz"
    np.savez(empty, X=np.zeros((40, 0)), y=np.arange(40) % 2)
    config, said = started_with(qtbot, tmp_path, stale.replace(data_file=str(empty)).to_json())
    assert config == SimConfig()
    assert said.startswith("That setting was not used: ") and "empty.npz" in said and "\n" not in said


def test_closing_while_training_ends_the_engine_within_a_second(qtbot, tmp_path):
    import time
    w = make_window(qtbot, tmp_path, SimConfig(depth=30, width=32))
    w.controls.play_button.click()
    qtbot.waitUntil(lambda: w.painted.snapshot.step > 0, timeout=10000)
    start = time.monotonic()
    w.close()
    assert not w.engine.running and w.engine.process.exitcode == 0
    assert time.monotonic() - start < 1.0


def test_speed_slider_sets_steps_per_frame(window, qtbot):
    speed = window.controls.speed
    speed.slider.setValue(speed.values.index(1))              # one step a frame (five by default)
    steps = []
    window.engine.frame_ready.connect(lambda frame: steps.append((frame.snapshot.step, time.monotonic())))
    window.controls.play_button.click()
    wait_on_engine(qtbot, window, lambda: len(steps) > 30 and steps[-1][0] > steps[0][0])
    (first, began), (last, ended) = steps[0], steps[-1]
    # Paced by the clock, one step for every TICK since (a late tick catches up, CATCH_UP at
    # most): at five a frame there would be five times as many. A busy machine trains fewer.
    assert 0 < last - first <= (ended - began) / TICK + CATCH_UP + 1


def test_an_engine_that_dies_is_reported_and_the_window_lives_on(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    window.engine.process.kill()
    qtbot.waitUntil(lambda: window.lecture.last_message is not None, timeout=5000)
    assert "engine stopped unexpectedly (exit code -9)" in window.lecture.last_message
    window.controls.step_button.click()                   # commands to a dead engine are dropped
    window.controls.fields["depth"].slider.setValue(4)
    qtbot.wait(50)
    window.close()
    assert not window.engine.running


def test_a_recording_says_so_in_the_status_bar_while_it_plays(window, qtbot, tmp_path):
    window.controls.play_button.click()
    qtbot.waitUntil(lambda: window.painted.playing, timeout=5000)
    window.lecture.record("bars", tmp_path / "bars.gif", fps=10, max_seconds=2.0)
    note = window.lecture.recording_note      # a red dot and the time, beside the status
    qtbot.waitUntil(lambda: note.isVisible() and "●" in note.text() and "Recording" in note.text(), timeout=60000)
    window.lecture.stop_recording()
    qtbot.waitUntil(lambda: (tmp_path / "bars.gif").exists(), timeout=10000)
    window.controls.play_button.click()
    qtbot.waitUntil(lambda: not window.painted.playing, timeout=5000)
    assert window.status["fps"].text() == ""  # no frame rate while paused


def test_when_playback_stops_every_panel_on_screen_shows_the_last_frame(window, qtbot):
    """Panels are drawn one per event-loop turn while playing; none may be left behind
    on an older frame when the frames stop."""
    window.resize(1400, 900)                   # room for the loss under the bars
    qtbot.waitUntil(lambda: window.height() == 900)
    window.reset_layout()
    last_shown = {}
    for name, panel in window.panels.items():
        original = panel.show_frame
        panel.show_frame = lambda frame, name=name, original=original: (
            last_shown.__setitem__(name, frame), original(frame))
    qtbot.mouseClick(window.controls.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.painted.snapshot.step >= 30, timeout=10000)
    qtbot.mouseClick(window.controls.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.painted.playing and window.latest is None
                    and not window._round, timeout=5000)
    on_screen = [name for name, panel in window.panels.items() if panel.visibleRegion().isEmpty() is False]
    assert len(on_screen) >= 3
    for name in on_screen:
        assert last_shown[name] is window.painted, name


def test_f5_is_the_lecture_hall_c_brings_the_controls_back_and_esc_leaves(window, qtbot, theme_restored):
    """F5 kept the window at its size with the Controls column (issue 26, item 1): now it
    goes full screen with the controls folded away; Esc gives back what there was."""
    from PySide6.QtWidgets import QDockWidget
    controls = window.findChild(QDockWidget, "controls")
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280)
    theme, size = window.theme, window.size()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.isFullScreen() and window.theme == "presentation" and not controls.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert controls.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert not controls.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.isFullScreen() and window.theme == theme and controls.isVisible()
    qtbot.waitUntil(lambda: window.size() == size, timeout=10000)


def test_reset_layout_gives_back_the_first_starts_layout_whatever_was_moved(qtbot, tmp_path):
    """View ▸ Reset layout (issue 26, item 2): the loss tabbed behind the bars, the surface
    floated, the controls closed, a card's panel shown: all as a fresh window has them."""
    from PySide6.QtWidgets import QDockWidget

    def layout(w):
        """Each dock: shown, floating, in front, and the docks tabbed with it."""
        return {name: (dock.isVisible(), dock.isFloating(), on_screen(w.panels[name]),
                       sorted(d.objectName() for d in w.tabifiedDockWidgets(dock)))
                for name, dock in w.docks.items()}

    fresh = make_window(qtbot, tmp_path / "fresh")
    fresh.resize(1280, 720)
    qtbot.waitUntil(lambda: fresh.width() == 1280)
    expected = layout(fresh)
    window = make_window(qtbot, tmp_path / "moved")
    try:
        window.resize(1280, 720)
        qtbot.waitUntil(lambda: window.width() == 1280)
        window.tabifyDockWidget(window.docks["bars"], window.docks["loss"])
        window.docks["surface"].setFloating(True)
        window.findChild(QDockWidget, "controls").hide()
        window.docks["jacobian"].show()
        assert layout(window) != expected
        next(a for a in window.findChildren(QAction) if a.text() == "Reset layout").trigger()
        assert window.findChild(QDockWidget, "controls").isVisible()
        assert layout(window) == expected
    finally:
        close_window(window)
        close_window(fresh)

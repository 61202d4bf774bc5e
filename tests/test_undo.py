"""Undo and redo of the settings (issue 26, item 7): a drag is one change, a clean slate
undone is the clean slate before it, and in the window Ctrl+Z and Ctrl+Shift+Z do it."""
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from simulator import SimConfig, load_presets
from ui.history import MERGE, History
from ui.state import LabState
from ui_helpers import wait_for_config


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def recorded(state):
    edits = []
    state.listen(lambda edit, *arguments: edits.append((edit, *arguments)))
    return edits


def test_a_drag_is_one_change_and_a_second_control_another():
    clock, start = Clock(), SimConfig()
    state = LabState(start)
    history = History(state, clock=clock)
    for depth in (7, 9, 12, 15):                  # a drag: values MERGE apart at most
        state.set_config(SimConfig(depth=depth))
        clock.now += MERGE / 2
    clock.now += 2 * MERGE
    state.set_config(SimConfig(depth=15, learning_rate=0.1))
    assert history.undo_words() == "η 0.1 → 0.5"
    history.undo()
    assert state.config == SimConfig(depth=15) and history.undo_words() == "depth 15 → 6"
    history.undo()
    assert state.config == start and history.undo_words() is None
    history.undo()                                 # nothing left: nothing happens
    assert state.config == start
    history.redo()
    history.redo()
    assert state.config == SimConfig(depth=15, learning_rate=0.1) and history.redo_words() is None


def test_the_same_control_after_a_pause_is_a_change_of_its_own():
    clock = Clock()
    state = LabState(SimConfig())
    history = History(state, clock=clock)
    state.set_config(SimConfig(depth=8))
    clock.now += 2 * MERGE
    state.set_config(SimConfig(depth=9))
    history.undo()
    assert state.config == SimConfig(depth=8)


def test_a_drag_back_to_where_it_began_is_no_change():
    clock = Clock()
    state = LabState(SimConfig())
    history = History(state, clock=clock)
    state.set_config(SimConfig(depth=8))
    state.set_config(SimConfig(depth=6))
    assert history.undo_words() is None


def test_a_clean_slate_undone_is_the_clean_slate_before_it_and_a_new_change_ends_redo():
    presets = load_presets()
    relu = presets["Deep ReLU + He (healthy)"]
    state = LabState(SimConfig(depth=3))
    history = History(state, clock=Clock())
    state.pin_baseline()
    state.restart(relu.config, relu.baseline)
    edits = recorded(state)
    history.undo()
    assert edits == [("restart", SimConfig(depth=3), SimConfig(depth=3))]      # config and baseline
    history.redo()
    assert edits[-1] == ("restart", relu.config, relu.baseline)
    history.undo()
    state.set_config(SimConfig(depth=4))
    assert history.redo_words() is None


def test_what_the_engine_refused_is_not_a_change():
    state = LabState(SimConfig(depth=5))
    history = History(state, clock=Clock())
    state.running(SimConfig())
    assert history.undo_words() is None


def test_ctrl_z_in_the_window_undoes_a_preset_and_a_drag_and_ctrl_shift_z_redoes(window, qtbot):
    start = window.state.config
    window.controls.preset.setCurrentText("Deep sigmoid (vanishing)")
    preset = window.state.config
    depth = window.controls.fields["depth"].slider
    for value in (12, 14, 16):
        depth.setValue(value)
    dragged = window.state.config.depth
    assert dragged != preset.depth and window.undo_action.text() == f"Undo depth {dragged} → {preset.depth}"
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.state.config == preset and window.controls.config == preset
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.state.config == start and window.controls.config == start
    wait_for_config(qtbot, window)                  # the engine runs what the controls say
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.state.config == preset and window.state.baseline is None
    assert window.undo_action.isEnabled() and window.redo_action.text().startswith("Redo depth")

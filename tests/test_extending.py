"""The two thought experiments of a newcomer (issue 25): adding a panel, and adding an
activation, each touch one file (and a registry line). Both are done here, in the test
alone, and seen everywhere they must be."""
import json

import numpy as np
import pytest
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout

from helpers import central_differences, relative_error
from simulator import SimConfig
from simulator.activations import ACTIVATIONS, Activation
from simulator.network import Network
from ui.guide import guide_html
from ui.headless import run_frame
from ui.panels import PANELS, Panel, build
from ui.panels.activation import ActivationPanel
from ui.panels.chain import ChainRulePanel
from ui.picture import panel_picture
from ui.state import LabState
from ui_helpers import close_window, make_window, read, shown


# ------------------------------------------------------------------ a panel in one file
class StepPanel(Panel):
    """The step, written large: all a panel needs to be a panel."""

    title = "Step counter"
    help = "The training step the network is at, written large enough for the back row."
    place = ("behind", "loss")
    view_keys = {"step_bold": bool}
    requests = {"step_requested": "step_once"}
    step_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = QLabel()
        self.bold = QCheckBox("bold")
        self.bold.toggled.connect(self.view_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bold)
        layout.addWidget(self.label)
        self.restyle()

    def show_frame(self, frame):
        self.label.setText(f"step {frame.snapshot.step}")

    def view_state(self):
        return {"step_bold": self.bold.isChecked()}

    def restore_view(self, state):
        if "step_bold" in state:
            self.bold.setChecked(state["step_bold"])

    def view_controls(self):
        return (self.bold,)

    def picture_caption(self):
        return "bold" if self.bold.isChecked() else "plain"


@pytest.fixture
def with_step_panel(monkeypatch):
    monkeypatch.setitem(PANELS, "steps", StepPanel)          # its one registry line


def test_a_new_panel_is_in_the_view_menu_help_layout_setups_requests_and_pictures(with_step_panel, qtbot,
                                                                                   tmp_path):
    window = make_window(qtbot, tmp_path)
    try:
        panel, dock = window.panels["steps"], window.docks["steps"]
        texts = [action.text() for action in window.findChildren(QAction)]
        assert "Step counter" in texts and "Show only Step counter" in texts          # View menu
        assert "<h3>Step counter</h3><p>The training step" in guide_html()         # Help
        assert dock in window.tabifiedDockWidgets(window.docks["loss"])            # its place
        window.show_only("steps")                                                   # shown: it draws
        qtbot.waitUntil(lambda: panel.label.text() == f"step {window.painted.snapshot.step}")
        panel.step_requested.emit()                                                 # its request
        qtbot.waitUntil(lambda: window.painted.snapshot.step == 1 and panel.label.text() == "step 1")
        panel.bold.setChecked(True)                                                 # its view choice
        assert window.state.view["step_bold"] is True
        setup = tmp_path / "setup.json"
        assert window.lecture.save_setup(setup)
        assert json.loads(setup.read_text())["view"]["step_bold"] is True
        panel.bold.setChecked(False)
        assert read(qtbot, window, "load_setup", setup) and panel.bold.isChecked()
        bad = json.loads(setup.read_text())
        bad["view"]["step_bold"] = "yes"
        setup.write_text(json.dumps(bad))
        assert not read(qtbot, window, "load_setup", setup)
        assert "view: step_bold must be a bool" in window.lecture.last_message
        image = panel_picture(window.painted, "steps", (400, 200), view={"step_bold": True})
        assert (image.width(), image.height()) == (400, 200)
        path = tmp_path / "steps.png"
        assert window.lecture.export_picture("steps", path, size=(400, 200)) and path.stat().st_size > 0
    finally:
        close_window(window)


# ------------------------------------------------------------------ an activation in one file
def _half_tanh(z):
    return 0.5 * np.tanh(z)


def _half_tanh_with_derivative(z, out=None):
    h, d = (np.empty_like(z, dtype=float), np.empty_like(z, dtype=float)) if out is None else out
    np.copyto(h, 0.5 * np.tanh(z))
    np.copyto(d, 0.5 / np.cosh(np.clip(z, -300, 300)) ** 2)
    return h, d


HALF_TANH = Activation("half_tanh", _half_tanh, _half_tanh_with_derivative, 0.5, 0.0, 0.0,
                       "tanh(z)/2. φ' ≤ 1/2: every layer at least halves the error.")


@pytest.fixture
def with_half_tanh(monkeypatch):
    monkeypatch.setitem(ACTIVATIONS, HALF_TANH.name, HALF_TANH)     # its one registry entry


def test_a_new_activation_trains_exactly_and_every_part_of_the_lab_speaks_of_it(with_half_tanh, qtbot):
    config = SimConfig(activation="half_tanh", depth=4, width=6)        # a choice at once
    net = Network([2, 5, 5, 2], activation="half_tanh", seed=3)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(7, 2)), np.eye(2)[rng.integers(0, 2, 7)]
    assert relative_error(net.gradients(X, Y).flat,
                          central_differences(lambda: net.loss(X, Y), net.theta)) < 1e-6
    frame = run_frame(config, 3)
    assert np.isfinite(frame.snapshot.theory.chi_star)
    combo = __import__("ui.controls", fromlist=["ControlPanel"]).ControlPanel(LabState(config)).fields["activation"]
    assert combo.currentData() == "half_tanh"                            # the controls offer it
    activation = shown(qtbot, ActivationPanel())
    activation.show_frame(frame)
    assert activation.header.text().startswith("half_tanh: tanh(z)/2")
    assert activation.max_line.value() == 0.5
    chain = shown(qtbot, ChainRulePanel())
    chain.show_frame(frame)
    assert chain.bound.isVisible() and chain.bound.value() == pytest.approx(np.log10(0.5))
    assert chain.caption.text().endswith("(φ' ≤ 1/2).")
    build("bars").show_frame(frame)                                        # and the rest draw it

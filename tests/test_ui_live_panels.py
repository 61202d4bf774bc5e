"""The two live panels of issue 27, against independent computations: the activations
over training against a plain forward pass and percentiles by sorting, the Jacobian's
singular values against finite differences; both in the window, Help, setups, pictures."""
import numpy as np
import pytest
from PySide6.QtGui import QAction

from simulator import SimConfig, Simulation
from simulator.jacobian import SAMPLES
from ui.guide import guide_html
from ui.headless import run_frame
from ui.panels.activity import ActivityPanel
from ui.panels.jacobian import JacobianPanel
from ui.picture import panel_picture
from ui.style import THEMES, apply_theme
from ui.widgets import on_screen
from ui_helpers import close_window, make_window, shown, wait_on_engine

SMALL = SimConfig(depth=3, width=5, activation="sigmoid", init="normal")


def plain_hidden(sim, X):
    """The hidden layers' activations by hand: a = σ(a W + b), layer by layer."""
    a, layers = X, []
    for W, b in zip(sim.net.weights[:-1], sim.net.biases[:-1]):
        a = 1.0 / (1.0 + np.exp(-(a @ W + b)))
        layers.append(a)
    return layers


def test_the_activity_panel_draws_each_layers_mean_and_band_from_a_plain_computation(qtbot):
    frame = run_frame(SMALL, 100)
    panel = shown(qtbot, ActivityPanel())
    panel.show_frame(frame)
    panel.finish()
    steps = frame.snapshot.history.activity.steps
    again = Simulation(SMALL)
    for k, step in enumerate(steps):
        again.advance(step - again.step_count)
        layers = plain_hidden(again, again.data.X_test[:300])
        for l, line in zip(panel.layers, panel.lines):
            assert line.getData()[1][k] == pytest.approx(layers[l].mean(), abs=1e-12)
        for l, (low, high, _) in zip(panel.banded, panel.bands):
            ordered = np.sort(layers[l].ravel())
            position = 0.98 * (ordered.size - 1)           # the 98th percentile between two values
            below = int(position)
            assert high.getData()[1][k] == pytest.approx(
                ordered[below] + (position - below) * (ordered[below + 1] - ordered[below]), abs=1e-12)
    assert panel.banded == [0, 2] and panel.bars.opts["height"].tolist() == list(
        frame.snapshot.history.activity.saturated[-1])
    assert panel.header.text().startswith("Top hidden layer (3): mean a = ")


def test_the_jacobian_panel_histograms_finite_difference_singular_values(qtbot):
    from test_jacobian import finite_difference_jacobian
    config = SimConfig(depth=3, width=5, activation="tanh", init="orthogonal")
    frame = run_frame(config, 10)
    sim = Simulation(config)
    sim.advance(10)
    naive = np.concatenate([np.linalg.svd(finite_difference_jacobian(sim.net, x, 3), compute_uv=False)
                            for x in sim.data.X_test[:SAMPLES]])
    panel = shown(qtbot, JacobianPanel())
    panel.show_frame(frame)
    counts, _ = np.histogram(np.log10(naive), panel.edges)
    assert np.allclose(panel.shares, counts / naive.size) and panel.edges[0] <= 0 <= panel.edges[-1]
    logs = np.log(naive)
    assert f"spread (std of ln σ) {np.sqrt(np.mean((logs - logs.mean()) ** 2)):.2f}" in panel.header.text()
    assert f"on {SAMPLES} test inputs" in panel.header.text()


def test_in_the_recurrent_mode_the_panels_speak_of_time_steps_or_say_why_not(qtbot):
    frame = run_frame(SimConfig(recurrent=True, activation="tanh", time_steps=6, width=5), 20)
    activity = shown(qtbot, ActivityPanel())
    activity.show_frame(frame)
    activity.finish()
    assert activity.header.text().startswith("Top time step (6)")
    assert activity.legend.items[0][1].text == "time step 1"
    jacobian = shown(qtbot, JacobianPanel())
    jacobian.show_frame(frame)
    assert "recurrent network multiplies by the same W" in jacobian.header.text()
    assert jacobian.shares.sum() == 0


@pytest.mark.parametrize("theme", list(THEMES))
def test_both_panels_take_every_theme(qtbot, theme, theme_restored):
    frame = run_frame(SMALL, 50)
    apply_theme(theme)
    for name in ("activity", "jacobian"):
        image = panel_picture(frame, name, (640, 400))
        assert (image.width(), image.height()) == (640, 400)


def test_the_window_hosts_both_and_takes_the_jacobian_only_while_it_is_shown(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    try:
        texts = [action.text() for action in window.findChildren(QAction)]
        for title in ("Activations over training", "Jacobian's singular values"):
            assert title in texts and f"Show only {title}" in texts and f"<h3>{title}</h3>" in guide_html()
        assert not window.docks["activity"].isVisible() and not window.docks["jacobian"].isVisible()
        for name in ("activity", "jacobian"):          # a paper card's panel waits in the View menu
            window.docks[name].toggleViewAction().trigger()
        assert window.docks["activity"] in window.tabifiedDockWidgets(window.docks["activation"])
        assert window.docks["jacobian"] in window.tabifiedDockWidgets(window.docks["chain"])
        assert on_screen(window.panels["surface"]) and on_screen(window.panels["bars"])   # still in front
        wait_on_engine(qtbot, window, lambda: window.painted is not None)
        assert "jacobian" not in window.state.needs                   # behind the chain rule: hidden
        window.show_only("jacobian")
        qtbot.waitUntil(lambda: "jacobian" in window.state.needs)
        wait_on_engine(qtbot, window, lambda: window.painted.spectrum is not None)
        path = tmp_path / "jacobian.png"
        assert window.lecture.export_picture("jacobian", path, size=(500, 300)) and path.stat().st_size > 0
        setup = tmp_path / "setup.json"
        assert window.lecture.save_setup(setup)
    finally:
        close_window(window)

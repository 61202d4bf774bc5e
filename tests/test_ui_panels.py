"""Each teaching panel shows what the data says (pytest-qt, offscreen)."""
import numpy as np
import pytest
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from simulator import SimConfig
from simulator.phase import phase_diagram
from ui.export import image_to_rgb
from ui.headless import run_frame
from ui.panels import build
from ui.panels.activation import ActivationPanel
from ui.panels.bars import GradientBarsPanel
from ui.panels.chain import ChainRulePanel, caption
from ui.panels.phase import PhaseDiagramPanel
from ui.panels.speed import LearningSpeedPanel, geometric_running_mean
from ui.style import layer_colors
from ui_helpers import HANG_MS, shown

DEEP_SIGMOID = SimConfig(depth=8, width=12, activation="sigmoid")


def test_learning_speed_has_one_curve_per_layer_from_the_history(qtbot):
    panel = shown(qtbot, LearningSpeedPanel())
    frame = run_frame(DEEP_SIGMOID, 120)
    panel.show_frame(frame)
    panel.throttle.flush()
    h = frame.snapshot.history
    assert len(panel.curves) == DEEP_SIGMOID.depth + 1
    for curve, column in zip(panel.curves, h.speed.T):
        x, y = curve.getOriginalDataset()
        assert np.array_equal(x, h.steps)
        assert np.allclose(y, geometric_running_mean(column, max(1, len(h.steps) // 50)))
    first, last = (np.median(c.getOriginalDataset()[1]) for c in (panel.curves[0], panel.curves[-1]))
    assert last / first > 1e3                 # early layers far below late ones


def test_geometric_running_mean_by_hand():
    values = np.array([1.0, 100.0, 10.0, 1000.0])
    assert np.allclose(geometric_running_mean(values, 2), [1.0, 10.0, np.sqrt(1000), 100.0])


def test_chain_rule_line_is_the_product_of_the_bars(qtbot):
    panel = shown(qtbot, ChainRulePanel())
    frame = run_frame(DEEP_SIGMOID, 5)
    panel.show_frame(frame)
    bars = panel.bars.plain.opts
    factor_logs = np.asarray(bars["y0"]) + np.asarray(bars["height"])     # top of each bar
    _, product_logs = panel.product.getData()
    n = len(product_logs)
    for l in range(n - 1):                    # P^l = f^{l+1} ⋯ f^L, layers counted from 1
        assert product_logs[l] == pytest.approx(factor_logs[l:].sum(), abs=1e-9)
    assert product_logs[-1] == 0.0
    assert panel.bound.isVisible() and panel.bound.value() == pytest.approx(np.log10(0.25))
    assert panel.caption.text().startswith(f"Layer 1's error is the product of {DEEP_SIGMOID.depth} factors")


def test_chain_rule_caption_in_words():
    assert "each below 1/4" in caption(np.array([0.2, 0.1]), 0.02, "sigmoid")
    assert "each above 1" in caption(np.array([2.0, 3.0]), 6.0, "relu")
    assert "10⁻⁶" in caption(np.full(6, 0.1), 1e-6, "tanh")
    assert ": together 27× the output's error." in caption(np.array([3.0, 3.0, 3.0]), 27.0, "relu")
    assert ": together 10⁴× the output's error." in caption(np.full(4, 10.0), 1e4, "relu")
    assert ": together 0.25 of the output's error" in caption(np.array([0.5, 0.5]), 0.25, "tanh")
    assert caption(np.array([0.2]), 0.2, "sigmoid").startswith("Layer 1's error is the product of 1 factor, below 1/4:")


@pytest.mark.parametrize("activation, label", [("sigmoid", "max φ' = 0.25"), ("tanh", "max φ' = 1"),
                                               ("relu", "max φ' = 1")])
def test_activation_panel_labels_the_maximum_of_the_derivative(qtbot, activation, label):
    panel = shown(qtbot, ActivationPanel())
    panel.show_frame(run_frame(SimConfig(depth=3, width=8, activation=activation), 1))
    assert panel.max_text.toPlainText() == label
    assert panel.max_line.value() == pytest.approx(float(label.split("= ")[1]))
    panel.resize(400, 500)                        # a narrow panel: for ReLU the label ran off
    view = panel.curves.getPlotItem().vb          # the right edge ("max φ" and no more)

    def across():
        plot, text = view.sceneBoundingRect(), panel.max_text.sceneBoundingRect()
        return plot.left() <= text.left() and text.right() <= plot.right()

    qtbot.waitUntil(across, timeout=2000)


def test_activation_histogram_counts_every_hidden_unit_of_every_sample(qtbot):
    """φ'(z) of every sample of the surface's data: what the diagnosis counts dead or
    saturated units on (the training set's 300 points; 256 of them where there are more)."""
    panel = shown(qtbot, ActivationPanel())
    config = SimConfig(depth=4, width=10, batch_size=16, n_samples=200)
    frame = run_frame(config, 3)
    panel.show_frame(frame)
    samples = len(frame.snapshot.data.y_train)
    assert frame.snapshot.surface.samples == samples == 150
    assert panel.counts.sum() == 4 * 10 * samples          # pooled: hidden units × samples
    panel.layer.setCurrentIndex(2)                         # one layer
    assert panel.counts.sum() == 10 * samples
    assert np.array_equal(panel.counts, frame.snapshot.derivatives.histogram[1])


def test_activation_panel_shows_dead_relus(qtbot):
    panel = shown(qtbot, ActivationPanel())
    frame = run_frame(SimConfig(depth=6, width=8, activation="relu", init="he"), 1)
    panel.show_frame(frame)
    share = 100 * frame.snapshot.derivatives.dead_fraction.mean()
    assert panel.share.text() == f"dead units (φ' = 0 on every sample): {share:.0f} %"


def test_decision_boundary_shows_the_network_output_and_the_points(qtbot):
    panel = shown(qtbot, build("decision"))
    frame = run_frame(SimConfig(depth=2, width=8, dataset="gauss", optimizer="adam",
                                learning_rate=0.05), 200)
    panel.show_frame(frame)
    s = frame.snapshot
    assert np.array_equal(panel.image.image, s.decision.probability)
    assert len(panel.train.data) == len(s.data.y_train) and len(panel.test.data) == len(s.data.y_test)
    # the gauss blobs sit at (±0.5, ±0.5): the network has learned which is which
    corner = s.decision.probability
    assert corner[-1, -1] > 0.9 and corner[0, 0] < 0.1
    assert f"test {100 * s.test_accuracy:.0f} %" in panel.accuracy.text()


@pytest.mark.parametrize("theme", ["dark", "light", "presentation"])
def test_the_undecided_middle_of_the_decision_map_is_near_the_background(qtbot, theme, theme_restored):
    """A live walkthrough found the undecided band a dark block on the light themes' white."""
    from PySide6.QtGui import QColor

    from ui.style import THEMES, apply_theme
    apply_theme(theme)
    panel = shown(qtbot, build("decision"))
    middle = panel.image.getColorMap().map(0.5, mode="qcolor")
    assert abs(middle.lightnessF() - QColor(THEMES[theme].background).lightnessF()) < 0.15


@pytest.mark.parametrize("theme, grey", [("dark", (100, 104, 111)), ("presentation", (138, 143, 152))])
def test_faint_curves_are_drawn_opaque(qtbot, theme, grey, theme_restored):
    """The minibatch's faint grey (#64686f on dark, #8a8f98 on the light themes: 3.2:1 and
    3.3:1 on their plots) and a baseline's faded learning speeds are drawn opaque: pyqtgraph
    strokes a wide translucent line as a path, and the loss panel took 80 ms to draw at
    projector size."""
    from ui.style import apply_theme
    apply_theme(theme)
    loss = shown(qtbot, build("loss"))
    assert loss.batch.opts["pen"].color().getRgb() == (*grey, 255)
    speed = shown(qtbot, LearningSpeedPanel())
    frame = run_frame(SimConfig(depth=3, width=4), 20, baseline=SimConfig(depth=3, width=4, activation="relu"))
    speed.show_frame(frame)
    speed.finish()
    assert speed.baseline_curves and all(c.opts["pen"].color().alpha() == 255 for c in speed.baseline_curves)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_theory_overlay_agrees_with_wide_networks_at_initialisation(qtbot, activation):
    init = "he" if activation == "relu" else "xavier"
    panel = shown(qtbot, GradientBarsPanel())
    panel.quantity.setCurrentText("‖δ‖ per sample (with the theory)")
    frame = run_frame(SimConfig(depth=6, width=256, activation=activation, init=init,
                                batch_size=128, n_samples=400), 0)
    panel.show_frame(frame)
    assert panel.theory.isVisible() and panel.theory_logs is not None
    ratio = 10 ** (panel.logs - panel.theory_logs)           # measured / predicted, per layer
    assert np.all(np.abs(ratio - 1) < 0.2), ratio
    assert panel.theory_label.text().startswith(f"χ = {frame.snapshot.theory.chi_star:.3g} per layer")


def test_theory_overlay_names_the_regime_or_says_why_not(qtbot):
    panel = shown(qtbot, GradientBarsPanel())
    panel.show_frame(run_frame(SimConfig(depth=3, width=8, activation="relu", init="he"), 0))
    assert "edge of chaos" in panel.theory_label.text()
    panel.show_frame(run_frame(SimConfig(depth=3, width=8, batch_norm=True), 0))
    assert "not with batch normalisation" in panel.theory_label.text()
    assert panel.theory_logs is None


def test_phase_diagram_critical_line_for_relu_sits_at_sigma_w_squared_two(qtbot):
    panel = shown(qtbot, PhaseDiagramPanel())
    panel.show_frame(run_frame(SimConfig(depth=5, width=8, activation="relu",
                                         init="scaled_normal", sigma_w=1.2), 0))
    qtbot.waitUntil(lambda: panel.diagram is not None, timeout=HANG_MS)  # measured in the background
                                                      # (a minute and more on a busy machine)
    assert panel.critical.isVisible()
    assert panel.critical.value() ** 2 == pytest.approx(2.0, rel=1e-5)
    assert list(panel.here.data["x"]) == [5] and panel.here.data["y"][0] == pytest.approx(1.2)
    d = panel.diagram
    below, above = d.sigma_ws < 1.2, d.sigma_ws > 1.7
    deep = d.depths > 20
    assert np.all(d.log_ratio[np.ix_(deep, below)] < -1)     # vanishing under the line
    assert np.all(d.log_ratio[np.ix_(deep, above)] > 1)      # exploding over it
    panel.shutdown()


def test_phase_diagram_covers_the_deepest_network_the_controls_allow(qtbot):
    """A network as deep as the config allows is on the measured map, its marker inside the
    cells (the map stopped at depth 50: the marker of a depth-100 network was off it)."""
    deepest = SimConfig.bounds("depth").high
    panel = shown(qtbot, PhaseDiagramPanel())
    panel.show_frame(run_frame(SimConfig(depth=deepest, width=4, activation="relu",
                                         init="scaled_normal", sigma_w=1.4), 0))
    qtbot.waitUntil(lambda: panel.diagram is not None, timeout=60000)
    cells = panel.image.mapRectToParent(panel.image.boundingRect())
    x, y = panel.here.data["x"][0], panel.here.data["y"][0]
    assert (x, y) == (deepest, pytest.approx(1.4))
    assert cells.left() <= x <= cells.right() and cells.top() <= y <= cells.bottom()
    view = panel.plot.getPlotItem().viewRect()
    assert view.left() <= x <= view.right()
    assert panel.diagram.depths.min() == SimConfig.bounds("depth").low
    panel.shutdown()


def test_phase_diagram_of_sigmoid_has_no_critical_line_in_range():
    d = phase_diagram("sigmoid", 0.0, depths=np.array([1, 10]), sigma_ws=np.array([0.5, 2.0, 4.0]),
                      seeds=1)
    assert np.isnan(d.critical_sigma_w) and np.all(d.log_ratio[1] < 0)


def test_surface_panel_redraws_for_a_rebuilt_network(qtbot):
    """The map, colour bar and contours belong to the network of the newest frame, also
    when a rebuilt network's surface is its first one."""
    from ui.panels.surface import SurfacePanel
    panel = shown(qtbot, SurfacePanel())
    for activation in ("sigmoid", "relu"):
        frame = run_frame(SimConfig(depth=4, width=6, activation=activation), 3)
        panel.show_frame(frame)
        with np.errstate(divide="ignore"):
            expected = np.log10(frame.snapshot.surface.cost)
        assert np.array_equal(panel.image.image, np.where(np.isfinite(expected), expected,
                                                          np.nanmax(expected)))
        assert np.array_equal(panel.contours.getData()[0], frame.contours[0], equal_nan=True)


def test_the_ball_keeps_one_rendering_of_its_symbol_over_many_frames(qtbot):
    """pyqtgraph renders a scatter's symbol once per identity of its brush: a brush made
    anew for every frame added a rendering a frame (up to a thousand of them)."""
    from ui.panels.surface import SurfacePanel
    panel = shown(qtbot, SurfacePanel())
    config = SimConfig(depth=3, width=4)
    for steps in range(1, 31):
        panel.show_frame(run_frame(config, steps))
    ball, rim = panel.map.ball, panel.map.rims[panel.map.ball]
    assert len(ball.data) == 1 and len(ball.fragmentAtlas) == 1 and len(rim.fragmentAtlas) == 1


def test_a_baselines_map_is_made_unseen_then_drawn_beside_the_live_one(qtbot):
    """The baseline's map (two plots, 20-45 ms) is made in one pass and drawn in another; a
    picture, which cannot wait, gets it from ``finish``."""
    from ui.panels.surface import SurfacePanel
    live, baseline = SimConfig(depth=4, width=6, activation="relu"), SimConfig(depth=4, width=6)
    frame = run_frame(live, 3, baseline=baseline)
    with np.errstate(divide="ignore"):
        expected = np.log10(frame.baseline.surface.cost)
    for complete in (lambda panel: panel.finish(), lambda panel: qtbot.waitUntil(
            lambda: panel.baseline_map.plot.isVisible() and panel.baseline_map.surface is not None)):
        panel = shown(qtbot, SurfacePanel())
        panel.show_frame(frame)
        assert panel.map.surface is frame.snapshot.surface          # the live run's map at once
        complete(panel)
        assert panel.baseline_map.plot.isVisible() and panel.maps.indexOf(panel.baseline_map.widget) == 0
        assert np.array_equal(panel.baseline_map.image.image,
                              np.where(np.isfinite(expected), expected, np.nanmax(expected)))


def test_an_image_is_placed_with_each_pixel_centred_on_its_grid_point(qtbot):
    import pyqtgraph as pg
    from PySide6.QtCore import QPointF
    from ui.widgets import place_by_centres
    image = pg.ImageItem(np.zeros((4, 3)))                         # 4 columns (x), 3 rows (y)
    x, y = np.linspace(-1.0, 2.0, 4), np.linspace(0.5, 1.5, 3)     # spacing 1 and 0.5
    covered = place_by_centres(image, x, y)
    for i in range(4):
        for k in range(3):
            centre = image.mapToParent(QPointF(i + 0.5, k + 0.5))
            assert (centre.x(), centre.y()) == pytest.approx((x[i], y[k]))
    assert (covered.left(), covered.right(), covered.top(), covered.bottom()) == \
        pytest.approx((-1.5, 2.5, 0.25, 1.75))


def _with_speeds(frame, speeds):
    """The frame with the speeds of learning ‖∂C/∂b‖ replaced by ``speeds`` (one per layer)."""
    from dataclasses import replace
    return replace(frame, snapshot=replace(frame.snapshot, speeds=np.asarray(speeds, dtype=float)))


def test_bars_draw_infinity_nan_and_zero_each_its_own_way(qtbot):
    panel = shown(qtbot, GradientBarsPanel())
    frame = _with_speeds(run_frame(SimConfig(depth=4, width=6), 2), [np.inf, np.nan, 0.0, 1e-3, 1.0])
    panel.show_frame(frame)
    assert sorted(panel.bars.texts()) == [(1.0, "▲∞"), (2.0, "NaN"), (3.0, "0")]
    bottom, top = panel.plot.getPlotItem().vb.viewRange()[1]
    plain = panel.bars.plain.opts
    heights = dict(zip(plain["x"], np.asarray(plain["y0"]) + np.asarray(plain["height"])))
    assert heights[1] == pytest.approx(top)                      # ∞: up through the top
    assert heights[3] == pytest.approx(bottom + 0.04 * (top - bottom))   # 0: a stub
    assert heights[4] == pytest.approx(-3.0) and heights[5] == pytest.approx(0.0)
    assert list(panel.bars.hatched.opts["x"]) == [2]             # NaN: hatched, not a bar
    assert panel.ratio.text() == "Layer 1's gradient overflowed (∞): it explodes"
    panel.show_frame(_with_speeds(frame, [0.0, 0.0, 0.0, 1e-3, 1.0]))
    assert panel.bars.texts() == [(2.0, "0 (1–3)")]                   # one mark, naming its run


def _drawn_heights(panel):
    """Each bar's drawn height (in axis units, from the axis' bottom), by layer."""
    plain = panel.bars.plain.opts
    return dict(zip(plain["x"], np.asarray(plain["height"])))


def test_log_bars_span_the_data_so_a_slow_layer_looks_slow(qtbot):
    panel = shown(qtbot, GradientBarsPanel())
    frame = run_frame(SimConfig(depth=8, width=6), 1)
    panel.show_frame(_with_speeds(frame, np.logspace(-8, 0, 9)))
    heights = _drawn_heights(panel)
    assert heights[1] < 0.25 * heights[9]         # 10⁻⁸ against 10⁰: under a quarter as tall
    bottom, top = panel.plot.getPlotItem().vb.viewRange()[1]
    assert -10 <= bottom <= -8 and 0 < top <= 2   # about a decade beyond either end


def test_log_bars_widen_at_once_and_shrink_only_when_much_too_wide(qtbot):
    panel = shown(qtbot, GradientBarsPanel())
    frame = run_frame(SimConfig(depth=3, width=6), 1)

    def axis(speeds):
        panel.show_frame(_with_speeds(frame, speeds))
        return tuple(round(v) for v in panel.plot.getPlotItem().vb.viewRange()[1])

    first = axis([1e-4, 1e-3, 1e-2, 1e-1])
    assert first == (-5, 0)
    assert axis([2e-4, 1e-3, 1e-2, 9e-2]) == first          # jitter inside: the axis holds
    assert axis([1e-7, 1e-3, 1e-2, 1e-1]) == (-8, 0)        # a bar leaves it: wider at once
    assert axis([1e-6, 1e-3, 1e-2, 1e-1]) == (-8, 0)        # one decade less: holds
    assert axis([1e-3, 1e-3, 1e-2, 1e-1]) == (-4, 0)        # three decades less: shrinks


def test_log_bars_hold_when_both_ends_jitter_across_a_decade(qtbot):
    """Minibatch gradients cross decade boundaries at both ends from step to step: the axis
    had jumped at every other frame (and both axes were redrawn each time)."""
    panel = shown(qtbot, GradientBarsPanel())
    frame = run_frame(SimConfig(depth=3, width=6), 1)

    def axis(speeds):
        panel.show_frame(_with_speeds(frame, speeds))
        return tuple(round(v) for v in panel.plot.getPlotItem().vb.viewRange()[1])

    assert axis([2e-6, 1e-3, 1e-2, 9e-2]) == (-7, 0)
    assert axis([2e-5, 1e-3, 1e-2, 1.1e-1]) == (-7, 1)      # the top leaves it: wider at once
    for _ in range(3):                                       # and it stays, either way
        assert axis([2e-6, 1e-3, 1e-2, 9e-2]) == (-7, 1)
        assert axis([2e-5, 1e-3, 1e-2, 1.1e-1]) == (-7, 1)


def test_linear_bars_show_the_values_themselves_and_zero_as_a_marked_stub(qtbot):
    panel = shown(qtbot, GradientBarsPanel())
    panel.log_scale.setChecked(False)
    speeds = [0.0, 0.003, 0.02, 0.28]                     # Nielsen's figure, and a dead layer
    panel.show_frame(_with_speeds(run_frame(SimConfig(depth=3, width=6), 1), speeds))
    bottom, top = panel.plot.getPlotItem().vb.viewRange()[1]
    assert bottom == pytest.approx(0) and 0.28 <= top <= 0.5
    heights = _drawn_heights(panel)
    assert [heights[l] for l in (2, 3, 4)] == pytest.approx(speeds[1:])
    assert 0 < heights[1] < 0.1 * top and panel.bars.texts() == [(1.0, "0")]


def test_bars_headline_in_words_for_each_kind_of_number():
    from simulator.diagnosis import speed_sentence
    from simulator.numbers import log_sizes
    assert speed_sentence(log_sizes([np.nan, 1.0])).startswith("Layer 1's gradient is not a number")
    assert speed_sentence(log_sizes([0.0, 1.0])) == "Layer 1's gradient is exactly 0: it does not learn at all"
    assert speed_sentence(log_sizes([0.0, 0.0, 0.0, 1.0])) == \
        "Layers 1–3 get a gradient of exactly 0: no error reaches them, so they do not learn"
    assert speed_sentence(log_sizes([1.0, np.inf])) == "Layer 2's gradient overflowed (∞): it explodes"
    assert speed_sentence(log_sizes([1e-4, 1.0])) == "Layer 1 learns 10,000× slower than layer 2"


def test_after_a_divergence_the_panels_show_the_last_finite_step_and_say_so(qtbot):
    from simulator import load_presets
    frame = run_frame(load_presets()["Large weights (exploding)"].config, 30)
    snapshot = frame.snapshot
    assert snapshot.diverged.startswith(f"Diverged at step {snapshot.step + 1}:")
    bars, chain, speed = (shown(qtbot, p) for p in (GradientBarsPanel(), ChainRulePanel(), LearningSpeedPanel()))
    for panel in (bars, chain, speed):
        panel.show_frame(frame)
    speed.throttle.flush()
    label = f"Last finite step, {snapshot.step}"
    assert bars.ratio.text().startswith(f"Exploded at step {snapshot.step + 1}. At step {snapshot.step}: ")
    assert chain.caption.text().startswith(label + ": ")
    assert speed.title_text == label
    speeds = snapshot.stats.grad_b_norm
    assert np.all(np.isfinite(speeds))                       # honest numbers, not inf or NaN
    zero_layers = np.flatnonzero(speeds == 0) + 1
    marked = [x for x, text in bars.bars.texts() if text.split()[0] == "0"]
    assert len(zero_layers) == 0 or min(marked) >= zero_layers.min() and max(marked) <= zero_layers.max()
    assert len(marked) == len(zero_layers) - np.sum(np.diff(zero_layers) == 1)  # one mark per run
    assert all(text.split()[0] in ("0", "NaN") for _, text in chain.bars.texts())   # 0/0 factors marked


def test_3d_view_redraws_for_a_rebuilt_network(qtbot):
    """The 3-D view caches on the surface's version too (drawn into a stand-in view: the
    offscreen platform has no OpenGL)."""
    from simulator.simulation import Simulation
    from ui.panels.surface3d import HEIGHT_FRACTION, Surface3D, height

    class StandInView:
        def addItem(self, item):
            pass

    view = Surface3D()
    qtbot.addWidget(view)
    view.view = StandInView()
    for activation in ("sigmoid", "relu"):
        surface = Simulation(SimConfig(depth=4, width=6, activation=activation)).snapshot().surface
        view.show_surface(surface)
        z = view._surface_item._z
        assert np.allclose(z, height(surface.cost, surface) * 2 * HEIGHT_FRACTION)


def _history(steps, loss):
    from simulator.activity import history
    from simulator.simulation import History
    steps, loss = np.asarray(steps, float), np.asarray(loss, float)
    return History(steps, loss, np.ones((len(steps), 2)), steps, loss, loss, history([], []))


def _show_history(panel, history):
    from types import SimpleNamespace
    panel.show_frame(SimpleNamespace(snapshot=SimpleNamespace(history=history), baseline=None))
    panel.throttle.flush()


def test_loss_view_ends_at_a_round_step_and_holds_while_the_curves_stay_inside(qtbot):
    panel = shown(qtbot, build("loss"))
    (x0, x1), (y0, y1) = panel.plot.viewRange()
    assert x0 < 0 <= x1 and x1 >= 10                 # empty: steps from 0, not -0.4 … 0.4
    changes = []
    panel.plot.getViewBox().sigRangeChanged.connect(lambda *_: changes.append(1))
    _show_history(panel, _history(np.arange(0, 1101, 10), np.geomspace(0.7, 0.02, 111)))
    (x0, x1), (y0, y1) = panel.plot.viewRange()
    assert 1100 <= x1 <= 1.1 * 1500                  # a round end (1500) past the last step
    assert y0 <= np.log10(0.02) and y1 >= np.log10(0.7)      # round numbers around the curve
    assert y1 - y0 <= np.log10(0.75 / 0.02) + 0.1
    qtbot.wait(20)                                   # the view applies its range lazily
    changes.clear()
    for last in range(1110, 1510, 10):               # training on, within the view
        _show_history(panel, _history(np.arange(0, last + 1, 10), np.geomspace(0.7, 0.03, last // 10 + 1)))
    qtbot.wait(20)
    assert changes == []                             # not redrawn (nor creeping) at every update
    _show_history(panel, _history(np.arange(0, 1601, 10), np.geomspace(0.7, 0.03, 161)))
    assert panel.plot.viewRange()[0][1] >= 1600      # grows past the end at once
    _show_history(panel, _history([0, 10, 20], [0.7, 0.6, 0.5]))   # after a reset
    assert panel.plot.viewRange()[0][1] <= 50        # shrinks to the new run


@pytest.mark.parametrize("values", [[5e-324, 1e-310], [1e308, 1.7e308], [0.5, 0.5]])
def test_loss_view_takes_extreme_and_constant_costs(qtbot, values):
    panel = shown(qtbot, build("loss"))
    _show_history(panel, _history([0, 10], values))
    (x0, x1), (y0, y1) = panel.plot.viewRange()
    assert np.isfinite([x0, x1, y0, y1]).all() and y1 > y0


def test_digits_show_test_images_with_the_predicted_labels_wrong_ones_in_red(qtbot):
    from ui.panels.predictions import COLUMNS, ROWS
    from ui.style import ink as theme_ink
    WRONG = theme_ink("wrong").lower()
    panel = shown(qtbot, build("decision"))
    frame = run_frame(SimConfig(depth=1, width=16, dataset="digits", learning_rate=2.0), 300)
    panel.show_frame(frame)
    s = frame.snapshot
    assert panel.views.currentWidget() is panel.test_images.widget
    predicted = s.decision.predicted
    n = ROWS * COLUMNS
    labels = panel.test_images.labels.entries
    assert [text for _, _, text, _ in labels] == [str(p) for p in predicted[:n]]
    red = [color.name() == WRONG for _, _, _, color in labels]
    assert red == list(predicted[:n] != s.data.y_test[:n]) and 0 < sum(red) < n
    # drawn: over the labels' strip above each image, red where the prediction is wrong
    item = panel.test_images.labels
    qtbot.waitUntil(lambda: not item.boundingRect().isEmpty())
    picture = image_to_rgb(panel.test_images.widget.grab().toImage()).astype(int)
    item.hide()
    bare = image_to_rgb(panel.test_images.widget.grab().toImage()).astype(int)
    ink = np.abs(picture - bare).sum(axis=2) > 60
    assert ink.sum() > 10 * n                                       # every label leaves some ink
    wrong_red = np.array(pg.mkColor(WRONG).getRgb()[:3])
    assert (np.abs(picture[ink] - wrong_red).sum(axis=1) < 60).sum() > 10 * sum(red)
    right = int((predicted == s.data.y_test).sum())
    assert panel.accuracy.text().startswith(f"test accuracy {100 * right / 450:.0f} % ({right} of 450)")
    panel.show_frame(run_frame(SimConfig(depth=1, width=8, dataset="xor"), 1))   # and back
    assert panel.views.currentWidget() is panel.plot


@pytest.mark.parametrize("theme, size", [("presentation", (700, 560)), ("dark", (420, 420))])
def test_digit_labels_stay_in_the_strip_above_their_images(qtbot, theme, size, theme_restored):
    """A walkthrough found presentation type's labels over the row of images above them,
    and a narrow panel's too: a label now takes at most its strip's height."""
    from PySide6.QtCore import QPoint

    from ui.panels.predictions import COLUMNS, LABEL_ROOM, ROWS
    from ui.style import apply_theme
    apply_theme(theme)
    panel = shown(qtbot, build("decision"), size)
    frame = run_frame(SimConfig(depth=1, width=16, dataset="digits", learning_rate=2.0), 30)
    panel.show_frame(frame)
    view, item = panel.test_images.widget, panel.test_images.labels
    qtbot.waitUntil(lambda: not item.boundingRect().isEmpty())
    picture = image_to_rgb(view.grab().toImage()).astype(int)
    item.hide()
    bare = image_to_rgb(view.grab().toImage()).astype(int)
    rows = np.nonzero((np.abs(picture - bare).sum(axis=2) > 60).any(axis=1))[0]
    assert len(rows)
    vb = view.getPlotItem().vb                              # a pixel row → the plot's y (affine)
    y0, y1 = (vb.mapSceneToView(view.mapToScene(QPoint(0, y))).y() for y in (0, 100))
    data_y = y0 + (y1 - y0) * rows / 100
    h = frame.snapshot.data.image_shape[0]
    cell = h + 2 + LABEL_ROOM
    assert 0 < len(rows) and ROWS * COLUMNS == len(item.entries)
    within = np.mod(data_y + 0.5, cell)                     # half a unit of slack at both ends
    assert np.all(within <= LABEL_ROOM + 1.0), within.max()


def test_a_file_of_many_columns_shows_its_confusion_matrix(qtbot, tmp_path):
    rng = np.random.default_rng(1)
    y = np.arange(60) % 3
    np.savez(tmp_path / "d.npz", X=rng.normal(size=(60, 5)) + y[:, None], y=np.array(["a", "b", "c"])[y])
    panel = shown(qtbot, build("decision"))
    frame = run_frame(SimConfig(depth=1, width=8, dataset="file", data_file=str(tmp_path / "d.npz")), 50)
    panel.show_frame(frame)
    s = frame.snapshot
    assert panel.views.currentWidget() is panel.confusion.widget
    counts = [[sum(1 for t, p in zip(s.data.y_test, s.decision.predicted) if (t, p) == (i, j))
               for j in range(3)] for i in range(3)]
    assert [text for _, _, text, _ in panel.confusion.counts.entries] == [str(c) for row in counts for c in row]
    assert np.allclose(panel.confusion.image.image, np.array(counts) / np.sum(counts, axis=1, keepdims=True))


def test_downhill_arrow_grows_with_the_slope_and_vanishes_at_rest():
    from ui.panels.surface import SLOPE_CEILING, SLOPE_FLOOR, arrow_length
    slopes = np.logspace(-12, 3, 200)
    lengths = np.array([arrow_length(g, 2.0) for g in slopes])
    assert np.all(np.diff(lengths) >= 0)                           # monotonic in the slope
    assert np.all(lengths[slopes < SLOPE_FLOOR] == 0)               # no arrow at rest
    assert np.all(lengths[slopes >= SLOPE_FLOOR] > 0)
    inside = (slopes > SLOPE_FLOOR) & (slopes < SLOPE_CEILING)
    assert np.all(np.diff(lengths[inside]) > 0)                     # strictly, between the bounds
    assert lengths.max() < 2.0 / 2                                  # never across half the map


def test_slope_caption_says_which_direction_is_flat():
    from ui.panels.surface import slope_caption
    assert slope_caption((2.2e-9, -7.6e-3), "layer 1", "layer 11").startswith(
        "Flat along a (layer 1): over 10⁶× less steep than along b (layer 11)")   # 3.5 million
    assert slope_caption((1.5e-9, 3e-12), "layer 1", "layer 11").startswith("The ball is at rest")
    assert slope_caption((3e-3, -4e-5), "layer 1", "layer 3").startswith("Flat along b (layer 3): 75× less steep")
    assert slope_caption((-2e-2, -3e-2), "layer 1", "layer 3").startswith("Downhill along both a and b alike")


def test_downhill_arrow_ends_on_the_map():
    from ui.panels.surface import downhill_arrow
    tip = downhill_arrow(np.array([0.5, 0.9]), np.array([0.0, -1.0]), 0.5, 1.0)   # uphill: +b
    assert tip == pytest.approx([0.5, 1.0])                     # cut at the map's top edge
    tip = downhill_arrow(np.array([0.0, 0.0]), np.array([3.0, 4.0]), 0.5, 1.0)
    assert tip == pytest.approx([-0.3, -0.4])                   # inside: full length, downhill
    assert downhill_arrow(np.array([1.0, 0.0]), np.array([-1.0, 0.0]), 0.5, 1.0) is None


def test_numbers_as_a_slide_writes_them():
    from ui.widgets import scientific
    assert [scientific(v) for v in (-2800, 3.1e-9, -0.0076, 45.3, 0.0)] == \
        ["-2.8×10³", "3.1×10⁻⁹", "-0.0076", "45", "0"]


def test_log_ticks_label_a_few_round_numbers_inside_any_range():
    from ui.widgets import log_ticks
    rng = np.random.default_rng(3)
    for low, span in zip(rng.uniform(-300, 260, 300), rng.uniform(0.05, 40, 300)):
        labelled, minor = log_ticks(low, low + span)
        positions = [p for p, _ in labelled]
        assert 1 <= len(positions) <= 5 or span < np.log10(1.5)        # never a pile of labels
        assert all(low - 1e-9 <= p <= low + span + 1e-9 for p in positions + [p for p, _ in minor])
        assert positions == sorted(positions) and len(set(t for _, t in labelled)) == len(labelled)
    assert [t for _, t in log_ticks(np.log10(2), 1)[0]] == ["2", "3", "5", "7.5", "10"]
    assert [t for _, t in log_ticks(-6, 0)[0]] == ["10⁻⁶", "10⁻⁴", "10⁻²", "10⁰"]


def test_a_legend_takes_as_many_columns_as_its_plot_holds(qtbot, theme_restored):
    """A live walkthrough read "tes" for "test set": in presentation type the loss legend's
    three columns were wider than the tab, and pushed the plot past the panel's edge."""
    from ui.panels.loss import LossPanel
    from ui.style import apply_theme
    apply_theme("presentation")
    panel = shown(qtbot, LossPanel())
    panel.resize(520, 600)
    panel.show_frame(run_frame(SimConfig(depth=3), 40, baseline=SimConfig(depth=3)))
    panel.finish()
    view = panel.plot
    qtbot.waitUntil(lambda: panel.legend.sceneBoundingRect().right() <= view.width()
                    and view.getPlotItem().width() <= view.width() + 1, timeout=2000)
    assert panel.legend.columnCount < 4
    panel.resize(1400, 600)                                 # room again: back to one row
    qtbot.waitUntil(lambda: panel.legend.columnCount == 4, timeout=2000)


def test_learning_speed_after_changes_of_depth_draws_the_new_layers_only(qtbot):
    """Curves are kept from one depth to the next (made anew they cost 35-65 ms a change):
    none of a deeper network may stay drawn, and each keeps its layer's colour and name."""
    panel = shown(qtbot, LearningSpeedPanel())
    for depth, drawn in ((30, [0, 3, 5, 8, 11, 14, 16, 19, 22, 25, 27, 30]), (3, [0, 1, 2, 3]),
                         (11, list(range(12))), (2, [0, 1, 2])):
        frame = run_frame(SimConfig(depth=depth, width=4), 20)
        panel.show_frame(frame)
        panel.finish()
        h = frame.snapshot.history
        with_data = [c for c in panel.plot.getPlotItem().listDataItems() if c.getOriginalDataset()[0] is not None
                     and len(c.getOriginalDataset()[0])]
        assert len(with_data) == len(drawn) and set(with_data) == set(panel.curves)
        colors = layer_colors(depth + 1)
        for curve, l in zip(panel.curves, drawn):
            _, y = curve.getOriginalDataset()
            assert np.allclose(y, geometric_running_mean(h.speed[:, l], max(1, len(h.steps) // 50)))
            assert curve.opts["pen"].color().name() == colors[l].name()
        names = {label.text: sample.item for sample, label in panel.legend.items}
        assert "layer 1" in names and f"layer {depth + 1}" in names
        for name, item in names.items():
            assert item is panel.curves[drawn.index(int(name.split()[1]) - 1)]


def test_learning_speed_of_a_deep_network_draws_twelve_layers_first_and_last_included(qtbot):
    panel = shown(qtbot, LearningSpeedPanel())
    frame = run_frame(SimConfig(depth=30, width=4), 20)
    panel.show_frame(frame)
    panel.finish()
    h = frame.snapshot.history
    assert len(panel.curves) == 12 and panel.layers[0] == 0 and panel.layers[-1] == 30
    # the legend fits the panel (in one row of 7 it pushed the plot past a 700-pixel panel)
    assert panel.legend.sceneBoundingRect().right() <= panel.plot.width()
    assert np.all(np.diff(panel.layers) >= 2)                      # evenly spread, not bunched
    for curve, l in zip(panel.curves, panel.layers):
        x, y = curve.getOriginalDataset()
        assert np.allclose(y, geometric_running_mean(h.speed[:, l], max(1, len(h.steps) // 50)))


def test_a_plot_stays_put_as_its_axis_labels_narrow_and_widen(qtbot):
    """A vertical axis keeps the room its widest labels have needed. Fitted to each frame's
    labels (the activation's "-0.0029" one frame, "2" the next), the plot was laid out and
    drawn again at each change, six times in one pass for a panel brought to the front
    (120 ms), and jumped sideways as it played."""
    from PySide6.QtWidgets import QApplication
    from ui.style import style_axes
    plot = pg.PlotWidget()
    style_axes(plot)
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.show()
    qtbot.waitExposed(plot)
    view, lefts = plot.getPlotItem().getViewBox(), []
    for low, high in ((-0.0029, 0.0001), (0, 2), (-0.0029, 0.0001), (0, 2)):
        plot.setYRange(low, high, padding=0)
        for _ in range(2):              # the axis fits its labels as it draws them, then the plot
            plot.grab()
            QApplication.processEvents()
        lefts.append(view.sceneBoundingRect().left())
    assert len(set(lefts)) == 1, lefts


def test_a_colour_bar_gives_back_the_room_of_labels_it_no_longer_shows(qtbot):
    """A walkthrough: the cost map's colour bar kept the room of "-0.15887" (depth 20)
    back at depth 2 ("0.05"), 45 px of blank beside a narrower map. Its numbers change with
    the config, not the frame, so it gives the room back."""
    from PySide6.QtWidgets import QApplication
    from ui.style import style_axis
    plot = pg.PlotWidget()
    axis = plot.getPlotItem().getAxis("left")
    style_axis(axis, keeps_room=False)
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.show()
    qtbot.waitExposed(plot)
    widths = []
    for low, high in ((-0.15908, -0.15887), (-0.1, 0.05)):
        plot.setYRange(low, high, padding=0)
        for _ in range(2):
            plot.grab()
            QApplication.processEvents()
        widths.append(axis.width())
    assert widths[1] < widths[0] - 10, widths



def test_a_trail_off_the_map_ends_where_it_left_it_in_its_own_direction():
    """A launch was drawn to the map's corner (each coordinate clipped on its own), which
    is not where the network went."""
    from ui.panels.surface import on_map
    trail = np.array([[0.0, 0.0], [1.0, -5.0], [5e7, -1.2e10], [5e7, -1e24]])
    drawn = on_map(trail, 8.0)
    assert len(drawn) == 3 and np.array_equal(drawn[:2], trail[:2])
    a, b = drawn[-1]
    assert b == -8.0 and a == pytest.approx(1.0 + 3.0 * (5e7 - 1.0) / (1.2e10 - 5.0))   # by hand
    assert np.array_equal(on_map(trail[:2], 8.0), trail[:2])


def test_a_recurrent_run_is_told_in_time_steps_in_every_panel(qtbot):
    """The recurrent mode reports time steps where a feed-forward run reports layers; every
    panel names them so, and the chain rule shows the step Jacobians' product beside the
    measured one."""
    from ui.panels.surface import SurfacePanel
    config = SimConfig(recurrent=True, time_steps=12, width=8, activation="tanh")
    frame = run_frame(config, 3)
    snapshot = frame.snapshot
    assert snapshot.unit_name == "time step" and len(snapshot.stats.grad_b_norm) == 13
    bars = shown(qtbot, GradientBarsPanel())
    bars.show_frame(frame)
    assert bars.ratio.text().startswith("Time step 1")
    assert bars.plot.getAxis("bottom").labelText.startswith("time step")
    chain = shown(qtbot, ChainRulePanel())
    chain.show_frame(frame)
    assert chain.caption.text().startswith("Time step 1's error is the product of 12 factors")
    product = snapshot.stats.jacobian_product
    x, y = chain.jacobians.getData()
    keep = np.isfinite(np.log10(product))
    assert np.allclose(y, np.log10(product)[keep]) and list(x) == list(np.arange(1, 14)[keep])
    speed = shown(qtbot, LearningSpeedPanel())
    speed.show_frame(frame)
    speed.finish()
    names = [label.text for _, label in speed.legend.items]
    assert names[0] == "time step 1" and names[-1] == "the output"
    activation = shown(qtbot, ActivationPanel())
    activation.show_frame(frame)
    assert activation.layer.itemText(0) == "all time steps" and activation.layer.itemText(1) == "time step 1"
    surface = shown(qtbot, SurfacePanel())
    surface.show_frame(frame)
    assert surface.plot.getAxis("bottom").labelText.startswith("a: W")
    assert surface.plot.getAxis("left").labelText.startswith("b: V")


@pytest.mark.parametrize("batch_norm", [False, True])
def test_the_network_under_the_ball_is_the_status_bars_cost_or_says_why_not(batch_norm):
    """Without batch norm the map's "the network" is the training cost the status bar shows
    (the surface's data is the whole training set here); with it, the two differ (batch
    statistics over the set against each sample on its own: 0.048 against 0.074 at step 300
    of "Batch norm rescues deep sigmoid"), and the note says so."""
    from ui.panels.surface import map_note
    snapshot = run_frame(SimConfig(depth=6, batch_norm=batch_norm), 300).snapshot
    words, _ = map_note(snapshot)
    assert snapshot.surface.samples == snapshot.data.X_train.shape[0]
    if batch_norm:
        assert abs(snapshot.ball.cost - snapshot.train_loss) > 1e-3 * snapshot.train_loss
        assert "(batch norm over the set)" in words
    else:
        assert snapshot.ball.cost == pytest.approx(snapshot.train_loss, rel=1e-9)
        assert "batch norm" not in words


def test_the_learning_speeds_baseline_is_named_in_its_legend_not_over_its_plot(qtbot):
    """Beside a baseline the speed plot's title said "Bright: this run; faded: the baseline"
    and took a line of its height (124 px left at 1920 × 1080): the legend says it, as the
    loss's does, and keeps saying it after a change of depth; gone with the baseline."""
    panel = shown(qtbot, LearningSpeedPanel())

    def names():
        return [label.text for _, label in panel.legend.items]
    for depth in (4, 9):
        panel.show_frame(run_frame(SimConfig(depth=depth, width=4), 20, baseline=SimConfig(depth=3, width=4)))
        panel.finish()
        assert names().count("baseline (faded)") == 1 and "layer 1" in names()
        assert "baseline" not in panel.title_text
    panel.show_frame(run_frame(SimConfig(depth=9, width=4), 20))
    panel.finish()
    assert "baseline (faded)" not in names()


def test_the_map_holds_its_size_while_the_note_under_it_changes_length(qtbot):
    """The note under the map says "(measured at step N)" on the frames whose costs were
    measured at an earlier step, and not on the others: one line more, then one less, a few
    times a second while playing. The map jumped by that line each time (and its axes were
    laid out anew); the note now keeps the room of the most lines it took at its width."""
    import dataclasses
    from ui.panels.surface import SurfacePanel
    frame = run_frame(SimConfig(depth=3, width=4), 40)
    ball = frame.snapshot.ball
    earlier = dataclasses.replace(frame, snapshot=dataclasses.replace(
        frame.snapshot, ball=dataclasses.replace(ball, measured=ball.measured - 7)))
    panel = shown(qtbot, SurfacePanel())
    note = panel.map.note
    panel.show_frame(earlier)
    long_text = note.text()
    panel.show_frame(frame)
    short_text = note.text()
    for width in range(400, 1600, 20):         # a width where the longer words take a line more
        panel.resize(width, 700)
        QApplication.sendPostedEvents()
        if _lines(note, long_text, note.width()) > _lines(note, short_text, note.width()):
            break
    assert _lines(note, long_text, note.width()) > _lines(note, short_text, note.width())
    heights = []
    for shown_frame in (earlier, frame) * 4:
        panel.show_frame(shown_frame)
        QApplication.sendPostedEvents()
        QApplication.processEvents()
        heights.append(panel.map.plot.height())
    assert len(set(heights)) == 1, heights


def _lines(label, text, width):
    """How many lines ``text`` takes in ``label``'s type at ``width``."""
    metrics = label.fontMetrics()
    return metrics.boundingRect(0, 0, width, 10 ** 6, int(Qt.TextFlag.TextWordWrap), text).height() // metrics.lineSpacing()


def test_the_ball_its_arrow_and_the_probe_are_drawn_where_the_frame_puts_them(qtbot):
    """The markers are moved, not made anew, each frame: each spot, mapped into the map's
    coordinates, is where the snapshot says; the ball is hollow once it has left the map;
    a probe that is gone is hidden."""
    import dataclasses
    from PySide6.QtCore import QPointF
    from ui.headless import frame_of, runs
    from ui.panels.surface import FILLED, HOLLOW, SurfacePanel
    panel = shown(qtbot, SurfacePanel())
    m = panel.map
    sim, _ = runs(SimConfig(depth=3, width=4), None, 5)

    def at(marker):
        if not marker.isVisible():
            return None
        spot = marker.mapToParent(QPointF(marker.data["x"][0], marker.data["y"][0]))
        return pytest.approx((spot.x(), spot.y()), abs=1e-12)

    def points(line):
        x = line.getData()[0]
        return 0 if x is None else len(x)

    sim.drop_probe(0.3, -0.2)
    sim.roll_probe(3)
    for frame in (frame_of(sim), run_frame(SimConfig(depth=3, width=4), 7)):
        panel.show_frame(frame)
        ball, probe = frame.snapshot.ball, frame.snapshot.probe
        assert at(m.ball) == tuple(ball.position) and at(m.rims[m.ball]) == tuple(ball.position)
        x, y = m.arrow.getData()
        assert points(m.arrow) == 2 and at(m.arrow_head) == (x[-1], y[-1]) and m.ball.opts["brush"].style() \
            == FILLED.style()
        if probe is None:
            assert at(m.probe) is None and at(m.rims[m.probe]) is None and points(m.probe_trail) == 0
        else:
            assert at(m.probe) == tuple(probe.position) and at(m.rims[m.probe]) == tuple(probe.position)
            assert np.array_equal(m.probe_trail.getData()[0], probe.trail[:, 0])
    frame = run_frame(SimConfig(depth=3, width=4), 7)
    far = dataclasses.replace(frame.snapshot.ball, launched="a cliff",
                              trail=np.vstack([frame.snapshot.ball.trail, [[1e6, 1e6]]]))
    panel.show_frame(dataclasses.replace(frame, snapshot=dataclasses.replace(frame.snapshot, ball=far)))
    assert m.ball.opts["brush"].style() == HOLLOW.style() and at(m.arrow_head) is None
    assert at(m.ball) != (1e6, 1e6) and points(m.arrow) == 0

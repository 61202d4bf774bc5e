"""One truth on every panel (issue 22): presets and setups are clean slates, one diagnosis
speaks for every panel, a remedy that is offered works, a flat map looks flat."""
import numpy as np
import pytest

from simulator import SimConfig, Simulation, load_presets
from ui.headless import HeadlessView, run_frame
from ui.widgets import on_screen
from ui_helpers import close_window, make_window, read

PRESETS = load_presets()


def every_ordered_pair(names):
    """A walk through ``names`` that takes every ordered pair (a, b), a ≠ b, exactly once:
    an Eulerian circuit of the complete directed graph (Hierholzer's algorithm)."""
    left = {a: [b for b in names if b != a] for a in names}
    stack, walk = [names[0]], []
    while stack:
        if left[stack[-1]]:
            stack.append(left[stack[-1]].pop())
        else:
            walk.append(stack.pop())
    return walk[::-1]


def alone(name):
    """The preset's runs, as they are at step 0 alone: (live, baseline or None)."""
    preset = PRESETS[name]
    return (Simulation(preset.config).snapshot(),
            Simulation(PRESETS[preset.baseline].config).snapshot() if preset.baseline else None)


def same(shown, fresh):
    assert shown.config == fresh.config and shown.step == fresh.step == 0
    assert np.array_equal(shown.stats.grad_b_norm, fresh.stats.grad_b_norm)
    assert np.array_equal(shown.ball.position, fresh.ball.position) and shown.ball.cost == fresh.ball.cost
    assert shown.diverged is None and shown.ball.launched is None and shown.diagnosis == fresh.diagnosis


def test_the_walk_takes_every_ordered_pair_once():
    names = list("abcd")
    walk = every_ordered_pair(names)
    pairs = list(zip(walk, walk[1:]))
    assert sorted(pairs) == sorted((a, b) for a in names for b in names if a != b)


def test_a_preset_is_a_clean_slate_whatever_came_before(qtbot, tmp_path):
    """Every ordered pair of presets: the second one's frame is exactly what it is alone
    (config, baseline or none, step 0, no banner). "Plateau" after "Clipping tames the
    cliff" had kept the exploding baseline, "Nielsen's experiment" after "Residual
    connections" was compared with a network on the circles."""
    walk = every_ordered_pair(list(PRESETS))
    window = make_window(qtbot, tmp_path, PRESETS[walk[0]].config)
    fresh = {name: alone(name) for name in PRESETS}
    try:
        controls = window.controls
        for name in walk:
            controls.preset.setCurrentText(name)
            live, baseline = fresh[name]
            qtbot.waitUntil(lambda: window.painted.snapshot.config == live.config
                            and window.painted.snapshot.step == 0
                            and (window.painted.baseline is None) == (baseline is None)
                            and (baseline is None or window.painted.baseline.config == baseline.config),
                            timeout=10000)
            frame = window.painted
            same(frame.snapshot, live)
            if baseline is not None:
                same(frame.baseline, baseline)
            assert window.diagnosis.text.text().startswith(live.diagnosis.text)
            assert not window.panels["surface"].map.note.text().startswith("Launched")
            for _ in range(2):                     # the run moves on before the next preset
                controls.step_button.click()
            qtbot.waitUntil(lambda: window.painted.snapshot.step >= 1, timeout=10000)
    finally:
        close_window(window)


def test_loading_a_setup_without_a_baseline_clears_a_pinned_one(window, qtbot, tmp_path):
    from ui.saved_setups import Setup, setup_json
    path = tmp_path / "plain.json"
    path.write_text(setup_json(Setup(SimConfig(depth=2, width=4))))
    window.controls.pin_button.click()
    qtbot.waitUntil(lambda: window.painted.baseline is not None, timeout=5000)
    assert read(qtbot, window, "load_setup", path)
    qtbot.waitUntil(lambda: window.painted.snapshot.config.depth == 2, timeout=5000)
    assert window.painted.baseline is None and window.painted.snapshot.step == 0


# ------------------------------------------------------------------ one diagnosis
RELU_AFTER_SIGMOID = PRESETS["Deep sigmoid (vanishing)"].config.replace(activation="relu", init="he")


@pytest.mark.parametrize("seed", [0, 4])
def test_relus_that_die_at_the_default_rate_are_named_and_the_offered_remedy_revives_them(seed):
    """Deep sigmoid (η 0.5), then ReLU + He: the live demo died without a word ("Layers
    1–8 get a gradient of exactly 0", cost 0.693)."""
    sim = Simulation(RELU_AFTER_SIGMOID.replace(seed=seed))
    snapshot = sim.step(300)
    diagnosis = snapshot.diagnosis
    dead = snapshot.derivatives.dead_fraction
    assert diagnosis.kind == "dead" and dead.max() >= 0.75
    width = sim.config.width
    count = int(diagnosis.sentence.split(" of ")[0])
    assert count == round(float(np.sum(dead[dead >= 0.5])) * width) or count == round(
        float(np.sum(dead[dead == 1.0])) * width)
    assert "η 0.5 is too large for relu" in diagnosis.advice
    assert diagnosis.remedy.changes == (("learning_rate", 0.05),)
    revived = Simulation(diagnosis.remedy.apply(sim.config)).step(300)
    assert revived.diagnosis.kind == "healthy" and revived.derivatives.dead_fraction.max() < 1.0
    assert revived.train_accuracy > 0.95


def test_dead_units_are_counted_by_hand_on_every_sample():
    sim = Simulation(RELU_AFTER_SIGMOID)
    snapshot = sim.step(300)
    a = sim.surface_X
    by_hand = []
    for W, b in zip(sim.net.weights[:-1], sim.net.biases[:-1]):     # ReLU, no remedies
        z = a @ W + b
        by_hand.append(np.mean(np.all(z <= 0, axis=0)))
        a = np.maximum(z, 0)
    assert np.allclose(snapshot.derivatives.dead_fraction, by_hand)


def test_an_exploding_run_ends_with_an_explosion_in_every_panel(qtbot):
    """It ended with "Last finite step, 5: Layers 1–5 get a gradient of exactly 0: no error
    reaches them…" while the map said the ball was launched."""
    frame = run_frame(PRESETS["Large weights (exploding)"].config, 30)
    diagnosis = frame.snapshot.diagnosis
    assert diagnosis.kind == "exploded" and diagnosis.headline == "Exploded at step 6"
    view = HeadlessView(frame.snapshot.config, None, (1280, 720))
    try:
        view.show(frame)
        window = view.widget
        assert window.diagnosis.text.text().startswith("Exploded at step 6")
        assert window.status["state"].text() == "Exploded at step 6"
        assert window.panels["bars"].ratio.text().startswith("Exploded at step 6.")
        assert window.panels["surface"].map.note.text().startswith("Launched off the map")
    finally:
        view.close()


def test_the_advice_names_only_what_was_on_when_the_run_diverged():
    large = PRESETS["Large weights (exploding)"].config
    sim = Simulation(large)
    diverged = sim.step(30).diagnosis
    assert diverged.kind == "exploded" and "Clipping" in diverged.advice
    assert diverged.remedy.changes == (("clip", True),) and "threshold" not in diverged.advice
    clipped = Simulation(large.replace(clip=True, clip_threshold=1e6)).step(30).diagnosis
    assert clipped.kind in ("exploded", "launched") and "Clipping was on (at 1e+06)" in clipped.advice
    assert clipped.remedy.changes == (("learning_rate", 0.005),)


def test_a_baselines_state_is_named_as_the_baseline_s():
    """Beside a diverged baseline, the live run's diagnosis is its own; the baseline's is
    said as the baseline's."""
    frame = run_frame(PRESETS["Clipping tames the cliff"].config, 30,
                      baseline=PRESETS["Large weights (exploding)"].config)
    assert frame.baseline.diagnosis.kind == "exploded"
    assert frame.snapshot.diagnosis.kind != "exploded" and frame.snapshot.diverged is None


def test_the_ball_and_the_bars_agree_that_a_dead_layer_gets_nothing():
    """Depth 32, ReLU + He at η 0.5: the bars said "Layers 1–32 get a gradient of exactly 0"
    while the surface said "Downhill along both a and b" and the ball rolled along a."""
    from ui.panels.surface import slope_caption
    sim = Simulation(SimConfig(depth=32, width=16, activation="relu", init="he", learning_rate=0.5))
    snapshot = sim.step(300)
    if snapshot.stats.grad_b_norm[0] == 0 and not sim.net.gradients(sim.surface_X, sim.surface_Y).flat[
            sim.net.layer_slice(0)].any():
        assert snapshot.ball.gradient[0] == 0.0
        assert "Flat along a (layer 1): no slope at all" in slope_caption(snapshot.ball.gradient, "layer 1", "layer 33")
    assert snapshot.diagnosis.kind == "dead"


# ------------------------------------------------------------------ honest colours
FLAT_SLICE = PRESETS["Deep sigmoid (vanishing)"].config.replace(u_layer=1, v_layer=2)


def test_a_flat_map_is_drawn_flat_and_says_so(qtbot):
    """Layers 1 and 2 of the deep sigmoid network: log₁₀ C changes by 10⁻⁷ across the map,
    and the colours had spanned the whole scale, the contours zig-zagging in the noise."""
    frame = run_frame(FLAT_SLICE, 0)
    surface = frame.snapshot.surface
    assert surface.flat and surface.relief < 1e-5
    assert len(frame.contours[0]) == 0                       # no lines traced in the noise
    view = HeadlessView(FLAT_SLICE, "surface", (900, 650))
    try:
        view.show(frame)
        panel = view.widget
        low, high = panel.map.colorbar.levels()
        logc = np.log10(surface.cost)
        assert high - low == pytest.approx(0.05) and (logc.max() - logc.min()) / (high - low) < 1e-4
        assert on_screen(panel.map.note) and panel.map.note.text().startswith("Flat: C changes by")
    finally:
        view.close()


def test_a_bowl_keeps_its_colours_and_lines():
    frame = run_frame(PRESETS["Deep ReLU + He (healthy)"].config, 0)
    surface = frame.snapshot.surface
    assert not surface.flat and len(frame.contours[0]) > 0
    low, high = surface.levels()
    logc = surface.log_cost
    assert (low, high) == (pytest.approx(logc.min()), pytest.approx(logc.max()))


@pytest.mark.parametrize("name", ["Deep sigmoid (vanishing)", "Shallow sigmoid", "Deep ReLU + He (healthy)",
                                  "Clipping tames the cliff"])
def test_the_bars_and_the_diagnosis_say_the_same_numbers(qtbot, name):
    """Side by side on one frame: the bars' headline and the diagnosis line read the same
    speeds (they had said '6× slower' and '4× slower' of the same two layers)."""
    from simulator.diagnosis import speed_sentence
    from simulator.numbers import log_sizes
    frame = run_frame(PRESETS[name].config, 60)
    view = HeadlessView(frame.snapshot.config, None, (1280, 720))
    try:
        view.show(frame)
        window = view.widget
        said = speed_sentence(log_sizes(frame.snapshot.speeds))
        assert said in window.diagnosis.text.text()
        assert window.panels["bars"].ratio.text().endswith(said[1:])
    finally:
        view.close()


def test_a_pictures_surface_passes_through_the_network():
    """A picture at step 300 showed the surface of step 0 ("the map 0.7233, the network
    0.707"): within the live tolerance, but a picture has time to be exact."""
    frame = run_frame(PRESETS["Deep sigmoid (vanishing)"].config, 300)
    ball = frame.snapshot.ball
    assert frame.snapshot.surface.step == 300
    assert ball.plane_cost == pytest.approx(ball.cost, rel=1e-9)
